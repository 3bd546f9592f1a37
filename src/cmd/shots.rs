//! CLI: `stepbook shots`: the shot-scraper configuration of the screenshots with a `source`.

use std::path::PathBuf;

use super::{BookDir, Ui};
use stepbook::Error;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub book: BookDir,
    /// Write the configuration to this file (replaced whole, only when the book has no errors)
    /// instead of stdout; its `output` paths are relative to the file's folder.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub(crate) fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let book = args.book.open()?;
    let list = stepbook::shots::shot_list(&book)?;
    let (diagnostics, sources) =
        stepbook::pipeline::stop_on(list.diagnostics, list.sources, false)?;
    ui.report(&diagnostics, &sources);
    for (guide, src) in &list.remote {
        ui.status(&format!(
            "note: {}: `{src}` has a `source` but is a URL: not listed (shot-scraper writes files; keep a copy in the book to re-take it)",
            guide.display()
        ));
    }
    for (image, guide) in &list.conflicts {
        ui.status(&format!(
            "note: {}: `{}` is also shown with another `source` or `selector`; the first one is listed",
            guide.display(),
            image.display()
        ));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Error::Other(anyhow::anyhow!("cannot read the current folder: {e}")))?;
    let base = match &args.out {
        Some(out) => {
            let abs = stepbook::safe_fs::absolute(out).map_err(Error::Other)?;
            abs.parent().map_or(cwd.clone(), |p| p.to_path_buf())
        }
        None => cwd,
    };
    // Canonical, as the images' paths are, so the relative paths are right through links.
    let base = base.canonicalize().unwrap_or(base);
    let yaml = stepbook::shots::to_yaml(&list.shots, &base)?;
    match &args.out {
        Some(out) => {
            stepbook::safe_fs::write_new(out, yaml.as_bytes(), true).map_err(|e| {
                Error::Other(anyhow::anyhow!("cannot write `{}`: {e}", out.display()))
            })?;
            ui.status(&format!(
                "wrote {} screenshot{} to {}: run `shot-scraper multi {}` in its folder",
                list.shots.len(),
                if list.shots.len() == 1 { "" } else { "s" },
                out.display(),
                out.file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned())
            ));
            Ok(())
        }
        None => super::write_stdout(yaml.as_bytes()),
    }
}
