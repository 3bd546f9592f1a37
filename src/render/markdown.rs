//! Render: GitHub-flavoured Markdown, `markdown/<id>.md`, in the style of the Azure Pass guide
//! it was first written for (`../shared/seed/azure-pass.md`): `1.` steps, notes as `> **Note:**`
//! quotes, screenshots as images under their step.

use super::{Engine, Output, RenderCx};
use crate::diag::Diagnostic;
use crate::layout;
use crate::output::OutFile;

fn page(
    engine: &Engine,
    base: &tera::Context,
    guide: &tera::Value,
    (lang, id): (&str, &str),
) -> Result<OutFile, Box<Diagnostic>> {
    let ctx = super::guide_context(base, guide);
    let text = engine.render("guide.md", &ctx)?;
    Ok(OutFile::Text {
        to: layout::markdown_page(lang, id),
        text: tidy(&text),
    })
}

/// GitHub-flavoured Markdown: a file per guide and the images it shows.
pub struct Markdown;

/// The Markdown output, when `[output.markdown]` is in book.toml.
pub fn make(book: &crate::book::Book, _: &Engine) -> Option<Box<dyn Output>> {
    book.config
        .outputs()
        .markdown
        .map(|_| Box::new(Markdown) as Box<dyn Output>)
}

impl Output for Markdown {
    fn name(&self) -> &'static str {
        "markdown"
    }

    fn folder(&self) -> &'static str {
        layout::MARKDOWN_DIR
    }

    fn guide(
        &self,
        cx: &RenderCx,
        guide: &tera::Value,
        id: &str,
    ) -> Vec<Result<OutFile, Box<Diagnostic>>> {
        vec![page(cx.engine, cx.base, guide, (&cx.lang.prefix, id))]
    }

    fn site(
        &self,
        _: &RenderCx,
        _: &[&super::GuideEntry],
        assets: &[crate::validate::Asset],
    ) -> Result<Vec<OutFile>, Box<Diagnostic>> {
        Ok(super::copy_assets(assets, false).collect())
    }
}

/// Collapses runs of blank lines left by template conditionals and trailing spaces, and ends
/// the file with one newline.
pub fn tidy(text: &str) -> String {
    format!("{}\n", crate::markdown::tidy_lines(text))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tidy_collapses_blank_runs() {
        assert_eq!(super::tidy("\n# T  \n\n\n\na\n\n"), "# T\n\na\n");
    }
}
