//! Render: GitHub-flavoured Markdown, `markdown/<id>.md`, in the seed's own style.

use rayon::prelude::*;

use super::html::BookMeta;
use super::view::BookView;
use super::{Engine, OutFile};
use crate::diag::Diagnostic;

pub fn render(engine: &Engine, book: &BookView) -> Result<Vec<OutFile>, Box<Diagnostic>> {
    let meta = BookMeta::of(book);
    book.guides
        .par_iter()
        .map(|g| {
            let mut ctx = tera::Context::new();
            ctx.insert("book", &meta);
            ctx.insert("guide", g);
            let text = engine.render("guide.md", &ctx)?;
            Ok(OutFile::Text {
                to: format!("markdown/{}.md", g.id),
                text: tidy(&text),
            })
        })
        .collect()
}

/// Collapses runs of blank lines left by template conditionals and trailing spaces, and ends
/// the file with one newline.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    let trimmed = out.trim_matches('\n');
    format!("{trimmed}\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn tidy_collapses_blank_runs() {
        assert_eq!(super::tidy("\n# T  \n\n\n\na\n\n"), "# T\n\na\n");
    }
}
