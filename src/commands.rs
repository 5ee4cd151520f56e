//! One function per subcommand: load, plan, evaluate, write or report.

mod diff;

pub use diff::diff;

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};
use rayon::prelude::*;

use crate::ExitStatus;
use crate::apply::{self, Outcome};
use crate::cli::{
    CheckArgs, CheckFormat, DiffArgs, GenerateArgs, InitArgs, ListArgs, MigrateArgs, NewDomainArgs, RemoveDomainArgs,
};
use crate::config::{self, ProjectConfig};
use crate::diag::{Diagnostic, Diagnostics};
use crate::layout;
use crate::load::Project;
use crate::load::{self, PendingSpec};
use crate::migrate;
use crate::names::is_python_identifier;
use crate::output::{Reporter, Verb, unified_diff};
use crate::plan::{Plan, Policy};
use crate::reconcile::{Conflict, Decision, same_but_whitespace};
use crate::registry::{self, Registered};
use crate::render;
use crate::spec::{self, Domain, Domains, FileKind};

pub fn init(base: &Path, args: &InitArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    let dir = match &args.dir {
        Some(d) => base.join(d),
        None => base.to_path_buf(),
    };
    let existing = dir.join(config::FILE_NAME);
    let config = if existing.is_file() {
        let config = load::config(&existing, Path::new(config::FILE_NAME))?;
        if let Some(p) = &args.package
            && *p != config.package
        {
            bail!(
                "--package {p} differs from package = \"{}\" in the existing {}; edit that file or drop --package",
                config.package,
                config::FILE_NAME
            );
        }
        config
    } else {
        let package = args.package.as_deref().unwrap_or("backend");
        if !is_python_identifier(package) || package.chars().any(|c| c.is_ascii_uppercase()) {
            bail!("--package '{package}' is not a lowercase Python identifier (e.g. 'backend' or 'app')");
        }
        ProjectConfig::for_package(package)
    };
    if dir.exists() && !dir.is_dir() {
        bail!("{} exists and is not a directory", dir.display());
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let dir_name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let project = render::project::distribution_name(&dir_name, &config.package);
    let plan = render::project::plan(&config, &project);
    let outcomes = apply::evaluate(&dir, plan)?;
    apply::write(&dir, &outcomes, false)?;
    for o in &outcomes {
        reporter.file(verb(&o.decision, false), &o.path);
    }
    let created = outcomes
        .iter()
        .filter(|o| matches!(o.decision, Decision::Create(_)))
        .count();
    if created == 0 {
        reporter.say("nothing to do: every file of the layout is already there");
    } else {
        let cd = args
            .dir
            .as_ref()
            .map(|d| format!("cd {} && ", d.display()))
            .unwrap_or_default();
        reporter.say("");
        reporter.say("Next:");
        reporter.say(&format!("  {cd}python -m venv .venv && . .venv/bin/activate"));
        reporter.say("  pip install -e '.[dev]'");
        reporter.say(&format!(
            "  uvicorn {}.main:app --reload    # then open http://127.0.0.1:8000/docs",
            config.package
        ));
        reporter.say("  scaffold new-domain artist name:str:unique 'bio:text?'");
    }
    Ok(ExitStatus::Success)
}

pub fn new_domain(base: &Path, args: &NewDomainArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    let project = load::discover(base)?;
    let name = args.name.as_str();
    let spec_rel = layout::spec_path(&project.config, name);
    if let Some(problem) = spec::domain_name_problem(name) {
        return Err(Diagnostics(vec![
            Diagnostic::file(&spec_rel, problem).with_help("domain names look like 'artist' or 'art_fair'"),
        ])
        .into());
    }
    if project.root.join(&spec_rel).exists() {
        if !args.fields.is_empty() || args.plural.is_some() || args.id.is_some() {
            bail!("{spec_rel} already exists; edit it and run `scaffold generate {name}`");
        }
        let domains = load::domains(&project, None)?;
        let planned = domain_outcomes(&project, &domains, &[name.to_owned()], Plan::default())?;
        return write_outcomes(&project, &planned, &WriteMode::default(), reporter);
    }
    let prompted;
    let fields = if !args.fields.is_empty() {
        &args.fields
    } else if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        prompted = prompt_fields(name)?;
        &prompted
    } else {
        bail!(
            "no fields given and no terminal to ask for them; pass them on the command line, e.g. `scaffold new-domain {name} name:str:unique 'bio:text?' 'year:int?'` (see `scaffold new-domain --help`)"
        );
    };
    let id = args.id.map(spec::IdKind::as_str);
    let text = render::support::schema_directive(&project.config)
        + &spec::spec_from_compact(fields, args.plural.as_deref(), id).map_err(|e| anyhow::anyhow!(e))?;
    // Validate the new spec with all the others before anything is written.
    let domains = load::domains(&project, Some(PendingSpec { name, text: &text }))
        .map_err(|e| point_at_arguments(e, &spec_rel, fields, &text))?;
    let mut spec = Plan::default();
    spec.once(spec_rel.clone(), text);
    let planned = domain_outcomes(&project, &domains, &[name.to_owned()], spec)?;
    let status = write_outcomes(&project, &planned, &WriteMode::default(), reporter)?;
    let migrated = status == ExitStatus::Success && migrate_new_tables(&project, &domains, name, reporter)?;
    let d = &domains[name];
    reporter.say("");
    reporter.say("Next:");
    if !migrated && project.root.join(migrate::VERSIONS_DIR).is_dir() {
        reporter.say(&format!(
            "  scaffold migrate -m \"add {name}\"   # the revision that creates its table"
        ));
    }
    reporter.say(&format!(
        "  edit {spec_rel} (descriptions, constraints, [api]) and run `scaffold generate {name}`"
    ));
    reporter.say("  pytest                          # the generated API tests");
    reporter.say(&format!(
        "  uvicorn {}.main:app --reload    # then try {}/{}",
        project.config.package, project.config.api_prefix, d.names.url
    ));
    Ok(status)
}

