//! The only place that writes to disk: carries out a `Plan`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::output::Verb;
use crate::plan::{Plan, Policy};

/// What happened (or, in a dry run, would happen) to one planned file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub path: String,
    pub verb: Verb,
}

/// Writes every planned file that is missing or differs (per its policy).
/// With `dry_run`, only reports.
pub fn apply(root: &Path, plan: &Plan, dry_run: bool) -> anyhow::Result<Vec<Outcome>> {
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot open project directory {}", root.display()))?;
    // Resolve every target before writing anything, so a refused path leaves the tree untouched.
    let mut targets = Vec::with_capacity(plan.files.len());
    for path in plan.files.keys() {
        targets.push(resolve_inside(&root, path)?);
    }
    let mut outcomes = Vec::with_capacity(plan.files.len());
    for ((path, planned), target) in plan.files.iter().zip(targets) {
        let existing = read_existing(&target)?;
        let verb = match (existing, planned.policy) {
            (None, _) => Verb::Create,
            (Some(_), Policy::Once) => Verb::Exist,
            (Some(old), Policy::Generated) if old == planned.content => Verb::Unchanged,
            (Some(_), Policy::Generated) => Verb::Update,
        };
        if !dry_run && matches!(verb, Verb::Create | Verb::Update) {
            write_atomic(&target, &planned.content)?;
        }
        outcomes.push(Outcome {
            path: path.clone(),
            verb,
        });
    }
    Ok(outcomes)
}

fn read_existing(path: &Path) -> anyhow::Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// The real path `rel` will be written at, refusing any symlink (of the file
/// or a parent directory) that leads out of the project.
pub fn resolve_inside(root: &Path, rel: &str) -> anyhow::Result<PathBuf> {
    let target = root.join(rel);
    // The deepest part of the path that exists decides where writes land.
    let mut existing = target.as_path();
    while !existing.exists() && existing.symlink_metadata().is_err() {
        existing = existing.parent().unwrap_or(root);
    }
    let real = match existing.canonicalize() {
        Ok(real) => real,
        Err(_) => bail!("refusing to write {rel}: {} is a broken symlink", existing.display()),
    };
    if !real.starts_with(root) {
        bail!(
            "refusing to write {rel}: {} is a symlink that leads out of the project (to {})",
            existing.strip_prefix(root).unwrap_or(existing).display(),
            real.display()
        );
    }
    let rest = target.strip_prefix(existing).unwrap_or(Path::new(""));
    Ok(if rest.as_os_str().is_empty() {
        real
    } else {
        real.join(rest)
    })
}

/// Writes via a temporary file in the same directory and a rename, so a
/// reader never sees half a file.
fn write_atomic(path: &Path, content: &str) -> anyhow::Result<()> {
    let dir = path.parent().expect("project files have a parent directory");
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create directory {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(content.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_what_changed_and_never_overwrites_once_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut plan = Plan::default();
        plan.once("a/once.txt", "one");
        plan.generated("a/gen.txt", "gen");
        let verbs = |o: Vec<Outcome>| o.into_iter().map(|o| o.verb).collect::<Vec<_>>();
        assert_eq!(
            verbs(apply(dir.path(), &plan, true).unwrap()),
            [Verb::Create, Verb::Create]
        );
        assert!(!dir.path().join("a").exists(), "dry run writes nothing");
        assert_eq!(
            verbs(apply(dir.path(), &plan, false).unwrap()),
            [Verb::Create, Verb::Create]
        );
        std::fs::write(dir.path().join("a/once.txt"), "mine").unwrap();
        assert_eq!(
            verbs(apply(dir.path(), &plan, false).unwrap()),
            [Verb::Unchanged, Verb::Exist]
        );
        assert_eq!(std::fs::read_to_string(dir.path().join("a/once.txt")).unwrap(), "mine");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_leading_out_of_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("out")).unwrap();
        let mut plan = Plan::default();
        plan.generated("out/x.py", "x");
        let err = apply(dir.path(), &plan, false).unwrap_err().to_string();
        assert!(err.contains("leads out of the project"), "{err}");
        assert!(!outside.path().join("x.py").exists());
    }
}
