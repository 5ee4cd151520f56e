//! One spec file → `Domain`, collecting every problem with its span.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::compat::{Allow, ChangeKind, SubjectShape};
use super::format::{FieldType, api_keys, compat_keys, field_keys, field_types, keys_for, top_keys};
use super::rules::{
    IMPORTED_CLASSES, MAX_DIGITS, MAX_ENUM_VALUE_LEN, MAX_FIELDS, MAX_NAME_LEN, MAX_PAGE_SIZE, MAX_SPEC_BYTES,
    MAX_STR_LENGTH, MODEL_METHOD_FIELD_NAMES as MODEL_METHOD_FIELDS, RESERVED_DOMAINS,
    RESERVED_FIELD_NAMES as RESERVED_FIELDS, SHADOWING_FIELD_NAMES as SHADOWING_FIELDS,
};
use super::{
    Api, Bounds, DefaultValue, Dependency, Domain, Field, FieldKind, FileKind, IdKind, Number, OnDelete, Operation,
    SortKey,
};
use crate::diag::{Diagnostic, Source, did_you_mean};
use crate::names::{DomainNames, is_python_identifier, is_snake_case, python_float};

struct Reader<'s> {
    source: &'s Source,
    errors: Vec<Diagnostic>,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Reader<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        self.errors.push(self.source.error(span, message));
        self.errors.last_mut().expect("just pushed")
    }

    fn unknown_key(&mut self, key: &Spanned<std::borrow::Cow<'_, str>>, valid: &[&str], context: &str) {
        let name = key.get_ref().as_ref();
        let help = match did_you_mean(name, valid.iter().copied()) {
            Some(s) => format!("did you mean '{s}'?"),
            None => format!("{context} accepts: {}", valid.join(", ")),
        };
        self.error(key.span(), format!("unknown key '{name}'")).help = Some(help);
    }

    fn wrong_type(&mut self, key: &str, value: &Value<'_>, expected: &str) {
        let found = value.get_ref().type_str();
        self.error(value.span(), format!("'{key}' must be {expected}, found {found}"));
    }

    fn string(&mut self, key: &str, value: &Value<'_>) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.wrong_type(key, value, "a string");
                None
            }
        }
    }

    fn boolean(&mut self, key: &str, value: &Value<'_>) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(key, value, "true or false");
                None
            }
        }
    }

    fn integer(&mut self, key: &str, value: &Value<'_>) -> Option<i64> {
        match value.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.error(value.span(), format!("'{key}' is out of the 64-bit range"));
                    None
                }
            },
            _ => {
                self.wrong_type(key, value, "an integer");
                None
            }
        }
    }

    /// One of the names of a closed set (`id`, `on_delete`): the member, or an
    /// error listing them.
    fn one_of<T: Copy, const N: usize>(
        &mut self,
        key: &str,
        value: &Value<'_>,
        what: &str,
        all: [T; N],
        name: fn(T) -> &'static str,
    ) -> Option<T> {
        let text = self.string(key, value)?;
        if let Some(member) = all.into_iter().find(|m| name(*m) == text) {
            return Some(member);
        }
        let names = all.map(name);
        let help = match did_you_mean(&text, names) {
            Some(s) => format!("did you mean '{s}'?"),
            None => format!("use {}", quoted_alternatives(&names)),
        };
        self.error(value.span(), format!("unknown {what} '{text}'")).help = Some(help);
        None
    }

    fn positive(&mut self, key: &str, value: &Value<'_>, max: u32) -> Option<u32> {
        let n = self.integer(key, value)?;
        match u32::try_from(n) {
            Ok(n) if n >= 1 && n <= max => Some(n),
            _ => {
                self.error(value.span(), format!("'{key}' must be between 1 and {max}, found {n}"));
                None
            }
        }
    }

    fn number(&mut self, key: &str, value: &Value<'_>, integer_only: bool) -> Option<Number> {
        match value.get_ref() {
            DeValue::Integer(_) => {
                let n = self.integer(key, value)?;
                Some(Number {
                    text: n.to_string(),
                    value: n as f64,
                })
            }
            DeValue::Float(f) if !integer_only => match f.as_str().parse::<f64>() {
                Ok(v) if v.is_finite() => Some(Number {
                    text: python_float(v),
                    value: v,
                }),
                _ => {
                    self.error(value.span(), format!("'{key}' must be a finite number"));
                    None
                }
            },
            _ => {
                let expected = if integer_only { "an integer" } else { "a number" };
                self.wrong_type(key, value, expected);
                None
            }
        }
    }

    /// An array of strings, each with its span.
    fn strings(&mut self, key: &str, value: &Value<'_>) -> Option<Vec<(String, Range<usize>)>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(key, value, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            if let Some(s) = self.string(key, item) {
                out.push((s, item.span()));
            }
        }
        Some(out)
    }

    fn table<'a, 'i>(&mut self, key: &str, value: &'a Value<'i>) -> Option<&'a DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong_type(key, value, "a table");
                None
            }
        }
    }

    fn name_check(&mut self, span: Range<usize>, what: &str, name: &str) -> bool {
        if !is_snake_case(name) || !is_python_identifier(name) {
            let (msg, help) = if is_snake_case(name) {
                (
                    format!("{what} '{name}' is a Python keyword"),
                    format!("choose another, e.g. '{name}_name' or '{name}_kind'"),
                )
            } else {
                (
                    format!("{what} '{name}' is not a snake_case identifier"),
                    format!(
                        "use lowercase snake_case, e.g. '{}'",
                        heck::ToSnakeCase::to_snake_case(name)
                    ),
                )
            };
            self.error(span, msg).help = Some(help);
            return false;
        }
        if name.len() > MAX_NAME_LEN {
            self.error(
                span,
                format!("{what} '{name}' is longer than {MAX_NAME_LEN} characters"),
            );
            return false;
        }
        true
    }
}

