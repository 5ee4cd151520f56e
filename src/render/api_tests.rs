//! The API test module of one domain (docs/design.md §9): the domain as
//! its tests see it, a table (`API = Api(...)`) of its URL, ids, fields
//! with their constraints and list options. The tests themselves live once
//! in the generated `tests/support.py`, which derives every case (each
//! constraint's edges, each enum value, each sort key both ways) from the
//! table; this module only decides what the table says.

use std::collections::BTreeSet;

use askama::Template;

use super::domain::View;
use super::expr::Expr;
use super::imports::Imports;
use super::py;
use super::samples;
use crate::names::python_float;
use crate::sections::stamp;
use crate::spec::{
    Bounds, DefaultValue, Domain, Domains, Field, FieldKind, FileKind, IdKind, Number, OnDelete, Operation,
};

/// How many values drawn from a pattern a unique field hands out in turn:
/// comfortably more than any one test makes rows of a domain.
const POOL_SIZE: usize = 16;

#[derive(Template)]
#[template(path = "tests/api/test_domain.py", escape = "none")]
struct TestsTemplate<'a> {
    v: &'a View,
    imports: String,
    /// `NAME_VALUES = [...]` lists of values drawn from patterns.
    pools: Vec<String>,
    /// `FIELDS = [...]`.
    fields: String,
    /// `API = Api(...)`.
    api: String,
    /// The tests override router dependencies (of this domain or of those
    /// they make rows of).
    overrides: bool,
    class_name: String,
}

/// Whether the generated tests can create rows of `name`: it has `create`,
/// its tests are generated, and so can every domain it needs a row of.
fn creatable(all: &Domains, name: &str) -> bool {
    let d = &all[name];
    d.api.has(Operation::Create)
        && d.generates(FileKind::Tests)
        && required_refs(d).all(|to| to != name && creatable(all, to))
}

/// The targets of a domain's required refs (acyclic: the spec checks it).
fn required_refs(d: &Domain) -> impl Iterator<Item = &str> {
    d.fields.iter().filter(|f| !f.optional).filter_map(|f| match &f.kind {
        FieldKind::Ref { to, .. } => Some(to.as_str()),
        _ => None,
    })
}

/// `name` and every domain a minimal row of `name` needs a row of.
fn minimal_closure(all: &Domains, name: &str, out: &mut BTreeSet<String>) {
    if out.insert(name.to_owned()) {
        for to in required_refs(&all[name]) {
            minimal_closure(all, to, out);
        }
    }
}

/// Whether the test payloads of `domain` fill a ref to `to`: with a minimal
/// row of the target, made by the target's own test module. A required ref
/// always (when the target can be created at all); an optional one only when
/// making that row makes no row of `domain` itself (a self-reference, or a
/// target that requires a `domain` row), so factories never recurse and a
/// test's rows of its own domain are the ones it made.
fn fills(all: &Domains, domain: &Domain, to: &str, required: bool) -> bool {
    if to == domain.names.snake || !creatable(all, to) {
        return false;
    }
    if required {
        return true;
    }
    let mut made = BTreeSet::new();
    minimal_closure(all, to, &mut made);
    !made.contains(&domain.names.snake)
}

/// `ge=`, `gt=`, `le=`, `lt=` of the bounds the spec sets, each written by
/// `number`.
fn bound_kwargs(b: &Bounds, number: impl Fn(&Number) -> Expr) -> Vec<Expr> {
    [("ge", &b.ge), ("gt", &b.gt), ("le", &b.le), ("lt", &b.lt)]
        .into_iter()
        .filter_map(|(key, n)| n.as_ref().map(|n| Expr::kwarg(key, number(n))))
        .collect()
}

fn int_literal(n: &Number) -> Expr {
    Expr::atom(n.int().to_string())
}

fn kw(key: &str, value: impl ToString) -> Expr {
    Expr::kwarg(key, Expr::atom(value.to_string()))
}

