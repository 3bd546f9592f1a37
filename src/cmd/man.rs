//! CLI: `stepbook man`: man pages made from the same clap definitions as `--help` —
//! `stepbook(1)` on stdout, or one page per command in a folder.

use std::path::PathBuf;

use clap::CommandFactory;

use super::{Cli, Ui};
use stepbook::Error;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Write `stepbook.1` and a page per command (`stepbook-build.1`, …) into this folder
    /// (made if missing; existing pages are replaced). Without it, `stepbook.1` goes to stdout.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

pub(crate) fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let cmd = Cli::command();
    let Some(dir) = args.out_dir else {
        let mut page = Vec::new();
        render(&cmd, &mut page)?;
        return super::write_stdout(&page);
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("failed to create `{}`: {e}", dir.display()))?;
    let mut pages = vec![("stepbook.1".to_owned(), cmd.clone())];
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("stepbook-{}", sub.get_name());
        pages.push((format!("{name}.1"), sub.clone().name(name)));
    }
    for (file, page) in &pages {
        let mut text = Vec::new();
        render(page, &mut text)?;
        let path = dir.join(file);
        stepbook::safe_fs::write_new(&path, &text, true)
            .map_err(|e| anyhow::anyhow!("failed to write `{}`: {e}", path.display()))?;
    }
    ui.status(&format!(
        "wrote {} man pages into `{}`",
        pages.len(),
        dir.display()
    ));
    Ok(())
}

/// The date of this release, for the pages' header (`.TH name 1 date source`): a fixed date, so
/// the pages are the same on every build; changed with the version.
const RELEASE_DATE: &str = "2026-12-07";

fn render(cmd: &clap::Command, out: &mut Vec<u8>) -> Result<(), Error> {
    // Without a date, roff reads the version as the date (mandoc: "cannot parse date"), and the
    // subcommands' pages had no version at all.
    clap_mangen::Man::new(cmd.clone())
        .date(RELEASE_DATE)
        .source(format!("stepbook {}", env!("CARGO_PKG_VERSION")))
        .manual("stepbook manual")
        .render(out)
        .map_err(|e| Error::Other(anyhow::anyhow!("failed to make the man page: {e}")))
}
