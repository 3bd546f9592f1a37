//! An import planned before anything is written: which guide file each Markdown file becomes
//! (and in which language), each one converted, its warnings as diagnostics at their lines, and
//! the reasons to write nothing at all (two files onto one guide file, files or images that
//! exist, images outside the book); then the writing, one guide at a time. `stepbook import`
//! parses the flags and prints what this returns.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{CopyImages, Imported, Placement};
use crate::diag::{Diagnostic, Diagnostics, Failure, Sources};
use crate::error::Error;

/// A Markdown file larger than this is not a lab guide (the corpus's largest is 60 KB).
const MAX_MARKDOWN_BYTES: u64 = 8 << 20;

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The Markdown's language (`--lang`); without it, a folder of the file's path named after
    /// one of the book's other languages says it.
    pub lang: Option<String>,
    /// Which images are copied into the book.
    pub copy: CopyImages,
    /// Overwrite guide files and copied images that exist.
    pub force: bool,
    /// Nothing is to be written (`--dry-run`): existing files are no reason to stop.
    pub dry_run: bool,
}

/// One Markdown file to import: its text and the guide file it becomes.
#[derive(Debug, Clone)]
pub struct Job {
    pub file: PathBuf,
    pub text: String,
    pub target: PathBuf,
}

/// Every file of an import, converted; nothing written yet.
#[derive(Debug)]
pub struct Plan {
    /// The folder the guide files go to, absolute.
    pub out_dir: PathBuf,
    /// The book they go into (see [`book_root`]).
    pub book_root: PathBuf,
    pub jobs: Vec<Job>,
    /// `guides[i]` is `jobs[i]` converted.
    pub guides: Vec<Imported>,
    /// What the conversion could not map, at the Markdown's lines.
    pub warnings: Diagnostics,
    pub sources: Sources,
    /// The schema comment's path, when the book has the schema file.
    schema: Option<String>,
}

/// Reads and converts `files` for `out_dir`; refuses (before converting anything) a bad
/// language code, two files that would become one guide file and, unless `force` or
/// `dry_run`, guide files that exist.
pub fn plan(files: &[PathBuf], out_dir: &Path, opts: &Options) -> Result<Plan, Error> {
    let out_dir = std::path::absolute(out_dir)
        .map_err(|e| anyhow::anyhow!("failed to resolve `{}`: {e}", out_dir.display()))?;
    if let Some(l) = &opts.lang
        && !crate::i18n::is_language_tag(l)
    {
        return Err(Failure::new(format!("`{l}` is not a language code"))
            .help("use an ISO 639-1 code, optionally with a region: `de`, `fr`, `pt-BR`")
            .into());
    }
    let langs = book_languages(&out_dir);
    let jobs = jobs(files, &out_dir, opts.lang.as_deref(), &langs)?;
    same_targets(&jobs)?;
    if !opts.dry_run && !opts.force {
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
    for job in &jobs {
        let md_path = std::path::absolute(&job.file).unwrap_or_else(|_| job.file.clone());
        let placement = Placement {
            book_root: book_root.clone(),
            copy: opts.copy,
            media_dir: media_dir(&out_dir, &job.target),
        };
        let guide = super::import_with(&job.text, &md_path, &out_dir, Some(&placement));
        let normalized: Arc<str> = Arc::from(job.text.replace("\r\n", "\n"));
        for w in warnings_of(&guide, &job.file, &normalized) {
            warnings.push(w);
        }
        sources.insert(job.file.clone(), normalized);
        guides.push(guide);
    }
    warnings.sort();
    Ok(Plan {
        out_dir,
        book_root,
        jobs,
        guides,
        warnings,
        sources,
        schema,
    })
}

/// The guide's warnings as diagnostics, each on its whole line of `text`.
fn warnings_of(guide: &Imported, file: &Path, text: &str) -> Vec<Diagnostic> {
    // Where each line starts, found once: a search from the top per warning (one per missing
    // image) was quadratic.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    guide
        .warnings
        .iter()
        .map(|w| {
            let line = w.line.max(1);
            let at = starts.get(line - 1).copied().unwrap_or(text.len());
            let end = starts
                .get(line)
                .map_or(text.len(), |&next| next - 1)
                .max(at);
            Diagnostic::warning(w.code, file, w.message.clone()).at(at..end)
        })
        .collect()
}

impl Plan {
    /// What stops the import once the warnings are told: images outside the book (with
    /// [`CopyImages::Never`]), a copy that would go through a link out of `out_dir`, and,
    /// unless `force` or `dry_run`, copies that would replace different images.
    pub fn refuse(&self, opts: &Options) -> Result<(), Error> {
        self.refuse_outside_images()?;
        let copies: Vec<_> = self
            .guides
            .iter()
            .flat_map(|g| g.image_copies.clone())
            .collect();
        super::media_inside(&copies, &self.out_dir)
            .map_err(|e| {
                Failure::new(format!("{e:#}; nothing was written")).help(
                    "remove the link (a guide's images are copied into `<out-dir>/media/<guide>/`), or import with --no-copy-images",
                )
            })?;
        if !opts.dry_run && !opts.force {
            refuse_replacing_images(&copies)?;
        }
        Ok(())
    }

    /// The YAML of guide `i`: the schema's modeline, where it came from, the front matter
    /// import could not map, then the guide.
    pub fn yaml(&self, i: usize) -> Result<String, Error> {
        let g = &self.guides[i];
        let mut comments = Vec::new();
        if let Some(s) = &self.schema {
            let line = crate::schema::modeline(s);
            comments.push(line.trim_start_matches("# ").to_owned());
        }
        // The file name is untrusted: a line break in it is shown as `\n`, one name on one line.
        let source: String = shown(&self.jobs[i].file)
            .chars()
            .flat_map(|c| -> Box<dyn Iterator<Item = char>> {
                if c.is_control() {
                    Box::new(c.escape_debug())
                } else {
                    Box::new(std::iter::once(c))
                }
            })
            .collect();
        comments.push(format!("Imported from {source} by `stepbook import`."));
        if !g.kept_front_matter.is_empty() {
            comments.push(
                "The source's front matter (some keys have no field in stepbook's model):".into(),
            );
            comments.extend(g.kept_front_matter.iter().map(|l| format!("  {l}")));
        }
        let yaml = crate::source::write::guide_yaml(&g.guide, &comments)
            .map_err(|e| anyhow::anyhow!("failed to write the guide as YAML: {e}"))?;
        Ok(yaml)
    }

    /// Writes guide `i`: its images copied, then its YAML (over an existing file only with
    /// `force`).
    pub fn write(&self, i: usize, force: bool) -> Result<(), Error> {
        let target = &self.jobs[i].target;
        super::copy_images(&self.guides[i].image_copies, force, &self.out_dir)?;
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("failed to create `{}`: {e}", dir.display()))?;
        }
        crate::safe_fs::write_new(target, self.yaml(i)?.as_bytes(), force)
            .map_err(|e| anyhow::anyhow!("failed to write `{}`: {e}", target.display()))?;
        Ok(())
    }

    /// With `--no-copy-images`, images outside the book stop the import before anything is
    /// written.
    fn refuse_outside_images(&self) -> Result<(), Error> {
        let outside: Vec<String> = self
            .jobs
            .iter()
            .zip(&self.guides)
            .flat_map(|(job, g)| {
                g.outside_images.iter().map(move |(line, p)| {
                    format!("  {}:{line}: {}", job.file.display(), p.display())
                })
            })
            .collect();
        if outside.is_empty() {
            return Ok(());
        }
        Err(Error::Usage(Failure::new(format!(
                "these images are outside the book (`{}`), where `build` cannot publish them; nothing was written:\n{}",
                self.book_root.display(),
            outside.join("\n")
            ))
            .help("import without --no-copy-images to copy them into the book, or move them into it first")))
    }
}

