{{ v.header_whole() }}
"""Table model of the {{ v.snake }} domain (table ``{{ v.plural }}``)."""

{{ imports }}
{%- for e in v.enums %}


{{ e.class_line() }}
    """{{ e.doc }}"""
{% if e.auto_values() %}
    # auto(): each value is its member's name in lowercase.
{%- endif %}
{%- for m in e.members %}
    {{ m.0 }} = {{ m.1 }}
{%- endfor %}
{%- endfor %}


class {{ v.class }}(SQLModel, table=True):
    """{{ v.doc }}"""

    __tablename__ = "{{ v.plural }}"
{% for d in declarations %}
{{ d }}
{%- endfor %}
