//! Domain specs (docs/design.md §4): the validated model every template renders from.
//!
//! `parse` reads one `domains/<name>.toml` by walking TOML's spanned document
//! by hand, so every problem of a file is reported with its position;
//! `resolve` then checks what needs all specs at once (refs, cycles).

mod compact;
pub mod compat;
pub mod format;
mod parse;
mod resolve;
pub mod rules;

use std::collections::BTreeMap;
use std::ops::Range;

pub use compact::{check_compact_field, spec_from_compact};
pub use format::{FieldType, IdKind, OnDelete, Operation, field_types};
pub use parse::{domain_name_problem, parse_spec};
pub use resolve::resolve;

use crate::names::DomainNames;

/// A number as written in the spec, kept as text for the generated Python.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub text: String,
    pub value: f64,
}

impl Number {
    /// The number as an integer, exactly (an f64 cannot hold every 64-bit
    /// integer); None when it is written with a fraction or exponent.
    pub fn exact_int(&self) -> Option<i128> {
        self.text.parse().ok()
    }

    /// The integer bound of an int or bigint field (its text is an integer).
    pub fn int(&self) -> i128 {
        self.exact_int().unwrap_or(self.value as i128)
    }
}

/// `ge`/`gt`/`le`/`lt` of a numeric field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bounds {
    pub ge: Option<Number>,
    pub gt: Option<Number>,
    pub le: Option<Number>,
    pub lt: Option<Number>,
}

impl Bounds {
    /// Whether a value lies within every bound.
    pub fn contains(&self, v: f64) -> bool {
        self.ge.as_ref().is_none_or(|n| v >= n.value)
            && self.gt.as_ref().is_none_or(|n| v > n.value)
            && self.le.as_ref().is_none_or(|n| v <= n.value)
            && self.lt.as_ref().is_none_or(|n| v < n.value)
    }

    /// [`Bounds::contains`] for int and bigint fields, exact: an f64 cannot
    /// hold every 64-bit integer, and their bounds are integers.
    pub fn contains_int(&self, v: i128) -> bool {
        self.ge.as_ref().is_none_or(|n| v >= n.int())
            && self.gt.as_ref().is_none_or(|n| v > n.int())
            && self.le.as_ref().is_none_or(|n| v <= n.int())
            && self.lt.as_ref().is_none_or(|n| v < n.int())
    }
}

/// A field's type with the keys that only make sense for it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Str {
        min_length: Option<u32>,
        max_length: u32,
        pattern: Option<String>,
    },
    Text {
        min_length: Option<u32>,
        max_length: Option<u32>,
    },
    Int(Bounds),
    BigInt(Bounds),
    Float(Bounds),
    Decimal {
        max_digits: u32,
        decimal_places: u32,
        bounds: Bounds,
    },
    Bool,
    Date,
    Datetime,
    Uuid,
    Email {
        max_length: u32,
    },
    Json,
    Enum {
        values: Vec<String>,
    },
    Ref {
        to: String,
        to_span: Range<usize>,
        on_delete: OnDelete,
    },
}

impl FieldKind {
    pub fn ty(&self) -> FieldType {
        match self {
            Self::Str { .. } => FieldType::Str,
            Self::Text { .. } => FieldType::Text,
            Self::Int(_) => FieldType::Int,
            Self::BigInt(_) => FieldType::BigInt,
            Self::Float(_) => FieldType::Float,
            Self::Decimal { .. } => FieldType::Decimal,
            Self::Bool => FieldType::Bool,
            Self::Date => FieldType::Date,
            Self::Datetime => FieldType::Datetime,
            Self::Uuid => FieldType::Uuid,
            Self::Email { .. } => FieldType::Email,
            Self::Json => FieldType::Json,
            Self::Enum { .. } => FieldType::Enum,
            Self::Ref { .. } => FieldType::Ref,
        }
    }
}

/// A spec default, already checked against the field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Str(String),
    Int(i64),
    Number(Number),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub kind: FieldKind,
    pub optional: bool,
    pub unique: bool,
    pub index: bool,
    pub description: Option<String>,
    /// Flagged in the OpenAPI document; reading it from a DTO warns.
    pub deprecated: bool,
    pub example: Option<String>,
    pub default: Option<DefaultValue>,
    /// The one-off value `scaffold migrate` gives existing rows when the
    /// field becomes required (a new required field, or optional → required).
    pub backfill: Option<DefaultValue>,
    /// The field's previous name: `scaffold migrate` renames the column.
    pub renamed_from: Option<String>,
    /// Span of the field's table header or key, for later errors.
    pub span: Range<usize>,
}

/// A column the list endpoint may sort by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub column: String,
    pub descending: bool,
}

/// A FastAPI dependency `module.path:callable` applied to the whole router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub module: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub operations: Vec<Operation>,
    pub filters: Vec<String>,
    pub search: Vec<String>,
    pub sort: Vec<String>,
    pub default_sort: SortKey,
    pub page_size: u32,
    pub max_page_size: u32,
    pub dependencies: Vec<Dependency>,
}

impl Api {
    pub fn has(&self, op: Operation) -> bool {
        self.operations.contains(&op)
    }
}

/// Generated files a spec may hand over to the team (`[files] service = "owned"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    Model,
    Dtos,
    Repository,
    Service,
    Router,
    Tests,
}

impl FileKind {
    pub const ALL: [Self; 6] = [
        Self::Model,
        Self::Dtos,
        Self::Repository,
        Self::Service,
        Self::Router,
        Self::Tests,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Dtos => "dtos",
            Self::Repository => "repository",
            Self::Service => "service",
            Self::Router => "router",
            Self::Tests => "tests",
        }
    }
}

/// A validated domain spec with every name derived.
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    pub names: DomainNames,
    /// The spec's path relative to the project, with `/` separators.
    pub spec_path: String,
    pub description: Option<String>,
    pub id: IdKind,
    pub timestamps: bool,
    pub fields: Vec<Field>,
    pub api: Api,
    pub owned: Vec<FileKind>,
    /// The domain's previous name and its span: `scaffold migrate` renames
    /// the table.
    pub renamed_from: Option<(String, Range<usize>)>,
    /// Breaking changes the spec approves (`[compat] allow`), for `scaffold diff`.
    pub compat: Vec<compat::Allow>,
}

impl Domain {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Whether scaffold writes this file (it was not handed over with `[files]`).
    pub fn generates(&self, kind: FileKind) -> bool {
        !self.owned.contains(&kind)
    }

    /// Domains this one references, in field order, without repeats.
    pub fn referenced(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for f in &self.fields {
            if let FieldKind::Ref { to, .. } = &f.kind
                && !out.contains(&to.as_str())
            {
                out.push(to);
            }
        }
        out
    }
}

/// All domains of a project, by name.
pub type Domains = BTreeMap<String, Domain>;

/// Specs given as `(name, text)`, each parsed and expected valid: the input
/// of [`resolve`] in unit tests.
#[cfg(test)]
pub(crate) fn parsed_for_test(specs: &[(&str, &str)]) -> BTreeMap<String, (crate::diag::Source, Domain)> {
    let known: Vec<&str> = specs.iter().map(|(n, _)| *n).collect();
    specs
        .iter()
        .map(|(name, text)| {
            let path = format!("domains/{name}.toml");
            let src = crate::diag::Source::new(&path, (*text).to_owned());
            let d = parse_spec(&src, name, &path, &known).expect("valid spec");
            ((*name).to_owned(), (src, d))
        })
        .collect()
}
