//! Render: GitHub-flavoured Markdown, `markdown/<id>.md`, in the seed's own style.

use super::Engine;
use crate::diag::Diagnostic;
use crate::output::OutFile;

pub fn page(
    engine: &Engine,
    base: &tera::Context,
    guide: &tera::Value,
    id: &str,
) -> Result<OutFile, Box<Diagnostic>> {
    let mut ctx = base.clone();
    ctx.insert_value("guide", guide.clone());
    let text = engine.render("guide.md", &ctx)?;
    Ok(OutFile::Text {
        to: format!("markdown/{id}.md"),
        text: tidy(&text),
    })
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
