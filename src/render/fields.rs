//! Per-field code: one uniform pattern per field type for the model, the
//! three DTOs, list filters, and the values the generated tests use.

use super::expr::{Expr, MAX_LINE, held_open};
use super::imports::Imports;
use super::py;
use super::samples;
use crate::names::{enum_class, enum_type_name, foreign_key_name, python_float};
use crate::spec::{Bounds, DefaultValue, Domain, Domains, Field, FieldKind, IdKind, Number};

pub const INT32: (i64, i64) = (i32::MIN as i64, i32::MAX as i64);
pub const INT64: (i64, i64) = (i64::MIN, i64::MAX);
/// How many distinct values a unique field's tests draw from its pattern:
/// more than any one test makes rows of a domain.
const POOL_SIZE: usize = 16;

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

    /// An id that names no row.
    pub fn missing_literal(&self) -> &'static str {
        match self.kind {
            IdKind::Str | IdKind::Uuid => "\"00000000-0000-4000-8000-000000000000\"",
            IdKind::Int => "2147483647",
        }
    }

    /// Path or body values that are not an id at all.
    pub fn malformed_literals(&self) -> Vec<String> {
        match self.kind {
            IdKind::Str => vec!["\"x\" * 37".into(), "\"a%00b\"".into()],
            IdKind::Uuid => vec!["\"not-a-uuid\"".into(), "\"1234\"".into()],
            IdKind::Int => ["\"abc\"", "\"0\"", "\"-1\"", "\"2147483648\"", "\"1.5\""]
                .map(String::from)
                .to_vec(),
        }
    }

    /// Body values of a ref field that fail validation.
    pub fn invalid_body_literals(&self) -> Vec<String> {
        match self.kind {
            IdKind::Str => vec!["\"x\" * 37".into(), "\"a\\x00b\"".into()],
            IdKind::Uuid => vec!["\"not-a-uuid\"".into()],
            IdKind::Int => vec!["0".into(), "2**31".into(), "\"abc\"".into()],
        }
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
    /// Referenced domain (refs only).
    pub ref_domain: Option<String>,
    pub ref_id: Option<IdType>,
    pub on_delete: Option<crate::spec::OnDelete>,
    /// Valid test value (a Python expression) for the full payload.
    pub example: Option<Expr>,
    /// Whether the field is required on create (no default, not optional).
    pub required: bool,
    /// The value a row gets when the field is left out (Python literal).
    pub default_literal: Option<String>,
    pub invalid: Vec<String>,
    /// (low, high) for sort tests, when the order is the same on every database.
    pub sort_pair: Option<(String, String)>,
    /// Two distinct valid values for filter tests.
    pub filter_pair: Option<(String, String)>,
    pub invalid_filters: Vec<String>,
    pub is_decimal: Option<u32>,
    pub is_datetime: bool,
    pub unique: bool,
    /// A plain-text field that can hold search test values.
    pub searchable_text: bool,
    /// (constant, values): distinct values drawn from the field's pattern,
    /// handed out in turn by a module constant of the tests (unique fields).
    pub pool: Option<(String, Vec<String>)>,
}

/// `name=value`, a keyword argument.
pub fn kwarg(name: &str, value: impl ToString) -> Expr {
    Expr::kwarg(name, Expr::atom(value.to_string()))
}

