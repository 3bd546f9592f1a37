//! CLI: the command-line interface (clap) and one module per subcommand. A module of the binary
//! (`src/main.rs`), not of the library: it reaches the library as `stepbook::`.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod completions;
#[cfg(feature = "pdf")]
pub(crate) mod handouts;
pub(crate) mod i18n;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod lint;
pub(crate) mod localize;
#[cfg(feature = "lsp")]
pub(crate) mod lsp;
pub(crate) mod man;
pub(crate) mod schema;
#[cfg(feature = "serve")]
pub(crate) mod serve;
pub(crate) mod shots;
#[cfg(feature = "watch")]
pub(crate) mod watch;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use stepbook::Error;
use stepbook::diag::{Diagnostics, Sources};

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
pub(crate) struct Cli {
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
pub(crate) enum ColorChoice {
    /// Colour when stderr is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether diagnostics on stderr get colour.
    pub(crate) fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create a new book: book.toml, an example guide that uses every field, the JSON Schema
    /// for editors and a .gitignore.
    ///
    /// Refuses to overwrite existing files unless --force.
    Init(init::Args),
    /// Validate the book and write the HTML site, Markdown and checklists.
    ///
    /// Output goes to `build-dir` (default `book/`): html/ (with the checklists and PDFs inside,
    /// so it alone is the site to publish) and markdown/. The new
    /// output replaces the old one only when the whole build succeeded; on any error the
    /// previous output is left as it was.
    Build(build::Args),
    /// Validate the book and report every problem; write nothing.
    Check(check::Args),
    /// Find broken screenshots and links: everything `check` finds, plus local images that are
    /// not images, too large or misnamed, remote screenshots and links that fail, redirect or
    /// are not images, and #anchors that lead nowhere; screenshots captured longer ago than
    /// `screenshot-max-age`, remote ones whose bytes changed since the last run, images no
    /// guide uses and (when turned on) near-duplicates.
    ///
    /// Remote URLs are checked concurrently (HEAD, then GET if refused), each once, with
    /// retries; good results are cached in .stepbook-cache/ so an unchanged book makes no
    /// requests. Exit 0: no errors; 2: problems found; 3: bad configuration.
    Lint(lint::Args),
    /// Rebuild whenever book.toml, a guide, a template, a theme file or a screenshot changes.
    ///
    /// An edit to one guide re-renders that guide's pages and the index; anything else rebuilds
    /// everything. Problems are printed and the last good output stays until the next good
    /// build.
    #[cfg(feature = "watch")]
    Watch(watch::Args),
    /// Serve the output on http://127.0.0.1:3000, rebuild on every change and reload open pages.
    ///
    /// Like `watch`, plus a web server for the output (the HTML site and the checklists). Open
    /// pages reload by themselves after each good build; after a bad one they show the problems
    /// in an overlay and keep showing the last good output.
    #[cfg(feature = "serve")]
    Serve(serve::Args),
    /// Write a shot-scraper configuration to re-take the screenshots that have a `source`.
    ///
    /// One entry per local screenshot image with a `source:` (its `url`, `selector`, `width`
    /// and the image as `output`), for `shot-scraper multi shots.yml`. Outputs are relative to
    /// the folder of the --out file (or, on stdout, the current folder): run shot-scraper there.
    /// Screenshots whose `src` is a URL are left out (noted): shot-scraper writes files.
    Shots(shots::Args),
    /// Turn Markdown lab guides into guide YAML.
    ///
    /// The first `#` heading becomes the title, headings over numbered lists become sections,
    /// list items steps (nested numbered lists substeps), images in them screenshots, `> **Note:**`
    /// and `> [!NOTE]` callouts notes. A lab's preamble maps to summary (scenario), prerequisites
    /// (requirements), objectives (job skills) and duration ("Estimated timing: 30 minutes");
    /// text after the last section is the conclusion. Images outside the book are copied into
    /// it. Anything without a field stays as Markdown in the nearest step; what cannot be mapped
    /// is reported with its line.
    Import(import::Args),
    /// Turn remote screenshots into files of the book for good.
    ///
    /// Every screenshot whose `src` is an http(s):// URL is downloaded (through the cache a build
    /// with `--remote-images copy` fills), checked to be an image, written into `--dir` (default
    /// `media/` in the guides' folder) under its content hash, and its `src` rewritten to that
    /// file; comments, order and every other value of the YAML stay as they were. One that
    /// cannot be fetched is left as a URL, with a warning at its line.
    Localize(localize::Args),
    /// Exchange a language with translators: PO or XLIFF files for Poedit, Weblate, Crowdin or CAT tools.
    ///
    /// `i18n export --lang de` writes one file per guide with every text to translate, its
    /// current translation, and `fuzzy` where the source changed since; `i18n import FILE…`
    /// writes the translations back into `<guide>.<lang>.yaml`.
    I18n(i18n::Args),
    /// Print one handout per attendee of a roster into one PDF, for event staff.
    ///
    /// Each handout has the event, the attendee's fields, the guide's checklist with their own
    /// values (`{{ attendee.code }}` in the guide prints each person's code) and a QR code to the
    /// guide online (`base-url`, or the roster's `url` column). Without `--roster`: one handout
    /// with lines to fill in. The roster is a CSV file with a header row.
    #[cfg(feature = "pdf")]
    Handouts(handouts::Args),
    /// Print the JSON Schema (draft 2020-12) of guide files, for editors.
    ///
    /// Generated from stepbook's own types, so it always matches what `check` accepts. VS Code's
    /// YAML extension uses it when a guide starts with
    /// `# yaml-language-server: $schema=<path to the schema>` (`stepbook init` sets this up).
    Schema(schema::Args),
    /// A language server for editors, on stdin and stdout.
    ///
    /// Each open guide and book.toml get the diagnostics `check` would give, from the unsaved
    /// text as it is edited (same codes and words; a guide is checked with the rest of its
    /// book). Guides also get their outline, hovers (a field's description, a wait as readers
    /// see it, a screenshot's size), completion (keys, anchors, variables, image paths), go to
    /// definition of `#anchor` links and quick fixes for "did you mean". The README shows the
    /// setup for VS Code, Neovim and Helix.
    #[cfg(feature = "lsp")]
    Lsp(lsp::Args),
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    ///
    /// bash: `source <(stepbook completions bash)` (or save it in
    /// ~/.local/share/bash-completion/completions/stepbook); zsh: save it as `_stepbook` in a
    /// folder of your `fpath`; fish: `stepbook completions fish > ~/.config/fish/completions/stepbook.fish`.
    Completions(completions::Args),
    /// Print the man page `stepbook(1)`, or write one per command into a folder.
    ///
    /// `stepbook man --out-dir ~/.local/share/man/man1` installs them; `man stepbook-build`
    /// then shows the build command's page.
    Man(man::Args),
}

/// The commands of Cargo features this binary was built without: named in a clear error when
/// run, instead of clap's "unrecognized subcommand" (they are not listed in `--help`).
const LEFT_OUT: [(&str, bool); 4] = [
    ("handouts", cfg!(feature = "pdf")),
    ("watch", cfg!(feature = "watch")),
    ("serve", cfg!(feature = "serve")),
    ("lsp", cfg!(feature = "lsp")),
];

/// For a command line naming a command this build left out, the error that says so.
pub(crate) fn left_out(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::InvalidSubcommand {
        return None;
    }
    let Some(ContextValue::String(name)) = e.get(ContextKind::InvalidSubcommand) else {
        return None;
    };
    let (name, _) = LEFT_OUT.iter().find(|(n, built)| n == name && !built)?;
    let feature = if *name == "handouts" { "pdf" } else { name };
    let failure = stepbook::diag::Failure::new(format!(
        "this stepbook was built without `{name}` (Cargo feature `{feature}`)"
    ))
    .help(format!(
        "use a stepbook built with its default features, or build it with `--features {feature}`"
    ));
    Some(format!("error: {failure}\n"))
}

/// Settings every command shares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ui {
    pub color: bool,
    pub quiet: bool,
}