/// `"a", "b" or "c"`.
fn quoted_alternatives(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// "a" or "an" before a type name.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Checks a domain name taken from a file stem or the command line.
pub fn domain_name_problem(name: &str) -> Option<String> {
    if !is_snake_case(name) || !is_python_identifier(name) {
        return Some(format!(
            "domain name '{name}' must be a lowercase snake_case identifier that is not a Python keyword"
        ));
    }
    if RESERVED_DOMAINS.contains(&name) {
        return Some(format!("domain name '{name}' is reserved by the generated layout"));
    }
    let class = heck::ToUpperCamelCase::to_upper_camel_case(name);
    if IMPORTED_CLASSES.contains(&class.as_str()) {
        return Some(format!(
            "domain name '{name}' would make a class '{class}', which shadows a name the generated code imports"
        ));
    }
    if name.len() > MAX_NAME_LEN {
        return Some(format!("domain name '{name}' is longer than {MAX_NAME_LEN} characters"));
    }
    None
}

/// Parses and validates one spec; `name` is the file stem and `known` the
/// names of every spec of the project (targets of `ref` fields).
pub fn parse_spec(source: &Source, name: &str, spec_path: &str, known: &[&str]) -> Result<Domain, Vec<Diagnostic>> {
    let mut r = Reader {
        source,
        errors: Vec::new(),
    };
    if let Some(problem) = domain_name_problem(name) {
        return Err(vec![
            Diagnostic::file(&source.display, problem).with_help("rename the spec file, e.g. domains/art_fair.toml"),
        ]);
    }
    if source.text.len() > MAX_SPEC_BYTES {
        return Err(vec![Diagnostic::file(
            &source.display,
            format!("spec is larger than {} KiB", MAX_SPEC_BYTES / 1024),
        )]);
    }
    let (doc, syntax_errors) = DeTable::parse_recoverable(&source.text);
    if !syntax_errors.is_empty() {
        return Err(syntax_errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                source.error(span, format!("invalid TOML: {}", e.message().trim()))
            })
            .collect());
    }
    let doc = doc.into_inner();

    let mut description = None;
    let mut plural = None;
    let mut id = IdKind::Str;
    let mut timestamps = true;
    let mut fields_value = None;
    let mut api_value = None;
    let mut files_value = None;
    let mut renamed_from = None;
    let mut compat_value = None;
    for (key, value) in &doc {
        match key.get_ref().as_ref() {
            "description" => description = r.string("description", value),
            "plural" => {
                if let Some(p) = r.string("plural", value)
                    && r.name_check(value.span(), "plural", &p)
                {
                    if p == name {
                        r.error(value.span(), format!("plural '{p}' must differ from the domain name"));
                    } else {
                        plural = Some(p);
                    }
                }
            }
            "id" => {
                if let Some(kind) = r.one_of("id", value, "id kind", IdKind::ALL, IdKind::as_str) {
                    id = kind;
                }
            }
            "timestamps" => timestamps = r.boolean("timestamps", value).unwrap_or(true),
            "fields" => fields_value = Some(value),
            "api" => api_value = Some(value),
            "files" => files_value = Some(value),
            "compat" => compat_value = Some(value),
            "renamed_from" => {
                if let Some(old) = r.string("renamed_from", value) {
                    if let Some(problem) = domain_name_problem(&old) {
                        r.error(value.span(), format!("renamed_from: {problem}"));
                    } else if old == name {
                        r.error(value.span(), format!("domain '{name}' cannot be renamed from itself"))
                            .help = Some("write the domain's previous name, or drop `renamed_from`".to_owned());
                    } else {
                        renamed_from = Some((old, value.span()));
                    }
                }
            }
            _ => r.unknown_key(key, top_keys(), "a spec"),
        }
    }

    let mut fields = Vec::new();
    // Every field the file declares, valid or not: `[api]` lists may name a
    // field whose own error is already reported, and must not report it twice.
    let mut declared = Vec::new();
    if let Some(value) = fields_value
        && let Some(table) = r.table("fields", value)
    {
        if table.len() > MAX_FIELDS {
            r.error(value.span(), format!("a domain may have at most {MAX_FIELDS} fields"));
        }
        for (key, value) in table {
            declared.push(key.get_ref().to_string());
            if let Some(field) = parse_field(&mut r, key, value, known) {
                fields.push(field);
            }
        }
    }
    if fields.is_empty() && r.errors.is_empty() {
        r.errors.push(
            Diagnostic::file(&source.display, "a domain needs at least one field")
                .with_help("add a [fields.<name>] table with a `type`"),
        );
    }

    renames_of_fields(&mut r, &fields);
    let api = parse_api(&mut r, api_value, &fields, &declared, timestamps);
    let owned = files_value.map(|v| parse_files(&mut r, v)).unwrap_or_default();
    let compat = compat_value
        .map(|v| parse_compat(&mut r, v, name, &declared, known))
        .unwrap_or_default();

    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    Ok(Domain {
        names: DomainNames::new(name, plural.as_deref()),
        spec_path: spec_path.to_owned(),
        description,
        id,
        timestamps,
        fields,
        api,
        owned,
        renamed_from,
        compat,
    })
}

/// A field's `renamed_from` may name neither a field the spec still has nor
/// the previous name of another field.
fn renames_of_fields(r: &mut Reader<'_>, fields: &[Field]) {
    for (i, f) in fields.iter().enumerate() {
        let Some(old) = &f.renamed_from else { continue };
        if fields.iter().any(|other| other.name == *old) {
            r.error(
                f.span.clone(),
                format!("field '{}' is renamed from '{old}', which is still a field", f.name),
            )
            .help = Some(format!("remove [fields.{old}], or drop `renamed_from`"));
        } else if let Some(other) = fields[..i].iter().find(|o| o.renamed_from.as_ref() == Some(old)) {
            r.error(
                f.span.clone(),
                format!("fields '{}' and '{}' are both renamed from '{old}'", other.name, f.name),
            );
        }
    }
}

