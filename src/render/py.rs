//! Python literals written the way `ruff format` leaves them.

/// A string literal: double quotes unless the text holds `"` and no `'`
/// (ruff's preferred-quote rule), backslash escapes for the rest.
pub fn string(s: &str) -> String {
    let quote = if s.contains('"') && !s.contains('\'') {
        '\''
    } else {
        '"'
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\x00"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A docstring body: one line, no triple quotes or trailing backslash.
pub fn doc(s: &str) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let flat = flat.replace('\\', "\\\\").replace("\"\"\"", "'''");
    let flat = flat.trim_end_matches('"').to_owned();
    let mut flat = if flat.is_empty() {
        "No description.".to_owned()
    } else {
        flat
    };
    if !flat.ends_with(['.', '!', '?']) {
        flat.push('.');
    }
    flat
}

/// A set of identifiers; rendering reads one per file, so it hashes with
/// the fast non-cryptographic Fx hash.
pub type Identifiers<'a> = rustc_hash::FxHashSet<&'a str>;

/// The identifiers Python code uses, outside comments and string literals
/// (inside f-strings every identifier counts, placeholders or not). What an
/// import block needs is read off the code this way, the way ruff's F401 does.
pub fn code_identifiers(src: &str) -> Identifiers<'_> {
    let bytes = src.as_bytes();
    let mut used = Identifiers::default();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if c == b'"' || c == b'\'' {
            i = skip_string(src, i, false, &mut used);
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80) {
                i += 1;
            }
            let word = &src[start..i];
            let prefix = word.len() <= 2 && word.chars().all(|c| "rRbBuUfF".contains(c));
            if prefix && i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                i = skip_string(src, i, word.contains(['f', 'F']), &mut used);
            } else if !is_attribute(bytes, start) && !is_assigned(bytes, start, i) {
                used.insert(word);
            }
        } else {
            i += 1;
        }
    }
    used
}

/// Whether the name starting at `start` follows a `.`: `row.cycle` is no
/// use of an imported `cycle`.
fn is_attribute(bytes: &[u8], start: usize) -> bool {
    bytes[..start]
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'.')
}

/// Whether the name at `start..end` is assigned or a keyword argument
/// (`cycle = ...` at the start of a line, `f(x, cycle=...)`), which is no
/// use of it either. In `name: T = ...` the `T` is a use.
fn is_assigned(bytes: &[u8], start: usize, end: usize) -> bool {
    let mut rest = bytes[end..].iter().skip_while(|b| **b == b' ');
    let equals = rest.next() == Some(&b'=') && rest.next() != Some(&b'=');
    let before = bytes[..start].iter().rev().find(|b| **b != b' ' && **b != b'\t');
    equals && matches!(before, None | Some(b'\n' | b'(' | b','))
}

/// Skips the string literal opening at `start`; returns the index after it.
/// An f-string's contents are scanned for identifiers.
fn skip_string<'a>(src: &'a str, start: usize, f: bool, used: &mut Identifiers<'a>) -> usize {
    let bytes = src.as_bytes();
    let q = bytes[start];
    let triple = bytes.len() >= start + 3 && bytes[start + 1] == q && bytes[start + 2] == q;
    let open = if triple { 3 } else { 1 };
    let mut i = start + open;
    let body_start = i;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == q && (!triple || (bytes.len() >= i + 3 && bytes[i + 1] == q && bytes[i + 2] == q)) => {
                if f {
                    used.extend(code_identifiers(&src[body_start..i]));
                }
                return i + open;
            }
            b'\n' if !triple => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// `name` as words for a sentence: `co_artist_id` → `co artist id`.
pub fn words(name: &str) -> String {
    name.replace('_', " ")
}

/// "a" or "an" before `word`.
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_use_ruffs_quotes() {
        assert_eq!(string("plain"), "\"plain\"");
        assert_eq!(string("say \"hi\""), "'say \"hi\"'");
        assert_eq!(string("it's \"x\""), "\"it's \\\"x\\\"\"");
        assert_eq!(string("^\\d+$"), "\"^\\\\d+$\"");
        assert_eq!(string("a\0b"), "\"a\\x00b\"");
    }

    #[test]
    fn identifiers_outside_strings_and_comments() {
        let code =
            "from x import a  # date\n\"\"\"Decimal \"q\".\"\"\"\nb = c.d('uuid', r\"\\\"e\")\nf\"{g}/{h['i']}\"\n";
        let mut used: Vec<&str> = code_identifiers(code).into_iter().collect();
        used.sort_unstable();
        assert_eq!(used, ["a", "c", "from", "g", "h", "import", "x"]);
        let code = "f(client, cycle=1)\nrow.select\nif a == b:\n    n += 1\nx: T = Field(\n    sa=U,\n)\n";
        let mut used: Vec<&str> = code_identifiers(code).into_iter().collect();
        used.sort_unstable();
        assert_eq!(
            used,
            ["Field", "T", "U", "a", "b", "client", "f", "if", "n", "row", "x"]
        );
    }

    #[test]
    fn docstrings_are_one_clean_sentence() {
        assert_eq!(
            doc("A work of art\n made by an artist"),
            "A work of art made by an artist."
        );
        assert_eq!(doc("ends with quote\""), "ends with quote.");
    }
}
