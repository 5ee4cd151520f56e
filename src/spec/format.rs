//! The spec file format (docs/design.md §4) as serde + schemars types: the single
//! source of truth for the JSON Schema of `domains/<name>.toml`
//! ([`json_schema`]), the key lists the parser checks against
//! ([`top_keys`], [`field_keys`], [`api_keys`], [`file_kinds`],
//! [`field_types`], [`keys_for`]) and the reference `docs/spec.md`
//! ([`reference_markdown`]).
//!
//! The doc comments of the types below become the schema's descriptions, so
//! they are written for spec authors: what a key does, its default and its
//! constraints.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use clap::ValueEnum;
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::rules::{
    MAX_DIGITS, MAX_ENUM_VALUE_LEN, MAX_FIELDS, MAX_NAME_LEN, MAX_PAGE_SIZE, MAX_STR_LENGTH, MODEL_METHOD_FIELD_NAMES,
    RESERVED_DOMAINS, RESERVED_FIELD_NAMES, SHADOWING_FIELD_NAMES,
};
use crate::names::{PYTHON_KEYWORDS, is_snake_case};

/// `$id` of the schema.
pub const SCHEMA_ID: &str = "urn:scaffold:domain-spec";
/// `title` of the schema.
pub const SCHEMA_TITLE: &str = "scaffold domain spec";

/// The body of a lowercase snake_case name (see [`is_snake_case`]).
macro_rules! snake_case {
    () => {
        "[a-z][a-z0-9]*(?:_[a-z0-9]+)*"
    };
}
/// A lowercase snake_case name.
const SNAKE_CASE: &str = concat!("^", snake_case!(), "$");
/// A column name with an optional leading `-` (descending).
const SORT_KEY: &str = concat!("^-?", snake_case!(), "$");
/// `package.module:callable`.
const DEPENDENCY: &str = r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$";

/// Keys every field type accepts.
pub const COMMON_FIELD_KEYS: &[&str] = &["type", "optional", "description"];

/// Which keys a field type accepts beyond `type`, `optional`, `description`,
/// in the order of the spec format: read from each key's `x-types` in
/// [`FieldSpec`], where the key is declared.
pub fn keys_for(ty: FieldType) -> &'static [&'static str] {
    static BY_TYPE: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
    let by_type = BY_TYPE.get_or_init(|| {
        let root = raw_schema();
        let field = resolve(&root, &root["properties"]["fields"]["additionalProperties"]);
        let properties = field["properties"].as_object().expect("FieldSpec has properties");
        FieldType::ALL
            .iter()
            .map(|ty| {
                let applies = |(_, p): &(&String, &Value)| {
                    p["x-types"]
                        .as_array()
                        .is_some_and(|types| types.iter().any(|t| t == ty.as_str()))
                };
                let keys = properties.iter().filter(applies).map(|(k, _)| k.clone());
                keys.map(|k| &*k.leak()).collect()
            })
            .collect()
    });
    &by_type[FieldType::ALL
        .iter()
        .position(|t| *t == ty)
        .expect("every type is listed")]
}

// ---------------------------------------------------------------------------
// The types
// ---------------------------------------------------------------------------

/// A domain spec, `domains/<name>.toml`: one domain of the backend. The file stem is the domain name: lowercase
/// snake_case, at most 40 characters, not a Python keyword and not one of the names the generated layout uses
/// (`shared`, `base`, `session`, `types`, `page`, `api`, `deps`), nor one whose class name would shadow a name the
/// generated code imports (`field`, `query`, `path`, `response`, `depends`, `annotated`, `literal`, `any`, `mapping`, `self`,
/// `decimal`, `base_model`, `config_dict`, `page_dto`, `str_enum`, `async_session`, `json_value`, `text`,
/// `big_integer`). Field order in the file is the order in the generated code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "scaffold domain spec", extend("$id" = SCHEMA_ID))]
pub struct SpecFile {
    /// What one item of the domain is, in a sentence, e.g. "A work of art made by an artist.". Used in the docstrings
    /// of the generated code and in the OpenAPI document. Optional.
    pub description: Option<String>,
    /// Plural of the domain name: the table name, the URL segment and the names of list operations. Lowercase
    /// snake_case, at most 40 characters, not a Python keyword, different from the domain name. Default: the English
    /// plural of the domain name's last word (`artwork` → `artworks`, `gallery` → `galleries`, `status` →
    /// `statuses`).
    #[schemars(transform = plural_rules)]
    pub plural: Option<String>,
    /// Kind of primary key. Default "str".
    #[serde(default)]
    pub id: IdKind,
    /// Whether rows get `created_at` and `updated_at`: UTC-aware datetimes set by the service and returned by the API.
    /// Default true. Without them the list is sorted by `id` unless `[api] default_sort` says otherwise.
    #[serde(default = "yes")]
    pub timestamps: bool,
    /// The domain's fields, one `[fields.<name>]` table each, in the order of the generated code. Required: at least
    /// one field, at most 200. A field name is lowercase snake_case, at most 40 characters, not a Python keyword and
    /// not reserved: not `id`, `created_at`, `updated_at`, `metadata`, `registry`, `limit`, `offset`, `sort`, `q`,
    /// `session`, `self`, `cls` or `from_model`, not starting with `model_` (pydantic's prefix), not a method of
    /// pydantic's and SQLModel's base classes (`construct`, `copy`, `from_orm`, `json`, `parse_file`, `parse_obj`,
    /// `parse_raw`, `schema`, `schema_json`, `sqlmodel_update`, `update_forward_refs`, `validate`), and not a type
    /// name the generated classes use (`str`, `int`, `float`, `bool`, `bytes`, `dict`, `list`, `set`, `tuple`,
    /// `object`, `date`, `datetime`, `uuid`, `decimal`). Builtins such as `type` are fine.
    pub fields: Fields,
    /// The HTTP API generated for the domain. Optional: every key has a default.
    #[serde(default)]
    pub api: ApiSpec,
    /// Generated files the team has taken over. Optional: by default scaffold writes and checks every file.
    #[serde(default)]
    pub files: FilesSpec,
    /// The domain's previous name, when the spec file was renamed from `domains/<old>.toml`: `scaffold migrate`
    /// renames the table (and its enum types) instead of dropping the old one and creating a new one, so the rows
    /// stay. Harmless once migrated; remove it whenever convenient. Optional.
    #[schemars(transform = domain_name_rules)]
    pub renamed_from: Option<String>,
    /// Breaking changes the team has approved, for `scaffold diff --against GITREF`. Optional.
    #[serde(default)]
    pub compat: CompatSpec,
}

fn yes() -> bool {
    true
}

/// Kind of primary key of a domain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ValueEnum)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "IdType")]
pub enum IdKind {
    /// A UUID4 stored and sent as text (the default).
    #[default]
    Str,
    /// A UUID4 in the database's UUID type.
    Uuid,
    /// An auto-incremented 32-bit integer.
    Int,
}

impl IdKind {
    pub const ALL: [Self; 3] = [Self::Str, Self::Uuid, Self::Int];

    /// The name a spec writes (`id = "uuid"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Str => "str",
            Self::Uuid => "uuid",
            Self::Int => "int",
        }
    }
}

/// The fields of a domain in file order (a TOML table of tables).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(pub Vec<(String, FieldSpec)>);

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, field) in &self.0 {
            map.serialize_entry(name, field)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, FieldSpec>()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}

impl JsonSchema for Fields {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Fields".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let field = generator.subschema_for::<FieldSpec>();
        json_schema!({
            "type": "object",
            "minProperties": 1,
            "maxProperties": MAX_FIELDS,
            "propertyNames": field_name_schema(),
            "additionalProperties": field,
        })
    }
}

