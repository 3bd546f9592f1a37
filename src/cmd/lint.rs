//! CLI: `stepbook lint`.

use std::io::IsTerminal;

use super::{BookDir, Ui};
use stepbook::lint::LintOptions;
use stepbook::lint::format;
use stepbook::{Book, Error};

/// How `stepbook lint` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// rustc-style diagnostics on stderr, grouped by guide.
    Human,
    /// One JSON document on stdout (its schema: the README, at lint --format json).
    Json,
    /// GitHub Actions workflow commands on stdout: annotations on the lines of a pull request.
    Github,
    /// A JUnit XML report on stdout: one test case per guide file.
    Junit,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub book: BookDir,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Do not use the network: check everything local, skip remote URLs.
    #[arg(long)]
    pub offline: bool,
    /// Check every URL again, ignoring (but then refreshing) the results of earlier runs.
    #[arg(long)]
    pub no_cache: bool,
    /// Seconds one request may take (default: `timeout` in [lint], 20).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Requests in flight at once (default: `concurrency` in [lint], 128).
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Requests in flight at once to one host (default: `per-host` in [lint], 128).
    #[arg(long, value_name = "N")]
    pub per_host: Option<usize>,
    /// Retries after a timeout, 429 or 5xx (default: `retries` in [lint], 2).
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
    /// Do not check URLs matching this glob (`*` any text, `?` one character); may be repeated.
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,
    /// Treat warnings as problems: exit 2 if there are any.
    #[arg(long)]
    pub deny_warnings: bool,
}

pub(crate) fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let book = Book::open_with(&args.book.dir, &args.book.selection_of_one()?)
        .map_err(|e| config_error_report(args.format, "stepbook lint", e))?;
    // A progress bar only on a terminal, and only for the human format.
    let bar = (args.format == Format::Human && !ui.quiet && std::io::stderr().is_terminal())
        .then(progress_bar);
    let opts = LintOptions {
        offline: args.offline,
        no_cache: args.no_cache,
        timeout: args.timeout,
        concurrency: args.concurrency,
        per_host: args.per_host,
        retries: args.retries,
        exclude: args.exclude,
        progress: bar.clone().map(|b| {
            std::sync::Arc::new(move |done: u64, total: u64| {
                b.set_length(total);
                b.set_position(done);
            }) as stepbook::lint::Progress
        }),
    };
    let report = stepbook::pipeline::timed("lint", || stepbook::lint::lint(&book, &opts));
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let report = report?;
    for note in &report.notes {
        eprintln!("warning: {note}");
    }
    if args.format == Format::Human {
        ui.report(&report.diagnostics, &report.sources);
        ui.status(&format::summary(&report));
    }
    print_report(args.format, "stepbook lint", &report, args.deny_warnings)
}

/// A book.toml with problems, in a machine format: the problems at their lines on stdout (a CI
/// step parsing the JSON gets a document, not nothing), still exit 3. Other errors, and the
/// human format, are left to `main` to print.
pub(super) fn config_error_report(f: Format, command: &str, e: Error) -> Error {
    let Error::Config(stepbook::config::ConfigError::Invalid {
        diagnostics,
        sources,
    }) = &e
    else {
        return e;
    };
    if f == Format::Human {
        return e;
    }
    let report = stepbook::lint::LintReport {
        notes: Vec::new(),
        stats: stepbook::lint::Stats::default(),
        diagnostics: diagnostics.clone(),
        sources: sources.clone(),
        files: Vec::new(),
    };
    if let Err(w @ Error::Other(_)) = print_report(f, command, &report, false) {
        return w;
    }
    // Printed on stdout; stderr still says it for a person reading the log.
    e
}

/// Prints `report` on stdout in a machine format (`human` is the caller's to print), then
/// fails when it has errors (or warnings, with `deny_warnings`). `lint` and `check` share it;
/// `command` (`stepbook lint`) names the JUnit test suite.
pub(super) fn print_report(
    f: Format,
    command: &str,
    report: &stepbook::lint::LintReport,
    deny_warnings: bool,
) -> Result<(), Error> {
    let text = match f {
        Format::Human => String::new(),
        Format::Json => format::json(report),
        Format::Github => format::github(report),
        Format::Junit => format::junit(report, command, deny_warnings),
    };
    super::write_stdout(text.as_bytes())?;
    let d = &report.diagnostics;
    if d.has_errors() || (deny_warnings && !d.is_empty()) {
        // The problems were printed in the chosen format; only the exit code is left to set.
        return Err(Error::Reported);
    }
    Ok(())
}

fn progress_bar() -> indicatif::ProgressBar {
    let b = indicatif::ProgressBar::new(0);
    b.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} checking URLs {pos}/{len} {wide_bar} {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    b
}
