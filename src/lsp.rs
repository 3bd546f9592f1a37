//! The language server's analysis: what `check` finds in one open guide, from the editor's
//! unsaved text (the same codes and words: one source of truth), and the guide's outline. The
//! stdio protocol is in `cmd/lsp.rs`; nothing here prints.

use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, Severity};
use crate::load::LoadedGuide;
use crate::validate::{self, Resolved};
use crate::{Book, load};

/// The problems `check` would report in the guide at `path` if it held `text`, and the guide
/// (for its outline) when it parsed.
pub fn check_text(
    book: &Book,
    path: &Path,
    text: &str,
) -> (Vec<Diagnostic>, Option<(LoadedGuide, Resolved)>) {
    let (loaded, mut diags, _) =
        load::load_text(&book.root, &book.shown_root, path, Arc::from(text));
    let Some(mut g) = loaded else {
        return (diags, None);
    };
    let langs = validate::Languages::of(&book.config);
    match validate::translations::of_file(path, &g.shown, &langs) {
        Ok(lang) => g.lang = lang,
        Err(d) => diags.push(*d),
    }
    let (g, vd) = crate::variant::apply(g, &book.variant());
    diags.extend(vd);
    let cx = validate::Context::new(&book.root, &book.src);
    let (r, gd, _) = cx.guide(&g, None);
    diags.extend(gd);
    diags.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    (diags, Some((g, r)))
}

/// A byte offset of `text` as an LSP position: line and UTF-16 column, both from 0.
pub fn position(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let col: usize = before[start..].chars().map(char::len_utf16).sum();
    (line as u32, col as u32)
}

/// A diagnostic's severity in LSP's numbers (1 error, 2 warning).
pub fn severity(d: &Diagnostic) -> u8 {
    match d.severity {
        Severity::Error => 1,
        _ => 2,
    }
}

/// One entry of the outline: a section or a step, its name and the byte range it names.
#[derive(Debug, Clone)]
pub struct Symbol {
    pub name: String,
    pub section: bool,
    pub span: std::ops::Range<usize>,
    pub children: Vec<Symbol>,
}

/// The guide's sections and their steps, for the editor's outline.
pub fn outline(g: &LoadedGuide, r: &Resolved) -> Vec<Symbol> {
    fn step(s: &crate::model::Sp<crate::model::Step>, rs: &validate::ResolvedStep) -> Symbol {
        Symbol {
            name: format!(
                "{} {}",
                rs.number,
                crate::markdown::first_sentence(&crate::markdown::plain(&s.text))
            ),
            section: false,
            span: s.span.clone(),
            children: s
                .substeps
                .iter()
                .zip(&rs.substeps)
                .map(|(s, r)| step(s, r))
                .collect(),
        }
    }
    g.guide
        .sections
        .iter()
        .zip(&r.sections)
        .map(|(s, rs)| Symbol {
            name: crate::markdown::plain(&s.title),
            section: true,
            span: s.span.clone(),
            children: s
                .steps
                .iter()
                .zip(&rs.steps)
                .map(|(s, r)| step(s, r))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn positions_count_utf16_columns() {
        let text = "a: é😀x\nb";
        assert_eq!(super::position(text, 0), (0, 0));
        let x = text.find('x').unwrap();
        assert_eq!(super::position(text, x), (0, 6)); // "a: " 3, é 1, 😀 2
        assert_eq!(super::position(text, text.len()), (1, 1));
    }
}