/// The rules of a field name, as a schema for `propertyNames`.
fn field_name_schema() -> Value {
    json!({
        "pattern": SNAKE_CASE,
        "maxLength": MAX_NAME_LEN,
        "not": {
            "anyOf": [
                {"description": "Python keywords", "enum": snake_case_keywords()},
                {"description": "names the generated code, SQLAlchemy or the list endpoint use", "enum": RESERVED_FIELD_NAMES},
                {"description": "methods of pydantic's and SQLModel's base classes", "enum": MODEL_METHOD_FIELD_NAMES},
                {"description": "type names the generated classes use", "enum": SHADOWING_FIELD_NAMES},
                {"description": "pydantic's reserved prefix", "pattern": "^model_"},
            ]
        }
    })
}

fn snake_case_keywords() -> Vec<&'static str> {
    PYTHON_KEYWORDS.iter().copied().filter(|k| is_snake_case(k)).collect()
}

fn plural_rules(schema: &mut Schema) {
    schema.insert("pattern".into(), SNAKE_CASE.into());
    schema.insert("maxLength".into(), MAX_NAME_LEN.into());
    schema.insert("not".into(), json!({"enum": snake_case_keywords()}));
}

fn domain_name_rules(schema: &mut Schema) {
    let mut reserved = snake_case_keywords();
    reserved.extend(RESERVED_DOMAINS);
    schema.insert("pattern".into(), SNAKE_CASE.into());
    schema.insert("maxLength".into(), MAX_NAME_LEN.into());
    schema.insert("not".into(), json!({ "enum": reserved }));
}

/// One field of a domain (`[fields.<name>]`): a column of the table and an attribute of the model and the DTOs.
/// `type` is required; `optional` and `description` apply to every type; every other key applies only to some types
/// and is an error on the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The field's type. Required.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Whether the field may be null: the column is nullable and the field defaults to None (null). Default false.
    /// Every type accepts it.
    #[serde(default)]
    pub optional: bool,
    /// Value a create request gets when it leaves the field out: a string for str, text and enum (one of `values`),
    /// an integer for int and bigint, a number for float and decimal, true or false for bool. It must satisfy the
    /// field's own constraints (lengths, pattern, bounds). str, text, int, bigint, float, decimal, bool and enum only.
    /// No default: a required field without one must be sent on create. On an optional field, an explicit null stays
    /// null; only a field left out gets the default.
    #[schemars(extend("x-types" = ["str", "text", "int", "bigint", "float", "decimal", "bool", "enum"]))]
    pub default: Option<Literal>,
    /// Adds a unique constraint (which also indexes the column); a create or update that would repeat a value gets a
    /// 409. Default false. str, email, int, bigint, decimal, date, datetime, uuid and ref only.
    #[serde(default)]
    #[schemars(extend("x-types" = ["str", "email", "int", "bigint", "decimal", "date", "datetime", "uuid", "ref"]))]
    pub unique: bool,
    /// Adds a database index on the column. Default false. str, email, int, bigint, float, decimal, bool, date,
    /// datetime, uuid, enum and ref only; a ref column is always indexed, so there it changes nothing.
    #[serde(default)]
    #[schemars(extend("x-types" = ["str", "email", "int", "bigint", "float", "decimal", "bool", "date", "datetime", "uuid", "enum", "ref"]))]
    pub index: bool,
    /// What the field holds, for people: becomes the field's description in the model, the DTOs and the OpenAPI
    /// document. Every type accepts it.
    pub description: Option<String>,
    /// A valid value of the field. Required whenever `pattern` is set, and must match it: the OpenAPI document and
    /// the generated tests use it. str, text and email only.
    #[schemars(extend("x-types" = ["str", "text", "email"]))]
    pub example: Option<String>,
    /// Minimum number of characters, 0 to 10485760, at most `max_length`. No default (the empty string is allowed).
    /// str and text only.
    #[schemars(range(max = MAX_STR_LENGTH))]
    #[schemars(extend("x-types" = ["str", "text"]))]
    pub min_length: Option<u32>,
    /// Maximum number of characters, 1 to 10485760. str, text and email only. str defaults to 255 (the column is a
    /// VARCHAR of this length), email to 320 (values below 6 count as 6), text to no limit.
    #[schemars(range(min = 1, max = MAX_STR_LENGTH))]
    #[schemars(extend("x-types" = ["str", "text", "email"]))]
    pub max_length: Option<u32>,
    /// Regular expression a value must match somewhere (anchor it with `^...$` to match the whole value). It must
    /// compile in Rust's `regex` crate, which pydantic uses, and needs an `example` that matches it. No default.
    /// str only.
    #[schemars(extend("x-types" = ["str"]))]
    pub pattern: Option<String>,
    /// Inclusive lower bound: values must be ≥ ge. Not together with `gt`. An integer for int and bigint (within 32
    /// bits for int), a number for float and decimal. int, bigint, float and decimal only.
    #[schemars(extend("x-types" = ["int", "bigint", "float", "decimal"]))]
    pub ge: Option<Bound>,
    /// Exclusive lower bound: values must be > gt. Not together with `ge`. An integer for int and bigint (within 32
    /// bits for int), a number for float and decimal. int, bigint, float and decimal only.
    #[schemars(extend("x-types" = ["int", "bigint", "float", "decimal"]))]
    pub gt: Option<Bound>,
    /// Inclusive upper bound: values must be ≤ le. Not together with `lt`. An integer for int and bigint (within 32
    /// bits for int), a number for float and decimal. int, bigint, float and decimal only.
    #[schemars(extend("x-types" = ["int", "bigint", "float", "decimal"]))]
    pub le: Option<Bound>,
    /// Exclusive upper bound: values must be < lt. Not together with `le`. An integer for int and bigint (within 32
    /// bits for int), a number for float and decimal. int, bigint, float and decimal only.
    #[schemars(extend("x-types" = ["int", "bigint", "float", "decimal"]))]
    pub lt: Option<Bound>,
    /// Total number of digits of a decimal (the column's precision), 1 to 1000. Default 12. decimal only.
    #[schemars(range(min = 1, max = MAX_DIGITS))]
    #[schemars(extend("x-types" = ["decimal"]))]
    pub max_digits: Option<u32>,
    /// Digits after the decimal point (the column's scale), 0 to 1000, at most `max_digits`; values are rounded to
    /// it. Default 2. decimal only.
    #[schemars(range(max = MAX_DIGITS))]
    #[schemars(extend("x-types" = ["decimal"]))]
    pub decimal_places: Option<u32>,
    /// The values of an enum, in order: lowercase snake_case strings of at most 63 characters, at least one, no
    /// repeats. They become a Python StrEnum named `{Domain}{Field}` (`ArtworkMedium`; `{Domain}{Field}Enum` for a
    /// field named `service`, `repository`, `request_dto`, `update_dto`, `response_dto`, `page_dto` or `sort_key`,
    /// like the domain's other classes; `{Field}Enum` where the name would pass 60 characters) and a database enum
    /// type named `{table}_{field}` (a name longer than PostgreSQL's 63 characters keeps its first 54 and gains `_`
    /// and 8 hex digits of its SHA-256). Required for enum; enum only.
    #[schemars(length(min = 1), inner(pattern(SNAKE_CASE), length(max = MAX_ENUM_VALUE_LEN)))]
    #[schemars(extend("uniqueItems" = true))]
    #[schemars(extend("x-types" = ["enum"]))]
    pub values: Option<Vec<String>>,
    /// The domain a ref points at: the name (file stem) of another spec of the same project, or of this one. The
    /// column holds that domain's id, with a foreign key and an index; a create or update naming a missing row gets a
    /// 422. Required refs may not form a cycle. Required for ref; ref only.
    #[schemars(transform = domain_name_rules)]
    #[schemars(extend("x-types" = ["ref"]))]
    pub to: Option<String>,
    /// What deleting the referenced row does to this one. Default "restrict". ref only.
    #[schemars(extend("default" = "restrict"))]
    #[schemars(extend("x-types" = ["ref"]))]
    pub on_delete: Option<OnDelete>,
    /// Marks the field as on its way out: the OpenAPI document flags it in the request and response bodies, and
    /// Python code that reads it from a DTO gets a DeprecationWarning. It works as before until the spec drops it.
    /// Default false. Every type accepts it.
    #[serde(default)]
    #[schemars(extend(
        "x-types" = ["str", "text", "int", "bigint", "float", "decimal", "bool", "date", "datetime", "uuid", "email", "json", "enum", "ref"]
    ))]
    pub deprecated: bool,
    /// The field's previous name: `scaffold migrate` renames the column, keeping its values, instead of dropping it
    /// and adding a new one. Harmless once migrated; remove it whenever convenient. Every type accepts it.
    #[schemars(regex(pattern = SNAKE_CASE), length(max = MAX_NAME_LEN))]
    #[schemars(extend(
        "x-types" = ["str", "text", "int", "bigint", "float", "decimal", "bool", "date", "datetime", "uuid", "email", "json", "enum", "ref"]
    ))]
    pub renamed_from: Option<String>,
    /// The one-off value `scaffold migrate` writes into existing rows when the field becomes required: a new required
    /// field without a `default`, or an optional field made required (its null rows get it). Same form and checks as
    /// `default`; when absent, `default` is used, and `scaffold migrate --backfill domain.field=VALUE` can give it
    /// instead. It changes nothing in the generated code. str, text, int, bigint, float, decimal, bool and enum only.
    #[schemars(extend("x-types" = ["str", "text", "int", "bigint", "float", "decimal", "bool", "enum"]))]
    pub backfill: Option<Literal>,
}

