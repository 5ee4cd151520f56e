//! Property: whatever the team writes in custom sections survives any
//! regeneration, whatever changed in the spec.

use std::collections::BTreeMap;

use proptest::prelude::*;
use scaffold::config::ProjectConfig;
use scaffold::diag::Source;
use scaffold::plan::Policy;
use scaffold::reconcile::{Decision, decide};
use scaffold::sections::{Section, parse_sections};
use scaffold::spec::{Domains, parse_spec, resolve};

const FIELDS: &[&str] = &[
    "[fields.title]\ntype = \"str\"\nmax_length = 80\n",
    "[fields.bio]\ntype = \"text\"\noptional = true\n",
    "[fields.year]\ntype = \"int\"\noptional = true\nge = 1000\n",
    "[fields.price]\ntype = \"decimal\"\noptional = true\n",
    "[fields.sold]\ntype = \"bool\"\ndefault = false\n",
    "[fields.born]\ntype = \"date\"\noptional = true\n",
    "[fields.seen_at]\ntype = \"datetime\"\noptional = true\n",
    "[fields.sku]\ntype = \"uuid\"\nunique = true\noptional = true\n",
    "[fields.email]\ntype = \"email\"\nunique = true\n",
    "[fields.data]\ntype = \"json\"\noptional = true\n",
    "[fields.status]\ntype = \"enum\"\nvalues = [\"draft\", \"live\"]\n",
    "[fields.artist_id]\ntype = \"ref\"\nto = \"artist\"\n",
];

fn domains(spec: &str) -> Domains {
    let mut parsed = BTreeMap::new();
    let known = ["artist", "artwork"];
    for (name, text) in [("artist", "[fields.name]\ntype = \"str\"\n"), ("artwork", spec)] {
        let path = format!("domains/{name}.toml");
        let src = Source::new(&path, text.to_owned());
        let domain = parse_spec(&src, name, &path, &known).expect("generated specs are valid");
        parsed.insert(name.to_owned(), (src, domain));
    }
    resolve(parsed).expect("no cycles")
}

/// The artwork files as generated from `spec`.
fn render(spec: &str) -> BTreeMap<String, String> {
    let all = domains(spec);
    let plan = scaffold::render::domain::plan(&ProjectConfig::for_package("backend"), &all["artwork"], &all);
    plan.files
        .into_iter()
        .filter(|(_, f)| f.policy == Policy::Generated)
        .map(|(p, f)| (p, f.content))
        .collect()
}

fn spec_of(picks: &[bool], operations: &[bool]) -> String {
    let mut spec = String::new();
    let ops: Vec<&str> = ["list", "get", "create", "update", "delete"]
        .iter()
        .zip(operations)
        .filter(|(_, on)| **on)
        .map(|(op, _)| *op)
        .collect();
    for (field, on) in FIELDS.iter().zip(picks) {
        if *on {
            spec += field;
        }
    }
    if spec.is_empty() {
        spec += FIELDS[0];
    }
    if !ops.is_empty() {
        spec += &format!("[api]\noperations = {ops:?}\n");
    }
    spec
}

/// User code: lines that are not scaffold markers, any indentation.
fn body() -> impl Strategy<Value = String> {
    prop::collection::vec("[ ]{0,8}[a-zA-Z0-9_ =()\"'#:.,\\[\\]{}-]{0,40}", 0..6).prop_map(|lines| {
        lines
            .into_iter()
            .filter(|l| !l.contains("scaffold:"))
            .map(|l| l + "\n")
            .collect()
    })
}

/// Puts `bodies` (cycled) into every section of `text`.
fn fill(text: &str, bodies: &[String]) -> (String, BTreeMap<String, String>) {
    let mut out = String::new();
    let mut filled = BTreeMap::new();
    let mut n = 0;
    for line in text.split_inclusive('\n') {
        out.push_str(line);
        if let Some(name) = line.trim().strip_prefix("# scaffold: begin custom ") {
            let body = bodies[n % bodies.len()].clone();
            n += 1;
            out.push_str(&body);
            filled.insert(name.to_owned(), body);
        }
    }
    (out, filled)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn sections_survive_any_spec_change(
        before in prop::collection::vec(any::<bool>(), FIELDS.len()),
        after in prop::collection::vec(any::<bool>(), FIELDS.len()),
        ops_before in prop::collection::vec(any::<bool>(), 5),
        ops_after in prop::collection::vec(any::<bool>(), 5),
        bodies in prop::collection::vec(body(), 1..5),
    ) {
        let old_files = render(&spec_of(&before, &ops_before));
        let new_files = render(&spec_of(&after, &ops_after));
        for (path, old) in &old_files {
            let (edited, filled) = fill(old, &bodies);
            let planned = scaffold::plan::Planned { content: new_files[path].clone(), policy: Policy::Generated };
            let result = match decide(planned, Some(&edited)) {
                Decision::Update(text) => text,
                Decision::Unchanged => edited.clone(),
                other => panic!("{path}: unexpected {other:?}"),
            };
            let kept: BTreeMap<String, String> = parse_sections(&result)
                .expect("markers stay well-formed")
                .into_iter()
                .map(|Section { name, body }| (name, body))
                .collect();
            for (name, body) in &filled {
                prop_assert_eq!(kept.get(name), Some(body), "{}: section {}", path, name);
            }
        }
    }
}
