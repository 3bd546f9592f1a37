//! CLI: `stepbook handouts`.

use std::path::PathBuf;

use super::{BookDir, Ui};
use crate::Error;
use crate::config::Paper;
use crate::handouts::HandoutOptions;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The guide: its id (`azure-pass`) or the path of its file.
    #[arg(value_name = "GUIDE")]
    pub guide: String,
    #[command(flatten)]
    pub book: BookDir,
    /// Attendees, one handout each: a CSV file with a header row (comma, semicolon or tab).
    /// Its columns are the variables `{{ attendee.<column> }}`; a `url` column replaces the
    /// QR code's address for that row. Without it: one handout with lines to fill in.
    #[arg(long, value_name = "FILE.csv")]
    pub roster: Option<PathBuf>,
    /// Where to write the PDF. Default: `<guide id>-handouts.pdf` in the current folder.
    #[arg(long, short, value_name = "FILE.pdf")]
    pub out: Option<PathBuf>,
    /// Paper size. Default: `[output.pdf]`'s, else the checklist's, else A4.
    #[arg(long, value_enum)]
    pub paper: Option<PaperArg>,
    /// Two handouts per sheet: A5 halves of a landscape A4 (or letter) page.
    #[arg(long)]
    pub two_up: bool,
    /// Make no network requests (remote images come from the cache only).
    #[arg(long)]
    pub offline: bool,
    /// The guide's language, for a book with translations (`de` prints
    /// `azure-pass.de.yaml`). Default: the book's language.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PaperArg {
    A4,
    Letter,
}

pub fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let start = std::time::Instant::now();
    let mut book = args.book.open()?;
    book.offline = args.offline;
    let opts = HandoutOptions {
        guide: args.guide,
        roster: args.roster,
        paper: args.paper.map(|p| match p {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        }),
        two_up: args.two_up,
        lang: args.lang,
    };
    let made = crate::handouts::handouts(&book, &opts)?;
    ui.report(&made.diagnostics, &made.sources);
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from(format!("{}-handouts.pdf", made.id)));
    crate::safe_fs::write_new(&out, &made.pdf, true)
        .map_err(|e| anyhow::anyhow!("failed to write `{}`: {e}", out.display()))?;
    ui.status(&format!(
        "wrote {} handout{} to `{}` in {:.1?}",
        made.handouts,
        if made.handouts == 1 { "" } else { "s" },
        out.display(),
        start.elapsed()
    ));
    Ok(())
}