/// The type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Short text: `str` in Python, a VARCHAR of `max_length` (default 255) in the database. NUL characters are
    /// rejected.
    Str,
    /// Long text: `str` in Python, TEXT in the database, unlimited unless `max_length` is set. Can be searched, but
    /// not made unique, indexed or used as a filter.
    Text,
    /// 32-bit integer (INTEGER): values, bounds and the default lie within −2147483648 to 2147483647.
    Int,
    /// 64-bit integer (BIGINT).
    #[serde(rename = "bigint")]
    BigInt,
    /// Double-precision floating-point number; NaN and infinities are rejected. Cannot be unique or a filter.
    Float,
    /// Exact decimal number: `Decimal` in Python, NUMERIC(max_digits, decimal_places) in the database; by default 12
    /// digits, 2 of them after the point. PostgreSQL keeps every digit; SQLite stores the number as a float, so a
    /// value read back from SQLite keeps about 15 significant digits.
    Decimal,
    /// true or false (BOOLEAN).
    Bool,
    /// Calendar date, `YYYY-MM-DD` in JSON.
    Date,
    /// Point in time, stored timezone-aware in UTC; a value sent without an offset (`Z`, `+02:00`) is a 422.
    Datetime,
    /// UUID, in the database's UUID type.
    Uuid,
    /// Email address checked by pydantic's EmailStr, stored as a VARCHAR of `max_length` (default 320).
    Email,
    /// Any JSON value (a JSON column); numbers must be finite. Cannot be a filter or sorted by.
    Json,
    /// One of a fixed list of `values`: a Python StrEnum and a database enum type.
    Enum,
    /// Reference to a row of the domain named by `to`: a column holding its id, with a foreign key and an index;
    /// `on_delete` says what deleting that row does.
    Ref,
}

impl FieldType {
    /// Every type, in the order of the docs.
    pub const ALL: [Self; 14] = [
        Self::Str,
        Self::Text,
        Self::Int,
        Self::BigInt,
        Self::Float,
        Self::Decimal,
        Self::Bool,
        Self::Date,
        Self::Datetime,
        Self::Uuid,
        Self::Email,
        Self::Json,
        Self::Enum,
        Self::Ref,
    ];

    /// The name a spec writes (`type = "bigint"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Str => "str",
            Self::Text => "text",
            Self::Int => "int",
            Self::BigInt => "bigint",
            Self::Float => "float",
            Self::Decimal => "decimal",
            Self::Bool => "bool",
            Self::Date => "date",
            Self::Datetime => "datetime",
            Self::Uuid => "uuid",
            Self::Email => "email",
            Self::Json => "json",
            Self::Enum => "enum",
            Self::Ref => "ref",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// The names of the field types, in the order of [`FieldType::ALL`].
pub fn field_types() -> &'static [&'static str] {
    const NAMES: [&str; FieldType::ALL.len()] = {
        let mut names = [""; FieldType::ALL.len()];
        let mut i = 0;
        while i < names.len() {
            names[i] = FieldType::ALL[i].as_str();
            i += 1;
        }
        names
    };
    &NAMES
}

/// What the database does with a referencing row when the referenced row is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "OnDeleteAction")]
pub enum OnDelete {
    /// The delete fails with a 409 while rows still reference it (the default).
    Restrict,
    /// Referencing rows are deleted too.
    Cascade,
    /// The reference becomes null; needs `optional = true`.
    SetNull,
}

impl OnDelete {
    pub const ALL: [Self; 3] = [Self::Restrict, Self::Cascade, Self::SetNull];

    /// The name a spec writes (`on_delete = "set_null"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Restrict => "restrict",
            Self::Cascade => "cascade",
            Self::SetNull => "set_null",
        }
    }

    /// The foreign key's `ON DELETE` action.
    pub const fn sql(self) -> &'static str {
        match self {
            Self::Restrict => "RESTRICT",
            Self::Cascade => "CASCADE",
            Self::SetNull => "SET NULL",
        }
    }
}

