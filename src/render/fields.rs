//! Per-field code: one uniform pattern per field type for the model, the
//! three DTOs, list filters, and the values the generated tests use.

use super::expr::{Expr, MAX_LINE, held_open};
use super::imports::Imports;
use super::py;
use crate::names::{enum_class, enum_type_name, foreign_key_name};
use crate::spec::{Bounds, DefaultValue, Domain, Domains, Field, FieldKind, IdKind};

/// `name: annotation = Field(kwargs...)`, rendered by the templates.
#[derive(Debug, Clone)]
pub struct Decl {
    pub name: String,
    pub annotation: Expr,
    pub kwargs: Vec<Expr>,
}

/// An enum class generated for an `enum` field.
#[derive(Debug, Clone)]
pub struct EnumView {
    pub class: String,
    pub doc: String,
    /// (MEMBER, Python expression of its value)
    pub members: Vec<(String, String)>,
}

impl EnumView {
    /// Whether the values are spelt `auto()` (see [`enum_members`]).
    pub fn auto_values(&self) -> bool {
        self.members.iter().any(|(_, value)| value == "auto()")
    }

    /// `class X(StrEnum):`, with the base on a line of its own (and a magic
    /// trailing comma) when the name is too long for 79 columns.
    pub fn class_line(&self) -> String {
        Expr::call(format!("class {}", self.class), vec![Expr::atom("StrEnum")]).layout(0, ":")
    }
}

/// The Python type and constraints of an id (own or referenced).
#[derive(Debug, Clone)]
pub struct IdType {
    pub kind: IdKind,
    /// Annotation of the value (`str`, `int`, `uuid.UUID`).
    pub python: &'static str,
    /// Annotation of a validated parameter (`StrId`, `IntId`, `uuid.UUID`).
    pub param: &'static str,
}

impl IdType {
    pub fn of(kind: IdKind) -> Self {
        match kind {
            IdKind::Str => Self {
                kind,
                python: "str",
                param: "StrId",
            },
            IdKind::Uuid => Self {
                kind,
                python: "uuid.UUID",
                param: "uuid.UUID",
            },
            IdKind::Int => Self {
                kind,
                python: "int",
                param: "IntId",
            },
        }
    }

    pub fn add_python_import(&self, imports: &mut Imports) {
        if self.kind == IdKind::Uuid {
            imports.module("uuid");
        }
    }

    pub fn add_param_import(&self, imports: &mut Imports, package: &str) {
        match self.kind {
            IdKind::Str => imports.from(&format!("{package}.dtos.shared"), &["StrId"]),
            IdKind::Int => imports.from(&format!("{package}.dtos.shared"), &["IntId"]),
            IdKind::Uuid => imports.module("uuid"),
        };
    }
}

/// Everything generated for one field.
#[derive(Debug, Clone)]
pub struct FieldView {
    pub name: String,
    pub optional: bool,
    pub model: Decl,
    pub request: Decl,
    pub update: Decl,
    pub response: Decl,
    pub enum_view: Option<EnumView>,
    pub is_ref: bool,
    pub deprecated: bool,
    pub unique: bool,
}

/// `name=value`, a keyword argument.
pub fn kwarg(name: &str, value: impl ToString) -> Expr {
    Expr::kwarg(name, Expr::atom(value.to_string()))
}

/// `ge`/`gt` and `le`/`lt` keyword arguments; integers without a spec bound
/// get the column's range (`int_consts`: the names of its limits).
fn number_bounds(b: &Bounds, int_consts: Option<(&str, &str)>) -> Vec<Expr> {
    let sides = [
        (("ge", &b.ge), ("gt", &b.gt), int_consts.map(|c| c.0)),
        (("le", &b.le), ("lt", &b.lt), int_consts.map(|c| c.1)),
    ];
    sides
        .into_iter()
        .filter_map(|((inclusive, i), (exclusive, e), limit)| match (i, e) {
            (Some(n), _) => Some(kwarg(inclusive, &n.text)),
            (None, Some(n)) => Some(kwarg(exclusive, &n.text)),
            (None, None) => limit.map(|l| kwarg(inclusive, l)),
        })
        .collect()
}

/// Imports the column limits (`INT32_MIN`, ...) that `bounds` name.
fn import_limits(bounds: &[Expr], imports: &mut Imports, shared: &str) {
    for k in bounds {
        let value = k.value().flat();
        if value.starts_with("INT") {
            imports.from(shared, &[&value]);
        }
    }
}

