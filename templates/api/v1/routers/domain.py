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

{{ v.class }}Id = Annotated[
    {{ v.id.param }},
    Path(description="Id of the {{ v.words }}."),
]
{%- endif %}
{%- if v.ops.list %}


@router.get(
    "",
    operation_id="list_{{ v.plural }}",
    response_model={{ v.class }}PageDto,
)
async def list_{{ v.plural }}(
    session: ReadSession,
    limit: Annotated[
        int,
        Query(ge=1, le={{ v.max_page_size }}, description="Maximum number of rows."),
    ] = {{ v.page_size }},
    offset: Offset = 0,
    sort: Annotated[
        {{ v.class }}SortKey,
        Query(description="Sort key; `-` first for descending."),
    ] = "{{ v.default_sort }}",
{%- if !v.search.is_empty() %}
    q: Search = None,
{%- endif %}
{%- for p in list_params %}
{{ p }}
{%- endfor %}
) -> {{ v.class }}PageDto:
    """List {{ v.plural_words }}: filtered, {% if !v.search.is_empty() %}searched in {{ v.search_words }}, {% endif %}sorted, paged."""
    service = {{ v.class }}Service(session)
    return await service.list_{{ v.plural }}(
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
    operation_id="create_{{ v.snake }}",
    status_code=201,
    response_model={{ v.class }}ResponseDto,
{{ item_errors.create }})
async def create_{{ v.snake }}(
    dto: {{ v.class }}RequestDto,
    session: WriteSession,
    response: Response,
) -> {{ v.class }}ResponseDto:
    """Create {{ v.a_words }}; the ``Location`` header is its URL."""
    service = {{ v.class }}Service(session)
    {{ v.service_call("created = await ", "create", ["dto"]) }}
    response.headers["Location"] = f"{router.prefix}/{created.id}"
    return created
{%- endif %}


# scaffold: begin custom routes
# scaffold: end custom routes
{%- if v.ops.get %}


@router.get(
    "/{{ "{" }}{{ v.id_param }}{{ "}" }}",
    operation_id="get_{{ v.snake }}",
    response_model={{ v.class }}ResponseDto,
    responses={{ item_errors.get }},
)
async def get_{{ v.snake }}(
    {{ v.id_param }}: {{ v.class }}Id,
    session: ReadSession,
) -> {{ v.class }}ResponseDto:
    """The {{ v.words }} with this id."""
    service = {{ v.class }}Service(session)
    {{ v.service_call("return await ", "get", ["id"]) }}
{%- endif %}
{%- if v.ops.update %}


@router.patch(
    "/{{ "{" }}{{ v.id_param }}{{ "}" }}",
    operation_id="update_{{ v.snake }}",
    response_model={{ v.class }}ResponseDto,
    responses={{ item_errors.update }},
)
async def update_{{ v.snake }}(
    {{ v.id_param }}: {{ v.class }}Id,
    dto: {{ v.class }}UpdateDto,
    session: WriteSession,
) -> {{ v.class }}ResponseDto:
    """Change the fields sent; null clears an optional field."""
    service = {{ v.class }}Service(session)
    {{ v.service_call("return await ", "update", ["id", "dto"]) }}
{%- endif %}
{%- if v.ops.delete %}


@router.delete(
    "/{{ "{" }}{{ v.id_param }}{{ "}" }}",
    operation_id="delete_{{ v.snake }}",
    status_code=204,
    responses={{ item_errors.delete }},
)
async def delete_{{ v.snake }}(
    {{ v.id_param }}: {{ v.class }}Id,
    session: WriteSession,
) -> None:
    """Delete the {{ v.words }}; 409 while other rows still reference it."""
    service = {{ v.class }}Service(session)
    {{ v.service_call("await ", "delete", ["id"]) }}
{%- endif %}