impl Ui {
    /// Prints diagnostics (and their summary) to stderr.
    pub(crate) fn report(&self, diagnostics: &Diagnostics, sources: &Sources) {
        if !diagnostics.is_empty() {
            eprint!("{}", diagnostics.render(sources, self.color));
        }
    }

    /// One line per rebuild with its time, or the problems that stopped it.
    #[cfg(feature = "watch")]
    pub(crate) fn rebuilt(&self, outcome: &Result<stepbook::watch::Rebuilt, Error>) {
        match outcome {
            Ok(r) => {
                self.report(&r.diagnostics, &r.sources);
                self.status(&format!("rebuilt: {} in {:.1?}", r.what, r.elapsed));
            }
            Err(e) => {
                eprint!("{}", e.render(self.color));
                eprintln!("build failed: keeping the last good output");
            }
        }
    }

    /// A progress or summary line, to stderr.
    pub(crate) fn status(&self, line: &str) {
        if !self.quiet {
            // Lines name paths and values from the command line: no raw escape reaches the
            // terminal.
            eprintln!("{}", stepbook::diag::printable(line));
        }
    }
}

/// Writes a command's result to stdout, whole, and flushes it.
///
/// A reader that went away (`stepbook check --format json | head -c 100`) is not a failure of
/// the command: the rest is dropped quietly and the command ends with the code its result
/// gives. Any other write failure (a full disk, `> /dev/full`) is a one-line error, exit 1.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Other(anyhow::anyhow!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<(), Error> {
    let ui = Ui {
        color: cli.color.enabled(),
        quiet: cli.quiet,
    };
    match cli.command {
        Command::Init(args) => init::run(args, ui),
        Command::Build(args) => build::run(args, ui),
        Command::Check(args) => check::run(args, ui),
        Command::Schema(args) => schema::run(args, ui),
        Command::Shots(args) => shots::run(args, ui),
        #[cfg(feature = "pdf")]
        Command::Handouts(args) => handouts::run(args, ui),
        #[cfg(feature = "watch")]
        Command::Watch(args) => watch::run(args, ui),
        Command::Lint(args) => lint::run(args, ui),
        Command::Import(args) => import::run(args, ui),
        Command::Localize(args) => localize::run(args, ui),
        Command::I18n(args) => i18n::run(args, ui),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args, ui),
        Command::Completions(args) => completions::run(args, ui),
        #[cfg(feature = "lsp")]
        Command::Lsp(args) => lsp::run(args, ui),
        Command::Man(args) => man::run(args, ui),
    }
}