/// Whether `from` references `to` through refs, directly or not.
fn refs_reach(all: &Domains, from: &str, to: &str) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![from];
    while let Some(name) = stack.pop() {
        if name == to {
            return true;
        }
        if seen.insert(name) {
            stack.extend(all[name].referenced());
        }
    }
    false
}

fn default_literal(f: &Field, enum_view: Option<&EnumView>) -> Option<String> {
    Some(match f.default.as_ref()? {
        DefaultValue::Str(s) => match enum_view {
            Some(e) => format!("{}.{}", e.class, s.to_uppercase()),
            None => py::string(s),
        },
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Number(n) => match f.kind {
            FieldKind::Decimal { decimal_places, .. } => {
                format!(
                    "Decimal({})",
                    py::string(&format!("{:.*}", decimal_places as usize, n.value))
                )
            }
            _ => n.text.clone(),
        },
        DefaultValue::Bool(b) => if *b { "True" } else { "False" }.to_owned(),
    })
}

pub struct FieldImports<'a> {
    pub model: &'a mut Imports,
    /// What the request and update DTOs need.
    pub dtos: &'a mut Imports,
    /// What the response DTO needs.
    pub response: &'a mut Imports,
    pub package: &'a str,
}

pub fn field_view(domain: &Domain, all: &Domains, f: &Field, imp: &mut FieldImports<'_>) -> FieldView {
    let pkg = imp.package.to_owned();
    let shared = format!("{pkg}.dtos.shared");
    let types = format!("{pkg}.db.types");
    let description = kwarg(
        "description",
        py::string(&py::doc(
            f.description.as_deref().unwrap_or(&capitalize(&py::words(&f.name))),
        )),
    );
    let opt = |t: &str| {
        if f.optional {
            format!("{t} | None")
        } else {
            t.to_owned()
        }
    };
    let req = |t: &str| Expr::atom(opt(t));

    let mut model_kw: Vec<Expr> = Vec::new();
    let mut req_kw: Vec<Expr> = Vec::new();
    let mut enum_view = None;
    let mut ref_id = None;
    let name = &f.name;

    // (model type, request type, response type)
    let (model_t, req_t, resp_t): (String, Expr, Expr) = match &f.kind {
        FieldKind::Str {
            min_length,
            max_length,
            pattern,
        } => {
            model_kw.push(kwarg("max_length", max_length));
            req_kw.extend(min_length.map(|m| kwarg("min_length", m)));
            req_kw.push(kwarg("max_length", max_length));
            let req_t = if let Some(p) = pattern {
                req_kw.push(kwarg("pattern", py::string(p)));
                let ex = f.example.clone().unwrap_or_default();
                req_kw.push(kwarg("examples", format!("[{}]", py::string(&ex))));
                imp.dtos.from(&shared, &["NoNul"]);
                Expr::subscript("NoNul", vec![Expr::atom(opt("str"))])
            } else {
                imp.dtos.from(&shared, &["NulFreeStr"]);
                req("NulFreeStr")
            };
            ("str".into(), req_t, req("str"))
        }
        FieldKind::Text { min_length, max_length } => {
            imp.model.from("sqlalchemy", &["Text"]);
            model_kw.push(kwarg("sa_type", "Text"));
            req_kw.extend(min_length.map(|m| kwarg("min_length", m)));
            req_kw.extend(max_length.map(|m| kwarg("max_length", m)));
            imp.dtos.from(&shared, &["NulFreeStr"]);
            ("str".into(), req("NulFreeStr"), req("str"))
        }
        FieldKind::Email { max_length } => {
            model_kw.push(kwarg("max_length", max_length));
            req_kw.push(kwarg("max_length", max_length));
            imp.dtos.from("pydantic", &["EmailStr"]);
            ("str".into(), req("EmailStr"), req("str"))
        }
        FieldKind::Int(b) | FieldKind::BigInt(b) => {
            let consts = if matches!(f.kind, FieldKind::BigInt(_)) {
                imp.model.from("sqlalchemy", &["BigInteger"]);
                model_kw.push(kwarg("sa_type", "BigInteger"));
                ("INT64_MIN", "INT64_MAX")
            } else {
                ("INT32_MIN", "INT32_MAX")
            };
            let kws = number_bounds(b, Some(consts));
            import_limits(&kws, imp.dtos, &shared);
            req_kw.extend(kws);
            ("int".into(), req("int"), req("int"))
        }
        FieldKind::Float(b) => {
            req_kw.extend(number_bounds(b, None));
            req_kw.push(kwarg("allow_inf_nan", "False"));
            ("float".into(), req("float"), req("float"))
        }
        FieldKind::Decimal {
            max_digits,
            decimal_places,
            bounds,
        } => {
            imp.model.from("decimal", &["Decimal"]);
            imp.dtos.from("decimal", &["Decimal"]);
            imp.response.from("decimal", &["Decimal"]);
            // The response quantizes too: a driver may read a value back in
            // exponent form (asyncpg gives 5.00E+14 for 500000000000000).
            for imports in [&mut *imp.dtos, &mut *imp.response] {
                imports.from("typing", &["Annotated"]);
                imports.from(&shared, &["Quantize"]);
            }
            for kw in [&mut model_kw, &mut req_kw] {
                kw.push(kwarg("max_digits", max_digits));
                kw.push(kwarg("decimal_places", decimal_places));
            }
            req_kw.extend(number_bounds(bounds, None));
            let req_t = Expr::subscript(
                "Annotated",
                vec![req("Decimal"), Expr::atom(format!("Quantize({decimal_places})"))],
            );
            (
                "Decimal".into(),
                req_t.clone(),
                Expr::subscript(
                    "Annotated",
                    vec![req("Decimal"), Expr::atom(format!("Quantize({decimal_places})"))],
                ),
            )
        }
        FieldKind::Bool => ("bool".into(), req("bool"), req("bool")),
        FieldKind::Date => {
            imp.model.from("datetime", &["date"]);
            imp.dtos.from("datetime", &["date"]);
            imp.response.from("datetime", &["date"]);
            ("date".into(), req("date"), req("date"))
        }
        FieldKind::Datetime => {
            imp.model.from("datetime", &["datetime"]);
            imp.model.from(&types, &["UtcDateTime"]);
            imp.response.from("datetime", &["datetime"]);
            imp.dtos.from(&shared, &["UtcDatetime"]);
            model_kw.push(kwarg("sa_type", "UtcDateTime"));
            ("datetime".into(), req("UtcDatetime"), req("datetime"))
        }
        FieldKind::Uuid => {
            imp.model.module("uuid");
            imp.dtos.module("uuid");
            imp.response.module("uuid");
            ("uuid.UUID".into(), req("uuid.UUID"), req("uuid.UUID"))
        }
        FieldKind::Json => {
            imp.model.from("pydantic", &["JsonValue"]);
            imp.model.from("sqlalchemy", &["JSON"]);
            imp.response.from("pydantic", &["JsonValue"]);
            imp.dtos.from(&shared, &["FiniteJson"]);
            model_kw.push(kwarg("sa_type", "JSON"));
            ("JsonValue".into(), req("FiniteJson"), req("JsonValue"))
        }
        FieldKind::Enum { values } => {
            let class = enum_class(&domain.names.class, name);
            imp.model.from("enum", &["StrEnum"]);
            imp.model.from(&types, &["enum_type"]);
            let args = vec![
                Expr::atom(&class),
                Expr::atom(format!("\"{}\"", enum_type_name(&domain.names.plural, name))),
            ];
            model_kw.push(Expr::kwarg("sa_type", Expr::call("enum_type", args)));
            enum_view = Some(EnumView {
                class: class.clone(),
                doc: py::doc(
                    f.description
                        .as_deref()
                        .unwrap_or(&format!("Values of {}", py::words(name))),
                ),
                members: enum_members(values, imp.model),
            });
            (class.clone(), req(&class), req(&class))
        }
        FieldKind::Ref { to, on_delete, .. } => {
            let target = &all[to];
            let id = IdType::of(target.id);
            if id.kind == IdKind::Str {
                model_kw.push(kwarg("max_length", "36"));
            }
            let ondelete = kwarg("ondelete", format!("\"{}\"", on_delete.sql()));
            if to != &domain.names.snake && refs_reach(all, to, &domain.names.snake) {
                // A foreign key in a cycle of tables is added after the
                // tables (use_alter), under a name it can be dropped by.
                imp.model.from("sqlalchemy", &["ForeignKey"]);
                let fk = Expr::call(
                    "ForeignKey",
                    vec![
                        Expr::str(&format!("{}.id", target.names.plural)),
                        ondelete,
                        kwarg("name", py::string(&foreign_key_name(&domain.names.plural, name))),
                        kwarg("use_alter", "True"),
                    ],
                );
                let args = Expr::list(vec![fk.exploded()]).exploded();
                model_kw.push(Expr::kwarg("sa_column_args", args));
            } else {
                model_kw.push(kwarg("foreign_key", format!("\"{}.id\"", target.names.plural)));
                model_kw.push(ondelete);
            }
            id.add_python_import(imp.model);
            id.add_python_import(imp.response);
            id.add_param_import(imp.dtos, &pkg);
            let (python, param) = (id.python, id.param);
            ref_id = Some(id);
            (python.into(), req(param), req(python))
        }
    };

    // Model: default, flags, description.
    let mut model = Vec::new();
    // A spec default wins; an optional field without one defaults to None.
    let default_lit = default_literal(f, enum_view.as_ref()).or_else(|| f.optional.then(|| "None".to_owned()));
    model.extend(default_lit.as_ref().map(|d| kwarg("default", d)));
    // An explicit null on an optional field is null: the default is the
    // model's (for omitted values) and not the column's, which SQLAlchemy
    // would also apply to None.
    if f.optional && f.default.is_some() {
        model.push(kwarg("sa_column_kwargs", "{\"default\": None}"));
    }
    model.extend(model_kw);
    if f.unique {
        model.push(kwarg("unique", "True"));
    } else if f.index || matches!(f.kind, FieldKind::Ref { .. }) {
        model.push(kwarg("index", "True"));
    }
    model.push(description.clone());

    let mut request = Vec::new();
    request.extend(default_lit.as_ref().map(|d| kwarg("default", d)));
    request.extend(req_kw.iter().cloned());
    // The DTOs (and so the OpenAPI document) flag a deprecated field.
    let deprecated = f.deprecated.then(|| kwarg("deprecated", "True"));
    request.extend(deprecated.clone());
    request.push(description.clone());

    let update_t = match (&f.kind, f.optional) {
        (_, true) => req_t.clone(),
        // Quantize must wrap the nullable type, or the decimal constraints
        // are checked after quantizing (and so never fail).
        (FieldKind::Decimal { decimal_places, .. }, false) => Expr::subscript(
            "Annotated",
            vec![
                Expr::atom("NotNull[Decimal]"),
                Expr::atom(format!("Quantize({decimal_places})")),
            ],
        ),
        // NoNul outside NotNull: the field's own constraints come first,
        // with the same error types as on create.
        (_, false) => match req_t.items_of("NoNul") {
            Some([inner]) => Expr::subscript("NoNul", vec![Expr::subscript("NotNull", vec![inner.clone()])]),
            _ => Expr::subscript("NotNull", vec![req_t.clone()]),
        },
    };
    let mut update = vec![kwarg("default", "None")];
    update.extend(req_kw);
    update.extend(deprecated.clone());
    update.push(description.clone());

    let decl = |annotation: Expr, kwargs: Vec<Expr>| Decl {
        name: name.clone(),
        annotation,
        kwargs,
    };
    FieldView {
        name: name.clone(),
        optional: f.optional,
        model: decl(Expr::atom(opt(&model_t)), model),
        request: decl(req_t, request),
        update: decl(update_t, update),
        response: decl(resp_t, deprecated.into_iter().chain([description]).collect()),
        enum_view,
        is_ref: ref_id.is_some(),
        deprecated: f.deprecated,
        unique: f.unique,
    }
}