/// Like `rails generate model`, a new domain comes with the revision that
/// creates its table, when creating tables is all the specs changed since
/// the last migration (other changes need their own message and review).
fn migrate_new_tables(project: &Project, domains: &Domains, name: &str, reporter: &Reporter) -> anyhow::Result<bool> {
    if !project.root.join(migrate::VERSIONS_DIR).is_dir() {
        return Ok(false);
    }
    let old = read_snapshot(project)?;
    let intent = migrate::intent(domains, &std::collections::BTreeMap::new());
    let Ok(migration) = migrate::plan(&old, domains, &intent) else {
        return Ok(false);
    };
    let only_creates = migration.upgrade.summary.iter().all(|s| s.starts_with("create table"));
    if !only_creates || migration.is_empty() {
        return Ok(false);
    }
    let written = write_migration(project, &old, &migration, &format!("add {name}"), false, reporter)?;
    Ok(matches!(written, Written::Revision))
}

/// Errors of the spec `new-domain` was about to write (such as a ref to a
/// missing domain) name the argument they come from: the file does not exist.
fn point_at_arguments(error: anyhow::Error, spec_rel: &str, fields: &[String], text: &str) -> anyhow::Error {
    let Some(Diagnostics(diagnostics)) = error.downcast_ref::<Diagnostics>() else {
        return error;
    };
    let lines: Vec<&str> = text.lines().collect();
    let argument_at = |line: usize| {
        let header = lines[..line.min(lines.len())]
            .iter()
            .rev()
            .find_map(|l| l.strip_prefix("[fields.")?.strip_suffix(']'))?;
        fields
            .iter()
            .find(|f| f.split(':').next().unwrap_or_default().trim_end_matches('?') == header)
    };
    let mapped = diagnostics
        .iter()
        .map(|d| match (&d.location, d.file.to_str() == Some(spec_rel)) {
            (Some(at), true) => match argument_at(at.line) {
                Some(arg) => Diagnostic {
                    file: format!("argument '{arg}'").into(),
                    location: None,
                    ..d.clone()
                },
                None => d.clone(),
            },
            _ => d.clone(),
        })
        .collect();
    Diagnostics(mapped).into()
}

/// Asks for fields one by one on a terminal, checking each as it is typed.
fn prompt_fields(domain: &str) -> anyhow::Result<Vec<String>> {
    eprintln!("Fields of {domain}, one per line as NAME:TYPE[?] (e.g. title:str, year:int?, artist_id:ref:artist);");
    eprintln!("types: {}. An empty line finishes.", spec::field_types().join(", "));
    let mut fields: Vec<String> = Vec::new();
    loop {
        let taken: Vec<String> = fields
            .iter()
            .map(|f| f.split(':').next().unwrap_or_default().to_owned())
            .collect();
        let answer = inquire::Text::new(&format!("field {}:", fields.len() + 1))
            .with_validator(move |input: &str| {
                if input.trim().is_empty() {
                    return Ok(inquire::validator::Validation::Valid);
                }
                let name = input.split(':').next().unwrap_or_default();
                if taken.iter().any(|t| t == name) {
                    return Ok(inquire::validator::Validation::Invalid(
                        format!("'{name}' is already a field").into(),
                    ));
                }
                Ok(match spec::check_compact_field(input.trim()) {
                    Ok(()) => inquire::validator::Validation::Valid,
                    Err(e) => inquire::validator::Validation::Invalid(e.into()),
                })
            })
            .prompt()
            .map_err(|e| anyhow::anyhow!("no fields: {e}"))?;
        let answer = answer.trim().to_owned();
        if answer.is_empty() {
            break;
        }
        fields.push(answer);
    }
    if fields.is_empty() {
        bail!("a domain needs at least one field");
    }
    Ok(fields)
}

pub fn generate(base: &Path, args: &GenerateArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    let project = load::discover(base)?;
    let domains = load::domains(&project, None)?;
    let planned = domain_outcomes(&project, &domains, &args.domains, Plan::default())?;
    let mode = WriteMode {
        dry_run: args.dry_run,
        force: args.force,
    };
    let status = write_outcomes(&project, &planned, &mode, reporter)?;
    // Files of a deleted spec: `check` fails on them, so `generate` must not
    // pass in silence. They may hold custom code, so they are not deleted.
    if args.domains.is_empty() {
        let paths: HashSet<&str> = planned.outcomes.iter().map(|o| o.path.as_str()).collect();
        let orphans = load::orphans(&project, &domains, &paths)?;
        for path in &orphans {
            reporter.file(Verb::Orphan, path);
        }
        if !orphans.is_empty() {
            reporter.line(&format!(
                "{} file{} of deleted specs left alone: delete {} (keeping any custom code you need), or restore the spec",
                orphans.len(),
                if orphans.len() == 1 { "" } else { "s" },
                if orphans.len() == 1 { "it" } else { "them" },
            ));
            return Ok(ExitStatus::Failure);
        }
    }
    Ok(status)
}

