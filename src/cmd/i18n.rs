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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FormatArg {
    /// GNU gettext PO (Poedit, Weblate, Crowdin).
    Po,
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
    /// The folder to write the files into (`<id>.po`), made if needed. Default:
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
    }
}

fn format_of(f: FormatArg) -> Format {
    match f {
        FormatArg::Po => Format::Po,
    }
}

fn export(args: ExportArgs, ui: Ui) -> Result<(), Error> {
    let book = args.book.open()?;
    let opts = exchange::export::Options {
        lang: args.lang.clone(),
        code: args.code,
    };
    let catalogs = exchange::export::catalogs(&book, &opts)?;
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
    ui.status(&format!(
        "exported {} guide{} into `{}` ({}): {texts} texts, {open} untranslated, {fuzzy} fuzzy",
        catalogs.len(),
        if catalogs.len() == 1 { "" } else { "s" },
        args.lang,
        out.display()
    ));
    Ok(())
}
