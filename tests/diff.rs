//! `scaffold diff --against GITREF`: a table of spec edits, each applied to
//! one base project committed in a fresh git repository, each classified as
//! expected; then the formats, exit codes, approvals and bad input.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::{scaffold, write};
use scaffold::spec::compat::ChangeKind;

const ARTIST: &str = "[fields.name]\ntype = \"str\"\nmax_length = 100\nunique = true\n";

const GALLERY: &str = "\
[fields.name]
type = \"str\"

[api]
operations = [\"list\", \"get\"]
dependencies = [\"backend.api.deps:require_user\"]
";

const ARTWORK: &str = "\
description = \"A work of art.\"

[fields.title]
type = \"str\"
max_length = 200
min_length = 1

[fields.summary]
type = \"text\"
optional = true

[fields.year]
type = \"int\"
ge = 1000
le = 2100
optional = true

[fields.price]
type = \"decimal\"
max_digits = 12
decimal_places = 2
ge = 0

[fields.medium]
type = \"enum\"
values = [\"oil\", \"acrylic\", \"digital\"]
default = \"oil\"

[fields.code]
type = \"str\"
pattern = \"^[A-Z]{3}$\"
example = \"ABC\"
optional = true

[fields.legacy_code]
type = \"str\"
optional = true

[fields.artist_id]
type = \"ref\"
to = \"artist\"

[api]
filters = [\"artist_id\", \"medium\"]
search = [\"title\"]
sort = [\"title\", \"year\"]
page_size = 20
max_page_size = 100
";

/// An edit of one spec: replace `find` by `with` (once, and it must be
/// there); `find` = "" writes the whole file, `with` = "" then deletes it;
/// `find` = "->" renames the spec to `with`.
type Edit = (&'static str, &'static str, &'static str);

/// (case, edits, the changes expected as `KIND:SUBJECT`, in report order)
const CASES: &[(&str, &[Edit], &[&str])] = &[
    ("no_change", &[], &[]),
    (
        "field_removed",
        &[(
            "artwork",
            "[fields.legacy_code]\ntype = \"str\"\noptional = true\n\n",
            "",
        )],
        &["remove:artwork.legacy_code"],
    ),
    (
        "field_renamed",
        &[(
            "artwork",
            "[fields.legacy_code]\n",
            "[fields.old_code]\nrenamed_from = \"legacy_code\"\n",
        )],
        &["rename:artwork.old_code"],
    ),
    (
        "optional_made_required",
        &[("artwork", "le = 2100\noptional = true\n", "le = 2100\n")],
        &["require:artwork.year"],
    ),
    (
        "optional_made_required_with_backfill",
        &[(
            "artwork",
            "le = 2100\noptional = true\n",
            "le = 2100\nbackfill = 2000\n",
        )],
        &["require:artwork.year"],
    ),
    (
        "new_required_field",
        &[("artwork", "[api]\n", "[fields.edition]\ntype = \"int\"\n\n[api]\n")],
        &["require:artwork.edition"],
    ),
    (
        "new_optional_field_and_field_with_default",
        &[(
            "artwork",
            "[api]\n",
            "[fields.notes]\ntype = \"text\"\noptional = true\n\n[fields.rank]\ntype = \"int\"\ndefault = 0\n\n[api]\n",
        )],
        &["add:artwork.notes", "add:artwork.rank"],
    ),
    (
        "default_removed_from_required_field",
        &[("artwork", "default = \"oil\"\n", "")],
        &["require:artwork.medium"],
    ),
    (
        "lengths_narrowed",
        &[(
            "artwork",
            "max_length = 200\nmin_length = 1\n",
            "max_length = 150\nmin_length = 3\n",
        )],
        &["narrow:artwork.title", "narrow:artwork.title"],
    ),
    (
        "bounds_narrowed",
        &[("artwork", "ge = 1000\nle = 2100\n", "ge = 1500\nlt = 2000\n")],
        &["narrow:artwork.year", "narrow:artwork.year"],
    ),
    (
        "new_bound",
        &[(
            "artwork",
            "decimal_places = 2\nge = 0\n",
            "decimal_places = 2\nge = 0\nle = 1000000\n",
        )],
        &["narrow:artwork.price"],
    ),
    (
        "decimal_digits_lowered",
        &[(
            "artwork",
            "max_digits = 12\ndecimal_places = 2\n",
            "max_digits = 10\ndecimal_places = 1\n",
        )],
        &["narrow:artwork.price", "narrow:artwork.price"],
    ),
    (
        "pattern_changed_and_added",
        &[
            (
                "artwork",
                "^[A-Z]{3}$\"\nexample = \"ABC\"",
                "^[A-Z]{4}$\"\nexample = \"ABCD\"",
            ),
            (
                "artwork",
                "[fields.legacy_code]\ntype = \"str\"\n",
                "[fields.legacy_code]\ntype = \"str\"\npattern = \"^[a-z]+$\"\nexample = \"abc\"\n",
            ),
        ],
        &["narrow:artwork.code", "narrow:artwork.legacy_code"],
    ),
    (
        "widened",
        &[
            ("artwork", "max_length = 200\nmin_length = 1\n", "max_length = 300\n"),
            ("artwork", "pattern = \"^[A-Z]{3}$\"\n", ""),
            ("artwork", "ge = 1000\nle = 2100\n", "ge = 0\n"),
        ],
        &[
            "widen:artwork.title",
            "widen:artwork.title",
            "widen:artwork.year",
            "widen:artwork.year",
            "widen:artwork.code",
        ],
    ),
    (
        "required_made_optional",
        &[(
            "artwork",
            "type = \"ref\"\nto = \"artist\"\n",
            "type = \"ref\"\nto = \"artist\"\noptional = true\n",
        )],
        &["widen:artwork.artist_id"],
    ),
    (
        "enum_values_removed_and_added",
        &[(
            "artwork",
            "[\"oil\", \"acrylic\", \"digital\"]",
            "[\"oil\", \"acrylic\", \"pastel\"]",
        )],
        &["enum-remove:artwork.medium", "enum-add:artwork.medium"],
    ),
    (
        "types_changed",
        &[
            ("artwork", "type = \"text\"\n", "type = \"int\"\n"),
            ("artwork", "type = \"int\"\nge = 1000", "type = \"bigint\"\nge = 1000"),
        ],
        &["type:artwork.summary", "type:artwork.year"],
    ),
    (
        "id_type_changed",
        &[("artwork", "description", "id = \"int\"\ndescription")],
        &["type:artwork.id"],
    ),
    (
        "ref_target_and_on_delete_changed",
        &[(
            "artwork",
            "to = \"artist\"\n",
            "to = \"gallery\"\non_delete = \"cascade\"\n",
        )],
        &["type:artwork.artist_id", "on-delete:artwork.artist_id"],
    ),
    (
        "unique_added_and_removed",
        &[
            ("artwork", "max_length = 200\n", "max_length = 200\nunique = true\n"),
            ("artist", "unique = true\n", ""),
        ],
        &["unique:artist.name", "unique:artwork.title"],
    ),
    (
        "plural_changed",
        &[("artwork", "description", "plural = \"works\"\ndescription")],
        &["url:artwork"],
    ),
    (
        "domain_renamed",
        &[
            ("artwork", "->", "piece"),
            ("piece", "description", "renamed_from = \"artwork\"\ndescription"),
        ],
        &["rename:piece", "url:piece"],
    ),
    (
        "domain_removed_and_added",
        &[
            ("gallery", "", ""),
            ("exhibition", "", "[fields.title]\ntype = \"str\"\n"),
        ],
        &["add:exhibition", "remove:gallery"],
    ),
    (
        "operations_removed_and_added",
        &[
            (
                "artwork",
                "[api]\n",
                "[api]\noperations = [\"list\", \"get\", \"create\", \"update\"]\n",
            ),
            ("gallery", "[\"list\", \"get\"]", "[\"list\", \"get\", \"create\"]"),
        ],
        &["operation-remove:artwork.delete", "operation-add:gallery.create"],
    ),
    (
        "query_keys_removed",
        &[
            (
                "artwork",
                "filters = [\"artist_id\", \"medium\"]",
                "filters = [\"artist_id\"]",
            ),
            ("artwork", "search = [\"title\"]\n", ""),
            ("artwork", "sort = [\"title\", \"year\"]", "sort = [\"title\"]"),
        ],
        &[
            "search-remove:artwork.title",
            "filter-remove:artwork.medium",
            "sort-remove:artwork.year",
        ],
    ),
    (
        "query_keys_added",
        &[
            (
                "artwork",
                "filters = [\"artist_id\", \"medium\"]",
                "filters = [\"artist_id\", \"medium\", \"year\"]",
            ),
            ("artwork", "search = [\"title\"]", "search = [\"title\", \"summary\"]"),
            (
                "artwork",
                "sort = [\"title\", \"year\"]",
                "sort = [\"title\", \"year\", \"price\"]",
            ),
        ],
        &[
            "filter-add:artwork.year",
            "search-add:artwork.summary",
            "sort-add:artwork.price",
        ],
    ),
    (
        "page_sizes_lowered",
        &[(
            "artwork",
            "page_size = 20\nmax_page_size = 100\n",
            "page_size = 10\nmax_page_size = 50\n",
        )],
        &["page-size:artwork", "page-size:artwork"],
    ),
    (
        "page_sizes_raised",
        &[(
            "artwork",
            "page_size = 20\nmax_page_size = 100\n",
            "page_size = 50\nmax_page_size = 500\n",
        )],
        &["page-size:artwork", "page-size:artwork"],
    ),
    (
        "default_sort_changed",
        &[(
            "artwork",
            "max_page_size = 100\n",
            "max_page_size = 100\ndefault_sort = \"title\"\n",
        )],
        &["default-sort:artwork"],
    ),
    (
        "dependencies_added_and_removed",
        &[
            (
                "artwork",
                "[api]\n",
                "[api]\ndependencies = [\"backend.api.deps:require_user\"]\n",
            ),
            ("gallery", "dependencies = [\"backend.api.deps:require_user\"]\n", ""),
        ],
        &["dependency-add:artwork", "dependency-remove:gallery"],
    ),
    (
        "default_changed_and_deprecated",
        &[
            ("artwork", "default = \"oil\"", "default = \"acrylic\""),
            (
                "artwork",
                "[fields.legacy_code]\n",
                "[fields.legacy_code]\ndeprecated = true\n",
            ),
        ],
        &["default:artwork.medium", "deprecate:artwork.legacy_code"],
    ),
    (
        "timestamps_dropped",
        &[("artwork", "description", "timestamps = false\ndescription")],
        &[
            "remove:artwork.created_at",
            "remove:artwork.updated_at",
            "default-sort:artwork",
        ],
    ),
    (
        "approved",
        &[
            (
                "artwork",
                "[fields.legacy_code]\ntype = \"str\"\noptional = true\n\n",
                "",
            ),
            ("artwork", "max_length = 200\n", "max_length = 100\n"),
            ("gallery", "", ""),
            (
                "artwork",
                "max_page_size = 100\n",
                "max_page_size = 100\n\n[compat]\nallow = [\"remove:artwork.legacy_code\", \"narrow:artwork.title\"]\n",
            ),
            (
                "artist",
                "",
                "[fields.name]\ntype = \"str\"\nmax_length = 100\nunique = true\n\n[compat]\nallow = [\"remove:gallery\", \"rename:artist.name\"]\n",
            ),
        ],
        &["remove:artwork.legacy_code", "narrow:artwork.title", "remove:gallery"],
    ),
];

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A git repository with the base specs committed; the project is in `sub`
/// of the repository ("" for its root).
fn base_repo(sub: &str) -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let project = repo.path().join(sub);
    write(&project.join("scaffold.toml"), "[project]\npackage = \"backend\"\n");
    for (name, text) in [("artist", ARTIST), ("artwork", ARTWORK), ("gallery", GALLERY)] {
        write(&project.join(format!("domains/{name}.toml")), text);
    }
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "base"]);
    repo
}

fn apply(project: &Path, edits: &[Edit]) {
    for (domain, find, with) in edits {
        let path = project.join(format!("domains/{domain}.toml"));
        if *find == "->" {
            std::fs::rename(&path, project.join(format!("domains/{with}.toml"))).unwrap();
            continue;
        }
        if find.is_empty() {
            if with.is_empty() {
                std::fs::remove_file(&path).unwrap();
            } else {
                write(&path, with);
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(find), "{domain}: no {find:?}");
        std::fs::write(&path, text.replacen(find, with, 1)).unwrap();
    }
}

#[test]
fn every_kind_of_change_is_classified() {
    let mut report = String::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (case, edits, expected) in CASES {
        let repo = base_repo("");
        apply(repo.path(), edits);
        let run = scaffold(repo.path(), &["diff", "--against", "HEAD", "--format", "json"]);
        let json: serde_json::Value =
            serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{case}: {e}\n{}", run.transcript()));
        let changes = json["changes"].as_array().unwrap();
        let entries: Vec<String> = changes
            .iter()
            .map(|c| format!("{}:{}", c["kind"].as_str().unwrap(), c["subject"].as_str().unwrap()))
            .collect();
        assert_eq!(entries, *expected, "{case}");
        let failing = changes.iter().any(|c| c["breaking"] == true && c["approved"] == false);
        assert_eq!(run.code, i32::from(failing), "{case}: {}", run.transcript());
        assert_eq!(json["ok"], !failing, "{case}");
        report += &format!("=== {case} (exit {})\n", run.code);
        for c in changes {
            let status = match (c["breaking"].as_bool().unwrap(), c["approved"].as_bool().unwrap()) {
                (true, true) => "approved",
                (true, false) => "breaking",
                _ => "safe",
            };
            seen.insert(c["kind"].as_str().unwrap().to_owned());
            report += &format!(
                "{}:{}:{} {status} {}:{} ({}) {}\n",
                c["file"].as_str().unwrap(),
                c["line"],
                c["column"],
                c["kind"].as_str().unwrap(),
                c["subject"].as_str().unwrap(),
                c["audience"].as_str().unwrap(),
                c["message"].as_str().unwrap(),
            );
        }
        for u in json["unused_allow"].as_array().unwrap() {
            report += &format!(
                "unused {} at {}:{}\n",
                u["entry"].as_str().unwrap(),
                u["line"],
                u["column"]
            );
        }
        report += &format!("{}\n", json["summary"].as_str().unwrap());
    }
    let all: BTreeSet<String> = ChangeKind::ALL.iter().map(|k| k.as_str().to_owned()).collect();
    assert_eq!(seen, all, "every kind of change has a case");
    insta::assert_snapshot!(report);
}

/// The three formats and their exit codes, on a project in a subdirectory
/// of its repository (GitHub annotations name files from the repository root).
#[test]
fn formats_and_exit_codes() {
    let repo = base_repo("backend");
    let project = repo.path().join("backend");
    apply(
        &project,
        &[
            (
                "artwork",
                "[fields.legacy_code]\ntype = \"str\"\noptional = true\n\n",
                "",
            ),
            ("artwork", "max_length = 200\n", "max_length = 100\n"),
            (
                "artwork",
                "[api]\n",
                "[fields.notes]\ntype = \"text\"\noptional = true\n\n[api]\n",
            ),
            (
                "artwork",
                "max_page_size = 100\n",
                "max_page_size = 100\n\n[compat]\nallow = [\"narrow:artwork.title\", \"url:artwork\"]\n",
            ),
        ],
    );
    let mut report = String::new();
    for format in ["human", "json", "github"] {
        let mut run = scaffold(&project, &["diff", "--against", "HEAD", "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.transcript());
        // The commit hash differs from run to run.
        run.stdout = run
            .stdout
            .lines()
            .map(|l| {
                if l.contains("\"commit\"") {
                    "  \"commit\": \"<hash>\","
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
        report += &format!("=== {format}\n{}", run.transcript());
    }
    // `check --against` is the same command.
    let run = scaffold(&project, &["check", "--against", "HEAD"]);
    report += &format!("=== check --against HEAD\n{}", run.transcript());
    // Approved, the same edits pass; -q then prints nothing.
    apply(
        &project,
        &[(
            "artwork",
            "\"url:artwork\"",
            "\"url:artwork\", \"remove:artwork.legacy_code\"",
        )],
    );
    let run = scaffold(&project, &["diff", "--against", "HEAD"]);
    report += &format!("=== all approved\n{}", run.transcript());
    let run = scaffold(&project, &["diff", "--against", "HEAD", "-q"]);
    report += &format!("=== all approved, -q\n{}", run.transcript());
    insta::assert_snapshot!(report);
}

#[test]
fn bad_refs_and_old_specs_exit_2() {
    let repo = base_repo("");
    let mut report = String::new();
    for (case, args) in [
        ("unknown ref", &["diff", "--against", "no-such-branch"][..]),
        ("option as ref", &["diff", "--against=--output=x"][..]),
        (
            "unknown ref, json",
            &["diff", "--against", "nope", "--format", "json"][..],
        ),
        (
            "unknown ref, github",
            &["diff", "--against", "nope", "--format", "github"][..],
        ),
        ("no ref", &["diff"][..]),
    ] {
        let run = scaffold(repo.path(), args);
        assert_eq!(run.code, 2, "{case}: {}", run.transcript());
        report += &format!("=== {case}\n{}", run.transcript());
    }
    // An old spec the parser refuses names the revision and the file.
    write(
        &repo.path().join("domains/gallery.toml"),
        "[fields.name]\ntype = \"strr\"\n",
    );
    git(repo.path(), &["commit", "-q", "-a", "-m", "broken"]);
    write(&repo.path().join("domains/gallery.toml"), GALLERY);
    let run = scaffold(repo.path(), &["diff", "--against", "HEAD"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    report += &format!("=== old spec does not parse\n{}", run.transcript());
    // A bad spec in the working tree is the usual error.
    write(
        &repo.path().join("domains/gallery.toml"),
        "[fields.name]\ntyp = \"str\"\n",
    );
    let run = scaffold(repo.path(), &["diff", "--against", "HEAD~1"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    report += &format!("=== new spec does not parse\n{}", run.transcript());
    // Outside a git repository.
    let plain = tempfile::tempdir().unwrap();
    write(&plain.path().join("scaffold.toml"), "[project]\n");
    let run = scaffold(plain.path(), &["diff", "--against", "HEAD"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    report += &format!(
        "=== not a repository\n{}",
        run.transcript().replace(&plain.path().display().to_string(), "<dir>")
    );
    insta::assert_snapshot!(report);
}
