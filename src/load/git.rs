//! The specs of a project as a git commit has them, for `scaffold diff`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use super::Project;
use crate::diag::{Diagnostic, Diagnostics, Source};
use crate::layout;
use crate::spec::{self, Domains};

/// The specs of one commit, parsed and resolved.
#[derive(Debug)]
pub struct Snapshot {
    /// The full hash of the commit.
    pub commit: String,
    pub domains: Domains,
    /// Each spec's text by its path relative to the project.
    pub texts: BTreeMap<String, String>,
}

fn git(root: &Path, args: &[&str]) -> anyhow::Result<std::process::Output> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .context("cannot run git (scaffold diff reads the old specs with it)")
}

fn stdout(out: std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim_end_matches('\n').to_owned()
}

/// Where the project lies in its git repository: `""` at the root, else
/// `backend/` and the like.
pub fn repository_prefix(project: &Project) -> anyhow::Result<String> {
    let out = git(&project.root, &["rev-parse", "--show-prefix"])?;
    if !out.status.success() {
        bail!(
            "{} is not in a git repository: `scaffold diff` compares the specs with those of a git commit",
            project.root.display()
        );
    }
    Ok(stdout(out))
}

/// The commit `gitref` names.
pub fn commit(project: &Project, gitref: &str) -> anyhow::Result<String> {
    let unknown = || {
        anyhow::anyhow!(
            "unknown git revision '{gitref}': name a commit, branch or tag, e.g. HEAD, HEAD~1, main or origin/main"
        )
    };
    if gitref.is_empty() || gitref.starts_with('-') {
        return Err(unknown());
    }
    let spec = format!("{gitref}^{{commit}}");
    let out = git(
        &project.root,
        &["rev-parse", "--verify", "--quiet", "--end-of-options", &spec],
    )?;
    if !out.status.success() {
        return Err(unknown());
    }
    Ok(stdout(out))
}

/// The specs of the project at `gitref`: every `*.toml` of the specs folder
/// (`[project] specs`) in that commit, parsed and resolved as usual. A spec
/// that does not parse is an error that names the revision and the file.
pub fn specs_at(project: &Project, gitref: &str) -> anyhow::Result<Snapshot> {
    let prefix = repository_prefix(project)?;
    let commit = commit(project, gitref)?;
    let specs = project.config.specs.trim_start_matches("./").trim_end_matches('/');
    let dir = format!("{prefix}{specs}");
    let out = git(
        &project.root,
        &["ls-tree", "-z", "--full-tree", &commit, "--", &format!("{dir}/")],
    )?;
    if !out.status.success() {
        bail!(
            "cannot list {dir}/ at {gitref}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let listing = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut sources: BTreeMap<String, Source> = BTreeMap::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    for entry in listing.split('\0').filter(|e| !e.is_empty()) {
        // `<mode> <type> <object>\t<path>`
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (Some(_), Some(kind), Some(object)) = (meta.next(), meta.next(), meta.next()) else {
            continue;
        };
        let Some(name) = path
            .strip_prefix(&format!("{dir}/"))
            .and_then(|file| file.strip_suffix(".toml"))
        else {
            continue;
        };
        if kind != "blob" || name.contains('/') {
            continue;
        }
        let display = format!("{gitref}:{path}");
        let blob = git(&project.root, &["cat-file", "blob", object])?;
        if !blob.status.success() {
            bail!(
                "cannot read {display}: {}",
                String::from_utf8_lossy(&blob.stderr).trim()
            );
        }
        match String::from_utf8(blob.stdout) {
            Ok(text) => {
                sources.insert(name.to_owned(), Source::new(display, text));
            }
            Err(_) => errors.push(Diagnostic::file(&display, "spec is not valid UTF-8")),
        }
    }
    let known: Vec<String> = sources.keys().cloned().collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let mut parsed = BTreeMap::new();
    let mut texts = BTreeMap::new();
    for (name, source) in sources {
        let spec_path = layout::spec_path(&project.config, &name);
        match spec::parse_spec(&source, &name, &spec_path, &known) {
            Ok(domain) => {
                texts.insert(spec_path, source.text.clone());
                parsed.insert(name, (source, domain));
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics::sorted(errors).into());
    }
    let domains = spec::resolve(parsed).map_err(Diagnostics::sorted)?;
    Ok(Snapshot { commit, domains, texts })
}
