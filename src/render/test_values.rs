//! The values the generated tests send for one field (docs/design.md §9):
//! a valid value for payloads, values the API must refuse, pairs for the
//! sort and filter tests. They hold for every spec because they are drawn
//! from the field's own constraints: lengths, patterns, bounds, digits.

use super::expr::Expr;
use super::py;
use super::samples;
use crate::names::python_float;
use crate::spec::{Bounds, DefaultValue, Domains, Field, FieldKind, IdKind, Number};

pub const INT32: (i64, i64) = (i32::MIN as i64, i32::MAX as i64);
pub const INT64: (i64, i64) = (i64::MIN, i64::MAX);

/// How many distinct values a pool of a unique field holds: comfortably
/// more than any one test makes rows of a domain.
const POOL_SIZE: usize = 16;

/// What the generated tests know of one field.
#[derive(Debug, Clone, Default)]
pub struct TestValues {
    /// Valid value (a Python expression) for the full payload; None for a
    /// ref, whose value is a row made by the target's tests.
    pub example: Option<Expr>,
    /// Body values a create or update must refuse with a 422.
    pub invalid: Vec<String>,
    /// Query values the list filter must refuse with a 422.
    pub invalid_filters: Vec<String>,
    /// (low, high) for sort tests, when the order is the same on every database.
    pub sort_pair: Option<(String, String)>,
    /// Two distinct valid values for filter tests.
    pub filter_pair: Option<(String, String)>,
    /// A plain-text field that can hold search test values.
    pub searchable_text: bool,
    /// (constant, values): distinct values drawn from the field's pattern
    /// or small range, handed out in turn by a module constant of the tests
    /// (unique fields).
    pub pool: Option<(String, Vec<String>)>,
    /// The JSON value a response holds when the field is left out.
    pub default_json: Option<String>,
}

/// The test values of `f` (`all` gives the id type of a ref's target).
pub fn of(f: &Field, all: &Domains) -> TestValues {
    let mut t = match &f.kind {
        FieldKind::Str {
            min_length,
            max_length,
            pattern,
        } => str_values(f, *min_length, *max_length, pattern.as_deref()),
        FieldKind::Text { min_length, max_length } => text_values(&f.name, *min_length, *max_length),
        FieldKind::Email { max_length } => email_values(f, *max_length),
        FieldKind::Int(b) => int_values(f, b, INT32),
        FieldKind::BigInt(b) => int_values(f, b, INT64),
        FieldKind::Float(b) => float_field_values(b),
        FieldKind::Decimal {
            max_digits,
            decimal_places,
            bounds,
        } => decimal_values(f, *max_digits, *decimal_places, bounds),
        FieldKind::Bool => TestValues {
            invalid: vec!["\"maybe\"".into()],
            invalid_filters: vec!["\"maybe\"".into()],
            sort_pair: Some(("False".into(), "True".into())),
            filter_pair: Some(("True".into(), "False".into())),
            example: Some(Expr::atom(match f.default {
                Some(DefaultValue::Bool(true)) => "False",
                _ => "True",
            })),
            ..TestValues::default()
        },
        FieldKind::Date => fixed_values(
            if f.unique { "unique_date()" } else { "\"2001-02-03\"" },
            &["\"2001-02-30\"", "\"yesterday\""],
            &["\"2001-02-30\""],
            ("\"1950-01-01\"", "\"1960-01-01\""),
        ),
        FieldKind::Datetime => fixed_values(
            if f.unique {
                "unique_datetime()"
            } else {
                "\"2001-02-03T04:05:06Z\""
            },
            &[
                "\"2001-02-03T04:05:06\"",
                "\"0001-01-01T00:00:00+01:00\"",
                "\"9999-12-31T23:59:59-01:00\"",
                "\"yesterday\"",
            ],
            &["\"2001-02-03T04:05:06\"", "\"yesterday\""],
            ("\"1950-01-01T00:00:00Z\"", "\"1960-01-01T00:00:00Z\""),
        ),
        FieldKind::Uuid => fixed_values(
            "str(uuid.uuid4())",
            &["\"not-a-uuid\""],
            &["\"not-a-uuid\""],
            (
                "\"00000000-0000-4000-8000-000000000001\"",
                "\"00000000-0000-4000-8000-000000000002\"",
            ),
        ),
        FieldKind::Json => TestValues {
            invalid: [
                "{\"a\": float(\"nan\")}",
                "[float(\"inf\")]",
                "{\"a\": \"x\\x00\"}",
                "{\"a\\x00\": 1}",
            ]
            .map(String::from)
            .to_vec(),
            example: Some(Expr::dict(vec![
                (Expr::str("tags"), Expr::atom("[\"a\", \"b\"]")),
                (Expr::str("size"), Expr::atom("1.5")),
                (Expr::str("on"), Expr::atom("True")),
            ])),
            ..TestValues::default()
        },
        FieldKind::Enum { values } => enum_values(f, values),
        FieldKind::Ref { to, .. } => {
            let invalid = invalid_ids(all[to].id);
            TestValues {
                invalid_filters: invalid.clone(),
                invalid,
                ..TestValues::default()
            }
        }
    };
    t.default_json = if f.default.is_none() && f.optional {
        Some("None".into())
    } else {
        default_json(f)
    };
    t
}

