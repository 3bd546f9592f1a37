//! Diagnostics: typed problems in the user's content (severity, code, file, span, message, help),
//! collected by every stage and rendered rustc-style with annotate-snippets.

mod code;
pub use code::Code;
mod failure;
pub use failure::Failure;
mod fix;
pub use fix::{Fix, suggestion};
mod lines;
pub use lines::LineIndex;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// How bad a problem is. Errors stop a build; warnings do not unless `--deny-warnings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a file the user wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, e.g. `E010`. Documented in the README.
    pub code: Code,
    /// Path of the file, as shown to the user (relative to the book root where possible).
    pub file: PathBuf,
    /// Byte range in the file's text, when the problem has a place.
    pub span: Option<Range<usize>>,
    pub message: String,
    /// Short text under the caret.
    pub label: Option<String>,
    pub help: Option<String>,
    /// The change that repairs it, when there is one (the help says it too: see [`Self::suggest`]).
    pub fix: Option<Fix>,
    /// Other places that explain the problem (the first use of a duplicate id), for editors.
    pub related: Vec<Related>,
}

/// Another place a diagnostic points at: a file (the path a reader opens) and a byte range in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub file: PathBuf,
    pub span: Range<usize>,
    pub message: String,
}

impl Diagnostic {
    /// A problem with its code's default severity.
    pub fn new(code: Code, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.default_severity(),
            code,
            file: file.into(),
            span: None,
            message: message.into(),
            label: None,
            help: None,
            fix: None,
            related: Vec::new(),
        }
    }

    /// An error (the code's default severity must be error; checked in debug builds).
    pub fn error(code: Code, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        debug_assert_eq!(code.default_severity(), Severity::Error, "{code}");
        Diagnostic::new(code, file, message)
    }

    /// A warning (the code's default severity must be warning; checked in debug builds).
    pub fn warning(code: Code, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        debug_assert_eq!(code.default_severity(), Severity::Warning, "{code}");
        Diagnostic::new(code, file, message)
    }

    pub fn at(mut self, span: Range<usize>) -> Self {
        self.span = Some(span);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Offers `fix` and says so in the help ("did you mean `x`?"), so the help and the fix an
    /// editor applies cannot disagree.
    pub fn suggest(self, fix: Fix) -> Self {
        self.suggest_then(fix, "")
    }

    /// [`Self::suggest`], with `more` help after the question.
    pub fn suggest_then(mut self, fix: Fix, more: &str) -> Self {
        let mut help = fix.did_you_mean();
        if !more.is_empty() {
            help.push(' ');
            help.push_str(more);
        }
        self.help = Some(help);
        self.fix = Some(fix);
        self
    }

    /// Points also at `span` of `file`, saying `message`.
    pub fn related(
        mut self,
        file: PathBuf,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The text of every file diagnostics may point into, keyed by the path shown to the user.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: HashMap<PathBuf, Source>,
}

/// A file's text and, once a diagnostic needs it, where each of its lines starts.
#[derive(Debug, Clone)]
struct Source {
    text: Arc<str>,
    lines: std::sync::OnceLock<LineIndex>,
}

impl Source {
    /// The index of its lines (built once, so each diagnostic finds its line by binary search
    /// instead of a scan of the file).
    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }
}

impl Sources {
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: Arc<str>) {
        self.files.insert(
            path.into(),
            Source {
                text,
                lines: std::sync::OnceLock::new(),
            },
        );
    }

    pub fn get(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(|s| &*s.text)
    }

    /// 1-based line and column (in characters) of a byte offset of the file at `path`.
    pub fn line_col(&self, path: &Path, offset: usize) -> Option<(usize, usize)> {
        let src = self.files.get(path)?;
        Some(src.lines().line_col(&src.text, offset))
    }

    /// The lines around `span` in the file at `path`: (text of those lines, number of the
    /// first, span relative to that text).
    fn excerpt(&self, path: &Path, span: &Range<usize>) -> Option<(&str, usize, Range<usize>)> {
        let src = self.files.get(path)?;
        let text = &*src.text;
        let starts = src.lines().starts();
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
        let first = starts.partition_point(|&o| o <= start).saturating_sub(1);
        // A long span is shown by its first lines; the rest would only scroll.
        let last = starts
            .partition_point(|&o| o <= end.saturating_sub(1).max(start))
            .saturating_sub(1)
            .min(first + 5);
        let from = starts[first];
        let to = starts.get(last + 1).map_or(text.len(), |&o| o);
        let to = to.max(from);
        let rel_end = end.min(to).max(start) - from;
        // A very long line (a megabyte of CSV cell) is cut a little after the span: what comes
        // before it stays, so the column shown is still right.
        let to = floor_char_boundary(text, to.min(from + rel_end + 240)).max(from + rel_end);
        Some((&text[from..to], first + 1, start - from..rel_end))
    }

    pub fn extend(&mut self, other: Sources) {
        self.files.extend(other.files);
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Byte offset of a 1-based line and character column; clamps to the text.
pub fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let line_end = line_text.find('\n').unwrap_or(line_text.len());
    line_text[..line_end]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(start + line_end, |(i, _)| start + i)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A list of diagnostics from one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Every diagnostic, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.items.len() - self.errors()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Stable order: by file, then position, then code.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (
                &a.file,
                a.span.as_ref().map(|s| s.start),
                a.code,
                &a.message,
            )
                .cmp(&(
                    &b.file,
                    b.span.as_ref().map(|s| s.start),
                    b.code,
                    &b.message,
                ))
        });
        self.items.dedup();
    }

    /// Renders every diagnostic, rustc-style, followed by a one-line summary.
    pub fn render(&self, sources: &Sources, color: bool) -> String {
        let mut out = String::new();
        let mut i = 0;
        while i < self.items.len() {
            // The diagnostics of one file are together (sorted); at most MAX_SHOWN_PER_FILE
            // of them are shown, then how many more there are.
            let file = &self.items[i].file;
            let n = self.items[i..]
                .iter()
                .take_while(|d| &d.file == file)
                .count();
            for d in &self.items[i..i + n.min(MAX_SHOWN_PER_FILE)] {
                out.push_str(&render_one(d, sources, color));
                out.push_str("\n\n");
            }
            if n > MAX_SHOWN_PER_FILE {
                let _ = writeln!(
                    out,
                    "note: {} more problems in `{}` are not shown; fix these first\n",
                    n - MAX_SHOWN_PER_FILE,
                    file.display()
                );
            }
            i += n;
        }
        let (e, w) = (self.errors(), self.warnings());
        if e + w > 0 {
            let _ = write!(out, "{}", summary(e, w));
            out.push('\n');
        }
        out
    }
}

