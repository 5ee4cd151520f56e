{{ v.header_sectioned() }}
"""API tests of the {{ v.snake }} domain: its table."""

{{ imports }}

# isort: split
# scaffold: begin custom imports
# scaffold: end custom imports
# isort: split

pytestmark = pytest.mark.anyio
{%- for pool in pools %}

{{ pool }}
{%- endfor %}

{{ fields }}

{{ api }}
{%- if overrides %}

allow_router_dependencies = dependencies_overridden(API)
{%- endif %}

{{ class_name }} = contract_tests(API)


# scaffold: begin custom tests
# scaffold: end custom tests
