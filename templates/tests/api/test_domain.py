{{ v.header_sectioned() }}
"""API tests of the {{ v.snake }} domain (``{{ v.prefix }}``)."""

{{ imports }}

# isort: split
# scaffold: begin custom imports
# scaffold: end custom imports
# isort: split

pytestmark = pytest.mark.anyio

URL = "{{ v.prefix }}"
MISSING_ID = {{ t.missing_id }}
{{ t.malformed_ids }}
{%- for r in t.ref_targets %}
{{ r.url_constant() }}
{%- endfor %}
{%- if !t.dependency_overrides.is_empty() %}


@pytest.fixture(autouse=True)
def allow_router_dependencies() -> Iterator[None]:
    """Let every request through the router's dependencies (e.g. auth)."""
{%- for d in t.dependency_overrides %}
    app.dependency_overrides[{{ d.name }}] = lambda: None
{%- endfor %}
    yield
{%- for d in t.dependency_overrides %}
    app.dependency_overrides.pop({{ d.name }}, None)
{%- endfor %}
{%- endif %}

{%- call payload_function("valid_payload", "A valid create body with every field set (unique values are new).", t.full_payload, t.full_refs) %}{% endcall %}
{%- call payload_function("minimal_payload", "A valid create body with only the required fields.", t.minimal_payload, t.minimal_refs) %}{% endcall %}
{%- if t.can_create %}


async def create_{{ v.snake }}(
    client: AsyncClient,
    /,
    **overrides: Any,
) -> dict[str, Any]:
    """Create {{ v.a_words }} through the API; return the response body."""
    payload = await valid_payload(client, **overrides)
    return await post_created(client, URL, payload)


async def create_minimal(
    client: AsyncClient,
    /,
    **overrides: Any,
) -> dict[str, Any]:
    """Create {{ v.a_words }} from the required fields only.

    The tests of domains that reference this one make their rows with it.
    """
    payload = await minimal_payload(client, **overrides)
    return await post_created(client, URL, payload)


create_row = create_{{ v.snake }}
{%- endif %}
{%- for table in t.tables %}
{{ table }}
{%- endfor %}
{%- if t.can_create %}
{%- call test("test_create_returns_201_location_and_body") %}{% endcall %}
    payload = await valid_payload(client)

    response = await client.post(URL, json=payload)

    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"{URL}/{body['id']}"
    for field, value in payload.items():
        assert body[field] == value, field
{%- if !t.defaults.is_empty() %}
{%- call test("test_create_with_required_fields_only_uses_defaults") %}{% endcall %}
    payload = await minimal_payload(client)

    response = await client.post(URL, json=payload)

    assert response.status_code == 201, response.text
    body = response.json()
    defaults: dict[str, Any] = {
{%- for d in t.defaults %}
        {{ d }}
{%- endfor %}
    }
    assert {field: body[field] for field in defaults} == defaults
{%- endif %}
{%- if t.has_required %}
{%- call case_test("REQUIRED_FIELDS", "test_create_without_required_field_is_422", [("field", "str")]) %}{% endcall %}
    payload = await valid_payload(client)
    del payload[field]

    response = await client.post(URL, json=payload)

    assert ["body", field] in error_locations(response)
{%- endif %}
{%- if t.has_invalid %}
{%- call case_test("INVALID_VALUES", "test_create_with_invalid_value_is_422", [("field", "str"), ("value", "Any")]) %}{% endcall %}
    payload = await valid_payload(client, **{field: value})

    response = await send_json(client, "POST", URL, payload)

    assert ["body", field] in error_locations(response)
{%- endif %}


async def test_create_with_unknown_field_is_422(client: AsyncClient) -> None:
    payload = await valid_payload(client, no_such_field=1)

    response = await client.post(URL, json=payload)

    assert ["body", "no_such_field"] in error_locations(response)
{%- if t.has_refs %}
{%- call case_test("REF_FIELDS", "test_create_with_missing_referenced_row_is_422", [("field", "str"), ("missing_id", "Any")]) %}{% endcall %}
    payload = await valid_payload(client, **{field: missing_id})

    response = await client.post(URL, json=payload)

    assert error_locations(response) == [["body", field]]
{%- endif %}
{%- if v.ops.get %}
{%- for d in t.decimals %}


async def test_{{ d.0 }}_is_quantized(
    client: AsyncClient,
) -> None:
    {{ d.3 }}

    fetched = await client.get(f"{URL}/{created['id']}")

    assert created["{{ d.0 }}"] == {{ d.2 }}
    assert fetched.json()["{{ d.0 }}"] == {{ d.2 }}
{%- endfor %}
{%- for d in t.wide_decimals %}


