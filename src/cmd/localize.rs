//! CLI: `stepbook localize`.

use super::{BookDir, Ui};
use stepbook::Error;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub book: BookDir,
    /// The folder the images go into, relative to the guides' folder (`src` in book.toml).
    #[arg(
        long = "dir",
        id = "media_dir",
        default_value = "media",
        value_name = "FOLDER"
    )]
    pub media_dir: String,
    /// Make no network requests: only screenshots the cache holds (from an earlier build with
    /// `--remote-images copy`) are written; the others are left as URLs (W022).
    #[arg(long)]
    pub offline: bool,
    /// Treat warnings as errors: if any screenshot could not be had, write nothing and exit 2.
    #[arg(long)]
    pub deny_warnings: bool,
}

pub(crate) fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let mut book = args.book.open()?;
    book.offline = args.offline;
    let done = stepbook::remote::localize::localize(&book, &args.media_dir, args.deny_warnings)?;
    ui.report(&done.diagnostics, &done.sources);
    if !done.diagnostics.is_empty() && args.deny_warnings {
        ui.status(&format!(
            "nothing written: {} screenshot{} could not be had (--deny-warnings)",
            done.diagnostics.items.len(),
            if done.diagnostics.items.len() == 1 {
                ""
            } else {
                "s"
            },
        ));
        return Err(Error::Reported);
    }
    ui.status(&format!(
        "localized {} screenshot{} in {} guide file{} ({} image file{} written, {} request{})",
        done.rewritten,
        if done.rewritten == 1 { "" } else { "s" },
        done.files.len(),
        if done.files.len() == 1 { "" } else { "s" },
        done.images,
        if done.images == 1 { "" } else { "s" },
        done.requests,
        if done.requests == 1 { "" } else { "s" },
    ));
    Ok(())
}