/// The members of an enum class: `MEMBER = "value"`, or `MEMBER = auto()`
/// for every member when one such line would be too long for 79 columns.
/// ruff wraps a long `MEMBER = "value"` in parentheses at some line lengths
/// only; `auto()` gives a StrEnum member its lowercase name, which is the
/// value, and fits at every length (a value has at most 63 characters).
fn enum_members(values: &[String], model: &mut Imports) -> Vec<(String, String)> {
    let auto = values.iter().any(|v| 4 + 2 * v.len() + 5 > MAX_LINE);
    if auto {
        model.from("enum", &["auto"]);
    }
    values
        .iter()
        .map(|v| {
            let value = if auto { "auto()".to_owned() } else { py::string(v) };
            (v.to_uppercase(), value)
        })
        .collect()
}

pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A router filter parameter: `name: Annotated[T | None, Query(...)] = None`.
#[derive(Debug, Clone)]
pub struct FilterView {
    pub name: String,
    /// The router's parameter: the name, but for `service`, the local the
    /// list route holds its service in (then the query parameter is an
    /// alias of the name).
    pub param: String,
    /// Annotation of the router parameter, without `| None`.
    pub param_type: String,
    pub query_kwargs: Vec<Expr>,
    /// The parameter of the service's list method, `name: T | None = None`.
    pub service_param: String,
}

