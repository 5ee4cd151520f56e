//! Checks that need every spec of the project: refs and their cycles.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::{Domain, Domains, Field, FieldKind};
use crate::diag::{Diagnostic, Source, key_span};

/// Checks what needs every parsed spec (`parse_spec` already checked that
/// each `to` names a spec): cycles of required refs.
pub fn resolve(parsed: BTreeMap<String, (Source, Domain)>) -> Result<Domains, Vec<Diagnostic>> {
    let mut errors = name_clashes(&parsed);
    errors.extend(required_ref_cycles(&parsed));
    errors.extend(stale_domain_renames(&parsed));
    if errors.is_empty() {
        Ok(parsed.into_iter().map(|(name, (_, domain))| (name, domain)).collect())
    } else {
        Err(errors)
    }
}

/// A domain renamed from a name that another spec still has would take that
/// domain's table away from it.
fn stale_domain_renames(parsed: &BTreeMap<String, (Source, Domain)>) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (name, (source, domain)) in parsed {
        if let Some((old, span)) = &domain.renamed_from {
            let renamed_twice = parsed
                .iter()
                .find(|(other, (_, d))| *other != name && d.renamed_from.as_ref().is_some_and(|r| r.0 == *old));
            if parsed.contains_key(old) {
                errors.push(
                    source
                        .error(
                            span.clone(),
                            format!("domain '{name}' is renamed from '{old}', which still has a spec"),
                        )
                        .with_help(format!(
                            "rename domains/{old}.toml to domains/{name}.toml instead of copying it"
                        )),
                );
            } else if let Some((other, _)) = renamed_twice
                && other < name
            {
                errors.push(source.error(
                    span.clone(),
                    format!("domains '{other}' and '{name}' are both renamed from '{old}'"),
                ));
            }
        }
    }
    errors
}

