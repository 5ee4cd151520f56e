//! The database schema the specs describe, as `scaffold migrate` records it
//! (`migrations/scaffold-schema.json`) and compares it: tables, columns,
//! their SQL types and constraints, with the names the migrations gave them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::names::{enum_type_name, foreign_key_name, postgres_name};
use crate::spec::{Bounds, DefaultValue, Domain, Domains, FieldKind, IdKind};

/// Version of the snapshot's format, so that a newer scaffold can read an
/// older one.
pub const FORMAT: u32 = 1;

/// Every table, by the name of its domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub format: u32,
    /// The alembic revision that brought the database to this schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    pub tables: BTreeMap<String, Table>,
}

/// One domain's table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    /// The primary key: "str" (VARCHAR(36)), "uuid" or "int".
    pub id: IdKind,
    pub columns: Vec<Column>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// One column besides the primary key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub nullable: bool,
    /// The name of the column's unique constraint, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<String>,
    /// Whether the column has a (non-unique) index, `ix_{table}_{column}`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub index: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<Reference>,
    /// The spec's default, which fills the column when a downgrade brings a
    /// dropped required column back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Rows that need a value get the time of the migration
    /// (`created_at`, `updated_at`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub now: bool,
    /// Constraints the API checks and the column does not: a migration that
    /// narrows them checks the rows first.
    #[serde(default, skip_serializing_if = "Checks::is_empty")]
    pub checks: Checks,
}

/// A column's SQL type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ColumnType {
    Str { length: u32 },
    Text,
    Int,
    Bigint,
    Float,
    Decimal { precision: u32, scale: u32 },
    Bool,
    Date,
    Datetime,
    Uuid,
    Json,
    Enum { name: String, values: Vec<String> },
}

impl ColumnType {
    /// The family a type belongs to, for messages ("int", "enum").
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Str { .. } => "str",
            Self::Text => "text",
            Self::Int => "int",
            Self::Bigint => "bigint",
            Self::Float => "float",
            Self::Decimal { .. } => "decimal",
            Self::Bool => "bool",
            Self::Date => "date",
            Self::Datetime => "datetime",
            Self::Uuid => "uuid",
            Self::Json => "json",
            Self::Enum { .. } => "enum",
        }
    }

    /// The type as people read it: `str(120)`, `decimal(6, 2)`.
    pub fn describe(&self) -> String {
        match self {
            Self::Str { length } => format!("str({length})"),
            Self::Decimal { precision, scale } => format!("decimal({precision}, {scale})"),
            other => other.kind().to_owned(),
        }
    }

    /// The type of an id column of this kind.
    pub fn of_id(id: IdKind) -> Self {
        match id {
            IdKind::Str => Self::Str { length: 36 },
            IdKind::Uuid => Self::Uuid,
            IdKind::Int => Self::Int,
        }
    }
}

/// A foreign key to another table's `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    pub table: String,
    /// RESTRICT, CASCADE or SET NULL.
    pub on_delete: String,
    /// The constraint's name.
    pub name: String,
}

/// Length and bound constraints, as written in the spec.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checks {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// The longest text allowed where the column type does not say it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ge: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub le: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<String>,
}

impl Checks {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    fn bounds(b: &Bounds) -> Self {
        let text = |n: &Option<crate::spec::Number>| n.as_ref().map(|n| n.text.clone());
        Self {
            ge: text(&b.ge),
            gt: text(&b.gt),
            le: text(&b.le),
            lt: text(&b.lt),
            ..Self::default()
        }
    }
}

/// The name of a column's unique constraint.
pub fn unique_name(table: &str, column: &str) -> String {
    postgres_name(format!("uq_{table}_{column}"))
}

/// The name SQLAlchemy gives the index of `index=True`.
pub fn index_name(table: &str, column: &str) -> String {
    format!("ix_{table}_{column}")
}

/// A spec default as JSON.
pub fn literal(value: &DefaultValue) -> Value {
    match value {
        DefaultValue::Str(s) => Value::String(s.clone()),
        DefaultValue::Int(n) => Value::from(*n),
        DefaultValue::Number(n) => Value::String(n.text.clone()),
        DefaultValue::Bool(b) => Value::Bool(*b),
    }
}

impl Schema {
    /// The schema the specs describe, with fresh constraint names.
    pub fn of(domains: &Domains) -> Self {
        let tables = domains
            .iter()
            .map(|(name, d)| (name.clone(), table_of(d, domains)))
            .collect();
        Self {
            format: FORMAT,
            revision: None,
            tables,
        }
    }

    /// The snapshot's JSON, as committed.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("plain JSON");
        text.push('\n');
        text
    }
}

fn table_of(d: &Domain, all: &Domains) -> Table {
    let table = &d.names.plural;
    let mut columns: Vec<Column> = d
        .fields
        .iter()
        .map(|f| {
            let mut checks = Checks::default();
            let mut references = None;
            let ty = match &f.kind {
                FieldKind::Str {
                    min_length, max_length, ..
                } => {
                    checks.min_length = *min_length;
                    ColumnType::Str { length: *max_length }
                }
                FieldKind::Text { min_length, max_length } => {
                    checks.min_length = *min_length;
                    checks.max_length = *max_length;
                    ColumnType::Text
                }
                FieldKind::Email { max_length } => ColumnType::Str { length: *max_length },
                FieldKind::Int(b) => {
                    checks = Checks::bounds(b);
                    ColumnType::Int
                }
                FieldKind::BigInt(b) => {
                    checks = Checks::bounds(b);
                    ColumnType::Bigint
                }
                FieldKind::Float(b) => {
                    checks = Checks::bounds(b);
                    ColumnType::Float
                }
                FieldKind::Decimal {
                    max_digits,
                    decimal_places,
                    bounds,
                } => {
                    checks = Checks::bounds(bounds);
                    ColumnType::Decimal {
                        precision: *max_digits,
                        scale: *decimal_places,
                    }
                }
                FieldKind::Bool => ColumnType::Bool,
                FieldKind::Date => ColumnType::Date,
                FieldKind::Datetime => ColumnType::Datetime,
                FieldKind::Uuid => ColumnType::Uuid,
                FieldKind::Json => ColumnType::Json,
                FieldKind::Enum { values } => ColumnType::Enum {
                    name: enum_type_name(table, &f.name),
                    values: values.clone(),
                },
                FieldKind::Ref { to, on_delete, .. } => {
                    let target = &all[to];
                    references = Some(Reference {
                        table: target.names.plural.clone(),
                        on_delete: on_delete.sql().to_owned(),
                        name: foreign_key_name(table, &f.name),
                    });
                    ColumnType::of_id(target.id)
                }
            };
            let is_ref = references.is_some();
            Column {
                name: f.name.clone(),
                ty,
                nullable: f.optional,
                unique: f.unique.then(|| unique_name(table, &f.name)),
                index: !f.unique && (f.index || is_ref),
                references,
                default: f.default.as_ref().map(literal),
                now: false,
                checks,
            }
        })
        .collect();
    if d.timestamps {
        for name in ["created_at", "updated_at"] {
            columns.push(Column {
                name: name.to_owned(),
                ty: ColumnType::Datetime,
                nullable: false,
                unique: None,
                index: false,
                references: None,
                default: None,
                now: true,
                checks: Checks::default(),
            });
        }
    }
    Table {
        name: table.clone(),
        id: d.id,
        columns,
    }
}
