//! From one schema to another: the Python statements of an alembic
//! migration. The same function writes the upgrade (old → new) and the
//! downgrade (new → old), so every step has its inverse by construction;
//! a direction that needs a value nobody gave (a required column brought
//! back) is a [`Problem`], which makes `migrate` exit 2 for an upgrade and
//! the downgrade refuse to run.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::schema::{Checks, Column, ColumnType, Schema, Table, index_name};
use crate::render::py;

/// What a migration changes, beyond the two schemas: renames declared in
/// the specs and values for rows that need one.
#[derive(Debug, Clone, Default)]
pub struct Intent {
    /// Domain renamed → its previous name.
    pub domain_renames: BTreeMap<String, String>,
    /// (domain, field) → the field's previous name.
    pub field_renames: BTreeMap<(String, String), String>,
    /// (domain, field) → the value rows get when the column becomes required.
    pub backfills: BTreeMap<(String, String), Value>,
}

impl Intent {
    /// The intent of going back: renames reversed, backfills from `to`'s
    /// defaults.
    pub fn reversed(&self, to: &Schema) -> Self {
        let domain_renames: BTreeMap<String, String> = self
            .domain_renames
            .iter()
            .map(|(n, o)| (o.clone(), n.clone()))
            .collect();
        let field_renames = self
            .field_renames
            .iter()
            .map(|((domain, new), old)| {
                let old_domain = self.domain_renames.get(domain).unwrap_or(domain).clone();
                ((old_domain, old.clone()), new.clone())
            })
            .collect();
        Self {
            domain_renames,
            field_renames,
            backfills: defaults_of(to),
        }
    }
}

/// Every column default of `schema`, as backfills.
fn defaults_of(schema: &Schema) -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    for (domain, t) in &schema.tables {
        for c in &t.columns {
            if let Some(v) = &c.default {
                out.insert((domain.clone(), c.name.clone()), v.clone());
            }
        }
    }
    out
}

/// A change the migration cannot make on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub domain: String,
    pub field: Option<String>,
    pub message: String,
    pub help: String,
}

/// The statements of one direction, and a line per change for people.
#[derive(Debug, Default)]
pub struct Code {
    pub lines: Vec<String>,
    pub summary: Vec<String>,
}

impl Code {
    fn line(&mut self, text: impl Into<String>) {
        self.lines.push(text.into());
    }
}

/// The statements that turn a database of schema `old` into one of `new`.
pub fn transform(old: &Schema, new: &Schema, intent: &Intent) -> Result<Code, Vec<Problem>> {
    let mut code = Code::default();
    let mut problems = Vec::new();

    // Which old table each new one continues.
    let mut matched: Vec<(&String, &Table, &Table)> = Vec::new();
    let mut created: Vec<(&String, &Table)> = Vec::new();
    let mut continued: BTreeSet<&String> = BTreeSet::new();
    for (domain, table) in &new.tables {
        match predecessor_table(old, new, domain, intent) {
            Some((old_domain, old_table)) => {
                continued.insert(old_domain);
                matched.push((domain, old_table, table));
            }
            None => created.push((domain, table)),
        }
    }
    let dropped: Vec<(&String, &Table)> = old.tables.iter().filter(|(d, _)| !continued.contains(d)).collect();

    // 1. Tables renamed.
    for (domain, old_table, table) in &matched {
        if old_table.name != table.name {
            code.summary
                .push(format!("rename table {} to {} ({domain})", old_table.name, table.name));
            code.line(format!(
                "op.rename_table({}, {})",
                py::string(&old_table.name),
                py::string(&table.name)
            ));
        }
    }
    // 2. Tables created, referenced ones first; a foreign key into a table
    // created later (a cycle) is added once both exist.
    let mut deferred = Vec::new();
    let mut exists: BTreeSet<&str> = matched.iter().map(|(_, _, t)| t.name.as_str()).collect();
    for (domain, table) in creation_order(&created) {
        code.summary.push(format!("create table {} ({domain})", table.name));
        create_table(&mut code, table, &exists, &mut deferred);
        exists.insert(&table.name);
    }
    for (table, column) in deferred {
        let r = column.references.as_ref().expect("deferred keys are references");
        batch_block(&mut code, &table.name, [create_foreign_key(&column.name, r)]);
    }
    // 3. Tables changed.
    for (domain, old_table, table) in &matched {
        if let Err(mut p) = alter_table(&mut code, domain, old_table, table, intent) {
            problems.append(&mut p);
        }
    }
    // 4. Tables dropped, referencing ones first.
    let order = drop_order(&dropped);
    // Keys between dropped tables that a cycle would leave in the way.
    for (i, (_, table)) in order.iter().enumerate() {
        for c in &table.columns {
            if let Some(r) = &c.references
                && r.table != table.name
                && order[..i].iter().any(|(_, t)| t.name == r.table)
            {
                batch_block(&mut code, &table.name, [drop_constraint(&r.name, "foreignkey")]);
            }
        }
    }
    for (domain, table) in &order {
        code.summary.push(format!("drop table {} ({domain})", table.name));
        for c in &table.columns {
            if c.index {
                code.line(drop_index(&table.name, &c.name, &table.name));
            }
        }
        code.line(format!("op.drop_table({})", py::string(&table.name)));
        for c in &table.columns {
            if let ColumnType::Enum { name, .. } = &c.ty {
                code.line(format!("m.drop_enum({})", py::string(name)));
            }
        }
    }
    if problems.is_empty() { Ok(code) } else { Err(problems) }
}