/// A schema written out for a type serde reads untagged.
macro_rules! inline_schema {
    ($ty:ident, $schema:tt) => {
        impl JsonSchema for $ty {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                stringify!($ty).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

/// A `default` value as written in the spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

inline_schema!(Literal, { "type": ["string", "number", "boolean"] });

/// A bound (`ge`, `gt`, `le`, `lt`) as written in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Bound {
    Int(i64),
    Float(f64),
}

inline_schema!(Bound, { "type": "number" });

/// The HTTP API of a domain (`[api]`), served under `/api/v1/<plural>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiSpec {
    /// Which endpoints to generate, at least one, no repeats. Default: all five.
    #[serde(default = "all_operations")]
    #[schemars(length(min = 1), extend("uniqueItems" = true))]
    pub operations: Vec<Operation>,
    /// Fields the list endpoint can filter on with exact-match query parameters (`?medium=oil`). Any field except
    /// text, float and json ones; no repeats. Default: none.
    #[serde(default)]
    #[schemars(inner(pattern(SNAKE_CASE)), extend("uniqueItems" = true))]
    pub filters: Vec<String>,
    /// str, text and email fields that `?q=` searches: a case-insensitive substring match in which `%` and `_` are
    /// literal; no repeats. Default: none (no `q` parameter).
    #[serde(default)]
    #[schemars(inner(pattern(SNAKE_CASE)), extend("uniqueItems" = true))]
    pub search: Vec<String>,
    /// Columns the list endpoint can sort by, with `?sort=year` (ascending) or `?sort=-year` (descending): any field
    /// except json ones, `id`, and with timestamps `created_at` and `updated_at`; no repeats. NULLs come last and the
    /// id breaks ties; an enum sorts in the order of its `values` on every database. Default: none.
    #[serde(default)]
    #[schemars(inner(pattern(SNAKE_CASE)), extend("uniqueItems" = true))]
    pub sort: Vec<String>,
    /// Order of the list when the request gives no `?sort=`: a column as in `sort`, with a leading `-` for
    /// descending. Default "-created_at", or "id" when `timestamps = false`; the id always breaks ties.
    #[schemars(pattern(SORT_KEY))]
    pub default_sort: Option<String>,
    /// Items per page when the request gives no `limit`: 1 to 10000, at most `max_page_size`. Default 20.
    #[serde(default = "default_page_size")]
    #[schemars(range(min = 1, max = MAX_PAGE_SIZE))]
    pub page_size: u32,
    /// Largest `limit` a request may ask for: 1 to 10000. Default 100.
    #[serde(default = "default_max_page_size")]
    #[schemars(range(min = 1, max = MAX_PAGE_SIZE))]
    pub max_page_size: u32,
    /// FastAPI dependencies applied to every route of the router (`Depends()`), each as `package.module:callable`,
    /// e.g. "backend.api.deps:require_user". The generated tests override them. Default: none.
    #[serde(default)]
    #[schemars(inner(pattern(DEPENDENCY)))]
    pub dependencies: Vec<String>,
}

impl Default for ApiSpec {
    fn default() -> Self {
        Self {
            operations: all_operations(),
            filters: Vec::new(),
            search: Vec::new(),
            sort: Vec::new(),
            default_sort: None,
            page_size: default_page_size(),
            max_page_size: default_max_page_size(),
            dependencies: Vec::new(),
        }
    }
}

fn all_operations() -> Vec<Operation> {
    Operation::ALL.to_vec()
}

fn default_page_size() -> u32 {
    20
}

fn default_max_page_size() -> u32 {
    100
}

/// One of the generated endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "ApiOperation")]
pub enum Operation {
    /// `GET /api/v1/<plural>`: a page of items, with the filters, search and sort of `[api]`.
    List,
    /// `GET /api/v1/<plural>/{id}`: one item.
    Get,
    /// `POST /api/v1/<plural>`: creates an item; 201 with a `Location` header.
    Create,
    /// `PATCH /api/v1/<plural>/{id}`: changes only the fields sent.
    Update,
    /// `DELETE /api/v1/<plural>/{id}`: deletes an item; 204.
    Delete,
}

impl Operation {
    pub const ALL: [Self; 5] = [Self::List, Self::Get, Self::Create, Self::Update, Self::Delete];

    /// The name a spec writes (`operations = ["list"]`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Get => "get",
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

/// Generated files of a domain that the team has taken over (`[files]`). An "owned" file is neither
/// written nor checked by scaffold any more; it is the team's to keep in step with the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilesSpec {
    /// `<package>/domain/<name>/model.py`: the SQLModel table model. Default "generated".
    #[serde(default)]
    pub model: Ownership,
    /// `<package>/dtos/<name>.py`: the request, update, response and page DTOs. Default "generated".
    #[serde(default)]
    pub dtos: Ownership,
    /// `<package>/domain/<name>/repository.py`: the repository. Default "generated".
    #[serde(default)]
    pub repository: Ownership,
    /// `<package>/domain/<name>/service.py`: the service. Default "generated".
    #[serde(default)]
    pub service: Ownership,
    /// `<package>/api/v1/routers/<name>.py`: the router. Default "generated".
    #[serde(default)]
    pub router: Ownership,
    /// `<tests>/test_<name>.py`: the generated API tests. Default "generated".
    #[serde(default)]
    pub tests: Ownership,
}

/// Who maintains a generated file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Ownership {
    /// The team: scaffold neither writes nor checks the file.
    Owned,
    /// scaffold writes the file and `scaffold check` verifies it; custom sections are kept (the default).
    #[default]
    Generated,
}

/// Breaking changes of this domain that the team has approved (`[compat]`). `scaffold diff --against GITREF`
/// classifies every change of the specs since GITREF and fails on a breaking one unless an entry here approves it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompatSpec {
    /// Approved changes, each `KIND:SUBJECT` exactly as `scaffold diff` prints it, e.g. "remove:artwork.legacy_code",
    /// "narrow:artwork.title", "url:artwork". KIND is one that can break: `remove`, `rename`, `require`, `narrow`,
    /// `enum-remove`, `type`, `url`, `operation-remove`, `filter-remove`, `search-remove`, `sort-remove`,
    /// `page-size`, `dependency-add`, `on-delete`, `unique`. SUBJECT is `domain` for a change of the whole domain
    /// (`url`, `page-size`, `dependency-add`, and `remove` or `rename` of a domain), `domain.operation` for
    /// `operation-remove`, `domain.name` for a filter, search or sort key, and `domain.field` otherwise
    /// (`type:domain.id` for the id). The domain is this spec's own (its current name), except that any spec may
    /// approve the removal of a domain whose spec is gone (`remove:old_domain`). No repeats. An entry that matches
    /// no change is harmless; remove it whenever convenient. Default: none.
    #[serde(default)]
    #[schemars(transform = allow_rules)]
    pub allow: Vec<String>,
}

fn allow_rules(schema: &mut Schema) {
    let kinds: Vec<&str> = super::compat::ChangeKind::approvable().map(|k| k.as_str()).collect();
    let pattern = format!("^(?:{}):{}(?:\\.{})?$", kinds.join("|"), snake_case!(), snake_case!());
    schema.insert("items".into(), json!({"type": "string", "pattern": pattern}));
    schema.insert("uniqueItems".into(), true.into());
}

// ---------------------------------------------------------------------------
// The schema
// ---------------------------------------------------------------------------

/// The JSON Schema (draft 2020-12) of a spec file, for editors and CI.
///
/// Beyond what the types say, it carries the per-type key table
/// ([`keys_for`]): for each field type an `if`/`then` rule in the field's
/// `allOf` restricts its keys (`propertyNames`) and the type of `default` and
/// the bounds, and requires `values` for enum and `to` for ref.
pub fn json_schema() -> Value {
    let mut root = raw_schema();
    let field_def = def_name(&root["properties"]["fields"]["additionalProperties"]).expect("FieldSpec is a $ref");
    // Which types take a key is said by the rules below, not by `x-types`.
    for (_, property) in root["$defs"][&field_def]["properties"]
        .as_object_mut()
        .into_iter()
        .flatten()
    {
        property.as_object_mut().map(|p| p.shift_remove("x-types"));
    }
    let field = &mut root["$defs"][&field_def];
    field["allOf"] = Value::Array(field_rules());
    field["dependentRequired"] = json!({ "pattern": ["example"] });
    describe_type_keys(&mut root, &field_def);

    // `$schema`, `$id`, `title`, `description` first.
    let Value::Object(mut map) = root else {
        unreachable!("a root schema is an object")
    };
    let mut ordered = Map::new();
    for key in ["$schema", "$id", "title", "description"] {
        if let Some(v) = map.shift_remove(key) {
            ordered.insert(key.to_owned(), v);
        }
    }
    ordered.extend(map);
    Value::Object(ordered)
}

/// The schema as schemars derives it from the types, tidied.
fn raw_schema() -> Value {
    let settings = SchemaSettings::draft2020_12().with_transform(RecursiveTransform(tidy));
    settings.into_generator().into_root_schema_for::<SpecFile>().to_value()
}