fn str_values(f: &Field, min_length: Option<u32>, max_length: u32, pattern: Option<&str>) -> TestValues {
    let name = &f.name;
    let mut t = TestValues::default();
    let drawn = pattern.map(|p| {
        let min = min_length.unwrap_or(0) as usize;
        let values = samples::pattern_values(p, min, max_length as usize, POOL_SIZE);
        values.iter().map(|v| py::string(v)).collect::<Vec<_>>()
    });
    if let Some([a, b, ..]) = drawn.as_deref() {
        t.filter_pair = Some((a.clone(), b.clone()));
    }
    t.example = Some(match (pattern, &f.example, drawn) {
        // Rows must differ: values drawn from the pattern, in turn.
        (Some(_), Some(_), Some(values)) if f.unique && values.len() >= 2 => pooled(name, values, &mut t.pool),
        (Some(_), Some(ex), _) => Expr::str(ex),
        // Too short for a counter: letters and digits, in turn.
        (None, _, _) if f.unique && max_length < 8 => {
            let lo = min_length.unwrap_or(1).max(1);
            let class = format!("^[a-z0-9]{{{lo},{max_length}}}$");
            let values = samples::pattern_values(&class, 0, max_length as usize, POOL_SIZE);
            pooled(name, values.iter().map(|v| py::string(v)).collect(), &mut t.pool)
        }
        _ if f.unique => Expr::call(
            "unique_text",
            vec![
                Expr::str(&py::words(name)),
                min_length.unwrap_or(0).to_string().into(),
                max_length.to_string().into(),
            ],
        ),
        _ => Expr::str(&fit_text(
            &format!("Sample {}", py::words(name)),
            min_length,
            Some(max_length),
        )),
    });
    if min_length.is_some_and(|m| m >= 1) {
        t.invalid.push("\"\"".into());
    }
    t.invalid.push(format!("\"x\" * {}", max_length + 1));
    t.invalid.push("\"a\\x00b\"".into());
    t.invalid.push("12".into());
    if pattern.is_none() {
        let len = (min_length.unwrap_or(1).max(1)) as usize;
        if len <= max_length as usize {
            t.sort_pair = Some((py::string(&"a".repeat(len)), py::string(&"b".repeat(len))));
            t.filter_pair = t.sort_pair.clone();
        }
        t.searchable_text = max_length >= 22 && min_length.is_none_or(|m| m <= 7);
    }
    t.invalid_filters.push("\"a\\x00b\"".into());
    t.invalid_filters.extend(too_long_for_url(max_length));
    t
}