async def test_{{ d.0 }}_takes_all_its_digits(
    client: AsyncClient,
) -> None:
    {{ d.1 }}

    assert created["{{ d.0 }}"] == value
{%- endfor %}
{%- for d in t.datetimes %}


async def test_{{ d.0 }}_is_converted_to_utc(
    client: AsyncClient,
) -> None:
    sent = "2001-02-03T06:05:06+02:00"
    {{ d.1 }}

    fetched = await client.get(f"{URL}/{created['id']}")

    expected = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)
    for body in (created, fetched.json()):
        {{ d.2 }}
        assert stored == expected
{%- endfor %}


async def test_get_returns_the_row(client: AsyncClient) -> None:
    created = await create_row(client)

    response = await client.get(f"{URL}/{created['id']}")

    assert response.status_code == 200, response.text
    assert response.json() == created
{%- endif %}
{%- endif %}
{%- if v.ops.get %}


async def test_get_unknown_id_is_404(client: AsyncClient) -> None:
    response = await client.get(f"{URL}/{MISSING_ID}")

    assert_error(response, 404, "not_found")
{%- call case_test("MALFORMED_IDS", "test_get_malformed_id_is_422", [("row_id", "str")]) %}{% endcall %}
    response = await client.get(f"{URL}/{row_id}")

    expected = [["path", "{{ v.id_param }}"]]
    assert error_locations(response) == expected
{%- endif %}
{%- if v.ops.list %}
{%- if t.can_create %}


async def test_list_returns_envelope_and_pages(client: AsyncClient) -> None:
    limit = {{ v.page_test_limit() }}
    ids = [(await create_row(client))["id"] for _ in range(limit + 1)]

    first = await client.get(URL, params={"limit": limit, "offset": 0})
    second = await client.get(URL, params={"limit": limit, "offset": limit})

    assert first.status_code == 200, first.text
    assert second.status_code == 200, second.text
    first_body, second_body = first.json(), second.json()
    assert set(first_body) == {"items", "total", "limit", "offset"}
    assert first_body["total"] == second_body["total"] == limit + 1
    assert (first_body["limit"], first_body["offset"]) == (limit, 0)
    assert (second_body["limit"], second_body["offset"]) == (limit, limit)
    assert len(first_body["items"]) == limit
    assert len(second_body["items"]) == 1
    page_ids = [item["id"] for item in first_body["items"]]
    page_ids += [item["id"] for item in second_body["items"]]
    assert sorted(page_ids) == sorted(ids)
{%- endif %}


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": {{ v.max_page_size + 1 }}},
        {"limit": "many"},
        {"offset": -1},
        {"offset": 2**63},
    ],
)
async def test_list_with_out_of_range_paging_is_422(
    client: AsyncClient,
    params: dict[str, Any],
) -> None:
    response = await client.get(URL, params=params)

    assert_error(response, 422, "validation_error")


async def test_list_uses_default_page_size(client: AsyncClient) -> None:
    response = await client.get(URL)

    assert response.status_code == 200, response.text
    assert response.json()["limit"] == {{ v.page_size }}
    assert response.json()["offset"] == 0
{%- if t.can_create && t.has_sort_cases %}
{%- call case_test("SORT_CASES", "test_list_sorts_by_field", [("field", "str"), ("low", "Any"), ("high", "Any"), ("nullable", "bool")]) %}{% endcall %}
    high_id = (await create_row(client, **{field: high}))["id"]
    low_id = (await create_row(client, **{field: low}))["id"]
    expected = [low_id, high_id]
{%- call sorts_both_ways() %}{% endcall %}
{%- endif %}
{%- if t.can_create && t.has_ref_sort_cases %}
{%- call case_test("REF_SORT_CASES", "test_list_sorts_by_ref", [("field", "str"), ("nullable", "bool")]) %}{% endcall %}
    # Each row references a new target row; the target ids give the order.
    rows = [await create_row(client) for _ in range(2)]
    rows.sort(key=lambda row: row[field])
    expected = [row["id"] for row in rows]
{%- call sorts_both_ways() %}{% endcall %}
{%- endif %}
{%- if t.can_create && v.timestamps && v.sorts_by_created_at() %}


