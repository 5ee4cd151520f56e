//! `scaffold migrate`: an alembic revision from the change of the specs.
//!
//! The schema the last revision left (`migrations/scaffold-schema.json`,
//! committed) is compared with the schema the specs describe now; renames
//! declared in the specs (`renamed_from`) become renames, and rows that need
//! a value get the spec's `backfill` (or `default`). Pure: the command in
//! `commands.rs` reads and writes the files.

pub mod revision;
pub mod schema;
pub mod steps;

use std::collections::BTreeMap;

use serde_json::Value;

pub use schema::Schema;
pub use steps::{Code, Intent, Problem};

use crate::spec::Domains;

/// Where a project records the schema of its last scaffold revision.
pub const SNAPSHOT_PATH: &str = "migrations/scaffold-schema.json";
/// Where alembic keeps the revisions.
pub const VERSIONS_DIR: &str = "migrations/versions";

/// A migration: the schema it leads to and the code of both directions.
#[derive(Debug)]
pub struct Migration {
    /// The new schema, with the constraint names the database will have.
    pub schema: Schema,
    pub upgrade: Code,
    /// Problems make the downgrade refuse to run (e.g. a dropped required
    /// column without a default cannot be brought back).
    pub downgrade: Result<Code, Vec<Problem>>,
}

impl Migration {
    /// Whether the migration changes nothing.
    pub fn is_empty(&self) -> bool {
        self.upgrade.lines.is_empty()
    }
}

/// The renames and backfills the specs declare; `extra` (from the command
/// line) wins over the specs' values.
pub fn intent(domains: &Domains, extra: &BTreeMap<(String, String), Value>) -> Intent {
    let mut intent = Intent::default();
    for (name, d) in domains {
        if let Some((old, _)) = &d.renamed_from {
            intent.domain_renames.insert(name.clone(), old.clone());
        }
        for f in &d.fields {
            let key = (name.clone(), f.name.clone());
            if let Some(old) = &f.renamed_from {
                intent.field_renames.insert(key.clone(), old.clone());
            }
            if let Some(v) = f.backfill.as_ref().or(f.default.as_ref()) {
                intent.backfills.insert(key, schema::literal(v));
            }
        }
    }
    intent
        .backfills
        .extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    intent
}

/// The migration from `old` to what `domains` describe.
pub fn plan(old: &Schema, domains: &Domains, intent: &Intent) -> Result<Migration, Vec<Problem>> {
    let new = carry_names(old, Schema::of(domains), intent);
    let upgrade = steps::transform(old, &new, intent)?;
    let downgrade = steps::transform(&new, old, &intent.reversed(old));
    Ok(Migration {
        schema: new,
        upgrade,
        downgrade,
    })
}

/// Whether the specs describe the database the last revision left.
pub fn up_to_date(old: &Schema, domains: &Domains) -> bool {
    let intent = intent(domains, &BTreeMap::new());
    let new = carry_names(old, Schema::of(domains), &intent);
    old.tables == new.tables
}

/// `new` with the names of constraints that stay from `old`: a renamed table
/// or column keeps its unique and foreign-key constraints as they were.
fn carry_names(old: &Schema, mut new: Schema, intent: &Intent) -> Schema {
    let snapshot = new.clone();
    for (domain, table) in &mut new.tables {
        let Some((_, old_table)) = steps::predecessor_table(old, &snapshot, domain, intent) else {
            continue;
        };
        let new_table = &snapshot.tables[domain];
        for c in &mut table.columns {
            let Some(o) = steps::predecessor_column(old_table, new_table, domain, &c.name, intent) else {
                continue;
            };
            if let (Some(u), Some(_)) = (&o.unique, &c.unique) {
                c.unique = Some(u.clone());
            }
            if let (Some(a), Some(b)) = (&o.references, &mut c.references)
                && a.table == b.table
                && a.on_delete == b.on_delete
            {
                b.name = a.name.clone();
            }
        }
    }
    new
}
