//! Compatibility of two versions of a project's specs: every change from the
//! old specs to the new ones, classified for the API's clients and for the
//! data already stored, and approved by the new specs' `[compat] allow`.
//!
//! Pure: the specs and their texts go in, [`Change`]s come out; reading the
//! old specs from git and printing the report is the command's.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use serde::Serialize;
use toml::de::{DeTable, DeValue};

use super::{Bounds, DefaultValue, Domain, Domains, Field, FieldKind, Number, Operation};

/// The kind of a change: a stable id, used in reports and in `[compat] allow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    Add,
    Remove,
    Rename,
    Require,
    Narrow,
    Widen,
    EnumRemove,
    EnumAdd,
    Type,
    Url,
    OperationRemove,
    OperationAdd,
    FilterRemove,
    FilterAdd,
    SearchRemove,
    SearchAdd,
    SortRemove,
    SortAdd,
    PageSize,
    DefaultSort,
    DependencyAdd,
    DependencyRemove,
    OnDelete,
    Unique,
    Default,
    Deprecate,
}

/// What the part of a subject after the domain names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectShape {
    /// `domain`
    Domain,
    /// `domain.field` (`domain.id` for the id's type)
    Field,
    /// `domain` or `domain.field`
    DomainOrField,
    /// `domain.operation`
    Operation,
    /// `domain.name`: a name in `[api] filters`, `search` or `sort`
    Column,
}

impl ChangeKind {
    pub const ALL: [Self; 26] = [
        Self::Add,
        Self::Remove,
        Self::Rename,
        Self::Require,
        Self::Narrow,
        Self::Widen,
        Self::EnumRemove,
        Self::EnumAdd,
        Self::Type,
        Self::Url,
        Self::OperationRemove,
        Self::OperationAdd,
        Self::FilterRemove,
        Self::FilterAdd,
        Self::SearchRemove,
        Self::SearchAdd,
        Self::SortRemove,
        Self::SortAdd,
        Self::PageSize,
        Self::DefaultSort,
        Self::DependencyAdd,
        Self::DependencyRemove,
        Self::OnDelete,
        Self::Unique,
        Self::Default,
        Self::Deprecate,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Remove => "remove",
            Self::Rename => "rename",
            Self::Require => "require",
            Self::Narrow => "narrow",
            Self::Widen => "widen",
            Self::EnumRemove => "enum-remove",
            Self::EnumAdd => "enum-add",
            Self::Type => "type",
            Self::Url => "url",
            Self::OperationRemove => "operation-remove",
            Self::OperationAdd => "operation-add",
            Self::FilterRemove => "filter-remove",
            Self::FilterAdd => "filter-add",
            Self::SearchRemove => "search-remove",
            Self::SearchAdd => "search-add",
            Self::SortRemove => "sort-remove",
            Self::SortAdd => "sort-add",
            Self::PageSize => "page-size",
            Self::DefaultSort => "default-sort",
            Self::DependencyAdd => "dependency-add",
            Self::DependencyRemove => "dependency-remove",
            Self::OnDelete => "on-delete",
            Self::Unique => "unique",
            Self::Default => "default",
            Self::Deprecate => "deprecate",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether a change of this kind can be breaking, and so be approved.
    pub const fn can_break(self) -> bool {
        matches!(
            self,
            Self::Remove
                | Self::Rename
                | Self::Require
                | Self::Narrow
                | Self::EnumRemove
                | Self::Type
                | Self::Url
                | Self::OperationRemove
                | Self::FilterRemove
                | Self::SearchRemove
                | Self::SortRemove
                | Self::PageSize
                | Self::DependencyAdd
                | Self::OnDelete
                | Self::Unique
        )
    }

    /// The kinds `[compat] allow` takes.
    pub fn approvable() -> impl Iterator<Item = Self> {
        Self::ALL.into_iter().filter(|k| k.can_break())
    }

    pub const fn subject_shape(self) -> SubjectShape {
        match self {
            Self::Add | Self::Remove | Self::Rename => SubjectShape::DomainOrField,
            Self::Url | Self::PageSize | Self::DefaultSort | Self::DependencyAdd | Self::DependencyRemove => {
                SubjectShape::Domain
            }
            Self::OperationRemove | Self::OperationAdd => SubjectShape::Operation,
            Self::FilterRemove
            | Self::FilterAdd
            | Self::SearchRemove
            | Self::SearchAdd
            | Self::SortRemove
            | Self::SortAdd => SubjectShape::Column,
            Self::Require
            | Self::Narrow
            | Self::Widen
            | Self::EnumRemove
            | Self::EnumAdd
            | Self::Type
            | Self::OnDelete
            | Self::Unique
            | Self::Default
            | Self::Deprecate => SubjectShape::Field,
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of `[compat] allow`: `KIND:SUBJECT`, a breaking change the team
/// has approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    pub kind: ChangeKind,
    pub subject: String,
    /// Span of the entry in its spec.
    pub span: Range<usize>,
}

impl Allow {
    pub fn entry(&self) -> String {
        format!("{}:{}", self.kind, self.subject)
    }
}

/// Who a change concerns: the API's clients, the rows already stored, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Client,
    Data,
    Both,
}

impl Audience {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Data => "data",
            Self::Both => "both",
        }
    }
}

/// A place in a spec file: 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// `domain.field` (or `domain.operation`, `domain.filter`...) or `domain`,
    /// with the domain's and field's new names.
    pub subject: String,
    pub audience: Audience,
    pub breaking: bool,
    /// A breaking change that an entry of `[compat] allow` approves.
    pub approved: bool,
    pub message: String,
    /// Where the change shows in the working tree (see [`review`]).
    #[serde(flatten)]
    pub at: Position,
    /// Where the changed thing was in the old spec, if it existed.
    pub was: Option<Position>,
    /// The `[compat] allow` entry that approves it.
    pub approved_by: Option<Position>,
}

impl Change {
    /// The `[compat] allow` entry that approves this change.
    pub fn entry(&self) -> String {
        format!("{}:{}", self.kind, self.subject)
    }

    /// Breaking and not approved: fails `scaffold diff`.
    pub fn fails(&self) -> bool {
        self.breaking && !self.approved
    }
}

/// An `allow` entry that matches no change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unused {
    pub entry: String,
    #[serde(flatten)]
    pub at: Position,
}