async def test_list_sorts_by_creation_time(client: AsyncClient) -> None:
    first_id = (await create_row(client))["id"]
    second_id = (await create_row(client))["id"]

    ascending = await list_ids(client, URL, {"sort": "created_at"})
    descending = await list_ids(client, URL, {"sort": "-created_at"})

    assert ascending == [first_id, second_id]
    assert descending == [second_id, first_id]
{%- if v.newest_first %}
    assert await list_ids(client, URL, {}) == descending
{%- endif %}
{%- endif %}
{%- if t.can_create %}
{%- if let Some(c) = t.default_sort_case %}


async def test_list_default_sort_is_{{ c.field }}(
    client: AsyncClient,
) -> None:
    high = await create_row(
        client,
        {{ c.field }}={{ c.high }},
    )
    low = await create_row(
        client,
        {{ c.field }}={{ c.low }},
    )

    ids = await list_ids(client, URL, {})

{%- if c.descending %}
    assert ids == [high["id"], low["id"]]
{%- else %}
    assert ids == [low["id"], high["id"]]
{%- endif %}
{%- endif %}
{%- endif %}


async def test_list_with_unknown_sort_is_422(client: AsyncClient) -> None:
    response = await client.get(URL, params={"sort": "id; DROP TABLE x"})

    assert error_locations(response) == [["query", "sort"]]
{%- if t.can_create && t.has_filter_cases %}
{%- call case_test("FILTER_CASES", "test_list_filters_by_field", [("field", "str"), ("value_a", "Any"), ("value_b", "Any")]) %}{% endcall %}
    a_id = (await create_row(client, **{field: value_a}))["id"]
    b_id = (await create_row(client, **{field: value_b}))["id"]

    assert await list_ids(client, URL, {field: value_a}) == [a_id]
    assert await list_ids(client, URL, {field: value_b}) == [b_id]
{%- endif %}
{%- if t.can_create && t.has_ref_filters %}
{%- call case_test("REF_FILTERS", "test_list_filters_by_reference", [("field", "str")]) %}{% endcall %}
    a = await create_row(client)
    b = await create_row(client)

    assert await list_ids(client, URL, {field: a[field]}) == [a["id"]]
    assert await list_ids(client, URL, {field: b[field]}) == [b["id"]]
{%- endif %}
{%- if t.has_invalid_filters %}
{%- call case_test("INVALID_FILTERS", "test_list_with_invalid_filter_is_422", [("field", "str"), ("value", "Any")]) %}{% endcall %}
    response = await client.get(URL, params={field: value})

    assert error_locations(response) == [["query", field]]
{%- endif %}
{%- if t.can_create %}
{%- if let Some(s) = t.search_field %}
{%- call case_test("SEARCH_FIELDS", "test_list_searches_text_fields", [("field", "str")]) %}{% endcall %}
    found = await create_row(client, **{field: "Big NEEDLE here"})
    await create_row(client, **{field: "Nothing"})

    assert await list_ids(client, URL, {"q": "Needle"}) == [found["id"]]
{%- call test("test_list_search_takes_wildcards_literally") %}{% endcall %}
{%- for row in s.1 %}
    {{ row }}
{%- endfor %}

    # A row is found exactly when one of its searched fields holds q as is.
    for q in ("%", "0%", "_"):
        found = await list_ids(client, URL, {"q": q})
        for row in (percent, underscore, other):
            holds = any(q in str(row[f] or "") for f in SEARCHED_FIELDS)
            assert (row["id"] in found) == holds, (q, row)
{%- endif %}
{%- endif %}
{%- if !v.search.is_empty() %}


@pytest.mark.parametrize("q", ["x" * 101, "a\x00b"])
async def test_list_with_invalid_search_is_422(
    client: AsyncClient,
    q: str,
) -> None:
    response = await client.get(URL, params={"q": q})

    assert error_locations(response) == [["query", "q"]]
{%- endif %}
{%- endif %}
{%- if v.ops.update %}
{%- if t.can_create %}
{%- if t.has_payload %}


async def test_update_changes_only_sent_fields(client: AsyncClient) -> None:
    created = await create_row(client)
    change = await valid_payload(client)
    field, value = next(iter(change.items()))

{%- call patch("created", "value") %}{% endcall %}

    assert response.status_code == 200, response.text
    body = response.json()
    assert body[field] == value
{%- if v.timestamps %}
    unchanged = {"updated_at", field}
{%- else %}
    unchanged = {field}
{%- endif %}
    assert {k: v for k, v in body.items() if k not in unchanged} == {
        k: v for k, v in created.items() if k not in unchanged
    }
{%- if v.timestamps %}
    assert body["updated_at"] >= created["updated_at"]
{%- endif %}
{%- endif %}
{%- call test("test_update_with_empty_body_changes_nothing") %}{% endcall %}
    created = await create_row(client)

    response = await client.patch(f"{URL}/{created['id']}", json={})

    assert response.status_code == 200, response.text
    assert response.json() == created
{%- if t.has_nullable %}
{%- call case_test("NULLABLE_FIELDS", "test_update_with_null_clears_optional_field", [("field", "str")]) %}{% endcall %}
    created = await create_row(client)

