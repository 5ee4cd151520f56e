//! An alembic revision file: finding the head it follows, naming it and
//! writing its Python.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use sha2::{Digest, Sha256};

use super::{Migration, Problem};
use crate::render::py;

static REVISION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^revision\s*(?::[^=\n]*)?=\s*['"]([^'"]+)['"]"#).expect("valid"));
static DOWN_REVISION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^down_revision\s*(?::[^=\n]*)?=\s*(.*)$").expect("valid"));
static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"['"]([^'"]+)['"]"#).expect("valid"));

/// The head revision among revision files' texts: None when there are none,
/// an error when alembic would see several heads.
pub fn head<'a>(files: impl IntoIterator<Item = &'a str>) -> Result<Option<String>, String> {
    let mut revisions = Vec::new();
    let mut parents = BTreeSet::new();
    for text in files {
        let Some(rev) = REVISION.captures(text) else { continue };
        revisions.push(rev[1].to_owned());
        if let Some(down) = DOWN_REVISION.captures(text) {
            for q in QUOTED.captures_iter(&down[1]) {
                parents.insert(q[1].to_owned());
            }
        }
    }
    let heads: Vec<String> = revisions.into_iter().filter(|r| !parents.contains(r)).collect();
    match heads.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        many => Err(format!(
            "migrations/versions has several heads ({}); merge them first: alembic merge heads -m merge",
            many.join(", ")
        )),
    }
}

/// A revision id derived from what the revision holds, so that the same
/// change on the same parent gets the same id.
pub fn revision_id(parent: Option<&str>, message: &str, schema_json: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(parent.unwrap_or("").as_bytes());
    hash.update([0]);
    hash.update(message.as_bytes());
    hash.update([0]);
    hash.update(schema_json.as_bytes());
    hash.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The file name alembic's `file_template` would give: `YYYYMMDD_rev_slug.py`.
pub fn file_name(date: &str, rev: &str, message: &str) -> String {
    let mut slug = String::new();
    for ch in message.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch);
        } else if !slug.ends_with('_') {
            slug.push('_');
        }
    }
    let slug: String = slug.trim_matches('_').chars().take(40).collect();
    let slug = slug.trim_end_matches('_');
    if slug.is_empty() {
        format!("{date}_{rev}.py")
    } else {
        format!("{date}_{rev}_{slug}.py")
    }
}

/// The date of `secs` since the epoch (UTC) as `YYYYMMDD`.
pub fn date_of(secs: u64) -> String {
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}{m:02}{d:02}")
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The Python of a revision.
pub fn render(package: &str, message: &str, rev: &str, parent: Option<&str>, migration: &Migration) -> String {
    let up = &migration.upgrade;
    let mut body = String::new();
    let all_lines: Vec<&String> = up
        .lines
        .iter()
        .chain(
            migration
                .downgrade
                .as_ref()
                .map(|c| c.lines.iter())
                .into_iter()
                .flatten(),
        )
        .collect();
    let uses = |needle: &str| all_lines.iter().any(|l| l.contains(needle));

    body += &format!("\"\"\"{}\n\n", py::doc(message).trim_matches('"').trim());
    body += "Written by `scaffold migrate` from the change of the specs:\n\n";
    for s in &up.summary {
        body += &format!("- {s}\n");
    }
    body += &format!("\nRevision ID: {rev}\nRevises: {}\n\"\"\"\n\n", parent.unwrap_or(""));
    if uses("dt.date") {
        body += "import datetime as dt\n";
    }
    if uses("uuid.UUID(") {
        body += "import uuid\n";
    }
    body += "from collections.abc import Sequence\n";
    if uses("Decimal(") {
        body += "from decimal import Decimal\n";
    }
    body += "\nimport sqlalchemy as sa\nfrom alembic import op\n\n";
    body += &format!("from {package}.db import migration as m\n");
    if uses("UtcDateTime()") {
        body += &format!("from {package}.db.types import UtcDateTime\n");
    }
    body += "\n";
    body += &format!("revision: str = {}\n", py::string(rev));
    body += &format!(
        "down_revision: str | Sequence[str] | None = {}\n",
        parent.map_or("None".to_owned(), py::string)
    );
    body += "branch_labels: str | Sequence[str] | None = None\n";
    body += "depends_on: str | Sequence[str] | None = None\n\n\n";
    body += "def upgrade() -> None:\n    \"\"\"Bring the database to the specs of this revision.\"\"\"\n";
    body += &indent(&up.lines);
    body +=
        "\n\ndef downgrade() -> None:\n    \"\"\"Bring the database back to the specs of the revision before.\"\"\"\n";
    match &migration.downgrade {
        Ok(code) => body += &indent(&code.lines),
        Err(problems) => body += &refusal(problems),
    }
    body
}

fn indent(lines: &[String]) -> String {
    if lines.is_empty() {
        return "    pass\n".to_owned();
    }
    lines.iter().map(|l| format!("    {l}\n")).collect()
}

/// A downgrade that cannot run: it says why, before changing anything.
fn refusal(problems: &[Problem]) -> String {
    let reasons: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
    format!(
        "    raise NotImplementedError(\n        {},\n    )\n",
        py::string(&format!("this revision cannot be undone: {}", reasons.join("; ")))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_is_the_revision_nobody_follows() {
        let a = "revision: str = \"aaa\"\ndown_revision: str | None = None\n";
        let b = "revision = 'bbb'\ndown_revision = 'aaa'\n";
        let c = "revision = \"ccc\"\ndown_revision = (\"bbb\",)\n";
        assert_eq!(head([a, b, c]), Ok(Some("ccc".to_owned())));
        assert_eq!(head([]), Ok(None));
        let d = "revision = \"ddd\"\ndown_revision = \"aaa\"\n";
        assert!(head([a, b, d]).unwrap_err().contains("several heads (bbb, ddd)"));
    }

    #[test]
    fn file_names_follow_the_template() {
        assert_eq!(
            file_name("20261205", "abc", "Add curator to exhibitions!"),
            "20261205_abc_add_curator_to_exhibitions.py"
        );
        assert_eq!(file_name("20261205", "abc", "¿?"), "20261205_abc.py");
    }

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_792), (2026, 12, 5));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