/// What the selected domains, the support files and main.py's
/// registration blocks would change, file by file in path order.
struct DomainOutcomes {
    outcomes: Vec<Outcome>,
    main: String,
    registered: Registered,
    domains: usize,
}

/// Plans and evaluates the selected domains. `extra` joins the plan (the
/// spec `new-domain` writes).
fn domain_outcomes(
    project: &Project,
    domains: &Domains,
    names: &[String],
    extra: Plan,
) -> anyhow::Result<DomainOutcomes> {
    let selected: Vec<&Domain> = load::select(domains, names)?;
    let main = project.config.main.clone();
    let main_py = load::read_project_file(&project.root, &main)?;
    let all: Vec<&str> = domains.keys().map(String::as_str).collect();
    let registered = registry::register(&main_py, &project.config.package, &all).map_err(|e| {
        let registry::RegistryError::Markers(m) = e;
        anyhow::anyhow!(
            "{main}: {m}\n  = help: add these two blocks (scaffold owns only the lines between the markers):\n\n{}",
            registry::marker_help()
        )
    })?;
    let mut plan = render::support::plan(&project.config);
    plan.whole(main.clone(), registered.content.clone());
    plan.extend(extra);
    let evaluator = apply::Evaluator::new(&project.root)?;
    let mut outcomes = evaluator.evaluate(plan)?;
    // Domains are independent: each is rendered and compared on whichever
    // core is free, and the text of a file found up to date is dropped at
    // once instead of being held until every domain is rendered.
    let per_domain = selected
        .par_iter()
        .map(|domain| evaluator.evaluate(render::domain::plan(&project.config, domain, domains)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    outcomes.extend(per_domain.into_iter().flatten());
    outcomes.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    Ok(DomainOutcomes {
        outcomes,
        main,
        registered,
        domains: selected.len(),
    })
}

#[derive(Debug, Default)]
struct WriteMode {
    dry_run: bool,
    force: bool,
}

fn verb(decision: &Decision, force: bool) -> Verb {
    match decision {
        Decision::Create(_) => Verb::Create,
        Decision::Update(_) => Verb::Update,
        Decision::Unchanged => Verb::Unchanged,
        Decision::Exist => Verb::Exist,
        Decision::Conflict { .. } if force => Verb::Force,
        Decision::Conflict { .. } => Verb::Conflict,
        Decision::Remove { .. } | Decision::RemoveFolder => Verb::Remove,
        Decision::HoldsWork if force => Verb::Remove,
        Decision::HoldsWork => Verb::Keep,
        Decision::Absent => Verb::Unchanged,
    }
}

fn write_outcomes(
    project: &Project,
    dp: &DomainOutcomes,
    mode: &WriteMode,
    reporter: &Reporter,
) -> anyhow::Result<ExitStatus> {
    let outcomes = &dp.outcomes;
    let mut conflicts = 0;
    for o in outcomes.iter().filter(|o| o.path != dp.main) {
        reporter.file(verb(&o.decision, mode.force), &o.path);
        if let Decision::Conflict { reason, proposed } = &o.decision {
            conflicts += 1;
            reporter.note(&format!("{}: {}", o.path, reason.describe()));
            if !mode.force {
                reporter.diff(&o.path, o.old.as_deref().unwrap_or_default(), proposed);
            }
        }
    }
    let main_changed = outcomes
        .iter()
        .any(|o| o.path == dp.main && matches!(o.decision, Decision::Update(_)));
    if main_changed {
        for d in &dp.registered.added {
            reporter.file(Verb::Register, &format!("{d} in {}", dp.main));
        }
        for d in &dp.registered.removed {
            reporter.file(Verb::Unregister, &format!("{d} from {} (it has no spec)", dp.main));
        }
    }
    if mode.dry_run {
        reporter.say("dry run: nothing was written");
        return Ok(ExitStatus::Success);
    }
    let backups = apply::write(&project.root, outcomes, mode.force)?;
    for b in &backups {
        reporter.say(&format!("saved the old file as {}", b.saved_as));
    }
    if conflicts > 0 && !mode.force {
        reporter.say(&format!(
            "{conflicts} conflict{} left alone: move your change into a custom section or the spec, or run `scaffold generate --force` (the old file is saved under {})",
            if conflicts == 1 { "" } else { "s" },
            apply::BACKUP_DIR
        ));
        return Ok(ExitStatus::Failure);
    }
    Ok(ExitStatus::Success)
}

/// How a file differs from what the specs produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
enum State {
    Missing,
    Stale,
    Conflict,
    Orphan,
    /// The specs describe another database than the last migration left.
    Unmigrated,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Stale => "stale",
            Self::Conflict => "conflict",
            Self::Orphan => "orphan",
            Self::Unmigrated => "unmigrated",
        }
    }
}

