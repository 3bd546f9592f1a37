//! CLI: the command-line interface (clap) and one module per subcommand.

pub mod build;
pub mod check;
pub mod init;
pub mod schema;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::Error;
use crate::diag::{Diagnostics, Sources};

const AFTER_HELP: &str = "\
Exit codes:
  0  success (warnings may have been printed)
  1  unexpected failure (I/O error, bug)
  2  problems in the content: guides, templates (or warnings with --deny-warnings)
  3  bad configuration: book.toml missing or invalid

A book is a folder with a book.toml and a folder of guide files (content/*.yaml).
Docs: see README.md, or `stepbook <command> --help`.";

/// Write, check, publish and print step-by-step guides.
///
/// Guides are YAML files (steps, notes, screenshots, expected results). stepbook validates them
/// with diagnostics that point at file:line:column and renders them into a static HTML site,
/// Markdown, and printable checklists.
#[derive(Debug, Parser)]
#[command(name = "stepbook", version, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only problems, no progress or summary lines.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new book: book.toml, an example guide that uses every field, the JSON Schema
    /// for editors and a .gitignore.
    ///
    /// Refuses to overwrite existing files unless --force.
    Init(init::Args),
    /// Validate the book and write the HTML site, Markdown and checklists.
    ///
    /// Output goes to `build-dir` (default `book/`): html/, markdown/ and checklist/. The new
    /// output replaces the old one only when the whole build succeeded; on any error the
    /// previous output is left as it was.
    Build(build::Args),
    /// Validate the book and report every problem; write nothing.
    Check(check::Args),
    /// Print the JSON Schema (draft 2020-12) of guide files, for editors.
    ///
    /// Generated from stepbook's own types, so it always matches what `check` accepts. VS Code's
    /// YAML extension uses it when a guide starts with
    /// `# yaml-language-server: $schema=<path to the schema>` (`stepbook init` sets this up).
    Schema(schema::Args),
}

/// Settings every command shares.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub color: bool,
    pub quiet: bool,
}

impl Ui {
    /// Prints diagnostics (and their summary) to stderr.
    pub fn report(&self, diagnostics: &Diagnostics, sources: &Sources) {
        if !diagnostics.is_empty() {
            eprint!("{}", diagnostics.render(sources, self.color));
        }
    }

    /// A progress or summary line, to stderr.
    pub fn status(&self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Error> {
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let ui = Ui {
        color,
        quiet: cli.quiet,
    };
    match cli.command {
        Command::Init(args) => init::run(args, ui),
        Command::Build(args) => build::run(args, ui),
        Command::Check(args) => check::run(args, ui),
        Command::Schema(args) => schema::run(args, ui),
    }
}

/// The book folder argument every command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct BookDir {
    /// The book's folder, holding book.toml.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}
