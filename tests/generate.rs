//! `new-domain`, `generate` and `check` on temp projects.

mod common;

use common::{init_project, read, scaffold, snapshot_tree, write};

const ARTIST: &[&str] = &["new-domain", "artist", "name:str:unique", "bio:text?"];

#[test]
fn new_domain_writes_spec_files_and_registration() {
    let dir = init_project();
    let run = scaffold(dir.path(), ARTIST);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!(run.stdout);
    let spec = read(&dir.path().join("domains/artist.toml"));
    assert!(spec.contains("[fields.name]\ntype = \"str\"\nunique = true"), "{spec}");
    let main = read(&dir.path().join("backend/main.py"));
    assert!(main.contains("from backend.api.v1.routers import artist as artist_router"));
    assert_eq!(main.matches("app.include_router(artist_router.router)").count(), 1);
}

#[test]
fn routers_are_registered_once_sorted_by_domain() {
    let dir = init_project();
    assert_eq!(scaffold(dir.path(), &["new-domain", "zebra", "name:str"]).code, 0);
    assert_eq!(scaffold(dir.path(), ARTIST).code, 0);
    assert_eq!(scaffold(dir.path(), &["generate"]).code, 0);
    let main = read(&dir.path().join("backend/main.py"));
    let artist = main.find("app.include_router(artist_router.router)").unwrap();
    let zebra = main.find("app.include_router(zebra_router.router)").unwrap();
    assert!(artist < zebra);
    assert_eq!(main.matches("include_router(artist_router").count(), 1);
}

#[test]
fn new_domain_refuses_an_existing_spec_and_bad_fields() {
    let dir = init_project();
    assert_eq!(scaffold(dir.path(), ARTIST).code, 0);
    let before = snapshot_tree(dir.path());
    let again = scaffold(dir.path(), ARTIST);
    assert_eq!(again.code, 2, "{}", again.transcript());
    assert!(
        again.stderr.contains("domains/artist.toml already exists"),
        "{}",
        again.stderr
    );
    let bad = scaffold(dir.path(), &["new-domain", "artwork", "year:integer"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("unknown type 'integer' (did you mean 'int'?)"),
        "{}",
        bad.stderr
    );
    let missing_ref = scaffold(dir.path(), &["new-domain", "artwork", "owner_id:ref:owner"]);
    assert_eq!(missing_ref.code, 2);
    // The spec was never written: the error names the argument.
    assert!(
        missing_ref
            .stderr
            .starts_with("argument 'owner_id:ref:owner': error: field 'owner_id' refers to unknown domain 'owner'"),
        "{}",
        missing_ref.stderr
    );
    for (args, expected) in [
        (
            &["limit:int"][..],
            "error: field 'limit:int': field name 'limit' is reserved",
        ),
        (&["a:str", "a:int"][..], "error: field 'a:int': 'a' is given twice"),
        (
            &["a:str:unique:unique"][..],
            "error: field 'a:str:unique:unique': modifier 'unique' is given twice",
        ),
    ] {
        let run = scaffold(dir.path(), &[&["new-domain", "artwork"][..], args].concat());
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.starts_with(expected), "{args:?}: {}", run.stderr);
    }
    let bad_name = scaffold(dir.path(), &["new-domain", "../x", "a:str"]);
    assert_eq!(bad_name.code, 2);
    let no_fields = scaffold(dir.path(), &["new-domain", "artwork"]);
    assert_eq!(no_fields.code, 2);
    assert!(
        no_fields.stderr.contains("no terminal to ask for them"),
        "{}",
        no_fields.stderr
    );
    assert_eq!(before, snapshot_tree(dir.path()), "nothing written");
}

