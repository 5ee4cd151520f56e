//! Pure: what to do with one planned file given what is on disk.
//!
//! `generate` writes the decisions, `check` reports them; both come from
//! here, so the two can never disagree.

use crate::plan::{Planned, Policy};
use crate::sections::{self, MarkerError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The file is missing.
    Create(String),
    /// The spec or scaffold's templates changed; custom sections are kept.
    Update(String),
    Unchanged,
    /// A file written once (`init`) is there: it belongs to the team.
    Exist,
    /// Writing would lose someone's work. `proposed` is what `--force` writes.
    Conflict {
        reason: Conflict,
        proposed: String,
    },
    /// The file goes; `backup`: a copy is saved first.
    Remove {
        backup: bool,
    },
    /// The file should go but holds hand edits or custom code: it stays,
    /// unless forced (then it goes after a backup).
    HoldsWork,
    /// A domain folder's `__init__.py`: the folder goes if nothing else is left.
    RemoveFolder,
    /// Nothing is there, and nothing should be.
    Absent,
}

impl Decision {
    /// Whether carrying the decision out deletes the file (`force` takes
    /// files that hold work too).
    pub fn removes(&self, force: bool) -> bool {
        match self {
            Self::Remove { .. } => true,
            Self::HoldsWork => force,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// The generated parts no longer match the file's fingerprint.
    HandEdited,
    /// The file has no scaffold header: someone else's file is at this path.
    NotGenerated,
    /// Custom-section markers are unbalanced, renamed or duplicated.
    Markers(MarkerError),
    /// A custom section with code in it has no place in the new rendering.
    SectionDropped(String),
}

impl Conflict {
    pub fn describe(&self) -> String {
        match self {
            Self::HandEdited => "its generated part was edited by hand".to_owned(),
            Self::NotGenerated => "it was not written by scaffold (no fingerprint header)".to_owned(),
            Self::Markers(e) => format!("line {}: {}", e.line, e.message),
            Self::SectionDropped(name) => {
                format!("custom section '{name}' holds code but the new rendering has no such section")
            }
        }
    }
}

pub fn decide(planned: Planned, existing: Option<&str>) -> Decision {
    let Some(old) = existing else {
        return if planned.policy.is_removal() {
            Decision::Absent
        } else {
            Decision::Create(planned.content)
        };
    };
    match planned.policy {
        Policy::Remove if is_pristine(old) => Decision::Remove { backup: false },
        Policy::Remove => Decision::HoldsWork,
        Policy::Discard => Decision::Remove { backup: true },
        Policy::RemoveFolder => Decision::RemoveFolder,
        Policy::Owned => Decision::Exist,
        Policy::Once => Decision::Exist,
        Policy::Whole => {
            if old == planned.content {
                Decision::Unchanged
            } else {
                Decision::Update(planned.content)
            }
        }
        Policy::Generated => decide_generated(planned.content, old),
    }
}

fn decide_generated(fresh: String, old: &str) -> Decision {
    // Most files are exactly as generated (empty sections): no parsing needed.
    if fresh == old {
        return Decision::Unchanged;
    }
    let old_sections = match sections::parse_sections(old) {
        Ok(s) => s,
        Err(e) => {
            return Decision::Conflict {
                reason: Conflict::Markers(e),
                proposed: fresh,
            };
        }
    };
    let merged = sections::carry_over(&fresh, &old_sections);
    if merged == old {
        return Decision::Unchanged;
    }
    if sections::recorded_fingerprint(old).is_none() {
        return Decision::Conflict {
            reason: Conflict::NotGenerated,
            proposed: merged,
        };
    }
    if !sections::is_untouched(old) {
        return Decision::Conflict {
            reason: Conflict::HandEdited,
            proposed: merged,
        };
    }
    let fresh_names: Vec<String> = sections::parse_sections(&fresh)
        .expect("templates have well-formed sections")
        .into_iter()
        .map(|s| s.name)
        .collect();
    if let Some(lost) = old_sections
        .iter()
        .find(|s| !s.body.trim().is_empty() && !fresh_names.contains(&s.name))
    {
        return Decision::Conflict {
            reason: Conflict::SectionDropped(lost.name.clone()),
            proposed: merged,
        };
    }
    Decision::Update(merged)
}

/// Whether a generated file is exactly scaffold's: no hand edit, and no
/// code in its custom sections.
fn is_pristine(text: &str) -> bool {
    sections::is_untouched(text)
        && sections::parse_sections(text).is_ok_and(|s| s.iter().all(|s| s.body.trim().is_empty()))
}

/// Whether two texts differ only in whitespace (a formatter's doing).
pub fn same_but_whitespace(a: &str, b: &str) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    squash(a) == squash(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sections::stamp;

    fn generated(text: &str) -> Planned {
        Planned {
            content: stamp(text.to_owned()),
            policy: Policy::Generated,
        }
    }

    const V1: &str = "# scaffold: fingerprint \nx = 1\n# scaffold: begin custom code\n# scaffold: end custom code\n";

    #[test]
    fn keeps_sections_across_spec_changes() {
        let old = stamp(V1.to_owned()).replace("# scaffold: end", "mine = 2\n# scaffold: end");
        let v2 = generated(&V1.replace("x = 1", "x = 1\ny = 3"));
        let Decision::Update(new) = decide(v2.clone(), Some(&old)) else {
            panic!()
        };
        assert!(new.contains("y = 3") && new.contains("mine = 2\n"));
        assert_eq!(decide(v2.clone(), Some(&new)), Decision::Unchanged);
    }

    #[test]
    fn hand_edits_and_foreign_files_are_conflicts() {
        let plan = generated(V1);
        let edited = stamp(V1.to_owned()).replace("x = 1", "x = 5");
        assert!(matches!(
            decide(plan.clone(), Some(&edited)),
            Decision::Conflict {
                reason: Conflict::HandEdited,
                ..
            }
        ));
        assert!(matches!(
            decide(plan.clone(), Some("x = 1\n")),
            Decision::Conflict {
                reason: Conflict::NotGenerated,
                ..
            }
        ));
        let broken = stamp(V1.to_owned()).replace("# scaffold: end custom code\n", "");
        assert!(matches!(
            decide(plan.clone(), Some(&broken)),
            Decision::Conflict {
                reason: Conflict::Markers(_),
                ..
            }
        ));
    }

    #[test]
    fn whole_and_once_files() {
        let whole = Planned {
            content: "a\n".into(),
            policy: Policy::Whole,
        };
        assert_eq!(decide(whole.clone(), Some("a\n")), Decision::Unchanged);
        assert_eq!(decide(whole.clone(), Some("b\n")), Decision::Update("a\n".into()));
        let once = Planned {
            content: "a\n".into(),
            policy: Policy::Once,
        };
        assert_eq!(decide(once.clone(), Some("mine")), Decision::Exist);
    }
}