/// The old table that the new schema's `domain` continues: its own, or the
/// one it is renamed from (unless that name is still in use).
pub fn predecessor_table<'a>(
    old: &'a Schema,
    new: &Schema,
    domain: &str,
    intent: &Intent,
) -> Option<(&'a String, &'a Table)> {
    let renamed = intent
        .domain_renames
        .get(domain)
        .filter(|before| !new.tables.contains_key(*before));
    renamed
        .and_then(|before| old.tables.get_key_value(before))
        .or_else(|| old.tables.get_key_value(domain))
}

/// The old column that `column` of the new table continues: its own, or
/// the one it is renamed from (unless that name is still in use).
pub fn predecessor_column<'a>(
    old: &'a Table,
    new: &Table,
    domain: &str,
    column: &str,
    intent: &Intent,
) -> Option<&'a Column> {
    let renamed = intent
        .field_renames
        .get(&(domain.to_owned(), column.to_owned()))
        .filter(|before| new.column(before).is_none());
    renamed
        .and_then(|before| old.column(before))
        .or_else(|| old.column(column))
}

/// New tables in an order where a referenced table comes before the tables
/// that reference it, as far as cycles allow.
fn creation_order<'a>(created: &[(&'a String, &'a Table)]) -> Vec<(&'a String, &'a Table)> {
    let mut left: Vec<(&String, &Table)> = created.to_vec();
    let mut out = Vec::new();
    while !left.is_empty() {
        let ready = left.iter().position(|(_, t)| {
            t.columns.iter().all(|c| {
                c.references
                    .as_ref()
                    .is_none_or(|r| r.table == t.name || !left.iter().any(|(_, o)| o.name == r.table))
            })
        });
        out.push(left.remove(ready.unwrap_or(0)));
    }
    out
}

/// Dropped tables, those that reference others first.
fn drop_order<'a>(dropped: &[(&'a String, &'a Table)]) -> Vec<(&'a String, &'a Table)> {
    let mut order = creation_order(dropped);
    order.reverse();
    order
}

fn create_table<'a>(
    code: &mut Code,
    table: &'a Table,
    exists: &BTreeSet<&str>,
    deferred: &mut Vec<(&'a Table, &'a Column)>,
) {
    // op.create_table creates the enum types of its columns.
    code.line("op.create_table(");
    code.line(format!("    {},", py::string(&table.name)));
    let id = match table.id {
        crate::spec::IdKind::Int => "sa.Column(\"id\", sa.Integer(), autoincrement=True, nullable=False)".to_owned(),
        kind => format!(
            "sa.Column(\"id\", {}, nullable=False)",
            sa_type(&ColumnType::of_id(kind))
        ),
    };
    code.line(format!("    {id},"));
    for c in &table.columns {
        code.line(format!("    {},", sa_column(c, None)));
    }
    code.line("    sa.PrimaryKeyConstraint(\"id\"),");
    for c in &table.columns {
        if let Some(r) = &c.references {
            if r.table == table.name || exists.contains(r.table.as_str()) {
                code.line(format!("    {},", foreign_key_constraint(&c.name, r)));
            } else {
                deferred.push((table, c));
            }
        }
    }
    for c in &table.columns {
        if let Some(name) = &c.unique {
            code.line(format!(
                "    sa.UniqueConstraint({}, name={}),",
                py::string(&c.name),
                py::string(name)
            ));
        }
    }
    code.line(")");
    for c in &table.columns {
        if c.index {
            code.line(create_index(&table.name, &c.name));
        }
    }
}

