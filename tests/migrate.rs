//! `scaffold migrate` on temp projects: the revisions it writes, the
//! record it keeps, and the spec changes it refuses (exit 2, nothing
//! written). The end-to-end run applies such revisions to real databases.

mod common;

use common::{init_project, read, scaffold, snapshot_tree, write};

const ARTWORK: &str = "id = \"int\"\n\n[fields.title]\ntype = \"str\"\nmax_length = 200\n\n[fields.year]\ntype = \"int\"\noptional = true\n\n[fields.medium]\ntype = \"enum\"\nvalues = [\"oil\", \"acrylic\"]\n";

/// A project with `artwork` migrated once.
fn migrated() -> tempfile::TempDir {
    let dir = init_project();
    write(&dir.path().join("domains/artwork.toml"), ARTWORK);
    assert_eq!(scaffold(dir.path(), &["generate", "-q"]).code, 0);
    let first = scaffold(dir.path(), &["migrate", "-m", "initial schema"]);
    assert_eq!(first.code, 0, "{}", first.transcript());
    dir
}

/// The newest revision file's text.
fn latest_revision(dir: &std::path::Path) -> String {
    let versions = dir.join("migrations/versions");
    let newest = std::fs::read_dir(&versions)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .max_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .expect("a revision");
    read(&newest)
}

fn edit_artwork(dir: &std::path::Path, from: &str, to: &str) {
    let spec = dir.join("domains/artwork.toml");
    let text = read(&spec);
    assert!(text.contains(from), "{from:?} not in the spec");
    write(&spec, &text.replacen(from, to, 1));
}

#[test]
fn the_first_revision_creates_the_tables_and_records_the_schema() {
    let dir = migrated();
    insta::assert_snapshot!("initial_revision", latest_revision(dir.path()));
    insta::assert_snapshot!(
        "recorded_schema",
        read(&dir.path().join("migrations/scaffold-schema.json"))
    );
    let again = scaffold(dir.path(), &["migrate", "-m", "again"]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("nothing to migrate"), "{}", again.stdout);
    assert_eq!(scaffold(dir.path(), &["check", "-q"]).code, 0);
}

