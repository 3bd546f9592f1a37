//! CLI: `stepbook build`.

use std::time::Instant;

use super::{BookDir, DestDir, Ui};
use stepbook::{BuildOptions, Error};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub book: BookDir,
    #[command(flatten)]
    pub dest: DestDir,
    /// Treat warnings as errors: build nothing and exit 2 if there are any.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Make no network requests: the PDF output takes remote screenshots from the cache only
    /// (a framed placeholder for the others).
    #[arg(long)]
    pub offline: bool,
}

pub(crate) fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let start = Instant::now();
    let mut book = args.book.open()?;
    book.offline = args.offline;
    let opts = BuildOptions {
        dest_dir: args.dest.dest_dir,
        deny_warnings: args.deny_warnings,
    };
    let report = stepbook::build(&book, &opts)?;
    ui.report(&report.diagnostics, &report.sources);
    let shown = report
        .dest
        .strip_prefix(std::env::current_dir().unwrap_or_default())
        .unwrap_or(&report.dest)
        .to_path_buf();
    ui.status(&format!(
        "built {} guide{} ({} files) into `{}` in {:.0?}",
        report.guides,
        if report.guides == 1 { "" } else { "s" },
        report.files,
        shown.display(),
        start.elapsed()
    ));
    Ok(())
}