/// The specs of one side: the domains and each spec's text by its path.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub domains: &'a Domains,
    pub texts: &'a BTreeMap<String, String>,
}

/// Every change from `old` to `new`, sorted by position, and the `allow`
/// entries of `new` that match none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub changes: Vec<Change>,
    pub unused: Vec<Unused>,
}

impl Review {
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    pub fn approved(&self) -> usize {
        self.changes.iter().filter(|c| c.approved).count()
    }

    pub fn failing(&self) -> usize {
        self.changes.iter().filter(|c| c.fails()).count()
    }

    /// `1 breaking (1 approved), 2 safe`.
    pub fn counts(&self) -> String {
        let breaking = self.breaking();
        let approved = self.approved();
        let mut text = format!("{breaking} breaking");
        if approved > 0 {
            text += &format!(" ({approved} approved)");
        }
        text + &format!(", {} safe", self.changes.len() - breaking)
    }

    /// `3 changes since HEAD: 1 breaking (1 approved), 2 safe`.
    pub fn summary(&self, against: &str) -> String {
        match self.changes.len() {
            0 => format!("no spec changes since {against}"),
            n => format!(
                "{n} change{} since {against}: {}",
                if n == 1 { "" } else { "s" },
                self.counts()
            ),
        }
    }
}

/// A step of a path into a spec's TOML: a key, or a string item of an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Name(String),
    Item(String),
}

fn keys(path: &[&str]) -> Vec<Key> {
    path.iter().map(|k| Key::Name((*k).to_owned())).collect()
}

/// Where a change shows: a spec and the deepest key of `path` it has.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Anchor {
    spec: String,
    path: Vec<Key>,
}

impl Anchor {
    fn new(domain: &Domain, path: Vec<Key>) -> Self {
        Self {
            spec: domain.spec_path.clone(),
            path,
        }
    }
}

/// A change before it is located and approved.
#[derive(Debug, Clone)]
struct Draft {
    kind: ChangeKind,
    subject: String,
    audience: Audience,
    breaking: bool,
    message: String,
    /// In the new specs; None when the domain is gone.
    at: Option<Anchor>,
    /// In the old specs; None for what is new.
    was: Option<Anchor>,
}

/// Classifies every change from `old` to `new`.
///
/// Each change is located in the working tree: at the key that shows it in
/// the new spec (the field's header, the changed key, a new item of a list),
/// or, for something removed from a domain that is still there, at the
/// nearest key of the new spec that encloses where it was (`[fields]` for a
/// field, `operations` for an operation). A domain that is gone is located
/// at line 1 of its old spec path. `was` locates it in the old spec.
pub fn review(old: Side<'_>, new: Side<'_>) -> Review {
    let drafts = changes(old.domains, new.domains);
    let allows: Vec<(&Domain, &Allow)> = new
        .domains
        .values()
        .flat_map(|d| d.compat.iter().map(move |a| (d, a)))
        .collect();
    let mut used = vec![false; allows.len()];
    let mut changes: Vec<Change> = drafts
        .into_iter()
        .map(|d| {
            let at = match &d.at {
                Some(anchor) => locate(new.texts, anchor),
                None => Position {
                    file: d.was.as_ref().map(|w| w.spec.clone()).unwrap_or_default(),
                    line: 1,
                    column: 1,
                },
            };
            let was = d.was.as_ref().map(|w| locate(old.texts, w));
            let mut approved_by = None;
            for (i, (domain, allow)) in allows.iter().enumerate() {
                if allow.kind == d.kind && allow.subject == d.subject {
                    used[i] = true;
                    if d.breaking && approved_by.is_none() {
                        approved_by = Some(position(new.texts, &domain.spec_path, allow.span.start));
                    }
                }
            }
            Change {
                kind: d.kind,
                subject: d.subject,
                audience: d.audience,
                breaking: d.breaking,
                approved: approved_by.is_some(),
                message: d.message,
                at,
                was,
                approved_by,
            }
        })
        .collect();
    changes.sort_by(|a, b| (&a.at, a.kind, &a.subject).cmp(&(&b.at, b.kind, &b.subject)));
    let mut unused: Vec<Unused> = allows
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|((domain, allow), _)| Unused {
            entry: allow.entry(),
            at: position(new.texts, &domain.spec_path, allow.span.start),
        })
        .collect();
    unused.sort_by(|a, b| a.at.cmp(&b.at));
    Review { changes, unused }
}

