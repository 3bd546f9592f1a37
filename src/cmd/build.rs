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
    /// Make no network requests: remote screenshots come from the cache only (with
    /// `--remote-images copy`, the others stay links, W022; in PDFs, a framed placeholder).
    #[arg(long)]
    pub offline: bool,
    /// For this build, what to do with remote (https://) screenshots: `link` to them on their
    /// host, or `copy` them into the site's media/remote/ (fetched once, cached) so every
    /// output works without the host. Default: `[output] remote-images` in book.toml.
    #[arg(long, value_name = "MODE")]
    pub remote_images: Option<RemoteImages>,
}

/// `--remote-images`: the values of `[output] remote-images`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum RemoteImages {
    Link,
    Copy,
}

impl RemoteImages {
    pub(crate) fn apply(self, book: &mut stepbook::Book) {
        book.config.output.remote_images = match self {
            RemoteImages::Link => stepbook::config::RemoteImages::Link,
            RemoteImages::Copy => stepbook::config::RemoteImages::Copy,
        };
    }
}

pub(crate) fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let start = Instant::now();
    let mut book = args.book.open()?;
    book.offline = args.offline;
    if let Some(mode) = args.remote_images {
        mode.apply(&mut book);
    }
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
