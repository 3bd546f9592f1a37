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

/// JUnit XML for CI test reports (GitLab, Jenkins, Azure DevOps show one result per test case,
/// so several failures in one case showed only the first): one test case per problem, and one
/// passing case per guide without problems. `suite` names the command (`stepbook check`,
/// `stepbook lint`). Errors are `<failure>`s; warnings are `<skipped>` cases, which the common
/// consumers list (with their text) without failing the run, as warnings do; with
/// `deny_warnings` they fail the run, so they are failures too.
pub fn junit(r: &LintReport, suite: &str, deny_warnings: bool) -> String {
    let mut cases = String::new();
    let (mut failures, mut skipped) = (0, 0);
    // Files with problems, to give a passing case only to the others (a set: a search of the
    // problems per file was quadratic).
    let with_problems: std::collections::HashSet<&std::path::Path> = r
        .diagnostics
        .items
        .iter()
        .map(|d| d.file.as_path())
        .collect();
    let mut tests = 0;
    for file in &r.files {
        if !with_problems.contains(file.as_path()) {
            tests += 1;
            let _ = writeln!(
                cases,
                "    <testcase classname=\"{}\" name=\"no problems\"/>",
                xml(&file.display().to_string())
            );
        }
    }
    for d in &r.diagnostics.items {
        tests += 1;
        let file = d.file.display().to_string();
        let at = place(d, &r.sources);
        let name = match at {
            Some((l, c)) => format!("{} at line {l}, column {c}", d.code),
            None => d.code.to_string(),
        };
        let mut text = match at {
            Some((l, c)) => format!("{file}:{l}:{c}: {}", d.message),
            None => format!("{file}: {}", d.message),
        };
        if let Some(h) = &d.help {
            let _ = write!(text, "\nhelp: {h}");
        }
        let result = match d.severity {
            Severity::Warning if !deny_warnings => {
                skipped += 1;
                format!(
                    "<skipped message=\"warning {}: {}\">{}</skipped>",
                    d.code,
                    xml(&d.message),
                    xml(&text)
                )
            }
            _ => {
                failures += 1;
                format!(
                    "<failure type=\"{}\" message=\"{}\">{}</failure>",
                    d.code,
                    xml(&d.message),
                    xml(&text)
                )
            }
        };
        let _ = writeln!(
            cases,
            "    <testcase classname=\"{}\" name=\"{}\">\n      {result}\n    </testcase>",
            xml(&file),
            xml(&name)
        );
    }
    let counts = format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"0\"");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{suite}\" {counts}>\n  <testsuite name=\"{suite}\" {counts} skipped=\"{skipped}\">\n{cases}  </testsuite>\n</testsuites>\n",
        suite = xml(suite)
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