/// A flag set when the user presses Ctrl-C (SIGINT) or the process gets SIGTERM, so long-running
/// commands can finish what they are writing and stop cleanly.
#[cfg(feature = "watch")]
pub(crate) fn ctrl_c_flag() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let flag = std::sync::Arc::new(AtomicBool::new(false));
    let set = flag.clone();
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{SignalKind, signal};
                let (Ok(mut int), Ok(mut term)) = (
                    signal(SignalKind::interrupt()),
                    signal(SignalKind::terminate()),
                ) else {
                    return;
                };
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            #[cfg(not(unix))]
            let _ = tokio::signal::ctrl_c().await;
        });
        set.store(true, Ordering::Relaxed);
        // A render running now (a slow template) ends at once instead of holding up the stop.
        stepbook::render::cancel_all();
    });
    flag
}

/// The `--dest-dir` option of the commands that write the output.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DestDir {
    /// Write the output here instead of `build-dir` from book.toml.
    #[arg(long, short = 'd', value_name = "DEST")]
    pub dest_dir: Option<PathBuf>,
}

/// The book folder argument every command takes.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct BookDir {
    /// The book's folder, holding book.toml.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Render this profile of book.toml's `[profiles]`: content tagged `only: [<tag>]` with one
    /// of its tags is shown, and its variables apply. Repeat it to build several profiles, each
    /// into `<build-dir>/<profile>/`. Default: `[build] profiles`, else the profile named
    /// `default`, else none (untagged content only).
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,
    /// Give a variable a value: `--set event.name="Contoso Cloud Day"` (repeatable). It
    /// overrides the profile's, the guide's and book.toml's value.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = stepbook::variables::parse_set)]
    pub set: Vec<(String, String)>,
}

impl BookDir {
    /// The profiles and variables chosen on the command line.
    pub(crate) fn selection(&self) -> stepbook::book::Selection {
        stepbook::book::Selection {
            profiles: self.profiles.clone(),
            set: self.set.iter().cloned().collect(),
        }
    }

    /// [`BookDir::selection`], for commands that show one profile (`watch`, `serve`, `lint`).
    pub(crate) fn selection_of_one(&self) -> Result<stepbook::book::Selection, stepbook::Error> {
        if self.profiles.len() > 1 {
            return Err(stepbook::diag::Failure::new(format!(
                "this command shows one profile at a time; `--profile` was given {} times",
                self.profiles.len()
            ))
            .help("run one per profile, or use `stepbook build` to write several")
            .into());
        }
        Ok(self.selection())
    }

    /// Opens the book with the command line's selection.
    pub(crate) fn open(&self) -> Result<stepbook::Book, stepbook::Error> {
        stepbook::Book::open_with(&self.dir, &self.selection())
    }
}
