//! Every name derived from a domain name, computed once (docs/design.md §2).

use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use sha2::Digest;

/// Python's hard keywords (soft keywords such as `type` are valid names).
pub const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// `[a-zA-Z_][a-zA-Z0-9_]*` (ASCII only, as scaffold emits it) and not a keyword.
pub fn is_python_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !PYTHON_KEYWORDS.contains(&name)
}

/// Lowercase snake_case: what domain and field names must be.
pub fn is_snake_case(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.ends_with('_')
        && !name.contains("__")
}

/// English plural of the last word (docs/design.md §2): consonant + y → ies;
/// s, x, z, ch, sh → es; otherwise s.
pub fn pluralize(name: &str) -> String {
    let (head, last) = match name.rfind('_') {
        Some(i) => name.split_at(i + 1),
        None => ("", name),
    };
    let plural_last = if let Some(stem) = last.strip_suffix('y')
        && stem.chars().last().is_some_and(|c| !"aeiou".contains(c))
    {
        format!("{stem}ies")
    } else if ["s", "x", "z", "ch", "sh"].iter().any(|s| last.ends_with(s)) {
        format!("{last}es")
    } else {
        format!("{last}s")
    };
    format!("{head}{plural_last}")
}

/// The names of one domain, as every layer spells them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainNames {
    /// `art_fair`: module, file stem, service method suffix.
    pub snake: String,
    /// `ArtFair`: model class and DTO prefix.
    pub class: String,
    /// `art_fairs`: table name and `list_` method suffix.
    pub plural: String,
    /// `art-fairs`: URL segment and OpenAPI tag.
    pub url: String,
    /// `ART_FAIR`: constants in tests.
    pub shouty: String,
}

impl DomainNames {
    pub fn new(snake: &str, plural: Option<&str>) -> Self {
        let plural = plural.map_or_else(|| pluralize(snake), str::to_owned);
        Self {
            snake: snake.to_owned(),
            class: snake.to_upper_camel_case(),
            url: plural.to_kebab_case(),
            shouty: snake.to_shouty_snake_case(),
            plural: plural.to_snake_case(),
        }
    }
}

/// The Python identifiers one domain's generated code defines, derived
/// once: templates print them and import blocks name them, so the two
/// cannot drift apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifiers {
    pub request_dto: String,
    pub update_dto: String,
    pub response_dto: String,
    pub page_dto: String,
    /// The `Literal` of the list endpoint's sort keys.
    pub sort_key: String,
    pub service: String,
    pub repository: String,
    /// The router's `Annotated` alias of a validated id path parameter.
    pub id_alias: String,
    /// Function names of the operations: service methods, route functions
    /// and OpenAPI operation ids (`list_art_fairs`, `get_art_fair`, ...).
    pub list: String,
    pub get: String,
    pub create: String,
    pub update: String,
    pub delete: String,
}

impl Identifiers {
    pub fn new(names: &DomainNames) -> Self {
        let (class, snake) = (&names.class, &names.snake);
        Self {
            request_dto: format!("{class}RequestDto"),
            update_dto: format!("{class}UpdateDto"),
            response_dto: format!("{class}ResponseDto"),
            page_dto: format!("{class}PageDto"),
            sort_key: format!("{class}SortKey"),
            service: format!("{class}Service"),
            repository: format!("{class}Repository"),
            id_alias: format!("{class}Id"),
            list: format!("list_{}", names.plural),
            get: format!("get_{snake}"),
            create: format!("create_{snake}"),
            update: format!("update_{snake}"),
            delete: format!("delete_{snake}"),
        }
    }
}

/// A float as a Python literal, the way `repr` writes it (`2.0`, `1e+300`).
pub fn python_float(v: f64) -> String {
    let s = format!("{v:?}");
    if s.contains('.') || s.contains('e') {
        s
    } else {
        format!("{s}.0")
    }
}