{%- call patch("created", "None") %}{% endcall %}

    assert response.status_code == 200, response.text
    assert response.json()[field] is None
{%- if v.ops.get %}
    fetched = await client.get(f"{URL}/{created['id']}")
    assert fetched.json()[field] is None
{%- endif %}
{%- endif %}
{%- if t.has_not_null %}
{%- call case_test("NOT_NULL_FIELDS", "test_update_with_null_on_required_field_is_422", [("field", "str")]) %}{% endcall %}
    created = await create_row(client)

{%- call patch("created", "None") %}{% endcall %}

    assert error_locations(response) == [["body", field]]
{%- endif %}
{%- if t.has_invalid %}
{%- call case_test("INVALID_VALUES", "test_update_with_invalid_value_is_422", [("field", "str"), ("value", "Any")]) %}{% endcall %}
    created = await create_row(client)

    response = await send_json(
        client,
        "PATCH",
        f"{URL}/{created['id']}",
        {field: value},
    )

    assert ["body", field] in error_locations(response)
{%- endif %}
{%- if t.has_refs %}
{%- call case_test("REF_FIELDS", "test_update_with_missing_referenced_row_is_422", [("field", "str"), ("missing_id", "Any")]) %}{% endcall %}
    created = await create_row(client)

{%- call patch("created", "missing_id") %}{% endcall %}

    assert error_locations(response) == [["body", field]]
{%- endif %}
{%- endif %}


async def test_update_unknown_id_is_404(client: AsyncClient) -> None:
    response = await client.patch(f"{URL}/{MISSING_ID}", json={})

    assert_error(response, 404, "not_found")
{%- endif %}
{%- if v.ops.delete %}
{%- if t.can_create %}


async def test_delete_returns_204(client: AsyncClient) -> None:
    created = await create_row(client)

    response = await client.delete(f"{URL}/{created['id']}")

    assert response.status_code == 204, response.text
    assert response.content == b""
{%- if v.ops.get %}
    fetched = await client.get(f"{URL}/{created['id']}")
    assert_error(fetched, 404, "not_found")
{%- endif %}
{%- endif %}


async def test_delete_unknown_id_is_404(client: AsyncClient) -> None:
    response = await client.delete(f"{URL}/{MISSING_ID}")

    assert_error(response, 404, "not_found")
{%- endif %}
{%- if t.can_create && t.has_unique %}
{%- call case_test("UNIQUE_FIELDS", "test_create_with_taken_unique_value_is_409", [("field", "str")]) %}{% endcall %}
    existing = await create_row(client)
    payload = await valid_payload(client, **{field: existing[field]})

    response = await client.post(URL, json=payload)

    assert_error(response, 409, "conflict")
{%- if v.ops.update %}
{%- call case_test("UNIQUE_FIELDS", "test_update_to_taken_unique_value_is_409", [("field", "str")]) %}{% endcall %}
    existing = await create_row(client)
    other = await create_row(client)

{%- call patch("other", "existing[field]") %}{% endcall %}

    assert_error(response, 409, "conflict")
{%- call case_test("UNIQUE_FIELDS", "test_update_keeping_own_unique_value_is_200", [("field", "str")]) %}{% endcall %}
    created = await create_row(client)

{%- call patch("created", "created[field]") %}{% endcall %}

    assert response.status_code == 200, response.text
{%- endif %}
{%- endif %}
{%- if t.can_create %}
{%- for c in t.ref_deletes %}


async def test_deleting_the_{{ c.field }}_row_{{ c.verb() }}(
    client: AsyncClient,
) -> None:
    """``{{ c.field }}`` is ``on_delete = "{{ c.mode.as_str() }}"``."""
    created = await create_row(client)
    target_id = created["{{ c.field }}"]
    target = f"{{ "{" }}{{ c.target_shouty }}_URL{{ "}" }}/{target_id}"

    response = await client.delete(target)

