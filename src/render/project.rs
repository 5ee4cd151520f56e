//! The files `scaffold init` writes: a backend that runs at once.

use super::fixed_templates;
use crate::config::ProjectConfig;
use crate::plan::Plan;

fixed_templates!(render_all, "project/", {
    Pyproject => "project/pyproject.toml",
    Readme => "project/README.md",
    Gitignore => "project/.gitignore",
    Gitattributes => "project/.gitattributes",
    CiWorkflow => "project/.github/workflows/ci.yml",
    PreCommitConfig => "project/.pre-commit-config.yaml",
    AlembicIni => "project/alembic.ini",
    MigrationsEnv => "project/migrations/env.py",
    MigrationsScript => "project/migrations/script.py.mako",
    MigrationsReadme => "project/migrations/README",
    PackageInit => "project/package/__init__.py",
    Main => "project/package/main.py",
    CoreInit => "project/package/core/__init__.py",
    Config => "project/package/core/config.py",
    DbInit => "project/package/db/__init__.py",
    Orm => "project/package/db/orm.py",
    MiddlewareInit => "project/package/middleware/__init__.py",
    DomainInit => "project/package/domain/__init__.py",
    SharedInit => "project/package/domain/shared/__init__.py",
    DtosInit => "project/package/dtos/__init__.py",
    ApiInit => "project/package/api/__init__.py",
    ApiV1Init => "project/package/api/v1/__init__.py",
    RoutersInit => "project/package/api/v1/routers/__init__.py",
    TestsInit => "project/tests/__init__.py",
    Conftest => "project/tests/conftest.py",
    TestHealth => "project/tests/test_health.py",
    TestConfig => "project/tests/test_config.py",
    TestErrorHandler => "project/tests/test_error_handler.py",
});

/// The plan of `scaffold init`: every file is written only if missing.
pub fn plan(config: &ProjectConfig, project: &str) -> Plan {
    let mut plan = Plan::default();
    plan.once("scaffold.toml", config.to_toml());
    for (path, content) in render_all(&config.package, project) {
        plan.once(super::output_path(config, path), content);
    }
    // Support files too, but only where missing: `init` never overwrites.
    for (path, content) in super::support::files(config) {
        plan.once(path, content);
    }
    plan.once(super::support::SCHEMA_PATH, super::support::schema_json());
    plan.once(format!("{}/.gitkeep", config.specs), "");
    plan.once("migrations/versions/.gitkeep", "");
    if !config.tests.is_empty() {
        plan.once(format!("{}/__init__.py", config.tests), "");
    }
    plan
}

/// A PEP 508 distribution name from a directory name (`My App` → `my-app`).
pub fn distribution_name(dir_name: &str, package: &str) -> String {
    let name: String = dir_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches('-');
    let collapsed = name.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    if collapsed.is_empty() {
        package.to_owned()
    } else {
        collapsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_lands_under_the_configured_paths() {
        let plan = plan(&ProjectConfig::for_package("app"), "my-app");
        assert!(plan.files.contains_key("app/main.py"));
        assert!(plan.files.contains_key("app/db/orm.py"));
        assert!(plan.files.contains_key("tests/api/__init__.py"));
        assert!(plan.files.contains_key("domains/.gitkeep"));
        let pyproject = &plan.files["pyproject.toml"].content;
        assert!(pyproject.contains("name = \"my-app\""));
        assert!(
            !plan
                .files
                .iter()
                .any(|(path, f)| path.ends_with(".py") && f.content.contains("backend.")),
            "package name is substituted"
        );
    }

    #[test]
    fn distribution_names() {
        assert_eq!(distribution_name("My Cool_App", "backend"), "my-cool-app");
        assert_eq!(distribution_name("...", "backend"), "backend");
    }
}
