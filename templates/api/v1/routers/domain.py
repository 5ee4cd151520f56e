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
        limit=limit,
        offset=offset,
        sort=sort,
{%- if !v.search.is_empty() %}
        q=q,
{%- endif %}
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
{{ item_errors.create }})
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
{%- if v.ops.get %}


@router.get(
    "/{{ "{" }}{{ v.id_param }}{{ "}" }}",
    operation_id="{{ v.names.get }}",
    response_model={{ v.names.response_dto }},
    responses={{ item_errors.get }},
)
async def {{ v.names.get }}(
    {{ v.id_param }}: {{ v.names.id_alias }},
    session: ReadSession,
) -> {{ v.names.response_dto }}:
    """The {{ v.words }} with this id."""
    service = {{ v.names.service }}(session)
    {{ v.service_call("return await ", v.names.get, ["id"]) }}
{%- endif %}
{%- if v.ops.update %}


@router.patch(
    "/{{ "{" }}{{ v.id_param }}{{ "}" }}",
    operation_id="{{ v.names.update }}",
    response_model={{ v.names.response_dto }},
    responses={{ item_errors.update }},
)
async def {{ v.names.update }}(
    {{ v.id_param }}: {{ v.names.id_alias }},
    dto: {{ v.names.update_dto }},
    session: WriteSession,
) -> {{ v.names.response_dto }}:
    """Change the fields sent; null clears an optional field."""
    service = {{ v.names.service }}(session)
    {{ v.service_call("return await ", v.names.update, ["id", "dto"]) }}
{%- endif %}
{%- if v.ops.delete %}


@router.delete(
    "/{{ "{" }}{{ v.id_param }}{{ "}" }}",
    operation_id="{{ v.names.delete }}",
    status_code=204,
    responses={{ item_errors.delete }},
)
async def {{ v.names.delete }}(
    {{ v.id_param }}: {{ v.names.id_alias }},
    session: WriteSession,
) -> None:
    """Delete the {{ v.words }}; 409 while other rows still reference it."""
    service = {{ v.names.service }}(session)
    {{ v.service_call("await ", v.names.delete, ["id"]) }}
{%- endif %}