/// "2 errors, 1 warning" style summary.
/// Diagnostics shown for one file; a file with thousands of problems (a generated or
/// mangled file) would otherwise bury the terminal and take long to print.
pub const MAX_SHOWN_PER_FILE: usize = 50;

/// `shown` joined with `rel`, without a leading `./`.
pub fn shown_path(shown: &Path, rel: &Path) -> PathBuf {
    let joined = shown.join(rel);
    match joined.strip_prefix(".") {
        Ok(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => joined,
    }
}

pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w) => format!("found {}", plural(w, "warning")),
        (e, 0) => format!("found {}", plural(e, "error")),
        (e, w) => format!("found {} and {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// `s` with control characters other than line breaks and tabs written as escapes (`\u{1b}`):
/// file names and values are untrusted, and a raw ESC sequence could rewrite the terminal, a NUL
/// or a form feed break a report.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unprintable) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if is_unprintable(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

fn is_unprintable(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\t')
}

pub fn render_one(d: &Diagnostic, sources: &Sources, color: bool) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = printable(&d.file.to_string_lossy()).into_owned();
    let message = printable(&d.message);
    let title = level.primary_title(message.as_ref()).id(d.code.as_str());
    let label = d.label.as_deref().map(printable);
    let help = d.help.as_deref().map(printable);
    let excerpt = d
        .span
        .as_ref()
        .and_then(|span| sources.excerpt(&d.file, span));
    let mut group: Group = match (excerpt, &d.span) {
        (Some((text, line, span)), Some(_)) => {
            // The source line as shown: a raw control byte in the file must not reach the
            // terminal; each is replaced by a character of the same length, so spans still fit.
            let text: std::borrow::Cow<'_, str> =
                if text.chars().any(|c| is_unprintable(c) && c != '\r') {
                    text.chars()
                        .map(|c| match c {
                            '\r' => c,
                            c if is_unprintable(c) && c.len_utf8() == 1 => '?',
                            c if is_unprintable(c) => '¿',
                            c => c,
                        })
                        .collect::<String>()
                        .into()
                } else {
                    text.into()
                };
            let mut ann = AnnotationKind::Primary.span(span);
            if let Some(label) = &label {
                ann = ann.label(label.as_ref());
            }
            title.element(
                Snippet::source(text)
                    .line_start(line)
                    .path(path.as_str())
                    .annotation(ann),
            )
        }
        (_, span) => {
            let mut origin = Origin::path(path.as_str());
            if let Some(span) = span
                && let Some((line, col)) = sources.line_col(&d.file, span.start)
            {
                origin = origin.line(line).char_column(col);
            }
            title.element(origin)
        }
    };
    if let Some(help) = &help {
        group = group.element(Level::HELP.message(help.as_ref()));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&[group])
}

/// The candidate most similar to `word` (Jaro-Winkler), if similar enough (> 0.8) to be a
/// plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\ncé x\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        let x = t.find('x').unwrap();
        assert_eq!(line_col(t, x), (2, 4));
        assert_eq!(offset_of(t, 2, 4), x);
        assert_eq!(offset_of(t, 9, 1), t.len());
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let keys = ["title", "sections", "summary"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("section", keys), Some("sections"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }

    #[test]
    fn renders_rustc_style() {
        let mut s = Sources::default();
        s.insert("g.yaml", Arc::from("title: x\nbad: 1\n"));
        let d = Diagnostic::error(Code::E002, "g.yaml", "unknown field `bad`")
            .at(9..12)
            .label("not a guide field")
            .help("remove it");
        let out = render_one(&d, &s, false);
        assert!(out.contains("error[E002]: unknown field `bad`"), "{out}");
        assert!(out.contains("--> g.yaml:2:1"), "{out}");
        assert!(out.contains("^^^ not a guide field"), "{out}");
        assert!(out.contains("help: remove it"), "{out}");
    }
}
