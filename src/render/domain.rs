//! The six files of one domain (docs/design.md §2), from askama templates named
//! after their outputs. Everything a template prints is computed here.

use askama::Template;

use super::expr::{Expr, MAX_LINE, write_exploded};
use super::fields::{Decl, EnumView, FieldImports, FieldView, FilterView, IdType, field_view, filter_view, kwarg};
use super::imports::Imports;
use super::py;
use crate::config::ProjectConfig;
use crate::layout;
use crate::names::Identifiers;
use crate::plan::Plan;
use crate::sections::stamp;
use crate::spec::{Dependency, Domain, Domains, FieldKind, FileKind, IdKind, Operation};

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
pub(super) fn py_tuple(items: &[String]) -> String {
    let tuple = Expr::tuple(items.iter().map(|i| Expr::str(i)).collect());
    match items {
        [] | [_] => tuple.flat(),
        _ => tuple.exploded().layout(4, ""),
    }
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
        plan.generated(
            path,
            super::api_tests::render_tests(&view, domain, all, &config.api_prefix),
        );
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
