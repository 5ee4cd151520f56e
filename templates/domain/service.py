{%- import "shared/macros.py" as shared -%}
{{ v.header_sectioned() }}
"""Business logic of the {{ v.snake }} domain; owns the transactions."""

{{ imports }}

# isort: split
# scaffold: begin custom imports
# scaffold: end custom imports
# isort: split


class {{ v.names.service }}:
    """Use cases of {{ v.plural_words }}: {{ v.operation_list() }}."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        {{ v.repository_init() }}
{%- if v.ops.list %}

    async def {{ v.names.list }}(
        self,
        *,
        limit: int,
        offset: int,
        sort: str,
{%- if !v.search.is_empty() %}
        q: str | None = None,
{%- endif %}
{%- for f in v.filters %}
        {{ f.service_param }},
{%- endfor %}
    ) -> {{ v.names.page_dto }}:
        """One page of {{ v.plural_words }} matching the filters and the search."""
        # No locals: a filter parameter may have any field's name.
        return {{ v.names.page_dto }}.of(
            *await self._repository.paginate(
{%- call shared::paging_args("                ", !v.search.is_empty(), "search") %}{% endcall %}
{%- if !v.filters.is_empty() %}
                filters={
{%- for f in v.filters %}
                    "{{ f.name }}": {{ f.name }},
{%- endfor %}
                },
{%- endif %}
            ),
            limit=limit,
            offset=offset,
        )
{%- endif %}
{%- if v.ops.get %}
{%- call item_method(v.names.get, "", v.names.response_dto, "The " ~ v.words ~ " with this id; NotFoundError if there is none.") %}{% endcall %}
        {{ v.return_response() }}
{%- endif %}
{%- if v.ops.create %}

    async def {{ v.names.create }}(
        self,
        dto: {{ v.names.request_dto }},
    ) -> {{ v.names.response_dto }}:
        """Create {{ v.a_words }}.

        ValidationError if a referenced row does not exist, ConflictError if
        a unique value is taken.
        """
        values = dto.model_dump()
{%- call checks("        ", "values") %}{% endcall %}
{%- if v.timestamps %}
        now = utc_now()
        row = self._repository.add(
            {{ v.new_row() }}
        )
{%- else %}
        {{ v.new_row() }}
{%- endif %}
        await commit(self.session)
        {{ v.return_response() }}
{%- endif %}
{%- if v.ops.update %}
{%- call item_method(v.names.update, v.names.update_dto, v.names.response_dto, "Change the fields sent in ``dto``; the others stay as they are.") %}{% endcall %}
        values = dto.model_dump(exclude_unset=True)
        if values:
{%- call checks("            ", "values, exclude_id=row.id") %}{% endcall %}
            row.sqlmodel_update(values)
{%- if v.timestamps %}
            row.updated_at = utc_now()
{%- endif %}
            await commit(self.session)
        {{ v.return_response() }}
{%- endif %}
{%- if v.ops.delete %}
{%- call item_method(v.names.delete, "", "None", "Delete the " ~ v.words ~ "; ConflictError while rows still reference it.") %}{% endcall %}
        await self._repository.delete(row)
        await commit(self.session, deleting=True)
{%- endif %}
{%- if v.ops.item() %}

    async def _get(
        self,
        {{ v.id_param }}: {{ v.id.python }},
    ) -> {{ v.class }}:
        row = await self._repository.get_by_id(
            {{ v.id_param }},
        )
        if row is None:
            raise NotFoundError(
                f"{{ v.class }} {{ "{" }}{{ v.id_param }}{{ "}" }} not found.",
            )
        return row
{%- endif %}
{%- if !v.unique.is_empty() && (v.ops.create || v.ops.update) %}

    async def _check_unique(
        self,
        values: Mapping[str, Any],
        exclude_id: {{ v.id.python }} | None = None,
    ) -> None:
        field = await self._repository.find_unique_clash(values, exclude_id)
        if field is not None:
            raise ConflictError(
                f"{{ v.a_words_cap }} with this {field} already exists.",
                field=field,
            )
{%- endif %}
{%- if !ref_checks.is_empty() %}

    async def _check_references(
        self,
        values: Mapping[str, Any],
    ) -> None:
{%- for c in ref_checks %}
        await ensure_exists(
            {{ c.1 }}(self.session),
            values.get("{{ c.0 }}"),
            field="{{ c.0 }}",
        )
{%- endfor %}
{%- endif %}

    # scaffold: begin custom methods
    # scaffold: end custom methods
{#- The reference and unique checks of create and update. #}
{%- macro checks(pad, unique_args) %}
{%- if !ref_checks.is_empty() %}
{{ pad }}await self._check_references(values)
{%- endif %}
{%- if !v.unique.is_empty() %}
{{ pad }}await self._check_unique({{ unique_args }})
{%- endif %}
{%- endmacro %}
{#- The head of a method on one row, which it fetches first. #}
{%- macro item_method(name, dto, returns, doc) %}

    async def {{ name }}(
        self,
        {{ v.id_param }}: {{ v.id.python }},
{%- if !dto.is_empty() %}
        dto: {{ dto }},
{%- endif %}
    ) -> {{ returns }}:
        """{{ doc }}"""
        row = await self._get({{ v.id_param }})
{%- endmacro %}