/// Removes what TOML cannot express or readers do not need: `null` as an
/// alternative (TOML has none; an absent key is `None`), schemars' integer
/// formats, defaults of whole tables; joins wrapped doc-comment lines.
fn tidy(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else { return };
    if let Some(Value::Array(types)) = obj.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            obj.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(any_of)) = obj.get_mut("anyOf")
        && any_of.iter().any(|s| s.get("type").is_some_and(|t| t == "null"))
    {
        any_of.retain(|s| s.get("type").is_none_or(|t| t != "null"));
        if any_of.len() == 1 {
            let Some(Value::Object(only)) = obj.shift_remove("anyOf").and_then(|mut a| a.as_array_mut()?.pop()) else {
                return;
            };
            for (k, v) in only {
                obj.entry(k).or_insert(v);
            }
        }
    }
    if obj.get("type").is_some_and(|t| t == "integer" || t == "number") {
        obj.shift_remove("format");
    }
    if obj.get("default").is_some_and(Value::is_object) {
        obj.shift_remove("default");
    }
    if let Some(Value::String(d)) = obj.get_mut("description") {
        *d = unwrap_lines(d);
    }
}

/// Joins the lines of each paragraph of a doc comment.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The `allOf` of a field: one `if type == ... then ...` rule per type plus
/// the rules that relate keys to each other.
fn field_rules() -> Vec<Value> {
    use FieldType::*;
    let int32 = json!({"type": "integer", "minimum": i32::MIN, "maximum": i32::MAX});
    let mut rules = Vec::new();
    for ty in FieldType::ALL {
        let mut names: Vec<&str> = COMMON_FIELD_KEYS.to_vec();
        names.extend(keys_for(ty));
        let mut then = Map::new();
        then.insert("propertyNames".into(), json!({ "enum": names }));
        let value_type = match ty {
            Str | Text | Enum => Some(("default", json!({"type": "string"}))),
            Bool => Some(("default", json!({"type": "boolean"}))),
            Float | Decimal => Some(("default", json!({"type": "number"}))),
            _ => None,
        };
        let mut properties = Map::new();
        if let Some((key, schema)) = value_type {
            properties.insert(key.into(), schema);
        }
        let integer = match ty {
            Int => Some(int32.clone()),
            BigInt => Some(json!({"type": "integer"})),
            _ => None,
        };
        if let Some(schema) = integer {
            for key in ["default", "ge", "gt", "le", "lt"] {
                properties.insert(key.into(), schema.clone());
            }
        }
        if !properties.is_empty() {
            then.insert("properties".into(), Value::Object(properties));
        }
        match ty {
            Enum => then.insert("required".into(), json!(["values"])),
            Ref => then.insert("required".into(), json!(["to"])),
            _ => None,
        };
        rules.push(json!({
            "if": {"properties": {"type": {"const": ty.as_str()}}, "required": ["type"]},
            "then": then,
        }));
    }
    rules.push(json!({"description": "use either ge or gt, not both", "not": {"required": ["ge", "gt"]}}));
    rules.push(json!({"description": "use either le or lt, not both", "not": {"required": ["le", "lt"]}}));
    rules.push(json!({
        "description": "on_delete = \"set_null\" needs optional = true",
        "if": {"properties": {"on_delete": {"const": "set_null"}}, "required": ["on_delete"]},
        "then": {"properties": {"optional": {"const": true}}, "required": ["optional"]},
    }));
    rules
}

/// Appends to each field type's description the keys it accepts.
fn describe_type_keys(root: &mut Value, field_def: &str) {
    let Some(def) = def_name(&root["$defs"][field_def]["properties"]["type"]) else {
        return;
    };
    let Some(variants) = root["$defs"][&def]["oneOf"].as_array_mut() else {
        return;
    };
    for variant in variants {
        let Some(ty) = variant["const"].as_str().and_then(FieldType::from_name) else {
            continue;
        };
        let mut keys: Vec<&str> = COMMON_FIELD_KEYS.to_vec();
        keys.extend(keys_for(ty));
        let list = keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        let text = variant["description"].as_str().unwrap_or_default();
        variant["description"] = format!("{text}\n\nKeys: {list}.").into();
    }
}

/// `Name` of a `{"$ref": "#/$defs/Name"}`.
fn def_name(schema: &Value) -> Option<String> {
    schema["$ref"].as_str()?.strip_prefix("#/$defs/").map(str::to_owned)
}

/// The schema itself, or the definition it refers to.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match def_name(schema) {
        Some(name) => &root["$defs"][&name],
        None => schema,
    }
}

/// The `const`s of a `oneOf`, or the values of an `enum`.
fn const_values(schema: &Value) -> Vec<String> {
    if let Some(variants) = schema["oneOf"].as_array() {
        return variants
            .iter()
            .filter_map(|v| v["const"].as_str())
            .map(str::to_owned)
            .collect();
    }
    let values = schema["enum"].as_array().into_iter().flatten();
    values.filter_map(Value::as_str).map(str::to_owned).collect()
}

// ---------------------------------------------------------------------------
// Key lists derived from the schema
// ---------------------------------------------------------------------------

struct Keys {
    top: Vec<&'static str>,
    field: Vec<&'static str>,
    api: Vec<&'static str>,
    files: Vec<&'static str>,
    compat: Vec<&'static str>,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        // Computed once per process; the strings live as long as it does.
        fn leak(names: impl IntoIterator<Item = String>) -> Vec<&'static str> {
            names.into_iter().map(|n| &*n.leak()).collect()
        }
        fn property_names(schema: &Value) -> Vec<String> {
            schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect()
        }
        let root = json_schema();
        let props = &root["properties"];
        let field = resolve(&root, &props["fields"]["additionalProperties"]);
        Keys {
            top: leak(property_names(&root)),
            field: leak(property_names(field)),
            api: leak(property_names(resolve(&root, &props["api"]))),
            files: leak(property_names(resolve(&root, &props["files"]))),
            compat: leak(property_names(resolve(&root, &props["compat"]))),
        }
    })
}

/// Top-level keys of a spec, in schema order (the parser's `TOP_KEYS`).
pub fn top_keys() -> &'static [&'static str] {
    &keys().top
}

/// Keys of a `[fields.<name>]` table (the parser's `FIELD_KEYS`).
pub fn field_keys() -> &'static [&'static str] {
    &keys().field
}

/// Keys of `[api]` (the parser's `API_KEYS`).
pub fn api_keys() -> &'static [&'static str] {
    &keys().api
}

/// Keys of `[compat]`.
pub fn compat_keys() -> &'static [&'static str] {
    &keys().compat
}

/// Keys of `[files]`: the file kinds a spec can hand over.
pub fn file_kinds() -> &'static [&'static str] {
    &keys().files
}

// ---------------------------------------------------------------------------
// Examples and docs/spec.md
// ---------------------------------------------------------------------------

/// An example field of one type, for docs/spec.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldExample {
    /// The field type it shows.
    pub ty: &'static str,
    /// The field name used in the docs.
    pub name: &'static str,
    /// The body of its `[fields.<name>]` table.
    pub body: &'static str,
}

/// The example fields, one per type in the order of [`field_types`]: each
/// table of `field_examples.toml` is a valid field of a spec.
pub fn field_examples() -> Vec<FieldExample> {
    let text = include_str!("field_examples.toml");
    text.split("\n[fields.")
        .skip(1)
        .map(|table| {
            let (name, body) = table.split_once("]\n").expect("a table header");
            // The body up to its last line, without the blank lines after it.
            let body = &body[..body.trim_end().len() + 1];
            let ty = body
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("type = \"")?.strip_suffix('"'));
            FieldExample {
                ty: ty.expect("each example starts with its type"),
                name,
                body,
            }
        })
        .collect()
}

