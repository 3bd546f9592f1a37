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
    /// commits when the book is in a repository, else by modification time) or missing, and
    /// how many of its texts are translated, fuzzy (changed in the source since) and
    /// untranslated. With `--deny-warnings`, a language not completely translated fails.
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
    let mut incomplete = Vec::new();
    if args.translations
        && let Some((_, c)) = all.first()
    {
        let rows = stepbook::translations::status(&book, &c.guides);
        let counts = counts(&book, &rows);
        super::write_stdout(table(&rows, &counts).as_bytes())?;
        incomplete = incomplete_languages(&rows, &counts);
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
    if args.deny_warnings && !incomplete.is_empty() {
        eprintln!(
            "error: not every guide is translated completely into {} (see the table; --deny-warnings)",
            incomplete.join(", ")
        );
        return Err(Error::Reported);
    }
    ui.status(&format!(
        "checked {n} guide{}{with}: no errors",
        if n == 1 { "" } else { "s" }
    ));
    Ok(())
}

type Counts = std::collections::HashMap<(String, String), stepbook::exchange::export::Counts>;

/// Each translation's counts by (language, source path); none for a language whose guides
/// cannot be read as texts (their problems are `check`'s own).
fn counts(book: &stepbook::Book, rows: &[stepbook::translations::Row]) -> Counts {
    let mut out = Counts::new();
    let mut langs: Vec<&str> = rows.iter().map(|r| r.lang.as_str()).collect();
    langs.dedup();
    langs.sort_unstable();
    langs.dedup();
    for l in langs {
        if let Ok(c) = stepbook::exchange::export::counts(book, l) {
            out.extend(c.into_iter().map(|(p, n)| ((l.to_owned(), p), n)));
        }
    }
    out
}

fn key(r: &stepbook::translations::Row) -> (String, String) {
    (r.lang.clone(), r.rel.to_string_lossy().replace('\\', "/"))
}

/// The languages with a guide missing, or texts fuzzy or untranslated.
fn incomplete_languages(rows: &[stepbook::translations::Row], counts: &Counts) -> Vec<String> {
    use stepbook::translations::Status;
    let mut out: Vec<String> = Vec::new();
    for r in rows {
        let done = match r.status {
            Status::Missing => false,
            Status::NoSource => true,
            _ => counts.get(&key(r)).is_none_or(|c| c.complete()),
        };
        if !done && !out.contains(&r.lang) {
            out.push(r.lang.clone());
        }
    }
    out
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

/// The translation status as an aligned table: language, guide, status, counts.
fn table(rows: &[stepbook::translations::Row], counts: &Counts) -> String {
    if rows.is_empty() {
        return "the book has one language: no translations to check\n".into();
    }
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            let n = counts.get(&key(r));
            let num = |f: fn(&stepbook::exchange::export::Counts) -> usize| {
                n.map_or("-".to_owned(), |c| f(c).to_string())
            };
            [
                r.lang.clone(),
                r.guide.display().to_string(),
                r.status.as_str().to_owned(),
                num(|c| c.translated),
                num(|c| c.fuzzy),
                num(|c| c.untranslated),
            ]
        })
        .collect();
    let head = [
        "language",
        "guide",
        "status",
        "translated",
        "fuzzy",
        "untranslated",
    ]
    .map(str::to_owned);
    let width = |i: usize| {
        std::iter::once(&head)
            .chain(&cells)
            .map(|c| c[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let (w3, w4) = (width(3), width(4));
    let mut out = String::new();
    for c in std::iter::once(&head).chain(&cells) {
        out.push_str(&format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}  {:>w4$}  {:>12}\n",
            c[0], c[1], c[2], c[3], c[4], c[5]
        ));
    }
    out
}