fn parse_field(
    r: &mut Reader<'_>,
    key: &Spanned<std::borrow::Cow<'_, str>>,
    value: &Value<'_>,
    known: &[&str],
) -> Option<Field> {
    let name = key.get_ref().to_string();
    let name_ok = r.name_check(key.span(), "field name", &name);
    if name_ok && SHADOWING_FIELDS.contains(&name.as_str()) {
        r.error(
            key.span(),
            format!("field name '{name}' would shadow the type `{name}` in the generated classes"),
        )
        .help = Some(format!(
            "choose a more specific name, e.g. '{name}_value' or 'event_{name}'"
        ));
    } else if name_ok && MODEL_METHOD_FIELDS.contains(&name.as_str()) {
        r.error(
            key.span(),
            format!("field name '{name}' would shadow the method `{name}` of pydantic's BaseModel"),
        )
        .help = Some(format!(
            "choose a more specific name, e.g. '{name}_data' or 'item_{name}'"
        ));
    } else if name_ok && (RESERVED_FIELDS.contains(&name.as_str()) || name.starts_with("model_")) {
        let help = if name.starts_with("model_") {
            "pydantic reserves the 'model_' prefix; choose another name".to_owned()
        } else {
            "this name is used by the generated code; choose another, e.g. 'display_name' or 'kind'".to_owned()
        };
        r.error(key.span(), format!("field name '{name}' is reserved")).help = Some(help);
    }
    let table = r.table(&format!("fields.{name}"), value)?;
    let Some((_, ty_value)) = table.iter().find(|(k, _)| k.get_ref() == "type") else {
        r.error(key.span(), format!("field '{name}' has no 'type'")).help =
            Some(format!("add `type = \"str\"`; types: {}", field_types().join(", ")));
        return None;
    };
    let ty_name = r.string("type", ty_value)?;
    let Some(ty) = FieldType::from_name(&ty_name) else {
        let help = match did_you_mean(&ty_name, field_types().iter().copied()) {
            Some(s) => format!("did you mean '{s}'?"),
            None => format!("types: {}", field_types().join(", ")),
        };
        r.error(ty_value.span(), format!("unknown field type '{ty_name}'")).help = Some(help);
        return None;
    };
    let allowed = keys_for(ty);
    let errors_before = r.errors.len();

    let mut optional = false;
    let mut unique = false;
    let mut index = false;
    let mut description = None;
    let mut deprecated = false;
    let mut example = None;
    let mut raw_default = None;
    let mut raw_backfill = None;
    let mut renamed_from = None;
    let mut min_length = None;
    let mut max_length = None;
    let mut pattern = None;
    let mut bounds = Bounds::default();
    let mut max_digits = None;
    let mut decimal_places = None;
    let mut values = None;
    let mut to = None;
    let mut on_delete = None;
    let integer_only = matches!(ty, FieldType::Int | FieldType::BigInt);

    for (k, v) in table {
        let k_name = k.get_ref().as_ref();
        if !field_keys().contains(&k_name) {
            r.unknown_key(k, field_keys(), "a field");
            continue;
        }
        let common = matches!(k_name, "type" | "optional" | "description");
        if !common && !allowed.contains(&k_name) {
            let mut valid: Vec<&str> = vec!["optional", "description"];
            valid.extend(allowed);
            r.error(
                k.span(),
                format!("key '{k_name}' does not apply to a field of type '{ty_name}'"),
            )
            .help = Some(format!(
                "{} '{ty_name}' field accepts: {}",
                article(&ty_name),
                valid.join(", ")
            ));
            continue;
        }
        match k_name {
            "type" => {}
            "optional" => optional = r.boolean(k_name, v).unwrap_or(false),
            "unique" => unique = r.boolean(k_name, v).unwrap_or(false),
            "index" => index = r.boolean(k_name, v).unwrap_or(false),
            "description" => description = r.string(k_name, v),
            "deprecated" => deprecated = r.boolean(k_name, v).unwrap_or(false),
            "example" => example = r.string(k_name, v).map(|s| (s, v.span())),
            "default" => raw_default = Some(v),
            "backfill" => raw_backfill = Some(v),
            "renamed_from" => renamed_from = r.string(k_name, v).map(|s| (s, v.span())),
            "min_length" => min_length = r.integer(k_name, v).map(|n| (n, v.span())),
            "max_length" => max_length = r.integer(k_name, v).map(|n| (n, v.span())),
            "pattern" => pattern = r.string(k_name, v).map(|s| (s, v.span())),
            "ge" => bounds.ge = r.number(k_name, v, integer_only),
            "gt" => bounds.gt = r.number(k_name, v, integer_only),
            "le" => bounds.le = r.number(k_name, v, integer_only),
            "lt" => bounds.lt = r.number(k_name, v, integer_only),
            "max_digits" => max_digits = r.positive(k_name, v, MAX_DIGITS),
            "decimal_places" => {
                decimal_places = r.integer(k_name, v).and_then(|n| {
                    if (0..=i64::from(MAX_DIGITS)).contains(&n) {
                        u32::try_from(n).ok()
                    } else {
                        r.error(
                            v.span(),
                            format!("'decimal_places' must be between 0 and {MAX_DIGITS}, found {n}"),
                        );
                        None
                    }
                })
            }
            "values" => values = r.strings(k_name, v).map(|vals| (vals, v.span())),
            "to" => to = r.string(k_name, v).map(|s| (s, v.span())),
            "on_delete" => on_delete = r.one_of(k_name, v, "on_delete", OnDelete::ALL, OnDelete::as_str),
            _ => unreachable!("every field key is matched"),
        }
    }

    let length = |r: &mut Reader<'_>, which: &str, v: Option<(i64, Range<usize>)>, max: u64| {
        let (n, span) = v?;
        match u64::try_from(n) {
            Ok(u) if u <= max && (u >= 1 || which == "min_length") => u32::try_from(u).ok(),
            _ => {
                r.error(
                    span,
                    format!(
                        "'{which}' must be between {} and {max}, found {n}",
                        u64::from(which != "min_length")
                    ),
                );
                None
            }
        }
    };
    let min_span = min_length.as_ref().map(|m| m.1.clone());
    let min_len = length(r, "min_length", min_length, MAX_STR_LENGTH);
    let max_len = length(r, "max_length", max_length, MAX_STR_LENGTH);
    if let (Some(min), Some(max)) = (min_len, max_len)
        && min > max
    {
        r.error(
            min_span.unwrap_or(key.span()),
            format!("min_length ({min}) is greater than max_length ({max})"),
        );
    }
    let bounds_ok = check_bounds(r, key.span(), &bounds);

    let kind = match ty {
        FieldType::Str => {
            if let Some((p, span)) = &pattern {
                if let Err(e) = regex::Regex::new(p) {
                    let text = e.to_string();
                    let last = text.lines().last().unwrap_or_default().trim();
                    let first = last.strip_prefix("error:").unwrap_or(last).trim().to_owned();
                    r.error(
                        span.clone(),
                        format!("pattern is not a valid regular expression: {first}"),
                    )
                    .help = Some("patterns use the syntax of Rust's regex crate, which pydantic uses".to_owned());
                } else if let Some((ex, ex_span)) = &example {
                    if !regex::Regex::new(p).is_ok_and(|re| re.is_match(ex)) {
                        r.error(ex_span.clone(), format!("example '{ex}' does not match pattern '{p}'"));
                    }
                } else {
                    r.error(
                        span.clone(),
                        "a field with a 'pattern' needs an 'example' that matches it",
                    )
                    .help = Some("add e.g. `example = \"...\"`; generated tests use it as a valid value".to_owned());
                }
            }
            FieldKind::Str {
                min_length: min_len,
                max_length: max_len.unwrap_or(255),
                pattern: pattern.map(|p| p.0),
            }
        }
        FieldType::Text => FieldKind::Text {
            min_length: min_len,
            max_length: max_len,
        },
        FieldType::Email => FieldKind::Email {
            // RFC 5321 allows addresses of up to 320 characters.
            max_length: max_len.unwrap_or(320).max(6),
        },
        FieldType::Int => {
            let int32 = f64::from(i32::MIN)..=f64::from(i32::MAX);
            let all = [&bounds.ge, &bounds.gt, &bounds.le, &bounds.lt];
            if all.into_iter().flatten().any(|n| !int32.contains(&n.value)) {
                r.error(key.span(), "bounds of an 'int' field must fit in 32 bits").help =
                    Some("use type = \"bigint\" for larger numbers".to_owned());
            }
            if bounds_ok {
                check_grid(r, key.span(), &bounds, 0);
            }
            FieldKind::Int(bounds.clone())
        }
        FieldType::BigInt => {
            if bounds_ok {
                check_grid(r, key.span(), &bounds, 0);
            }
            FieldKind::BigInt(bounds.clone())
        }
        FieldType::Float => FieldKind::Float(bounds.clone()),
        FieldType::Decimal => {
            let digits = max_digits.unwrap_or(12);
            let places = decimal_places.unwrap_or(2);
            if places > digits {
                r.error(
                    key.span(),
                    format!("decimal_places ({places}) is greater than max_digits ({digits})"),
                );
            } else if let Some(message) = decimal_bounds_problem(&bounds, digits, places) {
                r.error(key.span(), message).help =
                    Some("raise max_digits or lower decimal_places, or move the bound".to_owned());
            } else if bounds_ok {
                check_grid(r, key.span(), &bounds, places);
            }
            FieldKind::Decimal {
                max_digits: digits,
                decimal_places: places,
                bounds: bounds.clone(),
            }
        }
        FieldType::Bool => FieldKind::Bool,
        FieldType::Date => FieldKind::Date,
        FieldType::Datetime => FieldKind::Datetime,
        FieldType::Uuid => FieldKind::Uuid,
        FieldType::Json => FieldKind::Json,
        FieldType::Enum => {
            let Some((vals, span)) = values else {
                r.error(key.span(), format!("enum field '{name}' needs 'values'")).help =
                    Some("add e.g. `values = [\"draft\", \"published\"]`".to_owned());
                return None;
            };
            let mut seen: Vec<&str> = Vec::new();
            for (v, vspan) in &vals {
                if !is_snake_case(v) || v.len() > MAX_ENUM_VALUE_LEN as usize {
                    r.error(
                        vspan.clone(),
                        format!(
                            "enum value '{v}' must be lowercase snake_case (at most {MAX_ENUM_VALUE_LEN} characters)"
                        ),
                    );
                } else if seen.contains(&v.as_str()) {
                    r.error(vspan.clone(), format!("enum value '{v}' is listed twice"));
                }
                seen.push(v);
            }
            if vals.is_empty() {
                r.error(span, "an enum needs at least one value");
            }
            FieldKind::Enum {
                values: vals.into_iter().map(|v| v.0).collect(),
            }
        }
        FieldType::Ref => {
            let Some((to, to_span)) = to else {
                r.error(
                    key.span(),
                    format!("ref field '{name}' needs 'to', the domain it references"),
                )
                .help = Some("add e.g. `to = \"artist\"`".to_owned());
                return None;
            };
            if !known.contains(&to.as_str()) {
                let help = match did_you_mean(&to, known.iter().copied()) {
                    Some(s) => format!("did you mean '{s}'?"),
                    None => format!("create it first: scaffold new-domain {to} <fields>"),
                };
                r.error(
                    to_span.clone(),
                    format!("field '{name}' refers to unknown domain '{to}'"),
                )
                .help = Some(help);
            }
            let on_delete = on_delete.unwrap_or(OnDelete::Restrict);
            if on_delete == OnDelete::SetNull && !optional {
                let span = table
                    .iter()
                    .find(|(k, _)| k.get_ref() == "on_delete")
                    .map_or(key.span(), |(_, v)| v.span());
                r.error(span, "on_delete = \"set_null\" needs an optional field").help =
                    Some("add `optional = true`, or use \"restrict\" or \"cascade\"".to_owned());
            }
            FieldKind::Ref { to, to_span, on_delete }
        }
    };

    let default = raw_default.and_then(|v| parse_default(r, "default", &kind, v));
    let backfill = raw_backfill.and_then(|v| parse_default(r, "backfill", &kind, v));
    if let Some((old, span)) = &renamed_from
        && r.name_check(span.clone(), "renamed_from", old)
        && *old == name
    {
        r.error(span.clone(), format!("field '{name}' cannot be renamed from itself"))
            .help = Some("write the field's previous name, or drop `renamed_from`".to_owned());
    }
    if r.errors.len() > errors_before || !name_ok {
        return None;
    }
    Some(Field {
        name,
        kind,
        optional,
        unique,
        index,
        description,
        deprecated,
        example: example.map(|e| e.0),
        default,
        backfill,
        renamed_from: renamed_from.map(|r| r.0),
        span: key.span(),
    })
}

