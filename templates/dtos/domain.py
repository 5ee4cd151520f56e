{{ v.header_whole() }}
"""DTOs of the {{ v.snake }} API: {{ v.dto_list() }}."""

{{ imports }}

{{ sort_literal }}
"""Allowed values of ``?sort=``: a column, ``-`` first for descending."""
{%- if v.ops.create %}


class {{ v.names.request_dto }}(BaseModel):
    """A new {{ v.words }} (body of ``POST {{ v.prefix }}``)."""

    model_config = ConfigDict(extra="forbid")
{% for d in request %}
{{ d }}
{%- endfor %}
{%- endif %}
{%- if v.ops.update %}


class {{ v.names.update_dto }}(BaseModel):
    """Changes to {{ v.a_words }} (body of ``PATCH {{ v.prefix }}/{id}``).

    Only the fields sent change; null clears an optional field.
    """

    model_config = ConfigDict(extra="forbid")
{% for d in update %}
{{ d }}
{%- endfor %}
{%- endif %}


class {{ v.names.response_dto }}(BaseModel):
    """{{ v.a_words_cap }} as the API returns it."""

    model_config = ConfigDict(from_attributes=True)
{% for d in response -%}
{{ d }}
{% endfor %}
    @classmethod
    def from_model(cls, row: {{ v.class }}) -> Self:
        """The response for a table row."""
        return cls.model_validate(row)


{{ v.class_line(v.names.page_dto, "PageDto", v.names.response_dto) }}
    """A page of {{ v.plural_words }} (``GET {{ v.prefix }}``)."""