/// `ge`/`gt` and `le`/`lt` keyword arguments; integers without a spec bound
/// get the column's range (`int_consts`: the names of its limits).
fn number_bounds(b: &Bounds, int_consts: Option<(&str, &str)>) -> Vec<Expr> {
    let mut kw = Vec::new();
    match (&b.ge, &b.gt) {
        (Some(n), _) => kw.push(kwarg("ge", &n.text)),
        (None, Some(n)) => kw.push(kwarg("gt", &n.text)),
        (None, None) => {
            if let Some((min, _)) = int_consts {
                kw.push(kwarg("ge", min));
            }
        }
    }
    match (&b.le, &b.lt) {
        (Some(n), _) => kw.push(kwarg("le", &n.text)),
        (None, Some(n)) => kw.push(kwarg("lt", &n.text)),
        (None, None) => {
            if let Some((_, max)) = int_consts {
                kw.push(kwarg("le", max));
            }
        }
    }
    kw
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

/// The integer range a field accepts. Bounds are read from their text: an
/// f64 cannot hold every 64-bit integer.
fn int_range(b: &Bounds, (lo, hi): (i64, i64)) -> (i128, i128) {
    let lo =
        b.ge.as_ref()
            .map(Number::int)
            .or(b.gt.as_ref().map(|n| n.int() + 1))
            .unwrap_or(lo as i128);
    let hi =
        b.le.as_ref()
            .map(Number::int)
            .or(b.lt.as_ref().map(|n| n.int() - 1))
            .unwrap_or(hi as i128);
    (lo, hi)
}

fn py_int(v: i128) -> String {
    match v {
        v if v == i64::MAX as i128 + 1 => "2**63".to_owned(),
        v if v == i64::MIN as i128 - 1 => "-(2**63) - 1".to_owned(),
        v => v.to_string(),
    }
}

/// `next(NAME_VALUES)`, handing out `values` in turn from a module constant
/// of the tests: distinct for as many rows as there are values, whatever
/// other fields draw meanwhile (a small value space would repeat under a
/// shared counter).
fn pooled(name: &str, values: Vec<String>, pool: &mut Option<(String, Vec<String>)>) -> Expr {
    let constant = format!("{}_VALUES", name.to_uppercase());
    let next = Expr::call("next", vec![Expr::atom(&constant)]);
    *pool = Some((constant, values));
    next
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

/// A filter value one character too long, unless it would make a URL too
/// long to send (then the length check is left to the body tests).
fn too_long_for_url(max_length: u32) -> Option<String> {
    (max_length < 2000).then(|| format!("\"x\" * {}", max_length + 1))
}

/// The lower and upper bound of a number field, whichever keys set them.
fn float_range(b: &Bounds) -> (Option<f64>, Option<f64>) {
    let lo = b.ge.as_ref().or(b.gt.as_ref()).map(|n| n.value);
    let hi = b.le.as_ref().or(b.lt.as_ref()).map(|n| n.value);
    (lo, hi)
}

/// Two valid floats low < high (and a pick), within the bounds.
fn float_values(b: &Bounds) -> (f64, f64) {
    let (lo, hi) = float_range(b);
    let (a, c) = match (lo, hi) {
        (Some(l), Some(h)) => (l + (h - l) * 0.25, l + (h - l) * 0.75),
        (Some(l), None) => (l + 1.0, l + 2.0),
        (None, Some(h)) => (h - 2.0, h - 1.0),
        (None, None) => (1.5, 2.5),
    };
    debug_assert!(b.contains(a) && b.contains(c));
    (a, c)
}

/// Decimal text with exactly `places` decimals.
fn fmt_decimal(v: f64, places: u32) -> String {
    format!("{v:.*}", places as usize)
}

/// A text of `base` fitted into [min, max] characters.
fn fit_text(base: &str, min: Option<u32>, max: Option<u32>) -> String {
    let mut s = base.to_owned();
    let min = min.unwrap_or(0) as usize;
    if s.chars().count() < min {
        s.push_str(&"x".repeat(min - s.chars().count()));
    }
    if let Some(max) = max {
        s = s.chars().take(max as usize).collect();
    }
    s
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
                format!("Decimal({})", py::string(&fmt_decimal(n.value, decimal_places)))
            }
            _ => n.text.clone(),
        },
        DefaultValue::Bool(b) => if *b { "True" } else { "False" }.to_owned(),
    })
}

