//! One bad spec per case of the bad-input rules: each must exit 2, write
//! nothing, and report file:line:col, the source line with a caret, what is
//! wrong and what to do; the whole report is snapshotted.

mod common;

use common::{init_project, scaffold, snapshot_tree, write};

/// Other specs of the project: (domain name, spec text).
type Others = &'static [(&'static str, &'static str)];

/// (case, other specs, spec of domain `artwork`)
const CASES: &[(&str, Others, &str)] = &[
    ("toml_syntax", &[], "[fields.title\ntype = \"str\"\n"),
    (
        "unknown_top_key",
        &[],
        "descripton = \"x\"\n[fields.title]\ntype = \"str\"\n",
    ),
    (
        "unknown_field_key",
        &[],
        "[fields.title]\ntype = \"str\"\nmax_lenght = 3\n",
    ),
    ("unknown_type", &[], "[fields.title]\ntype = \"string\"\n"),
    (
        "wrong_value_type",
        &[],
        "[fields.title]\ntype = \"str\"\nmax_length = \"long\"\n",
    ),
    (
        "key_not_for_type",
        &[],
        "[fields.year]\ntype = \"int\"\nmax_length = 4\n",
    ),
    ("missing_type", &[], "[fields.title]\nmax_length = 4\n"),
    ("python_keyword", &[], "[fields.class]\ntype = \"str\"\n"),
    ("reserved_id", &[], "[fields.id]\ntype = \"str\"\n"),
    ("reserved_created_at", &[], "[fields.created_at]\ntype = \"datetime\"\n"),
    ("reserved_metadata", &[], "[fields.metadata]\ntype = \"json\"\n"),
    ("reserved_model_prefix", &[], "[fields.model_name]\ntype = \"str\"\n"),
    ("reserved_query_param", &[], "[fields.limit]\ntype = \"int\"\n"),
    ("shadowing_type_name", &[], "[fields.date]\ntype = \"date\"\n"),
    ("shadowing_model_method", &[], "[fields.json]\ntype = \"json\"\n"),
    (
        "decimal_bound_beyond_digits",
        &[],
        "[fields.rate]\ntype = \"decimal\"\nmax_digits = 3\ndecimal_places = 3\nge = 1\n",
    ),
    ("not_snake_case", &[], "[fields.ArtistName]\ntype = \"str\"\n"),
    (
        "min_over_max_length",
        &[],
        "[fields.title]\ntype = \"str\"\nmin_length = 9\nmax_length = 3\n",
    ),
    (
        "ge_over_le",
        &[],
        "[fields.year]\ntype = \"int\"\nge = 2000\nle = 1000\n",
    ),
    (
        "no_whole_number_between_bounds",
        &[],
        "[fields.rank]\ntype = \"int\"\ngt = 5\nlt = 6\n",
    ),
    (
        "no_decimal_on_the_grid_between_bounds",
        &[],
        "[fields.rate]\ntype = \"decimal\"\ndecimal_places = 1\ngt = 0.5\nlt = 0.6\n",
    ),
    (
        "default_not_in_values",
        &[],
        "[fields.medium]\ntype = \"enum\"\nvalues = [\"oil\", \"acrylic\"]\ndefault = \"oils\"\n",
    ),
    (
        "default_out_of_bounds",
        &[],
        "[fields.year]\ntype = \"int\"\nge = 1000\ndefault = 5\n",
    ),
    (
        "invalid_pattern",
        &[],
        "[fields.isbn]\ntype = \"str\"\npattern = \"^[0-9\"\nexample = \"1\"\n",
    ),
    (
        "example_not_matching",
        &[],
        "[fields.isbn]\ntype = \"str\"\npattern = \"^[0-9]{13}$\"\nexample = \"12\"\n",
    ),
    (
        "pattern_without_example",
        &[],
        "[fields.isbn]\ntype = \"str\"\npattern = \"^[0-9]{13}$\"\n",
    ),
    (
        "decimal_places_over_digits",
        &[],
        "[fields.price]\ntype = \"decimal\"\nmax_digits = 4\ndecimal_places = 6\n",
    ),
    (
        "ref_to_missing_domain",
        &[],
        "[fields.artist_id]\ntype = \"ref\"\nto = \"artst\"\n",
    ),
    (
        "required_ref_cycle",
        &[("artist", "[fields.artwork_id]\ntype = \"ref\"\nto = \"artwork\"\n")],
        "[fields.artist_id]\ntype = \"ref\"\nto = \"artist\"\n",
    ),
    (
        "set_null_on_required",
        &[],
        "[fields.title]\ntype = \"str\"\n[fields.owner_id]\ntype = \"ref\"\nto = \"artwork\"\non_delete = \"set_null\"\n",
    ),
    (
        "unknown_on_delete",
        &[],
        "[fields.owner_id]\ntype = \"ref\"\nto = \"artwork\"\noptional = true\non_delete = \"nullify\"\n",
    ),
    (
        "filter_unknown_field",
        &[],
        "[fields.title]\ntype = \"str\"\n[api]\nfilters = [\"titel\"]\n",
    ),
    (
        "filter_unsuitable_field",
        &[],
        "[fields.data]\ntype = \"json\"\n[api]\nfilters = [\"data\"]\n",
    ),
    (
        "search_unsuitable_field",
        &[],
        "[fields.year]\ntype = \"int\"\n[api]\nsearch = [\"year\"]\n",
    ),
    (
        "sort_unknown_field",
        &[],
        "[fields.title]\ntype = \"str\"\n[api]\nsort = [\"nope\"]\n",
    ),
    (
        "unknown_operation",
        &[],
        "[fields.title]\ntype = \"str\"\n[api]\noperations = [\"lists\"]\n",
    ),
    (
        "page_size_over_max",
        &[],
        "[fields.title]\ntype = \"str\"\n[api]\npage_size = 500\nmax_page_size = 100\n",
    ),
    (
        "bad_dependency",
        &[],
        "[fields.title]\ntype = \"str\"\n[api]\ndependencies = [\"not a path\"]\n",
    ),
    (
        "unknown_id_kind",
        &[],
        "id = \"integer\"\n[fields.title]\ntype = \"str\"\n",
    ),
    (
        "bad_files_value",
        &[],
        "[fields.title]\ntype = \"str\"\n[files]\nservice = \"mine\"\n",
    ),
    ("no_fields", &[], "description = \"empty\"\n"),
    (
        "over_long_name",
        &[],
        "[fields.a_field_name_that_is_much_too_long_to_be_a_column]\ntype = \"str\"\n",
    ),
    (
        "field_renamed_from_itself",
        &[],
        "[fields.title]\ntype = \"str\"\nrenamed_from = \"title\"\n",
    ),
    (
        "field_renamed_from_a_current_field",
        &[],
        "[fields.title]\ntype = \"str\"\n[fields.name]\ntype = \"str\"\nrenamed_from = \"title\"\n",
    ),
    (
        "backfill_outside_bounds",
        &[],
        "[fields.year]\ntype = \"int\"\nge = 1000\nbackfill = 12\n",
    ),
    (
        "backfill_on_a_date",
        &[],
        "[fields.day]\ntype = \"date\"\nbackfill = \"2020-01-01\"\n",
    ),
    (
        "domain_renamed_from_a_current_domain",
        &[("painting", "[fields.name]\ntype = \"str\"\n")],
        "renamed_from = \"painting\"\n[fields.title]\ntype = \"str\"\n",
    ),
    (
        "compat_unknown_kind",
        &[],
        "[fields.title]\ntype = \"str\"\n[compat]\nallow = [\"narow:artwork.title\"]\n",
    ),
    (
        "compat_kind_never_breaking",
        &[],
        "[fields.title]\ntype = \"str\"\n[compat]\nallow = [\"add:artwork.title\"]\n",
    ),
    (
        "compat_unknown_field",
        &[],
        "[fields.title]\ntype = \"str\"\n[compat]\nallow = [\"narrow:artwork.titel\"]\n",
    ),
    (
        "compat_subject_needs_a_field",
        &[],
        "[fields.title]\ntype = \"str\"\n[compat]\nallow = [\"narrow:artwork\"]\n",
    ),
    (
        "compat_other_domains_change",
        &[("artist", "[fields.name]\ntype = \"str\"\n")],
        "[fields.title]\ntype = \"str\"\n[compat]\nallow = [\"remove:artist.name\"]\n",
    ),
    (
        "compat_not_kind_and_subject",
        &[],
        "[fields.title]\ntype = \"str\"\n[compat]\nallow = [\"remove artwork.title\"]\n",
    ),
    (
        "compat_unknown_key",
        &[],
        "[fields.title]\ntype = \"str\"\n[compat]\nallows = []\n",
    ),
    (
        "clashing_plural",
        &[("people", "[fields.name]\ntype = \"str\"\n")],
        "plural = \"people\"\n[fields.title]\ntype = \"str\"\n",
    ),
];