/// The values of a pattern field the tests send: drawn from the pattern,
/// or the spec's example when too few can be drawn.
fn pattern_pool(f: &Field, min_length: Option<u32>, max_length: u32, pattern: &str) -> Vec<String> {
    let min = min_length.unwrap_or(0) as usize;
    let drawn = samples::pattern_values(pattern, min, max_length as usize, POOL_SIZE);
    if drawn.len() >= 2 {
        drawn
    } else {
        f.example.iter().cloned().collect()
    }
}

/// How a ref field reaches its target in the table: the target's test
/// module (`to="tests.api.test_artist"`), or only its id type when its
/// tests are not generated or it is this domain.
enum RefTarget {
    Module(String),
    IdsOnly(IdKind),
}

/// The constraint keywords of a field in the table, as the spec writes
/// them (defaults left out), and the pool constant it needs, if any.
fn constraints(f: &Field, target: Option<&RefTarget>, fill: bool) -> (Vec<Expr>, Option<String>) {
    let mut pool = None;
    let args = match &f.kind {
        FieldKind::Str {
            min_length,
            max_length,
            pattern,
        } => {
            let mut args = Vec::new();
            if *max_length != 255 {
                args.push(kw("max_length", max_length));
            }
            args.extend(min_length.map(|m| kw("min_length", m)));
            if let Some(p) = pattern {
                let constant = format!("{}_VALUES", f.name.to_uppercase());
                let values = pattern_pool(f, *min_length, *max_length, p);
                let items = values.iter().map(|v| Expr::str(v)).collect();
                pool = Some(
                    Expr::subscript(format!("{constant} = "), items)
                        .exploded()
                        .layout(0, ""),
                );
                args.push(Expr::kwarg("pattern", Expr::str(p)));
                args.push(kw("examples", constant));
            }
            args
        }
        FieldKind::Text { min_length, max_length } => {
            let mut args: Vec<Expr> = max_length.map(|m| kw("max_length", m)).into_iter().collect();
            args.extend(min_length.map(|m| kw("min_length", m)));
            args
        }
        FieldKind::Email { max_length } => (*max_length != 320)
            .then(|| kw("max_length", max_length))
            .into_iter()
            .collect(),
        FieldKind::Int(b) | FieldKind::BigInt(b) => bound_kwargs(b, int_literal),
        FieldKind::Float(b) => bound_kwargs(b, |n| Expr::atom(python_float(n.value))),
        FieldKind::Decimal {
            max_digits,
            decimal_places,
            bounds,
        } => {
            let mut args = Vec::new();
            if *max_digits != 12 {
                args.push(kw("max_digits", max_digits));
            }
            if *decimal_places != 2 {
                args.push(kw("decimal_places", decimal_places));
            }
            // Exact text: a float cannot hold every decimal bound.
            args.extend(bound_kwargs(bounds, |n| Expr::str(&decimal_text(n))));
            args
        }
        FieldKind::Enum { values } => vec![Expr::kwarg("values", str_list(values))],
        FieldKind::Ref { .. } => {
            let mut args = match target {
                Some(RefTarget::Module(module)) => vec![Expr::kwarg("to", Expr::str(module))],
                Some(RefTarget::IdsOnly(kind)) => vec![Expr::kwarg("ids", Expr::str(kind.as_str()))],
                None => Vec::new(),
            };
            if !fill {
                args.push(kw("fill", "False"));
            }
            args
        }
        FieldKind::Bool | FieldKind::Date | FieldKind::Datetime | FieldKind::Uuid | FieldKind::Json => Vec::new(),
    };
    (args, pool)
}

/// A spec bound of a decimal as exact text (`0`, `0.5`, `1e3` → `1000`).
fn decimal_text(n: &Number) -> String {
    match n.exact_int() {
        Some(i) => i.to_string(),
        None => n.text.clone(),
    }
}

