//! CLI: `stepbook import`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Ui;
use crate::Error;
use crate::diag::{Diagnostic, Diagnostics, Failure, Sources};
use crate::import::{CopyImages, Imported, Placement};

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

pub fn run(args: Args, ui: Ui) -> Result<(), Error> {
    let out_dir = std::path::absolute(&args.out_dir)
        .map_err(|e| anyhow::anyhow!("failed to resolve `{}`: {e}", args.out_dir.display()))?;
    if let Some(l) = &args.lang
        && !crate::i18n::is_language_tag(l)
    {
        return Err(Failure::new(format!("`{l}` is not a language code"))
            .help("use an ISO 639-1 code, optionally with a region: `de`, `fr`, `pt-BR`")
            .into());
    }
    let langs = book_languages(&out_dir);
    let jobs = jobs(&args.files, &out_dir, args.lang.as_deref(), &langs)?;
    same_targets(&jobs)?;
    if !args.dry_run && !args.force {
        refuse_existing(&jobs)?;
    }
    let schema = out_dir
        .parent()
        .map(|p| p.join(crate::schema::SCHEMA_FILE))
        .filter(|p| p.is_file())
        .map(|_| format!("../{}", crate::schema::SCHEMA_FILE));
    let book_root = book_root(&out_dir);
    let mut warnings = Diagnostics::default();
    let mut sources = Sources::default();
    let mut guides = Vec::new();
    for (file, text, target) in &jobs {
        let md_path = std::path::absolute(file).unwrap_or_else(|_| file.clone());
        let placement = Placement {
            book_root: book_root.clone(),
            copy: args.copy_mode(),
            media_dir: media_dir(&out_dir, target),
        };
        let guide = crate::import::import_with(text, &md_path, &out_dir, Some(&placement));
        let normalized: Arc<str> = Arc::from(text.replace("\r\n", "\n"));
        // Where each line starts, found once: a search from the top per warning (one per
        // missing image) was quadratic.
        let starts: Vec<usize> = std::iter::once(0)
            .chain(normalized.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        for w in &guide.warnings {
            let line = w.line.max(1);
            let at = starts.get(line - 1).copied().unwrap_or(normalized.len());
            let end = starts
                .get(line)
                .map_or(normalized.len(), |&next| next - 1)
                .max(at);
            warnings.push(Diagnostic::warning(w.code, file, w.message.clone()).at(at..end));
        }
        sources.insert(file.clone(), normalized);
        guides.push(guide);
    }
    warnings.sort();
    ui.report(&warnings, &sources);
    refuse_outside_images(&jobs, &guides, &book_root)?;
    let copies: Vec<_> = guides.iter().flat_map(|g| g.image_copies.clone()).collect();
    crate::import::media_inside(&copies, &out_dir)
        .map_err(|e| {
            Failure::new(format!("{e:#}; nothing was written")).help(
                "remove the link (a guide's images are copied into `<out-dir>/media/<guide>/`), or import with --no-copy-images",
            )
        })?;
    if !args.dry_run && !args.force {
        refuse_replacing_images(&guides)?;
    }
    for ((file, _, target), guide) in jobs.iter().zip(&guides) {
        let yaml = crate::import::yaml::to_yaml(guide, schema.as_deref(), &shown(file));
        if args.dry_run {
            super::write_stdout(format!("# {}\n{yaml}\n", target.display()).as_bytes())?;
            for (from, to, n) in copied_folders(guide) {
                ui.status(&format!(
                    "would copy {n} image{} from {from} to {to}",
                    if n == 1 { "" } else { "s" }
                ));
            }
            continue;
        }
        crate::import::copy_images(&guide.image_copies, args.force, &out_dir)?;
        for (from, to, n) in copied_folders(guide) {
            ui.status(&format!(
                "copied {n} image{} from {from} to {to}",
                if n == 1 { "" } else { "s" }
            ));
        }
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
    Ok(())
}

/// The book the guides are imported into: the nearest folder at or above `out_dir` with a
/// book.toml; without one, the folder above `out_dir` (`content`'s book).
fn book_root(out_dir: &Path) -> PathBuf {
    out_dir
        .ancestors()
        .find(|d| d.join(crate::config::CONFIG_FILE).is_file())
        .or_else(|| out_dir.parent())
        .unwrap_or(out_dir)
        .to_path_buf()
}

/// Where a guide's copied images go: `<out-dir>/media/<guide>/`.
fn media_dir(out_dir: &Path, target: &Path) -> PathBuf {
    let name = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    out_dir.join("media").join(name)
}

/// With `--no-copy-images`, images outside the book stop the import before anything is written.
fn refuse_outside_images(
    jobs: &[(PathBuf, String, PathBuf)],
    guides: &[Imported],
    book_root: &Path,
) -> Result<(), Error> {
    let outside: Vec<String> = jobs
        .iter()
        .zip(guides)
        .flat_map(|((file, _, _), g)| {
            g.outside_images
                .iter()
                .map(move |(line, p)| format!("  {}:{line}: {}", file.display(), p.display()))
        })
        .collect();
    if outside.is_empty() {
        return Ok(());
    }
    Err(Failure::new(format!(
        "these images are outside the book (`{}`), where `build` cannot publish them; nothing was written:\n{}",
        book_root.display(),
        outside.join("\n")
    ))
    .help("import without --no-copy-images to copy them into the book, or move them into it first")
    .into())
}

/// Guide files that exist already stop the import unless `--force`.
fn refuse_existing(jobs: &[(PathBuf, String, PathBuf)]) -> Result<(), Error> {
    let existing: Vec<String> = jobs
        .iter()
        // A link counts as existing even when it dangles: it is never written through.
        .filter(|(_, _, t)| std::fs::symlink_metadata(t).is_ok())
        .map(|(_, _, t)| format!("  {}", t.display()))
        .collect();
    if existing.is_empty() {
        return Ok(());
    }
    Err(Failure::new(format!(
        "these files exist already; nothing was written:\n{}",
        existing.join("\n")
    ))
    .help("use --force to overwrite them, or --out-dir to write elsewhere")
    .into())
}

/// Copies that would replace a different image stop the import unless `--force`.
fn refuse_replacing_images(guides: &[Imported]) -> Result<(), Error> {
    let copies: Vec<_> = guides.iter().flat_map(|g| g.image_copies.clone()).collect();
    let clashes: Vec<String> = crate::import::conflicting(&copies)
        .iter()
        .map(|p| format!("  {}", p.display()))
        .collect();
    if clashes.is_empty() {
        return Ok(());
    }
    Err(Failure::new(format!(
        "copying the images would replace these different files; nothing was written:\n{}",
        clashes.join("\n")
    ))
    .help("use --force to overwrite them, or --out-dir to import elsewhere")
    .into())
}

/// The guide's copies by folder: (from, to, how many).
fn copied_folders(g: &Imported) -> Vec<(String, String, usize)> {
    let mut out: Vec<(String, String, usize)> = Vec::new();
    for c in &g.image_copies {
        let from = c.from.parent().unwrap_or(&c.from).display().to_string();
        let to = c.to.parent().unwrap_or(&c.to).display().to_string();
        match out.iter_mut().find(|(f, t, _)| *f == from && *t == to) {
            Some(entry) => entry.2 += 1,
            None => out.push((from, to, 1)),
        }
    }
    out
}

/// The languages of the book `out_dir` is in, when it has a readable book.toml.
fn book_languages(out_dir: &Path) -> Option<crate::validate::Languages> {
    let root = book_root(out_dir);
    crate::config::load(&root, &root)
        .ok()
        .map(|c| crate::validate::Languages::of(&c))
}

/// The language a Markdown file is in: `--lang`, else a folder of its path named after one
/// of the book's other languages (`docs/de/lab.md`); `None` for the book's own language.
fn language_of(
    file: &Path,
    lang: Option<&str>,
    langs: &Option<crate::validate::Languages>,
) -> Option<String> {
    let own = langs.as_ref().map(|l| l.default.as_str());
    if let Some(l) = lang {
        return (Some(l) != own).then(|| l.to_owned());
    }
    let others = &langs.as_ref()?.others;
    std::path::absolute(file)
        .ok()?
        .parent()?
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .rfind(|c| others.iter().any(|o| o == c))
        .map(str::to_owned)
}

/// Reads each Markdown file and names the guide file it becomes: (file, text, target).
fn jobs(
    files: &[PathBuf],
    out_dir: &Path,
    lang: Option<&str>,
    langs: &Option<crate::validate::Languages>,
) -> Result<Vec<(PathBuf, String, PathBuf)>, Error> {
    let mut jobs = Vec::new();
    for file in files {
        let text = crate::safe_fs::read_regular_text(file, MAX_MARKDOWN_BYTES).map_err(|e| {
            Failure::new(format!("cannot import `{}`: {e}", file.display())).help(format!(
                "import a UTF-8 Markdown file of at most {}",
                crate::safe_fs::human_bytes(MAX_MARKDOWN_BYTES)
            ))
        })?;
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut name = crate::validate::slug(&stem);
        if name.is_empty() {
            name = "guide".into();
        }
        let target = match language_of(file, lang, langs) {
            Some(l) => out_dir.join(format!("{name}.{l}.yaml")),
            None => out_dir.join(format!("{name}.yaml")),
        };
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
    Err(Failure::new(format!(
        "these files would be written to the same guide file; nothing was written:\n{}",
        clashes.join("\n")
    ))
    .help("rename all but one of them, or import them in separate runs with different --out-dir")
    .into())
}

fn shown(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
