//! Errors in user input (specs, `scaffold.toml`, arguments), pointing at
//! file, line and column the way rustc and cargo do.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};

/// A file the user wrote, kept so errors can quote it.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path as shown to the user (relative to the project where possible).
    pub display: PathBuf,
    pub text: String,
}

impl Source {
    pub fn new(display: impl Into<PathBuf>, text: String) -> Self {
        Self {
            display: display.into(),
            text,
        }
    }

    /// An error at `span` (byte offsets into the text).
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let start = span.start.min(self.text.len());
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[start..].find('\n').map_or(self.text.len(), |i| start + i);
        let line_no = self.text[..start].matches('\n').count() + 1;
        let col = self.text[line_start..start].chars().count() + 1;
        let end = span.end.clamp(start, line_end);
        let width = self.text[start..end].chars().count().max(1);
        Diagnostic {
            file: self.display.clone(),
            location: Some(Location {
                line: line_no,
                col,
                line_text: self.text[line_start..line_end].trim_end_matches('\r').to_owned(),
                width,
            }),
            message: message.into(),
            help: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub col: usize,
    pub line_text: String,
    pub width: usize,
}

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub location: Option<Location>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error about a whole file (or a path), without a position in it.
    pub fn file(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Self {
            file: file.as_ref().to_path_buf(),
            location: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn sort_key(&self) -> (&Path, usize, usize) {
        let (line, col) = self.location.as_ref().map_or((0, 0), |l| (l.line, l.col));
        (&self.file, line, col)
    }
}

impl Diagnostic {
    /// The rustc-style report: `file:line:col: error: message`, the source
    /// line with a caret under the span, and `= help:` when there is a fix.
    pub fn render(&self, color: bool) -> String {
        let paint = |style: Style, text: &str| {
            if color {
                format!("{style}{text}{style:#}")
            } else {
                text.to_owned()
            }
        };
        let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
        let blue = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
        let bold = Style::new().bold();
        let file = self.file.display();
        let mut out = String::new();
        match &self.location {
            Some(loc) => {
                let head = format!("{file}:{}:{}:", loc.line, loc.col);
                out += &format!(
                    "{} {} {}\n",
                    paint(bold, &head),
                    paint(red, "error:"),
                    paint(bold, &self.message)
                );
                let gutter = loc.line.to_string().len();
                out += &paint(blue, &format!("{:gutter$} |", ""));
                out.push('\n');
                out += &format!("{} {}\n", paint(blue, &format!("{} |", loc.line)), loc.line_text);
                let pad: String = loc
                    .line_text
                    .chars()
                    .take(loc.col - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                out += &format!(
                    "{} {pad}{}",
                    paint(blue, &format!("{:gutter$} |", "")),
                    paint(red, &"^".repeat(loc.width))
                );
            }
            None => {
                out += &format!(
                    "{} {} {}",
                    paint(bold, &format!("{file}:")),
                    paint(red, "error:"),
                    paint(bold, &self.message)
                );
            }
        }
        if let Some(help) = &self.help {
            out += &format!("\n  = {} {help}", paint(blue, "help:"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Every problem found in the user's input; the command writes nothing.
#[derive(Debug)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn sorted(mut diags: Vec<Diagnostic>) -> Self {
        diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diags.dedup();
        Self(diags)
    }
}

impl Diagnostics {
    /// Every diagnostic, then one summary line.
    pub fn render(&self, color: bool) -> String {
        let mut out: Vec<String> = self.0.iter().map(|d| d.render(color)).collect();
        let n = self.0.len();
        out.push(format!(
            "error: {n} problem{} found; nothing was written",
            if n == 1 { "" } else { "s" }
        ));
        out.join("\n\n")
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Diagnostics {}

/// Span of `key = ...` in the text, for pointing at a value that parsed but is invalid.
pub fn key_span(text: &str, key: &str) -> std::ops::Range<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let start = offset + (line.len() - trimmed.len());
            return start..start + key.len();
        }
        offset += line.len();
    }
    0..0
}

/// The closest of `candidates` to `word`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The first line of each diagnostic (its position and message), for tests
/// that look for one problem among several.
#[cfg(test)]
pub(crate) fn first_lines(diagnostics: &[Diagnostic]) -> String {
    let lines: Vec<String> = diagnostics
        .iter()
        .map(|d| d.to_string().lines().next().unwrap_or_default().to_owned())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_line_and_column() {
        let src = Source::new("domains/a.toml", "x = 1\n[fields.name]\ntyp = \"str\"\n".into());
        let d = src.error(20..23, "unknown key 'typ'").with_help("did you mean 'type'?");
        assert_eq!(
            d.to_string(),
            "domains/a.toml:3:1: error: unknown key 'typ'\n  |\n3 | typ = \"str\"\n  | ^^^\n  = help: did you mean 'type'?"
        );
    }

    #[test]
    fn suggests_close_words_only() {
        let keys = ["max_length", "min_length", "type"];
        assert_eq!(did_you_mean("max_lenght", keys), Some("max_length"));
        assert_eq!(did_you_mean("colour", keys), None);
    }
}
