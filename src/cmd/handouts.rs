//! CLI: `stepbook handouts`.

use std::io::{IsTerminal, Seek, Write};
use std::path::{Path, PathBuf};

use super::{BookDir, Ui};
use stepbook::config::Paper;
use stepbook::diag::Failure;
use stepbook::error::Error;
use stepbook::handouts::HandoutOptions;
use stepbook::handouts::output::Destination;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The guide: its id (`azure-pass`) or the path of its file. With `--workbook` there is
    /// none: a folder given there is the book's (`handouts --workbook --roster r.csv DIR`).
    #[arg(value_name = "GUIDE", required_unless_present = "workbook")]
    pub guide: Option<String>,
    /// A copy of the day's workbook for each attendee of `--roster`, instead of one guide's
    /// handout: the workbook the last `stepbook build` wrote (`workbook = true` in
    /// `[output.pdf]`), with the attendee's fields large on the cover and their name and code
    /// at the foot of every other page. A copy of an odd number of pages ends with a blank page,
    /// so each starts on a new sheet printed duplex. Default `--out`: `workbook-handouts.pdf`.
    #[arg(long, conflicts_with_all = ["two_up", "paper"], requires = "roster")]
    pub workbook: bool,
    /// With `--workbook`: the folder the build wrote to, when `build --dest-dir` gave one.
    /// Default: `build-dir` from book.toml.
    #[arg(long, short = 'd', value_name = "DEST", requires = "workbook")]
    pub dest_dir: Option<PathBuf>,
    #[command(flatten)]
    pub book: BookDir,
    /// Attendees, one handout each: a CSV file with a header row (comma, semicolon or tab).
    /// Its columns are the variables `{{ attendee.<column> }}`; a `url` column replaces the
    /// QR code's address for that row (http:// or https:// only). Without it: one handout with
    /// lines to fill in. Limits: 20,000 rows, 4,096 bytes a value, 64 MiB a file.
    #[arg(long, value_name = "FILE.csv")]
    pub roster: Option<PathBuf>,
    /// Where to write the PDF (`-`: standard output). Default: `<guide id>-handouts.pdf` in the
    /// current folder. An existing PDF is replaced (through a temporary file and a rename);
    /// anything else there (the roster, book.toml, a guide, a device, a link) is refused.
    #[arg(long, short, value_name = "FILE.pdf")]
    pub out: Option<PathBuf>,
    /// Paper size. Default: `[output.pdf]`'s, else the checklist's, else A4.
    #[arg(long, value_enum)]
    pub paper: Option<PaperArg>,
    /// Two halves per sheet (A5 halves of a landscape A4 or letter page, a cut line between
    /// them): each attendee's handout on its own halves, numbered per half.
    #[arg(long)]
    pub two_up: bool,
    /// Make no network requests (remote images come from the cache only).
    #[arg(long)]
    pub offline: bool,
    /// `copy`: remote screenshots from the copies a build with `--remote-images copy` keeps
    /// (fetched if need be); `link`: fetched for the PDF alone. Default: `[output]
    /// remote-images` in book.toml.
    #[arg(long, value_name = "MODE")]
    pub remote_images: Option<super::build::RemoteImages>,
    /// Handouts laid out at a time (memory grows with it, not with the roster).
    #[arg(long, hide = true, default_value_t = stepbook::handouts::BATCH)]
    pub batch: usize,
    /// The guide's language, for a book with translations (`de` prints
    /// `azure-pass.de.yaml`). Default: the book's language.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
}