/// Line and column of a byte offset of a spec.
fn position(texts: &BTreeMap<String, String>, spec: &str, offset: usize) -> Position {
    let text = texts.get(spec).map_or("", String::as_str);
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        file: spec.to_owned(),
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

fn locate(texts: &BTreeMap<String, String>, anchor: &Anchor) -> Position {
    let text = texts.get(&anchor.spec).map_or("", String::as_str);
    position(texts, &anchor.spec, key_offset(text, &anchor.path))
}

/// Byte offset of the deepest key (or array item) of `path` found in the
/// TOML `text`; 0 when not even the first is there.
pub fn key_offset(text: &str, path: &[Key]) -> usize {
    let Ok(doc) = DeTable::parse(text) else { return 0 };
    let mut table: &DeTable<'_> = doc.get_ref();
    let mut found = 0;
    let mut items: Option<&[toml::Spanned<DeValue<'_>>]> = None;
    for key in path {
        match key {
            Key::Name(name) => {
                let Some((k, v)) = table.iter().find(|(k, _)| k.get_ref() == name) else {
                    break;
                };
                found = k.span().start;
                match v.get_ref() {
                    DeValue::Table(t) => {
                        table = t;
                        items = None;
                    }
                    DeValue::Array(a) => items = Some(a.as_ref()),
                    _ => items = None,
                }
            }
            Key::Item(item) => {
                let hit = items
                    .into_iter()
                    .flatten()
                    .find(|v| matches!(v.get_ref(), DeValue::String(s) if s == item));
                match hit {
                    Some(v) => found = v.span().start,
                    None => break,
                }
            }
        }
    }
    found
}

// ---------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------

/// The drafts of every change, unsorted and unlocated.
fn changes(old: &Domains, new: &Domains) -> Vec<Draft> {
    let mut out = Vec::new();
    // New domain → its old counterpart (same name, else the one it is renamed from).
    let mut pairs: Vec<(&Domain, &Domain)> = Vec::new();
    let mut paired_old: BTreeSet<&str> = BTreeSet::new();
    for d in new.values() {
        let counterpart = old.get(&d.names.snake).or_else(|| {
            let (from, _) = d.renamed_from.as_ref()?;
            old.get(from).filter(|_| !new.contains_key(from))
        });
        match counterpart {
            Some(o) => {
                paired_old.insert(&o.names.snake);
                pairs.push((o, d));
            }
            None => out.push(Draft {
                kind: ChangeKind::Add,
                subject: d.names.snake.clone(),
                audience: Audience::Both,
                breaking: false,
                message: format!("new domain '{}' at /{}", d.names.snake, d.names.url),
                at: Some(Anchor::new(d, Vec::new())),
                was: None,
            }),
        }
    }
    for o in old.values().filter(|o| !paired_old.contains(o.names.snake.as_str())) {
        out.push(Draft {
            kind: ChangeKind::Remove,
            subject: o.names.snake.clone(),
            audience: Audience::Both,
            breaking: true,
            message: format!(
                "domain '{}' removed: its endpoints under /{} are gone and its table is dropped",
                o.names.snake, o.names.url
            ),
            at: None,
            was: Some(Anchor::new(o, Vec::new())),
        });
    }
    // Old domain name → new name, for ref targets.
    let renamed: BTreeMap<&str, &str> = pairs
        .iter()
        .map(|(o, d)| (o.names.snake.as_str(), d.names.snake.as_str()))
        .collect();
    for (o, d) in pairs {
        DomainDiff {
            old: o,
            new: d,
            renamed: &renamed,
            out: &mut out,
        }
        .run();
    }
    out
}

struct DomainDiff<'a> {
    old: &'a Domain,
    new: &'a Domain,
    renamed: &'a BTreeMap<&'a str, &'a str>,
    out: &'a mut Vec<Draft>,
}

impl DomainDiff<'_> {
    fn name(&self) -> &str {
        &self.new.names.snake
    }

    #[allow(clippy::too_many_arguments, reason = "one place builds every draft")]
    fn push(
        &mut self,
        kind: ChangeKind,
        member: Option<&str>,
        audience: Audience,
        breaking: bool,
        message: String,
        at: Vec<Key>,
        was: Option<Vec<Key>>,
    ) {
        let subject = match member {
            Some(m) => format!("{}.{m}", self.name()),
            None => self.name().to_owned(),
        };
        let draft = Draft {
            kind,
            subject,
            audience,
            breaking,
            message,
            at: Some(Anchor::new(self.new, at)),
            was: was.map(|path| Anchor::new(self.old, path)),
        };
        self.out.push(draft);
    }

    fn run(mut self) {
        let (o, d) = (self.old, self.new);
        if o.names.snake != d.names.snake {
            let message = format!(
                "domain '{}' renamed to '{}': its operation ids and schema names change (the table keeps its rows)",
                o.names.snake, d.names.snake
            );
            self.push(
                ChangeKind::Rename,
                None,
                Audience::Client,
                true,
                message,
                keys(&["renamed_from"]),
                Some(Vec::new()),
            );
        }
        if o.names.url != d.names.url {
            let at = if o.names.snake != d.names.snake && o.names.plural == d.names.plural {
                "renamed_from"
            } else {
                "plural"
            };
            let message = format!("URL changed from /{} to /{}", o.names.url, d.names.url);
            self.push(
                ChangeKind::Url,
                None,
                Audience::Client,
                true,
                message,
                keys(&[at]),
                Some(keys(&["plural"])),
            );
        }
        if o.id != d.id {
            let message = format!(
                "id type changed from {} to {}: ids in URLs and refs change form, and stored ids do not convert",
                o.id.as_str(),
                d.id.as_str()
            );
            self.push(
                ChangeKind::Type,
                Some("id"),
                Audience::Both,
                true,
                message,
                keys(&["id"]),
                Some(keys(&["id"])),
            );
        }
        if o.timestamps != d.timestamps {
            for column in ["created_at", "updated_at"] {
                if o.timestamps {
                    let message = format!("'{column}' removed: responses lose it and its column is dropped");
                    self.push(
                        ChangeKind::Remove,
                        Some(column),
                        Audience::Both,
                        true,
                        message,
                        keys(&["timestamps"]),
                        Some(keys(&["timestamps"])),
                    );
                } else {
                    let message = format!("new timestamp '{column}'");
                    self.push(
                        ChangeKind::Add,
                        Some(column),
                        Audience::Both,
                        false,
                        message,
                        keys(&["timestamps"]),
                        None,
                    );
                }
            }
        }
        self.fields();
        self.api();
    }

    fn fields(&mut self) {
        let (o, d) = (self.old, self.new);
        let mut paired: BTreeSet<&str> = BTreeSet::new();
        for f in &d.fields {
            let by_rename = || {
                let from = f.renamed_from.as_deref()?;
                o.field(from)
            };
            match o.field(&f.name).or_else(by_rename) {
                Some(of) => {
                    paired.insert(&of.name);
                    if of.name != f.name {
                        let message = format!(
                            "field '{}' renamed to '{}': requests and responses use the new name (the column keeps its values)",
                            of.name, f.name
                        );
                        self.push(
                            ChangeKind::Rename,
                            Some(&f.name),
                            Audience::Client,
                            true,
                            message,
                            keys(&["fields", &f.name, "renamed_from"]),
                            Some(keys(&["fields", &of.name])),
                        );
                    }
                    self.field(of, f);
                }
                None => self.added_field(f),
            }
        }
        for of in o.fields.iter().filter(|of| !paired.contains(of.name.as_str())) {
            let message = format!(
                "field '{}' removed: responses lose it and its column is dropped",
                of.name
            );
            self.push(
                ChangeKind::Remove,
                Some(&of.name),
                Audience::Both,
                true,
                message,
                keys(&["fields", &of.name]),
                Some(keys(&["fields", &of.name])),
            );
        }
    }

    fn added_field(&mut self, f: &Field) {
        let at = keys(&["fields", &f.name]);
        if f.optional || f.default.is_some() {
            let message = match &f.default {
                Some(v) => format!("new field '{}' with default {}", f.name, show_default(v)),
                None => format!("new optional field '{}'", f.name),
            };
            self.push(ChangeKind::Add, Some(&f.name), Audience::Both, false, message, at, None);
        } else {
            let mut message = format!(
                "new required field '{}' without a default: create requests without it fail",
                f.name
            );
            let audience = if f.backfill.is_some() {
                Audience::Client
            } else {
                message += "; existing rows need a `backfill` value";
                Audience::Both
            };
            self.push(ChangeKind::Require, Some(&f.name), audience, true, message, at, None);
        }
    }

    /// What changed in one field (`o` is the old field, `f` the new one).
    fn field(&mut self, o: &Field, f: &Field) {
        let name = f.name.as_str();
        let at = |key: &str| keys(&["fields", name, key]);
        let header = keys(&["fields", name]);
        let was = |key: &str| Some(keys(&["fields", &o.name, key]));
        let was_header = Some(keys(&["fields", &o.name]));

        let (old_ty, new_ty) = (o.kind.ty(), f.kind.ty());
        if old_ty != new_ty {
            let widening = matches!(
                (old_ty.as_str(), new_ty.as_str()),
                ("int", "bigint") | ("str", "text") | ("email", "str") | ("email", "text")
            );
            let (audience, message) = if widening {
                (
                    Audience::Client,
                    format!("type widened from {} to {}", old_ty.as_str(), new_ty.as_str()),
                )
            } else {
                (
                    Audience::Both,
                    format!(
                        "type changed from {} to {}: clients send and get another JSON form, and stored values may not convert",
                        old_ty.as_str(),
                        new_ty.as_str()
                    ),
                )
            };
            self.push(
                ChangeKind::Type,
                Some(name),
                audience,
                !widening,
                message,
                at("type"),
                was("type"),
            );
        }

        if let (
            FieldKind::Ref {
                to: old_to,
                on_delete: old_action,
                ..
            },
            FieldKind::Ref { to, on_delete, .. },
        ) = (&o.kind, &f.kind)
        {
            let old_target = self.renamed.get(old_to.as_str()).copied().unwrap_or(old_to);
            if old_target != to {
                let message = format!("now refers to '{to}' instead of '{old_to}': stored ids point at another table");
                self.push(
                    ChangeKind::Type,
                    Some(name),
                    Audience::Both,
                    true,
                    message,
                    at("to"),
                    was("to"),
                );
            }
            if old_action != on_delete {
                let message = format!(
                    "on_delete changed from {} to {}: deleting a '{to}' now does something else to these rows",
                    old_action.as_str(),
                    on_delete.as_str()
                );
                self.push(
                    ChangeKind::OnDelete,
                    Some(name),
                    Audience::Data,
                    true,
                    message,
                    at("on_delete"),
                    was("on_delete"),
                );
            }
        }

        self.lengths(o, f);
        self.pattern(o, f);
        if let (Some(ob), Some(nb)) = (bounds(&o.kind), bounds(&f.kind)) {
            let ints = matches!(f.kind, FieldKind::Int(_) | FieldKind::BigInt(_));
            self.bound(name, &o.name, End::Lower, lower(ob, ints), lower(nb, ints));
            self.bound(name, &o.name, End::Upper, upper(ob, ints), upper(nb, ints));
        }
        self.digits(o, f);
        self.values(o, f);

        // optional / required, and the default.
        if o.optional && !f.optional {
            let mut message = format!("'{name}' is now required: create requests must send it and null is refused");
            let audience = if f.backfill.is_some() || f.default.is_some() {
                Audience::Client
            } else {
                message += "; existing null rows need a `backfill` value";
                Audience::Both
            };
            self.push(
                ChangeKind::Require,
                Some(name),
                audience,
                true,
                message,
                at("optional"),
                was("optional"),
            );
        } else if !o.optional && f.optional {
            let message = format!("'{name}' is now optional: responses may carry null");
            self.push(
                ChangeKind::Widen,
                Some(name),
                Audience::Client,
                false,
                message,
                at("optional"),
                was("optional"),
            );
        }
        match (&o.default, &f.default) {
            (Some(old), None) if !o.optional && !f.optional => {
                let message = format!(
                    "default {} of '{name}' removed: create requests must now send it",
                    show_default(old)
                );
                self.push(
                    ChangeKind::Require,
                    Some(name),
                    Audience::Client,
                    true,
                    message,
                    header.clone(),
                    was("default"),
                );
            }
            (old, new) if old != new => {
                let message = match (old, new) {
                    (None, Some(n)) => format!("default {} added", show_default(n)),
                    (Some(o), None) => format!("default {} removed", show_default(o)),
                    (Some(o), Some(n)) => format!("default changed from {} to {}", show_default(o), show_default(n)),
                    (None, None) => unreachable!("the defaults differ"),
                };
                let at = if new.is_some() { at("default") } else { header.clone() };
                self.push(
                    ChangeKind::Default,
                    Some(name),
                    Audience::Client,
                    false,
                    message,
                    at,
                    was("default"),
                );
            }
            _ => {}
        }
        if o.unique != f.unique {
            if f.unique {
                let message =
                    "now unique: duplicate values already stored fail the migration, and repeating a value gets a 409"
                        .to_owned();
                self.push(
                    ChangeKind::Unique,
                    Some(name),
                    Audience::Both,
                    true,
                    message,
                    at("unique"),
                    was_header,
                );
            } else {
                let message = "no longer unique".to_owned();
                self.push(
                    ChangeKind::Unique,
                    Some(name),
                    Audience::Data,
                    false,
                    message,
                    header.clone(),
                    was("unique"),
                );
            }
        }
        if o.deprecated != f.deprecated {
            let (message, at) = if f.deprecated {
                ("marked deprecated".to_owned(), at("deprecated"))
            } else {
                ("no longer deprecated".to_owned(), header)
            };
            self.push(
                ChangeKind::Deprecate,
                Some(name),
                Audience::Client,
                false,
                message,
                at,
                was("deprecated"),
            );
        }
    }

    fn lengths(&mut self, o: &Field, f: &Field) {
        let (Some((old_min, old_max)), Some((min, max))) = (lengths(&o.kind), lengths(&f.kind)) else {
            return;
        };
        let name = f.name.as_str();
        if old_max != max {
            let (narrow, message) = match (old_max, max) {
                (None, Some(m)) => (true, format!("max_length {m} added")),
                (Some(a), None) => (false, format!("max_length {a} removed")),
                (Some(a), Some(b)) if b < a => (true, format!("max_length lowered from {a} to {b}")),
                (Some(a), Some(b)) => (false, format!("max_length raised from {a} to {b}")),
                (None, None) => unreachable!("the lengths differ"),
            };
            self.narrow_or_widen(name, &o.name, "max_length", narrow, message);
        }
        let (old_min, min) = (old_min.unwrap_or(0), min.unwrap_or(0));
        if old_min != min {
            let narrow = min > old_min;
            let verb = if narrow { "raised" } else { "lowered" };
            let message = format!("min_length {verb} from {old_min} to {min}");
            self.narrow_or_widen(name, &o.name, "min_length", narrow, message);
        }
    }

    fn pattern(&mut self, o: &Field, f: &Field) {
        let pattern = |k: &FieldKind| match k {
            FieldKind::Str { pattern, .. } => pattern.clone(),
            _ => None,
        };
        let (old, new) = (pattern(&o.kind), pattern(&f.kind));
        let (narrow, message) = match (&old, &new) {
            (a, b) if a == b => return,
            (None, Some(p)) => (true, format!("pattern {p:?} added")),
            (Some(a), Some(b)) => (true, format!("pattern changed from {a:?} to {b:?}")),
            (Some(a), None) => (false, format!("pattern {a:?} removed")),
            (None, None) => return,
        };
        self.narrow_or_widen(&f.name, &o.name, "pattern", narrow, message);
    }

    fn bound(&mut self, name: &str, old_name: &str, side: End, old: Option<Limit>, new: Option<Limit>) {
        let what = match side {
            End::Lower => "lower bound",
            End::Upper => "upper bound",
        };
        let (narrow, message, key) = match (&old, &new) {
            (None, None) => return,
            (None, Some(n)) => (true, format!("{what} {n} added"), n.key),
            (Some(o), None) => (false, format!("{what} {o} removed"), o.key),
            (Some(o), Some(n)) => {
                let stricter = match side {
                    End::Lower => n.tighter_than_lower(o),
                    End::Upper => n.tighter_than_upper(o),
                };
                let looser = match side {
                    End::Lower => o.tighter_than_lower(n),
                    End::Upper => o.tighter_than_upper(n),
                };
                let moved = match (side, stricter) {
                    (End::Lower, true) | (End::Upper, false) => "raised",
                    _ => "lowered",
                };
                match (stricter, looser) {
                    (true, _) => (true, format!("{what} {moved} from {o} to {n}"), n.key),
                    (_, true) => (false, format!("{what} {moved} from {o} to {n}"), n.key),
                    _ => return,
                }
            }
        };
        self.narrow_or_widen(name, old_name, key, narrow, message);
    }

    fn digits(&mut self, o: &Field, f: &Field) {
        let (
            FieldKind::Decimal {
                max_digits: old_digits,
                decimal_places: old_places,
                ..
            },
            FieldKind::Decimal {
                max_digits,
                decimal_places,
                ..
            },
        ) = (&o.kind, &f.kind)
        else {
            return;
        };
        let (old_whole, whole) = (old_digits - old_places, max_digits - decimal_places);
        if decimal_places != old_places {
            let narrow = decimal_places < old_places;
            let verb = if narrow { "lowered" } else { "raised" };
            let message = format!("decimal_places {verb} from {old_places} to {decimal_places}");
            self.narrow_or_widen(&f.name, &o.name, "decimal_places", narrow, message);
        }
        if whole != old_whole {
            let narrow = whole < old_whole;
            let verb = if narrow { "lowered" } else { "raised" };
            let message = format!(
                "digits before the point {verb} from {old_whole} to {whole} (max_digits {old_digits} → {max_digits})"
            );
            self.narrow_or_widen(&f.name, &o.name, "max_digits", narrow, message);
        }
    }

    fn values(&mut self, o: &Field, f: &Field) {
        let (FieldKind::Enum { values: old }, FieldKind::Enum { values: new }) = (&o.kind, &f.kind) else {
            return;
        };
        let name = f.name.as_str();
        for v in old.iter().filter(|v| !new.contains(v)) {
            let message =
                format!("enum value '{v}' removed: requests sending it are refused and stored rows holding it break");
            self.push(
                ChangeKind::EnumRemove,
                Some(name),
                Audience::Both,
                true,
                message,
                keys(&["fields", name, "values"]),
                Some(vec![
                    Key::Name("fields".into()),
                    Key::Name(o.name.clone()),
                    Key::Name("values".into()),
                    Key::Item(v.clone()),
                ]),
            );
        }
        for v in new.iter().filter(|v| !old.contains(v)) {
            let message = format!("enum value '{v}' added");
            let at = vec![
                Key::Name("fields".into()),
                Key::Name(name.to_owned()),
                Key::Name("values".into()),
                Key::Item(v.clone()),
            ];
            self.push(
                ChangeKind::EnumAdd,
                Some(name),
                Audience::Client,
                false,
                message,
                at,
                None,
            );
        }
    }

    fn narrow_or_widen(&mut self, name: &str, old_name: &str, key: &str, narrow: bool, message: String) {
        let at = keys(&["fields", name, key]);
        let was = Some(keys(&["fields", old_name, key]));
        if narrow {
            let message = format!("{message}: values accepted before may be refused, and stored rows may not fit");
            self.push(ChangeKind::Narrow, Some(name), Audience::Both, true, message, at, was);
        } else {
            self.push(ChangeKind::Widen, Some(name), Audience::Client, false, message, at, was);
        }
    }

    fn api(&mut self) {
        let (o, d) = (&self.old.api, &self.new.api);
        for op in Operation::ALL {
            let (before, after) = (o.has(op), d.has(op));
            if before == after {
                continue;
            }
            let name = op.as_str();
            let route = route(op, &self.new.names.url);
            let item = vec![
                Key::Name("api".into()),
                Key::Name("operations".into()),
                Key::Item(name.to_owned()),
            ];
            if before {
                let message = format!("operation '{name}' removed: {route} is gone");
                self.push(
                    ChangeKind::OperationRemove,
                    Some(name),
                    Audience::Client,
                    true,
                    message,
                    item.clone(),
                    Some(item),
                );
            } else {
                let message = format!("operation '{name}' added: {route}");
                self.push(
                    ChangeKind::OperationAdd,
                    Some(name),
                    Audience::Client,
                    false,
                    message,
                    item,
                    None,
                );
            }
        }
        let lists = [
            (
                "filters",
                &o.filters,
                &d.filters,
                ChangeKind::FilterRemove,
                ChangeKind::FilterAdd,
            ),
            (
                "search",
                &o.search,
                &d.search,
                ChangeKind::SearchRemove,
                ChangeKind::SearchAdd,
            ),
            ("sort", &o.sort, &d.sort, ChangeKind::SortRemove, ChangeKind::SortAdd),
        ];
        for (list, before, after, remove, add) in lists {
            let item = |n: &str| vec![Key::Name("api".into()), Key::Name(list.into()), Key::Item(n.to_owned())];
            for n in before.iter().filter(|n| !after.contains(n)) {
                let message = match list {
                    "filters" => format!("filter '{n}' removed: ?{n}= is no longer accepted"),
                    "search" if after.is_empty() => format!("'{n}' no longer searched: the q parameter is gone"),
                    "search" => format!("'{n}' no longer searched by ?q="),
                    _ => format!("sort key '{n}' removed: ?sort={n} now gets a 422"),
                };
                self.push(remove, Some(n), Audience::Client, true, message, item(n), Some(item(n)));
            }
            for n in after.iter().filter(|n| !before.contains(n)) {
                let message = match list {
                    "filters" => format!("new filter ?{n}="),
                    "search" => format!("'{n}' now searched by ?q="),
                    _ => format!("new sort key '{n}'"),
                };
                self.push(add, Some(n), Audience::Client, false, message, item(n), None);
            }
        }
        if o.default_sort != d.default_sort {
            let show = |s: &super::SortKey| format!("{}{}", if s.descending { "-" } else { "" }, s.column);
            let message = format!(
                "default sort changed from {} to {}",
                show(&o.default_sort),
                show(&d.default_sort)
            );
            let at = keys(&["api", "default_sort"]);
            self.push(
                ChangeKind::DefaultSort,
                None,
                Audience::Client,
                false,
                message,
                at.clone(),
                Some(at),
            );
        }
        let pages = [
            ("max_page_size", o.max_page_size, d.max_page_size),
            ("page_size", o.page_size, d.page_size),
        ];
        for (key, before, after) in pages {
            if before == after {
                continue;
            }
            let lowered = after < before;
            let message = match (key, lowered) {
                ("max_page_size", true) => {
                    format!("max_page_size lowered from {before} to {after}: a limit above {after} now gets a 422")
                }
                ("page_size", true) => {
                    format!("page_size lowered from {before} to {after}: lists without a limit return fewer items")
                }
                _ => format!("{key} raised from {before} to {after}"),
            };
            let at = keys(&["api", key]);
            self.push(
                ChangeKind::PageSize,
                None,
                Audience::Client,
                lowered,
                message,
                at.clone(),
                Some(at),
            );
        }
        let dep = |x: &super::Dependency| format!("{}:{}", x.module, x.name);
        let before: Vec<String> = o.dependencies.iter().map(dep).collect();
        let after: Vec<String> = d.dependencies.iter().map(dep).collect();
        let item = |n: &str| {
            vec![
                Key::Name("api".into()),
                Key::Name("dependencies".into()),
                Key::Item(n.to_owned()),
            ]
        };
        for n in after.iter().filter(|n| !before.contains(n)) {
            let message = format!("dependency '{n}' added to every route: requests may now get a 401 or 403");
            self.push(
                ChangeKind::DependencyAdd,
                None,
                Audience::Client,
                true,
                message,
                item(n),
                None,
            );
        }
        for n in before.iter().filter(|n| !after.contains(n)) {
            let message = format!("dependency '{n}' removed");
            self.push(
                ChangeKind::DependencyRemove,
                None,
                Audience::Client,
                false,
                message,
                item(n),
                Some(item(n)),
            );
        }
    }
}

