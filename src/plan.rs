//! The pure core's output: every file a command wants, in memory.

use std::collections::BTreeMap;

/// How a planned file treats one already on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Written only if missing; afterwards the file is the team's (`init`).
    Once,
    /// Kept equal to the planned content (main.py with its blocks updated).
    Whole,
    /// Generated code with a fingerprint header and custom sections: kept
    /// up to date unless edited by hand outside its sections.
    Generated,
    /// A generated file that must go (its domain is removed): deleted when
    /// it is untouched with empty custom sections, else it holds someone's
    /// work and stays unless forced.
    Remove,
    /// A file that goes after a copy is saved (the spec of a removed domain).
    Discard,
    /// A domain folder's `__init__.py`: it goes, with its folder, once
    /// nothing else is left in the folder.
    RemoveFolder,
    /// A file handed over to the team: left alone, reported if present.
    Owned,
}

impl Policy {
    /// A policy of a path that should hold no file of scaffold's any more
    /// (or only the team's): it plans no content.
    pub fn is_removal(self) -> bool {
        matches!(self, Self::Remove | Self::Discard | Self::RemoveFolder | Self::Owned)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub content: String,
    pub policy: Policy,
}

/// Project-relative path (with `/`) → planned file, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub files: BTreeMap<String, Planned>,
}

impl Plan {
    pub fn once(&mut self, path: impl Into<String>, content: impl Into<String>) {
        self.insert(path.into(), content.into(), Policy::Once);
    }

    /// A file stamped by `sections::stamp`.
    pub fn generated(&mut self, path: impl Into<String>, content: impl Into<String>) {
        self.insert(path.into(), content.into(), Policy::Generated);
    }

    pub fn whole(&mut self, path: impl Into<String>, content: impl Into<String>) {
        self.insert(path.into(), content.into(), Policy::Whole);
    }

    /// A path whose file should not be there any more, or is the team's
    /// ([`Policy::Remove`], [`Policy::Discard`], [`Policy::RemoveFolder`], [`Policy::Owned`]).
    pub fn without(&mut self, path: impl Into<String>, policy: Policy) {
        debug_assert!(policy.is_removal());
        self.insert(path.into(), String::new(), policy);
    }

    fn insert(&mut self, path: String, content: String, policy: Policy) {
        debug_assert!(!self.files.contains_key(&path), "{path} planned twice");
        self.files.insert(path, Planned { content, policy });
    }

    pub fn extend(&mut self, other: Plan) {
        for (path, file) in other.files {
            self.insert(path, file.content, file.policy);
        }
    }
}
