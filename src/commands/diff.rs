//! `scaffold diff --against GITREF`: the spec changes since a commit,
//! classified for the API's clients and the stored data (`spec::compat`).

use std::collections::BTreeMap;
use std::path::Path;

use anstyle::{AnsiColor, Style};

use super::{github_error_lines, github_escape, problems_of, property};
use crate::ExitStatus;
use crate::cli::{DiffArgs, DiffFormat};
use crate::load::{self, git};
use crate::output::Reporter;
use crate::spec::compat::{self, Change, Review, Side};

pub fn diff(base: &Path, args: &DiffArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    let result = run(base, args, reporter);
    // A machine format reports a bad ref or spec in that format too; the
    // human text still goes to stderr and the exit status stays 2.
    if let Err(error) = &result {
        let problems = problems_of(error);
        match args.format {
            DiffFormat::Human => {}
            DiffFormat::Json => {
                let report = serde_json::json!({"against": args.against, "ok": false, "errors": problems});
                reporter.line(&serde_json::to_string_pretty(&report).expect("plain data serialises"));
            }
            DiffFormat::Github => {
                for line in github_error_lines(&problems, "scaffold diff") {
                    reporter.line(&line);
                }
            }
        }
    }
    result
}

fn run(base: &Path, args: &DiffArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    let project = load::discover(base)?;
    let old = git::specs_at(&project, &args.against)?;
    let domains = load::domains(&project, None)?;
    let mut texts = BTreeMap::new();
    for d in domains.values() {
        texts.insert(
            d.spec_path.clone(),
            load::read_project_file(&project.root, &d.spec_path)?,
        );
    }
    let review = compat::review(
        Side {
            domains: &old.domains,
            texts: &old.texts,
        },
        Side {
            domains: &domains,
            texts: &texts,
        },
    );
    let against = &args.against;
    let summary = review.summary(against);
    let failing = review.failing();
    match args.format {
        DiffFormat::Human => human(&review, &summary, reporter),
        DiffFormat::Json => {
            let report = serde_json::json!({
                "against": against,
                "commit": old.commit,
                "ok": failing == 0,
                "changes": review.changes,
                "unused_allow": review.unused,
                "counts": {
                    "changes": review.changes.len(),
                    "breaking": review.breaking(),
                    "approved": review.approved(),
                    "failing": failing,
                    "safe": review.changes.len() - review.breaking(),
                },
                "summary": summary,
            });
            reporter.line(&serde_json::to_string_pretty(&report).expect("plain data serialises"));
        }
        DiffFormat::Github => github(&review, &summary, &git::repository_prefix(&project)?, reporter),
    }
    Ok(if failing == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// `breaking`, `approved` or `safe`.
fn status(c: &Change) -> &'static str {
    match (c.breaking, c.approved) {
        (true, false) => "breaking",
        (true, true) => "approved",
        _ => "safe",
    }
}

fn human(review: &Review, summary: &str, reporter: &Reporter) {
    for c in &review.changes {
        let color = match status(c) {
            "breaking" => AnsiColor::Red,
            "approved" => AnsiColor::Yellow,
            _ => AnsiColor::Green,
        };
        let word = reporter.paint(Style::new().fg_color(Some(color.into())).bold(), status(c));
        let mut text = format!(
            "{}: {word} {} ({}): {}",
            c.at,
            c.entry(),
            c.audience.as_str(),
            c.message
        );
        if let Some(by) = &c.approved_by {
            text += &format!(" (approved at {by})");
        }
        if c.fails() {
            reporter.line(&text);
        } else {
            reporter.say(&text);
        }
    }
    for u in &review.unused {
        reporter.say(&format!("{}: note: allow entry '{}' matches no change", u.at, u.entry));
    }
    let failing: Vec<String> = review
        .changes
        .iter()
        .filter(|c| c.fails())
        .map(|c| format!("\"{}\"", c.entry()))
        .collect();
    if failing.is_empty() {
        reporter.say(summary);
    } else {
        reporter.line(summary);
        let mut entries = failing;
        entries.dedup();
        reporter.line(&format!(
            "to approve: add {} to [compat] allow in the spec of the domain (a removed domain: any spec)",
            entries.join(", ")
        ));
    }
}

/// Annotations: an error per unapproved breaking change, a warning per
/// approved one, a notice per safe one. Paths are relative to the
/// repository, as GitHub wants them.
fn github(review: &Review, summary: &str, prefix: &str, reporter: &Reporter) {
    for c in &review.changes {
        let level = match status(c) {
            "breaking" => "error",
            "approved" => "warning",
            _ => "notice",
        };
        let title = match status(c) {
            "safe" => format!("scaffold diff: {}", c.entry()),
            s => format!("scaffold diff: {s} {}", c.entry()),
        };
        let mut message = format!("{} ({})", c.message, c.audience.as_str());
        if c.fails() {
            message += &format!(". Approve it with \"{}\" in [compat] allow", c.entry());
        }
        reporter.line(&format!(
            "::{level} file={},line={},col={},title={}::{}",
            property(&format!("{prefix}{}", c.at.file)),
            c.at.line,
            c.at.column,
            property(&title),
            github_escape(&message)
        ));
    }
    for u in &review.unused {
        reporter.line(&format!(
            "::notice file={},line={},col={},title=scaffold diff::{}",
            property(&format!("{prefix}{}", u.at.file)),
            u.at.line,
            u.at.column,
            github_escape(&format!("allow entry '{}' matches no change", u.entry))
        ));
    }
    reporter.line(summary);
}