/// Reports contradicting bounds; whether there were none.
fn check_bounds(r: &mut Reader<'_>, span: Range<usize>, b: &Bounds) -> bool {
    let before = r.errors.len();
    let lower = [("ge", &b.ge), ("gt", &b.gt)];
    let upper = [("le", &b.le), ("lt", &b.lt)];
    if b.ge.is_some() && b.gt.is_some() {
        r.error(span.clone(), "use either 'ge' or 'gt', not both");
    }
    if b.le.is_some() && b.lt.is_some() {
        r.error(span.clone(), "use either 'le' or 'lt', not both");
    }
    for (lk, lo) in lower {
        for (uk, hi) in upper {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                // Integers exactly: an f64 cannot hold every 64-bit one.
                let order = match (lo.exact_int(), hi.exact_int()) {
                    (Some(l), Some(h)) => l.cmp(&h),
                    _ => lo.value.total_cmp(&hi.value),
                };
                let empty = if lk == "ge" && uk == "le" {
                    order.is_gt()
                } else {
                    order.is_ge()
                };
                if empty {
                    r.error(
                        span.clone(),
                        format!("{lk} ({}) and {uk} ({}) leave no valid value", lo.text, hi.text),
                    );
                }
            }
        }
    }
    r.errors.len() == before
}

