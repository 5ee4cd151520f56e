{{ v.header_sectioned() }}
"""API tests of the {{ v.snake }} domain (``{{ v.prefix }}``).

``API`` is the domain as its tests see it: fields, constraints and list
options, as the spec declares them. ``contract_tests`` turns it into the
tests every rule implies (see ``tests/support.py``): each constraint on both
of its edges, each enum value, each sort key both ways, on create and update.
"""

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

{{ class_name }} = contract_tests(API)


# scaffold: begin custom tests
# scaffold: end custom tests
