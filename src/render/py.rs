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

/// The comma-separated parts of a Python expression list, split only at
/// commas outside brackets and string literals, each trimmed.
pub fn split_top_level(list: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in list.char_indices() {
        match (quote, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(list[start..i].trim().to_owned());
                start = i + 1;
            }
            (None, _) => {}
        }
    }
    let last = list[start..].trim();
    if !last.is_empty() {
        parts.push(last.to_owned());
    }
    parts
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
    fn lists_split_at_top_level_commas_only() {
        assert_eq!(
            split_top_level("NotNull[Decimal], Quantize(2)"),
            ["NotNull[Decimal]", "Quantize(2)"]
        );
        assert_eq!(
            split_top_level("dict[str, int], Literal[\"a, b\", 'c\\', d'], x,"),
            ["dict[str, int]", "Literal[\"a, b\", 'c\\', d']", "x"]
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
