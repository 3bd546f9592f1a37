//! CLI: `stepbook check`.

use super::{BookDir, Ui};
use crate::{Book, Error};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookDir,
    /// Treat warnings as errors: exit 2 if there are any.
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let book = Book::open(&args.book.dir)?;
    let checked = book.check()?.fail_on(args.deny_warnings)?;
    ui.report(&checked.diagnostics, &checked.sources);
    let n = checked.book.guides.len();
    ui.status(&format!(
        "checked {n} guide{}: no errors",
        if n == 1 { "" } else { "s" }
    ));
    Ok(())
}
