//! Checks that need every spec of the project: refs and their cycles.

use std::collections::BTreeMap;

use super::{Domain, Domains, Field, FieldKind};
use crate::diag::{Diagnostic, Source, key_span};

/// Checks what needs every parsed spec (`parse_spec` already checked that
/// each `to` names a spec): cycles of required refs.
pub fn resolve(parsed: BTreeMap<String, (Source, Domain)>) -> Result<Domains, Vec<Diagnostic>> {
    let mut errors = name_clashes(&parsed);
    errors.extend(required_ref_cycles(&parsed));
    if errors.is_empty() {
        Ok(parsed.into_iter().map(|(name, (_, domain))| (name, domain)).collect())
    } else {
        Err(errors)
    }
}

/// Two domains may not share a table or a URL (e.g. `person` with plural
/// `people` next to a domain `people`); the spec whose plural clashes says so.
fn name_clashes(parsed: &BTreeMap<String, (Source, Domain)>) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (name, (source, domain)) in parsed {
        let plural = &domain.names.plural;
        let clash = parsed
            .iter()
            .find(|(other, (_, d))| *other != name && (d.names.snake == *plural || d.names.plural == *plural));
        if let Some((other, _)) = clash {
            let span = key_span(&source.text, "plural");
            errors.push(
                source
                    .error(
                        span,
                        format!("domains '{name}' and '{other}' would share the table and URL '{plural}'"),
                    )
                    .with_help("set a different `plural` in this spec"),
            );
        }
    }
    errors
}

/// Required ref fields of `name`: (target domain, field).
fn required_refs<'a>(parsed: &'a BTreeMap<String, (Source, Domain)>, name: &str) -> Vec<(&'a str, &'a Field)> {
    parsed[name]
        .1
        .fields
        .iter()
        .filter(|f| !f.optional)
        .filter_map(|f| match &f.kind {
            FieldKind::Ref { to, .. } => Some((to.as_str(), f)),
            _ => None,
        })
        .collect()
}

/// A cycle of required refs means no row of any domain in it can be created.
/// Each cycle is reported once, at the first field of its alphabetically
/// first domain.
fn required_ref_cycles(parsed: &BTreeMap<String, (Source, Domain)>) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut reported: Vec<Vec<&str>> = Vec::new();
    for start in parsed.keys() {
        for (first, field) in required_refs(parsed, start) {
            // Depth-first search for a path of required refs from `first` back to `start`.
            let mut stack = vec![vec![start.as_str(), first]];
            let mut visited: Vec<&str> = Vec::new();
            while let Some(path) = stack.pop() {
                let node = *path.last().expect("paths are never empty");
                if node == start {
                    let mut members = path[1..].to_vec();
                    members.sort_unstable();
                    if !reported.contains(&members) {
                        reported.push(members);
                        let source = &parsed[start].0;
                        errors.push(
                            source
                                .error(
                                    field.span.clone(),
                                    format!("required refs form a cycle: {}", path.join(" -> ")),
                                )
                                .with_help("make one of these ref fields optional, or no row can ever be created"),
                        );
                    }
                    continue;
                }
                if visited.contains(&node) {
                    continue;
                }
                visited.push(node);
                for (to, _) in required_refs(parsed, node) {
                    let mut next = path.clone();
                    next.push(to);
                    stack.push(next);
                }
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::parse_spec;

    fn project(specs: &[(&str, &str)]) -> Result<Domains, String> {
        let known: Vec<&str> = specs.iter().map(|(n, _)| *n).collect();
        let parsed = specs
            .iter()
            .map(|(name, text)| {
                let path = format!("domains/{name}.toml");
                let src = Source::new(&path, (*text).to_owned());
                let d = parse_spec(&src, name, &path, &known).expect("valid spec");
                ((*name).to_owned(), (src, d))
            })
            .collect();
        resolve(parsed).map_err(|d| {
            d.iter()
                .map(|d| d.to_string().lines().next().unwrap().to_owned())
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    #[test]
    fn required_cycles_are_errors_optional_ones_are_not() {
        let a = "[fields.b_id]\ntype = \"ref\"\nto = \"b\"\n";
        let b = "[fields.a_id]\ntype = \"ref\"\nto = \"a\"\n";
        let err = project(&[("a", a), ("b", b)]).unwrap_err();
        assert!(err.contains("required refs form a cycle: a -> b -> a"), "{err}");
        let b_opt = "[fields.a_id]\ntype = \"ref\"\nto = \"a\"\noptional = true\non_delete = \"set_null\"\n";
        assert!(project(&[("a", a), ("b", b_opt)]).is_ok());
        let selfref = "[fields.parent_id]\ntype = \"ref\"\nto = \"node\"\n";
        assert!(project(&[("node", selfref)]).unwrap_err().contains("node -> node"));
    }
}
