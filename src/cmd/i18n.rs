//! CLI: `stepbook i18n`: a language of the book exported for translators (PO, XLIFF 1.2) and
//! their files imported back as translated guides.

use std::path::PathBuf;

use super::{BookDir, Ui};
use stepbook::Error;
use stepbook::exchange::{self, Format};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Sub {
    /// Write one file per guide with every text to translate into a language: its context,
    /// the source text, the current translation, and `fuzzy` with the previous source where
    /// the source changed since the translation was made.
    Export(ExportArgs),
    /// Write the translations of exported files back into `<guide>.<lang>.yaml`: only the
    /// translated texts change (comments and field order stay); a missing or fuzzy entry keeps
    /// the current text. Nothing is written if any file has an error.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// Files exported by `stepbook i18n export` and translated: PO or XLIFF 1.2 (by the
    /// extension, `.po` or `.xlf`/`.xliff`, else by the content).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The book's folder, holding book.toml.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub book: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FormatArg {
    /// GNU gettext PO (Poedit, Weblate, Crowdin).
    Po,
    /// XLIFF 1.2 (CAT tools: Trados, memoQ, OmegaT, Crowdin, Weblate).
    Xliff,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    pub book: BookDir,
    /// The language to translate into: one of book.toml's `[languages]`.
    #[arg(long, value_name = "CODE")]
    pub lang: String,
    /// The file format.
    #[arg(long, value_enum, default_value_t = FormatArg::Po)]
    pub format: FormatArg,
    /// The folder to write the files into (`<id>.po`, `<id>.xlf`), made if needed. Default:
    /// `i18n/<lang>` in the book's folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Offer texts that are nothing but code (a code block, a code span) for translation too.
    #[arg(long)]
    pub code: bool,
}

pub(crate) fn run(args: Args, ui: Ui) -> Result<(), Error> {
    match args.command {
        Sub::Export(a) => export(a, ui),
        Sub::Import(a) => import(a, ui),
    }
}

fn import(args: ImportArgs, ui: Ui) -> Result<(), Error> {
    let book = stepbook::Book::open(&args.book)?;
    let mut diags = stepbook::diag::Diagnostics::default();
    let mut sources = stepbook::diag::Sources::default();
    let mut planned: Vec<exchange::import::Planned> = Vec::new();
    for file in &args.files {
        if let Some(p) = exchange::import::plan(&book, file, file, &mut diags, &mut sources)? {
            if let Some(twin) = planned.iter().find(|q| q.path == p.path) {
                return Err(stepbook::diag::Failure::new(format!(
                    "two files translate {}: `{}` and another",
                    twin.shown.display(),
                    file.display()
                ))
                .help("import one file per guide and language")
                .into());
            }
            planned.push(p);
        }
    }
    if diags.has_errors() {
        return Err(Error::Content {
            diagnostics: diags,
            sources,
        });
    }
    ui.report(&diags, &sources);
    for p in &planned {
        let Some(text) = &p.text else {
            ui.status(&format!("{}: unchanged", p.shown.display()));
            continue;
        };
        stepbook::safe_fs::write_new(&p.path, text.as_bytes(), true)
            .map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", p.shown.display()))?;
        ui.status(&format!(
            "wrote {}: {} text{} translated from the file, {} kept",
            p.shown.display(),
            p.taken,
            if p.taken == 1 { "" } else { "s" },
            p.kept
        ));
    }
    Ok(())
}

fn format_of(f: FormatArg) -> Format {
    match f {
        FormatArg::Po => Format::Po,
        FormatArg::Xliff => Format::Xliff,
    }
}

fn export(args: ExportArgs, ui: Ui) -> Result<(), Error> {
    let book = args.book.open()?;
    let opts = exchange::export::Options {
        lang: args.lang.clone(),
        code: args.code,
    };
    let mut catalogs = exchange::export::catalogs(&book, &opts)?;
    catalogs.push(exchange::book_texts::catalog(&book, &args.lang)?);
    let format = format_of(args.format);
    let out = args
        .out
        .unwrap_or_else(|| args.book.dir.join("i18n").join(&args.lang));
    std::fs::create_dir_all(&out)
        .map_err(|e| anyhow::anyhow!("cannot create `{}`: {e}", out.display()))?;
    let (mut texts, mut fuzzy, mut open) = (0, 0, 0);
    for c in &catalogs {
        let path = out.join(format!("{}.{}", c.id, format.extension()));
        let bytes = exchange::write(c, format);
        stepbook::safe_fs::write_new(&path, bytes.as_bytes(), true)
            .map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", path.display()))?;
        texts += c.units.len();
        fuzzy += c.units.iter().filter(|u| u.fuzzy).count();
        open += c.units.iter().filter(|u| u.translation.is_empty()).count();
    }
    let guides = catalogs.len() - 1;
    ui.status(&format!(
        "exported {guides} guide{} and the book's own texts into `{}` ({}): {texts} texts, {open} untranslated, {fuzzy} fuzzy",
        if guides == 1 { "" } else { "s" },
        args.lang,
        out.display()
    ));
    Ok(())
}