/// The JSON value a response holds for a default (tests compare against it).
fn default_json(f: &Field) -> Option<String> {
    Some(match f.default.as_ref()? {
        DefaultValue::Str(s) => py::string(s),
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Number(n) => match f.kind {
            FieldKind::Decimal { decimal_places, .. } => py::string(&fmt_decimal(n.value, decimal_places)),
            _ => python_float(n.value),
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

    let mut model_kw: Vec<Expr> = Vec::new();
    let mut req_kw: Vec<Expr> = Vec::new();
    let mut enum_view = None;
    let mut ref_domain = None;
    let mut ref_id = None;
    let mut on_delete = None;
    let mut invalid: Vec<String> = Vec::new();
    let mut invalid_filters: Vec<String> = Vec::new();
    let mut sort_pair = None;
    let mut filter_pair = None;
    let mut is_decimal = None;
    let mut is_datetime = false;
    let mut searchable_text = false;
    let mut pool = None;
    let name = &f.name;

    // (model type, request type, response type, example)
    let req = |t: &str| Expr::atom(opt(t));
    let (model_t, req_t, resp_t, example): (String, Expr, String, Option<Expr>) = match &f.kind {
        FieldKind::Str {
            min_length,
            max_length,
            pattern,
        } => {
            model_kw.push(kwarg("max_length", max_length));
            if let Some(m) = min_length {
                req_kw.push(kwarg("min_length", m));
            }
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
            let drawn = pattern.as_deref().map(|p| {
                let min = min_length.unwrap_or(0) as usize;
                let values = samples::pattern_values(p, min, *max_length as usize, POOL_SIZE);
                values.iter().map(|v| py::string(v)).collect::<Vec<_>>()
            });
            if let Some([a, b, ..]) = drawn.as_deref() {
                filter_pair = Some((a.clone(), b.clone()));
            }
            let example = match (pattern, &f.example, drawn) {
                // Rows must differ: values drawn from the pattern, in turn.
                (Some(_), Some(_), Some(values)) if f.unique && values.len() >= 2 => {
                    Some(pooled(name, values, &mut pool))
                }
                (Some(_), Some(ex), _) => Some(Expr::str(ex)),
                // Too short for a counter: letters and digits, in turn.
                (None, _, _) if f.unique && *max_length < 8 => {
                    let lo = min_length.unwrap_or(1).max(1);
                    let class = format!("^[a-z0-9]{{{lo},{max_length}}}$");
                    let values = samples::pattern_values(&class, 0, *max_length as usize, POOL_SIZE);
                    Some(pooled(name, values.iter().map(|v| py::string(v)).collect(), &mut pool))
                }
                _ if f.unique => Some(Expr::call(
                    "unique_text",
                    vec![
                        Expr::str(&py::words(name)),
                        min_length.unwrap_or(0).to_string().into(),
                        max_length.to_string().into(),
                    ],
                )),
                _ => Some(Expr::str(&fit_text(
                    &format!("Sample {}", py::words(name)),
                    *min_length,
                    Some(*max_length),
                ))),
            };
            if min_length.is_some_and(|m| m >= 1) {
                invalid.push("\"\"".into());
            }
            invalid.push(format!("\"x\" * {}", max_length + 1));
            invalid.push("\"a\\x00b\"".into());
            invalid.push("12".into());
            if pattern.is_none() {
                let len = (min_length.unwrap_or(1).max(1)) as usize;
                if len <= *max_length as usize {
                    sort_pair = Some((py::string(&"a".repeat(len)), py::string(&"b".repeat(len))));
                    filter_pair = sort_pair.clone();
                }
                searchable_text = *max_length >= 22 && min_length.is_none_or(|m| m <= 7);
            }
            invalid_filters.push("\"a\\x00b\"".into());
            if let Some(too_long) = too_long_for_url(*max_length) {
                invalid_filters.push(too_long);
            }
            ("str".into(), req_t, "str".into(), example)
        }
        FieldKind::Text { min_length, max_length } => {
            imp.model.from("sqlalchemy", &["Text"]);
            model_kw.push(kwarg("sa_type", "Text"));
            if let Some(m) = min_length {
                req_kw.push(kwarg("min_length", m));
            }
            if let Some(m) = max_length {
                req_kw.push(kwarg("max_length", m));
            }
            imp.dtos.from(&shared, &["NulFreeStr"]);
            if min_length.is_some_and(|m| m >= 1) {
                invalid.push("\"\"".into());
            }
            if let Some(m) = max_length {
                invalid.push(format!("\"x\" * {}", m + 1));
            }
            invalid.push("\"a\\x00b\"".into());
            invalid.push("12".into());
            let len = (min_length.unwrap_or(1).max(1)) as usize;
            if max_length.is_none_or(|m| len <= m as usize) {
                sort_pair = Some((py::string(&"a".repeat(len)), py::string(&"b".repeat(len))));
            }
            searchable_text = max_length.is_none_or(|m| m >= 22) && min_length.is_none_or(|m| m <= 7);
            let example = Expr::str(&fit_text(
                &format!("Sample {}", py::words(name)),
                *min_length,
                *max_length,
            ));
            ("str".into(), req("NulFreeStr"), "str".into(), Some(example))
        }
        FieldKind::Email { max_length } => {
            model_kw.push(kwarg("max_length", max_length));
            req_kw.push(kwarg("max_length", max_length));
            imp.dtos.from("pydantic", &["EmailStr"]);
            invalid.push("\"not-an-email\"".into());
            invalid.push("\"a\\x00b@example.com\"".into());
            // Addresses that fit a short max_length (which counts as 6).
            let domain = if *max_length >= 13 { "example.com" } else { "x.co" };
            sort_pair = Some((py::string(&format!("a@{domain}")), py::string(&format!("b@{domain}"))));
            filter_pair = sort_pair.clone();
            invalid_filters.push("\"a\\x00b\"".into());
            if let Some(too_long) = too_long_for_url(*max_length) {
                invalid_filters.push(too_long);
            }
            // The field name with dots: no `_`, which the search tests use.
            let local = Expr::str(&name.replace('_', "."));
            let example = if f.unique && *max_length < 24 {
                // Short addresses: one letter or digit before `@x.co`.
                let values = ('a'..='p').map(|c| py::string(&format!("{c}@x.co"))).collect();
                pooled(name, values, &mut pool)
            } else if *max_length >= 320 {
                Expr::call("unique_email", vec![local])
            } else {
                Expr::call("unique_email", vec![local, max_length.to_string().into()])
            };
            ("str".into(), req("EmailStr"), "str".into(), Some(example))
        }
        FieldKind::Int(b) | FieldKind::BigInt(b) => {
            let big = matches!(f.kind, FieldKind::BigInt(_));
            let (range, consts) = if big {
                (INT64, ("INT64_MIN", "INT64_MAX"))
            } else {
                (INT32, ("INT32_MIN", "INT32_MAX"))
            };
            if big {
                imp.model.from("sqlalchemy", &["BigInteger"]);
                model_kw.push(kwarg("sa_type", "BigInteger"));
            }
            let kws = number_bounds(b, Some(consts));
            import_limits(&kws, imp.dtos, &shared);
            req_kw.extend(kws);
            let (lo, hi) = int_range(b, range);
            let v1 = if lo <= 1 && 1 <= hi { 1 } else { lo };
            let v2 = if v1 < hi { v1 + 1 } else { v1 };
            invalid.push(py_int(lo - 1));
            invalid.push(py_int(hi + 1));
            invalid.push("1.5".into());
            invalid.push("\"abc\"".into());
            if v1 < v2 {
                sort_pair = Some((v1.to_string(), v2.to_string()));
                filter_pair = sort_pair.clone();
            }
            invalid_filters.push(py_int(lo - 1));
            invalid_filters.push(py_int(hi + 1));
            invalid_filters.push("\"abc\"".into());
            let example = if f.unique && hi - lo < 1000 {
                let values = (lo..=hi).take(POOL_SIZE).map(py_int).collect();
                pooled(name, values, &mut pool)
            } else if f.unique {
                Expr::call("unique_int", vec![py_int(lo).into(), py_int(hi).into()])
            } else {
                v2.to_string().into()
            };
            ("int".into(), req("int"), "int".into(), Some(example))
        }
        FieldKind::Float(b) => {
            req_kw.extend(number_bounds(b, None));
            req_kw.push(kwarg("allow_inf_nan", "False"));
            let (v1, v2) = float_values(b);
            let (lo, hi) = float_range(b);
            if let Some(lo) = lo {
                invalid.push(python_float(lo - 0.5));
            }
            if let Some(hi) = hi {
                invalid.push(python_float(hi + 0.5));
            }
            invalid.push("float(\"nan\")".into());
            invalid.push("float(\"inf\")".into());
            invalid.push("\"abc\"".into());
            sort_pair = Some((python_float(v1), python_float(v2)));
            (
                "float".into(),
                req("float"),
                "float".into(),
                Some(python_float(v2).into()),
            )
        }
        FieldKind::Decimal {
            max_digits,
            decimal_places,
            bounds,
        } => {
            imp.model.from("decimal", &["Decimal"]);
            imp.dtos.from("decimal", &["Decimal"]);
            imp.response.from("decimal", &["Decimal"]);
            imp.dtos.from("typing", &["Annotated"]);
            imp.dtos.from(&shared, &["Quantize"]);
            model_kw.push(kwarg("max_digits", max_digits));
            model_kw.push(kwarg("decimal_places", decimal_places));
            req_kw.push(kwarg("max_digits", max_digits));
            req_kw.push(kwarg("decimal_places", decimal_places));
            req_kw.extend(number_bounds(bounds, None));
            let int_digits = max_digits - decimal_places;
            let limit = if int_digits == 0 {
                0.9
            } else {
                10f64.powi(int_digits.min(15) as i32) - 1.0
            };
            let mut b = bounds.clone();
            if b.ge.is_none() && b.gt.is_none() {
                b.ge = Some(Number {
                    text: String::new(),
                    value: -limit,
                });
            }
            if b.le.is_none() && b.lt.is_none() {
                b.le = Some(Number {
                    text: String::new(),
                    value: limit,
                });
            }
            let (v1, v2) = float_values(&b);
            // Test values SQLite keeps exactly (it stores decimals as
            // floats): on a grid of 1, 0.5 or 0.25 where the bounds leave
            // room, else on the grid of the last decimal place.
            let fine = 10f64.powi(-(*decimal_places as i32));
            let coarse = match decimal_places {
                0 => 1.0,
                1 => 0.5,
                _ => 0.25,
            };
            let snap = |v: f64, grid: f64| (v / grid).round() * grid;
            let (c1, c2) = (snap(v1, coarse), snap(v2, coarse));
            // A unique field needs room for many rows on the grid.
            let room = if f.unique { 16.0 } else { 1.0 };
            let (v1, v2, step) = if (c2 - c1) / coarse >= room && b.contains(c1) && b.contains(c2) {
                (c1, c2, coarse)
            } else {
                (snap(v1, fine), snap(v2, fine), fine)
            };
            is_decimal = Some(*decimal_places);
            invalid.push(py::string(&format!("1.{}", "1".repeat(*decimal_places as usize + 1))));
            invalid.push(py::string(&"9".repeat(int_digits as usize + 1)));
            invalid.push("\"NaN\"".into());
            invalid.push("float(\"inf\")".into());
            if let Some(lo) = bounds.ge.as_ref().or(bounds.gt.as_ref()) {
                invalid.push(py::string(&fmt_decimal(lo.value - 1.0, *decimal_places)));
            }
            if v1 < v2 && bounds.contains(v1) && bounds.contains(v2) {
                sort_pair = Some((
                    py::string(&fmt_decimal(v1, *decimal_places)),
                    py::string(&fmt_decimal(v2, *decimal_places)),
                ));
            }
            let req_t = Expr::subscript(
                "Annotated",
                vec![req("Decimal"), Expr::atom(format!("Quantize({decimal_places})"))],
            );
            // Unique: steps of the last place from v1, never past v2.
            let steps = ((v2 - v1) / step).floor().min(1e6);
            let example = if f.unique && steps < 1000.0 {
                // Few steps: each value once, in turn.
                let values = (0..=(steps as u64).min(POOL_SIZE as u64 - 1))
                    .map(|k| py::string(&fmt_decimal(v1 + k as f64 * step, *decimal_places)))
                    .collect();
                pooled(name, values, &mut pool)
            } else if f.unique {
                Expr::call(
                    "unique_decimal",
                    vec![
                        Expr::str(&fmt_decimal(v1, *decimal_places)),
                        Expr::str(&fmt_decimal(step, *decimal_places)),
                        (steps as u64).to_string().into(),
                    ],
                )
            } else {
                Expr::str(&fmt_decimal(v2, *decimal_places))
            };
            ("Decimal".into(), req_t, "Decimal".into(), Some(example))
        }
        FieldKind::Bool => {
            invalid.push("\"maybe\"".into());
            invalid_filters.push("\"maybe\"".into());
            sort_pair = Some(("False".into(), "True".into()));
            filter_pair = Some(("True".into(), "False".into()));
            let example = match f.default {
                Some(DefaultValue::Bool(true)) => "False",
                _ => "True",
            };
            ("bool".into(), req("bool"), "bool".into(), Some(example.into()))
        }
        FieldKind::Date => {
            imp.model.from("datetime", &["date"]);
            imp.dtos.from("datetime", &["date"]);
            imp.response.from("datetime", &["date"]);
            invalid.push("\"2001-02-30\"".into());
            invalid.push("\"yesterday\"".into());
            invalid_filters.push("\"2001-02-30\"".into());
            sort_pair = Some(("\"1950-01-01\"".into(), "\"1960-01-01\"".into()));
            filter_pair = sort_pair.clone();
            let example = if f.unique { "unique_date()" } else { "\"2001-02-03\"" };
            ("date".into(), req("date"), "date".into(), Some(example.into()))
        }
        FieldKind::Datetime => {
            imp.model.from("datetime", &["datetime"]);
            imp.model.from(&types, &["UtcDateTime"]);
            imp.response.from("datetime", &["datetime"]);
            imp.dtos.from(&shared, &["UtcDatetime"]);
            model_kw.push(kwarg("sa_type", "UtcDateTime"));
            is_datetime = true;
            for v in [
                "\"2001-02-03T04:05:06\"",
                "\"0001-01-01T00:00:00+01:00\"",
                "\"9999-12-31T23:59:59-01:00\"",
                "\"yesterday\"",
            ] {
                invalid.push(v.into());
            }
            invalid_filters.push("\"2001-02-03T04:05:06\"".into());
            invalid_filters.push("\"yesterday\"".into());
            sort_pair = Some(("\"1950-01-01T00:00:00Z\"".into(), "\"1960-01-01T00:00:00Z\"".into()));
            filter_pair = sort_pair.clone();
            let example = if f.unique {
                "unique_datetime()"
            } else {
                "\"2001-02-03T04:05:06Z\""
            };
            (
                "datetime".into(),
                req("UtcDatetime"),
                "datetime".into(),
                Some(example.into()),
            )
        }
        FieldKind::Uuid => {
            imp.model.module("uuid");
            imp.dtos.module("uuid");
            imp.response.module("uuid");
            invalid.push("\"not-a-uuid\"".into());
            invalid_filters.push("\"not-a-uuid\"".into());
            sort_pair = Some((
                "\"00000000-0000-4000-8000-000000000001\"".into(),
                "\"00000000-0000-4000-8000-000000000002\"".into(),
            ));
            filter_pair = sort_pair.clone();
            (
                "uuid.UUID".into(),
                req("uuid.UUID"),
                "uuid.UUID".into(),
                Some("str(uuid.uuid4())".into()),
            )
        }
        FieldKind::Json => {
            imp.model.from("pydantic", &["JsonValue"]);
            imp.model.from("sqlalchemy", &["JSON"]);
            imp.response.from("pydantic", &["JsonValue"]);
            imp.dtos.from(&shared, &["FiniteJson"]);
            model_kw.push(kwarg("sa_type", "JSON"));
            for v in [
                "{\"a\": float(\"nan\")}",
                "[float(\"inf\")]",
                "{\"a\": \"x\\x00\"}",
                "{\"a\\x00\": 1}",
            ] {
                invalid.push(v.into());
            }
            (
                "JsonValue".into(),
                req("FiniteJson"),
                "JsonValue".into(),
                Some(Expr::dict(vec![
                    (Expr::str("tags"), Expr::atom("[\"a\", \"b\"]")),
                    (Expr::str("size"), Expr::atom("1.5")),
                    (Expr::str("on"), Expr::atom("True")),
                ])),
            )
        }
        FieldKind::Enum { values } => {
            let class = enum_class(&domain.names.class, name);
            let table = &domain.names.plural;
            imp.model.from("enum", &["StrEnum"]);
            imp.model.from(&types, &["enum_type"]);
            let args = vec![
                Expr::atom(&class),
                Expr::atom(format!("\"{}\"", enum_type_name(table, name))),
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
            let bogus = if values.iter().any(|v| v == "bogus") {
                "bogus_value"
            } else {
                "bogus"
            };
            invalid.push(py::string(bogus));
            invalid_filters.push(py::string(bogus));
            // The repository sorts enums in the order of their values on
            // every database: the last value sorts after the first whatever
            // their text.
            if let [first, .., last] = values.as_slice() {
                sort_pair = Some((py::string(first), py::string(last)));
                filter_pair = Some((py::string(&values[0]), py::string(&values[1])));
            }
            let default = match &f.default {
                Some(DefaultValue::Str(s)) => Some(s.as_str()),
                _ => None,
            };
            let example = values
                .iter()
                .rev()
                .find(|v| Some(v.as_str()) != default)
                .unwrap_or(&values[0]);
            (class.clone(), req(&class), class, Some(Expr::str(example)))
        }
        FieldKind::Ref { to, on_delete: od, .. } => {
            let target = &all[to];
            let id = IdType::of(target.id);
            if id.kind == IdKind::Str {
                model_kw.push(kwarg("max_length", "36"));
            }
            if to != &domain.names.snake && refs_reach(all, to, &domain.names.snake) {
                // A foreign key in a cycle of tables is added after the
                // tables (use_alter), under a name it can be dropped by.
                imp.model.from("sqlalchemy", &["ForeignKey"]);
                let fk = Expr::call(
                    "ForeignKey",
                    vec![
                        Expr::str(&format!("{}.id", target.names.plural)),
                        kwarg("ondelete", format!("\"{}\"", od.sql())),
                        kwarg("name", py::string(&foreign_key_name(&domain.names.plural, name))),
                        kwarg("use_alter", "True"),
                    ],
                );
                let args = Expr::list(vec![fk.exploded()]).exploded();
                model_kw.push(Expr::kwarg("sa_column_args", args));
            } else {
                model_kw.push(kwarg("foreign_key", format!("\"{}.id\"", target.names.plural)));
                model_kw.push(kwarg("ondelete", format!("\"{}\"", od.sql())));
            }
            id.add_python_import(imp.model);
            id.add_python_import(imp.response);
            id.add_param_import(imp.dtos, &pkg);
            invalid.extend(id.invalid_body_literals());
            invalid_filters.extend(id.invalid_body_literals());
            ref_domain = Some(to.clone());
            on_delete = Some(*od);
            let (python, param) = (id.python, id.param);
            ref_id = Some(id);
            (python.into(), req(param), python.into(), None)
        }
    };

    // Model: default, flags, description.
    let mut model = Vec::new();
    // A spec default wins; an optional field without one defaults to None.
    let default_lit = default_literal(f, enum_view.as_ref()).or_else(|| f.optional.then(|| "None".to_owned()));
    if let Some(d) = &default_lit {
        model.push(kwarg("default", d));
    }
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
    if let Some(d) = &default_lit {
        request.push(kwarg("default", d));
    }
    request.extend(req_kw.iter().cloned());
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
        (_, false) => Expr::subscript("NotNull", vec![req_t.clone()]),
    };
    let mut update = vec![kwarg("default", "None")];
    update.extend(req_kw);
    update.push(description.clone());

    let required = !f.optional && f.default.is_none();
    FieldView {
        name: name.clone(),
        optional: f.optional,
        model: Decl {
            name: name.clone(),
            annotation: Expr::atom(opt(&model_t)),
            kwargs: model,
        },
        request: Decl {
            name: name.clone(),
            annotation: req_t,
            kwargs: request,
        },
        update: Decl {
            name: name.clone(),
            annotation: update_t,
            kwargs: update,
        },
        response: Decl {
            name: name.clone(),
            annotation: Expr::atom(opt(&resp_t)),
            kwargs: vec![description.clone()],
        },
        enum_view,
        is_ref: ref_domain.is_some(),
        ref_domain,
        ref_id,
        on_delete,
        example,
        required,
        default_literal: if f.default.is_none() && f.optional {
            Some("None".into())
        } else {
            default_json(f)
        },
        invalid,
        sort_pair,
        filter_pair,
        invalid_filters,
        is_decimal,
        is_datetime,
        unique: f.unique,
        searchable_text,
        pool,
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
