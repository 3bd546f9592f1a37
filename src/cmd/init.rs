//! CLI: `stepbook init`.

use std::path::PathBuf;

use super::Ui;
use stepbook::Error;
use stepbook::init::InitOptions;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Folder to create the book in (created if missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Also write the built-in templates and default theme (templates/, themes/default/) for
    /// editing; the build then uses them.
    #[arg(long)]
    pub theme: bool,
    /// Overwrite files that exist.
    #[arg(long)]
    pub force: bool,
}

pub(crate) fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let opts = InitOptions {
        theme: args.theme,
        force: args.force,
    };
    let written = stepbook::init::init(&args.dir, &opts)?;
    for f in &written {
        ui.status(&format!(
            "  created {}",
            stepbook::shown_path(&args.dir, f).display()
        ));
    }
    let dir = args.dir.display();
    // A build without `serve` (`--no-default-features`) builds the book to see it.
    let see = if cfg!(feature = "serve") {
        "serve"
    } else {
        "build"
    };
    ui.status(&format!(
        "created a book in `{dir}`: edit content/example.yaml, then run `stepbook {see} {dir}` to see it"
    ));
    Ok(())
}
