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
    fn docstrings_are_one_clean_sentence() {
        assert_eq!(
            doc("A work of art\n made by an artist"),
            "A work of art made by an artist."
        );
        assert_eq!(doc("ends with quote\""), "ends with quote.");
    }
}
