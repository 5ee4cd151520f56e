//! One function per subcommand: load, plan, apply, report.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};

use crate::ExitStatus;
use crate::apply::{self, Outcome};
use crate::cli::{GenerateArgs, InitArgs, NewDomainArgs};
use crate::config::{self, Project, ProjectConfig};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::{self, PendingSpec};
use crate::names::is_python_identifier;
use crate::output::{Reporter, Verb};
use crate::plan::Plan;
use crate::registry;
use crate::render;
use crate::spec::{self, Domain, Domains};

pub fn init(base: &Path, args: &InitArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    let dir = match &args.dir {
        Some(d) => base.join(d),
        None => base.to_path_buf(),
    };
    let existing = dir.join(config::FILE_NAME);
    let config = if existing.is_file() {
        let config = config::load(&existing, Path::new(config::FILE_NAME))?;
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
    let outcomes = apply::apply(&dir, &plan, false)?;
    report(reporter, &outcomes);
    let created = outcomes.iter().filter(|o| o.verb == Verb::Create).count();
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
        reporter.say("  scaffold new-domain artist name:str:unique bio:text?");
    }
    Ok(ExitStatus::Success)
}

pub fn new_domain(base: &Path, args: &NewDomainArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    let project = config::discover(base)?;
    let name = args.name.as_str();
    let spec_rel = load::spec_path(&project, name);
    if let Some(problem) = spec::domain_name_problem(name) {
        return Err(Diagnostics(vec![
            Diagnostic::file(&spec_rel, problem).with_help("domain names look like 'artist' or 'art_fair'"),
        ])
        .into());
    }
    let spec_exists = project.root.join(&spec_rel).exists();
    if spec_exists {
        if !args.fields.is_empty() || args.plural.is_some() || args.id.is_some() {
            bail!("{spec_rel} already exists; edit it and run `scaffold generate {name}`");
        }
        let domains = load::domains(&project, None)?;
        return generate_domains(&project, &domains, &[name.to_owned()], false, reporter);
    }
    if args.fields.is_empty() {
        let why = if std::io::stdin().is_terminal() {
            "give the fields on the command line"
        } else {
            "no terminal to ask for fields; give them on the command line"
        };
        bail!(
            "{why}, e.g. `scaffold new-domain {name} name:str:unique bio:text? year:int?` (see `scaffold new-domain --help`)"
        );
    }
    let id = args.id.map(|k| match k {
        crate::cli::IdKind::Str => "str",
        crate::cli::IdKind::Uuid => "uuid",
        crate::cli::IdKind::Int => "int",
    });
    let text = spec::spec_from_compact(&args.fields, args.plural.as_deref(), id).map_err(|e| anyhow::anyhow!(e))?;
    // Validate the new spec with all the others before anything is written.
    let domains = load::domains(&project, Some(PendingSpec { name, text: &text }))?;
    let mut plan = Plan::default();
    plan.once(spec_rel.clone(), text);
    let status = generate_into(&project, &domains, &[name.to_owned()], false, reporter, plan)?;
    let d = &domains[name];
    reporter.say("");
    reporter.say("Next:");
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

pub fn generate(base: &Path, args: &GenerateArgs, reporter: &Reporter) -> anyhow::Result<ExitStatus> {
    let project = config::discover(base)?;
    let domains = load::domains(&project, None)?;
    generate_domains(&project, &domains, &args.domains, args.dry_run, reporter)
}

fn generate_domains(
    project: &Project,
    domains: &Domains,
    names: &[String],
    dry_run: bool,
    reporter: &Reporter,
) -> anyhow::Result<ExitStatus> {
    generate_into(project, domains, names, dry_run, reporter, Plan::default())
}

/// Adds the selected domains' files and main.py's blocks to `plan`, then applies it.
fn generate_into(
    project: &Project,
    domains: &Domains,
    names: &[String],
    dry_run: bool,
    reporter: &Reporter,
    mut plan: Plan,
) -> anyhow::Result<ExitStatus> {
    let selected: Vec<&Domain> = load::select(domains, names)?;
    for domain in &selected {
        plan.extend(render::domain::plan(&project.config, domain, domains));
    }
    let main_rel = project.config.main.clone();
    let main_py = load::read_project_file(&project.root, &main_rel)?;
    let all: Vec<&str> = domains.keys().map(String::as_str).collect();
    let registered = registry::register(&main_py, &project.config.package, &all).map_err(|registry::RegistryError::Markers(m)| {
        anyhow::anyhow!(
            "{main_rel}: {m}\n  = help: add these two blocks (scaffold owns only the lines between the markers):\n\n{}",
            registry::marker_help()
        )
    })?;
    plan.generated(main_rel.clone(), registered.content);

    let outcomes = apply::apply(&project.root, &plan, dry_run)?;
    let main_outcome = outcomes.iter().find(|o| o.path == main_rel);
    let others: Vec<Outcome> = outcomes.iter().filter(|o| o.path != main_rel).cloned().collect();
    report(reporter, &others);
    if main_outcome.is_some_and(|o| o.verb == Verb::Update) {
        for d in &registered.added {
            reporter.file(Verb::Register, &format!("{d} in {main_rel}"));
        }
        for d in &registered.removed {
            reporter.file(Verb::Update, &format!("{main_rel} (unregister {d}: it has no spec)"));
        }
    }
    if dry_run {
        reporter.say("dry run: nothing was written");
    }
    Ok(ExitStatus::Success)
}

fn report(reporter: &Reporter, outcomes: &[Outcome]) {
    for o in outcomes {
        reporter.file(o.verb, &o.path);
    }
}