#[test]
fn every_bad_spec_case_points_at_the_problem() {
    let mut report = String::new();
    for (case, others, spec) in CASES {
        let dir = init_project();
        for (name, text) in *others {
            write(&dir.path().join(format!("domains/{name}.toml")), text);
        }
        write(&dir.path().join("domains/artwork.toml"), spec);
        let before = snapshot_tree(dir.path());
        let run = scaffold(dir.path(), &["generate"]);
        assert_eq!(run.code, 2, "{case}: {}", run.transcript());
        assert_eq!(before, snapshot_tree(dir.path()), "{case}: nothing written");
        let first = run.stderr.lines().next().unwrap_or_default();
        assert!(first.contains(".toml"), "{case}: names the file: {first}");
        // The whole report: position, source line, caret and help.
        report += &format!("=== {case}\n{}\n", run.stderr.trim_end());
    }
    insta::assert_snapshot!(report);
}

#[test]
fn bad_domain_names_on_the_command_line() {
    let dir = init_project();
    for name in [
        "../x",
        "/etc/passwd",
        "Artist",
        "class",
        "shared",
        "field",
        "a_domain_name_that_is_much_too_long_to_be_useful",
    ] {
        let run = scaffold(dir.path(), &["new-domain", name, "title:str"]);
        assert_eq!(run.code, 2, "{name}: {}", run.transcript());
        assert!(run.stderr.contains("domain name"), "{name}: {}", run.stderr);
    }
    assert!(!dir.path().join("x.toml").exists());
}

