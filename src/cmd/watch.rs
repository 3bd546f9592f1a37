//! CLI: `stepbook watch`.

use super::{BookDir, DestDir, Ui};
use stepbook::Error;
use stepbook::watch::WatchOptions;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub book: BookDir,
    #[command(flatten)]
    pub dest: DestDir,
    /// Poll for changes instead of using file system events (for network drives, containers
    /// and other file systems where events are unreliable).
    #[arg(long)]
    pub poll: bool,
}

pub(crate) fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let opts = WatchOptions {
        poll: args.poll,
        dest_dir: args.dest.dest_dir,
        selection: args.book.selection_of_one()?,
    };
    let stop = super::ctrl_c_flag();
    ui.status(&format!(
        "watching `{}` (Ctrl-C to stop)",
        args.book.dir.display()
    ));
    stepbook::watch::run(
        &args.book.dir,
        &opts,
        |outcome| ui.rebuilt(outcome),
        || stop.load(std::sync::atomic::Ordering::Relaxed),
    )
}
