//! Snapshots of every template, rendered over the example specs, and the
//! example's committed code checked against what the specs produce.

mod common;

use std::path::Path;

use scaffold::render;
use scaffold::{config, load};

fn qwarty() -> load::Project {
    load::discover(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/qwarty").as_path()).expect("example project")
}

/// One snapshot per generated file, named after its path.
fn assert_files(plan: &scaffold::plan::Plan) {
    for (path, file) in &plan.files {
        let name = path.replace('/', "__");
        insta::assert_snapshot!(name, &file.content);
    }
}

#[test]
fn domain_templates_over_the_example_specs() {
    let project = qwarty();
    let domains = scaffold::load::domains(&project, None).expect("example specs are valid");
    assert_eq!(domains.len(), 8);
    for domain in domains.values() {
        assert_files(&render::domain::plan(&project.config, domain, &domains));
    }
}

#[test]
fn support_and_project_templates() {
    let project = qwarty();
    assert_files(&render::support::plan(&project.config));
    let mut init = render::project::plan(&config::ProjectConfig::for_package("backend"), "qwarty");
    // Support files are covered above; keep the project's own templates.
    init.files
        .retain(|path, _| !render::support::plan(&project.config).files.contains_key(path));
    assert_files(&init);
}

#[test]
fn committed_example_is_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/qwarty");
    let run = common::scaffold(&dir, &["check"]);
    assert_eq!(
        run.code,
        0,
        "examples/qwarty is stale; run `scaffold -C examples/qwarty generate`:\n{}",
        run.transcript()
    );
}
