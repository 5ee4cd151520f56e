//! Custom sections and fingerprints (docs/design.md §6).
//!
//! A generated file has a header with a fingerprint: a hash of its
//! generated parts, i.e. the file without the fingerprint line and without
//! the bodies of its custom sections. Regeneration carries every section's
//! body over verbatim; a file whose generated parts no longer match its
//! fingerprint was edited by hand and is a conflict.

use sha2::{Digest, Sha256};

pub const FINGERPRINT_PREFIX: &str = "# scaffold: fingerprint ";
const BEGIN: &str = "# scaffold: begin custom ";
const END: &str = "# scaffold: end custom ";

/// One custom section of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    /// The lines between the markers, each with its newline.
    pub body: String,
}

/// A problem with a file's markers (1-based line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerError {
    pub line: usize,
    pub message: String,
}

/// The custom sections of `text`, in order; malformed markers are an error,
/// never a silent loss.
pub fn parse_sections(text: &str) -> Result<Vec<Section>, MarkerError> {
    let mut sections: Vec<Section> = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        let line_no = i + 1;
        if let Some(name) = trimmed.strip_prefix(BEGIN) {
            if let Some((open_name, open_line, _)) = &open {
                return Err(MarkerError {
                    line: line_no,
                    message: format!("section '{name}' begins inside section '{open_name}' (line {open_line})"),
                });
            }
            if sections.iter().any(|s| s.name == name) {
                return Err(MarkerError {
                    line: line_no,
                    message: format!("section '{name}' appears twice"),
                });
            }
            open = Some((name.to_owned(), line_no, String::new()));
        } else if let Some(name) = trimmed.strip_prefix(END) {
            match open.take() {
                Some((open_name, _, body)) if open_name == name => sections.push(Section { name: open_name, body }),
                Some((open_name, open_line, _)) => {
                    return Err(MarkerError {
                        line: line_no,
                        message: format!("'end custom {name}' closes section '{open_name}' opened on line {open_line}"),
                    });
                }
                None => {
                    return Err(MarkerError {
                        line: line_no,
                        message: format!("'end custom {name}' has no matching begin marker"),
                    });
                }
            }
        } else if trimmed.starts_with("# scaffold: begin") || trimmed.starts_with("# scaffold: end") {
            // A misspelt custom marker, or main.py's registration markers
            // (they belong in main.py alone).
            return Err(MarkerError {
                line: line_no,
                message: format!("unrecognised scaffold marker '{trimmed}'"),
            });
        } else if let Some((_, _, body)) = &mut open {
            body.push_str(line);
        }
    }
    match open {
        Some((name, line, _)) => Err(MarkerError {
            line,
            message: format!("section '{name}' has no end marker"),
        }),
        None => Ok(sections),
    }
}

/// The lines of `text` the fingerprint covers: all but the fingerprint line
/// and the bodies of custom sections.
fn generated_parts(text: &str) -> impl Iterator<Item = &str> {
    let mut inside = false;
    text.split_inclusive('\n').filter(move |line| {
        let trimmed = line.trim();
        if trimmed.starts_with(FINGERPRINT_PREFIX.trim_end()) {
            return false;
        }
        if trimmed.starts_with(END) {
            inside = false;
        }
        let keep = !inside;
        if trimmed.starts_with(BEGIN) {
            inside = true;
        }
        keep
    })
}

pub fn fingerprint_of(text: &str) -> String {
    let mut hasher = Sha256::new();
    for line in generated_parts(text) {
        hasher.update(line.as_bytes());
    }
    hex_prefix(&hasher.finalize())
}

/// The first 8 bytes of a digest as 16 lowercase hex digits.
fn hex_prefix(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    digest
        .iter()
        .take(8)
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]])
        .map(char::from)
        .collect()
}

/// The fingerprint recorded in a file's header, if any.
pub fn recorded_fingerprint(text: &str) -> Option<&str> {
    text.lines()
        .take(10)
        .find_map(|l| l.trim().strip_prefix(FINGERPRINT_PREFIX))
        .map(str::trim)
}

