//! The API test module of one domain (docs/design.md §9): which rows its
//! tests make, the payloads and case tables they send, and the tests the
//! spec calls for. The values of each field come from `test_values`.

use std::collections::BTreeSet;

use askama::Template;

use super::domain::{View, ops_of};
use super::expr::{Expr, MAX_LINE, held_open};
use super::fields::{FieldView, kwarg};
use super::imports::Imports;
use super::py;
use super::test_values;
use crate::sections::stamp;
use crate::spec::{Dependency, Domain, Domains, FieldKind, FileKind, OnDelete, Operation};

/// A referenced domain as the tests of a referencing domain see it.
#[derive(Debug, Clone)]
pub struct RefTarget {
    pub snake: String,
    pub shouty: String,
    /// The target's generated tests can create rows (it has `create`).
    pub can_create: bool,
    pub can_delete: bool,
    pub test_module: String,
    pub url: String,
}

impl RefTarget {
    /// `TARGET_URL = "/api/v1/targets"`, held open when it does not fit in
    /// 79 columns.
    pub fn url_constant(&self) -> String {
        let one = format!("{}_URL = \"{}\"", self.shouty, self.url);
        if one.len() <= MAX_LINE {
            one
        } else {
            held_open(
                0,
                &format!("{}_URL = ", self.shouty),
                "a referenced collection",
                &py::string(&self.url),
                "",
            )
        }
    }
}

/// One ref field's `on_delete` behaviour, tested by deleting the target.
#[derive(Debug, Clone)]
pub struct RefDeleteCase {
    pub field: String,
    pub target_shouty: String,
    pub mode: OnDelete,
}

impl RefDeleteCase {
    /// What deleting the referenced row does, for the test's name.
    pub fn verb(&self) -> &'static str {
        match self.mode {
            OnDelete::Restrict => "is_refused",
            OnDelete::Cascade => "deletes_this_row",
            OnDelete::SetNull => "clears_the_field",
        }
    }

    pub fn is_refused(&self) -> bool {
        self.mode == OnDelete::Restrict
    }

    pub fn cascades(&self) -> bool {
        self.mode == OnDelete::Cascade
    }
}

/// A list constant, one item per line with a magic trailing comma.
fn py_list(name: &str, items: Vec<Expr>) -> String {
    if items.is_empty() {
        return format!("{name}: list[Any] = []");
    }
    Expr::subscript(format!("{name} = "), items).exploded().layout(0, "")
}

fn py_bool(b: bool) -> Expr {
    Expr::atom(if b { "True" } else { "False" })
}

#[derive(Template)]
#[template(path = "tests/api/test_domain.py", escape = "none")]
struct TestsTemplate<'a> {
    v: &'a View,
    imports: String,
    t: TestData,
}

/// Values of the generated API tests.
struct TestData {
    /// An id that names no row of this domain.
    missing_id: &'static str,
    /// `"field": value,` lines of the payload dicts (indent 8).
    full_payload: Vec<String>,
    minimal_payload: Vec<String>,
    /// (field, the line creating the target row) for refs the full payload
    /// sets; the minimal payload sets the required ones.
    full_refs: Vec<(String, String)>,
    minimal_refs: Vec<(String, String)>,
    malformed_ids: String,
    tables: Vec<String>,
    has_required: bool,
    has_invalid: bool,
    has_not_null: bool,
    has_nullable: bool,
    has_unique: bool,
    has_deprecated: bool,
    /// The DTO classes that hold the fields, as a tuple.
    field_dtos: String,
    has_refs: bool,
    has_sort_cases: bool,
    has_ref_sort_cases: bool,
    has_filter_cases: bool,
    has_ref_filters: bool,
    has_invalid_filters: bool,
    defaults: Vec<String>,
    /// A searchable field and the lines creating the rows of the test
    /// that `%` and `_` are taken literally.
    search_field: Option<(String, Vec<String>)>,
    /// (field, sent, expected, the line creating the row)
    decimals: Vec<(String, String, String, String)>,
    /// (field, the line creating the row, the line parsing it back)
    datetimes: Vec<(String, String, String)>,
    /// (field, the lines creating a row with its largest value)
    wide_decimals: Vec<(String, String)>,
    default_sort_case: Option<DefaultSortCase>,
    ref_deletes: Vec<RefDeleteCase>,
    ref_targets: Vec<RefTarget>,
    can_create: bool,
    /// The full payload sets at least one field.
    has_payload: bool,
    dependency_overrides: Vec<Dependency>,
}

