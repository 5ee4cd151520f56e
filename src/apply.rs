//! The only place that writes to disk: carries out a `Plan`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, bail};
use rayon::prelude::*;

use crate::plan::{Plan, Planned};
use crate::reconcile::{Decision, decide};

pub const BACKUP_DIR: &str = ".scaffold/backup";

/// One planned file, what is on disk, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub path: String,
    /// Where the file really is (symlinks inside the project resolved).
    pub target: PathBuf,
    /// The file on disk, kept only where the decision needs it for a diff
    /// or a backup (not for unchanged or team-owned files).
    pub old: Option<String>,
    pub decision: Decision,
}

/// Reads planned files' current state and decides; writes nothing. A path
/// that would be written through a symlink leading out of the project is
/// an error before anything is written.
pub struct Evaluator {
    root: PathBuf,
    dirs: DirCache,
}

impl Evaluator {
    pub fn new(root: &Path) -> anyhow::Result<Self> {
        Ok(Self {
            root: canonical_root(root)?,
            dirs: DirCache::default(),
        })
    }

    /// The outcome of every file of `plan`, in the plan's order. Files are
    /// independent: they are read and compared on all cores.
    pub fn evaluate(&self, plan: Plan) -> anyhow::Result<Vec<Outcome>> {
        plan.files
            .into_par_iter()
            .map(|(path, planned)| self.outcome(path, planned))
            .collect()
    }

    fn outcome(&self, path: String, planned: Planned) -> anyhow::Result<Outcome> {
        let (target, old) = self.read(&path)?;
        let decision = decide(planned, old.as_deref());
        let needs_old = matches!(
            decision,
            Decision::Create(_)
                | Decision::Update(_)
                | Decision::Conflict { .. }
                | Decision::Remove { backup: true }
                | Decision::HoldsWork
        );
        Ok(Outcome {
            path,
            target,
            old: old.filter(|_| needs_old),
            decision,
        })
    }

    /// Where `rel` really is, and its text if it exists.
    fn read(&self, rel: &str) -> anyhow::Result<(PathBuf, Option<String>)> {
        let resolved = |rel: &str| -> anyhow::Result<(PathBuf, Option<String>)> {
            let target = resolve_inside(&self.root, rel)?;
            let old = read_existing(&target)?;
            Ok((target, old))
        };
        let joined = self.root.join(rel);
        let (Some(parent), Some(name)) = (joined.parent(), joined.file_name()) else {
            return resolved(rel);
        };
        let Some(dir) = self.dirs.get(&self.root, parent) else {
            // Report the refusal for the file being written.
            return resolved(rel);
        };
        let target = dir.real.join(name);
        if !dir.exists {
            return Ok((target, None));
        }
        match read_unless_symlink(&target)? {
            Read::Text(text) => Ok((target, Some(text))),
            Read::Missing => Ok((target, None)),
            // A file that is itself a symlink is resolved on its own.
            Read::Symlink => resolved(rel),
        }
    }
}

/// [`Evaluator::evaluate`] for a single plan.
pub fn evaluate(root: &Path, plan: Plan) -> anyhow::Result<Vec<Outcome>> {
    Evaluator::new(root)?.evaluate(plan)
}

/// A file saved under `.scaffold/backup/` before it was overwritten or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: String,
    pub saved_as: String,
}

/// Carries out the decisions: creations, updates and removals; with
/// `force`, conflicts and files holding work too, after saving the old file
/// under `.scaffold/backup/`. Returns the backups made.
pub fn write(root: &Path, outcomes: &[Outcome], force: bool) -> anyhow::Result<Vec<Backup>> {
    let root = canonical_root(root)?;
    let mut backups = Vec::new();
    let mut save = |o: &Outcome| -> anyhow::Result<()> {
        if let Some(old) = &o.old {
            let saved_as = backup(&root, &o.path, old)?;
            backups.push(Backup {
                path: o.path.clone(),
                saved_as,
            });
        }
        Ok(())
    };
    let mut writes: Vec<(&Path, &str, bool)> = Vec::new();
    let mut removals: Vec<&Path> = Vec::new();
    for o in outcomes {
        match &o.decision {
            Decision::Create(c) => writes.push((&o.target, c, true)),
            Decision::Update(c) => writes.push((&o.target, c, false)),
            Decision::Conflict { proposed, .. } if force => {
                save(o)?;
                writes.push((&o.target, proposed, false));
            }
            removed if removed.removes(force) => {
                // A file holding work, or the spec, is saved before it goes.
                if !matches!(removed, Decision::Remove { backup: false }) {
                    save(o)?;
                }
                removals.push(&o.target);
            }
            _ => {}
        }
    }
    for target in removals {
        std::fs::remove_file(target).with_context(|| format!("cannot remove {}", target.display()))?;
    }
    for folder in emptied_folders(outcomes, force) {
        let dir = resolve_inside(&root, &folder)?;
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    }
    // Each directory is created once, then files are written in parallel.
    let mut dirs: Vec<&Path> = writes.iter().filter_map(|(t, _, _)| t.parent()).collect();
    dirs.sort_unstable();
    dirs.dedup();
    for dir in dirs {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create directory {}", dir.display()))?;
    }
    writes.par_iter().try_for_each(|(target, content, new)| {
        if *new {
            write_new(target, content)
        } else {
            write_atomic(target, content)
        }
    })?;
    Ok(backups)
}

