{{ v.header_sectioned() }}
"""Data access of the {{ v.snake }} domain."""

{{ imports }}

# isort: split
# scaffold: begin custom imports
# scaffold: end custom imports
# isort: split


{{ v.class_line(v.names.repository, "BaseRepository", v.class) }}
    """Queries on ``{{ v.plural }}``; never commits."""

    filter_fields = {{ filter_fields }}
    search_fields = {{ search_fields }}
    sort_fields = {{ sort_fields }}
    unique_fields = {{ unique_fields }}

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, {{ v.class }})

    # scaffold: begin custom queries
    # scaffold: end custom queries