struct DefaultSortCase {
    field: String,
    low: String,
    high: String,
    descending: bool,
}

/// A unique field with a default: the minimal payload sends it (two rows
/// left to the default would clash), so it is no test of the default.
fn unique_with_default(f: &FieldView) -> bool {
    // An optional field without a spec default has None as its literal.
    f.unique && f.test.default_json.as_deref().is_some_and(|d| d != "None")
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

/// The API test module of a domain.
pub(super) fn render_tests(v: &View, domain: &Domain, all: &Domains, api_prefix: &str) -> String {
    let pkg = &v.package;
    let o = v.ops;
    let mut imports = Imports::new(pkg);
    imports.module("pytest");
    imports.from("httpx", &["AsyncClient"]);
    imports.from("typing", &["Any"]);
    imports.from("tests.support", &["assert_error", "error_locations"]);

    // Which refs the payloads fill, and with rows created how: see `fills`.
    let mut ref_targets: Vec<RefTarget> = Vec::new();
    let mut target_of = |to: &str, imports: &mut Imports| -> RefTarget {
        let t = &all[to];
        let tops = ops_of(t);
        let s = &t.names.snake;
        let module = format!("test_{s}");
        let target = RefTarget {
            snake: s.clone(),
            shouty: t.names.shouty.clone(),
            can_create: creatable(all, to),
            can_delete: tops.delete,
            test_module: module.clone(),
            url: format!("{}/{}", api_prefix, t.names.url),
        };
        if t.names.snake != v.snake && target.can_create {
            // A module import, used only inside functions: test modules
            // whose domains reference each other import each other.
            imports.from(&v.tests_module, &[&module]);
        }
        if !ref_targets.iter().any(|r| r.snake == target.snake) {
            ref_targets.push(target.clone());
        }
        target
    };

    let mut full_payload = Vec::new();
    let mut minimal_payload = Vec::new();
    let mut full_refs = Vec::new();
    let mut minimal_refs = Vec::new();
    let can_create = creatable(all, &domain.names.snake);
    // Domains whose rows this module's factories create: their router
    // dependencies are overridden too.
    let mut created = BTreeSet::from([domain.names.snake.clone()]);
    for f in &v.fields {
        if let Some(to) = &f.ref_domain {
            if !fills(all, domain, to, !f.optional) {
                continue;
            }
            let t = target_of(to, &mut imports);
            minimal_closure(all, to, &mut created);
            // Two short lines: `module.function(` may not fit in 79 columns.
            let line = format!(
                "create = {}.create_minimal\n        row = await create(client)",
                t.test_module
            );
            full_refs.push((f.name.clone(), line.clone()));
            if f.required {
                minimal_refs.push((f.name.clone(), line));
            }
        } else if let Some(ex) = &f.test.example {
            let entry = dict_entry(8, &f.name, ex);
            full_payload.push(entry.clone());
            // A unique field with a default is sent by the minimal payload
            // too, or two minimal rows would repeat the default.
            if f.required || unique_with_default(f) {
                minimal_payload.push(entry);
            }
        }
    }
    // Every value helper; the import block keeps those the code calls.
    imports.from(
        "tests.support",
        &[
            "unique_date",
            "unique_datetime",
            "unique_decimal",
            "unique_email",
            "unique_int",
            "unique_text",
            "post_created",
        ],
    );
    imports.module("uuid");
    imports.from("itertools", &["cycle"]);

    // A ref field whose target tests cannot create rows stays out of payloads.
    let in_payload = |f: &FieldView| !f.is_ref || full_refs.iter().any(|(n, _)| *n == f.name);
    let invalid: Vec<Expr> = v
        .fields
        .iter()
        .filter(|f| in_payload(f))
        .flat_map(|f| {
            f.test
                .invalid
                .iter()
                .map(|i| Expr::tuple(vec![Expr::str(&f.name), Expr::atom(i)]))
        })
        .collect();
    // The names of the fields that pass `keep`, as string literals.
    let names_where = |keep: &dyn Fn(&FieldView) -> bool| -> Vec<Expr> {
        v.fields
            .iter()
            .filter(|f| keep(f))
            .map(|f| Expr::str(&f.name))
            .collect()
    };
    let required = names_where(&|f| f.required);
    let not_null = names_where(&|f| !f.optional && in_payload(f));
    let nullable = names_where(&|f| f.optional && in_payload(f));
    let unique = names_where(&|f| f.unique && in_payload(f));
    // The DTO classes the OpenAPI document holds: each is there only if a
    // route takes or returns it (a delete-only API documents none).
    let n = &v.names;
    let dtos = [
        (o.create, &n.request_dto),
        (o.update, &n.update_dto),
        (o.list || o.get || o.create || o.update, &n.response_dto),
    ];
    let documented_dtos: Vec<String> = dtos.into_iter().filter(|(on, _)| *on).map(|(_, d)| d.clone()).collect();
    let deprecated = if documented_dtos.is_empty() {
        Vec::new()
    } else {
        names_where(&|f| f.deprecated)
    };
    let refs: Vec<Expr> = full_refs
        .iter()
        .filter_map(|(n, _)| v.fields.iter().find(|f| f.name == *n))
        .filter_map(|f| {
            f.ref_id
                .as_ref()
                .map(|id| Expr::tuple(vec![Expr::str(&f.name), Expr::atom(test_values::missing_id(id.kind))]))
        })
        .collect();
    // Sort keys that are refs: rows of two new targets, whose ids give the
    // expected order.
    let ref_sort_cases: Vec<Expr> = domain
        .api
        .sort
        .iter()
        .filter_map(|s| {
            full_refs.iter().find(|(field, _)| field == s)?;
            let optional = v.fields.iter().any(|f| f.name == *s && f.optional);
            Some(Expr::tuple(vec![Expr::str(s), py_bool(optional)]))
        })
        .collect();
    let sort_cases: Vec<Expr> = domain
        .api
        .sort
        .iter()
        .filter_map(|s| v.fields.iter().find(|f| f.name == *s))
        .filter_map(|f| {
            f.test.sort_pair.as_ref().map(|(lo, hi)| {
                Expr::tuple(vec![
                    Expr::str(&f.name),
                    Expr::atom(lo),
                    Expr::atom(hi),
                    py_bool(f.optional),
                ])
            })
        })
        .collect();
    let filter_fields: Vec<&FieldView> = domain
        .api
        .filters
        .iter()
        .filter_map(|s| v.fields.iter().find(|f| f.name == *s))
        .collect();
    let filter_cases: Vec<Expr> = filter_fields
        .iter()
        .filter(|f| !f.is_ref && !f.unique)
        .filter_map(|f| {
            f.test
                .filter_pair
                .as_ref()
                .map(|(a, b)| Expr::tuple(vec![Expr::str(&f.name), Expr::atom(a), Expr::atom(b)]))
        })
        .collect();
    let ref_filters: Vec<Expr> = filter_fields
        .iter()
        .filter(|f| f.is_ref && full_refs.iter().any(|(n, _)| *n == f.name))
        .map(|f| Expr::str(&f.name))
        .collect();
    let invalid_filters: Vec<Expr> = filter_fields
        .iter()
        .flat_map(|f| {
            f.test
                .invalid_filters
                .iter()
                .map(|i| Expr::tuple(vec![Expr::str(&f.name), Expr::atom(i)]))
        })
        .collect();

    let search_fields: Vec<&String> = v
        .search
        .iter()
        .filter(|s| v.fields.iter().any(|f| f.name == **s && f.test.searchable_text))
        .collect();
    let search_literals: Vec<Expr> = if can_create && o.list {
        search_fields.iter().map(|s| Expr::str(s)).collect()
    } else {
        Vec::new()
    };
    // Every field `q` searches, for the test that wildcards are literal.
    let searched: Vec<Expr> = if search_fields.is_empty() || !can_create || !o.list {
        Vec::new()
    } else {
        v.search.iter().map(|s| Expr::str(s)).collect()
    };
    let mut tables = Vec::new();
    let flags = [
        ("INVALID_VALUES", &invalid),
        ("REQUIRED_FIELDS", &required),
        ("NOT_NULL_FIELDS", &not_null),
        ("NULLABLE_FIELDS", &nullable),
        ("UNIQUE_FIELDS", &unique),
        ("DEPRECATED_FIELDS", &deprecated),
        ("REF_FIELDS", &refs),
        ("SORT_CASES", &sort_cases),
        ("REF_SORT_CASES", &ref_sort_cases),
        ("FILTER_CASES", &filter_cases),
        ("REF_FILTERS", &ref_filters),
        ("INVALID_FILTERS", &invalid_filters),
        ("SEARCH_FIELDS", &search_literals),
        ("SEARCHED_FIELDS", &searched),
    ];
    for (name, items) in flags {
        if !items.is_empty() {
            tables.push(py_list(name, items.clone()));
        }
    }
    for (constant, values) in v.fields.iter().filter_map(|f| f.test.pool.as_ref()) {
        let list = Expr::list(values.iter().map(Expr::atom).collect()).exploded();
        tables.push(
            Expr::call(format!("{constant} = cycle"), vec![list])
                .exploded()
                .layout(0, ""),
        );
    }

    // `"field": default,` entries: a dict keeps long names and values in a
    // layout every line length formats the same.
    let defaults: Vec<String> = v
        .fields
        .iter()
        .filter(|f| !f.required && !unique_with_default(f))
        .filter_map(|f| {
            f.test
                .default_json
                .as_ref()
                .map(|d| dict_entry(8, &f.name, &Expr::atom(d)))
        })
        .collect();
    // Quantizing: "7.5" comes back with exactly `places` decimals.
    let decimals = v
        .fields
        .iter()
        .filter_map(|f| f.is_decimal.filter(|places| *places >= 1).map(|places| (f, places)))
        .filter(|(f, _)| domain.field(&f.name).is_some_and(|spec| decimal_fits(spec, 7.5)))
        .map(|(f, places)| {
            (
                f.name.clone(),
                py::string("7.5"),
                py::string(&format!("{:.*}", places as usize, 7.5)),
                create_row_line("created = ", &f.name, &py::string("7.5")),
            )
        })
        .collect();
    // More digits than Python's default decimal context holds (28).
    let wide_decimals: Vec<(String, String)> = domain
        .fields
        .iter()
        .filter_map(|f| match &f.kind {
            FieldKind::Decimal {
                max_digits,
                decimal_places,
                bounds,
            } if *max_digits > 28 && bounds.le.is_none() && bounds.lt.is_none() => {
                let mut value = format!("\"9\" * {}", max_digits - decimal_places);
                if *decimal_places > 0 {
                    value.push_str(&format!(" + \".\" + \"9\" * {decimal_places}"));
                }
                Some((f.name.clone(), value))
            }
            _ => None,
        })
        .map(|(name, value)| {
            let line = create_row_line("created = ", &name, "value");
            (name, format!("value = {value}\n    {line}"))
        })
        .collect();
    let datetimes = v
        .fields
        .iter()
        .filter(|f| f.is_datetime)
        .map(|f| {
            (
                f.name.clone(),
                create_row_line("created = ", &f.name, "sent"),
                Expr::call(
                    "stored = datetime.fromisoformat",
                    vec![Expr::atom(format!("body[{}]", py::string(&f.name)))],
                )
                .layout(8, ""),
            )
        })
        .collect::<Vec<_>>();
    if !datetimes.is_empty() && can_create && o.create {
        imports.from("datetime", &["UTC", "datetime"]);
    }
    let default_sort_case = {
        let col = &domain.api.default_sort.column;
        v.fields.iter().find(|f| f.name == *col).and_then(|f| {
            f.test.sort_pair.as_ref().map(|(lo, hi)| DefaultSortCase {
                field: f.name.clone(),
                low: lo.clone(),
                high: hi.clone(),
                descending: domain.api.default_sort.descending,
            })
        })
    };
    let mut ref_deletes = Vec::new();
    for f in &v.fields {
        if let (Some(to), Some(mode)) = (&f.ref_domain, f.on_delete)
            && full_refs.iter().any(|(n, _)| *n == f.name)
        {
            let t = target_of(to, &mut imports);
            if t.can_delete {
                ref_deletes.push(RefDeleteCase {
                    field: f.name.clone(),
                    target_shouty: t.shouty.clone(),
                    mode,
                });
            }
        }
    }
    let mut dependency_overrides: Vec<Dependency> = Vec::new();
    for name in &created {
        for d in &all[name.as_str()].api.dependencies {
            if !dependency_overrides
                .iter()
                .any(|o| o.name == d.name && o.module == d.module)
            {
                dependency_overrides.push(d.clone());
            }
        }
    }
    for d in &dependency_overrides {
        imports.from(&d.module, &[&d.name]);
    }
    if !dependency_overrides.is_empty() {
        imports.from(&format!("{pkg}.main"), &["app"]);
        imports.from("collections.abc", &["Iterator"]);
    }
    let uses_send_json = !invalid.is_empty() && can_create;
    if uses_send_json {
        imports.from("tests.support", &["send_json"]);
    }
    if can_create && o.list {
        imports.from("tests.support", &["list_ids"]);
    }
    // Without the create helpers, the constants follow a function.
    if !can_create && let Some(first) = tables.first_mut() {
        first.insert_str(0, "\n\n");
    }
    let has_payload = !full_payload.is_empty() || !full_refs.is_empty();
    let t = TestData {
        missing_id: test_values::missing_id(domain.id),
        has_required: !required.is_empty(),
        has_invalid: !invalid.is_empty(),
        has_not_null: !not_null.is_empty(),
        has_nullable: !nullable.is_empty(),
        has_unique: !unique.is_empty(),
        has_deprecated: !deprecated.is_empty(),
        field_dtos: super::domain::py_tuple(&documented_dtos),
        has_refs: !refs.is_empty(),
        has_sort_cases: !sort_cases.is_empty(),
        has_ref_sort_cases: !ref_sort_cases.is_empty(),
        has_filter_cases: !filter_cases.is_empty(),
        has_ref_filters: !ref_filters.is_empty(),
        has_invalid_filters: !invalid_filters.is_empty(),
        full_payload,
        minimal_payload,
        full_refs,
        minimal_refs,
        malformed_ids: py_list(
            "MALFORMED_IDS",
            test_values::malformed_ids(v.id.kind)
                .into_iter()
                .map(Expr::atom)
                .collect(),
        ),
        tables,
        defaults,
        search_field: search_fields.first().map(|s| {
            let rows = [
                ("percent = ", "100% pure"),
                ("underscore = ", "snake_case"),
                ("other = ", "100 percent snakeXcase"),
            ];
            let lines = rows
                .iter()
                .map(|(target, text)| create_row_line(target, s, &py::string(text)))
                .collect();
            ((*s).clone(), lines)
        }),
        decimals,
        datetimes,
        wide_decimals,
        default_sort_case,
        ref_deletes,
        ref_targets,
        has_payload,
        can_create,
        dependency_overrides,
    };
    stamp(super::finish_with_imports(&imports, |imports| {
        super::finish(TestsTemplate { v, imports, t })
    }))
}

/// `<target>await create_row(client, field=value)` at indent 4, exploded
/// when it does not fit.
fn create_row_line(target: &str, field: &str, value: &str) -> String {
    let args = vec![Expr::atom("client"), kwarg(field, value)];
    Expr::call(format!("{target}await create_row"), args).layout(4, "")
}

/// `"key": value,` at `indent`. A value too long for the line is exploded
/// at its outer brackets as ruff would at 79 columns, with a magic trailing
/// comma that keeps it so at any line length.
fn dict_entry(indent: usize, key: &str, value: &Expr) -> String {
    Expr::entry(key, value.clone()).layout(indent, ",")
}

fn decimal_fits(f: &crate::spec::Field, value: f64) -> bool {
    match &f.kind {
        FieldKind::Decimal {
            bounds,
            max_digits,
            decimal_places,
        } => max_digits - decimal_places >= 1 && bounds.contains(value),
        _ => false,
    }
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
