//! The limits and reserved names of the spec format, in one place: the
//! parser enforces them, the JSON Schema and docs/spec.md state them.

/// Longest domain or field name: keeps table, index and enum type names
/// within PostgreSQL's 63-byte identifier limit.
pub const MAX_NAME_LEN: usize = 40;
/// Longest spec file accepted.
pub const MAX_SPEC_BYTES: usize = 256 * 1024;
/// Most fields a domain may have.
pub const MAX_FIELDS: usize = 200;
/// Largest `min_length` / `max_length`.
pub const MAX_STR_LENGTH: u64 = 10_485_760;
/// Largest `max_digits` / `decimal_places`.
pub const MAX_DIGITS: u32 = 1000;
/// Largest `page_size` / `max_page_size`.
pub const MAX_PAGE_SIZE: u32 = 10_000;
/// Longest enum value (PostgreSQL's identifier limit).
pub const MAX_ENUM_VALUE_LEN: u32 = 63;

/// Class names the generated modules import; a domain whose class name is
/// one of them would shadow it.
pub const IMPORTED_CLASSES: &[&str] = &[
    "Field", "Query", "Path", "Response", "Depends", "Annotated", "Literal", "Self", "Any", "Mapping", "Decimal",
    "BaseModel", "ConfigDict", "PageDto", "StrEnum", "AsyncSession", "JsonValue", "Text", "BigInteger",
];

/// Domain names that clash with the layout or with generated module names.
pub const RESERVED_DOMAINS: &[&str] = &["shared", "base", "session", "types", "page", "api", "deps"];

/// Field names that clash with generated code, SQLAlchemy, pydantic or the
/// list endpoint's query parameters (docs/design.md §7).
pub const RESERVED_FIELD_NAMES: &[&str] = &[
    "id", "created_at", "updated_at", "metadata", "registry", "limit", "offset", "sort", "q", "session", "self", "cls",
    "from_model",
];

/// Field names that would shadow a method of pydantic's `BaseModel` (or
/// SQLModel's), which every model and DTO class extends.
pub const MODEL_METHOD_FIELD_NAMES: &[&str] = &[
    "construct",
    "copy",
    "from_orm",
    "json",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "schema",
    "schema_json",
    "sqlmodel_update",
    "update_forward_refs",
    "validate",
];

/// Field names that would shadow a type the generated classes annotate other
/// fields with.
pub const SHADOWING_FIELD_NAMES: &[&str] = &[
    "str", "int", "float", "bool", "bytes", "dict", "list", "set", "tuple", "object", "date", "datetime", "uuid",
    "decimal",
];
