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
    /// Also write the HTML site (with its screenshots, checklists and PDFs) as one zip,
    /// `<build-dir>/<book-title>.zip`, that works unzipped and opened from disk with no network:
    /// for USB sticks and venue file shares. Entries in name order with one fixed date, so the
    /// same book gives the same bytes.
    #[arg(long)]
    pub zip: bool,
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
        zip: args.zip,
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
    for zip in &report.zips {
        let size = std::fs::metadata(zip).map(|m| m.len()).unwrap_or(0);
        let zip = zip.strip_prefix(&report.dest).unwrap_or(zip);
        ui.status(&format!(
            "bundled the site into `{}` ({})",
            shown.join(zip).display(),
            size_text(size)
        ));
    }
    Ok(())
}

/// `11.8 MiB`, `24 KiB`.
fn size_text(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / f64::from(1 << 20))
    } else {
        format!("{} KiB", n.div_ceil(1 << 10))
    }
}