/// Rules that only scaffold itself checks: JSON Schema cannot relate one
/// value to another or look at other files. Each comes with a spec (of a
/// domain `artwork`, in a project that also has `artist`) that the schema
/// accepts and scaffold rejects.
pub const PARSER_ONLY_RULES: &[(&str, &str)] = &[
    (
        "`min_length` is at most `max_length`.",
        "[fields.title]\ntype = \"str\"\nmin_length = 5\nmax_length = 2\n",
    ),
    (
        "`ge`/`gt` is below `le`/`lt`, leaving some valid value: for `int`, `bigint` and `decimal` a whole number or a number with `decimal_places` decimals between them.",
        "[fields.year]\ntype = \"int\"\nge = 5\nle = 1\n",
    ),
    (
        "`decimal_places` is at most `max_digits`.",
        "[fields.price]\ntype = \"decimal\"\nmax_digits = 4\ndecimal_places = 6\n",
    ),
    (
        "`default` fits the field: one of `values` for an enum, within the bounds, lengths and pattern otherwise.",
        "[fields.medium]\ntype = \"enum\"\nvalues = [\"oil\"]\ndefault = \"acrylic\"\n",
    ),
    (
        "`pattern` compiles in Rust's `regex` crate.",
        "[fields.code]\ntype = \"str\"\npattern = \"[\"\nexample = \"[\"\n",
    ),
    (
        "`example` matches `pattern`.",
        "[fields.code]\ntype = \"str\"\npattern = \"^[0-9]+$\"\nexample = \"abc\"\n",
    ),
    (
        "`to` names a domain of the project, and required refs form no cycle.",
        "[fields.owner_id]\ntype = \"ref\"\nto = \"gallery\"\n",
    ),
    (
        "`filters`, `search`, `sort` and `default_sort` name fields of the spec (or `id`, `created_at`, \
         `updated_at` where allowed) whose type suits the list.",
        "[fields.title]\ntype = \"str\"\n[api]\nfilters = [\"titel\"]\n",
    ),
    (
        "`page_size` is at most `max_page_size`.",
        "[fields.title]\ntype = \"str\"\n[api]\npage_size = 50\nmax_page_size = 10\n",
    ),
    (
        "`plural` differs from the domain name.",
        "plural = \"artwork\"\n[fields.title]\ntype = \"str\"\n",
    ),
    (
        "Each `[compat] allow` entry names this spec's domain (or a domain removed from the project), one of its \
         fields where the kind concerns a field, and one of the operations for `operation-remove`.",
        "[fields.title]\ntype = \"str\"\n[compat]\nallow = [\"narrow:artwork.titel\"]\n",
    ),
    (
        "The modules and callables of `dependencies` are not Python keywords.",
        "[fields.title]\ntype = \"str\"\n[api]\ndependencies = [\"backend.class:require_user\"]\n",
    ),
];

/// The reference of the spec format, docs/spec.md, generated from
/// [`json_schema`], [`keys_for`], [`field_examples`] and [`PARSER_ONLY_RULES`].
pub fn reference_markdown() -> String {
    let root = json_schema();
    let props = &root["properties"];
    let field = resolve(&root, &props["fields"]["additionalProperties"]);
    let api = resolve(&root, &props["api"]);
    let files = resolve(&root, &props["files"]);
    let compat = resolve(&root, &props["compat"]);
    let types = field_types();
    let mut md = String::new();
    let w = &mut md;

    line(w, "# Domain spec reference");
    line(w, "");
    line(
        w,
        "<!-- Generated from src/spec/format.rs by reference_markdown(); do not edit. \
         Regenerate with `UPDATE_DOCS=1 cargo test spec::format`. -->",
    );
    line(w, "");
    para(w, text(&root["description"]));
    para(
        w,
        &format!(
            "The same rules are available as a JSON Schema (draft 2020-12, `$id` `{SCHEMA_ID}`) from \
             `scaffold::spec::format::json_schema()`, for editors that validate TOML against a schema. \
             scaffold itself checks more than the schema can say; see [Rules only scaffold checks](#rules-only-scaffold-checks)."
        ),
    );
    para(
        w,
        "```toml\ndescription = \"A work of art made by an artist.\"\nid = \"int\"\n\n[fields.title]\ntype = \"str\"\n\
         max_length = 200\n\n[fields.artist_id]\ntype = \"ref\"\nto = \"artist\"\n\n[api]\nfilters = [\"artist_id\"]\n\
         search = [\"title\"]\n```",
    );

    line(w, "## Top-level keys");
    line(w, "");
    key_table(w, &root, &root, None);

    line(w, "## Field names");
    line(w, "");
    field_name_section(w, &props["fields"]["propertyNames"]);

    line(w, "## Field keys");
    line(w, "");
    para(w, text(&field["description"]));
    key_table(w, &root, field, Some(types));

    line(w, "## Field types");
    line(w, "");
    let type_schema = resolve(&root, &field["properties"]["type"]);
    for variant in type_schema["oneOf"].as_array().into_iter().flatten() {
        let ty = variant["const"].as_str().unwrap_or_default();
        line(w, &format!("### `{ty}`"));
        line(w, "");
        para(w, text(&variant["description"]));
        if let Some(example) = field_examples().into_iter().find(|e| e.ty == ty) {
            para(w, &format!("```toml\n[fields.{}]\n{}```", example.name, example.body));
        }
    }

    line(w, "## `[api]`");
    line(w, "");
    para(w, text(&api["description"]));
    key_table(w, &root, api, None);

    line(w, "## `[files]`");
    line(w, "");
    para(w, text(&files["description"]));
    key_table(w, &root, files, None);

    line(w, "## `[compat]`");
    line(w, "");
    para(w, text(&compat["description"]));
    key_table(w, &root, compat, None);

    line(w, "## Rules only scaffold checks");
    line(w, "");
    para(
        w,
        "JSON Schema cannot compare two values or look at other files, so these rules hold for every spec that \
         scaffold accepts but are not part of the schema:",
    );
    for (rule, _) in PARSER_ONLY_RULES {
        line(w, &format!("- {rule}"));
    }
    md
}

fn line(w: &mut String, s: &str) {
    w.push_str(s);
    w.push('\n');
}

fn para(w: &mut String, s: &str) {
    line(w, s);
    line(w, "");
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// A table of the properties of `schema`; with `types`, a column saying
/// which field types accept each key.
fn key_table(w: &mut String, root: &Value, schema: &Value, types: Option<&[&str]>) {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if types.is_some() {
        line(w, "| Key | Value | Default | Types | Description |");
        line(w, "|---|---|---|---|---|");
    } else {
        line(w, "| Key | Value | Default | Description |");
        line(w, "|---|---|---|---|");
    }
    for (key, prop) in schema["properties"].as_object().into_iter().flatten() {
        let target = resolve(root, prop);
        let value = value_label(root, prop);
        let default = match prop.get("default").or(target.get("default")) {
            Some(d) if !d.is_object() => format!("`{}`", toml_literal(d)),
            _ if required.contains(&key.as_str()) => "required".to_owned(),
            _ => "—".to_owned(),
        };
        let description = prop.get("description").or(target.get("description"));
        let description = cell(text(description.unwrap_or(&Value::Null)));
        match types {
            Some(types) => {
                let accepted: Vec<&str> = types
                    .iter()
                    .copied()
                    .filter(|t| {
                        COMMON_FIELD_KEYS.contains(&key.as_str())
                            || FieldType::from_name(t).is_some_and(|t| keys_for(t).contains(&key.as_str()))
                    })
                    .collect();
                let accepted = if accepted.len() == types.len() {
                    "all".to_owned()
                } else {
                    accepted.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
                };
                line(
                    w,
                    &format!("| `{key}` | {value} | {default} | {accepted} | {description} |"),
                );
            }
            None => line(w, &format!("| `{key}` | {value} | {default} | {description} |")),
        }
    }
    line(w, "");
}

/// A short description of the values a schema accepts.
fn value_label(root: &Value, schema: &Value) -> String {
    let schema = resolve(root, schema);
    let consts = const_values(schema);
    if !consts.is_empty() {
        let quoted: Vec<String> = consts.iter().map(|c| format!("`\"{c}\"`")).collect();
        return match quoted.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => quoted.concat(),
        };
    }
    let bounds = |s: &Value| match (s["minimum"].as_i64(), s["maximum"].as_i64()) {
        (Some(lo), Some(hi)) => format!(", {lo} to {hi}"),
        (Some(lo), None) => format!(", at least {lo}"),
        (None, Some(hi)) => format!(", at most {hi}"),
        (None, None) => String::new(),
    };
    match &schema["type"] {
        Value::String(t) if t == "array" => {
            let items = value_label(root, &schema["items"]);
            let items = match items.as_str() {
                "string" => "strings".to_owned(),
                other => other.to_owned(),
            };
            format!("array of {items}")
        }
        Value::String(t) if t == "object" => "table".to_owned(),
        Value::String(t) if t == "integer" => format!("integer{}", bounds(schema)),
        Value::String(t) => t.clone(),
        Value::Array(ts) => {
            let names: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
            match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                _ => names.concat(),
            }
        }
        _ => "any".to_owned(),
    }
}