{%- if c.is_refused() %}
    assert_error(response, 409, "conflict")
{%- else %}
    assert response.status_code == 204, response.text
{%- endif %}
{%- if v.ops.get %}
    fetched = await client.get(f"{URL}/{created['id']}")
{%- if c.is_refused() %}
    kept = fetched.json()["{{ c.field }}"]
    assert kept == created["{{ c.field }}"]
{%- else if c.cascades() %}
    assert_error(fetched, 404, "not_found")
{%- else %}
    assert fetched.json()["{{ c.field }}"] is None
{%- endif %}
{%- endif %}
{%- endfor %}
{%- endif %}
{%- call test("test_openapi_declares_operations_and_errors") %}{% endcall %}
    paths = (await client.get("/openapi.json")).json()["paths"]
    item_path = f"{URL}/{{ "{{" }}{{ v.id_param }}{{ "}}" }}"
    operation_ids: set[str] = set()
    for path in (URL, item_path):
        for operation in paths.get(path, {}).values():
            operation_ids.add(operation["operationId"])

    assert operation_ids >= {
{%- for name in v.operation_names() %}
        "{{ name }}",
{%- endfor %}
    }
{%- if v.ops.list %}
    assert {"200", "422"} <= set(paths[URL]["get"]["responses"])
{%- endif %}
{%- if v.ops.create %}
    assert {"201", {% if t.has_unique %}"409", {% endif %}"422"} <= set(paths[URL]["post"]["responses"])
{%- endif %}
{%- if v.ops.item() %}
    item = paths[item_path]
{%- endif %}
{%- if v.ops.get %}
    assert {"200", "404", "422"} <= set(item["get"]["responses"])
{%- endif %}
{%- if v.ops.update %}
    assert {"200", "404", {% if t.has_unique %}"409", {% endif %}"422"} <= set(item["patch"]["responses"])
{%- endif %}
{%- if v.ops.delete %}
    assert {"204", "404", "409", "422"} <= set(item["delete"]["responses"])
{%- endif %}
{%- if t.has_deprecated %}


async def test_openapi_flags_deprecated_fields(client: AsyncClient) -> None:
    openapi = (await client.get("/openapi.json")).json()
    schemas = openapi["components"]["schemas"]

    for dto in {{ t.field_dtos }}:
        properties = schemas[dto]["properties"]
        for field in DEPRECATED_FIELDS:
            assert properties[field].get("deprecated") is True, (dto, field)
{%- endif %}


# scaffold: begin custom tests
# scaffold: end custom tests
{#- A test's head: two blank lines, then its signature, exploded. #}
{%- macro test(name) %}


async def {{ name }}(
    client: AsyncClient,
) -> None:
{%- endmacro %}
{#- A test run once per row of a table of cases: `params` are its
    arguments as (name, type). #}
{%- macro case_test(table, name, params) %}


@pytest.mark.parametrize(
{%- if params.len() == 1 -%}
"{{ params[0].0 }}"
{%- else -%}
({% for (param, _) in params %}"{{ param }}"{% if !loop.last %}, {% endif %}{% endfor %})
{%- endif -%}
, {{ table }})
async def {{ name }}(
    client: AsyncClient,
{%- for (param, ty) in params %}
    {{ param }}: {{ ty }},
{%- endfor %}
) -> None:
{%- endmacro %}
{#- A helper that builds a create body from `entries` and rows for `refs`. #}
{%- macro payload_function(name, doc, entries, refs) %}


async def {{ name }}(
    client: AsyncClient,
    /,
    **overrides: Any,
) -> dict[str, Any]:
    """{{ doc }}"""
{%- if entries.is_empty() %}
    payload: dict[str, Any] = {}
{%- else %}
    payload: dict[str, Any] = {
{%- for entry in entries %}
        {{ entry }}
{%- endfor %}
    }
{%- endif %}
{%- for r in refs %}
    if "{{ r.0 }}" not in overrides:
        {{ r.1 }}
        payload["{{ r.0 }}"] = row["id"]
{%- endfor %}
    payload.update(overrides)
    return payload
{%- endmacro %}
{#- Lists sorted by `field` both ways: `expected` in order, nulls last. #}
{%- macro sorts_both_ways() %}
    null_ids = []
    if nullable:
        null_ids = [(await create_row(client, **{field: None}))["id"]]

    ascending = await list_ids(client, URL, {"sort": field})
    descending = await list_ids(client, URL, {"sort": f"-{field}"})

    assert ascending == [*expected, *null_ids]
    assert descending == [*reversed(expected), *null_ids]
{%- endmacro %}
{#- A blank line, then PATCH `{field: value}` to the row `row`. #}
{%- macro patch(row, value) %}

    response = await client.patch(
        f"{URL}/{{ "{" }}{{ row }}['id']{{ "}" }}",
        json={field: {{ value }}},
    )
{%- endmacro %}
