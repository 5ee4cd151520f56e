{%- import "shared/macros.py" as shared -%}
{{ v.header_sectioned() }}
"""HTTP routes of the {{ v.snake }} domain (``{{ v.prefix }}``)."""

{{ imports }}

# isort: split
# scaffold: begin custom imports
# scaffold: end custom imports
# isort: split

router = APIRouter(
{{ router_args }})
{%- if v.ops.item() %}

{{ v.names.id_alias }} = Annotated[
    {{ v.id.param }},
    Path(description="Id of the {{ v.words }}."),
]
{%- endif %}
{%- if v.ops.list %}


@router.get(
    "",
    operation_id="{{ v.names.list }}",
    response_model={{ v.names.page_dto }},
)
async def {{ v.names.list }}(
    session: ReadSession,
    limit: Annotated[
        int,
        Query(ge=1, le={{ v.max_page_size }}, description="Maximum number of rows."),
    ] = {{ v.page_size }},
    offset: Offset = 0,
    sort: Annotated[
        {{ v.names.sort_key }},
        Query(description="Sort key; `-` first for descending."),
    ] = "{{ v.default_sort }}",
{%- if !v.search.is_empty() %}
    q: Search = None,
{%- endif %}
{%- for p in list_params %}
{{ p }}
{%- endfor %}
) -> {{ v.names.page_dto }}:
    """List {{ v.plural_words }}: filtered, {% if !v.search.is_empty() %}searched in {{ v.search_words }}, {% endif %}sorted, paged."""
    service = {{ v.names.service }}(session)
    return await service.{{ v.names.list }}(
{%- call shared::paging_args("        ", !v.search.is_empty(), "q") %}{% endcall %}
{%- for f in v.filters %}
        {{ f.name }}={{ f.param }},
{%- endfor %}
    )
{%- endif %}
{%- if v.ops.create %}


@router.post(
    "",
    operation_id="{{ v.names.create }}",
    status_code=201,
    response_model={{ v.names.response_dto }},
{{ create_responses }})
async def {{ v.names.create }}(
    dto: {{ v.names.request_dto }},
    session: WriteSession,
    response: Response,
) -> {{ v.names.response_dto }}:
    """Create {{ v.a_words }}; the ``Location`` header is its URL."""
    service = {{ v.names.service }}(session)
    {{ v.service_call("created = await ", v.names.create, ["dto"]) }}
    response.headers["Location"] = f"{router.prefix}/{created.id}"
    return created
{%- endif %}


# scaffold: begin custom routes
# scaffold: end custom routes
{%- for r in item_routes %}


@router.{{ r.method }}(
    "/{{ "{" }}{{ v.id_param }}{{ "}" }}",
    operation_id="{{ r.name }}",
{%- if let Some(status) = r.status %}
    status_code={{ status }},
{%- endif %}
{%- if let Some(model) = r.response_model %}
    response_model={{ model }},
{%- endif %}
    responses={{ r.responses }},
)
async def {{ r.name }}(
    {{ v.id_param }}: {{ v.names.id_alias }},
{%- if let Some(dto) = r.dto %}
    dto: {{ dto }},
{%- endif %}
    session: {{ r.session }},
) -> {{ r.returns }}:
    """{{ r.doc }}"""
    service = {{ v.names.service }}(session)
    {{ r.call }}
{%- endfor %}