/// Two domains may not share a table or a URL (e.g. `person` with plural
/// `people` next to a domain `people`); the spec whose plural clashes says so.
fn name_clashes(parsed: &BTreeMap<String, (Source, Domain)>) -> Vec<Diagnostic> {
    // Every name a domain takes (its own and its plural) → the domains taking
    // it, in alphabetical order.
    let mut taken: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, (_, domain)) in parsed {
        taken.entry(domain.names.snake.as_str()).or_default().push(name);
        if domain.names.plural != domain.names.snake {
            taken.entry(domain.names.plural.as_str()).or_default().push(name);
        }
    }
    let mut errors = Vec::new();
    for (name, (source, domain)) in parsed {
        let plural = &domain.names.plural;
        let clash = taken[plural.as_str()].iter().find(|other| **other != name);
        if let Some(other) = clash {
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

/// A cycle of required refs means no row of any domain in it can be created.
/// Each knot of such cycles (a strongly connected part of the graph of
/// required refs) is reported once, at the first field of its alphabetically
/// first domain that leads into the knot, with the shortest cycle through it.
fn required_ref_cycles(parsed: &BTreeMap<String, (Source, Domain)>) -> Vec<Diagnostic> {
    let names: Vec<&str> = parsed.keys().map(String::as_str).collect();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    // Required ref fields of each domain, as (target, field), in field order.
    let refs: Vec<Vec<(usize, &Field)>> = parsed
        .values()
        .map(|(_, domain)| {
            domain
                .fields
                .iter()
                .filter(|f| !f.optional)
                .filter_map(|f| match &f.kind {
                    FieldKind::Ref { to, .. } => index.get(to.as_str()).map(|&t| (t, f)),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let graph: Vec<Vec<usize>> = refs.iter().map(|r| r.iter().map(|(t, _)| *t).collect()).collect();
    let mut errors = Vec::new();
    for knot in strongly_connected(&graph) {
        let start = *knot.iter().min().expect("components are never empty");
        let in_knot = |d: usize| knot.contains(&d);
        let Some((first, field)) = refs[start].iter().find(|(t, _)| in_knot(*t)) else {
            continue; // a single domain without a ref to itself
        };
        let cycle = shortest_path(&graph, *first, start, &in_knot);
        let shown: Vec<&str> = std::iter::once(start).chain(cycle).map(|d| names[d]).collect();
        errors.push(
            parsed[names[start]]
                .0
                .error(
                    field.span.clone(),
                    format!("required refs form a cycle: {}", shown.join(" -> ")),
                )
                .with_help("make one of these ref fields optional, or no row can ever be created"),
        );
    }
    errors
}

/// The strongly connected components of a graph (Tarjan's algorithm, with
/// an explicit stack so that long chains of refs cannot overflow it).
fn strongly_connected(graph: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let mut order = vec![UNSEEN; graph.len()];
    let mut low = vec![0; graph.len()];
    let mut on_stack = vec![false; graph.len()];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next = 0;
    for root in 0..graph.len() {
        if order[root] != UNSEEN {
            continue;
        }
        // (node, how many of its edges were followed)
        let mut work = vec![(root, 0)];
        order[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(node, followed)) = work.last() {
            if let Some(&to) = graph[node].get(followed) {
                work.last_mut().expect("not empty").1 += 1;
                if order[to] == UNSEEN {
                    order[to] = next;
                    low[to] = next;
                    next += 1;
                    stack.push(to);
                    on_stack[to] = true;
                    work.push((to, 0));
                } else if on_stack[to] {
                    low[node] = low[node].min(order[to]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                let mut component = Vec::new();
                loop {
                    let member = stack.pop().expect("the node itself is on the stack");
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

/// The nodes of a shortest path from `from` to `to` (both included) through
/// nodes that `allowed` accepts; `to` must be reachable.
fn shortest_path(graph: &[Vec<usize>], from: usize, to: usize, allowed: &dyn Fn(usize) -> bool) -> Vec<usize> {
    let mut came_from: HashMap<usize, usize> = HashMap::from([(from, from)]);
    let mut queue = VecDeque::from([from]);
    while let Some(node) = queue.pop_front() {
        if node == to {
            break;
        }
        for &next in &graph[node] {
            if allowed(next) && !came_from.contains_key(&next) {
                came_from.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    let mut path = vec![to];
    while let Some(&prev) = came_from.get(path.last().expect("not empty"))
        && prev != *path.last().expect("not empty")
    {
        path.push(prev);
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::parsed_for_test;

    fn project(specs: &[(&str, &str)]) -> Result<Domains, String> {
        resolve(parsed_for_test(specs)).map_err(|d| crate::diag::first_lines(&d))
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

    #[test]
    fn each_knot_of_cycles_is_reported_once_with_its_shortest_cycle() {
        let to = |target: &str| format!("[fields.{target}_id]\ntype = \"ref\"\nto = \"{target}\"\n");
        // a -> b -> c -> a and b -> a: one knot; its shortest cycle from a.
        let b = to("c") + &to("a");
        let specs = [("a", to("b")), ("b", b), ("c", to("a")), ("d", to("a")), ("e", to("e"))];
        let specs: Vec<(&str, &str)> = specs.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let err = project(&specs).unwrap_err();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{err}");
        assert!(lines[0].ends_with("required refs form a cycle: a -> b -> a"), "{err}");
        assert!(lines[1].ends_with("required refs form a cycle: e -> e"), "{err}");
    }

    #[test]
    fn long_chains_of_refs_are_fine() {
        let n = 5000;
        let graph: Vec<Vec<usize>> = (0..n).map(|i| if i + 1 < n { vec![i + 1] } else { vec![0] }).collect();
        let components = strongly_connected(&graph);
        assert_eq!(components.len(), 1);
        assert_eq!(components[0].len(), n);
        let chain: Vec<Vec<usize>> = (0..n).map(|i| if i + 1 < n { vec![i + 1] } else { vec![] }).collect();
        assert_eq!(strongly_connected(&chain).len(), n);
    }
}