const ORPHAN_REASON: &str = "its spec was deleted: delete this file, or restore the spec";

/// One way in which the tree differs from what the specs produce.
#[derive(Debug, serde::Serialize)]
struct Finding {
    path: String,
    state: State,
    reason: String,
    /// 1-based line of the first difference in the file on disk.
    line: usize,
    diff: String,
}

pub fn check(base: &Path, args: &CheckArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    if let Some(against) = &args.against {
        let diff_args = DiffArgs {
            against: against.clone(),
            format: args.format.into(),
        };
        return diff(base, &diff_args, reporter);
    }
    let result = check_tree(base, args, reporter);
    // A machine format reports bad specs and settings in that format too;
    // the human text still goes to stderr and the exit status stays 2.
    if let Err(error) = &result {
        let problems = problems_of(error);
        match args.format {
            CheckFormat::Human => {}
            CheckFormat::Json => {
                let report = serde_json::json!({"up_to_date": false, "errors": problems});
                reporter.line(&serde_json::to_string_pretty(&report).expect("plain data serialises"));
            }
            CheckFormat::Github => {
                for line in github_error_lines(&problems, "scaffold check") {
                    reporter.line(&line);
                }
            }
        }
    }
    result
}

/// One error that stopped a command, for the machine formats.
#[derive(Debug, serde::Serialize)]
struct Problem {
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    help: Option<String>,
}

fn problems_of(error: &anyhow::Error) -> Vec<Problem> {
    match error.downcast_ref::<Diagnostics>() {
        Some(Diagnostics(diagnostics)) => diagnostics
            .iter()
            .map(|d| Problem {
                file: Some(d.file.display().to_string()),
                line: d.location.as_ref().map(|l| l.line),
                column: d.location.as_ref().map(|l| l.col),
                message: d.message.clone(),
                help: d.help.clone(),
            })
            .collect(),
        None => vec![Problem {
            file: None,
            line: None,
            column: None,
            message: format!("{error:#}"),
            help: None,
        }],
    }
}