/// Reports bounds between which no number with `places` decimals lies
/// (`gt = 0`, `lt = 1` on an integer): the field could hold no value.
fn check_grid(r: &mut Reader<'_>, span: Range<usize>, b: &Bounds, places: u32) {
    // Bounds so far apart that the grid cannot miss them need no check,
    // and past 15 places an f64 cannot tell.
    if places > 15 {
        return;
    }
    let scale = 10f64.powi(places as i32);
    // In units of the last place: integers exactly when they are written so.
    let units = |n: &Number| -> (i128, bool) {
        match (n.exact_int(), places) {
            (Some(i), 0) => (i, true),
            _ => ((n.value * scale).floor() as i128, (n.value * scale).fract() == 0.0),
        }
    };
    let low = b.ge.as_ref().map(|n| {
        let (u, exact) = units(n);
        if exact { u } else { u + 1 }
    });
    let low = low.or(b.gt.as_ref().map(|n| units(n).0 + 1));
    let high = b.le.as_ref().map(|n| units(n).0);
    let high = high.or(b.lt.as_ref().map(|n| {
        let (u, exact) = units(n);
        if exact { u - 1 } else { u }
    }));
    if let (Some(low), Some(high)) = (low, high)
        && low > high
    {
        let (what, help) = match places {
            0 => ("no whole number".to_owned(), "move a bound"),
            1 => (
                "no number with 1 decimal place".to_owned(),
                "move a bound, or raise decimal_places",
            ),
            n => (
                format!("no number with {n} decimal places"),
                "move a bound, or raise decimal_places",
            ),
        };
        r.error(
            span,
            format!("{what} lies within the bounds: the field could hold no value"),
        )
        .help = Some(help.to_owned());
    }
}

/// Why no value of `digits` digits, `places` of them decimals, lies within
/// the bounds (e.g. `ge = 1` with 3 digits that are all decimals).
fn decimal_bounds_problem(b: &Bounds, digits: u32, places: u32) -> Option<String> {
    // The largest value the column holds, 99.99 for (4, 2); beyond 15
    // integer digits every bound a TOML float can write fits.
    let int_digits = digits - places;
    if int_digits > 15 {
        return None;
    }
    let largest = 10f64.powi(int_digits as i32) - 10f64.powi(-(places.min(300) as i32));
    let lower =
        b.ge.as_ref()
            .map(|n| (n, n.value > largest))
            .or(b.gt.as_ref().map(|n| (n, n.value >= largest)));
    let upper =
        b.le.as_ref()
            .map(|n| (n, n.value < -largest))
            .or(b.lt.as_ref().map(|n| (n, n.value <= -largest)));
    match (lower, upper) {
        (Some((n, true)), _) | (_, Some((n, true))) => Some(format!(
            "no value with max_digits = {digits} and decimal_places = {places} (at most {largest}) is within the bound {}",
            n.text
        )),
        _ => None,
    }
}

fn parse_default(r: &mut Reader<'_>, key: &str, kind: &FieldKind, v: &Value<'_>) -> Option<DefaultValue> {
    let span = v.span();
    match kind {
        FieldKind::Str {
            min_length,
            max_length,
            pattern,
        } => {
            let s = r.string(key, v)?;
            let len = s.chars().count();
            if len > *max_length as usize || min_length.is_some_and(|m| len < m as usize) {
                r.error(span, format!("{key} does not fit min_length/max_length"));
            } else if let Some(p) = pattern
                && !regex::Regex::new(p).is_ok_and(|re| re.is_match(&s))
            {
                r.error(span, format!("{key} '{s}' does not match pattern '{p}'"));
            } else if s.contains('\0') {
                r.error(span, format!("{key} may not contain NUL"));
            }
            Some(DefaultValue::Str(s))
        }
        FieldKind::Text { min_length, max_length } => {
            let s = r.string(key, v)?;
            let len = s.chars().count();
            if max_length.is_some_and(|m| len > m as usize) || min_length.is_some_and(|m| len < m as usize) {
                r.error(span, format!("{key} does not fit min_length/max_length"));
            }
            Some(DefaultValue::Str(s))
        }
        FieldKind::Enum { values } => {
            let s = r.string(key, v)?;
            if !values.contains(&s) {
                let help = match did_you_mean(&s, values.iter().map(String::as_str)) {
                    Some(c) => format!("did you mean '{c}'?"),
                    None => format!("values: {}", values.join(", ")),
                };
                r.error(span, format!("{key} '{s}' is not one of the enum's values"))
                    .help = Some(help);
            }
            Some(DefaultValue::Str(s))
        }
        FieldKind::Bool => r.boolean(key, v).map(DefaultValue::Bool),
        FieldKind::Int(b) | FieldKind::BigInt(b) => {
            let n = r.integer(key, v)?;
            let (lo, hi) = if matches!(kind, FieldKind::Int(_)) {
                (i64::from(i32::MIN), i64::from(i32::MAX))
            } else {
                (i64::MIN, i64::MAX)
            };
            if n < lo || n > hi || !b.contains_int(i128::from(n)) {
                r.error(span, format!("{key} {n} is outside the field's bounds"));
            }
            Some(DefaultValue::Int(n))
        }
        FieldKind::Float(b) | FieldKind::Decimal { bounds: b, .. } => {
            let n = r.number(key, v, false)?;
            if !b.contains(n.value) {
                r.error(span, format!("{key} {} is outside the field's bounds", n.text));
            }
            Some(DefaultValue::Number(n))
        }
        _ => None,
    }
}