/// The value a response holds for a spec default.
fn default_expr(f: &Field) -> Option<Expr> {
    Some(Expr::atom(match f.default.as_ref()? {
        DefaultValue::Str(s) => py::string(s),
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Number(n) => match f.kind {
            FieldKind::Decimal { decimal_places, .. } => {
                py::string(&format!("{:.*}", decimal_places as usize, n.value))
            }
            _ => python_float(n.value),
        },
        DefaultValue::Bool(b) => if *b { "True" } else { "False" }.to_owned(),
    }))
}

/// A list of string literals, `[...]`.
fn str_list(items: &[String]) -> Expr {
    Expr::list(items.iter().map(|s| Expr::str(s)).collect())
}

/// The API test module of a domain.
pub(super) fn render_tests(v: &View, domain: &Domain, all: &Domains, api_prefix: &str) -> String {
    let pkg = &v.package;
    let mut imports = Imports::new(pkg);
    imports.module("pytest");
    imports.from("tests.support", &["Api", "Field", "contract_tests"]);

    let mut pools = Vec::new();
    let fields: Vec<Expr> = domain
        .fields
        .iter()
        .map(|f| {
            let mut target = None;
            let mut fill = true;
            if let FieldKind::Ref { to, .. } = &f.kind {
                let t = &all[to.as_str()];
                target = Some(if t.generates(FileKind::Tests) && *to != domain.names.snake {
                    RefTarget::Module(format!("{}.test_{}", v.tests_module, t.names.snake))
                } else {
                    RefTarget::IdsOnly(t.id)
                });
                // The tests leave out refs to domains whose rows they
                // cannot make; `fill=False` marks only the cycles.
                fill = fills(all, domain, to, !f.optional) || !creatable(all, to);
            }
            let (constraints, pool) = constraints(f, target.as_ref(), fill);
            pools.extend(pool);
            let mut args = vec![Expr::str(&f.name), Expr::str(f.kind.ty().as_str())];
            args.extend(constraints);
            if f.optional {
                args.push(kw("optional", "True"));
            }
            args.extend(default_expr(f).map(|d| Expr::kwarg("default", d)));
            if f.unique {
                args.push(kw("unique", "True"));
            }
            if let FieldKind::Ref { on_delete, .. } = &f.kind
                && *on_delete != OnDelete::Restrict
            {
                args.push(Expr::kwarg("on_delete", Expr::str(on_delete.as_str())));
            }
            if f.deprecated {
                args.push(kw("deprecated", "True"));
            }
            Expr::call("Field", args)
        })
        .collect();
    let fields = if fields.is_empty() {
        "FIELDS: list[Field] = []".to_owned()
    } else {
        Expr::subscript("FIELDS = ", fields).exploded().layout(0, "")
    };

    let api = &domain.api;
    // The item route with Starlette's convertor syntax for the id type.
    let route = format!(
        "{api_prefix}/{}/{{{}:{}}}",
        domain.names.url,
        v.id_param,
        domain.id.as_str()
    );
    let mut args = vec![Expr::str(&route), Expr::atom("FIELDS")];
    if api.operations.len() != Operation::ALL.len() {
        let ops: Vec<String> = api.operations.iter().map(|o| o.as_str().to_owned()).collect();
        args.push(Expr::kwarg("operations", str_list(&ops)));
    }
    let lists = [("sort", &api.sort), ("filters", &api.filters), ("search", &api.search)];
    for (key, items) in lists {
        if !items.is_empty() {
            args.push(Expr::kwarg(key, str_list(items)));
        }
    }
    let sign = if api.default_sort.descending { "-" } else { "" };
    let default_sort = format!("{sign}{}", api.default_sort.column);
    if default_sort != "-created_at" {
        args.push(Expr::kwarg("default_sort", Expr::str(&default_sort)));
    }
    if api.page_size != 20 {
        args.push(kw("page_size", api.page_size));
    }
    if api.max_page_size != 100 {
        args.push(kw("max_page_size", api.max_page_size));
    }
    if !domain.timestamps {
        args.push(kw("timestamps", "False"));
    }
    if !creatable(all, &domain.names.snake) {
        args.push(kw("makes_rows", "False"));
    }
    if !api.dependencies.is_empty() {
        args.push(kw("guarded", "True"));
    }
    // The router dependencies of every domain the tests make rows of.
    let mut created = BTreeSet::from([domain.names.snake.clone()]);
    for f in &domain.fields {
        if let FieldKind::Ref { to, .. } = &f.kind
            && fills(all, domain, to, !f.optional)
        {
            minimal_closure(all, to, &mut created);
        }
    }
    let mut dependencies: Vec<&crate::spec::Dependency> = Vec::new();
    for name in &created {
        for d in &all[name.as_str()].api.dependencies {
            if !dependencies.iter().any(|o| o.name == d.name && o.module == d.module) {
                dependencies.push(d);
            }
        }
    }
    let overrides = !dependencies.is_empty();
    if overrides {
        imports.from("tests.support", &["dependencies_overridden"]);
        for d in &dependencies {
            imports.from(&d.module, &[&d.name]);
        }
        let names = dependencies.iter().map(|d| Expr::atom(&d.name)).collect();
        args.push(Expr::kwarg("dependencies", Expr::list(names)));
    }
    let api = Expr::call("API = Api", args).layout(0, "");
    let t = TestsTemplate {
        v,
        imports: String::new(),
        pools,
        fields,
        api,
        overrides,
        class_name: format!("Test{}Api", v.class),
    };
    stamp(super::finish_with_imports(&imports, |imports| {
        super::finish(TestsTemplate { imports, ..t })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{parsed_for_test, resolve};

    fn project(specs: &[(&str, &str)]) -> Domains {
        resolve(parsed_for_test(specs)).expect("valid project")
    }

    const NAME: &str = "[fields.name]\ntype = \"str\"\n";

    fn optional_ref(field: &str, to: &str) -> String {
        format!("[fields.{field}]\ntype = \"ref\"\nto = \"{to}\"\noptional = true\n")
    }

    fn required_ref(field: &str, to: &str) -> String {
        format!("[fields.{field}]\ntype = \"ref\"\nto = \"{to}\"\n")
    }

    #[test]
    fn payloads_fill_refs_without_making_rows_of_their_own_domain() {
        // team -> player (optional), player -> team (required), team -> team.
        let team = format!(
            "{NAME}{}{}",
            optional_ref("captain_id", "player"),
            optional_ref("parent_id", "team")
        );
        let player = format!("{NAME}{}", required_ref("team_id", "team"));
        let league = format!("{NAME}{}", optional_ref("champion_id", "team"));
        let all = project(&[("team", &team), ("player", &player), ("league", &league)]);
        let (team, player, league) = (&all["team"], &all["player"], &all["league"]);
        // A player row needs a team row: team's payload leaves captain_id out.
        assert!(!fills(&all, team, "player", false));
        // Self-references are left out too.
        assert!(!fills(&all, team, "team", false));
        // Required refs are always filled; optional ones without a way back are.
        assert!(fills(&all, player, "team", true));
        assert!(fills(&all, league, "team", false));
        let mut made = BTreeSet::new();
        minimal_closure(&all, "player", &mut made);
        assert_eq!(made, BTreeSet::from(["player".to_owned(), "team".to_owned()]));
    }

    #[test]
    fn rows_need_create_all_the_way_down() {
        let read_only = format!("{NAME}[api]\noperations = [\"list\", \"get\"]\n");
        let child = format!("{NAME}{}", required_ref("parent_id", "archive"));
        let grandchild = format!("{NAME}{}", required_ref("child_id", "child"));
        let all = project(&[("archive", &read_only), ("child", &child), ("grandchild", &grandchild)]);
        assert!(!creatable(&all, "archive"));
        assert!(!creatable(&all, "child"));
        assert!(!creatable(&all, "grandchild"));
        assert!(!fills(&all, &all["grandchild"], "child", true));
    }
}