#[test]
fn dry_run_writes_nothing() {
    let dir = init_project();
    write(
        &dir.path().join("domains/artist.toml"),
        "[fields.name]\ntype = \"str\"\n",
    );
    let before = snapshot_tree(dir.path());
    let run = scaffold(dir.path(), &["generate", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!("generate_dry_run", run.stdout);
    assert_eq!(before, snapshot_tree(dir.path()));
}

#[test]
fn generating_twice_writes_nothing_and_output_is_deterministic() {
    // The project name comes from the directory name: use the same one.
    let (parent_a, parent_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = tempfile::TempDir::new_in(parent_a.path()).unwrap();
    let b_path = parent_b.path().join(a.path().file_name().unwrap());
    std::fs::create_dir(&b_path).unwrap();
    for dir in [a.path(), b_path.as_path()] {
        assert_eq!(scaffold(dir, &["init", "."]).code, 0);
    }
    let b = b_path;
    for dir in [a.path(), b.as_path()] {
        assert_eq!(scaffold(dir, ARTIST).code, 0);
        let run = scaffold(dir, &["new-domain", "artwork", "title:str", "artist_id:ref:artist"]);
        assert_eq!(run.code, 0, "{}", run.transcript());
    }
    let model = a.path().join("backend/domain/artwork/model.py");
    let mtime = std::fs::metadata(&model).unwrap().modified().unwrap();
    let before = snapshot_tree(a.path());
    let run = scaffold(a.path(), &["generate", "-v"]);
    assert_eq!(run.code, 0);
    assert!(!run.stdout.contains("update"), "{}", run.stdout);
    assert_eq!(before, snapshot_tree(a.path()));
    assert_eq!(mtime, std::fs::metadata(&model).unwrap().modified().unwrap());
    assert!(snapshot_tree(a.path()) == snapshot_tree(&b), "same specs, same bytes");
}

#[test]
fn bad_specs_report_every_error_and_write_nothing() {
    let dir = init_project();
    write(
        &dir.path().join("domains/artist.toml"),
        "[fields.name]\ntype = \"strr\"\n",
    );
    write(
        &dir.path().join("domains/artwork.toml"),
        "[fields.title]\ntype = \"str\"\nmax_lenght = 3\n[fields.owner]\ntype = \"ref\"\nto = \"nobody\"\n",
    );
    write(
        &dir.path().join("domains/exhibition.toml"),
        "[fields.year\ntype = \"int\"\n",
    );
    let before = snapshot_tree(dir.path());
    let run = scaffold(dir.path(), &["generate"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    insta::assert_snapshot!(run.stderr);
    assert_eq!(before, snapshot_tree(dir.path()));
}

#[test]
fn check_passes_on_fresh_code_and_reports_each_kind_of_drift() {
    let dir = init_project();
    assert_eq!(scaffold(dir.path(), ARTIST).code, 0);
    let ok = scaffold(dir.path(), &["check"]);
    assert_eq!(ok.code, 0, "{}", ok.transcript());
    assert!(
        ok.stdout.ends_with("checked 1 domain, 20 files: up to date\n"),
        "{}",
        ok.stdout
    );
    // `-q`: nothing to say when up to date, in every format but JSON.
    for format in ["human", "github"] {
        let quiet = scaffold(dir.path(), &["check", "-q", "--format", format]);
        assert_eq!((quiet.code, quiet.stdout.as_str()), (0, ""), "{format}");
    }

    // Whitespace edits are reported as formatting.
    let model = dir.path().join("backend/domain/artist/model.py");
    let generated = read(&model);
    write(
        &model,
        &generated.replace("class Artist(SQLModel", "class Artist(  SQLModel"),
    );
    let run = scaffold(dir.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("stale  backend/domain/artist/model.py (conflict: it differs only in formatting"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("checked 1 domain, 20 files: 1 stale"),
        "{}",
        run.stdout
    );
    write(&model, &generated);

    // A spec change makes files stale, with the diff and the fix.
    let spec = dir.path().join("domains/artist.toml");
    write(
        &spec,
        &(read(&spec) + "\n[fields.born]\ntype = \"date\"\noptional = true\n"),
    );
    let run = scaffold(dir.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    // Every stale file, its diff, the summary and the fix.
    insta::assert_snapshot!("check_stale", run.stdout);
    // ... and drift is reported under `-q` too.
    let quiet = scaffold(dir.path(), &["check", "-q"]);
    assert_eq!(quiet.code, 1);
    assert_eq!(quiet.stdout, run.stdout);

    let json = scaffold(dir.path(), &["check", "--format", "json"]);
    assert_eq!(json.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["up_to_date"], false);
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "backend/dtos/artist.py")
    );

    let github = scaffold(dir.path(), &["check", "--format", "github"]);
    assert_eq!(github.code, 1);
    insta::assert_snapshot!("check_stale_github", github.stdout);
}

#[test]
fn custom_code_survives_a_spec_change() {
    let dir = init_project();
    assert_eq!(scaffold(dir.path(), ARTIST).code, 0);
    let service = dir.path().join("backend/domain/artist/service.py");
    let custom = "    async def feature_artist(self, artist_id: str) -> None:\n        \"\"\"Mine.\"\"\"\n";
    let imports = "import logging\n";
    let text = read(&service)
        .replace(
            "    # scaffold: end custom methods",
            &format!("{custom}    # scaffold: end custom methods"),
        )
        .replace(
            "# scaffold: end custom imports",
            &format!("{imports}# scaffold: end custom imports"),
        );
    write(&service, &text);
    assert_eq!(
        scaffold(dir.path(), &["check"]).code,
        0,
        "code in sections is not drift"
    );

    let spec = dir.path().join("domains/artist.toml");
    let extra = "\n[fields.year]\ntype = \"int\"\noptional = true\n\n[api]\nfilters = [\"year\"]\n";
    write(&spec, &(read(&spec) + extra));
    let run = scaffold(dir.path(), &["generate"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("update  backend/domain/artist/service.py"),
        "{}",
        run.stdout
    );
    let after = read(&service);
    assert!(after.contains(custom) && after.contains(imports), "{after}");
    // The database follows with a revision; check says so until it exists.
    let unmigrated = scaffold(dir.path(), &["check"]);
    assert_eq!(unmigrated.code, 1, "{}", unmigrated.transcript());
    assert!(
        unmigrated.stdout.contains("specs changed since the last migration"),
        "{}",
        unmigrated.stdout
    );
    let migrate = scaffold(dir.path(), &["migrate", "-m", "add year to artists"]);
    assert_eq!(migrate.code, 0, "{}", migrate.transcript());
    assert!(migrate.stdout.contains("add column artists.year"), "{}", migrate.stdout);
    assert_eq!(scaffold(dir.path(), &["check"]).code, 0);
}

#[test]
fn hand_edits_are_conflicts_until_forced_with_a_backup() {
    let dir = init_project();
    assert_eq!(scaffold(dir.path(), ARTIST).code, 0);
    let router = dir.path().join("backend/api/v1/routers/artist.py");
    let edited = read(&router).replace("tags=[\"artists\"]", "tags=[\"people\"]");
    write(&router, &edited);

    let check = scaffold(dir.path(), &["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stdout.contains("conflict: its generated part was edited by hand"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains("-    tags=[\"people\"],\n+    tags=[\"artists\"],"),
        "{}",
        check.stdout
    );

    let run = scaffold(dir.path(), &["generate"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("conflict  backend/api/v1/routers/artist.py"),
        "{}",
        run.stdout
    );
    assert_eq!(read(&router), edited, "left alone");

    let forced = scaffold(dir.path(), &["generate", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.transcript());
    assert!(read(&router).contains("tags=[\"artists\"]"));
    assert_eq!(
        read(&dir.path().join(".scaffold/backup/backend/api/v1/routers/artist.py")),
        edited
    );
    assert_eq!(scaffold(dir.path(), &["check"]).code, 0);
}

#[test]
fn malformed_markers_are_a_conflict_naming_the_line() {
    let dir = init_project();
    assert_eq!(scaffold(dir.path(), ARTIST).code, 0);
    let repo = dir.path().join("backend/domain/artist/repository.py");
    let broken = read(&repo).replace("    # scaffold: end custom queries\n", "");
    write(&repo, &broken);
    let run = scaffold(dir.path(), &["generate"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("section 'queries' has no end marker"),
        "{}",
        run.stdout
    );
    assert_eq!(read(&repo), broken);
}

#[test]
fn deleted_specs_leave_orphans_that_check_reports() {
    let dir = init_project();
    assert_eq!(scaffold(dir.path(), ARTIST).code, 0);
    std::fs::remove_file(dir.path().join("domains/artist.toml")).unwrap();
    let run = scaffold(dir.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    // The orphans, and main.py that still registers the domain.
    insta::assert_snapshot!("check_orphans", run.stdout);
    // `generate` agrees with `check`: it unregisters the domain, names the
    // orphans, leaves them alone (they may hold custom code) and exits 1.
    let run = scaffold(dir.path(), &["generate"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!("generate_orphans", run.stdout);
    assert!(dir.path().join("backend/domain/artist/model.py").exists());
    for f in [
        "domain/artist/model.py",
        "domain/artist/repository.py",
        "domain/artist/service.py",
        "dtos/artist.py",
        "api/v1/routers/artist.py",
    ] {
        std::fs::remove_file(dir.path().join("backend").join(f)).unwrap();
    }
    std::fs::remove_file(dir.path().join("tests/api/test_artist.py")).unwrap();
    assert_eq!(scaffold(dir.path(), &["generate"]).code, 0);
    assert_eq!(scaffold(dir.path(), &["migrate", "-m", "drop artists"]).code, 0);
    assert_eq!(scaffold(dir.path(), &["check"]).code, 0);
}

#[cfg(unix)]
#[test]
fn symlinks_leading_out_of_the_project_are_refused() {
    let dir = init_project();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("backend/domain")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("backend/domain/artist")).unwrap();
    let run = scaffold(dir.path(), ARTIST);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("leads out of the project"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    assert!(!dir.path().join("domains/artist.toml").exists(), "nothing written");
}

#[test]
fn list_shows_each_file_and_its_state() {
    let dir = init_project();
    assert_eq!(scaffold(dir.path(), ARTIST).code, 0);
    write(
        &dir.path().join("domains/artist.toml"),
        &(read(&dir.path().join("domains/artist.toml")) + "\n[files]\ntests = \"owned\"\n"),
    );
    std::fs::remove_file(dir.path().join("backend/dtos/artist.py")).unwrap();
    let run = scaffold(dir.path(), &["list"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!(run.stdout);
    let json = scaffold(dir.path(), &["list", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc[0]["domain"], "artist");
    assert!(
        doc[0]["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["state"] == "missing")
    );
}

#[test]
fn remove_domain_unregisters_and_keeps_custom_code() {
    let dir = init_project();
    assert_eq!(scaffold(dir.path(), ARTIST).code, 0);
    assert_eq!(
        scaffold(
            dir.path(),
            &["new-domain", "artwork", "title:str", "artist_id:ref:artist"]
        )
        .code,
        0
    );

    let refused = scaffold(dir.path(), &["remove-domain", "artist"]);
    assert_eq!(refused.code, 2, "{}", refused.transcript());
    assert!(
        refused.stderr.contains("still referenced by domains/artwork.toml"),
        "{}",
        refused.stderr
    );

    let service = dir.path().join("backend/domain/artwork/service.py");
    let custom = read(&service).replace(
        "    # scaffold: end custom methods",
        "    LIMIT = 3\n    # scaffold: end custom methods",
    );
    write(&service, &custom);
    let run = scaffold(dir.path(), &["remove-domain", "artwork"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("keep  backend/domain/artwork/service.py"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("unregister  artwork from backend/main.py"),
        "{}",
        run.stdout
    );
    assert!(!dir.path().join("backend/domain/artwork/model.py").exists());
    assert!(!dir.path().join("domains/artwork.toml").exists());
    assert_eq!(read(&service), custom, "custom code kept");
    assert!(!read(&dir.path().join("backend/main.py")).contains("artwork"));

    // With the referencing domain gone, artist goes too, --force included.
    let repo = dir.path().join("backend/domain/artist/repository.py");
    write(&repo, &read(&repo).replace("never commits", "NEVER commits"));
    std::fs::remove_file(&service).unwrap();
    let forced = scaffold(dir.path(), &["remove-domain", "artist", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.transcript());
    assert!(!repo.exists());
    assert!(read(&dir.path().join(".scaffold/backup/backend/domain/artist/repository.py")).contains("NEVER"));
    assert!(!dir.path().join("backend/domain/artist").exists());
    assert_eq!(scaffold(dir.path(), &["migrate", "-m", "drop artists"]).code, 0);
    let check = scaffold(dir.path(), &["check"]);
    assert_eq!(check.code, 0, "{}", check.transcript());
}

#[test]
fn remove_domain_dry_run_says_what_the_removal_does_and_touches_nothing() {
    let dir = init_project();
    assert_eq!(scaffold(dir.path(), ARTIST).code, 0);
    let service = dir.path().join("backend/domain/artist/service.py");
    write(
        &service,
        &read(&service).replace(
            "    # scaffold: end custom methods",
            "    LIMIT = 3\n    # scaffold: end custom methods",
        ),
    );
    let before = snapshot_tree(dir.path());
    let dry = scaffold(dir.path(), &["remove-domain", "artist", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.transcript());
    assert_eq!(snapshot_tree(dir.path()), before, "a dry run writes nothing");
    insta::assert_snapshot!("remove_domain_dry_run", dry.stdout);

    // The real run prints the same lines (the spec's backup named).
    let run = scaffold(dir.path(), &["remove-domain", "artist"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!("remove_domain_run", run.stdout);
    let forced = scaffold(dir.path(), &["remove-domain", "artist", "--force", "--dry-run"]);
    assert_eq!(forced.code, 2, "the spec is gone: {}", forced.transcript());
    assert_eq!(read(&service).matches("LIMIT = 3").count(), 1, "custom code kept");
}

#[test]
fn hand_written_main_py_gets_the_blocks() {
    let dir = init_project();
    let main = dir.path().join("backend/main.py");
    let plain = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/main/plain.py")).unwrap();
    write(&main, &plain);
    let run = scaffold(dir.path(), ARTIST);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let text = read(&main);
    assert!(text.contains("# scaffold: begin router imports\n# isort: off\nfrom backend.api.v1.routers import artist as artist_router\n"), "{text}");
    assert!(
        text.contains(")\n# scaffold: begin router registrations\napp.include_router(artist_router.router)\n"),
        "{text}"
    );

    write(&main, "from fastapi import FastAPI\n\napplication = FastAPI()\n");
    let refused = scaffold(dir.path(), &["generate"]);
    assert_eq!(refused.code, 2, "{}", refused.transcript());
    assert!(
        refused.stderr.contains("# scaffold: begin router imports"),
        "says what to add: {}",
        refused.stderr
    );
    assert_eq!(
        read(&main),
        "from fastapi import FastAPI\n\napplication = FastAPI()\n",
        "nothing written"
    );
}

#[test]
fn check_says_why_main_py_differs() {
    let dir = init_project();
    assert_eq!(scaffold(dir.path(), ARTIST).code, 0);
    let main = dir.path().join("backend/main.py");
    let original = read(&main);
    write(
        &main,
        &original.replace(
            "app.include_router(artist_router.router)",
            "app.include_router(artist_router.router)  # edited",
        ),
    );
    let run = scaffold(dir.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("backend/main.py (stale: its registration blocks were edited by hand"),
        "{}",
        run.stdout
    );
    write(&main, &original);
    write(
        &dir.path().join("domains/gallery.toml"),
        "[fields.title]\ntype = \"str\"\n",
    );
    let run = scaffold(dir.path(), &["check"]);
    assert!(
        run.stdout
            .contains("backend/main.py (stale: the specs changed: gallery to register)"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_reports_bad_specs_in_its_machine_formats() {
    let dir = init_project();
    write(
        &dir.path().join("domains/artist.toml"),
        "[fields.name]\ntype = \"strr\"\n",
    );
    let json = scaffold(dir.path(), &["check", "--format", "json"]);
    assert_eq!(json.code, 2, "{}", json.transcript());
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        doc["errors"][0],
        serde_json::json!({
            "file": "domains/artist.toml",
            "line": 2,
            "column": 8,
            "message": "unknown field type 'strr'",
            "help": "did you mean 'str'?",
        })
    );
    let github = scaffold(dir.path(), &["check", "--format", "github"]);
    assert_eq!(github.code, 2);
    assert_eq!(
        github.stdout,
        "::error file=domains/artist.toml,line=2,col=8,title=scaffold check::unknown field type 'strr' (did you mean 'str'?)\n"
    );
    // The human report still goes to stderr.
    assert!(
        github.stderr.contains("domains/artist.toml:2:8: error"),
        "{}",
        github.stderr
    );
}