fn parse_api(
    r: &mut Reader<'_>,
    value: Option<&Value<'_>>,
    fields: &[Field],
    declared: &[String],
    timestamps: bool,
) -> Api {
    let mut api = Api {
        operations: Operation::ALL.to_vec(),
        filters: Vec::new(),
        search: Vec::new(),
        sort: Vec::new(),
        default_sort: SortKey {
            column: if timestamps { "created_at" } else { "id" }.to_owned(),
            descending: timestamps,
        },
        page_size: 20,
        max_page_size: 100,
        dependencies: Vec::new(),
    };
    let Some(value) = value else { return api };
    let Some(table) = r.table("api", value) else {
        return api;
    };
    let mut page_size_span = None;
    for (key, v) in table {
        let k = key.get_ref().as_ref();
        match k {
            "operations" => {
                if let Some(ops) = r.strings(k, v) {
                    let mut chosen = Vec::new();
                    for (op, span) in ops {
                        match Operation::ALL.iter().find(|o| o.as_str() == op) {
                            Some(o) if !chosen.contains(o) => chosen.push(*o),
                            Some(_) => {
                                r.error(span, format!("operation '{op}' is listed twice"));
                            }
                            None => {
                                let names = Operation::ALL.map(Operation::as_str);
                                let help = match did_you_mean(&op, names) {
                                    Some(s) => format!("did you mean '{s}'?"),
                                    None => format!("operations: {}", names.join(", ")),
                                };
                                r.error(span, format!("unknown operation '{op}'")).help = Some(help);
                            }
                        }
                    }
                    let items = v.get_ref().as_array().map_or(0, |a| a.len());
                    if chosen.is_empty() && items == 0 {
                        r.error(v.span(), "list at least one operation");
                    }
                    chosen.sort();
                    api.operations = chosen;
                }
            }
            "filters" | "search" | "sort" => {
                if let Some(names) = r.strings(k, v) {
                    let mut out: Vec<String> = Vec::new();
                    for (n, span) in names {
                        if let Some(problem) = column_problem(k, &n, fields, declared, timestamps) {
                            // A close name helps only when the name is not a field.
                            let candidates = fields.iter().map(|f| f.name.as_str()).filter(|c| *c != n);
                            let msg = problem.0;
                            let help = did_you_mean(&n, candidates)
                                .map(|s| format!("did you mean '{s}'?"))
                                .unwrap_or(problem.1);
                            r.error(span, msg).help = Some(help);
                        } else if out.contains(&n) {
                            r.error(span, format!("'{n}' is listed twice in '{k}'"));
                        } else {
                            out.push(n);
                        }
                    }
                    match k {
                        "filters" => api.filters = out,
                        "search" => api.search = out,
                        _ => api.sort = out,
                    }
                }
            }
            "default_sort" => {
                if let Some(s) = r.string(k, v) {
                    let (column, descending) = match s.strip_prefix('-') {
                        Some(c) => (c.to_owned(), true),
                        None => (s.clone(), false),
                    };
                    if let Some(problem) = column_problem("sort", &column, fields, declared, timestamps) {
                        r.error(v.span(), format!("default_sort: {}", problem.0)).help = Some(problem.1);
                    } else {
                        api.default_sort = SortKey { column, descending };
                    }
                }
            }
            "page_size" => {
                if let Some(n) = r.positive(k, v, MAX_PAGE_SIZE) {
                    api.page_size = n;
                    page_size_span = Some(v.span());
                }
            }
            "max_page_size" => {
                if let Some(n) = r.positive(k, v, MAX_PAGE_SIZE) {
                    api.max_page_size = n;
                }
            }
            "dependencies" => {
                if let Some(deps) = r.strings(k, v) {
                    for (d, span) in deps {
                        match parse_dependency(&d) {
                            Some(dep) => api.dependencies.push(dep),
                            None => {
                                r.error(
                                    span,
                                    format!("dependency '{d}' is not of the form 'package.module:callable'"),
                                )
                                .help = Some("e.g. \"backend.api.deps:require_user\"".to_owned());
                            }
                        }
                    }
                }
            }
            _ => r.unknown_key(key, api_keys(), "[api]"),
        }
    }
    if api.page_size > api.max_page_size {
        r.error(
            page_size_span.unwrap_or(value.span()),
            format!(
                "page_size ({}) is greater than max_page_size ({})",
                api.page_size, api.max_page_size
            ),
        );
    }
    api
}

