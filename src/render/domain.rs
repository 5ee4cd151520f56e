//! The six files of one domain (docs/design.md §2), from askama templates named
//! after their outputs. Everything a template prints is computed here.

use std::collections::BTreeSet;

use askama::Template;

use super::expr::{Expr, MAX_LINE, held_open, write_exploded};
use super::fields::{Decl, EnumView, FieldImports, FieldView, FilterView, IdType, field_view, filter_view, kwarg};
use super::imports::Imports;
use super::py;
use super::test_values;
use crate::config::ProjectConfig;
use crate::layout;
use crate::names::Identifiers;
use crate::plan::Plan;
use crate::sections::stamp;
use crate::spec::{Dependency, Domain, Domains, FieldKind, FileKind, IdKind, OnDelete, Operation};

/// A referenced domain as the tests of a referencing domain see it.
#[derive(Debug, Clone)]
pub struct RefTarget {
    pub snake: String,
    pub shouty: String,
    pub missing_id: String,
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

/// Everything the domain templates print, computed once.
#[derive(Debug, Clone)]
pub struct View {
    pub package: String,
    /// The classes and functions the domain's code defines.
    pub names: Identifiers,
    pub spec_path: String,
    pub snake: String,
    pub class: String,
    pub plural: String,
    pub plural_words: String,
    /// `art fair`, `an art fair`, `An art fair`: for docstrings.
    pub words: String,
    pub a_words: String,
    pub a_words_cap: String,
    pub prefix: String,
    pub tag: String,
    pub doc: String,
    pub article: &'static str,
    pub id: IdType,
    pub id_param: String,
    pub timestamps: bool,
    pub fields: Vec<FieldView>,
    pub enums: Vec<EnumView>,
    pub model_id: Decl,
    pub response_id: Decl,
    pub filters: Vec<FilterView>,
    pub search: Vec<String>,
    pub search_words: String,
    pub sort_keys: Vec<String>,
    pub default_sort: String,
    /// The list's default order is newest first (`-created_at`).
    pub newest_first: bool,
    pub unique: Vec<String>,
    /// (field, referenced domain, its repository class) of each ref.
    pub refs: Vec<(String, String, String)>,
    pub page_size: u32,
    pub max_page_size: u32,
    pub dependencies: Vec<Dependency>,
    pub ops: Ops,
    pub tests_module: String,
}

#[derive(Debug, Clone, Copy)]
pub struct Ops {
    pub list: bool,
    pub get: bool,
    pub create: bool,
    pub update: bool,
    pub delete: bool,
}

impl Ops {
    pub fn item(&self) -> bool {
        self.get || self.update || self.delete
    }
}

/// A tuple of strings as a class attribute: two or more are exploded.
fn py_tuple(items: &[String]) -> String {
    let tuple = Expr::tuple(items.iter().map(|i| Expr::str(i)).collect());
    match items {
        [] | [_] => tuple.flat(),
        _ => tuple.exploded().layout(4, ""),
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

fn ops_of(d: &Domain) -> Ops {
    Ops {
        list: d.api.has(Operation::List),
        get: d.api.has(Operation::Get),
        create: d.api.has(Operation::Create),
        update: d.api.has(Operation::Update),
        delete: d.api.has(Operation::Delete),
    }
}

/// Imports shared by the field code of the model and the DTOs.
pub struct FieldCode {
    pub fields: Vec<FieldView>,
    pub model_imports: Imports,
    pub dto_imports: Imports,
    pub response_imports: Imports,
}

pub fn field_code(config: &ProjectConfig, domain: &Domain, all: &Domains) -> FieldCode {
    let pkg = &config.package;
    let mut model_imports = Imports::new(pkg);
    let mut dto_imports = Imports::new(pkg);
    let mut response_imports = Imports::new(pkg);
    let fields = domain
        .fields
        .iter()
        .map(|f| {
            let mut imp = FieldImports {
                model: &mut model_imports,
                dtos: &mut dto_imports,
                response: &mut response_imports,
                package: pkg,
            };
            field_view(domain, all, f, &mut imp)
        })
        .collect();
    FieldCode {
        fields,
        model_imports,
        dto_imports,
        response_imports,
    }
}

impl View {
    pub fn new(config: &ProjectConfig, domain: &Domain, all: &Domains, fields: Vec<FieldView>) -> Self {
        let n = &domain.names;
        let id = IdType::of(domain.id);
        let id_desc = match domain.id {
            IdKind::Str => "Unique id (UUID4 text).",
            IdKind::Uuid => "Unique id (UUID4).",
            IdKind::Int => "Unique id (assigned by the database).",
        };
        let description = kwarg("description", py::string(id_desc));
        let (annotation, value) = match domain.id {
            IdKind::Str => ("str", kwarg("default_factory", "new_str_id")),
            IdKind::Uuid => ("uuid.UUID", kwarg("default_factory", "uuid.uuid4")),
            IdKind::Int => ("int | None", kwarg("default", "None")),
        };
        let mut kwargs = vec![value, kwarg("primary_key", "True")];
        if domain.id == IdKind::Str {
            kwargs.push(kwarg("max_length", "36"));
        }
        kwargs.push(description.clone());
        let model_id = Decl {
            name: "id".into(),
            annotation: Expr::atom(annotation),
            kwargs,
        };
        let response_id = Decl {
            name: "id".into(),
            annotation: Expr::atom(id.python),
            kwargs: vec![description],
        };
        let mut sort_keys: Vec<String> = domain.api.sort.clone();
        if !sort_keys.contains(&domain.api.default_sort.column) {
            sort_keys.push(domain.api.default_sort.column.clone());
        }
        let default_sort = format!(
            "{}{}",
            if domain.api.default_sort.descending { "-" } else { "" },
            domain.api.default_sort.column
        );
        let refs = domain
            .fields
            .iter()
            .filter_map(|f| match &f.kind {
                FieldKind::Ref { to, .. } => {
                    Some((f.name.clone(), to.clone(), Identifiers::new(&all[to].names).repository))
                }
                _ => None,
            })
            .collect();
        let search_words = match domain.api.search.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            many => format!("{} and {}", many[..many.len() - 1].join(", "), many[many.len() - 1]),
        };
        let enums = fields.iter().filter_map(|f| f.enum_view.clone()).collect();
        Self {
            package: config.package.clone(),
            names: Identifiers::new(n),
            spec_path: domain.spec_path.clone(),
            snake: n.snake.clone(),
            class: n.class.clone(),
            plural: n.plural.clone(),
            plural_words: py::words(&n.plural),
            words: py::words(&n.snake),
            a_words: format!("{} {}", py::article(&n.snake), py::words(&n.snake)),
            a_words_cap: super::fields::capitalize(&format!("{} {}", py::article(&n.snake), py::words(&n.snake))),
            prefix: format!("{}/{}", config.api_prefix, n.url),
            tag: n.url.clone(),
            doc: py::doc(
                domain
                    .description
                    .as_deref()
                    .unwrap_or(&format!("{} records", super::fields::capitalize(&py::words(&n.snake)))),
            ),
            article: py::article(&n.snake),
            id_param: format!("{}_id", n.snake),
            id,
            timestamps: domain.timestamps,
            fields,
            enums,
            model_id,
            response_id,
            filters: Vec::new(),
            search: domain.api.search.clone(),
            search_words,
            sort_keys,
            default_sort,
            newest_first: domain.api.default_sort.column == "created_at" && domain.api.default_sort.descending,
            unique: domain
                .fields
                .iter()
                .filter(|f| f.unique)
                .map(|f| f.name.clone())
                .collect(),
            refs,
            page_size: domain.api.page_size,
            max_page_size: domain.api.max_page_size,
            dependencies: domain.api.dependencies.clone(),
            ops: ops_of(domain),
            tests_module: config.tests.replace('/', "."),
        }
    }

    /// `class XRepository(BaseRepository[X]):`, with the base on its own
    /// line when the name is long.
    pub fn class_line(&self, name: &str, base: &str, of: &str) -> String {
        Expr::call(format!("class {name}"), vec![format!("{base}[{of}]").into()]).layout(0, ":")
    }

    /// `self._repository = XRepository(session)`, exploded when it does not fit.
    pub fn repository_init(&self) -> String {
        Expr::call(
            format!("self._repository = {}", self.names.repository),
            vec!["session".into()],
        )
        .layout(8, "")
    }

    /// The row a service's create method adds, as the argument of
    /// `self._repository.add(...)` (with the timestamps) or as the whole
    /// statement (without).
    pub fn new_row(&self) -> String {
        if self.timestamps {
            Expr::call(
                &self.class,
                vec![
                    "**values".into(),
                    kwarg("created_at", "now"),
                    kwarg("updated_at", "now"),
                ],
            )
            .layout(12, ",")
        } else {
            Expr::call(
                "row = self._repository.add",
                vec![format!("{}(**values)", self.class).into()],
            )
            .layout(8, "")
        }
    }

    /// `return XResponseDto.from_model(row)` in a service method.
    pub fn return_response(&self) -> String {
        Expr::call(
            format!("return {}.from_model", self.names.response_dto),
            vec!["row".into()],
        )
        .layout(8, "")
    }

    /// A router's call of its service, e.g. `return await service.get_x(id)`,
    /// exploded when it does not fit. `args` are `id` and/or `dto`.
    pub fn service_call(&self, prefix: &str, method: &str, args: &[&str]) -> String {
        let args = args
            .iter()
            .map(|a| {
                if *a == "id" {
                    Expr::atom(&self.id_param)
                } else {
                    Expr::atom(*a)
                }
            })
            .collect();
        Expr::call(format!("{prefix}service.{method}"), args).layout(4, "")
    }

    /// The function names of the operations the spec has, in the order
    /// list, create, get, update, delete.
    pub fn operation_names(&self) -> Vec<&str> {
        let (o, n) = (self.ops, &self.names);
        let all = [
            (o.list, &n.list),
            (o.create, &n.create),
            (o.get, &n.get),
            (o.update, &n.update),
            (o.delete, &n.delete),
        ];
        all.into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| name.as_str())
            .collect()
    }

    /// `list, get, create, update, delete` (those the spec has).
    pub fn operation_list(&self) -> String {
        let o = self.ops;
        let all = [
            ("list", o.list),
            ("get", o.get),
            ("create", o.create),
            ("update", o.update),
            ("delete", o.delete),
        ];
        all.iter()
            .filter(|(_, on)| *on)
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Which DTOs the module has, for its docstring.
    pub fn dto_list(&self) -> String {
        let mut parts = Vec::new();
        if self.ops.create {
            parts.push("create");
        }
        if self.ops.update {
            parts.push("partial update");
        }
        parts.extend(["response", "page"]);
        parts.join(", ")
    }

    /// The page size of the paging test: 2, or less when `max_page_size` is.
    pub fn page_test_limit(&self) -> u32 {
        self.max_page_size.min(2)
    }

    pub fn sorts_by_created_at(&self) -> bool {
        self.sort_keys.iter().any(|k| k == "created_at")
    }

    pub fn py_str(&self, s: &str) -> String {
        py::string(s)
    }

    pub fn tuple(&self, items: &[String]) -> String {
        py_tuple(items)
    }

    pub fn header_whole(&self) -> String {
        layout::header(&self.spec_path, &self.snake, false)
    }

    pub fn header_sectioned(&self) -> String {
        layout::header(&self.spec_path, &self.snake, true)
    }
}

/// Renders one declaration the way ruff formats it (exploded kwargs) at
/// every supported line length. `name: type = Field(` must fit in 79
/// columns, or ruff lays the statement out differently at each length.
/// When it does not:
/// - a type that is `Annotated[...]` is exploded one element a line before
///   `] = Field(`, which means exactly what the one-line form did (pydantic
///   applies the assigned `Field`'s constraints before the other metadata);
/// - any other type (a long enum class) becomes `Annotated[type,
///   Field(...)]` with the default assigned after it (and `Annotated` joins
///   `imports`); those declarations carry no constraints whose order could
///   matter, only descriptions and column settings.
pub fn decl(d: &Decl, indent: usize, imports: &mut Imports) -> String {
    let annotation = d.annotation.flat();
    let mut s = String::with_capacity(64 * (d.kwargs.len() + 1));
    s.extend(std::iter::repeat_n(' ', indent));
    s.push_str(&d.name);
    s.push_str(": ");
    if d.kwargs.is_empty() {
        s.push_str(&annotation);
        return s;
    }
    let first_line = indent + d.name.len() + ": ".len() + annotation.len() + " = Field(".len();
    if first_line <= MAX_LINE {
        s.push_str(&annotation);
    } else if let Some(items) = d.annotation.items_of("Annotated") {
        write_exploded(&mut s, ("Annotated", "[", "]"), items, indent, "");
    } else {
        imports.from("typing", &["Annotated"]);
        return annotated_decl(s, d, indent);
    }
    write_exploded(&mut s, (" = Field", "(", ")"), &d.kwargs, indent, "");
    s
}

/// `head` (`<pad>name: `) completed as `Annotated[type, Field(...)]`, with
/// the `default=` kwarg assigned after it (pydantic and SQLModel read every
/// other kwarg from the `Field` inside `Annotated`).
fn annotated_decl(mut s: String, d: &Decl, indent: usize) -> String {
    let is_default = |k: &&Expr| k.keyword() == Some("default");
    let default = d.kwargs.iter().find(is_default).map(|k| k.value().flat());
    let kwargs = d.kwargs.iter().filter(|k| !is_default(k)).cloned().collect();
    let field = Expr::call("Field", kwargs).exploded();
    let annotated = Expr::subscript("Annotated", vec![d.annotation.clone(), field]).exploded();
    s.push_str(&annotated.layout(indent, ""));
    if let Some(value) = default {
        s.push_str(" = ");
        s.push_str(&value);
    }
    s
}

#[derive(Template)]
#[template(path = "domain/model.py", escape = "none")]
struct ModelTemplate<'a> {
    v: &'a View,
    imports: String,
    declarations: Vec<String>,
}

#[derive(Template)]
#[template(path = "dtos/domain.py", escape = "none")]
struct DtosTemplate<'a> {
    v: &'a View,
    imports: String,
    sort_literal: String,
    request: Vec<String>,
    update: Vec<String>,
    response: Vec<String>,
}

