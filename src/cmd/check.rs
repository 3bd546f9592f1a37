//! CLI: `stepbook check`.

use super::lint::Format;
use super::{BookDir, Ui};
use stepbook::Error;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub book: BookDir,
    /// Treat warnings as errors: exit 2 if there are any.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also print, to stdout, a table of every guide in every other language of the book:
    /// up to date, stale (the translation changed before its source last did; by git's
    /// commits when the book is in a repository, else by modification time) or missing.
    #[arg(long)]
    pub translations: bool,
    /// Output format of the problems, the same as `lint`'s: `json` and `github` (pull-request
    /// annotations) on stdout, for CI jobs that only validate.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub(crate) fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let book = args
        .book
        .open()
        .map_err(|e| super::lint::config_error_report(args.format, "stepbook check", e))?;
    // Every selected profile is checked: content tagged for one is only seen in its view.
    let all = book.check_each()?;
    let n = all.first().map_or(0, |(_, c)| c.guides.len());
    let profiles: Vec<String> = all.iter().filter_map(|(v, _)| v.profile.clone()).collect();
    if args.translations
        && let Some((_, c)) = all.first()
    {
        super::write_stdout(table(&stepbook::translations::status(&book, &c.guides)).as_bytes())?;
    }
    let (diagnostics, sources) = stepbook::pipeline::merged(&all);
    if args.format != Format::Human {
        let files = all
            .first()
            .map(|(_, c)| c.guides.iter().map(|g| g.shown.clone()).collect())
            .unwrap_or_default();
        return report(args.format, diagnostics, sources, files, args.deny_warnings);
    }
    let (diagnostics, sources) =
        stepbook::pipeline::stop_on(diagnostics, sources, args.deny_warnings)?;
    ui.report(&diagnostics, &sources);
    let with = match profiles.len() {
        0 => String::new(),
        1 => format!(" (profile `{}`)", profiles[0]),
        _ => format!(
            " (profiles {})",
            profiles
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    ui.status(&format!(
        "checked {n} guide{}{with}: no errors",
        if n == 1 { "" } else { "s" }
    ));
    Ok(())
}

/// The problems in a machine format, the same documents `lint` prints (its counts other than
/// the guides' are zero); exit 2 on errors (or warnings with `--deny-warnings`).
fn report(
    format: Format,
    diagnostics: stepbook::diag::Diagnostics,
    sources: stepbook::diag::Sources,
    files: Vec<std::path::PathBuf>,
    deny_warnings: bool,
) -> Result<(), Error> {
    let report = stepbook::lint::LintReport {
        notes: Vec::new(),
        stats: stepbook::lint::Stats {
            guides: files.len(),
            ..Default::default()
        },
        diagnostics,
        sources,
        files,
    };
    super::lint::print_report(format, "stepbook check", &report, deny_warnings)
}

/// The translation status as an aligned table: language, guide, status.
fn table(rows: &[stepbook::translations::Row]) -> String {
    if rows.is_empty() {
        return "the book has one language: no translations to check\n".into();
    }
    let cells: Vec<[String; 3]> = rows
        .iter()
        .map(|r| {
            [
                r.lang.clone(),
                r.guide.display().to_string(),
                r.status.as_str().to_owned(),
            ]
        })
        .collect();
    let head = ["language", "guide", "status"].map(str::to_owned);
    let width = |i: usize| {
        std::iter::once(&head)
            .chain(&cells)
            .map(|c| c[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1) = (width(0), width(1));
    let mut out = String::new();
    for c in std::iter::once(&head).chain(&cells) {
        out.push_str(&format!("{:<w0$}  {:<w1$}  {}\n", c[0], c[1], c[2]));
    }
    out
}
