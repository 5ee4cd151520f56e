{#- Pieces of Python that more than one template writes. -#}
{%- macro paging_args(pad, search, search_kw) %}
{{ pad }}limit=limit,
{{ pad }}offset=offset,
{{ pad }}sort=sort,
{%- if search %}
{{ pad }}{{ search_kw }}=q,
{%- endif %}
{%- endmacro %}