/// Real paths of parent directories, resolved once per directory.
#[derive(Default)]
struct DirCache(Mutex<HashMap<PathBuf, Option<RealDir>>>);

#[derive(Clone)]
struct RealDir {
    /// The directory with symlinks inside the project resolved.
    real: PathBuf,
    /// Whether it exists yet: files in a missing directory are missing too.
    exists: bool,
}

impl DirCache {
    /// `None` when the directory is (or lies under) a symlink leading out
    /// of the project. Directories are resolved one component at a time,
    /// each with a single `lstat`, on top of their cached parent.
    fn get(&self, root: &Path, dir: &Path) -> Option<RealDir> {
        if let Some(known) = self.0.lock().expect("no panics while locked").get(dir) {
            return known.clone();
        }
        let found = match (dir.parent(), dir.file_name()) {
            (Some(parent), Some(name)) if dir != root && dir.starts_with(root) => self
                .get(root, parent)
                .and_then(|parent| Self::child(root, dir, &parent, name)),
            _ => Some(RealDir {
                real: root.to_path_buf(),
                exists: true,
            }),
        };
        self.0
            .lock()
            .expect("no panics while locked")
            .insert(dir.to_path_buf(), found.clone());
        found
    }

    /// `dir` (named `name`) inside its already resolved `parent`.
    fn child(root: &Path, dir: &Path, parent: &RealDir, name: &std::ffi::OsStr) -> Option<RealDir> {
        let real = parent.real.join(name);
        if !parent.exists {
            return Some(RealDir { real, exists: false });
        }
        match real.symlink_metadata() {
            Err(_) => Some(RealDir { real, exists: false }),
            // Where a symlink leads is checked against the project root.
            Ok(meta) if meta.file_type().is_symlink() => {
                let rel = dir.strip_prefix(root).ok()?.to_string_lossy();
                let real = resolve_inside(root, &rel).ok()?;
                Some(RealDir {
                    exists: real.is_dir(),
                    real,
                })
            }
            Ok(meta) => Some(RealDir {
                real,
                exists: meta.is_dir(),
            }),
        }
    }
}

/// Saves `old` as `.scaffold/backup/<path>` (`.1`, `.2`, ... if taken).
pub fn backup(root: &Path, rel: &str, old: &str) -> anyhow::Result<String> {
    let mut name = format!("{BACKUP_DIR}/{rel}");
    let mut n = 0;
    while root.join(&name).exists() {
        n += 1;
        name = format!("{BACKUP_DIR}/{rel}.{n}");
    }
    write_atomic(&resolve_inside(root, &name)?, old)?;
    Ok(name)
}

/// The folders (project-relative, without a trailing `/`) of
/// [`Decision::RemoveFolder`] outcomes that the removals leave holding
/// nothing but their `__init__.py` and Python's bytecode cache.
pub fn emptied_folders(outcomes: &[Outcome], force: bool) -> Vec<String> {
    let removed: Vec<&Path> = outcomes
        .iter()
        .filter(|o| o.decision.removes(force))
        .map(|o| o.target.as_path())
        .collect();
    let goes = |dir: &Path| {
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries.filter_map(Result::ok).all(|e| {
                e.file_name() == "__init__.py"
                    || e.file_name() == "__pycache__"
                    || removed.contains(&e.path().as_path())
            })
        })
    };
    outcomes
        .iter()
        .filter(|o| o.decision == Decision::RemoveFolder)
        .filter(|o| o.target.parent().is_some_and(goes))
        .filter_map(|o| Some(o.path.rsplit_once('/')?.0.to_owned()))
        .collect()
}

fn canonical_root(root: &Path) -> anyhow::Result<PathBuf> {
    root.canonicalize()
        .with_context(|| format!("cannot open project directory {}", root.display()))
}

fn read_existing(path: &Path) -> anyhow::Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(into_text(bytes))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Text of a file as read; invalid UTF-8 (never written by scaffold)
/// is replaced, so the file shows up as changed rather than unreadable.
fn into_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

enum Read {
    Text(String),
    Missing,
    Symlink,
}

/// Reads a file in one open, without following a symlink at its last
/// component (the caller resolves those and checks where they lead).
fn read_unless_symlink(path: &Path) -> anyhow::Result<Read> {
    #[cfg(unix)]
    let opened = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
    };
    #[cfg(not(unix))]
    let opened = if path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
        return Ok(Read::Symlink);
    } else {
        std::fs::File::open(path)
    };
    let mut file = match opened {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Read::Missing),
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Ok(Read::Symlink),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut bytes = Vec::with_capacity(file.metadata().map_or(0, |m| m.len() as usize));
    std::io::Read::read_to_end(&mut file, &mut bytes).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Read::Text(into_text(bytes)))
}