fn route(op: Operation, url: &str) -> String {
    match op {
        Operation::List => format!("GET /{url}"),
        Operation::Get => format!("GET /{url}/{{id}}"),
        Operation::Create => format!("POST /{url}"),
        Operation::Update => format!("PATCH /{url}/{{id}}"),
        Operation::Delete => format!("DELETE /{url}/{{id}}"),
    }
}

fn show_default(v: &DefaultValue) -> String {
    match v {
        DefaultValue::Str(s) => format!("{s:?}"),
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Number(n) => n.text.clone(),
        DefaultValue::Bool(b) => b.to_string(),
    }
}

/// `(min_length, max_length)` of the string types; None = no limit.
fn lengths(kind: &FieldKind) -> Option<(Option<u32>, Option<u32>)> {
    match kind {
        FieldKind::Str {
            min_length, max_length, ..
        } => Some((*min_length, Some(*max_length))),
        FieldKind::Text { min_length, max_length } => Some((*min_length, *max_length)),
        FieldKind::Email { max_length } => Some((None, Some(*max_length))),
        _ => None,
    }
}

fn bounds(kind: &FieldKind) -> Option<&Bounds> {
    match kind {
        FieldKind::Int(b) | FieldKind::BigInt(b) | FieldKind::Float(b) => Some(b),
        FieldKind::Decimal { bounds, .. } => Some(bounds),
        _ => None,
    }
}