/// A Python list of strings.
fn py_list(values: &[impl AsRef<str>]) -> String {
    let items: Vec<String> = values.iter().map(|v| py::string(v.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// The statements of `lines` in one `batch_alter_table` block of `table`
/// (SQLite rebuilds the table; PostgreSQL runs them in place).
fn batch_block(code: &mut Code, table: &str, lines: impl IntoIterator<Item = String>) {
    code.line(format!("with op.batch_alter_table({}) as batch_op:", py::string(table)));
    for l in lines {
        code.line(format!("    {l}"));
    }
}

fn create_enum(name: &str, values: &[String]) -> String {
    format!("m.create_enum({}, {})", py::string(name), py_list(values))
}

/// Drops the index of `column` named after `index_table`, from `table`
/// (the two differ once the table was renamed).
fn drop_index(index_table: &str, column: &str, table: &str) -> String {
    format!(
        "op.drop_index({}, table_name={})",
        index_ref(&index_name(index_table, column)),
        py::string(table)
    )
}

fn drop_constraint(name: &str, kind: &str) -> String {
    format!(
        "batch_op.drop_constraint({}, type_={})",
        py::string(name),
        py::string(kind)
    )
}

fn set_nullable(column: &str, nullable: bool, ty: &ColumnType) -> String {
    let nullable = if nullable { "True" } else { "False" };
    format!(
        "batch_op.alter_column({column}, nullable={nullable}, existing_type={})",
        sa_type(ty)
    )
}

/// An index name as alembic writes it: `op.f(...)` marks it as final, and
/// SQLAlchemy shortens it on PostgreSQL exactly as it does the models'.
fn index_ref(name: &str) -> String {
    format!("op.f({})", py::string(name))
}

fn create_index(table: &str, column: &str) -> String {
    format!(
        "op.create_index({}, {}, [{}])",
        index_ref(&index_name(table, column)),
        py::string(table),
        py::string(column)
    )
}

fn foreign_key_constraint(column: &str, r: &super::schema::Reference) -> String {
    format!(
        "sa.ForeignKeyConstraint([{}], [{}], name={}, ondelete={})",
        py::string(column),
        py::string(&format!("{}.id", r.table)),
        py::string(&r.name),
        py::string(&r.on_delete)
    )
}

fn create_foreign_key(column: &str, r: &super::schema::Reference) -> String {
    format!(
        "batch_op.create_foreign_key({}, {}, [{}], [\"id\"], ondelete={})",
        py::string(&r.name),
        py::string(&r.table),
        py::string(column),
        py::string(&r.on_delete)
    )
}

/// `sa.Column(...)` of a column; `nullable` overrides the column's own.
fn sa_column(c: &Column, nullable: Option<bool>) -> String {
    let nullable = if nullable.unwrap_or(c.nullable) {
        "True"
    } else {
        "False"
    };
    format!(
        "sa.Column({}, {}, nullable={nullable})",
        py::string(&c.name),
        sa_type(&c.ty)
    )
}

/// The SQLAlchemy type of a column, as the models declare it.
pub fn sa_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Str { length } => format!("sa.String(length={length})"),
        ColumnType::Text => "sa.Text()".into(),
        ColumnType::Int => "sa.Integer()".into(),
        ColumnType::Bigint => "sa.BigInteger()".into(),
        ColumnType::Float => "sa.Float()".into(),
        ColumnType::Decimal { precision, scale } => format!("sa.Numeric(precision={precision}, scale={scale})"),
        ColumnType::Bool => "sa.Boolean()".into(),
        ColumnType::Date => "sa.Date()".into(),
        ColumnType::Datetime => "UtcDateTime()".into(),
        ColumnType::Uuid => "sa.Uuid()".into(),
        ColumnType::Json => "sa.JSON()".into(),
        ColumnType::Enum { name, values } => {
            let mut args: Vec<String> = values.iter().map(|v| py::string(v)).collect();
            args.push(format!("name={}", py::string(name)));
            format!("sa.Enum({})", args.join(", "))
        }
    }
}

/// The PostgreSQL type a `USING` cast converts to.
fn pg_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Str { length } => format!("varchar({length})"),
        ColumnType::Text => "text".into(),
        ColumnType::Int => "integer".into(),
        ColumnType::Bigint => "bigint".into(),
        ColumnType::Float => "double precision".into(),
        ColumnType::Decimal { precision, scale } => format!("numeric({precision}, {scale})"),
        ColumnType::Bool => "boolean".into(),
        ColumnType::Date => "date".into(),
        ColumnType::Datetime => "timestamp".into(),
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Json => "json".into(),
        ColumnType::Enum { name, .. } => format!("\"{name}\""),
    }
}

/// A Python literal of a JSON scalar (a decimal is kept as its text).
fn py_value(v: &Value, ty: &ColumnType) -> String {
    match v {
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if matches!(ty, ColumnType::Decimal { .. }) => format!("Decimal({})", py::string(s)),
        Value::String(s) if matches!(ty, ColumnType::Float) => s.clone(),
        // The drivers bind dates, datetimes and UUIDs as such, not as text.
        Value::String(s) if matches!(ty, ColumnType::Date) => format!("dt.date.fromisoformat({})", py::string(s)),
        Value::String(s) if matches!(ty, ColumnType::Datetime) => {
            format!("dt.datetime.fromisoformat({})", py::string(s))
        }
        Value::String(s) if matches!(ty, ColumnType::Uuid) => format!("uuid.UUID({})", py::string(s)),
        Value::String(s) => py::string(s),
        other => py::string(&other.to_string()),
    }
}