/// The real path `rel` will be written at, refusing any symlink (of the file
/// or a parent directory) that leads out of the project.
pub fn resolve_inside(root: &Path, rel: &str) -> anyhow::Result<PathBuf> {
    let target = root.join(rel);
    // The deepest part of the path that exists decides where writes land.
    let mut existing = target.as_path();
    while existing.symlink_metadata().is_err() {
        existing = existing.parent().unwrap_or(root);
    }
    let real = match existing.canonicalize() {
        Ok(real) => real,
        Err(_) => bail!(
            "refusing to write {rel}: {} is a symlink to a path that does not exist",
            existing.strip_prefix(root).unwrap_or(existing).display()
        ),
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

/// Creates a file that did not exist, with create-new semantics (no temp
/// file needed: nobody else's file can be replaced this way).
fn write_new(path: &Path, content: &str) -> anyhow::Result<()> {
    match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut file) => file
            .write_all(content.as_bytes())
            .with_context(|| format!("cannot write {}", path.display())),
        // Someone created it since we looked: theirs is never overwritten.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!(
                "{} appeared while scaffold was running; run the command again",
                path.display()
            )
        }
        Err(e) => Err(e).with_context(|| format!("cannot write {}", path.display())),
    }
}

/// Writes via a temporary file in the same directory and a rename, so a
/// reader never sees half a file.
pub fn write_atomic(path: &Path, content: &str) -> anyhow::Result<()> {
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
    use crate::sections::stamp;

    #[test]
    fn writes_only_what_changed_and_never_overwrites_once_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut plan = Plan::default();
        plan.once("a/once.txt", "one");
        plan.generated("a/gen.py", stamp("# scaffold: fingerprint \nx = 1\n".to_owned()));
        let first = evaluate(dir.path(), plan.clone()).unwrap();
        assert!(first.iter().all(|o| matches!(o.decision, Decision::Create(_))));
        write(dir.path(), &first, false).unwrap();
        std::fs::write(dir.path().join("a/once.txt"), "mine").unwrap();
        let second = evaluate(dir.path(), plan.clone()).unwrap();
        assert_eq!(second[0].decision, Decision::Unchanged);
        assert_eq!(second[1].decision, Decision::Exist);
        write(dir.path(), &second, false).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("a/once.txt")).unwrap(), "mine");
    }

    #[test]
    fn force_backs_up_a_conflicting_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gen.py"), "handwritten\n").unwrap();
        let mut plan = Plan::default();
        plan.generated("gen.py", stamp("# scaffold: fingerprint \nx = 1\n".to_owned()));
        let outcomes = evaluate(dir.path(), plan.clone()).unwrap();
        assert!(matches!(outcomes[0].decision, Decision::Conflict { .. }));
        assert!(write(dir.path(), &outcomes, false).unwrap().is_empty());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("gen.py")).unwrap(),
            "handwritten\n"
        );
        let backups = write(dir.path(), &outcomes, true).unwrap();
        assert_eq!(
            backups,
            [Backup {
                path: "gen.py".to_owned(),
                saved_as: ".scaffold/backup/gen.py".to_owned()
            }]
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&backups[0].saved_as)).unwrap(),
            "handwritten\n"
        );
        assert!(
            std::fs::read_to_string(dir.path().join("gen.py"))
                .unwrap()
                .contains("x = 1")
        );
    }

    #[cfg(unix)]
    #[test]
    fn follows_symlinks_that_stay_inside_the_project() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("real/sub")).unwrap();
        std::fs::write(dir.path().join("real/sub/same.txt"), "same").unwrap();
        std::fs::write(dir.path().join("real/target.txt"), "old").unwrap();
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("alias")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real/target.txt"), dir.path().join("link.txt")).unwrap();
        let mut plan = Plan::default();
        plan.whole("alias/sub/same.txt", "same");
        plan.whole("alias/sub/deeper/new.txt", "new");
        plan.whole("link.txt", "updated");
        let outcomes = evaluate(dir.path(), plan).unwrap();
        let real = dir.path().canonicalize().unwrap().join("real");
        assert_eq!(outcomes[0].target, real.join("sub/deeper/new.txt"));
        assert!(matches!(outcomes[0].decision, Decision::Create(_)));
        assert_eq!(outcomes[1].target, real.join("sub/same.txt"));
        assert_eq!(outcomes[1].decision, Decision::Unchanged);
        assert_eq!(outcomes[2].target, real.join("target.txt"));
        assert_eq!(outcomes[2].old.as_deref(), Some("old"));
        write(dir.path(), &outcomes, false).unwrap();
        assert_eq!(std::fs::read_to_string(real.join("sub/deeper/new.txt")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(real.join("target.txt")).unwrap(), "updated");
        assert!(
            dir.path()
                .join("link.txt")
                .symlink_metadata()
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_leading_out_of_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("out")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("f.py"), dir.path().join("f.py")).unwrap();
        for path in ["out/x.py", "f.py"] {
            let mut plan = Plan::default();
            plan.generated(path, "x");
            let err = evaluate(dir.path(), plan.clone()).unwrap_err().to_string();
            assert!(err.starts_with(&format!("refusing to write {path}")), "{err}");
        }
        assert!(!outside.path().join("x.py").exists());
    }
}