/// Which end of a range a bound closes.
#[derive(Debug, Clone, Copy)]
enum End {
    Lower,
    Upper,
}

/// One bound as written (`ge 0`), compared as a value that is or is not
/// itself allowed.
#[derive(Debug, Clone)]
struct Limit {
    key: &'static str,
    text: String,
    value: f64,
    /// The integer the bound allows at its edge (`gt 0` → 1), for int and bigint.
    edge: Option<i128>,
    exclusive: bool,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.key, self.text)
    }
}

impl Limit {
    fn new(key: &'static str, n: &Number, exclusive: bool, ints: bool, step: i128) -> Self {
        Self {
            key,
            text: n.text.clone(),
            value: n.value,
            edge: ints.then(|| n.int() + if exclusive { step } else { 0 }),
            exclusive,
        }
    }

    /// As a lower bound, whether `self` refuses some value `other` allows.
    fn tighter_than_lower(&self, other: &Self) -> bool {
        match (self.edge, other.edge) {
            (Some(a), Some(b)) => a > b,
            _ => self.value > other.value || (self.value == other.value && self.exclusive && !other.exclusive),
        }
    }

    /// As an upper bound, whether `self` refuses some value `other` allows.
    fn tighter_than_upper(&self, other: &Self) -> bool {
        match (self.edge, other.edge) {
            (Some(a), Some(b)) => a < b,
            _ => self.value < other.value || (self.value == other.value && self.exclusive && !other.exclusive),
        }
    }
}