/// Why `name` cannot be used in `[api] <list>`, with a hint.
fn column_problem(
    list: &str,
    name: &str,
    fields: &[Field],
    declared: &[String],
    timestamps: bool,
) -> Option<(String, String)> {
    let builtin = name == "id" || (timestamps && (name == "created_at" || name == "updated_at"));
    if builtin {
        return match list {
            "sort" => None,
            "filters" if name == "id" => Some((
                format!("'{name}' cannot be a filter"),
                "GET /{id} reads one row".to_owned(),
            )),
            _ => Some((
                format!("'{name}' cannot be used in '{list}'"),
                "name one of the spec's fields".to_owned(),
            )),
        };
    }
    let Some(field) = fields.iter().find(|f| f.name == name) else {
        if declared.iter().any(|d| d == name) {
            // The field itself is invalid and already reported.
            return None;
        }
        return Some((
            format!("'{name}' in '{list}' is not a field of this domain"),
            "name one of the spec's fields".to_owned(),
        ));
    };
    let ty = field.kind.ty().as_str();
    let suitable = match list {
        "filters" => !matches!(
            field.kind,
            FieldKind::Json | FieldKind::Text { .. } | FieldKind::Float(_)
        ),
        "search" => matches!(
            field.kind,
            FieldKind::Str { .. } | FieldKind::Text { .. } | FieldKind::Email { .. }
        ),
        _ => !matches!(field.kind, FieldKind::Json),
    };
    if suitable {
        return None;
    }
    let hint = match list {
        "filters" => "filters take str, int, bigint, decimal, bool, date, datetime, uuid, email, enum and ref fields",
        "search" => "search takes str, text and email fields",
        _ => "json fields cannot be sorted",
    };
    Some((
        format!("field '{name}' of type '{ty}' cannot be used in '{list}'"),
        hint.to_owned(),
    ))
}

fn parse_dependency(s: &str) -> Option<Dependency> {
    let (module, name) = s.split_once(':')?;
    let ok = module.split('.').all(is_python_identifier) && is_python_identifier(name);
    ok.then(|| Dependency {
        module: module.to_owned(),
        name: name.to_owned(),
    })
}

fn parse_files(r: &mut Reader<'_>, value: &Value<'_>) -> Vec<FileKind> {
    let mut owned = Vec::new();
    let Some(table) = r.table("files", value) else {
        return owned;
    };
    let kinds = FileKind::ALL.map(FileKind::as_str);
    for (key, v) in table {
        let k = key.get_ref().as_ref();
        let Some(kind) = FileKind::ALL.iter().find(|f| f.as_str() == k) else {
            r.unknown_key(key, &kinds, "[files]");
            continue;
        };
        match r.string(k, v).as_deref() {
            Some("owned") => owned.push(*kind),
            Some("generated") => {}
            Some(other) => {
                r.error(
                    v.span(),
                    format!("[files] {k} = '{other}': use \"owned\" or \"generated\""),
                );
            }
            None => {}
        }
    }
    owned.sort();
    owned
}

/// `[compat] allow = ["KIND:SUBJECT", ...]`: the breaking changes the spec
/// approves. SUBJECT is `domain` or `domain.name` as the kind takes it, and
/// names this spec's domain, or for `remove` a domain that no longer has a spec.
fn parse_compat(r: &mut Reader<'_>, value: &Value<'_>, name: &str, declared: &[String], known: &[&str]) -> Vec<Allow> {
    let mut allows: Vec<Allow> = Vec::new();
    let Some(table) = r.table("compat", value) else {
        return allows;
    };
    for (key, v) in table {
        let k = key.get_ref().as_ref();
        if k != "allow" {
            r.unknown_key(key, compat_keys(), "[compat]");
            continue;
        }
        let Some(entries) = r.strings(k, v) else { continue };
        for (entry, span) in entries {
            if let Some(allow) = allow_entry(r, &entry, span, name, declared, known) {
                if allows
                    .iter()
                    .any(|a| a.kind == allow.kind && a.subject == allow.subject)
                {
                    r.error(allow.span, format!("'{entry}' is listed twice in 'allow'"));
                } else {
                    allows.push(allow);
                }
            }
        }
    }
    allows
}

