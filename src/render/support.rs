//! Support code that generated domains call (base repository, errors, the
//! error middleware, shared DTO types, ...). Generated with a fingerprint,
//! so a newer scaffold upgrades it and `check` covers it.

use super::fixed_templates;
use crate::config::ProjectConfig;
use crate::plan::Plan;
use crate::sections::stamp;

fixed_templates!(render_all, "support/", {
    DbTypes => "support/package/db/types.py",
    DbMigration => "support/package/db/migration.py",
    Error => "support/package/error/__init__.py",
    ErrorHandler => "support/package/middleware/error_handler.py",
    BaseRepository => "support/package/domain/shared/base_repository.py",
    SharedService => "support/package/domain/shared/service.py",
    SharedDtos => "support/package/dtos/shared.py",
    SharedApi => "support/package/api/shared.py",
    Utils => "support/package/utils/__init__.py",
    TestSupport => "support/tests/support.py",
    TestShared => "support/tests/test_shared.py",
});

/// Every support file, stamped.
pub fn files(config: &ProjectConfig) -> Vec<(String, String)> {
    render_all(&config.package, "")
        .into_iter()
        .map(|(path, text)| (super::output_path(config, path), stamp(text)))
        .collect()
}

/// Where the JSON Schema of the spec format lives in a project.
pub const SCHEMA_PATH: &str = ".scaffold/spec.schema.json";

/// The JSON Schema of the spec format, as written to [`SCHEMA_PATH`].
pub fn schema_json() -> String {
    let mut text = serde_json::to_string_pretty(&crate::spec::format::json_schema()).expect("plain JSON");
    text.push('\n');
    text
}

/// The `#:schema` directive a spec starts with, so that editors (Even
/// Better TOML / taplo) complete and validate it.
pub fn schema_directive(config: &ProjectConfig) -> String {
    let depth = config.specs.split('/').filter(|p| !p.is_empty() && *p != ".").count();
    format!("#:schema {}{SCHEMA_PATH}\n", "../".repeat(depth))
}

/// The plan `generate` keeps support files up to date with.
pub fn plan(config: &ProjectConfig) -> Plan {
    let mut plan = Plan::default();
    for (path, text) in files(config) {
        plan.generated(path, text);
    }
    plan.whole(SCHEMA_PATH, schema_json());
    plan
}