/// Whether the generated parts of `text` are as scaffold wrote them.
pub fn is_untouched(text: &str) -> bool {
    recorded_fingerprint(text).is_some_and(|fp| fp == fingerprint_of(text))
}

/// Fills the fingerprint placeholder line of a freshly rendered file.
/// The rendered text must contain `# scaffold: fingerprint` on a line of its
/// own in its header, and its custom sections must be empty.
pub fn stamp(mut rendered: String) -> String {
    let placeholder = placeholder_line(&rendered).expect("rendered file has a fingerprint line");
    // Sections are empty in a fresh rendering, so the generated parts are
    // everything but the placeholder line: hash the two slices around it
    // instead of walking the file line by line.
    let mut hasher = Sha256::new();
    hasher.update(&rendered.as_bytes()[..placeholder.start]);
    hasher.update(&rendered.as_bytes()[placeholder.end..]);
    let fp = hex_prefix(&hasher.finalize());
    debug_assert_eq!(
        fp,
        fingerprint_of(&rendered),
        "a fresh rendering has empty custom sections"
    );
    rendered.replace_range(placeholder, &format!("{FINGERPRINT_PREFIX}{fp}\n"));
    rendered
}

/// Byte range of the fingerprint line (with its newline) among the header
/// lines of `text`.
fn placeholder_line(text: &str) -> Option<std::ops::Range<usize>> {
    let mut start = 0;
    for line in text.split_inclusive('\n').take(10) {
        let end = start + line.len();
        if line.trim_end() == FINGERPRINT_PREFIX.trim_end() {
            return Some(start..end);
        }
        start = end;
    }
    None
}

/// `fresh` (a stamped rendering with empty sections) with the section bodies
/// of `old` carried over. The fingerprint does not change: it ignores bodies.
pub fn carry_over(fresh: &str, old: &[Section]) -> String {
    let mut out = String::with_capacity(fresh.len() + old.iter().map(|s| s.body.len()).sum::<usize>());
    for line in fresh.split_inclusive('\n') {
        out.push_str(line);
        if let Some(name) = line.trim().strip_prefix(BEGIN)
            && let Some(section) = old.iter().find(|s| s.name == name)
        {
            out.push_str(&section.body);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRESH: &str = "# header\n# scaffold: fingerprint \nclass A:\n    # scaffold: begin custom methods\n    # scaffold: end custom methods\n    x = 1\n";

    #[test]
    fn stamped_files_are_untouched_until_edited_outside_sections() {
        let stamped = stamp(FRESH.to_owned());
        assert!(is_untouched(&stamped));
        let with_code = stamped.replace(
            "    # scaffold: end custom methods\n",
            "    def mine(self) -> int:\n        return 2\n    # scaffold: end custom methods\n",
        );
        assert!(is_untouched(&with_code), "code inside a section is not an edit");
        assert!(!is_untouched(&with_code.replace("x = 1", "x = 2")));
    }

    #[test]
    fn sections_carry_over_verbatim() {
        let old = stamp(FRESH.to_owned()).replace(
            "    # scaffold: end custom methods\n",
            "  weird   spacing\n\n    # scaffold: end custom methods\n",
        );
        let sections = parse_sections(&old).unwrap();
        assert_eq!(
            sections,
            [Section {
                name: "methods".into(),
                body: "  weird   spacing\n\n".into()
            }]
        );
        let fresh = stamp(FRESH.replace("x = 1", "x = 1\n    y = 2"));
        let merged = carry_over(&fresh, &sections);
        assert!(merged.contains("  weird   spacing\n\n    # scaffold: end custom methods"));
        assert!(is_untouched(&merged));
    }

    #[test]
    fn malformed_markers_are_errors() {
        let unbalanced = "# scaffold: begin custom a\n";
        assert_eq!(parse_sections(unbalanced).unwrap_err().line, 1);
        let renamed = "# scaffold: begin custom a\n# scaffold: end custom b\n";
        assert_eq!(parse_sections(renamed).unwrap_err().line, 2);
        let twice = "# scaffold: begin custom a\n# scaffold: end custom a\n# scaffold: begin custom a\n# scaffold: end custom a\n";
        assert_eq!(parse_sections(twice).unwrap_err().message, "section 'a' appears twice");
    }
}