fn allow_entry(
    r: &mut Reader<'_>,
    entry: &str,
    span: Range<usize>,
    name: &str,
    declared: &[String],
    known: &[&str],
) -> Option<Allow> {
    let approvable: Vec<&str> = ChangeKind::approvable().map(ChangeKind::as_str).collect();
    let Some((kind_name, subject)) = entry.split_once(':') else {
        r.error(span, format!("'{entry}' is not of the form KIND:SUBJECT")).help = Some(format!(
            "e.g. \"remove:{name}.legacy_code\"; kinds: {}",
            approvable.join(", ")
        ));
        return None;
    };
    let Some(kind) = ChangeKind::from_name(kind_name) else {
        let help = match did_you_mean(kind_name, approvable.iter().copied()) {
            Some(s) => format!("did you mean '{s}'?"),
            None => format!("kinds: {}", approvable.join(", ")),
        };
        r.error(span, format!("unknown change kind '{kind_name}'")).help = Some(help);
        return None;
    };
    if !kind.can_break() {
        r.error(
            span,
            format!("'{kind_name}' changes are never breaking: nothing to approve"),
        )
        .help = Some(format!("kinds that can break: {}", approvable.join(", ")));
        return None;
    }
    let (domain, member) = match subject.split_once('.') {
        Some((d, m)) => (d, Some(m)),
        None => (subject, None),
    };
    if !is_snake_case(domain) || member.is_some_and(|m| !is_snake_case(m)) {
        r.error(
            span,
            format!("'{entry}': the subject must be DOMAIN or DOMAIN.NAME in snake_case"),
        )
        .help = Some(format!("e.g. \"{kind_name}:{name}.title\""));
        return None;
    }
    let example = match kind.subject_shape() {
        SubjectShape::Domain if member.is_some() => Some(name.to_owned()),
        SubjectShape::Field | SubjectShape::Column if member.is_none() => Some(format!("{name}.title")),
        SubjectShape::Operation if member.is_none() => Some(format!("{name}.delete")),
        _ => None,
    };
    if let Some(example) = example {
        let what = if member.is_some() { "a domain" } else { "DOMAIN.NAME" };
        r.error(span, format!("'{kind_name}' takes {what} as its subject")).help =
            Some(format!("e.g. \"{kind_name}:{example}\""));
        return None;
    }
    let removed_domain = kind == ChangeKind::Remove && member.is_none() && !known.contains(&domain);
    if domain != name && !removed_domain {
        if known.contains(&domain) {
            r.error(
                span,
                format!("'{entry}' is about domain '{domain}': approve it in that domain's spec"),
            )
            .help = Some(format!("move it to [compat] allow of domain '{domain}'"));
        } else {
            let candidates = known.iter().copied().filter(|k| *k != domain);
            let help = match did_you_mean(domain, candidates) {
                Some(s) => format!("did you mean '{s}'?"),
                None => format!(
                    "a spec approves the changes of its own domain '{name}', and the removal of a domain that has no spec"
                ),
            };
            r.error(span, format!("'{entry}' names domain '{domain}', which has no spec"))
                .help = Some(help);
        }
        return None;
    }
    if let Some(m) = member {
        let problem = match kind.subject_shape() {
            SubjectShape::Operation if !Operation::ALL.iter().any(|o| o.as_str() == m) => {
                let names = Operation::ALL.map(Operation::as_str);
                let help = match did_you_mean(m, names) {
                    Some(s) => format!("did you mean '{s}'?"),
                    None => format!("operations: {}", names.join(", ")),
                };
                Some((format!("unknown operation '{m}'"), help))
            }
            SubjectShape::Field | SubjectShape::DomainOrField if kind != ChangeKind::Remove => {
                let builtin = kind == ChangeKind::Type && m == "id";
                (!builtin && !declared.iter().any(|d| d == m)).then(|| {
                    let help = match did_you_mean(m, declared.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean '{s}'?"),
                        None => "name one of the spec's fields".to_owned(),
                    };
                    (format!("'{m}' in '{entry}' is not a field of {name}"), help)
                })
            }
            _ => None,
        };
        if let Some((message, help)) = problem {
            r.error(span, message).help = Some(help);
            return None;
        }
    }
    Some(Allow {
        kind,
        subject: subject.to_owned(),
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Domain, String> {
        let src = Source::new("domains/artwork.toml", text.to_owned());
        parse_spec(&src, "artwork", "domains/artwork.toml", &["artwork", "artist"])
            .map_err(|d| crate::diag::first_lines(&d))
    }

    #[test]
    fn full_spec_parses() {
        let d = parse(
            r#"
description = "A work of art."
id = "int"
[fields.title]
type = "str"
max_length = 200
min_length = 1
[fields.year]
type = "int"
ge = 1000
le = 2100
optional = true
[fields.price]
type = "decimal"
max_digits = 12
decimal_places = 2
ge = 0
[fields.medium]
type = "enum"
values = ["oil", "acrylic"]
default = "oil"
[fields.artist_id]
type = "ref"
to = "artist"
[api]
filters = ["artist_id", "medium"]
search = ["title"]
sort = ["title", "year", "created_at"]
default_sort = "-year"
"#,
        )
        .unwrap();
        assert_eq!(d.names.plural, "artworks");
        assert_eq!(d.id, IdKind::Int);
        let names: Vec<_> = d.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["title", "year", "price", "medium", "artist_id"]);
        assert_eq!(
            d.api.default_sort,
            SortKey {
                column: "year".into(),
                descending: true
            }
        );
        assert_eq!(d.referenced(), ["artist"]);
    }

    #[test]
    fn reports_every_error_with_position() {
        let err = parse(
            "[fields.title]\ntype = \"str\"\nmax_lenght = 3\n[fields.year]\ntype = \"int\"\nmax_length = 4\n[fields.x]\ntype = \"strr\"\n",
        )
        .unwrap_err();
        assert_eq!(
            err,
            "domains/artwork.toml:3:1: error: unknown key 'max_lenght'\n\
             domains/artwork.toml:6:1: error: key 'max_length' does not apply to a field of type 'int'\n\
             domains/artwork.toml:8:8: error: unknown field type 'strr'"
        );
    }

    #[test]
    fn contradictions_and_reserved_names() {
        let cases = [
            ("[fields.id]\ntype = \"str\"\n", "field name 'id' is reserved"),
            (
                "[fields.a]\ntype = \"str\"\nmin_length = 5\nmax_length = 2\n",
                "min_length (5) is greater than max_length (2)",
            ),
            (
                "[fields.a]\ntype = \"enum\"\nvalues = [\"x\"]\ndefault = \"y\"\n",
                "default 'y' is not one of the enum's values",
            ),
            (
                "[fields.a]\ntype = \"ref\"\nto = \"artist\"\non_delete = \"set_null\"\n",
                "needs an optional field",
            ),
            (
                "[fields.a]\ntype = \"str\"\npattern = \"[\"\nexample = \"x\"\n",
                "pattern is not a valid regular expression",
            ),
            (
                "[fields.a]\ntype = \"str\"\npattern = \"^[0-9]+$\"\nexample = \"x\"\n",
                "does not match pattern",
            ),
            ("[fields.a]\ntype = \"int\"\nge = 5\nle = 1\n", "leave no valid value"),
        ];
        for (spec, expected) in cases {
            let err = parse(spec).unwrap_err();
            assert!(err.contains(expected), "{spec:?}: {err}");
        }
    }

    #[test]
    fn api_lists_are_checked_against_fields() {
        let err = parse("[fields.a]\ntype = \"json\"\n[api]\nfilters = [\"a\"]\nsearch = [\"b\"]\n").unwrap_err();
        assert!(
            err.contains("field 'a' of type 'json' cannot be used in 'filters'"),
            "{err}"
        );
        assert!(err.contains("'b' in 'search' is not a field of this domain"), "{err}");
    }

    #[test]
    fn unknown_ref_target_points_at_to() {
        let err = parse("[fields.artist_id]\ntype = \"ref\"\nto = \"artst\"\n").unwrap_err();
        assert_eq!(
            err,
            "domains/artwork.toml:3:6: error: field 'artist_id' refers to unknown domain 'artst'"
        );
    }

    #[test]
    fn bad_domain_names() {
        assert!(domain_name_problem("../x").is_some());
        assert!(domain_name_problem("class").is_some());
        assert!(domain_name_problem("shared").is_some());
        assert!(domain_name_problem("art_fair").is_none());
    }
}