#[derive(Template)]
#[template(path = "domain/repository.py", escape = "none")]
struct RepositoryTemplate<'a> {
    v: &'a View,
    imports: String,
    filter_fields: String,
    search_fields: String,
    sort_fields: String,
    unique_fields: String,
}

#[derive(Template)]
#[template(path = "domain/service.py", escape = "none")]
struct ServiceTemplate<'a> {
    v: &'a View,
    imports: String,
    /// (field, repository class) per ref field
    ref_checks: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "api/v1/routers/domain.py", escape = "none")]
struct RouterTemplate<'a> {
    v: &'a View,
    imports: String,
    router_args: String,
    list_params: Vec<String>,
    create_responses: String,
    item_routes: Vec<ItemRoute>,
}

/// `responses=` of the item routes, as Python dict literals.
/// A route on `/{id}`: get, update or delete.
struct ItemRoute {
    /// `get`, `patch` or `delete` (the `router` method).
    method: &'static str,
    /// The function and its operation id.
    name: String,
    status: Option<u16>,
    response_model: Option<String>,
    responses: String,
    /// The body's DTO class, for update.
    dto: Option<String>,
    session: &'static str,
    returns: String,
    doc: String,
    /// The line that calls the service.
    call: String,
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

/// Where a domain's file of `kind` lives; None for tests when the project
/// generates none.
/// The plan of one domain's files (those not handed over with `[files]`).
pub fn plan(config: &ProjectConfig, domain: &Domain, all: &Domains) -> Plan {
    let mut plan = Plan::default();
    let pkg = &config.package;
    let FieldCode {
        fields,
        model_imports,
        dto_imports,
        response_imports,
    } = field_code(config, domain, all);
    let mut view = View::new(config, domain, all, fields);
    let mut router_imports = Imports::new(pkg);
    let mut service_imports = Imports::new(pkg);
    view.filters = domain
        .api
        .filters
        .iter()
        .filter_map(|name| domain.field(name))
        .map(|f| filter_view(f, all, domain, &mut router_imports, &mut service_imports, pkg))
        .collect();

    plan.once(
        layout::domain_init(config, &domain.names.snake),
        format!("\"\"\"{} domain: {}\"\"\"\n", view.class, view.doc),
    );
    // A file is rendered only when scaffold generates it and it has a place.
    let wanted = |kind: FileKind| {
        if domain.generates(kind) {
            layout::domain_file(config, &domain.names.snake, kind)
        } else {
            None
        }
    };
    if let Some(path) = wanted(FileKind::Model) {
        plan.generated(path, render_model(&view, model_imports));
    }
    if let Some(path) = wanted(FileKind::Dtos) {
        plan.generated(path, render_dtos(&view, dto_imports, response_imports));
    }
    if let Some(path) = wanted(FileKind::Repository) {
        plan.generated(path, render_repository(&view, domain));
    }
    if let Some(path) = wanted(FileKind::Service) {
        plan.generated(path, render_service(&view, service_imports));
    }
    if let Some(path) = wanted(FileKind::Router) {
        plan.generated(path, render_router(&view, router_imports));
    }
    if let Some(path) = wanted(FileKind::Tests) {
        plan.generated(path, render_tests(&view, domain, all, &config.api_prefix));
    }
    plan
}

fn render_model(v: &View, mut imports: Imports) -> String {
    let pkg = &v.package;
    imports.from("sqlmodel", &["Field", "SQLModel"]);
    match v.id.kind {
        IdKind::Str => {
            imports.from(&format!("{pkg}.utils"), &["new_str_id"]);
        }
        IdKind::Uuid => {
            imports.module("uuid");
        }
        IdKind::Int => {}
    }
    if v.timestamps {
        imports.from("datetime", &["datetime"]);
        imports.from(&format!("{pkg}.db.types"), &["UtcDateTime"]);
        imports.from(&format!("{pkg}.utils"), &["utc_now"]);
    }
    let mut declarations = vec![decl(&v.model_id, 4, &mut imports)];
    declarations.extend(v.fields.iter().map(|f| decl(&f.model, 4, &mut imports)));
    let column = [kwarg("default_factory", "utc_now"), kwarg("sa_type", "UtcDateTime")];
    for timestamp in timestamps(v, &column) {
        declarations.push(decl(&timestamp, 4, &mut imports));
    }
    stamp(super::finish_with_imports(&imports, |imports| {
        super::finish(ModelTemplate {
            v,
            imports,
            declarations,
        })
    }))
}

/// `created_at` and `updated_at`, if the domain has them: `kwargs` then
/// the description.
fn timestamps(v: &View, kwargs: &[Expr]) -> Vec<Decl> {
    let both = [("created_at", "created"), ("updated_at", "last changed")];
    let fields = if v.timestamps { &both[..] } else { &[] };
    fields
        .iter()
        .map(|(name, what)| {
            let mut kwargs = kwargs.to_vec();
            kwargs.push(kwarg("description", format!("\"When the row was {what} (UTC).\"")));
            Decl {
                name: (*name).into(),
                annotation: "datetime".into(),
                kwargs,
            }
        })
        .collect()
}

fn render_dtos(v: &View, input: Imports, mut imports: Imports) -> String {
    let pkg = &v.package;
    if v.ops.create || v.ops.update {
        imports.merge(&input);
    }
    if v.ops.update && v.fields.iter().any(|f| !f.optional) {
        imports.from(&format!("{pkg}.dtos.shared"), &["NotNull"]);
    }
    imports.from("pydantic", &["BaseModel", "ConfigDict", "Field"]);
    imports.from("typing", &["Literal", "Self"]);
    imports.from(&format!("{pkg}.dtos.shared"), &["PageDto"]);
    let model_module = format!("{pkg}.domain.{}.model", v.snake);
    imports.from(&model_module, &[&v.class]);
    for e in &v.enums {
        imports.from(&model_module, &[&e.class]);
    }
    v.id.add_python_import(&mut imports);
    if v.timestamps {
        imports.from("datetime", &["datetime"]);
    }
    let mut keys = Vec::new();
    for k in &v.sort_keys {
        keys.push(Expr::str(k));
        keys.push(Expr::str(&format!("-{k}")));
    }
    let sort_literal = Expr::subscript(format!("{} = Literal", v.names.sort_key), keys)
        .exploded()
        .layout(0, "");
    let mut response = vec![decl(&v.response_id, 4, &mut imports)];
    response.extend(v.fields.iter().map(|f| decl(&f.response, 4, &mut imports)));
    for timestamp in timestamps(v, &[]) {
        response.push(decl(&timestamp, 4, &mut imports));
    }
    let request = v.fields.iter().map(|f| decl(&f.request, 4, &mut imports)).collect();
    let update = v.fields.iter().map(|f| decl(&f.update, 4, &mut imports)).collect();
    stamp(super::finish_with_imports(&imports, |imports| {
        super::finish(DtosTemplate {
            v,
            imports,
            sort_literal,
            request,
            update,
            response,
        })
    }))
}

fn render_repository(v: &View, domain: &Domain) -> String {
    let pkg = &v.package;
    let mut imports = Imports::new(pkg);
    imports.from("sqlmodel.ext.asyncio.session", &["AsyncSession"]);
    imports.from(&format!("{pkg}.domain.{}.model", v.snake), &[&v.class]);
    imports.from(&format!("{pkg}.domain.shared.base_repository"), &["BaseRepository"]);
    stamp(super::finish_with_imports(&imports, |imports| {
        super::finish(RepositoryTemplate {
            v,
            imports,
            filter_fields: py_tuple(&domain.api.filters),
            search_fields: py_tuple(&domain.api.search),
            sort_fields: py_tuple(&v.sort_keys),
            unique_fields: py_tuple(&v.unique),
        })
    }))
}

fn render_service(v: &View, mut imports: Imports) -> String {
    let pkg = &v.package;
    // Every name the service may use; the import block keeps those it does.
    imports.from("sqlmodel.ext.asyncio.session", &["AsyncSession"]);
    imports.from("collections.abc", &["Mapping"]);
    imports.from("typing", &["Any"]);
    let module = |layer: &str| format!("{pkg}.{layer}");
    let own = |layer: &str| format!("{pkg}.domain.{}.{layer}", v.snake);
    imports.from(&own("repository"), &[&v.names.repository]);
    imports.from(&own("model"), &[&v.class]);
    let n = &v.names;
    let dtos = [&n.request_dto, &n.update_dto, &n.page_dto, &n.response_dto];
    imports.from(&module(&format!("dtos.{}", v.snake)), &dtos.map(String::as_str));
    imports.from(&module("utils"), &["utc_now"]);
    imports.from(&module("error"), &["NotFoundError", "ConflictError"]);
    imports.from(&module("domain.shared.service"), &["commit", "ensure_exists"]);
    for (_, to, repository) in &v.refs {
        if *to != v.snake {
            imports.from(&module(&format!("domain.{to}.repository")), &[repository]);
        }
    }
    let writes = v.ops.create || v.ops.update;
    let ref_checks = if writes {
        v.refs
            .iter()
            .map(|(field, _, repository)| (field.clone(), repository.clone()))
            .collect()
    } else {
        Vec::new()
    };
    v.id.add_python_import(&mut imports);
    stamp(super::finish_with_imports(&imports, |imports| {
        super::finish(ServiceTemplate { v, imports, ref_checks })
    }))
}

fn render_router(v: &View, mut imports: Imports) -> String {
    let pkg = &v.package;
    let o = v.ops;
    let shared = format!("{pkg}.api.shared");
    // Every name the router may use; the import block keeps those it does.
    imports.from("typing", &["Annotated"]);
    imports.from("fastapi", &["APIRouter", "Query", "Response", "Path", "Depends"]);
    let names = [
        "VALIDATION_ERROR",
        "ReadSession",
        "WriteSession",
        "Offset",
        "Search",
        "NOT_FOUND",
        "CONFLICT",
        "UNAUTHORIZED",
        "FORBIDDEN",
    ];
    imports.from(&shared, &names);
    imports.from(&format!("{pkg}.domain.{}.service", v.snake), &[&v.names.service]);
    let n = &v.names;
    let dtos = [&n.page_dto, &n.sort_key, &n.response_dto, &n.request_dto, &n.update_dto];
    imports.from(&format!("{pkg}.dtos.{}", v.snake), &dtos.map(String::as_str));
    v.id.add_param_import(&mut imports, pkg);
    for d in &v.dependencies {
        imports.from(&d.module, &[&d.name]);
    }
    // Unique clashes are 409; a missing referenced row is 422.
    let conflict = |op: bool| op && !v.unique.is_empty();
    let mut responses = vec!["422: VALIDATION_ERROR".to_owned()];
    if !v.dependencies.is_empty() {
        responses.insert(0, "401: UNAUTHORIZED".into());
        responses.insert(1, "403: FORBIDDEN".into());
    }
    let mut args = vec![
        format!("prefix={}", py::string(&v.prefix)),
        format!("tags=[{}]", py::string(&v.tag)),
    ];
    if !v.dependencies.is_empty() {
        let deps: Vec<String> = v.dependencies.iter().map(|d| format!("Depends({})", d.name)).collect();
        args.push(format!("dependencies=[{}]", deps.join(", ")));
    }
    args.push(format!("responses={{{}}}", responses.join(", ")));
    let mut router_args = String::new();
    for a in &args {
        router_args.push_str("    ");
        router_args.push_str(a);
        router_args.push_str(",\n");
    }
    let mut list_params = Vec::new();
    for f in &v.filters {
        let mut kwargs = f.query_kwargs.clone();
        if f.param != f.name {
            kwargs.insert(0, kwarg("alias", py::string(&f.name)));
        }
        let items = vec![
            Expr::atom(format!("{} | None", f.param_type)),
            Expr::call("Query", kwargs),
        ];
        let param = Expr::subscript(format!("{}: Annotated", f.param), items).exploded();
        list_params.push(format!("    {}", param.layout(4, " = None,")));
    }
    let dict = |entries: &[&str]| format!("{{{}}}", entries.join(", "));
    let c = |op: bool| if conflict(op) { vec!["409: CONFLICT"] } else { vec![] };
    let create_responses = if conflict(o.create) {
        format!("    responses={},\n", dict(&c(o.create)))
    } else {
        String::new()
    };
    let n = &v.names;
    let returned = |name: &str| ItemRoute {
        method: "get",
        name: name.to_owned(),
        status: None,
        response_model: Some(n.response_dto.clone()),
        responses: dict(&["404: NOT_FOUND"]),
        dto: None,
        session: "ReadSession",
        returns: n.response_dto.clone(),
        doc: String::new(),
        call: v.service_call("return await ", name, &["id"]),
    };
    let mut item_routes = Vec::new();
    if o.get {
        item_routes.push(ItemRoute {
            doc: format!("The {} with this id.", v.words),
            ..returned(&n.get)
        });
    }
    if o.update {
        item_routes.push(ItemRoute {
            method: "patch",
            responses: dict(&[&["404: NOT_FOUND"][..], &c(o.update)].concat()),
            dto: Some(n.update_dto.clone()),
            session: "WriteSession",
            doc: "Change the fields sent; null clears an optional field.".to_owned(),
            call: v.service_call("return await ", &n.update, &["id", "dto"]),
            ..returned(&n.update)
        });
    }
    if o.delete {
        item_routes.push(ItemRoute {
            method: "delete",
            status: Some(204),
            response_model: None,
            responses: dict(&["404: NOT_FOUND", "409: CONFLICT"]),
            session: "WriteSession",
            returns: "None".to_owned(),
            doc: format!("Delete the {}; 409 while other rows still reference it.", v.words),
            call: v.service_call("await ", &n.delete, &["id"]),
            ..returned(&n.delete)
        });
    }
    stamp(super::finish_with_imports(&imports, |imports| {
        super::finish(RouterTemplate {
            v,
            imports,
            router_args,
            list_params,
            create_responses,
            item_routes,
        })
    }))
}

fn render_tests(v: &View, domain: &Domain, all: &Domains, api_prefix: &str) -> String {
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
            missing_id: test_values::missing_id(t.id).to_owned(),
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