/// Guide files that exist stop the import (a link counts even when it dangles: it is never
/// written through).
fn refuse_existing(jobs: &[Job]) -> Result<(), Error> {
    let existing: Vec<String> = jobs
        .iter()
        .filter(|j| std::fs::symlink_metadata(&j.target).is_ok())
        .map(|j| format!("  {}", j.target.display()))
        .collect();
    if existing.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(
        Failure::new(format!(
            "these files exist already; nothing was written:\n{}",
            existing.join("\n")
        ))
        .help("use --force to overwrite them, or --out-dir to write elsewhere"),
    ))
}

/// The book the guides are imported into: the nearest folder at or above `out_dir` with a
/// book.toml; without one, the folder above `out_dir` (`content`'s book).
pub fn book_root(out_dir: &Path) -> PathBuf {
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

/// Copies that would replace a different image stop the import unless `--force`.
fn refuse_replacing_images(copies: &[super::ImageCopy]) -> Result<(), Error> {
    let clashes: Vec<String> = super::conflicting(copies)
        .iter()
        .map(|p| format!("  {}", p.display()))
        .collect();
    if clashes.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(
        Failure::new(format!(
            "copying the images would replace these different files; nothing was written:\n{}",
            clashes.join("\n")
        ))
        .help("use --force to overwrite them, or --out-dir to import elsewhere"),
    ))
}

/// A guide's image copies by folder: (from, to, how many).
pub fn copied_folders(g: &Imported) -> Vec<(String, String, usize)> {
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

/// Reads each Markdown file and names the guide file it becomes.
fn jobs(
    files: &[PathBuf],
    out_dir: &Path,
    lang: Option<&str>,
    langs: &Option<crate::validate::Languages>,
) -> Result<Vec<Job>, Error> {
    let mut jobs = Vec::new();
    for file in files {
        let text = crate::safe_fs::read_regular_text(file, MAX_MARKDOWN_BYTES).map_err(|e| {
            let failure = Failure::new(format!("cannot import `{}`: {e}", file.display()));
            // A path that names nothing is a mistake on the command line (exit 2), as are the
            // limits below; anything else (a permission) is the machine's.
            let help = match e.kind() {
                std::io::ErrorKind::NotFound => {
                    "check the path: it is read from the current folder".to_owned()
                }
                _ => format!(
                    "import a UTF-8 Markdown file of at most {}",
                    crate::safe_fs::human_bytes(MAX_MARKDOWN_BYTES)
                ),
            };
            match e.kind() {
                std::io::ErrorKind::PermissionDenied => Error::from(failure.help(help)),
                _ => Error::Usage(failure.help(help)),
            }
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
        jobs.push(Job {
            file: file.clone(),
            text,
            target,
        });
    }
    Ok(jobs)
}

/// Refuses an import where two files would be written to the same guide file (`my guide.md`
/// and `My_Guide.md` both make `my-guide.yaml`): one would silently replace the other.
fn same_targets(jobs: &[Job]) -> Result<(), Error> {
    let mut by_target: std::collections::BTreeMap<&Path, Vec<&Path>> = Default::default();
    for job in jobs {
        by_target.entry(&job.target).or_default().push(&job.file);
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

/// The name a guide's YAML says it was imported from.
fn shown(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
