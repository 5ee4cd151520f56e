//! Import blocks laid out exactly as ruff's isort wants them, so generated
//! files are a fixed point of `ruff check --fix` with the `I` rules.

use std::collections::{BTreeMap, BTreeSet};

/// Longest import line that stays on one line at every supported line
/// length (79 is the smallest); longer ones are exploded with a trailing comma.
use super::expr::MAX_LINE;

const STDLIB: &[&str] = &[
    "collections", "datetime", "decimal", "enum", "typing", "uuid", "math", "re", "json", "contextlib", "os",
    "pathlib", "logging", "asyncio", "itertools", "functools",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Stdlib,
    ThirdParty,
    FirstParty,
}

/// Collects `import x` and `from x import y` statements, then renders them
/// grouped (stdlib, third party, first party), straight imports first,
/// modules and names in isort's order.
#[derive(Debug, Clone)]
pub struct Imports {
    first_party: Vec<String>,
    straight: BTreeSet<String>,
    from: BTreeMap<String, BTreeSet<String>>,
}

impl Imports {
    /// `first_party`: the package, plus other top-level folders of the
    /// project that isort sees as first party (such as `tests`).
    pub fn new(first_party: &str) -> Self {
        Self {
            first_party: vec![first_party.to_owned(), "tests".to_owned()],
            straight: BTreeSet::new(),
            from: BTreeMap::new(),
        }
    }

    /// Moves every import of `other` into this block.
    pub fn merge(&mut self, other: &Imports) -> &mut Self {
        self.straight.extend(other.straight.iter().cloned());
        for (m, names) in &other.from {
            self.from.entry(m.clone()).or_default().extend(names.iter().cloned());
        }
        self
    }

    /// `import module`
    pub fn module(&mut self, module: &str) -> &mut Self {
        self.straight.insert(module.to_owned());
        self
    }

    /// `from module import name` (several calls merge).
    pub fn from(&mut self, module: &str, names: &[&str]) -> &mut Self {
        let entry = self.from.entry(module.to_owned()).or_default();
        entry.extend(names.iter().map(|n| (*n).to_owned()));
        self
    }

    /// Drops every import that `used` (the identifiers of the code the block
    /// heads) does not name, so no combination of spec options leaves an
    /// unused import behind.
    pub fn retain_used(&mut self, used: &super::py::Identifiers<'_>) -> &mut Self {
        self.straight
            .retain(|m| used.contains(m.split('.').next().unwrap_or(m)));
        for names in self.from.values_mut() {
            names.retain(|n| used.contains(n.as_str()));
        }
        self.from.retain(|_, names| !names.is_empty());
        self
    }

    fn section(&self, module: &str) -> Section {
        let top = module.split('.').next().unwrap_or(module);
        if self.first_party.iter().any(|f| f == top) {
            Section::FirstParty
        } else if STDLIB.contains(&top) {
            Section::Stdlib
        } else {
            Section::ThirdParty
        }
    }

    /// The import block, sections separated by one blank line, without a
    /// final newline (templates place the block).
    pub fn render(&self) -> String {
        type FromImports<'a> = Vec<(&'a String, &'a BTreeSet<String>)>;
        let mut sections: BTreeMap<Section, (Vec<&String>, FromImports<'_>)> = BTreeMap::new();
        for m in &self.straight {
            sections.entry(self.section(m)).or_default().0.push(m);
        }
        for (m, names) in &self.from {
            sections.entry(self.section(m)).or_default().1.push((m, names));
        }
        let mut blocks = Vec::new();
        for (_, (mut straight, mut from)) in sections {
            straight.sort_by_cached_key(|m| module_key(m));
            from.sort_by_cached_key(|(m, _)| module_key(m));
            let mut block = String::new();
            for m in straight {
                block.push_str("import ");
                block.push_str(m);
                block.push('\n');
            }
            for (m, names) in from {
                let mut names: Vec<&String> = names.iter().collect();
                names.sort_by_cached_key(|n| member_key(n));
                let names: Vec<&str> = names.into_iter().map(String::as_str).collect();
                let one_line = format!("from {m} import {}", names.join(", "));
                if one_line.len() <= MAX_LINE {
                    block.push_str(&one_line);
                    block.push('\n');
                } else {
                    block.push_str("from ");
                    block.push_str(m);
                    block.push_str(" import (\n");
                    for n in names {
                        block.push_str("    ");
                        block.push_str(n);
                        block.push_str(",\n");
                    }
                    block.push_str(")\n");
                }
            }
            blocks.push(block);
        }
        blocks.join("\n").trim_end().to_owned()
    }
}

/// isort compares module names case-insensitively.
fn module_key(m: &str) -> (String, String) {
    (m.to_lowercase(), m.to_owned())
}

/// isort's `order-by-type`: CONSTANTS, then Classes, then functions/variables.
fn member_key(name: &str) -> (u8, String, String) {
    let kind = if name.len() > 1
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        0
    } else if name.starts_with(|c: char| c.is_ascii_uppercase()) {
        1
    } else {
        2
    };
    (kind, name.to_lowercase(), name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_orders_like_isort() {
        let mut i = Imports::new("backend");
        i.from("sqlmodel", &["SQLModel", "Field"])
            .from("datetime", &["datetime", "date"])
            .module("uuid")
            .from("backend.utils", &["utc_now"])
            .from("backend.db.types", &["enum_type", "UtcDateTime"])
            .from("typing", &["Literal", "Self"]);
        assert_eq!(
            i.render(),
            "import uuid\nfrom datetime import date, datetime\nfrom typing import Literal, Self\n\n\
             from sqlmodel import Field, SQLModel\n\n\
             from backend.db.types import UtcDateTime, enum_type\nfrom backend.utils import utc_now"
        );
    }

    #[test]
    fn only_used_names_are_kept() {
        let mut i = Imports::new("backend");
        i.from("datetime", &["date", "datetime"])
            .from("decimal", &["Decimal"])
            .module("uuid")
            .module("json");
        let code = "x: date = f(uuid.uuid4())  # datetime\n\"\"\"Decimal\"\"\"\n";
        i.retain_used(&super::super::py::code_identifiers(code));
        assert_eq!(i.render(), "import uuid\nfrom datetime import date");
    }

    #[test]
    fn long_imports_are_exploded() {
        let mut i = Imports::new("backend");
        i.from(
            "backend.dtos.shared",
            &["NoNul", "NotNull", "NulFreeStr", "PageDto", "UtcDatetime", "FiniteJson"],
        );
        assert_eq!(
            i.render(),
            "from backend.dtos.shared import (\n    FiniteJson,\n    NoNul,\n    NotNull,\n    NulFreeStr,\n    PageDto,\n    UtcDatetime,\n)"
        );
    }
}
