//! `scaffold init` and `scaffold.toml` handling, on temp directories.

mod common;

use common::{read, scaffold, snapshot_tree, write};

#[test]
fn init_writes_the_layout_and_says_what_it_did() {
    let dir = tempfile::tempdir().unwrap();
    let run = scaffold(dir.path(), &["init", "shop", "--package", "app"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!(run.stdout);
    let root = dir.path().join("shop");
    assert!(read(&root.join("scaffold.toml")).contains("package = \"app\""));
    assert!(read(&root.join("app/main.py")).contains("from app.core.config import settings"));
    assert!(read(&root.join(".gitignore")).contains(".scaffold/backup/"));
    assert_eq!(read(&root.join(".gitattributes")), "* text=auto eol=lf\n");
}

#[test]
fn second_init_writes_nothing_and_keeps_hand_written_files() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("backend/core/config.py"), "MINE = 1\n");
    assert_eq!(scaffold(dir.path(), &["init"]).code, 0);
    assert_eq!(read(&dir.path().join("backend/core/config.py")), "MINE = 1\n");
    let before = snapshot_tree(dir.path());
    let run = scaffold(dir.path(), &["init", "-v"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("exist  backend/core/config.py"), "{}", run.stdout);
    assert!(run.stdout.contains("nothing to do"), "{}", run.stdout);
    assert_eq!(before, snapshot_tree(dir.path()));
}

#[test]
fn init_reads_an_existing_scaffold_toml() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("scaffold.toml"),
        "[project]\npackage = \"api\"\nspecs = \"specs\"\n",
    );
    let run = scaffold(dir.path(), &["init"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(dir.path().join("api/main.py").is_file());
    assert!(dir.path().join("specs").is_dir());
    let clash = scaffold(dir.path(), &["init", "--package", "other"]);
    assert_eq!(clash.code, 2);
}

#[test]
fn bad_scaffold_toml_exits_2_with_position_and_writes_nothing() {
    for (text, expected) in [
        (
            "[project]\npakage = \"app\"\n",
            "scaffold.toml:2:1: error: unknown key 'pakage'",
        ),
        (
            "[project]\npackage = 3\n",
            "scaffold.toml:2:11: error: invalid type: integer '3', expected a string",
        ),
        ("[project\n", "scaffold.toml:1:9: error: unclosed table, expected ']'"),
        (
            "[project]\npackage = \"not-valid\"\n",
            "scaffold.toml:2:1: error: package 'not-valid' is not a Python identifier",
        ),
        ("[projekt]\n", "scaffold.toml:1:2: error: unknown key 'projekt'"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("scaffold.toml"), text);
        let before = snapshot_tree(dir.path());
        for args in [&["init"][..], &["generate"][..]] {
            let run = scaffold(dir.path(), args);
            assert_eq!(run.code, 2, "{text:?} {args:?}: {}", run.transcript());
            assert!(run.stderr.starts_with(expected), "{text:?}: {}", run.stderr);
            assert_eq!(before, snapshot_tree(dir.path()), "{text:?}: nothing written");
        }
    }
}

#[test]
fn commands_outside_a_project_say_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let run = scaffold(dir.path(), &["generate"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no scaffold.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("scaffold init"), "{}", run.stderr);
}

#[test]
fn completions_for_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, needle) in [
        ("bash", "_scaffold()"),
        ("zsh", "#compdef scaffold"),
        ("fish", "complete -c scaffold"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = scaffold(dir.path(), &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.transcript());
        assert!(run.stdout.contains(needle), "{shell}: {}", run.stdout);
        assert!(run.stdout.contains("new-domain"), "{shell} completes subcommands");
    }
}