fn text_values(name: &str, min_length: Option<u32>, max_length: Option<u32>) -> TestValues {
    let mut t = TestValues::default();
    if min_length.is_some_and(|m| m >= 1) {
        t.invalid.push("\"\"".into());
    }
    if let Some(m) = max_length {
        t.invalid.push(format!("\"x\" * {}", m + 1));
    }
    t.invalid.push("\"a\\x00b\"".into());
    t.invalid.push("12".into());
    let len = (min_length.unwrap_or(1).max(1)) as usize;
    if max_length.is_none_or(|m| len <= m as usize) {
        t.sort_pair = Some((py::string(&"a".repeat(len)), py::string(&"b".repeat(len))));
    }
    t.searchable_text = max_length.is_none_or(|m| m >= 22) && min_length.is_none_or(|m| m <= 7);
    t.example = Some(Expr::str(&fit_text(
        &format!("Sample {}", py::words(name)),
        min_length,
        max_length,
    )));
    t
}

fn email_values(f: &Field, max_length: u32) -> TestValues {
    let name = &f.name;
    let mut t = TestValues {
        invalid: vec!["\"not-an-email\"".into(), "\"a\\x00b@example.com\"".into()],
        invalid_filters: vec!["\"a\\x00b\"".into()],
        ..TestValues::default()
    };
    // Addresses that fit a short max_length (which counts as 6).
    let domain = if max_length >= 13 { "example.com" } else { "x.co" };
    t.sort_pair = Some((py::string(&format!("a@{domain}")), py::string(&format!("b@{domain}"))));
    t.filter_pair = t.sort_pair.clone();
    t.invalid_filters.extend(too_long_for_url(max_length));
    // The field name with dots: no `_`, which the search tests use.
    let local = Expr::str(&name.replace('_', "."));
    t.example = Some(if f.unique && max_length < 24 {
        // Short addresses: one letter or digit before `@x.co`.
        let values = ('a'..='p').map(|c| py::string(&format!("{c}@x.co"))).collect();
        pooled(name, values, &mut t.pool)
    } else if max_length >= 320 {
        Expr::call("unique_email", vec![local])
    } else {
        Expr::call("unique_email", vec![local, max_length.to_string().into()])
    });
    t
}

fn int_values(f: &Field, b: &Bounds, column: (i64, i64)) -> TestValues {
    let (lo, hi) = int_range(b, column);
    let v1 = if lo <= 1 && 1 <= hi { 1 } else { lo };
    let v2 = if v1 < hi { v1 + 1 } else { v1 };
    let mut t = TestValues {
        invalid: vec![py_int(lo - 1), py_int(hi + 1), "1.5".into(), "\"abc\"".into()],
        invalid_filters: vec![py_int(lo - 1), py_int(hi + 1), "\"abc\"".into()],
        ..TestValues::default()
    };
    if v1 < v2 {
        t.sort_pair = Some((v1.to_string(), v2.to_string()));
        t.filter_pair = t.sort_pair.clone();
    }
    t.example = Some(if f.unique && hi - lo < 1000 {
        let values = (lo..=hi).take(POOL_SIZE).map(py_int).collect();
        pooled(&f.name, values, &mut t.pool)
    } else if f.unique {
        Expr::call("unique_int", vec![py_int(lo).into(), py_int(hi).into()])
    } else {
        v2.to_string().into()
    });
    t
}

fn float_field_values(b: &Bounds) -> TestValues {
    let (v1, v2) = float_values(b);
    let (lo, hi) = float_range(b);
    let mut invalid: Vec<String> = Vec::new();
    invalid.extend(lo.map(|lo| python_float(lo - 0.5)));
    invalid.extend(hi.map(|hi| python_float(hi + 0.5)));
    invalid.extend(["float(\"nan\")", "float(\"inf\")", "\"abc\""].map(String::from));
    TestValues {
        invalid,
        sort_pair: Some((python_float(v1), python_float(v2))),
        example: Some(python_float(v2).into()),
        ..TestValues::default()
    }
}

