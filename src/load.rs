//! Reading the project: settings, every spec, and files the plan depends on.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;

use crate::config::{self, FILE_NAME, ProjectConfig};
use crate::diag::{Diagnostic, Diagnostics, Source};
use crate::layout;
use crate::spec::{self, Domain, Domains};

pub mod git;

/// A spec not yet on disk (from `new-domain`), validated with the others.
pub struct PendingSpec<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// A project on disk: its root directory and settings.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub config: ProjectConfig,
}

/// Finds `scaffold.toml` in `start` or one of its parents.
pub fn discover(start: &Path) -> anyhow::Result<Project> {
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            let config = config(&candidate, Path::new(FILE_NAME))?;
            return Ok(Project {
                root: dir.to_path_buf(),
                config,
            });
        }
    }
    Err(Diagnostics(vec![
        Diagnostic::file(start, format!("no {FILE_NAME} here or in any parent directory"))
            .with_help("run `scaffold init` to create a project, or pass -C DIR"),
    ])
    .into())
}

/// Reads and validates a `scaffold.toml`; `display` is the path shown in errors.
pub fn config(path: &Path, display: &Path) -> anyhow::Result<ProjectConfig> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    config::parse(Source::new(display, text)).map_err(|d| Diagnostics::sorted(d).into())
}

/// Parses and validates every spec of the project (plus `pending`), reporting
/// all problems of all files together.
pub fn domains(project: &Project, pending: Option<PendingSpec<'_>>) -> anyhow::Result<Domains> {
    let mut sources: BTreeMap<String, Source> = BTreeMap::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    let dir = project.root.join(&project.config.specs);
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir)
            .min_depth(1)
            .max_depth(1)
            .sort_by_file_name()
        {
            let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let display = layout::spec_path(&project.config, &name);
            match std::fs::read(path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => {
                        sources.insert(name, Source::new(display, text));
                    }
                    Err(_) => errors.push(Diagnostic::file(&display, "spec is not valid UTF-8")),
                },
                Err(e) => errors.push(Diagnostic::file(&display, format!("cannot read spec: {e}"))),
            }
        }
    }
    if let Some(p) = pending {
        sources.insert(
            p.name.to_owned(),
            Source::new(layout::spec_path(&project.config, p.name), p.text.to_owned()),
        );
    }
    let known: Vec<String> = sources.keys().cloned().collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    // Each spec parses on its own: spread them over the cores.
    let results: Vec<(String, Source, Result<Domain, Vec<Diagnostic>>)> = sources
        .into_par_iter()
        .map(|(name, source)| {
            let display = source.display.to_string_lossy().replace('\\', "/");
            let domain = spec::parse_spec(&source, &name, &display, &known);
            (name, source, domain)
        })
        .collect();
    let mut parsed = BTreeMap::new();
    for (name, source, domain) in results {
        match domain {
            Ok(domain) => {
                parsed.insert(name, (source, domain));
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics::sorted(errors).into());
    }
    spec::resolve(parsed).map_err(|e| Diagnostics::sorted(e).into())
}

/// Reads a project file that must exist (e.g. `main.py`).
pub fn read_project_file(root: &Path, rel: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(root.join(rel)).with_context(|| format!("cannot read {rel}"))
}

/// Domains named on the command line, checked against the specs.
pub fn select<'a>(domains: &'a Domains, names: &[String]) -> anyhow::Result<Vec<&'a Domain>> {
    if names.is_empty() {
        return Ok(domains.values().collect());
    }
    let mut out = Vec::new();
    for name in names {
        match domains.get(name) {
            Some(d) => out.push(d),
            None => {
                let hint = crate::diag::did_you_mean(name, domains.keys().map(String::as_str)).map_or_else(
                    || "see `scaffold list` for the domains".to_owned(),
                    |s| format!("did you mean '{s}'?"),
                );
                anyhow::bail!("no spec for domain '{name}' ({hint})");
            }
        }
    }
    Ok(out)
}

/// Generated files whose spec no longer exists: found by their header.
/// Paths in `planned` belong to live specs and are not read again.
pub fn orphans(project: &Project, domains: &Domains, planned: &HashSet<&str>) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for dir in layout::domain_dirs(&project.config) {
        let abs = project.root.join(&dir);
        if !abs.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&abs).max_depth(2).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot list {dir}"))?;
            if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "py") {
                continue;
            }
            let rel = entry.path().strip_prefix(&project.root).unwrap_or(entry.path());
            let rel = rel.to_string_lossy().replace('\\', "/");
            if planned.contains(rel.as_str()) {
                continue;
            }
            // The header is the first line: read no more than that.
            let Ok(file) = std::fs::File::open(entry.path()) else {
                continue;
            };
            let mut first = String::new();
            if std::io::BufRead::read_line(&mut std::io::BufReader::new(file), &mut first).is_err() {
                continue;
            }
            if layout::domain_of_header(&project.config, &first).is_some_and(|name| !domains.contains_key(name)) {
                out.push(rel);
            }
        }
    }
    Ok(out)
}
