//! CLI: `stepbook import`.

use crate::diag::Code;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Ui;
use crate::Error;
use crate::diag::{Diagnostic, Diagnostics, Sources};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Markdown guides to import.
    #[arg(value_name = "FILE.md", required = true)]
    pub files: Vec<PathBuf>,
    /// Folder to write the guide YAML files to (one `<name>.yaml` per Markdown file).
    #[arg(long, short, value_name = "DIR", default_value = "content")]
    pub out_dir: PathBuf,
    /// Print the YAML to stdout instead of writing files.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite YAML files that exist.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let out_dir = std::path::absolute(&args.out_dir)
        .map_err(|e| anyhow::anyhow!("failed to resolve `{}`: {e}", args.out_dir.display()))?;
    let jobs = jobs(&args.files, &out_dir)?;
    same_targets(&jobs)?;
    if !args.dry_run && !args.force {
        let existing: Vec<String> = jobs
            .iter()
            // A link counts as existing even when it dangles: it is never written through.
            .filter(|(_, _, t)| std::fs::symlink_metadata(t).is_ok())
            .map(|(_, _, t)| format!("  {}", t.display()))
            .collect();
        if !existing.is_empty() {
            return Err(Error::Other(anyhow::anyhow!(
                "these files exist already; nothing was written:\n{}\n  = help: use --force to overwrite them, or --out-dir to write elsewhere",
                existing.join("\n")
            )));
        }
    }
    let schema = out_dir
        .parent()
        .map(|p| p.join(crate::schema::SCHEMA_FILE))
        .filter(|p| p.is_file())
        .map(|_| format!("../{}", crate::schema::SCHEMA_FILE));
    let mut warnings = Diagnostics::default();
    let mut sources = Sources::default();
    for (file, text, target) in &jobs {
        let md_path = std::path::absolute(file).unwrap_or_else(|_| file.clone());
        let guide = crate::import::import(text, &md_path, &out_dir);
        let normalized: Arc<str> = Arc::from(text.replace("\r\n", "\n"));
        for (line, message) in &guide.warnings {
            let at = crate::diag::offset_of(&normalized, *line, 1);
            let end = normalized[at..]
                .find('\n')
                .map_or(normalized.len(), |i| at + i);
            warnings.push(Diagnostic::warning(Code::I001, file, message.clone()).at(at..end));
        }
        sources.insert(file.clone(), normalized);
        let yaml = crate::import::yaml::to_yaml(&guide, schema.as_deref(), &shown(file));
        if args.dry_run {
            println!("# {}\n{yaml}", target.display());
        } else {
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| anyhow::anyhow!("failed to create `{}`: {e}", dir.display()))?;
            }
            crate::safe_fs::write_new(target, yaml.as_bytes(), args.force)
                .map_err(|e| anyhow::anyhow!("failed to write `{}`: {e}", target.display()))?;
            let steps: usize = guide.sections.iter().map(|s| s.steps.len()).sum();
            ui.status(&format!(
                "imported {} -> {} ({} section{}, {steps} steps)",
                file.display(),
                target.display(),
                guide.sections.len(),
                if guide.sections.len() == 1 { "" } else { "s" }
            ));
        }
    }
    warnings.sort();
    ui.report(&warnings, &sources);
    Ok(())
}

/// Reads each Markdown file and names the guide file it becomes: (file, text, target).
fn jobs(files: &[PathBuf], out_dir: &Path) -> Result<Vec<(PathBuf, String, PathBuf)>, Error> {
    let mut jobs = Vec::new();
    for file in files {
        let text = crate::safe_fs::read_regular_text(file, MAX_MARKDOWN_BYTES).map_err(|e| {
            anyhow::anyhow!(
                "cannot import `{}`: {e}\n  = help: import a UTF-8 Markdown file of at most {}",
                file.display(),
                crate::safe_fs::human_bytes(MAX_MARKDOWN_BYTES)
            )
        })?;
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut name = crate::validate::slug(&stem);
        if name.is_empty() {
            name = "guide".into();
        }
        let target = out_dir.join(format!("{name}.yaml"));
        jobs.push((file.clone(), text, target));
    }
    Ok(jobs)
}

/// A Markdown file larger than this is not a lab guide (the corpus's largest is 60 KB).
const MAX_MARKDOWN_BYTES: u64 = 8 << 20;

/// Refuses an import where two files would be written to the same guide file (`my guide.md`
/// and `My_Guide.md` both make `my-guide.yaml`): one would silently replace the other.
fn same_targets(jobs: &[(PathBuf, String, PathBuf)]) -> Result<(), Error> {
    let mut by_target: std::collections::BTreeMap<&Path, Vec<&Path>> = Default::default();
    for (file, _, target) in jobs {
        by_target.entry(target).or_default().push(file);
    }
    let clashes: Vec<String> = by_target
        .iter()
        .filter(|(_, files)| files.len() > 1)
        .map(|(target, files)| {
            let names: Vec<String> = files
                .iter()
                .map(|f| format!("`{}`", f.display().to_string().escape_debug()))
                .collect();
            format!(
                "  {} would all become `{}`",
                names.join(", "),
                target.display()
            )
        })
        .collect();
    if clashes.is_empty() {
        return Ok(());
    }
    Err(Error::Other(anyhow::anyhow!(
        "these files would be written to the same guide file; nothing was written:\n{}\n  = help: rename all but one of them, or import them in separate runs with different --out-dir",
        clashes.join("\n")
    )))
}

fn shown(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