/// With `--workbook` there is no guide: the one word given is the book's folder. Anything
/// else there (a guide's id) is a mistake.
fn workbook_folder(args: &mut Args) -> Result<(), Error> {
    if !args.workbook {
        return Ok(());
    }
    match args.guide.take() {
        Some(word) if args.book.dir == Path::new(".") && Path::new(&word).is_dir() => {
            args.book.dir = PathBuf::from(word);
            Ok(())
        }
        Some(word) => Err(Error::Usage(
            Failure::new(format!(
                "`--workbook` prints the whole workbook: it takes no guide, and `{word}` is not a folder"
            ))
            .help(
                "leave the guide out: `stepbook handouts --workbook --roster attendees.csv [DIR]`",
            ),
        )),
        None => Ok(()),
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum PaperArg {
    A4,
    Letter,
}

pub(crate) fn run(mut args: Args, ui: Ui) -> Result<(), Error> {
    let start = std::time::Instant::now();
    workbook_folder(&mut args)?;
    let mut book = args.book.open()?;
    book.offline = args.offline;
    if let Some(mode) = args.remote_images {
        mode.apply(&mut book);
    }
    let opts = options(&mut args);
    // Checked before the print run (no waiting to learn it is refused), and again at the write.
    let first = match &args.out {
        Some(out) => Some(destination(out, &book, &opts)?),
        None => None,
    };
    // The PDF is written, a batch at a time, to a temporary file beside where it goes (the
    // current folder for the default name), renamed into place once whole.
    let beside = match &first {
        Some(Destination::File { path, .. }) => path.clone(),
        _ => PathBuf::from("handouts.pdf"),
    };
    let tmp = if first == Some(Destination::Stdout) {
        tempfile::NamedTempFile::new()
    } else {
        stepbook::safe_fs::temp_beside(&beside)
    };
    let mut tmp = tmp.map_err(|e| {
        anyhow::anyhow!(
            "failed to create a temporary file beside `{}`: {e}",
            beside.display()
        )
    })?;
    let made = {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        let made = stepbook::handouts::handouts(&book, &opts, &mut w)?;
        w.flush()
            .map_err(|e| anyhow::anyhow!("failed to write the PDF: {e}"))?;
        made
    };
    ui.report(&made.diagnostics, &made.sources);
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from(format!("{}-handouts.pdf", made.id)));
    let n = count(made.handouts, opts.workbook);
    let to = match destination(&out, &book, &opts)? {
        Destination::Stdout => {
            let mut stdout = std::io::stdout().lock();
            let file = tmp.as_file_mut();
            file.seek(std::io::SeekFrom::Start(0))
                .and_then(|_| std::io::copy(file, &mut stdout))
                .and_then(|_| stdout.flush())
                .map_err(|e| anyhow::anyhow!("failed to write the PDF to standard output: {e}"))?;
            "standard output".to_owned()
        }
        Destination::File { path, replaces } => {
            tmp.persist(&path).map_err(|e| {
                anyhow::anyhow!("failed to write `{}`: {}", path.display(), e.error)
            })?;
            let how = if replaces { "replaced" } else { "new file" };
            format!("`{}` ({how})", path.display())
        }
    };
    ui.status(&format!("wrote {n} to {to} in {:.1?}", start.elapsed()));
    Ok(())
}

/// What to print, from the flags (the guide, the roster and the rest taken out of `args`).
fn options(args: &mut Args) -> HandoutOptions {
    HandoutOptions {
        guide: args.guide.take().unwrap_or_default(),
        workbook: args.workbook,
        dest_dir: args.dest_dir.take(),
        roster: args.roster.take(),
        paper: args.paper.map(|p| match p {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        }),
        two_up: args.two_up,
        lang: args.lang.take(),
        batch: args.batch,
    }
}

/// "3 handouts", "1 workbook copy".
fn count(n: usize, workbook: bool) -> String {
    let what = match (workbook, n == 1) {
        (true, true) => "workbook copy",
        (true, false) => "workbook copies",
        (false, true) => "handout",
        (false, false) => "handouts",
    };
    format!("{n} {what}")
}

/// [`stepbook::handouts::output::destination`], refused as an error that says why and what to do.
fn destination(
    out: &Path,
    book: &stepbook::Book,
    opts: &HandoutOptions,
) -> Result<Destination, Error> {
    let built = book.dest(opts.dest_dir.as_deref());
    let roster = opts.roster.as_deref();
    // A refused `--out` is a usage mistake (exit 2), as a mistyped option is.
    let d = stepbook::handouts::output::destination(out, book, roster, &built).map_err(|why| {
        Error::Usage(Failure::new(format!(
            "refusing to write the handouts to `{}`: {why}; nothing was written",
            out.display()
        ))
        .help("give --out a new file name or an existing PDF, like `--out handouts.pdf` (`--out -` writes to standard output)"))
    })?;
    if d == Destination::Stdout && std::io::stdout().is_terminal() {
        return Err(Error::Usage(
            Failure::new("refusing to write a PDF to the terminal; nothing was written")
                .help("redirect it (`--out - > handouts.pdf`, `| lp`), or give --out a file name"),
        ));
    }
    Ok(d)
}
