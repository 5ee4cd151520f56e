//! Command-line surface (docs/design.md §5), parsed with clap's derive API.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::spec::{IdKind, field_types};

#[derive(Debug, Parser)]
#[command(
    name = "scaffold",
    version,
    about = "Generate layered FastAPI domains (model, repository, service, DTOs, router, tests) from TOML specs",
    after_help = "Examples:\n  scaffold init backend-app\n  scaffold new-domain artist name:str:unique bio:text?\n  scaffold generate\n  scaffold check\n  scaffold diff --against origin/main"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Run as if started in DIR (the project is found from there).
    #[arg(short = 'C', long = "project-dir", global = true, value_name = "DIR")]
    pub project_dir: Option<PathBuf>,

    /// When to use colours; NO_COLOR in the environment turns `auto` off.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print only errors and conflicts.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also print files that did not change.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a backend project that runs at once (only missing files are written).
    #[command(after_help = "Examples:\n  scaffold init my-backend\n  scaffold init . --package app")]
    Init(InitArgs),

    /// Write domains/NAME.toml from compact field syntax, then generate it.
    #[command(
        name = "new-domain",
        after_help = new_domain_help()
    )]
    NewDomain(NewDomainArgs),

    /// Render the code of all (or the named) domains and register their routers.
    #[command(after_help = "Examples:\n  scaffold generate\n  scaffold generate artist --dry-run")]
    Generate(GenerateArgs),

    /// Fail (exit 1) when the code on disk is not what the specs produce; for CI.
    #[command(
        after_help = "Examples:\n  scaffold check\n  scaffold check --format github    # annotations in GitHub Actions"
    )]
    Check(CheckArgs),

    /// Write an alembic revision (migrations/versions/) from the change of the specs since the last one.
    #[command(
        after_help = "Renames declared in the specs (`renamed_from`) become renames; a field that becomes required\ntakes its `backfill` (or `default`) for the rows the table already has, or --backfill.\n\nExamples:\n  scaffold migrate -m \"add curator to exhibitions\"\n  scaffold migrate -m \"require a year\" --backfill artwork.year=2000\n  scaffold migrate -m preview --dry-run    # print the revision, write nothing"
    )]
    Migrate(MigrateArgs),

    /// Classify the spec changes since a git commit for API clients and stored data; fail (exit 1) on a breaking one.
    #[command(after_help = DIFF_HELP)]
    Diff(DiffArgs),

    /// Delete a domain: its generated files, its router registration and its spec.
    #[command(
        name = "remove-domain",
        after_help = "Files with hand edits or code in custom sections are kept unless --force\n(which saves them under .scaffold/backup/ first). Refused while other specs reference NAME."
    )]
    RemoveDomain(RemoveDomainArgs),

    /// Show the domains, their files and whether each is up to date.
    List(ListArgs),

    /// Print the JSON Schema of the domain spec format (for editors and CI).
    Schema,

    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  scaffold completions bash > ~/.local/share/bash-completion/completions/scaffold\n  scaffold completions zsh > ~/.zfunc/_scaffold\n  scaffold completions fish > ~/.config/fish/completions/scaffold.fish"
    )]
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct RemoveDomainArgs {
    /// Domain to remove.
    pub name: String,

    /// Also remove files with hand edits or custom code (backed up first).
    #[arg(long)]
    pub force: bool,

    /// Print what would be removed without touching anything.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to create the project in (default: the current directory).
    pub dir: Option<PathBuf>,

    /// Name of the Python package (default: backend).
    #[arg(long, value_name = "NAME")]
    pub package: Option<String>,
}

#[derive(Debug, Args)]
pub struct NewDomainArgs {
    /// Domain name in snake_case, e.g. `artist` or `art_fair`.
    pub name: String,

    /// Fields in compact syntax, e.g. `name:str:unique bio:text?`.
    pub fields: Vec<String>,

    /// Plural used for the table and URL (default: English plural of NAME).
    #[arg(long, value_name = "P")]
    pub plural: Option<String>,

    /// Kind of primary key.
    #[arg(long, value_enum)]
    pub id: Option<IdKind>,
}

/// The field syntax of `new-domain`, with the field types of the spec format.
fn new_domain_help() -> String {
    format!(
        "Field syntax: NAME:TYPE[:MODIFIERS][?]\n  name:str:unique   bio:text?   year:int?\n  artist_id:ref:artist   status:enum:draft,published\n\nTypes: {}\n\nExample:\n  scaffold new-domain artwork title:str year:int? artist_id:ref:artist",
        field_types().join(" ")
    )
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Domains to generate (default: all specs).
    pub domains: Vec<String>,

    /// Print what would change without writing anything.
    #[arg(long)]
    pub dry_run: bool,

    /// Overwrite files edited by hand, saving each under .scaffold/backup/ first.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// What the revision changes, in a few words: its docstring and file name.
    #[arg(short, long)]
    pub message: String,

    /// The value existing rows get for a field that becomes required (repeatable).
    #[arg(long = "backfill", value_name = "DOMAIN.FIELD=VALUE")]
    pub backfills: Vec<String>,

    /// Print the revision instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Domains to check (default: all, plus orphaned files).
    pub domains: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,

    /// Check the spec changes since GITREF instead of the code (`scaffold diff --against GITREF`).
    #[arg(long, value_name = "GITREF", conflicts_with = "domains")]
    pub against: Option<String>,
}

const DIFF_HELP: &str = "\
Each change is breaking or safe, for clients of the API, for the data already stored, or both.
A breaking change fails (exit 1) unless the domain's spec approves it:
  [compat]
  allow = [\"remove:artwork.legacy_code\"]    # KIND:SUBJECT, as printed

Exit status: 0 no unapproved breaking change, 1 an unapproved breaking change, 2 bad ref or spec.

Examples:
  scaffold diff --against HEAD
  scaffold diff --against origin/main --format github    # annotations in GitHub Actions
  scaffold diff --against v1.2.0 --format json";

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The commit, branch or tag whose specs are the old side, e.g. HEAD, origin/main or v1.2.0.
    #[arg(long, value_name = "GITREF")]
    pub against: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// One line per change and a summary.
    Human,
    /// One JSON document.
    Json,
    /// GitHub Actions annotations on the changed specs.
    Github,
}

impl From<CheckFormat> for DiffFormat {
    fn from(format: CheckFormat) -> Self {
        match format {
            CheckFormat::Human => Self::Human,
            CheckFormat::Json => Self::Json,
            CheckFormat::Github => Self::Github,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Diffs and one summary line.
    Human,
    /// One JSON document.
    Json,
    /// GitHub Actions annotations on the stale files.
    Github,
}