fn decimal_values(f: &Field, max_digits: u32, decimal_places: u32, bounds: &Bounds) -> TestValues {
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
    // Test values SQLite keeps exactly (it stores decimals as floats): on
    // a grid of 1, 0.5 or 0.25 where the bounds leave room, else on the
    // grid of the last decimal place.
    let fine = 10f64.powi(-(decimal_places as i32));
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
    let decimal = |v: f64| py::string(&fmt_decimal(v, decimal_places));
    let mut t = TestValues {
        invalid: vec![
            py::string(&format!("1.{}", "1".repeat(decimal_places as usize + 1))),
            py::string(&"9".repeat(int_digits as usize + 1)),
            "\"NaN\"".into(),
            "float(\"inf\")".into(),
        ],
        ..TestValues::default()
    };
    if let Some(lo) = bounds.ge.as_ref().or(bounds.gt.as_ref()) {
        t.invalid.push(decimal(lo.value - 1.0));
    }
    if v1 < v2 && bounds.contains(v1) && bounds.contains(v2) {
        t.sort_pair = Some((decimal(v1), decimal(v2)));
    }
    // Unique: steps of the last place from v1, never past v2.
    let steps = ((v2 - v1) / step).floor().min(1e6);
    t.example = Some(if f.unique && steps < 1000.0 {
        // Few steps: each value once, in turn.
        let values = (0..=(steps as u64).min(POOL_SIZE as u64 - 1))
            .map(|k| decimal(v1 + k as f64 * step))
            .collect();
        pooled(&f.name, values, &mut t.pool)
    } else if f.unique {
        Expr::call(
            "unique_decimal",
            vec![
                decimal(v1).into(),
                decimal(step).into(),
                (steps as u64).to_string().into(),
            ],
        )
    } else {
        decimal(v2).into()
    });
    t
}

/// A type whose values need no fitting: date, datetime, uuid.
fn fixed_values(example: &str, invalid: &[&str], invalid_filters: &[&str], pair: (&str, &str)) -> TestValues {
    let pair = (pair.0.to_owned(), pair.1.to_owned());
    TestValues {
        example: Some(example.into()),
        invalid: invalid.iter().map(|s| (*s).to_owned()).collect(),
        invalid_filters: invalid_filters.iter().map(|s| (*s).to_owned()).collect(),
        sort_pair: Some(pair.clone()),
        filter_pair: Some(pair),
        ..TestValues::default()
    }
}

fn enum_values(f: &Field, values: &[String]) -> TestValues {
    let bogus = py::string(if values.iter().any(|v| v == "bogus") {
        "bogus_value"
    } else {
        "bogus"
    });
    let mut t = TestValues {
        invalid: vec![bogus.clone()],
        invalid_filters: vec![bogus],
        ..TestValues::default()
    };
    // The repository sorts enums in the order of their values on every
    // database: the last value sorts after the first whatever their text.
    if let [first, .., last] = values {
        t.sort_pair = Some((py::string(first), py::string(last)));
        t.filter_pair = Some((py::string(&values[0]), py::string(&values[1])));
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
    t.example = Some(Expr::str(example));
    t
}

/// An id that names no row.
pub fn missing_id(kind: IdKind) -> &'static str {
    match kind {
        IdKind::Str | IdKind::Uuid => "\"00000000-0000-4000-8000-000000000000\"",
        IdKind::Int => "2147483647",
    }
}

/// Path values that are not an id at all.
pub fn malformed_ids(kind: IdKind) -> Vec<String> {
    let ids: &[&str] = match kind {
        IdKind::Str => &["\"x\" * 37", "\"a%00b\""],
        IdKind::Uuid => &["\"not-a-uuid\"", "\"1234\""],
        IdKind::Int => &["\"abc\"", "\"0\"", "\"-1\"", "\"2147483648\"", "\"1.5\""],
    };
    ids.iter().map(|s| (*s).to_owned()).collect()
}

/// Body values of a ref to a domain with ids of `kind` that fail validation.
fn invalid_ids(kind: IdKind) -> Vec<String> {
    let ids: &[&str] = match kind {
        IdKind::Str => &["\"x\" * 37", "\"a\\x00b\""],
        IdKind::Uuid => &["\"not-a-uuid\""],
        IdKind::Int => &["0", "2**31", "\"abc\""],
    };
    ids.iter().map(|s| (*s).to_owned()).collect()
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

/// Two valid floats low < high, within the bounds.
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
pub fn fmt_decimal(v: f64, places: u32) -> String {
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
