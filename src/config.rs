//! `scaffold.toml`: its settings, parsed and validated. Pure: finding and
//! reading the file on disk is `load`'s.

use std::path::{Component, Path};

use serde::Deserialize;

use crate::diag::{Diagnostic, Source, did_you_mean, key_span};
use crate::names::is_python_identifier;

pub const FILE_NAME: &str = "scaffold.toml";

/// The `[project]` table, with docs/design.md §3 defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectConfig {
    pub package: String,
    pub specs: String,
    pub main: String,
    pub api_prefix: String,
    pub tests: String,
    pub requires: Option<String>,
}

impl ProjectConfig {
    pub fn for_package(package: &str) -> Self {
        Self {
            package: package.to_owned(),
            specs: "domains".to_owned(),
            main: format!("{package}/main.py"),
            api_prefix: "/api/v1".to_owned(),
            tests: "tests/api".to_owned(),
            requires: None,
        }
    }

    /// The file as `init` writes it.
    pub fn to_toml(&self) -> String {
        let mut out = String::from("# Settings of the `scaffold` code generator.\n[project]\n");
        let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
        out += &format!("package = {}\n", q(&self.package));
        out += &format!("specs = {}\n", q(&self.specs));
        out += &format!("main = {}\n", q(&self.main));
        out += &format!("api_prefix = {}\n", q(&self.api_prefix));
        out += &format!("tests = {}\n", q(&self.tests));
        if let Some(r) = &self.requires {
            out += &format!("requires = {}\n", q(r));
        }
        out
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    project: RawProject,
}

/// `[project]` as written; `main` defaults to `<package>/main.py`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    package: Option<String>,
    specs: Option<String>,
    main: Option<String>,
    api_prefix: Option<String>,
    tests: Option<String>,
    requires: Option<String>,
}

impl RawProject {
    fn with_defaults(self) -> ProjectConfig {
        let defaults = ProjectConfig::for_package(self.package.as_deref().unwrap_or("backend"));
        ProjectConfig {
            specs: self.specs.unwrap_or(defaults.specs),
            main: self.main.unwrap_or(defaults.main),
            api_prefix: self.api_prefix.unwrap_or(defaults.api_prefix),
            tests: self.tests.unwrap_or(defaults.tests),
            requires: self.requires,
            package: defaults.package,
        }
    }
}

const PROJECT_KEYS: &[&str] = &["package", "specs", "main", "api_prefix", "tests", "requires"];

pub fn parse(source: Source) -> Result<ProjectConfig, Vec<Diagnostic>> {
    let file: ConfigFile = toml::from_str(&source.text).map_err(|e| vec![toml_error(&source, &e)])?;
    let config = file.project.with_defaults();
    let errors = validate(&source, &config);
    if errors.is_empty() { Ok(config) } else { Err(errors) }
}

/// Turns a serde/TOML error into a diagnostic with a did-you-mean for unknown keys.
fn toml_error(source: &Source, err: &toml::de::Error) -> Diagnostic {
    let message = err.message().trim().to_owned();
    let span = err.span().unwrap_or(0..0);
    let mut diag = match message.strip_prefix("unknown field `") {
        Some(rest) => {
            let key = rest.split('`').next().unwrap_or_default();
            let d = source.error(span, format!("unknown key '{key}'"));
            match did_you_mean(key, PROJECT_KEYS.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean '{s}'?")),
                None => d.with_help(format!("valid keys: {}", PROJECT_KEYS.join(", "))),
            }
        }
        None => source.error(span, message.replace('`', "'")),
    };
    if diag.help.is_none() && message.starts_with("invalid type") {
        diag = diag.with_help("see the [project] table in the README for each key's type");
    }
    diag
}

fn validate(source: &Source, config: &ProjectConfig) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let at = |key: &str| key_span(&source.text, key);
    if !is_python_identifier(&config.package) {
        errors.push(
            source
                .error(
                    at("package"),
                    format!("package '{}' is not a Python identifier", config.package),
                )
                .with_help("use a lowercase name such as 'backend' or 'app'"),
        );
    }
    for (key, value) in [
        ("specs", &config.specs),
        ("main", &config.main),
        ("tests", &config.tests),
    ] {
        if (key != "tests" || !value.is_empty()) && !is_inside_project(value) {
            errors.push(
                source
                    .error(
                        at(key),
                        format!("{key} = '{value}' must be a relative path inside the project"),
                    )
                    .with_help("paths are relative to the directory of scaffold.toml and may not use '..'"),
            );
        }
    }
    if !config.main.ends_with(".py") {
        errors.push(source.error(at("main"), format!("main = '{}' is not a Python file", config.main)));
    }
    let prefix = &config.api_prefix;
    let prefix_ok = prefix.is_empty()
        || (prefix.starts_with('/')
            && !prefix.ends_with('/')
            && prefix
                .split('/')
                .skip(1)
                .all(|seg| !seg.is_empty() && seg.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))));
    if !prefix_ok {
        errors.push(
            source
                .error(at("api_prefix"), format!("api_prefix '{prefix}' is not a URL path"))
                .with_help("write it like '/api/v1': a leading slash, no trailing slash"),
        );
    }
    if let Some(req) = &config.requires {
        match semver::VersionReq::parse(req) {
            Err(e) => errors.push(source.error(
                at("requires"),
                format!("requires = '{req}' is not a version requirement: {e}"),
            )),
            Ok(r) => {
                let ours = semver::Version::parse(env!("CARGO_PKG_VERSION")).expect("crate version is semver");
                if !r.matches(&ours) {
                    errors.push(
                        source
                            .error(
                                at("requires"),
                                format!("this project requires scaffold {req}, but this is scaffold {ours}"),
                            )
                            .with_help("install a matching version of scaffold"),
                    );
                }
            }
        }
    }
    errors
}

/// True for a relative path with no `..`, root or prefix components.
pub fn is_inside_project(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<ProjectConfig, String> {
        parse(Source::new("scaffold.toml", text.to_owned()))
            .map_err(|d| d.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
    }

    #[test]
    fn defaults_fill_missing_keys() {
        let c = parse_str("[project]\npackage = \"app\"\n").unwrap();
        assert_eq!(c.package, "app");
        assert_eq!(c.specs, "domains");
        assert_eq!(c.api_prefix, "/api/v1");
    }

    #[test]
    fn errors_name_line_column_and_what_to_do() {
        let cases = [
            (
                "[project]\npakage = \"app\"\n",
                "scaffold.toml:2:1: error: unknown key 'pakage'",
            ),
            ("[project]\npakage = \"app\"\n", "did you mean 'package'?"),
            ("[project]\npackage = 3\n", "scaffold.toml:2:11: error:"),
            ("[project\n", "scaffold.toml:1:"),
            (
                "[project]\nspecs = \"../x\"\n",
                "scaffold.toml:2:1: error: specs = '../x' must be a relative path",
            ),
        ];
        for (text, expected) in cases {
            let err = parse_str(text).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn written_file_parses_back() {
        let c = ProjectConfig::for_package("app");
        assert_eq!(parse_str(&c.to_toml()).unwrap(), c);
    }
}