/// A problem is reported once, where it is: a field with an error of its own
/// (an unknown `to`, a key its type does not take) named in `[api]` lists
/// adds no second error there.
#[test]
fn no_error_follows_from_an_earlier_one() {
    for (case, spec, expected) in [
        (
            "misspelt to",
            "[fields.gallery_id]\ntype = \"ref\"\nto = \"galery\"\n\n[api]\nfilters = [\"gallery_id\"]\nsort = [\"gallery_id\"]\n",
            "unknown domain 'galery'",
        ),
        (
            "key not for the type",
            "[fields.title]\ntype = \"text\"\nunique = true\n\n[api]\nsearch = [\"title\"]\nsort = [\"title\"]\ndefault_sort = \"title\"\n",
            "key 'unique' does not apply",
        ),
        (
            "unknown type",
            "[fields.title]\ntype = \"string\"\n\n[api]\nfilters = [\"title\"]\n",
            "unknown field type 'string'",
        ),
    ] {
        let dir = init_project();
        write(
            &dir.path().join("domains/gallery.toml"),
            "[fields.name]\ntype = \"str\"\n",
        );
        write(&dir.path().join("domains/artwork.toml"), spec);
        let run = scaffold(dir.path(), &["generate"]);
        assert_eq!(run.code, 2, "{case}: {}", run.transcript());
        let errors: Vec<&str> = run.stderr.lines().filter(|l| l.contains(": error: ")).collect();
        assert_eq!(errors.len(), 1, "{case}: one error, not {errors:#?}");
        assert!(errors[0].contains(expected), "{case}: {}", errors[0]);
    }
}

/// `index = true` on a ref says what a ref column has anyway: accepted.
#[test]
fn index_on_a_ref_is_accepted() {
    let dir = init_project();
    write(
        &dir.path().join("domains/gallery.toml"),
        "[fields.name]\ntype = \"str\"\n",
    );
    write(
        &dir.path().join("domains/artwork.toml"),
        "[fields.gallery_id]\ntype = \"ref\"\nto = \"gallery\"\nindex = true\n\n[api]\nfilters = [\"gallery_id\"]\n",
    );
    let run = scaffold(dir.path(), &["generate", "-q"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}