/// A JSON value written as TOML.
fn toml_literal(v: &Value) -> String {
    match v {
        Value::Array(items) => format!("[{}]", items.iter().map(toml_literal).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

/// Text fit for a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace("\n\n", "<br><br>").replace('\n', " ")
}

fn field_name_section(w: &mut String, names: &Value) {
    para(
        w,
        &format!(
            "A field name (the `<name>` of `[fields.<name>]`) matches `{}` (lowercase snake_case: ASCII letters, \
             digits and single underscores, starting with a letter, not ending with an underscore), has at most {} \
             characters and is none of these:",
            text(&names["pattern"]),
            names["maxLength"],
        ),
    );
    for rule in names["not"]["anyOf"].as_array().into_iter().flatten() {
        let what = text(&rule["description"]);
        if let Some(values) = rule["enum"].as_array() {
            let list: Vec<String> = values
                .iter()
                .filter_map(Value::as_str)
                .map(|v| format!("`{v}`"))
                .collect();
            line(w, &format!("- {what}: {}", list.join(", ")));
        } else if let Some(pattern) = rule["pattern"].as_str() {
            line(w, &format!("- {what}: anything matching `{pattern}`"));
        }
    }
    line(w, "");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostic, Source};
    use crate::spec::FileKind;
    /// The field keys and types as docs/design.md §4 lists them.
    const FIELD_KEYS: &[&str] = &[
        "type", "optional", "default", "unique", "index", "description", "example", "min_length", "max_length",
        "pattern", "ge", "gt", "le", "lt", "max_digits", "decimal_places", "values", "to", "on_delete", "deprecated",
        "renamed_from", "backfill",
    ];
    const FIELD_TYPES: &[&str] = &[
        "str", "text", "int", "bigint", "float", "decimal", "bool", "date", "datetime", "uuid", "email", "json",
        "enum", "ref",
    ];

    fn validator() -> jsonschema::Validator {
        jsonschema::draft202012::new(&json_schema()).expect("the schema compiles")
    }

    fn to_json(toml_text: &str) -> Value {
        toml::from_str(toml_text).expect("valid TOML")
    }

    fn schema_errors(v: &jsonschema::Validator, toml_text: &str) -> Vec<String> {
        let instance = to_json(toml_text);
        v.iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    fn parse(text: &str) -> Result<(), Vec<Diagnostic>> {
        let src = Source::new("domains/artwork.toml", text.to_owned());
        super::super::parse_spec(&src, "artwork", "domains/artwork.toml", &["artwork", "artist"]).map(|_| ())
    }

    fn example_specs() -> Vec<(String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/qwarty/domains");
        let mut specs: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
            .collect();
        specs.sort();
        assert!(specs.len() >= 7, "examples not found in {dir}");
        specs
    }

    /// Help of the diagnostic a spec produces for an unknown key.
    fn unknown_key_help(text: &str) -> String {
        let errors = parse(text).unwrap_err();
        let d = errors
            .iter()
            .find(|d| d.message.starts_with("unknown key"))
            .expect("an unknown-key error");
        d.help.clone().unwrap()
    }

    #[test]
    fn key_lists_equal_the_parsers() {
        assert_eq!(field_keys(), FIELD_KEYS);
        assert_eq!(field_types(), FIELD_TYPES);
        let kinds: Vec<&str> = FileKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(file_kinds(), kinds);
        // The help of an unknown key that resembles none lists them all.
        let field = "[fields.title]\ntype = \"str\"\n";
        let cases = [
            (format!("zzzzzzzzzz = 1\n{field}"), "a spec", top_keys()),
            (format!("{field}[api]\nzzzzzzzzzz = 1\n"), "[api]", api_keys()),
            (
                format!("{field}[files]\nzzzzzzzzzz = \"owned\"\n"),
                "[files]",
                file_kinds(),
            ),
            (format!("{field}zzzzzzzzzz = 1\n"), "a field", field_keys()),
            (format!("{field}[compat]\nzzzzzzzzzz = 1\n"), "[compat]", compat_keys()),
        ];
        for (spec, table, keys) in cases {
            assert_eq!(unknown_key_help(&spec), format!("{table} accepts: {}", keys.join(", ")));
        }
    }

    #[test]
    fn keys_per_type_in_spec_order() {
        let expected = "\
str: default unique index example min_length max_length pattern deprecated renamed_from backfill
text: default example min_length max_length deprecated renamed_from backfill
int: default unique index ge gt le lt deprecated renamed_from backfill
bigint: default unique index ge gt le lt deprecated renamed_from backfill
float: default index ge gt le lt deprecated renamed_from backfill
decimal: default unique index ge gt le lt max_digits decimal_places deprecated renamed_from backfill
bool: default index deprecated renamed_from backfill
date: unique index deprecated renamed_from
datetime: unique index deprecated renamed_from
uuid: unique index deprecated renamed_from
email: unique index example max_length deprecated renamed_from
json: deprecated renamed_from
enum: default index values deprecated renamed_from backfill
ref: unique index to on_delete deprecated renamed_from
";
        let actual: String = FieldType::ALL
            .iter()
            .map(|ty| {
                format!(
                    "{}:{}\n",
                    ty.as_str(),
                    keys_for(*ty).iter().map(|k| format!(" {k}")).collect::<String>()
                )
            })
            .collect();
        assert_eq!(actual, expected);
    }

    #[test]
    fn every_key_applies_to_some_type_and_the_schema_lists_the_types() {
        for key in field_keys() {
            assert!(
                COMMON_FIELD_KEYS.contains(key) || FieldType::ALL.iter().any(|t| keys_for(*t).contains(key)),
                "{key} applies to no type"
            );
        }
        let root = json_schema();
        let field = resolve(&root, &root["properties"]["fields"]["additionalProperties"]);
        let schema_types = const_values(resolve(&root, &field["properties"]["type"]));
        assert_eq!(schema_types, field_types());
        for ty in FieldType::ALL {
            assert_eq!(serde_json::to_value(ty).unwrap(), ty.as_str());
        }
        for kind in IdKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        for action in OnDelete::ALL {
            assert_eq!(serde_json::to_value(action).unwrap(), action.as_str());
        }
        for op in Operation::ALL {
            assert_eq!(serde_json::to_value(op).unwrap(), op.as_str());
        }
    }

    #[test]
    fn schema_is_valid_draft_2020_12_and_round_trips() {
        let schema = json_schema();
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(schema["$id"], SCHEMA_ID);
        assert_eq!(schema["title"], SCHEMA_TITLE);
        jsonschema::meta::validate(&schema).expect("valid against the 2020-12 meta-schema");
        let text = serde_json::to_string_pretty(&schema).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, schema);
    }

    #[test]
    fn every_struct_field_and_variant_is_described() {
        fn walk(path: &str, v: &Value) {
            if let Some(props) = v["properties"].as_object() {
                for (k, p) in props {
                    assert!(
                        p["description"].as_str().is_some_and(|d| !d.is_empty()),
                        "{path}.{k} has no description"
                    );
                }
            }
            for variant in v["oneOf"].as_array().into_iter().flatten() {
                assert!(
                    variant["description"].is_string(),
                    "{path}: variant {} has no description",
                    variant["const"]
                );
            }
        }
        let schema = json_schema();
        walk("root", &schema);
        for (name, def) in schema["$defs"].as_object().unwrap() {
            assert!(def["description"].is_string(), "{name} has no description");
            walk(name, def);
        }
    }

    #[test]
    fn example_specs_validate_and_deserialize() {
        let v = validator();
        for (path, text) in example_specs() {
            let errors = schema_errors(&v, &text);
            assert!(errors.is_empty(), "{path}: {errors:#?}");
            let spec: SpecFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
            let table: toml::Table = toml::from_str(&text).unwrap();
            let names: Vec<&str> = table["fields"].as_table().unwrap().keys().map(String::as_str).collect();
            let spec_names: Vec<&str> = spec.fields.0.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(spec_names, names, "{path}: field order");
        }
    }

    #[test]
    fn field_examples_cover_every_type_and_are_valid() {
        let tys: Vec<&str> = field_examples().iter().map(|e| e.ty).collect();
        assert_eq!(tys, field_types());
        let v = validator();
        for example in field_examples() {
            assert!(
                example.body.starts_with(&format!("type = \"{}\"\n", example.ty)),
                "{}",
                example.ty
            );
            for name in ["x", example.name] {
                let text = format!("[fields.{name}]\n{}", example.body);
                let errors = schema_errors(&v, &text);
                assert!(errors.is_empty(), "{text}\n{errors:#?}");
                if let Err(e) = parse(&text) {
                    panic!("{text}\n{e:#?}");
                }
                let spec: SpecFile = toml::from_str(&text).unwrap();
                assert_eq!(spec.fields.0.len(), 1);
            }
        }
    }

    #[test]
    fn misspelt_and_misplaced_keys_do_not_validate() {
        let v = validator();
        let misspelt = "[fields.title]\ntype = \"str\"\nmax_lenght = 3\n";
        let errors = schema_errors(&v, misspelt);
        assert!(errors.iter().any(|e| e.contains("max_lenght")), "{errors:#?}");
        let misplaced = "[fields.year]\ntype = \"int\"\nmax_length = 4\n";
        let errors = schema_errors(&v, misplaced);
        assert!(errors.iter().any(|e| e.contains("max_length")), "{errors:#?}");
        // Both are errors for the parser too.
        assert!(parse(misspelt).is_err());
        assert!(parse(misplaced).is_err());
    }

    /// Specs on which the schema and the parser must agree.
    /// `\n` → line break, `\\` → backslash.
    fn unescape(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            match (c, c == '\\') {
                (_, true) => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                },
                (c, false) => out.push(c),
            }
        }
        out
    }

    #[test]
    fn schema_and_parser_agree() {
        let many = |n: usize| {
            (0..n)
                .map(|i| format!("[fields.f{i}]\ntype = \"int\"\n"))
                .collect::<String>()
        };
        // Cases built in code: lengths at and past each limit.
        let long = |n: usize| "a".repeat(n);
        let mut cases: Vec<(String, bool)> = vec![
            (many(200), true),
            (many(201), false),
            (format!("[fields.{}]\ntype = \"str\"\n", long(40)), true),
            (format!("[fields.{}]\ntype = \"str\"\n", long(41)), false),
            (
                format!("[fields.e]\ntype = \"enum\"\nvalues = [\"{}\"]\n", long(63)),
                true,
            ),
            (
                format!("[fields.e]\ntype = \"enum\"\nvalues = [\"{}\"]\n", long(64)),
                false,
            ),
        ];
        let listed = include_str!("../../tests/fixtures/schema_agreement.txt");
        for line in listed.lines().filter(|l| !l.starts_with('#')) {
            let (sign, text) = line.split_once(' ').expect("`+ spec` or `- spec`");
            cases.push((unescape(text), sign == "+"));
        }
        assert!(cases.len() > 80, "the fixture lists the cases");
        let v = validator();
        for (text, valid) in &cases {
            let errors = schema_errors(&v, text);
            assert_eq!(errors.is_empty(), *valid, "schema on:\n{text}\n{errors:#?}");
            let parsed = parse(text);
            assert_eq!(parsed.is_ok(), *valid, "parser on:\n{text}\n{parsed:#?}");
        }
    }

    #[test]
    fn parser_only_rules_are_beyond_the_schema() {
        let v = validator();
        for (rule, text) in PARSER_ONLY_RULES {
            let errors = schema_errors(&v, text);
            assert!(errors.is_empty(), "{rule}: the schema rejects\n{text}\n{errors:#?}");
            assert!(parse(text).is_err(), "{rule}: the parser accepts\n{text}");
        }
    }

    #[test]
    fn descriptions_name_the_reserved_names() {
        let schema = json_schema();
        let root = text(&schema["description"]);
        for name in RESERVED_DOMAINS {
            assert!(root.contains(&format!("`{name}`")), "spec description misses {name}");
        }
        for class in crate::spec::rules::IMPORTED_CLASSES {
            let name = heck::ToSnakeCase::to_snake_case(*class);
            assert!(root.contains(&format!("`{name}`")), "spec description misses {name}");
        }
        let fields = text(&schema["properties"]["fields"]["description"]);
        for name in RESERVED_FIELD_NAMES
            .iter()
            .chain(SHADOWING_FIELD_NAMES)
            .chain(MODEL_METHOD_FIELD_NAMES)
        {
            assert!(
                fields.contains(&format!("`{name}`")),
                "fields description misses {name}"
            );
        }
        assert_eq!(
            schema["properties"]["fields"]["propertyNames"]["maxLength"],
            MAX_NAME_LEN
        );
        for name in RESERVED_FIELD_NAMES
            .iter()
            .chain(SHADOWING_FIELD_NAMES)
            .chain(MODEL_METHOD_FIELD_NAMES)
        {
            let text = format!("[fields.{name}]\ntype = \"str\"\n");
            assert!(parse(&text).is_err(), "the parser accepts field name {name}");
        }
    }

    #[test]
    fn docs_spec_md_is_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/spec.md");
        let expected = reference_markdown();
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        if actual == expected {
            return;
        }
        if std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1") {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, expected).unwrap();
            return;
        }
        panic!("docs/spec.md is out of date; run `cargo test` with UPDATE_DOCS=1");
    }

    #[test]
    fn reference_covers_every_key_and_type() {
        let md = reference_markdown();
        for key in top_keys()
            .iter()
            .chain(field_keys())
            .chain(api_keys())
            .chain(file_kinds())
            .chain(compat_keys())
        {
            assert!(md.contains(&format!("| `{key}` |")), "{key} missing from the reference");
        }
        for ty in field_types() {
            assert!(md.contains(&format!("### `{ty}`")), "{ty} missing from the reference");
        }
        assert_eq!(md.matches("```toml\n[fields.").count(), field_examples().len());
    }
}
