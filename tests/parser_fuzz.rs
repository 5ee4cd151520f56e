//! Robustness: no input makes the spec parser, the validator or the
//! renderer panic; every input either yields a domain or diagnostics.

use std::collections::BTreeMap;

use proptest::prelude::*;
use scaffold::config::ProjectConfig;
use scaffold::diag::Source;
use scaffold::spec::{parse_spec, resolve};

const EXAMPLES: &[(&str, &str)] = &[
    ("artist", include_str!("../examples/qwarty/domains/artist.toml")),
    ("artwork", include_str!("../examples/qwarty/domains/artwork.toml")),
    ("exhibition", include_str!("../examples/qwarty/domains/exhibition.toml")),
    ("message", include_str!("../examples/qwarty/domains/message.toml")),
    (
        "notification",
        include_str!("../examples/qwarty/domains/notification.toml"),
    ),
    (
        "subscription",
        include_str!("../examples/qwarty/domains/subscription.toml"),
    ),
    ("user", include_str!("../examples/qwarty/domains/user.toml")),
];

/// Snippets that stress the parser and validator when spliced into a spec.
const SNIPPETS: &[&str] = &[
    "\n[fields.x]\n",
    "type = \"ref\"\n",
    "to = \"artwork\"\n",
    "to = \"x\"\n",
    "optional = true\n",
    "on_delete = \"set_null\"\n",
    "ge = 1e308\n",
    "le = -1e308\n",
    "ge = 9223372036854775807\n",
    "le = -9223372036854775808\n",
    "max_length = 0\n",
    "max_length = 4294967296\n",
    "decimal_places = 1000\n",
    "max_digits = 1000\n",
    "values = []\n",
    "values = [\"a\", \"a\"]\n",
    "default = \"\u{0}\"\n",
    "pattern = \"(\"\n",
    "pattern = \"^$\"\nexample = \"\"\n",
    "[api]\n",
    "filters = [\"x\"]\n",
    "sort = [\"id\", \"created_at\"]\n",
    "default_sort = \"-\"\n",
    "page_size = 0\n",
    "operations = []\n",
    "dependencies = [\":\"]\n",
    "[files]\nmodel = \"owned\"\n",
    "type = \"enum\"\n",
    "type = \"decimal\"\n",
    "gt = 5\nlt = 5\n",
    "\"quoted key\" = 1\n",
    "[fields.\"a b\"]\n",
    "plural = \"artworks\"\n",
    "id = \"int\"\n",
    "[[fields]]\n",
    "= =\n",
    "[\n",
    "\u{feff}",
    "x = {a = 1}\n",
    "timestamps = false\n",
    "type = \"json\"\nunique = true\n",
];

fn known() -> Vec<&'static str> {
    EXAMPLES.iter().map(|(n, _)| *n).chain(["fuzz"]).collect()
}

/// Parses `text` as domain `fuzz` among the examples and, when valid,
/// renders all of its files: nothing may panic.
fn exercise(text: &str) {
    let known = known();
    let source = Source::new("domains/fuzz.toml", text.to_owned());
    let Ok(domain) = parse_spec(&source, "fuzz", "domains/fuzz.toml", &known) else {
        return;
    };
    let mut parsed = BTreeMap::new();
    for (name, spec) in EXAMPLES {
        let path = format!("domains/{name}.toml");
        let src = Source::new(&path, (*spec).to_owned());
        let d = parse_spec(&src, name, &path, &known).expect("examples are valid");
        parsed.insert((*name).to_owned(), (src, d));
    }
    parsed.insert("fuzz".to_owned(), (source, domain));
    if let Ok(all) = resolve(parsed) {
        let config = ProjectConfig::for_package("backend");
        let plan = scaffold::render::domain::plan(&config, &all["fuzz"], &all);
        assert!(plan.files.len() >= 2);
    }
}

fn mutated() -> impl Strategy<Value = String> {
    (
        0..EXAMPLES.len(),
        prop::collection::vec((any::<prop::sample::Index>(), 0..SNIPPETS.len(), 0..40usize), 1..6),
    )
        .prop_map(|(example, edits)| {
            let mut text = EXAMPLES[example].1.to_owned();
            for (at, snippet, cut) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                let mut end = (i + cut).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(i..end, SNIPPETS[snippet]);
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_valid_specs_never_panic(text in mutated()) {
        exercise(&text);
    }
}

#[test]
fn every_example_renders() {
    for (_, text) in EXAMPLES {
        exercise(text);
    }
}
