//! What the user sees: one line per file in Rails' generator voice.

use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};

use crate::cli::{ColorChoice, GlobalArgs};

/// What happened (or would happen) to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Create,
    Update,
    Unchanged,
    /// `init` found the file already there and left it alone.
    Exist,
    Register,
    Unregister,
    Conflict,
    /// A conflict overwritten by `--force` (after a backup).
    Force,
    /// `check`: the file is not what the specs produce.
    Stale,
    Remove,
    /// `remove-domain` left a file with someone's work in it.
    Keep,
    /// `generate`: a generated file whose spec was deleted, left alone.
    Orphan,
}

impl Verb {
    fn word(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Unchanged => "unchanged",
            Self::Exist => "exist",
            Self::Register => "register",
            Self::Unregister => "unregister",
            Self::Conflict => "conflict",
            Self::Force => "force",
            Self::Stale => "stale",
            Self::Remove => "remove",
            Self::Keep => "keep",
            Self::Orphan => "orphan",
        }
    }

    fn style(self) -> Style {
        let color = match self {
            Self::Create | Self::Register => AnsiColor::Green,
            Self::Update | Self::Unregister | Self::Force | Self::Remove | Self::Keep => AnsiColor::Yellow,
            Self::Unchanged | Self::Exist => AnsiColor::Blue,
            Self::Conflict | Self::Stale | Self::Orphan => AnsiColor::Red,
        };
        Style::new().fg_color(Some(color.into())).bold()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    pub color: bool,
    pub quiet: bool,
    pub verbose: bool,
}

impl Reporter {
    pub fn new(global: &GlobalArgs) -> Self {
        Self {
            color: use_color(global.color, std::io::stdout().is_terminal()),
            quiet: global.quiet,
            verbose: global.verbose,
        }
    }

    /// `      create  backend/domain/artist/model.py`
    pub fn file(&self, verb: Verb, path: &str) {
        let shown = match verb {
            Verb::Unchanged | Verb::Exist => self.verbose,
            Verb::Conflict | Verb::Stale | Verb::Orphan => true,
            _ => !self.quiet,
        };
        if shown {
            self.line(&format!(
                "{}  {path}",
                self.paint(verb.style(), &format!("{:>10}", verb.word()))
            ));
        }
    }

    /// A plain line of output, suppressed by `-q`.
    pub fn say(&self, text: &str) {
        if !self.quiet {
            self.line(text);
        }
    }

    /// An explanation under a file line (always shown: it explains a problem).
    pub fn note(&self, text: &str) {
        self.line(&format!("{:>10}  {text}", ""));
    }

    /// A unified diff, coloured when colour is on.
    pub fn diff(&self, path: &str, old: &str, new: &str) {
        self.raw(&unified_diff(path, old, new));
    }

    /// Text printed as is (a diff), coloured line by line.
    pub fn raw(&self, text: &str) {
        let mut out = String::with_capacity(text.len());
        for l in text.lines() {
            let style = match l.as_bytes().first() {
                _ if l.starts_with("+++") || l.starts_with("---") => Style::new().bold(),
                Some(b'+') => Style::new().fg_color(Some(AnsiColor::Green.into())),
                Some(b'-') => Style::new().fg_color(Some(AnsiColor::Red.into())),
                Some(b'@') => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
                _ => Style::new(),
            };
            out += &self.paint(style, l);
            out.push('\n');
        }
        self.line(out.trim_end_matches('\n'));
    }

    /// A line that is always printed (results of `check`).
    pub fn line(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        // A closed pipe (`scaffold generate | head`) is not an error worth a panic.
        let _ = writeln!(out, "{text}");
    }

    pub fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }
}

/// `--color auto` means: a terminal, and NO_COLOR unset or empty.
pub fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// A unified diff of one file, `a/path` to `b/path`, with 3 lines of context.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