/// `status` of table `artworks` → `ArtworkStatus` (enum class name). A
/// name longer than 60 characters would not fit the lines the generated code
/// writes it on (`ClassName | None` at indent 12 in 79 columns), and ruff
/// would lay it out differently at different line lengths: then the field's
/// class alone with `Enum` (`ReviewStateOfTheEntryEnum`), which no import of
/// the generated modules is called.
pub fn enum_class(domain_class: &str, field: &str) -> String {
    const MAX_ENUM_CLASS: usize = 60;
    // `{Domain}{Field}` must not be one of the domain's other classes
    // (a `service` enum of `guest` next to `GuestService`).
    const CLASS_SUFFIXES: &[&str] = &[
        "Service", "Repository", "RequestDto", "UpdateDto", "ResponseDto", "PageDto", "SortKey",
    ];
    let field_class = field.to_upper_camel_case();
    let full = if CLASS_SUFFIXES.contains(&field_class.as_str()) {
        format!("{domain_class}{field_class}Enum")
    } else {
        format!("{domain_class}{field_class}")
    };
    let short = format!("{field_class}Enum");
    if full.len() <= MAX_ENUM_CLASS || short == domain_class {
        full
    } else {
        short
    }
}

/// PostgreSQL keeps only the first 63 bytes of an identifier, so two long
/// names could meet, and SQLAlchemy, looking for the full name, would create
/// the type twice. `{table}_{field}` longer than that keeps its first 54
/// characters and gains 8 hex digits of its SHA-256: still readable, still
/// unique, the same on every run.
pub fn enum_type_name(table: &str, field: &str) -> String {
    postgres_name(format!("{table}_{field}"))
}

/// The name of the foreign key of a ref column, `fk_{table}_{field}`,
/// shortened like [`enum_type_name`].
pub fn foreign_key_name(table: &str, field: &str) -> String {
    postgres_name(format!("fk_{table}_{field}"))
}

/// `name` within PostgreSQL's 63 bytes: a longer one keeps its first 54
/// characters and gains 8 hex digits of its SHA-256.
pub fn postgres_name(name: String) -> String {
    const POSTGRES_MAX: usize = 63;
    if name.len() <= POSTGRES_MAX {
        return name;
    }
    let digest = sha2::Sha256::digest(name.as_bytes());
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{}_{hash}", &name[..POSTGRES_MAX - 1 - hash.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_classes_fit_their_lines() {
        assert_eq!(enum_class("Artwork", "medium"), "ArtworkMedium");
        let long = enum_class(
            "ChildRoomHostModelBodyGuestLevel61",
            "query_row_price_select_child_key_color",
        );
        assert_eq!(long, "QueryRowPriceSelectChildKeyColorEnum");
        assert_eq!(enum_class("Guest", "service"), "GuestServiceEnum");
        assert_eq!(enum_class("Guest", "sort_key"), "GuestSortKeyEnum");
    }

    #[test]
    fn enum_type_names_fit_postgres() {
        assert_eq!(enum_type_name("artworks", "medium"), "artworks_medium");
        let table = "catalogue_entry_curator_remark_of_records";
        let long = enum_type_name(table, "curator_remark_review_state_of_the_entry");
        assert_eq!(long.len(), 63);
        assert!(long.starts_with("catalogue_entry_curator_remark_of_records_curator_rema_"));
        let other = enum_type_name(table, "curator_remark_review_state_of_the_other");
        assert_ne!(long, other, "names sharing the first 54 characters stay apart");
    }

    #[test]
    fn plural_rule_changes_last_word_only() {
        for (one, many) in [
            ("artist", "artists"),
            ("gallery", "galleries"),
            ("day", "days"),
            ("status", "statuses"),
            ("box", "boxes"),
            ("quiz", "quizes"),
            ("church", "churches"),
            ("wish", "wishes"),
            ("art_fair", "art_fairs"),
            ("art_gallery", "art_galleries"),
        ] {
            assert_eq!(pluralize(one), many, "{one}");
        }
    }

    #[test]
    fn multi_word_names() {
        let n = DomainNames::new("art_fair", None);
        assert_eq!(n.class, "ArtFair");
        assert_eq!(n.plural, "art_fairs");
        assert_eq!(n.url, "art-fairs");
        let n = DomainNames::new("person", Some("people"));
        assert_eq!((n.plural.as_str(), n.url.as_str()), ("people", "people"));
    }

    #[test]
    fn identifiers() {
        assert!(is_python_identifier("artist_id"));
        assert!(!is_python_identifier("class"));
        assert!(!is_python_identifier("2x"));
        assert!(!is_python_identifier("a-b"));
        assert!(is_snake_case("art_fair2"));
        assert!(!is_snake_case("ArtFair"));
        assert!(!is_snake_case("art__fair"));
    }
}