#[test]
fn a_revision_follows_the_head_and_writes_both_directions() {
    let dir = migrated();
    edit_artwork(
        dir.path(),
        "[fields.year]",
        "[fields.name]\ntype = \"str\"\nrenamed_from = \"title\"\nmax_length = 100\n\n[fields.year]",
    );
    edit_artwork(dir.path(), "[fields.title]\ntype = \"str\"\nmax_length = 200\n\n", "");
    edit_artwork(dir.path(), "optional = true\n", "backfill = 2000\nge = 1000\n");
    edit_artwork(
        dir.path(),
        "[\"oil\", \"acrylic\"]",
        "[\"oil\", \"acrylic\", \"digital\"]\nindex = true",
    );
    write(
        &dir.path().join("domains/artwork.toml"),
        &(read(&dir.path().join("domains/artwork.toml")) + "\n[fields.edition]\ntype = \"int\"\nbackfill = 1\n"),
    );
    assert_eq!(scaffold(dir.path(), &["generate", "-q"]).code, 0);
    let run = scaffold(dir.path(), &["migrate", "-m", "Rename title; require a year!"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!("change_output", run.stdout);
    let revision = latest_revision(dir.path());
    let initial = read(&dir.path().join("migrations/scaffold-schema.json"));
    assert!(initial.contains("\"revision\""));
    insta::assert_snapshot!("change_revision", revision);
}

#[test]
fn a_new_required_field_without_a_value_for_existing_rows_is_exit_2() {
    let dir = migrated();
    write(
        &dir.path().join("domains/artwork.toml"),
        &(read(&dir.path().join("domains/artwork.toml")) + "\n[fields.edition]\ntype = \"int\"\n"),
    );
    assert_eq!(scaffold(dir.path(), &["generate", "-q"]).code, 0);
    let before = snapshot_tree(dir.path());
    let run = scaffold(dir.path(), &["migrate", "-m", "add edition"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert_eq!(before, snapshot_tree(dir.path()), "nothing written");
    insta::assert_snapshot!("required_without_backfill", run.stderr);

    // --backfill gives the value; a bad one is exit 2 too.
    for (arg, why) in [
        ("artwork.edition=one", "is an integer"),
        ("artwork.nope=1", "no field 'nope'"),
        ("edition=1", "not DOMAIN.FIELD"),
    ] {
        let bad = scaffold(dir.path(), &["migrate", "-m", "add edition", "--backfill", arg]);
        assert_eq!(bad.code, 2, "{arg}");
        assert!(bad.stderr.contains(why), "{arg}: {}", bad.stderr);
    }
    let ok = scaffold(
        dir.path(),
        &["migrate", "-m", "add edition", "--backfill", "artwork.edition=1"],
    );
    assert_eq!(ok.code, 0, "{}", ok.transcript());
    assert!(latest_revision(dir.path()).contains("m.backfill(\"artworks\", \"edition\", 1)"));
}

#[test]
fn a_cast_that_cannot_work_is_exit_2_at_the_field() {
    let dir = migrated();
    edit_artwork(
        dir.path(),
        "[fields.year]\ntype = \"int\"",
        "[fields.year]\ntype = \"date\"",
    );
    assert_eq!(scaffold(dir.path(), &["generate", "-q"]).code, 0);
    let before = snapshot_tree(dir.path());
    let run = scaffold(dir.path(), &["migrate", "-m", "year as a date"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert_eq!(before, snapshot_tree(dir.path()));
    assert!(
        run.stderr
            .starts_with("domains/artwork.toml:7:9: error: a migration cannot convert int to date"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_relaxed_constraint_updates_the_record_only() {
    let dir = init_project();
    write(
        &dir.path().join("domains/artwork.toml"),
        &ARTWORK.replace("optional = true", "optional = true\nle = 2100"),
    );
    assert_eq!(scaffold(dir.path(), &["generate", "-q"]).code, 0);
    assert_eq!(scaffold(dir.path(), &["migrate", "-m", "initial"]).code, 0);
    edit_artwork(dir.path(), "le = 2100", "le = 3000");
    assert_eq!(scaffold(dir.path(), &["generate", "-q"]).code, 0);
    assert_eq!(scaffold(dir.path(), &["check", "-q"]).code, 1);
    let revisions = std::fs::read_dir(dir.path().join("migrations/versions"))
        .unwrap()
        .count();
    let run = scaffold(dir.path(), &["migrate", "-m", "later years"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("no revision needed"), "{}", run.stdout);
    assert_eq!(
        std::fs::read_dir(dir.path().join("migrations/versions"))
            .unwrap()
            .count(),
        revisions
    );
    assert_eq!(scaffold(dir.path(), &["check", "-q"]).code, 0);
}

#[test]
fn check_reports_an_unmigrated_change_in_every_format() {
    let dir = migrated();
    edit_artwork(dir.path(), "max_length = 200", "max_length = 300");
    assert_eq!(scaffold(dir.path(), &["generate", "-q"]).code, 0);
    let human = scaffold(dir.path(), &["check"]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains(
            "stale  migrations/scaffold-schema.json (unmigrated: specs changed since the last migration: run `scaffold migrate -m ...`)"
        ),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("to fix: run `scaffold migrate -m"),
        "{}",
        human.stdout
    );
    let json = scaffold(dir.path(), &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["up_to_date"], false);
    assert_eq!(report["findings"][0]["state"], "unmigrated");
    let github = scaffold(dir.path(), &["check", "--format", "github"]);
    assert!(
        github
            .stdout
            .starts_with("::error file=migrations/scaffold-schema.json,line=1,title=scaffold check::unmigrated"),
        "{}",
        github.stdout
    );
}

#[test]
fn several_heads_and_a_missing_migrations_folder_are_exit_2() {
    let dir = migrated();
    let versions = dir.path().join("migrations/versions");
    for (name, rev) in [("a.py", "aaa"), ("b.py", "bbb")] {
        write(
            &versions.join(name),
            &format!("revision = \"{rev}\"\ndown_revision = None\n"),
        );
    }
    edit_artwork(dir.path(), "max_length = 200", "max_length = 300");
    let run = scaffold(dir.path(), &["migrate", "-m", "longer titles"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("several heads"), "{}", run.stderr);
    assert!(run.stderr.contains("alembic merge heads"), "{}", run.stderr);

    std::fs::remove_dir_all(dir.path().join("migrations")).unwrap();
    let run = scaffold(dir.path(), &["migrate", "-m", "longer titles"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("no alembic migrations folder"), "{}", run.stderr);
}

#[test]
fn dry_run_prints_the_revision_and_writes_nothing() {
    let dir = migrated();
    edit_artwork(dir.path(), "max_length = 200", "max_length = 300");
    let before = snapshot_tree(dir.path());
    let run = scaffold(dir.path(), &["migrate", "-m", "longer titles", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("def upgrade() -> None:"), "{}", run.stdout);
    assert!(run.stdout.contains("sa.String(length=300)"), "{}", run.stdout);
    assert_eq!(before, snapshot_tree(dir.path()));
}