fn check_tree(base: &Path, args: &CheckArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    let project = load::discover(base)?;
    let domains = load::domains(&project, None)?;
    let dp = domain_outcomes(&project, &domains, &args.domains, Plan::default())?;
    let mut findings: Vec<Finding> = dp.outcomes.iter().filter_map(finding).collect();
    // main.py has no fingerprint: its blocks tell whether the specs changed.
    if let Some(f) = findings
        .iter_mut()
        .find(|f| f.path == dp.main && f.state == State::Stale)
    {
        f.reason = registration_change(&dp.registered);
    }
    if args.domains.is_empty() {
        let planned: HashSet<&str> = dp.outcomes.iter().map(|o| o.path.as_str()).collect();
        for path in load::orphans(&project, &domains, &planned)? {
            findings.push(Finding {
                reason: ORPHAN_REASON.to_owned(),
                state: State::Orphan,
                line: 1,
                diff: String::new(),
                path,
            });
        }
    }
    if args.domains.is_empty()
        && let Some(f) = migration_finding(&project, &domains)?
    {
        findings.push(f);
    }
    findings.sort_by(|a, b| a.path.cmp(&b.path));
    let files = dp.outcomes.len();
    let summary = format!(
        "checked {} domain{}, {files} files: {}",
        dp.domains,
        if dp.domains == 1 { "" } else { "s" },
        if findings.is_empty() {
            "up to date".to_owned()
        } else {
            format!("{} stale", findings.len())
        }
    );
    let code_fix = findings.iter().filter(|f| f.state != State::Unmigrated);
    let mut fix = if findings.iter().all(|f| f.state == State::Unmigrated) {
        MIGRATE_FIX.to_owned()
    } else if code_fix.clone().all(|f| f.state == State::Orphan) {
        "to fix: delete the orphaned files (or restore their specs) and commit the result".to_owned()
    } else if code_fix.clone().any(|f| f.state == State::Conflict) {
        "to fix: move hand edits into custom sections or the spec, then run `scaffold generate` (or `scaffold generate --force`), and commit the result".to_owned()
    } else {
        "to fix: run `scaffold generate` and commit the result".to_owned()
    };
    if findings.len() > 1 && findings.iter().any(|f| f.state == State::Unmigrated) {
        fix += "; then run `scaffold migrate -m \"what changed\"` and commit the revision";
    }
    let fix = fix.as_str();
    match args.format {
        CheckFormat::Human => {
            for f in &findings {
                reporter.file(Verb::Stale, &format!("{} ({}: {})", f.path, f.state.as_str(), f.reason));
                if !f.diff.is_empty() {
                    reporter.raw(&f.diff);
                }
            }
            // Up to date, `-q` prints nothing; drift is always reported.
            if findings.is_empty() {
                reporter.say(&summary);
            } else {
                reporter.line(&summary);
                reporter.line(fix);
            }
        }
        CheckFormat::Json => {
            let report = serde_json::json!({
                "domains": dp.domains,
                "files": files,
                "up_to_date": findings.is_empty(),
                "findings": findings,
                "summary": summary,
            });
            reporter.line(&serde_json::to_string_pretty(&report).expect("plain data serialises"));
        }
        CheckFormat::Github => {
            for f in &findings {
                let message = format!("{} ({}): {}. {fix}", f.state.as_str(), f.path, f.reason);
                reporter.line(&format!(
                    "::error file={},line={},title=scaffold check::{}",
                    f.path,
                    f.line,
                    github_escape(&message)
                ));
            }
            if findings.is_empty() {
                reporter.say(&summary);
            } else {
                reporter.line(&summary);
            }
        }
    }
    Ok(if findings.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

const MIGRATE_FIX: &str =
    "to fix: run `scaffold migrate -m \"what changed\"`, then `alembic upgrade head`, and commit the revision";

/// A finding when the specs changed since the last migration (projects
/// without `migrations/` do not migrate and are not asked to).
fn migration_finding(project: &Project, domains: &Domains) -> anyhow::Result<Option<Finding>> {
    if !project.root.join(migrate::VERSIONS_DIR).is_dir() {
        return Ok(None);
    }
    let old = read_snapshot(project)?;
    if domains.is_empty() && old.tables.is_empty() || migrate::up_to_date(&old, domains) {
        return Ok(None);
    }
    Ok(Some(Finding {
        path: migrate::SNAPSHOT_PATH.to_owned(),
        state: State::Unmigrated,
        reason: "specs changed since the last migration: run `scaffold migrate -m ...`".to_owned(),
        line: 1,
        diff: String::new(),
    }))
}

/// The schema the last scaffold revision left (empty before the first).
fn read_snapshot(project: &Project) -> anyhow::Result<migrate::Schema> {
    let path = project.root.join(migrate::SNAPSHOT_PATH);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            Diagnostics(vec![
                Diagnostic::file(migrate::SNAPSHOT_PATH, format!("cannot read the recorded schema: {e}"))
                    .with_help("restore it from version control; scaffold writes it with every migration"),
            ])
            .into()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(migrate::Schema::default()),
        Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
    }
}

/// Why main.py's registration blocks differ from what the specs produce.
fn registration_change(registered: &Registered) -> String {
    let names = |list: &[String]| list.join(", ");
    match (registered.added.as_slice(), registered.removed.as_slice()) {
        ([], []) => {
            "its registration blocks were edited by hand (scaffold owns the lines between the markers)".to_owned()
        }
        (added, []) => format!("the specs changed: {} to register", names(added)),
        ([], removed) => format!("the specs changed: {} to unregister", names(removed)),
        (added, removed) => format!(
            "the specs changed: {} to register, {} to unregister",
            names(added),
            names(removed)
        ),
    }
}

fn finding(o: &Outcome) -> Option<Finding> {
    let old = o.old.as_deref().unwrap_or_default();
    let nothing = String::new();
    let (state, reason, new) = match &o.decision {
        Decision::Unchanged | Decision::Exist | Decision::Absent | Decision::RemoveFolder => return None,
        Decision::Remove { .. } | Decision::HoldsWork => (State::Orphan, ORPHAN_REASON.to_owned(), &nothing),
        Decision::Create(new) => (State::Missing, "the file does not exist".to_owned(), new),
        Decision::Update(new) if same_but_whitespace(old, new) => {
            (State::Stale, "it differs only in formatting".to_owned(), new)
        }
        Decision::Update(new) => (
            State::Stale,
            "the spec or scaffold's templates changed since the last generate".to_owned(),
            new,
        ),
        Decision::Conflict { reason, proposed } => {
            let why = match reason {
                Conflict::HandEdited if same_but_whitespace(old, proposed) => {
                    "it differs only in formatting (outside the custom sections)".to_owned()
                }
                Conflict::HandEdited => "its generated part was edited by hand".to_owned(),
                other => other.describe(),
            };
            (State::Conflict, why, proposed)
        }
    };
    Some(Finding {
        line: first_difference(old, new),
        diff: unified_diff(&o.path, old, new),
        path: o.path.clone(),
        state,
        reason,
    })
}

fn first_difference(old: &str, new: &str) -> usize {
    old.lines().zip(new.lines()).take_while(|(a, b)| a == b).count() + 1
}

/// GitHub workflow commands need `%`, CR and LF escaped in messages.
fn github_escape(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A value of a workflow command's property: `,` and `:` escaped as well.
fn property(s: &str) -> String {
    github_escape(s).replace(':', "%3A").replace(',', "%2C")
}

/// The errors that stopped a command as `::error` annotations at their file,
/// line and column where they have them.
fn github_error_lines(problems: &[Problem], title: &str) -> Vec<String> {
    problems
        .iter()
        .map(|p| {
            let mut place = String::new();
            if let Some(file) = &p.file {
                place = format!("file={},", property(file));
                if let (Some(line), Some(column)) = (p.line, p.column) {
                    place += &format!("line={line},col={column},");
                }
            }
            let message = match &p.help {
                Some(help) => format!("{} ({help})", p.message),
                None => p.message.clone(),
            };
            format!("::error {place}title={}::{}", property(title), github_escape(&message))
        })
        .collect()
}

/// State of one file of a domain, for `list`.
#[derive(Debug, serde::Serialize)]
struct FileState {
    path: String,
    state: ListedState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
enum ListedState {
    #[serde(rename = "up to date")]
    UpToDate,
    #[serde(rename = "missing")]
    Missing,
    #[serde(rename = "edited")]
    Edited,
    #[serde(rename = "stale")]
    Stale,
    #[serde(rename = "owned")]
    Owned,
}

impl ListedState {
    fn as_str(self) -> &'static str {
        match self {
            Self::UpToDate => "up to date",
            Self::Missing => "missing",
            Self::Edited => "edited",
            Self::Stale => "stale",
            Self::Owned => "owned",
        }
    }
}

#[derive(Debug, serde::Serialize)]
struct DomainState {
    domain: String,
    spec: String,
    files: Vec<FileState>,
}

pub fn list(base: &Path, args: &ListArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    let project = load::discover(base)?;
    let domains = load::domains(&project, None)?;
    let evaluator = apply::Evaluator::new(&project.root)?;
    let mut report = Vec::new();
    for domain in domains.values() {
        let outcomes = evaluator.evaluate(render::domain::plan(&project.config, domain, &domains))?;
        let mut files: Vec<FileState> = outcomes
            .into_iter()
            .filter(|o| !matches!(o.decision, Decision::Exist))
            .map(|o| FileState {
                state: match o.decision {
                    Decision::Unchanged => ListedState::UpToDate,
                    Decision::Create(_) => ListedState::Missing,
                    Decision::Conflict { .. } => ListedState::Edited,
                    _ => ListedState::Stale,
                },
                path: o.path,
            })
            .collect();
        for kind in domain.owned.iter().copied() {
            if let Some(path) = layout::domain_file(&project.config, &domain.names.snake, kind) {
                files.push(FileState {
                    path,
                    state: ListedState::Owned,
                });
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        report.push(DomainState {
            domain: domain.names.snake.clone(),
            spec: domain.spec_path.clone(),
            files,
        });
    }
    if args.json {
        reporter.line(&serde_json::to_string_pretty(&report).expect("plain data serialises"));
        return Ok(ExitStatus::Success);
    }
    if report.is_empty() {
        reporter.line(&format!(
            "no domains yet: add one with `scaffold new-domain NAME FIELD...` (specs live in {}/)",
            project.config.specs
        ));
    }
    for d in &report {
        reporter.line(&format!("{}  ({})", d.domain, d.spec));
        for f in &d.files {
            reporter.line(&format!("  {:<10}  {}", f.state.as_str(), f.path));
        }
    }
    Ok(ExitStatus::Success)
}

pub fn remove_domain(base: &Path, args: &RemoveDomainArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    let project = load::discover(base)?;
    let domains = load::domains(&project, None)?;
    let name = args.name.as_str();
    let Some(domain) = domains.get(name) else {
        let hint = crate::diag::did_you_mean(name, domains.keys().map(String::as_str))
            .map_or_else(String::new, |s| format!(" (did you mean '{s}'?)"));
        bail!("no spec for domain '{name}'{hint}");
    };
    let referrers: Vec<String> = domains
        .values()
        .filter(|d| d.names.snake != name && d.referenced().contains(&name))
        .map(|d| d.spec_path.clone())
        .collect();
    if !referrers.is_empty() {
        bail!(
            "cannot remove '{name}': still referenced by {}; remove those ref fields (or domains) first",
            referrers.join(", ")
        );
    }
    // main.py without the domain, computed before anything is touched.
    let main = project.config.main.clone();
    let main_py = load::read_project_file(&project.root, &main)?;
    let remaining: Vec<&str> = domains.keys().map(String::as_str).filter(|d| *d != name).collect();
    let registered = registry::register(&main_py, &project.config.package, &remaining).map_err(|e| {
        let registry::RegistryError::Markers(m) = e;
        anyhow::anyhow!("{main}: {m}")
    })?;
    let outcomes = apply::evaluate(
        &project.root,
        removal_plan(&project.config, domain, &main, registered.content),
    )?;
    let folders = apply::emptied_folders(&outcomes, args.force);
    let backups = if args.dry_run {
        Vec::new()
    } else {
        apply::write(&project.root, &outcomes, args.force)?
    };
    // Where a file was saved before it went (a dry run names the folder).
    let saved = |path: &str| match backups.iter().find(|b| b.path == path) {
        Some(b) => format!("saved as {}", b.saved_as),
        None => format!("to be saved under {}/", apply::BACKUP_DIR),
    };
    // Files first, then the folder, main.py and the spec.
    let mut kept = 0;
    let last = [main.as_str(), domain.spec_path.as_str()];
    for o in outcomes.iter().filter(|o| !last.contains(&o.path.as_str())) {
        match o.decision {
            Decision::Remove { .. } => reporter.file(Verb::Remove, &o.path),
            Decision::HoldsWork if args.force => {
                reporter.say(&format!("{}: {}", o.path, saved(&o.path)));
                reporter.file(Verb::Remove, &o.path);
            }
            Decision::HoldsWork => {
                kept += 1;
                let why = "hand edits or custom code; delete it yourself or use --force";
                reporter.file(Verb::Keep, &format!("{} ({why})", o.path));
            }
            Decision::Exist => {
                kept += 1;
                reporter.file(Verb::Keep, &format!("{} (owned by the team)", o.path));
            }
            _ => {}
        }
    }
    for folder in &folders {
        reporter.file(Verb::Remove, &format!("{folder}/"));
    }
    if outcomes
        .iter()
        .any(|o| o.path == main && matches!(o.decision, Decision::Update(_)))
    {
        reporter.file(Verb::Unregister, &format!("{name} from {main}"));
    }
    reporter.file(
        Verb::Remove,
        &format!("{} ({})", domain.spec_path, saved(&domain.spec_path)),
    );
    if args.dry_run {
        reporter.say("dry run: nothing was removed");
        return Ok(ExitStatus::Success);
    }
    if project.root.join(migrate::VERSIONS_DIR).is_dir() {
        // Dropping a table loses its rows: a revision of its own, reviewed.
        reporter.say(&format!(
            "next: scaffold migrate -m \"remove {name}\"   # the revision that drops its table"
        ));
    }
    Ok(if kept > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// What removing `domain` means, file by file: its generated files go
/// unless they hold work, its folder goes once empty, main.py loses its
/// router, and the spec goes after a backup.
fn removal_plan(config: &ProjectConfig, domain: &Domain, main: &str, main_py: String) -> Plan {
    let mut plan = Plan::default();
    let name = &domain.names.snake;
    for kind in FileKind::ALL {
        if let Some(path) = layout::domain_file(config, name, kind) {
            let policy = if domain.generates(kind) {
                Policy::Remove
            } else {
                Policy::Owned
            };
            plan.without(path, policy);
        }
    }
    plan.without(layout::domain_init(config, name), Policy::RemoveFolder);
    plan.whole(main, main_py);
    plan.without(domain.spec_path.clone(), Policy::Discard);
    plan
}

pub fn migrate(base: &Path, args: &MigrateArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    let project = load::discover(base)?;
    let domains = load::domains(&project, None)?;
    if args.message.trim().is_empty() {
        bail!(Diagnostics(vec![
            Diagnostic::file(migrate::VERSIONS_DIR, "the revision needs a message")
                .with_help("say what changed, e.g. -m \"add curator to exhibitions\"")
        ]));
    }
    if !project.root.join(migrate::VERSIONS_DIR).is_dir() {
        bail!(Diagnostics(vec![
            Diagnostic::file(migrate::VERSIONS_DIR, "the project has no alembic migrations folder")
                .with_help("run `scaffold init` in the project to add alembic.ini and migrations/")
        ]));
    }
    let extra = cli_backfills(&domains, &args.backfills)?;
    let old = read_snapshot(&project)?;
    let intent = migrate::intent(&domains, &extra);
    let migration =
        migrate::plan(&old, &domains, &intent).map_err(|problems| migration_errors(&project, &domains, &problems))?;
    match write_migration(&project, &old, &migration, &args.message, args.dry_run, reporter)? {
        Written::Revision if !args.dry_run => {
            reporter.say("apply it: alembic upgrade head (or restart the app where it migrates at start-up)");
        }
        Written::Revision | Written::Record => {}
        Written::Nothing => reporter.say("nothing to migrate: the database schema already matches the specs"),
    }
    Ok(ExitStatus::Success)
}

/// What [`write_migration`] wrote (or, with `--dry-run`, would write).
enum Written {
    /// The specs describe the recorded schema.
    Nothing,
    /// Only the record: the database stays as it is.
    Record,
    /// A revision and the record.
    Revision,
}

/// Writes `migration`'s revision and records its schema; only the record
/// when the database does not change (a wider bound). With `dry_run` the
/// revision is printed and nothing is written.
fn write_migration(
    project: &Project,
    old: &migrate::Schema,
    migration: &migrate::Migration,
    message: &str,
    dry_run: bool,
    reporter: &Reporter,
) -> anyhow::Result<Written> {
    let mut schema = migration.schema.clone();
    if migration.is_empty() {
        if old.tables == schema.tables {
            return Ok(Written::Nothing);
        }
        // Only what the API checks changed (a wider bound): the database
        // stays as it is, the record follows.
        schema.revision = old.revision.clone();
        if !dry_run {
            apply::write_atomic(&project.root.join(migrate::SNAPSHOT_PATH), &schema.to_json())?;
            reporter.file(Verb::Update, migrate::SNAPSHOT_PATH);
            reporter
                .say("no revision needed: the database stays as it is (only constraints the API checks were relaxed)");
        }
        return Ok(Written::Record);
    }
    let versions = project.root.join(migrate::VERSIONS_DIR);
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(&versions).with_context(|| format!("cannot list {}", versions.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "py") {
            texts.push(std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?);
        }
    }
    let parent = migrate::revision::head(texts.iter().map(String::as_str))
        .map_err(|m| Diagnostics(vec![Diagnostic::file(migrate::VERSIONS_DIR, m)]))?;
    let rev = migrate::revision::revision_id(parent.as_deref(), message, &schema.to_json());
    schema.revision = Some(rev.clone());
    let text = migrate::revision::render(&project.config.package, message, &rev, parent.as_deref(), migration);
    let name = migrate::revision::file_name(&migrate::revision::date_of(now_for_files()), &rev, message);
    let rel = format!("{}/{name}", migrate::VERSIONS_DIR);
    if dry_run {
        reporter.line(&text);
        return Ok(Written::Revision);
    }
    apply::write_atomic(&project.root.join(&rel), &text)?;
    reporter.file(Verb::Create, &rel);
    let snapshot_existed = project.root.join(migrate::SNAPSHOT_PATH).is_file();
    apply::write_atomic(&project.root.join(migrate::SNAPSHOT_PATH), &schema.to_json())?;
    reporter.file(
        if snapshot_existed { Verb::Update } else { Verb::Create },
        migrate::SNAPSHOT_PATH,
    );
    for line in &migration.upgrade.summary {
        reporter.say(&format!("{:>10}    {line}", ""));
    }
    Ok(Written::Revision)
}

/// Seconds since the epoch for names of new files: `SOURCE_DATE_EPOCH`
/// when set (reproducible builds' convention), else the clock.
fn now_for_files() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        })
}

/// Migration problems as diagnostics at the field (or the spec's first line).
fn migration_errors(project: &Project, domains: &Domains, problems: &[migrate::Problem]) -> anyhow::Error {
    let diagnostics = problems
        .iter()
        .map(|p| {
            let Some(domain) = domains.get(&p.domain) else {
                return Diagnostic::file(migrate::SNAPSHOT_PATH, p.message.clone()).with_help(p.help.clone());
            };
            let text = std::fs::read_to_string(project.root.join(&domain.spec_path)).unwrap_or_default();
            let source = crate::diag::Source::new(&domain.spec_path, text);
            let span = p
                .field
                .as_deref()
                .and_then(|f| domain.field(f))
                .map_or(0..0, |f| f.span.clone());
            source.error(span, p.message.clone()).with_help(p.help.clone())
        })
        .collect();
    Diagnostics::sorted(diagnostics).into()
}

/// Whether `value` has the form of a date, an offset datetime or a UUID.
fn backfill_text_fits(kind: &spec::FieldKind, value: &str) -> bool {
    let pattern = match kind {
        spec::FieldKind::Date => r"^\d{4}-\d{2}-\d{2}$",
        spec::FieldKind::Datetime => r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$",
        _ => r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$",
    };
    regex::Regex::new(pattern).is_ok_and(|re| re.is_match(value))
}

/// `--backfill DOMAIN.FIELD=VALUE` values, read as the field's type.
fn cli_backfills(
    domains: &Domains,
    given: &[String],
) -> anyhow::Result<std::collections::BTreeMap<(String, String), serde_json::Value>> {
    use crate::spec::FieldKind;
    let mut out = std::collections::BTreeMap::new();
    let usage = |m: String| -> anyhow::Error {
        Diagnostics(vec![
            Diagnostic::file("--backfill", m).with_help("write DOMAIN.FIELD=VALUE, e.g. --backfill artwork.year=2000"),
        ])
        .into()
    };
    for item in given {
        let Some((target, value)) = item.split_once('=') else {
            return Err(usage(format!("'{item}' has no '='")));
        };
        let Some((domain, field)) = target.split_once('.') else {
            return Err(usage(format!("'{target}' is not DOMAIN.FIELD")));
        };
        let Some(f) = domains.get(domain).and_then(|d| d.field(field)) else {
            return Err(usage(format!("no field '{field}' in a domain '{domain}'")));
        };
        let json = match &f.kind {
            FieldKind::Int(_) | FieldKind::BigInt(_) => value
                .parse::<i64>()
                .map(serde_json::Value::from)
                .map_err(|_| usage(format!("{target} is an integer, not '{value}'")))?,
            FieldKind::Float(_) | FieldKind::Decimal { .. } => {
                if value.parse::<f64>().is_ok_and(f64::is_finite) {
                    serde_json::Value::String(value.to_owned())
                } else {
                    return Err(usage(format!("{target} is a number, not '{value}'")));
                }
            }
            FieldKind::Bool => match value {
                "true" => serde_json::Value::Bool(true),
                "false" => serde_json::Value::Bool(false),
                _ => return Err(usage(format!("{target} is true or false, not '{value}'"))),
            },
            FieldKind::Enum { values } if !values.iter().any(|v| v == value) => {
                return Err(usage(format!(
                    "'{value}' is not a value of {target} ({})",
                    values.join(", ")
                )));
            }
            FieldKind::Json => return Err(usage(format!("{target} is a json field; it cannot be backfilled"))),
            FieldKind::Date | FieldKind::Datetime | FieldKind::Uuid if !backfill_text_fits(&f.kind, value) => {
                let form = match f.kind {
                    FieldKind::Date => "a date like 2026-01-31",
                    FieldKind::Datetime => "a datetime with an offset like 2026-01-31T12:00:00Z",
                    _ => "a UUID like 123e4567-e89b-12d3-a456-426614174000",
                };
                return Err(usage(format!("{target} takes {form}, not '{value}'")));
            }
            FieldKind::Ref { to, .. } if domains.get(to).is_some_and(|t| t.id == spec::IdKind::Int) => value
                .parse::<i64>()
                .map(serde_json::Value::from)
                .map_err(|_| usage(format!("{target} holds the integer id of a {to}, not '{value}'")))?,
            _ => serde_json::Value::String(value.to_owned()),
        };
        out.insert((domain.to_owned(), field.to_owned()), json);
    }
    Ok(out)
}