/// A bound of the spec as a Python number for the column's type.
fn py_bound(text: &str, ty: &ColumnType) -> String {
    match ty {
        ColumnType::Decimal { .. } => format!("Decimal({})", py::string(text)),
        _ => text.to_owned(),
    }
}

/// The rows check and the cast that a type change needs, or why it cannot
/// be made.
fn cast_checks(table: &str, column: &str, from: &ColumnType, to: &ColumnType) -> Result<Vec<String>, String> {
    use ColumnType as T;
    let t = py::string(table);
    let c = py::string(column);
    let longer = |n: u32| format!("m.refuse_longer({t}, {c}, {n})");
    let within = |lo: &str, hi: &str, ty: &ColumnType| {
        format!(
            "m.refuse_outside({t}, {c}, ge={}, le={})",
            py_bound(lo, ty),
            py_bound(hi, ty)
        )
    };
    let digits = |precision: u32, scale: u32| {
        // |value| < 10^(precision − scale)
        let limit = format!("1e{}", precision - scale);
        format!("m.refuse_outside({t}, {c}, gt=-{limit}, lt={limit})")
    };
    Ok(match (from, to) {
        (a, b) if a == b => vec![],
        (T::Str { length: a }, T::Str { length: b }) if b >= a => vec![],
        (T::Str { .. } | T::Text | T::Enum { .. }, T::Str { length }) => vec![longer(*length)],
        (T::Str { .. } | T::Text | T::Enum { .. }, T::Text) => vec![],
        (T::Int | T::Bigint, T::Str { length }) => {
            if *length >= 20 {
                vec![]
            } else {
                vec![longer(*length)]
            }
        }
        (T::Int | T::Bigint, T::Text) => vec![],
        (T::Int, T::Bigint | T::Float) => vec![],
        (T::Bigint, T::Int) => vec![within("-2147483648", "2147483647", to)],
        (T::Bigint, T::Float) | (T::Decimal { .. }, T::Float) => vec![],
        (T::Int | T::Bigint | T::Float, T::Decimal { precision, scale }) => vec![digits(*precision, *scale)],
        (
            T::Decimal {
                precision: p0,
                scale: s0,
            },
            T::Decimal { precision, scale },
        ) => {
            if precision - scale >= p0 - s0 {
                vec![]
            } else {
                vec![digits(*precision, *scale)]
            }
        }
        (T::Enum { values: a, .. }, T::Enum { values: b, .. }) => {
            let removed: Vec<&String> = a.iter().filter(|v| !b.contains(v)).collect();
            if removed.is_empty() {
                vec![]
            } else {
                vec![format!("m.refuse_values({t}, {c}, {})", py_list(&removed))]
            }
        }
        (T::Str { .. } | T::Text, T::Enum { values, .. }) => {
            vec![format!("m.refuse_other_values({t}, {c}, {})", py_list(values))]
        }
        _ => {
            return Err(format!("a migration cannot convert {} to {}", from.kind(), to.kind()));
        }
    })
}

/// Checks that the rows meet constraints narrower than before.
fn narrowing_checks(table: &str, column: &Column, old: &Checks) -> Vec<String> {
    let new = &column.checks;
    let t = py::string(table);
    let c = py::string(&column.name);
    let mut out = Vec::new();
    if let Some(n) = new.min_length
        && old.min_length.is_none_or(|o| o < n)
    {
        out.push(format!("m.refuse_shorter({t}, {c}, {n})"));
    }
    if let Some(n) = new.max_length
        && old.max_length.is_none_or(|o| o > n)
    {
        out.push(format!("m.refuse_longer({t}, {c}, {n})"));
    }
    let num = |s: &Option<String>| s.as_deref().and_then(|s| s.parse::<f64>().ok());
    let raised = |new_b: &Option<String>, old_b: &Option<String>, lower: bool| match (num(new_b), num(old_b)) {
        (Some(n), Some(o)) => {
            if lower {
                n > o
            } else {
                n < o
            }
        }
        (Some(_), None) => true,
        _ => false,
    };
    // A bound replaced by its strict or inclusive sibling counts as new.
    let lower_narrowed = raised(&new.ge, &old.ge, true)
        || raised(&new.gt, &old.gt, true)
        || (new.ge.is_some() && old.gt.is_some())
        || (new.gt.is_some() && old.ge.is_some());
    let upper_narrowed = raised(&new.le, &old.le, false)
        || raised(&new.lt, &old.lt, false)
        || (new.le.is_some() && old.lt.is_some())
        || (new.lt.is_some() && old.le.is_some());
    if lower_narrowed || upper_narrowed {
        let mut kw = Vec::new();
        for (key, b) in [("ge", &new.ge), ("gt", &new.gt), ("le", &new.le), ("lt", &new.lt)] {
            if let Some(b) = b {
                kw.push(format!("{key}={}", py_bound(b, &column.ty)));
            }
        }
        out.push(format!("m.refuse_outside({t}, {c}, {})", kw.join(", ")));
    }
    out
}

