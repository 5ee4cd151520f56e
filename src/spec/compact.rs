//! `scaffold new-domain NAME FIELD...`: compact field syntax → spec TOML.
//!
//! `name:str:unique`, `bio:text?` (`?` = optional), `artist_id:ref:artist`,
//! `artist_id:ref:artist:cascade`, `status:enum:draft,published`.

use super::format::field_types;
use crate::diag::did_you_mean;

fn quote(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// The spec file text for `name`, or a message naming the bad argument.
pub fn spec_from_compact(fields: &[String], plural: Option<&str>, id: Option<&str>) -> Result<String, String> {
    let mut out = String::new();
    if let Some(p) = plural {
        out += &format!("plural = {}\n", quote(p));
    }
    if let Some(id) = id {
        out += &format!("id = {}\n", quote(id));
    }
    let mut names: Vec<&str> = Vec::new();
    for arg in fields {
        // Each argument is checked on its own, so a problem names it rather
        // than a line of a spec file that was never written.
        check_compact_field(arg).map_err(|e| format!("field '{arg}': {e}"))?;
        let name = arg.split(':').next().unwrap_or_default().trim_end_matches('?');
        if names.contains(&name) {
            return Err(format!("field '{arg}': '{name}' is given twice"));
        }
        names.push(name);
        out += "\n";
        out += &field_toml(arg).map_err(|e| format!("field '{arg}': {e}"))?;
    }
    Ok(out)
}

/// Checks one compact field (as typed at the prompt): syntax, type and a
/// field name the spec parser accepts.
pub fn check_compact_field(arg: &str) -> Result<(), String> {
    let toml = field_toml(arg)?;
    let source = crate::diag::Source::new("prompt", toml);
    let known: Vec<&str> = Vec::new();
    match super::parse_spec(&source, "prompt", "prompt", &known) {
        Ok(_) => Ok(()),
        // A ref's target is checked with the whole project afterwards.
        Err(errors) => match errors.iter().find(|e| !e.message.contains("refers to unknown domain")) {
            Some(e) => Err(e
                .help
                .as_ref()
                .map_or_else(|| e.message.clone(), |h| format!("{} ({h})", e.message))),
            None => Ok(()),
        },
    }
}

fn field_toml(arg: &str) -> Result<String, String> {
    let (arg, mut optional) = match arg.strip_suffix('?') {
        Some(rest) => (rest, true),
        None => (arg, false),
    };
    let mut parts = arg.split(':');
    let name = parts.next().unwrap_or_default();
    let Some(mut ty) = parts.next() else {
        return Err("expected NAME:TYPE, e.g. 'title:str' or 'bio:text?'".to_owned());
    };
    if let Some(t) = ty.strip_suffix('?') {
        ty = t;
        optional = true;
    }
    if name.is_empty() {
        return Err("the field name is empty".to_owned());
    }
    if !field_types().contains(&ty) {
        let hint = match did_you_mean(ty, field_types().iter().copied()) {
            Some(s) => format!("did you mean '{s}'?"),
            None => format!("types: {}", field_types().join(", ")),
        };
        return Err(format!("unknown type '{ty}' ({hint})"));
    }
    let mut toml = format!("[fields.{}]\ntype = {}\n", toml_key(name), quote(ty));
    let rest: Vec<&str> = parts.collect();
    let mut modifiers = rest.as_slice();
    match ty {
        "ref" => {
            let Some((to, more)) = modifiers.split_first() else {
                return Err("a ref needs its target: 'artist_id:ref:artist'".to_owned());
            };
            toml += &format!("to = {}\n", quote(to));
            modifiers = more;
        }
        "enum" => {
            let Some((values, more)) = modifiers.split_first() else {
                return Err("an enum needs its values: 'status:enum:draft,published'".to_owned());
            };
            let values: Vec<String> = values.split(',').map(quote).collect();
            toml += &format!("values = [{}]\n", values.join(", "));
            modifiers = more;
        }
        _ => {}
    }
    if optional {
        toml += "optional = true\n";
    }
    for (i, m) in modifiers.iter().enumerate() {
        if modifiers[..i].contains(m) {
            return Err(format!("modifier '{m}' is given twice"));
        }
        match *m {
            "unique" => toml += "unique = true\n",
            "index" => toml += "index = true\n",
            "cascade" | "restrict" | "set_null" if ty == "ref" => toml += &format!("on_delete = {}\n", quote(m)),
            other => {
                let known: &[&str] = if ty == "ref" {
                    &["unique", "index", "cascade", "restrict", "set_null"]
                } else {
                    &["unique", "index"]
                };
                let hint = did_you_mean(other, known.iter().copied()).map_or_else(
                    || format!("modifiers: {}", known.join(", ")),
                    |s| format!("did you mean '{s}'?"),
                );
                return Err(format!("unknown modifier '{other}' ({hint})"));
            }
        }
    }
    Ok(toml)
}

/// A bare TOML key when possible, so the spec reads naturally.
fn toml_key(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        name.to_owned()
    } else {
        quote(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_fields_become_tables() {
        let args: Vec<String> = [
            "name:str:unique",
            "bio:text?",
            "artist_id:ref:artist:cascade",
            "status:enum:draft,published",
        ]
        .map(String::from)
        .to_vec();
        let toml = spec_from_compact(&args, None, Some("int")).unwrap();
        assert_eq!(
            toml,
            "id = \"int\"\n\n[fields.name]\ntype = \"str\"\nunique = true\n\n[fields.bio]\ntype = \"text\"\noptional = true\n\n\
             [fields.artist_id]\ntype = \"ref\"\nto = \"artist\"\non_delete = \"cascade\"\n\n\
             [fields.status]\ntype = \"enum\"\nvalues = [\"draft\", \"published\"]\n"
        );
    }

    #[test]
    fn bad_arguments_are_named() {
        let err = spec_from_compact(&["year:integer?".into()], None, None).unwrap_err();
        assert_eq!(
            err,
            "field 'year:integer?': unknown type 'integer' (did you mean 'int'?)"
        );
        assert!(
            spec_from_compact(&["year".into()], None, None)
                .unwrap_err()
                .contains("expected NAME:TYPE")
        );
        assert!(
            spec_from_compact(&["a:ref".into()], None, None)
                .unwrap_err()
                .contains("needs its target")
        );
    }
}