fn lower(b: &Bounds, ints: bool) -> Option<Limit> {
    match (&b.ge, &b.gt) {
        (Some(n), _) => Some(Limit::new("ge", n, false, ints, 1)),
        (None, Some(n)) => Some(Limit::new("gt", n, true, ints, 1)),
        (None, None) => None,
    }
}

fn upper(b: &Bounds, ints: bool) -> Option<Limit> {
    match (&b.le, &b.lt) {
        (Some(n), _) => Some(Limit::new("le", n, false, ints, -1)),
        (None, Some(n)) => Some(Limit::new("lt", n, true, ints, -1)),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{parsed_for_test, resolve};

    fn side(specs: &[(&str, &str)]) -> (Domains, BTreeMap<String, String>) {
        let parsed = parsed_for_test(specs);
        let texts = parsed
            .values()
            .map(|(src, d)| (d.spec_path.clone(), src.text.clone()))
            .collect();
        (resolve(parsed).expect("valid specs"), texts)
    }

    /// One line per change: `line:col kind subject audience status`.
    fn diff(old: &[(&str, &str)], new: &[(&str, &str)]) -> Vec<String> {
        let (od, ot) = side(old);
        let (nd, nt) = side(new);
        let review = review(
            Side {
                domains: &od,
                texts: &ot,
            },
            Side {
                domains: &nd,
                texts: &nt,
            },
        );
        review
            .changes
            .iter()
            .map(|c| {
                let status = match (c.breaking, c.approved) {
                    (true, true) => "approved",
                    (true, false) => "breaking",
                    _ => "safe",
                };
                format!(
                    "{}:{} {} {} {} {status}",
                    c.at.line,
                    c.at.column,
                    c.kind,
                    c.subject,
                    c.audience.as_str()
                )
            })
            .collect()
    }

    /// `artwork`'s spec changed from `old` to `new` (an `artist` spec beside it).
    fn artwork(old: &str, new: &str) -> Vec<String> {
        let artist = ("artist", "[fields.name]\ntype = \"str\"\n");
        diff(&[artist, ("artwork", old)], &[artist, ("artwork", new)])
    }

    #[test]
    fn kinds_are_named_once_and_serialise_as_their_ids() {
        for kind in ChangeKind::ALL {
            assert_eq!(ChangeKind::from_name(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        let description =
            crate::spec::format::json_schema()["$defs"]["CompatSpec"]["properties"]["allow"]["description"]
                .as_str()
                .unwrap()
                .to_owned();
        for kind in ChangeKind::ALL {
            assert_eq!(
                description.contains(&format!("`{kind}`")),
                kind.can_break(),
                "the description of allow and can_break disagree on {kind}"
            );
        }
    }

    #[test]
    fn docs_list_every_kind() {
        let docs = include_str!("../../docs/diff.md");
        for kind in ChangeKind::ALL {
            assert!(docs.contains(&format!("| `{kind}` |")), "docs/diff.md misses {kind}");
        }
    }

    #[test]
    fn same_specs_no_changes() {
        let spec = "[fields.title]\ntype = \"str\"\n";
        assert!(artwork(spec, spec).is_empty());
    }

    #[test]
    fn fields_added_removed_renamed() {
        let old = "[fields.title]\ntype = \"str\"\n[fields.code]\ntype = \"str\"\n";
        let new = "[fields.name]\ntype = \"str\"\nrenamed_from = \"title\"\n\
                   [fields.year]\ntype = \"int\"\noptional = true\n\
                   [fields.rank]\ntype = \"int\"\ndefault = 1\n\
                   [fields.size]\ntype = \"int\"\n";
        assert_eq!(
            artwork(old, new),
            [
                "1:2 remove artwork.code both breaking",
                "3:1 rename artwork.name client breaking",
                "4:9 add artwork.year both safe",
                "7:9 add artwork.rank both safe",
                "10:9 require artwork.size both breaking",
            ]
        );
    }

    #[test]
    fn a_stale_renamed_from_is_harmless() {
        let old = "[fields.name]\ntype = \"str\"\n";
        let new = "[fields.name]\ntype = \"str\"\nrenamed_from = \"title\"\n";
        assert!(artwork(old, new).is_empty());
    }

    #[test]
    fn optional_and_required() {
        let old = "[fields.a]\ntype = \"int\"\noptional = true\n[fields.b]\ntype = \"int\"\noptional = true\n\
                   [fields.c]\ntype = \"int\"\n[fields.d]\ntype = \"int\"\ndefault = 3\n";
        let new = "[fields.a]\ntype = \"int\"\n[fields.b]\ntype = \"int\"\nbackfill = 0\n\
                   [fields.c]\ntype = \"int\"\noptional = true\n[fields.d]\ntype = \"int\"\n";
        assert_eq!(
            artwork(old, new),
            [
                "1:9 require artwork.a both breaking",
                "3:9 require artwork.b client breaking",
                "8:1 widen artwork.c client safe",
                // The default is gone: the field's header.
                "9:9 require artwork.d client breaking",
            ]
        );
    }

    #[test]
    fn lengths_bounds_digits_and_patterns() {
        let old = "[fields.title]\ntype = \"str\"\nmax_length = 200\n\
                   [fields.body]\ntype = \"text\"\nmin_length = 2\n\
                   [fields.year]\ntype = \"int\"\nge = 1000\nle = 2100\n\
                   [fields.rank]\ntype = \"int\"\ngt = 0\n\
                   [fields.price]\ntype = \"decimal\"\nmax_digits = 12\ndecimal_places = 2\n\
                   [fields.code]\ntype = \"str\"\npattern = \"^[a-z]+$\"\nexample = \"ab\"\n";
        let new = "[fields.title]\ntype = \"str\"\nmax_length = 100\n\
                   [fields.body]\ntype = \"text\"\nmax_length = 500\n\
                   [fields.year]\ntype = \"int\"\ngt = 1000\nlt = 2101\n\
                   [fields.rank]\ntype = \"int\"\nge = 1\nle = 10\n\
                   [fields.price]\ntype = \"decimal\"\nmax_digits = 12\ndecimal_places = 4\n\
                   [fields.code]\ntype = \"str\"\n";
        assert_eq!(
            artwork(old, new),
            [
                "3:1 narrow artwork.title both breaking",
                // min_length dropped: the field's header.
                "4:9 widen artwork.body client safe",
                "6:1 narrow artwork.body both breaking",
                // ge 1000 → gt 1000 narrows; le 2100 → lt 2101 is the same.
                "9:1 narrow artwork.year both breaking",
                "14:1 narrow artwork.rank both breaking",
                // Two more decimal places leave two fewer before the point.
                "17:1 narrow artwork.price both breaking",
                "18:1 widen artwork.price client safe",
                "19:9 widen artwork.code client safe",
            ]
        );
    }

    #[test]
    fn equal_integer_bounds_written_differently_are_no_change() {
        let old = "[fields.rank]\ntype = \"int\"\ngt = 0\nlt = 10\n";
        let new = "[fields.rank]\ntype = \"int\"\nge = 1\nle = 9\n";
        assert!(artwork(old, new).is_empty());
        // For a float, gt 0 refuses 0.0 that ge 0 allowed.
        let old = "[fields.rate]\ntype = \"float\"\nge = 0\n";
        let new = "[fields.rate]\ntype = \"float\"\ngt = 0\n";
        assert_eq!(artwork(old, new), ["3:1 narrow artwork.rate both breaking"]);
    }

    #[test]
    fn enums_types_refs_and_uniques() {
        let old = "[fields.medium]\ntype = \"enum\"\nvalues = [\"oil\", \"digital\"]\n\
                   [fields.year]\ntype = \"int\"\n[fields.code]\ntype = \"str\"\n\
                   [fields.owner_id]\ntype = \"ref\"\nto = \"artist\"\n";
        let new = "[fields.medium]\ntype = \"enum\"\nvalues = [\"oil\", \"pastel\"]\n\
                   [fields.year]\ntype = \"bigint\"\nunique = true\n[fields.code]\ntype = \"int\"\n\
                   [fields.owner_id]\ntype = \"ref\"\nto = \"artist\"\non_delete = \"cascade\"\n";
        assert_eq!(
            artwork(old, new),
            [
                "3:1 enum-remove artwork.medium both breaking",
                "3:18 enum-add artwork.medium client safe",
                "5:1 type artwork.year client safe",
                "6:1 unique artwork.year both breaking",
                "8:1 type artwork.code both breaking",
                "12:1 on-delete artwork.owner_id data breaking",
            ]
        );
    }

    #[test]
    fn api_changes() {
        let old = "[fields.title]\ntype = \"str\"\n[fields.year]\ntype = \"int\"\n\
                   [api]\nfilters = [\"title\", \"year\"]\nsearch = [\"title\"]\nsort = [\"year\"]\n\
                   page_size = 20\nmax_page_size = 100\n";
        let new = "[fields.title]\ntype = \"str\"\n[fields.year]\ntype = \"int\"\n\
                   [api]\noperations = [\"list\", \"get\", \"create\", \"update\"]\nfilters = [\"year\"]\n\
                   sort = [\"year\", \"title\"]\npage_size = 10\nmax_page_size = 50\n\
                   dependencies = [\"backend.deps:require_user\"]\n";
        assert_eq!(
            artwork(old, new),
            [
                // Gone from the spec: the nearest enclosing key, [api].
                "5:2 search-remove artwork.title client breaking",
                "6:1 operation-remove artwork.delete client breaking",
                "7:1 filter-remove artwork.title client breaking",
                "8:17 sort-add artwork.title client safe",
                "9:1 page-size artwork client breaking",
                "10:1 page-size artwork client breaking",
                "11:17 dependency-add artwork client breaking",
            ]
        );
    }

    #[test]
    fn domains_added_removed_renamed() {
        let artist = ("artist", "[fields.name]\ntype = \"str\"\n");
        let artwork = ("artwork", "[fields.title]\ntype = \"str\"\n");
        let piece = ("piece", "renamed_from = \"artwork\"\n[fields.title]\ntype = \"str\"\n");
        let gallery = ("gallery", "plural = \"gallery_list\"\n[fields.name]\ntype = \"str\"\n");
        assert_eq!(
            diff(&[artist, artwork], &[piece, gallery]),
            [
                "1:1 remove artist both breaking",
                "1:1 add gallery both safe",
                "1:1 rename piece client breaking",
                "1:1 url piece client breaking",
            ]
        );
    }

    #[test]
    fn approvals_and_unused_entries() {
        let (od, ot) = side(&[(
            "artwork",
            "[fields.title]\ntype = \"str\"\n[fields.code]\ntype = \"str\"\n",
        )]);
        let (nd, nt) = side(&[(
            "artwork",
            "[fields.title]\ntype = \"str\"\n[compat]\nallow = [\"remove:artwork.code\", \"narrow:artwork.title\"]\n",
        )]);
        let review = review(
            Side {
                domains: &od,
                texts: &ot,
            },
            Side {
                domains: &nd,
                texts: &nt,
            },
        );
        let change = &review.changes[0];
        assert!(change.breaking && change.approved && !change.fails());
        assert_eq!(
            change.approved_by.as_ref().unwrap().to_string(),
            "domains/artwork.toml:4:10"
        );
        assert_eq!(change.was.as_ref().unwrap().to_string(), "domains/artwork.toml:3:9");
        assert_eq!(review.unused.len(), 1);
        assert_eq!(review.unused[0].entry, "narrow:artwork.title");
        assert_eq!(
            review.summary("HEAD"),
            "1 change since HEAD: 1 breaking (1 approved), 0 safe"
        );
    }

    #[test]
    fn key_offsets_find_the_deepest_key() {
        let text = "[fields.title]\ntype = \"str\"\n[api]\nfilters = [\"a\", \"b\"]\n";
        let at = |path: &[Key]| key_offset(text, path);
        let name = |s: &str| Key::Name(s.to_owned());
        assert_eq!(at(&[name("fields"), name("title"), name("type")]), 15);
        assert_eq!(at(&[name("fields"), name("gone")]), 1);
        assert_eq!(at(&[name("api"), name("filters"), Key::Item("b".into())]), 50);
        assert_eq!(at(&[name("api"), name("filters"), Key::Item("c".into())]), 34);
        assert_eq!(at(&[name("nope")]), 0);
    }
}