/// The statements that change table `old` into `new` (already renamed).
fn alter_table(code: &mut Code, domain: &str, old: &Table, new: &Table, intent: &Intent) -> Result<(), Vec<Problem>> {
    let t = &new.name;
    let tq = py::string(t);
    let mut problems = Vec::new();
    let problem = |field: &str, message: String, help: String| Problem {
        domain: domain.to_owned(),
        field: Some(field.to_owned()),
        message,
        help,
    };
    if old.id != new.id {
        return Err(vec![Problem {
            domain: domain.to_owned(),
            field: None,
            message: format!(
                "a migration cannot change the id of {t} from {} to {}",
                old.id.as_str(),
                new.id.as_str()
            ),
            help: "keep `id` as it was, or create a new domain and move the rows by hand".into(),
        }]);
    }

    // Columns paired by name or declared rename.
    let mut pairs: Vec<(&Column, &Column)> = Vec::new();
    let mut added: Vec<&Column> = Vec::new();
    let mut kept: BTreeSet<&str> = BTreeSet::new();
    for c in &new.columns {
        match predecessor_column(old, new, domain, &c.name, intent) {
            Some(o) => {
                kept.insert(&o.name);
                pairs.push((o, c));
            }
            None => added.push(c),
        }
    }
    let removed: Vec<&Column> = old.columns.iter().filter(|c| !kept.contains(c.name.as_str())).collect();

    let mut pre = Vec::new(); // checks and backfills, on the old column names
    let mut pg_before = Vec::new(); // enum types created, renamed or extended
    let mut index_drops = Vec::new();
    // Renames come first, in a batch of their own: within one batch SQLite
    // knows a column by its old name, PostgreSQL by its new one.
    let mut renames = Vec::new();
    let mut batch = Vec::new();
    let mut after_batch = Vec::new(); // backfills of new columns
    let mut tighten = Vec::new(); // new required columns made NOT NULL
    let mut pg_after = Vec::new(); // enum types replaced or dropped
    let mut index_creates = Vec::new();
    let renamed_table = old.name != new.name;

    for c in &removed {
        code.summary.push(format!("drop column {t}.{}", c.name));
        if c.index {
            index_drops.push(drop_index(&old.name, &c.name, t));
        }
        if let Some(u) = &c.unique {
            batch.push(drop_constraint(u, "unique"));
        }
        if let Some(r) = &c.references {
            batch.push(drop_constraint(&r.name, "foreignkey"));
        }
        batch.push(format!("batch_op.drop_column({})", py::string(&c.name)));
        if let ColumnType::Enum { name, .. } = &c.ty {
            pg_after.push(format!("m.drop_enum({})", py::string(name)));
        }
    }

    for (o, c) in &pairs {
        let oq = py::string(&o.name);
        let cq = py::string(&c.name);
        // Indexes carry the table's and the column's names.
        let index_moves = renamed_table || o.name != c.name;
        if o.index && (!c.index || index_moves) {
            index_drops.push(drop_index(&old.name, &o.name, t));
        }
        if c.index && (!o.index || index_moves) {
            index_creates.push(create_index(t, &c.name));
        }
        if o.name != c.name {
            code.summary.push(format!("rename column {t}.{} to {}", o.name, c.name));
            renames.push(format!("batch_op.alter_column({oq}, new_column_name={cq})"));
        }
        // Type.
        match cast_checks(t, &o.name, &o.ty, &c.ty) {
            Err(why) => problems.push(problem(
                &c.name,
                format!("{why} ({t}.{})", c.name),
                "add a new field, copy the values over in a migration of your own, then remove the old field".into(),
            )),
            Ok(checks) => {
                pre.extend(checks);
                if let (ColumnType::Enum { name: a, values: va }, ColumnType::Enum { name: b, values: vb }) =
                    (&o.ty, &c.ty)
                {
                    if a != b {
                        pg_before.push(format!("m.rename_enum({}, {})", py::string(a), py::string(b)));
                    }
                    let new_values: Vec<(String, Option<String>)> = vb
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| !va.contains(v))
                        .map(|(i, v)| (v.clone(), i.checked_sub(1).map(|p| vb[p].clone())))
                        .collect();
                    if !new_values.is_empty() {
                        code.summary.push(format!(
                            "add {} to enum {b}",
                            new_values
                                .iter()
                                .map(|(v, _)| v.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                        let pairs: Vec<String> = new_values
                            .iter()
                            .map(|(v, after)| {
                                format!(
                                    "({}, {})",
                                    py::string(v),
                                    after.as_deref().map_or("None".to_owned(), py::string)
                                )
                            })
                            .collect();
                        pg_before.push(format!("m.add_enum_values({}, [{}])", py::string(b), pairs.join(", ")));
                    }
                    if va.iter().any(|v| !vb.contains(v)) {
                        code.summary.push(format!("remove values from enum {b}"));
                        pg_after.push(format!(
                            "m.replace_enum({tq}, {cq}, {}, {})",
                            py::string(b),
                            py_list(vb)
                        ));
                    }
                    let longest = |v: &Vec<String>| v.iter().map(String::len).max().unwrap_or(0);
                    if longest(va) != longest(vb) {
                        // SQLite keeps an enum as VARCHAR(longest value).
                        batch.push("if not m.is_postgres():".to_owned());
                        batch.push(format!(
                            "    batch_op.alter_column({cq}, type_={}, existing_type={})",
                            sa_type(&c.ty),
                            sa_type(&o.ty)
                        ));
                    }
                } else if o.ty != c.ty {
                    code.summary.push(format!(
                        "change {t}.{} from {} to {}",
                        c.name,
                        o.ty.describe(),
                        c.ty.describe()
                    ));
                    if let ColumnType::Enum { name, values } = &c.ty {
                        pg_before.push(create_enum(name, values));
                    }
                    let via_text = matches!(o.ty, ColumnType::Enum { .. }) || matches!(c.ty, ColumnType::Enum { .. });
                    let using = format!(
                        "\"{}\"{}::{}",
                        c.name,
                        if via_text { "::text" } else { "" },
                        pg_type(&c.ty)
                    );
                    batch.push(format!(
                        "batch_op.alter_column({cq}, type_={}, existing_type={}, postgresql_using={})",
                        sa_type(&c.ty),
                        sa_type(&o.ty),
                        py::string(&using)
                    ));
                    if let ColumnType::Enum { name, .. } = &o.ty {
                        pg_after.push(format!("m.drop_enum({})", py::string(name)));
                    }
                }
            }
        }
        let on_old_name = Column {
            name: o.name.clone(),
            ..(*c).clone()
        };
        let narrowed = narrowing_checks(t, &on_old_name, &o.checks);
        if !narrowed.is_empty() {
            code.summary.push(format!(
                "check the rows against the narrower constraints of {t}.{}",
                c.name
            ));
        }
        pre.extend(narrowed);
        // Nullability.
        if o.nullable && !c.nullable {
            match backfill_of(domain, t, &o.name, c, intent) {
                Some(fill) => {
                    code.summary
                        .push(format!("make {t}.{} required (null rows get its backfill)", c.name));
                    pre.push(fill);
                }
                None => {
                    code.summary.push(format!(
                        "make {t}.{} required (null rows stop the migration: give the field a `backfill` to fill them)",
                        c.name
                    ));
                    pre.push(format!("m.refuse_nulls({tq}, {oq})"));
                }
            }
            batch.push(set_nullable(&cq, false, &c.ty));
        } else if !o.nullable && c.nullable {
            code.summary.push(format!("make {t}.{} optional", c.name));
            batch.push(set_nullable(&cq, true, &c.ty));
        }
        // Unique.
        match (&o.unique, &c.unique) {
            (None, Some(u)) => {
                code.summary.push(format!("make {t}.{} unique", c.name));
                pre.push(format!("m.refuse_duplicates({tq}, {oq})"));
                batch.push(format!("batch_op.create_unique_constraint({}, [{cq}])", py::string(u)));
            }
            (Some(u), None) => {
                code.summary
                    .push(format!("drop the unique constraint of {t}.{}", c.name));
                batch.insert(0, drop_constraint(u, "unique"));
            }
            _ => {}
        }
        // Foreign key.
        let same_key = match (&o.references, &c.references) {
            (Some(a), Some(b)) => a.table == b.table && a.on_delete == b.on_delete,
            (None, None) => true,
            _ => false,
        };
        if !same_key {
            if let Some(r) = &o.references {
                batch.insert(0, drop_constraint(&r.name, "foreignkey"));
            }
            if let Some(r) = &c.references {
                code.summary
                    .push(format!("foreign key of {t}.{}: on delete {}", c.name, r.on_delete));
                batch.push(create_foreign_key(&c.name, r));
            }
        }
    }

    for c in &added {
        let cq = py::string(&c.name);
        if let ColumnType::Enum { name, values } = &c.ty {
            pg_before.push(create_enum(name, values));
        }
        let needs_value = !c.nullable;
        if needs_value {
            match backfill_of(domain, t, &c.name, c, intent) {
                Some(fill) => {
                    if c.unique.is_some() {
                        // One value for every row cannot be unique.
                        pre.push(format!("m.refuse_shared_value({tq}, {cq})"));
                    }
                    after_batch.push(fill);
                    tighten.push(set_nullable(&cq, false, &c.ty));
                }
                None => {
                    problems.push(problem(
                        &c.name,
                        format!("new required field '{}' of {domain} needs a value for the rows {t} already has", c.name),
                        format!(
                            "add `backfill = ...` or a `default` to [fields.{}] (str, text, numbers, bool and enum take them), make it optional, or run `scaffold migrate --backfill {domain}.{}=VALUE`",
                            c.name, c.name
                        ),
                    ));
                    continue;
                }
            }
        }
        code.summary.push(format!("add column {t}.{}", c.name));
        batch.push(format!("batch_op.add_column({})", sa_column(c, Some(true))));
        if let Some(u) = &c.unique {
            batch.push(format!("batch_op.create_unique_constraint({}, [{cq}])", py::string(u)));
        }
        if let Some(r) = &c.references {
            batch.push(create_foreign_key(&c.name, r));
        }
        if c.index {
            index_creates.push(create_index(t, &c.name));
        }
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    code.lines.extend(pre);
    code.lines.extend(pg_before);
    code.lines.extend(index_drops);
    for lines in [renames, batch] {
        if !lines.is_empty() {
            batch_block(code, t, lines);
        }
    }
    code.lines.extend(after_batch);
    if !tighten.is_empty() {
        batch_block(code, t, tighten);
    }
    code.lines.extend(pg_after);
    code.lines.extend(index_creates);
    Ok(())
}

/// The statement that fills the null rows of `column` (the name it has at
/// that point), from the intent's backfills or the time of the migration.
fn backfill_of(domain: &str, table: &str, column: &str, c: &Column, intent: &Intent) -> Option<String> {
    let (t, col) = (py::string(table), py::string(column));
    if c.now {
        return Some(format!("m.backfill_now({t}, {col})"));
    }
    let value = intent.backfills.get(&(domain.to_owned(), c.name.clone()))?;
    let typed = matches!(c.ty, ColumnType::Date | ColumnType::Datetime | ColumnType::Uuid);
    let type_arg = if typed {
        format!(", {}", sa_type(&c.ty))
    } else {
        String::new()
    };
    Some(format!("m.backfill({t}, {col}, {}{type_arg})", py_value(value, &c.ty)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{intent, plan};
    use crate::spec::{parsed_for_test, resolve};

    fn schema(specs: &[(&str, &str)]) -> (Schema, crate::spec::Domains) {
        let domains = resolve(parsed_for_test(specs)).expect("valid specs");
        (Schema::of(&domains), domains)
    }

    fn upgrade(old: &[(&str, &str)], new: &[(&str, &str)]) -> Result<Code, Vec<Problem>> {
        let (before, _) = schema(old);
        let (_, domains) = schema(new);
        plan(&before, &domains, &intent(&domains, &BTreeMap::new())).map(|m| m.upgrade)
    }

    const ARTIST: &str = "[fields.name]\ntype = \"str\"\nunique = true\n";

    #[test]
    fn a_declared_rename_is_a_rename_both_ways() {
        let new = "[fields.full_name]\ntype = \"str\"\nunique = true\nrenamed_from = \"name\"\n";
        let (before, _) = schema(&[("artist", ARTIST)]);
        let (_, domains) = schema(&[("artist", new)]);
        let m = plan(&before, &domains, &intent(&domains, &BTreeMap::new())).unwrap();
        let up = m.upgrade.lines.join("\n");
        assert!(
            up.contains("batch_op.alter_column(\"name\", new_column_name=\"full_name\")"),
            "{up}"
        );
        assert!(!up.contains("drop_column") && !up.contains("add_column"), "{up}");
        // The unique constraint keeps the name the database gave it.
        let column = &m.schema.tables["artist"].columns[0];
        assert_eq!(column.unique.as_deref(), Some("uq_artists_name"));
        let down = m.downgrade.unwrap().lines.join("\n");
        assert!(
            down.contains("alter_column(\"full_name\", new_column_name=\"name\")"),
            "{down}"
        );
    }

    #[test]
    fn without_renamed_from_a_new_name_is_drop_and_add() {
        let up = upgrade(
            &[("artist", ARTIST)],
            &[("artist", "[fields.full_name]\ntype = \"str\"\noptional = true\n")],
        )
        .unwrap()
        .lines
        .join("\n");
        assert!(
            up.contains("drop_column(\"name\")") && up.contains("add_column"),
            "{up}"
        );
    }

    #[test]
    fn a_new_required_field_needs_a_value() {
        let problems = upgrade(
            &[("artist", ARTIST)],
            &[("artist", &format!("{ARTIST}[fields.age]\ntype = \"int\"\n"))],
        )
        .unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field.as_deref(), Some("age"));
        assert!(
            problems[0].help.contains("--backfill artist.age=VALUE"),
            "{:?}",
            problems[0]
        );
        let with_default = format!("{ARTIST}[fields.age]\ntype = \"int\"\ndefault = 7\n");
        let up = upgrade(&[("artist", ARTIST)], &[("artist", &with_default)])
            .unwrap()
            .lines
            .join("\n");
        assert!(up.contains("m.backfill(\"artists\", \"age\", 7)"), "{up}");
    }

    #[test]
    fn one_backfilled_value_cannot_fill_a_unique_column() {
        let new = format!("{ARTIST}[fields.code]\ntype = \"str\"\nunique = true\nbackfill = \"x\"\n");
        let up = upgrade(&[("artist", ARTIST)], &[("artist", &new)])
            .unwrap()
            .lines
            .join("\n");
        let check = up
            .find("m.refuse_shared_value(\"artists\", \"code\")")
            .expect("a check");
        assert!(check < up.find("m.backfill(").unwrap(), "{up}");
    }

    #[test]
    fn dates_and_uuids_are_backfilled_as_such() {
        let new = format!("{ARTIST}[fields.seen_at]\ntype = \"datetime\"\n");
        let (before, _) = schema(&[("artist", ARTIST)]);
        let (_, domains) = schema(&[("artist", &new)]);
        let at = Value::String("2026-01-31T12:00:00+02:00".into());
        let intent = intent(&domains, &BTreeMap::from([(("artist".into(), "seen_at".into()), at)]));
        let up = plan(&before, &domains, &intent).unwrap().upgrade.lines.join("\n");
        let fill = "m.backfill(\"artists\", \"seen_at\", dt.datetime.fromisoformat(\"2026-01-31T12:00:00+02:00\"), UtcDateTime())";
        assert!(up.contains(fill), "{up}");
    }

    #[test]
    fn casts_check_the_rows_or_are_refused() {
        let big = ColumnType::Bigint;
        assert_eq!(
            cast_checks("t", "c", &big, &ColumnType::Int).unwrap(),
            ["m.refuse_outside(\"t\", \"c\", ge=-2147483648, le=2147483647)"]
        );
        assert_eq!(
            cast_checks("t", "c", &ColumnType::Int, &big).unwrap(),
            Vec::<String>::new()
        );
        assert!(cast_checks("t", "c", &ColumnType::Date, &ColumnType::Uuid).is_err());
        let text_to_str = cast_checks("t", "c", &ColumnType::Text, &ColumnType::Str { length: 9 }).unwrap();
        assert_eq!(text_to_str, ["m.refuse_longer(\"t\", \"c\", 9)"]);
    }

    #[test]
    fn only_narrower_constraints_are_checked() {
        let column = |ge: Option<&str>, le: Option<&str>| Column {
            name: "year".into(),
            ty: ColumnType::Int,
            nullable: true,
            unique: None,
            index: false,
            references: None,
            default: None,
            now: false,
            checks: Checks {
                ge: ge.map(str::to_owned),
                le: le.map(str::to_owned),
                ..Checks::default()
            },
        };
        let old = column(Some("1000"), None).checks;
        assert!(narrowing_checks("t", &column(Some("0"), None), &old).is_empty());
        assert_eq!(
            narrowing_checks("t", &column(Some("1500"), Some("2100")), &old),
            ["m.refuse_outside(\"t\", \"year\", ge=1500, le=2100)"]
        );
    }

    #[test]
    fn tables_are_created_referenced_first_and_dropped_referencing_first() {
        let artwork = "[fields.artist_id]\ntype = \"ref\"\nto = \"artist\"\n";
        let specs = [("artist", ARTIST), ("artwork", artwork)];
        let up = upgrade(&[], &specs).unwrap().lines.join("\n");
        let (artists, artworks) = (up.find("\"artists\",").unwrap(), up.find("\"artworks\",").unwrap());
        assert!(artists < artworks, "{up}");
        let (before, _) = schema(&specs);
        let down = transform(&before, &Schema::default(), &Intent::default())
            .unwrap()
            .lines
            .join("\n");
        let (artists, artworks) = (
            down.find("op.drop_table(\"artists\")").unwrap(),
            down.find("op.drop_table(\"artworks\")").unwrap(),
        );
        assert!(artworks < artists, "{down}");
    }
}