pub fn filter_view(
    f: &Field,
    all: &Domains,
    domain: &Domain,
    router: &mut Imports,
    service: &mut Imports,
    pkg: &str,
) -> FilterView {
    let shared = format!("{pkg}.dtos.shared");
    let mut kw = Vec::new();
    let (param, plain) = match &f.kind {
        FieldKind::Str { max_length, .. } | FieldKind::Email { max_length } => {
            router.from(&shared, &["NulFreeStr"]);
            kw.push(kwarg("max_length", max_length));
            ("NulFreeStr".to_owned(), "str".to_owned())
        }
        FieldKind::Text { .. } => {
            router.from(&shared, &["NulFreeStr"]);
            ("NulFreeStr".to_owned(), "str".to_owned())
        }
        FieldKind::Int(b) | FieldKind::BigInt(b) => {
            let consts = if matches!(f.kind, FieldKind::BigInt(_)) {
                ("INT64_MIN", "INT64_MAX")
            } else {
                ("INT32_MIN", "INT32_MAX")
            };
            let kws = number_bounds(b, Some(consts));
            import_limits(&kws, router, &shared);
            kw.extend(kws);
            ("int".to_owned(), "int".to_owned())
        }
        FieldKind::Float(b) => {
            kw.extend(number_bounds(b, None));
            kw.push(kwarg("allow_inf_nan", "False"));
            ("float".to_owned(), "float".to_owned())
        }
        FieldKind::Decimal {
            max_digits,
            decimal_places,
            ..
        } => {
            router.from("decimal", &["Decimal"]);
            service.from("decimal", &["Decimal"]);
            kw.push(kwarg("max_digits", max_digits));
            kw.push(kwarg("decimal_places", decimal_places));
            ("Decimal".to_owned(), "Decimal".to_owned())
        }
        FieldKind::Bool => ("bool".to_owned(), "bool".to_owned()),
        FieldKind::Date => {
            router.from("datetime", &["date"]);
            service.from("datetime", &["date"]);
            ("date".to_owned(), "date".to_owned())
        }
        FieldKind::Datetime => {
            router.from(&shared, &["UtcDatetime"]);
            service.from("datetime", &["datetime"]);
            ("UtcDatetime".to_owned(), "datetime".to_owned())
        }
        FieldKind::Uuid => {
            router.module("uuid");
            service.module("uuid");
            ("uuid.UUID".to_owned(), "uuid.UUID".to_owned())
        }
        FieldKind::Enum { .. } => {
            let class = enum_class(&domain.names.class, &f.name);
            let model = format!("{pkg}.domain.{}.model", domain.names.snake);
            router.from(&model, &[&class]);
            service.from(&model, &[&class]);
            (class.clone(), class)
        }
        FieldKind::Ref { to, .. } => {
            let id = IdType::of(all[to].id);
            id.add_param_import(router, pkg);
            id.add_python_import(service);
            (id.param.to_owned(), id.python.to_owned())
        }
        FieldKind::Json => unreachable!("json fields are refused as filters"),
    };
    kw.push(kwarg(
        "description",
        py::string(&format!("Only rows with this {}.", py::words(&f.name))),
    ));
    FilterView {
        name: f.name.clone(),
        param: if f.name == "service" {
            "service_filter".to_owned()
        } else {
            f.name.clone()
        },
        param_type: param,
        query_kwargs: kw,
        service_param: service_param(&f.name, &plain, 8),
    }
}

/// `name: T | None = None` as a parameter at `indent`, held open when it
/// does not fit in 79 columns.
fn service_param(name: &str, plain: &str, indent: usize) -> String {
    let one_line = format!("{name}: {plain} | None = None");
    if indent + one_line.len() + ",".len() <= MAX_LINE {
        return one_line;
    }
    held_open(
        indent,
        &format!("{name}: "),
        "None: no filter",
        &format!("{plain} | None"),
        " = None",
    )
}
