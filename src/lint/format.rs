//! Lint: report formats. `human` (rustc-style, to stderr), `json` (a stable schema, documented in
//! the README), `github` (workflow commands that annotate the pull request's lines) and `junit`.

use std::fmt::Write as _;

use serde::Serialize;

use super::{LintReport, Stats};
use crate::diag::{Diagnostic, Severity, Sources};

#[derive(Serialize)]
struct JsonReport<'a> {
    /// Version of this schema; changes only when a field is removed or changes meaning.
    version: u32,
    summary: JsonSummary<'a>,
    problems: Vec<JsonProblem<'a>>,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    errors: usize,
    warnings: usize,
    #[serde(flatten)]
    stats: &'a Stats,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    severity: Severity,
    code: &'a str,
    file: String,
    /// 1-based; absent when the problem has no place in the file.
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    help: Option<&'a str>,
    /// The change that repairs the problem (what the help suggests), when there is one.
    fix: Option<JsonFix<'a>>,
}

/// Replace the text from `start` to `end` (exclusive) with `replacement`.
#[derive(Serialize)]
struct JsonFix<'a> {
    start: JsonPlace,
    end: JsonPlace,
    replacement: &'a str,
}

/// 1-based line and column (in characters), as a problem's own.
#[derive(Serialize)]
struct JsonPlace {
    line: usize,
    column: usize,
}

/// A diagnostic's fix, placed in its file (none when the file's text is not known).
fn fix<'a>(d: &'a Diagnostic, sources: &Sources) -> Option<JsonFix<'a>> {
    let fix = d.fix.as_ref()?;
    let place = |offset| {
        let (line, column) = sources.line_col(&d.file, offset)?;
        Some(JsonPlace { line, column })
    };
    Some(JsonFix {
        start: place(fix.span.start)?,
        end: place(fix.span.end)?,
        replacement: &fix.replacement,
    })
}

/// Where a diagnostic is: 1-based line and column (from the file's line index, built once: a
/// scan from the file's start for each problem made 40,000 problems take 19 s).
fn place(d: &Diagnostic, sources: &Sources) -> Option<(usize, usize)> {
    sources.line_col(&d.file, d.span.as_ref()?.start)
}

pub fn json(r: &LintReport) -> String {
    let problems = r
        .diagnostics
        .items
        .iter()
        .map(|d| {
            let at = place(d, &r.sources);
            JsonProblem {
                severity: d.severity,
                code: d.code.as_str(),
                file: d.file.display().to_string(),
                line: at.map(|p| p.0),
                column: at.map(|p| p.1),
                message: &d.message,
                help: d.help.as_deref(),
                fix: fix(d, &r.sources),
            }
        })
        .collect();
    let report = JsonReport {
        version: 1,
        summary: JsonSummary {
            errors: r.diagnostics.errors(),
            warnings: r.diagnostics.warnings(),
            stats: &r.stats,
        },
        problems,
    };
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}

/// Escapes for workflow command data (`%`, CR, LF) and properties (also `:` and `,`); other
/// control characters are written as escapes.
fn gh_escape(s: &str, property: bool) -> String {
    let mut out = crate::diag::printable(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

pub fn github(r: &LintReport) -> String {
    let mut out = String::new();
    for d in &r.diagnostics.items {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = format!("file={}", gh_escape(&d.file.display().to_string(), true));
        if let Some((line, col)) = place(d, &r.sources) {
            let _ = write!(props, ",line={line},col={col}");
        }
        let _ = write!(
            props,
            ",title={}",
            gh_escape(&format!("stepbook {}", d.code), true)
        );
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            let _ = write!(message, "\nhelp: {h}");
        }
        let _ = writeln!(out, "::{kind} {props}::{}", gh_escape(&message, false));
    }
    out
}

/// Text for XML 1.0 (attribute or element): markup escaped, and the control characters XML
/// cannot hold at all (even as references) written as `\u{..}` escapes.
fn xml(s: &str) -> String {
    crate::markdown::escape_html(&crate::diag::printable(s))
}

pub fn junit(r: &LintReport) -> String {
    let mut cases = String::new();
    let mut failures = 0;
    // Each file once, in the order seen, with its errors: one pass over the problems (a search
    // of the list of files per problem, and of the problems per file, was quadratic).
    let mut files: Vec<(String, Vec<&Diagnostic>)> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let names = r.files.iter().map(|f| (f.display().to_string(), None));
    let problems = r
        .diagnostics
        .items
        .iter()
        .map(|d| (d.file.display().to_string(), Some(d)));
    for (name, d) in names.chain(problems) {
        let i = *at.entry(name.clone()).or_insert_with(|| {
            files.push((name, Vec::new()));
            files.len() - 1
        });
        if let Some(d) = d.filter(|d| d.severity == Severity::Error) {
            files[i].1.push(d);
        }
    }
    for (file, problems) in &files {
        let _ = write!(
            cases,
            "    <testcase classname=\"stepbook.lint\" name=\"{}\"",
            xml(file)
        );
        if problems.is_empty() {
            cases.push_str("/>\n");
            continue;
        }
        failures += 1;
        cases.push_str(">\n");
        for d in problems {
            let at = place(d, &r.sources)
                .map(|(l, c)| format!("{}:{l}:{c}", d.file.display()))
                .unwrap_or_else(|| d.file.display().to_string());
            let _ = writeln!(
                cases,
                "      <failure type=\"{}\" message=\"{}\">{}: {}{}</failure>",
                d.code,
                xml(&d.message),
                xml(&at),
                xml(&d.message),
                d.help
                    .as_deref()
                    .map(|h| format!("\nhelp: {}", xml(h)))
                    .unwrap_or_default()
            );
        }
        cases.push_str("    </testcase>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"stepbook lint\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n{cases}  </testsuite>\n</testsuites>\n",
        files.len()
    )
}

/// The one-line summary of the human format.
pub fn summary(r: &LintReport) -> String {
    let s = &r.stats;
    let mut line = format!(
        "linted {} guide{}: {} local screenshot{}, {} remote screenshot{}, {} link{}",
        s.guides,
        plural(s.guides),
        s.local_images,
        plural(s.local_images),
        s.remote_images,
        plural(s.remote_images),
        s.links,
        plural(s.links)
    );
    if s.skipped_offline > 0 {
        let _ = write!(line, " ({} URLs not checked: --offline)", s.skipped_offline);
    } else {
        let _ = write!(
            line,
            " ({} URLs: {} from the cache, {} requests)",
            s.urls, s.from_cache, s.requests
        );
    }
    line
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
