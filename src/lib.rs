//! `scaffold`: generate layered FastAPI domains from TOML specs.
//!
//! The core is pure: specs and settings go in, a [`plan::Plan`] of files
//! comes out ([`render`], [`registry`]). Only [`apply`] writes to disk, and
//! only [`load`] reads the project.

pub mod apply;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diag;
pub mod layout;
pub mod load;
pub mod migrate;
pub mod names;
pub mod output;
pub mod plan;
pub mod reconcile;
pub mod registry;
pub mod render;
pub mod sections;
pub mod spec;

use cli::{Cli, Command};

/// The name scaffold is published under on the package index (`project.name`
/// in pyproject.toml): `scaffold` there is an unrelated project.
pub const DISTRIBUTION: &str = "scaffold-domains";

/// The pip requirement of exactly this scaffold, which the CI workflow and
/// pre-commit config of a new backend pin, so that `scaffold check` gives
/// the same answer on every machine.
pub const REQUIREMENT: &str = concat!("scaffold-domains==", env!("CARGO_PKG_VERSION"));
use output::Reporter;

/// How a command ended when it did not fail outright (exit 0 or 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Done, or up to date.
    Success = 0,
    /// `check` found drift, or `generate` met a conflict.
    Failure = 1,
}

/// Runs one command. Errors (bad usage, config or spec) map to exit 2.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    let reporter = Reporter::new(&cli.global);
    let cwd = std::env::current_dir()?;
    let base = match &cli.global.project_dir {
        Some(dir) => cwd.join(dir),
        None => cwd,
    };
    match cli.command {
        Command::Init(args) => commands::init(&base, &args, &reporter),
        Command::NewDomain(args) => commands::new_domain(&base, &args, &reporter),
        Command::Generate(args) => commands::generate(&base, &args, &reporter),
        Command::Check(args) => commands::check(&base, &args, &reporter),
        Command::Migrate(args) => commands::migrate(&base, &args, &reporter),
        Command::Diff(args) => commands::diff(&base, &args, &reporter),
        Command::RemoveDomain(args) => commands::remove_domain(&base, &args, &reporter),
        Command::List(args) => commands::list(&base, &args, &reporter),
        Command::Schema => {
            let _ = std::io::Write::write_all(&mut std::io::stdout(), render::support::schema_json().as_bytes());
            Ok(ExitStatus::Success)
        }
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "scaffold", &mut script);
            // A closed pipe (`| head`) is the reader's choice, not an error.
            let _ = std::io::Write::write_all(&mut std::io::stdout(), &script);
            Ok(ExitStatus::Success)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// Top-level module → the modules its code (tests aside) names as `crate::x`.
    fn module_imports() -> BTreeMap<String, BTreeSet<String>> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&src).into_iter().map(Result::unwrap) {
            if entry.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = entry.path().strip_prefix(&src).unwrap();
            let top = rel.components().next().unwrap().as_os_str().to_string_lossy();
            let module = top.trim_end_matches(".rs").to_owned();
            if ["lib", "main"].contains(&module.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let used = map.entry(module.clone()).or_default();
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    used.insert(name);
                }
            }
        }
        map
    }

    /// The module map of docs/design.md §8: `module → a, b` (`—` for none).
    fn documented_map() -> BTreeMap<String, BTreeSet<String>> {
        let design = include_str!("../docs/design.md");
        let block = design.split("<!-- module map -->\n```\n").nth(1).expect("a module map");
        let block = block.split("```").next().unwrap();
        block
            .lines()
            .map(|line| {
                let (module, uses) = line.split_once('→').expect("`module → uses`");
                let uses = uses.split(',').map(str::trim).filter(|u| *u != "—");
                (module.trim().to_owned(), uses.map(str::to_owned).collect())
            })
            .collect()
    }

    #[test]
    fn the_documented_module_map_matches_the_code() {
        assert_eq!(documented_map(), module_imports());
    }

    /// The pure core (docs/design.md §8) never touches the disk: only
    /// `load` reads the project and only `apply` writes it.
    #[test]
    fn pure_modules_do_not_reach_the_disk() {
        let pure = [
            ("config", include_str!("config.rs")),
            ("diag", include_str!("diag.rs")),
            ("layout", include_str!("layout.rs")),
            ("names", include_str!("names.rs")),
            ("plan", include_str!("plan.rs")),
            ("reconcile", include_str!("reconcile.rs")),
            ("registry", include_str!("registry.rs")),
            ("sections", include_str!("sections.rs")),
            ("spec", include_str!("spec/mod.rs")),
            ("spec::compact", include_str!("spec/compact.rs")),
            ("spec::compat", include_str!("spec/compat.rs")),
            ("spec::format", include_str!("spec/format.rs")),
            ("spec::parse", include_str!("spec/parse.rs")),
            ("spec::resolve", include_str!("spec/resolve.rs")),
            ("spec::rules", include_str!("spec/rules.rs")),
            ("render", include_str!("render/mod.rs")),
            ("render::api_tests", include_str!("render/api_tests.rs")),
            ("render::domain", include_str!("render/domain.rs")),
            ("render::expr", include_str!("render/expr.rs")),
            ("render::fields", include_str!("render/fields.rs")),
            ("render::imports", include_str!("render/imports.rs")),
            ("render::project", include_str!("render/project.rs")),
            ("render::py", include_str!("render/py.rs")),
            ("render::samples", include_str!("render/samples.rs")),
            ("render::support", include_str!("render/support.rs")),
            ("migrate", include_str!("migrate/mod.rs")),
            ("migrate::schema", include_str!("migrate/schema.rs")),
            ("migrate::steps", include_str!("migrate/steps.rs")),
            ("migrate::revision", include_str!("migrate/revision.rs")),
        ];
        for (module, source) in pure {
            // Tests beside the code may read fixtures.
            let code = source.split("#[cfg(test)]").next().unwrap_or_default();
            for disk in [
                "std::fs",
                "fs::",
                "File::",
                "crate::load",
                "crate::apply",
                "crate::commands",
            ] {
                assert!(!code.contains(disk), "{module} uses {disk}");
            }
        }
    }

    #[test]
    fn the_requirement_names_the_published_distribution() {
        let pyproject: toml::Table = include_str!("../pyproject.toml")
            .parse()
            .expect("pyproject.toml is TOML");
        assert_eq!(pyproject["project"]["name"].as_str(), Some(super::DISTRIBUTION));
        assert_eq!(
            super::REQUIREMENT,
            format!("{}=={}", super::DISTRIBUTION, env!("CARGO_PKG_VERSION"))
        );
        assert!(
            include_str!("../README.md").contains(super::REQUIREMENT),
            "README's install commands pin another version than Cargo.toml's"
        );
    }
}
