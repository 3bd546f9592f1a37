//! CLI: `stepbook import`: the flags, and what the import planned (`stepbook::import::plan`)
//! and did, printed.

use std::path::PathBuf;

use super::Ui;
use stepbook::Error;
use stepbook::import::CopyImages;
use stepbook::import::plan::{self, Options};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Markdown guides to import.
    #[arg(value_name = "FILE.md", required = true)]
    pub files: Vec<PathBuf>,
    /// Folder to write the guide YAML files to (one `<name>.yaml` per Markdown file).
    #[arg(long, short, value_name = "DIR", default_value = "content")]
    pub out_dir: PathBuf,
    /// Print the YAML to stdout instead of writing files.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite YAML files (and copied images) that exist.
    #[arg(long)]
    pub force: bool,
    /// Copy every local image into `<out-dir>/media/<guide>/`, also those already inside the
    /// book. Without it, only images outside the book (which `build` cannot publish) are
    /// copied.
    #[arg(long, conflicts_with = "no_copy_images")]
    pub copy_images: bool,
    /// Never copy images: an image outside the book is an error and nothing is written.
    #[arg(long)]
    pub no_copy_images: bool,
    /// The language of the Markdown: the guide is written as a translation,
    /// `<name>.<lang>.yaml` (`--lang de`: `azure-pass.de.yaml`). Without it, a folder named
    /// after one of the book's other languages in the file's path (`…/de/lab.md`) says it.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
}

impl Args {
    fn copy_mode(&self) -> CopyImages {
        if self.copy_images {
            CopyImages::All
        } else if self.no_copy_images {
            CopyImages::Never
        } else {
            CopyImages::Outside
        }
    }
}

pub(crate) fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let opts = Options {
        lang: args.lang.clone(),
        copy: args.copy_mode(),
        force: args.force,
        dry_run: args.dry_run,
    };
    let plan = plan::plan(&args.files, &args.out_dir, &opts)?;
    ui.report(&plan.warnings, &plan.sources);
    plan.refuse(&opts)?;
    for (i, (job, guide)) in plan.jobs.iter().zip(&plan.guides).enumerate() {
        let copied = plan::copied_folders(guide);
        if args.dry_run {
            let yaml = plan.yaml(i)?;
            super::write_stdout(format!("# {}\n{yaml}\n", job.target.display()).as_bytes())?;
            for (from, to, n) in copied {
                ui.status(&format!(
                    "would copy {n} image{} from {from} to {to}",
                    if n == 1 { "" } else { "s" }
                ));
            }
            continue;
        }
        plan.write(i, args.force)?;
        for (from, to, n) in copied {
            ui.status(&format!(
                "copied {n} image{} from {from} to {to}",
                if n == 1 { "" } else { "s" }
            ));
        }
        let sections = &guide.guide.sections;
        let steps: usize = sections.iter().map(|s| s.steps.len()).sum();
        ui.status(&format!(
            "imported {} -> {} ({} section{}, {steps} steps)",
            job.file.display(),
            job.target.display(),
            sections.len(),
            if sections.len() == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}
