//! Roster: the attendees of a print run, read from an untrusted CSV file. A header row is
//! required; UTF-8 with or without a BOM; the delimiter (comma, semicolon or tab) is found from
//! the header; quoted fields may hold newlines. Headers are normalised as exports write them
//! (Excel's, Eventbrite's, Teams': `First Name` is `first_name`), and each column is a variable
//! `attendee.<column>`; a header that cannot be a name is a problem only when the book uses
//! that column, one given twice when the handouts print it (else a warning). A header row that
//! looks like an attendee's (a roster exported without it) is refused whatever the guide uses.
//! Problems are diagnostics at `file:line:column`.

use std::ops::Range;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use crate::diag::{Code, Diagnostic};

/// A roster larger than this is not an attendee list.
pub const MAX_ROSTER_BYTES: u64 = 64 << 20;

/// The most attendees one print run takes (`stepbook handouts`): a list longer than this is
/// split and printed in parts.
pub const MAX_ROWS: usize = 20_000;

/// The longest value a roster cell may hold, in bytes: room for a name, a code or an address
/// (a QR code holds about 2,300), not a document laid out on every handout.
pub const MAX_CELL_BYTES: usize = 4096;

/// One attendee: their values by column, and where each value is in the file.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based line of the row in the file.
    pub line: usize,
    pub values: Vec<String>,
    pub spans: Vec<Range<usize>>,
}

/// A parsed roster.
#[derive(Debug, Clone)]
pub struct Roster {
    pub shown: PathBuf,
    pub text: Arc<str>,
    /// Each column's name, normalised (`first_name`).
    pub columns: Vec<String>,
    /// Each column's header as the file writes it (`First Name`), for labels and messages.
    pub headers: Vec<String>,
    /// Where each header is.
    pub header_spans: Vec<Range<usize>>,
    pub rows: Vec<Row>,
}

/// A header as a column name: letters and digits kept (lowercased), every run of anything else
/// one `_` (`First Name` → `first_name`, `E-mail Address` → `e_mail_address`).
pub fn normalise(header: &str) -> String {
    let mut out = String::new();
    for c in header.trim().trim_start_matches('\u{feff}').chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

impl Roster {
    /// The index of column `name`: the first that has it and is a usable name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The column that gives `name`'s values: `name` itself, else its alias (`promo_code` for
    /// `code` and the other way round: exports call the code either).
    pub fn column_for(&self, name: &str) -> Option<usize> {
        self.column(name)
            .or_else(|| alias(name).and_then(|a| self.column(a)))
    }
}

/// The other name of a column the book may quote by either (`code`, `promo_code`).
pub fn alias(name: &str) -> Option<&'static str> {
    match name {
        "code" => Some("promo_code"),
        "promo_code" => Some("code"),
        _ => None,
    }
}

/// The delimiter of a CSV text: the one of `,` `;` tab found most often in its first line
/// (outside quotes).
fn delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Parses roster text.
pub fn parse(text: &str, shown: &Path) -> Result<Roster, Vec<Diagnostic>> {
    if text.trim().is_empty() {
        return Err(vec![empty(shown)]);
    }
    let delim = delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let err = |span: Range<usize>, msg: String, help: &str| {
        Diagnostic::error(Code::E024, shown, msg)
            .at(span)
            .help(help.to_owned())
    };
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![err(
                0..0,
                format!("the roster's header row cannot be read: {e}"),
                "the first row names the columns, e.g. `name,code`",
            )]);
        }
    };
    let raw: Vec<String> = headers.iter().map(|h| h.trim().to_owned()).collect();
    let columns: Vec<String> = raw.iter().map(|h| normalise(h)).collect();
    let header_spans = field_spans(text, 0, delim, columns.len());
    let mut problems = header_problems(&raw, &err);
    let mut rows = Vec::new();
    // Lines counted as the rows go, from where the last one started (linear in the file).
    let (mut counted_to, mut line) = (0usize, 1usize);
    for record in reader.records() {
        match record {
            Ok(r) => {
                let pos = r.position().cloned().unwrap_or_else(csv::Position::new);
                // After a CRLF (as Excel writes), the reader places a record at the `\n` that
                // ends the row before: the record starts after the line breaks.
                let mut start = (pos.byte() as usize).min(text.len());
                while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
                    start += 1;
                }
                line += text.as_bytes()[counted_to.min(start)..start]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                counted_to = counted_to.max(start);
                let row = Row {
                    line,
                    values: r.iter().map(|v| v.trim().to_owned()).collect(),
                    spans: field_spans(text, start, delim, r.len()),
                };
                if rows.len() == MAX_ROWS {
                    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
                    problems.push(err(
                        start..end,
                        format!("the roster has more than {MAX_ROWS} attendees; this is row {} (attendee {})", row.line, MAX_ROWS + 1),
                        "split the roster into files of at most 20,000 rows (each with the header row) and print each",
                    ).label("one too many"));
                    break;
                }
                problems.extend(too_long(&row, &err));
                rows.push(row);
            }
            Err(e) => problems.push(bad_record(&e, text, &err)),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Roster {
        shown: shown.to_path_buf(),
        text: Arc::from(text),
        columns,
        headers: raw,
        header_spans,
        rows,
    })
}

/// The error for a roster file with nothing in it (not even a header row).
fn empty(shown: &Path) -> Diagnostic {
    Diagnostic::error(Code::E024, shown, "the roster is empty").help(
        "export the attendee list with its header row, e.g. `name,code`, and a row per attendee",
    )
}

/// The problem of the header row found while parsing: none at all. (A header that cannot be a
/// name is a problem only for a column the book uses: see [`check`]; one given twice, see
/// `roster_check::printed`.)
fn header_problems(
    headers: &[String],
    err: &impl Fn(Range<usize>, String, &str) -> Diagnostic,
) -> Vec<Diagnostic> {
    if headers.iter().all(String::is_empty) {
        return vec![err(
            0..0,
            "the roster has no header row".into(),
            "the first row names the columns, e.g. `name,code`",
        )];
    }
    Vec::new()
}

/// The error for a column `u` the guide uses that the roster lacks.
fn missing_column(roster: &Roster, u: &str) -> Diagnostic {
    let header = 0..roster.text.find('\n').unwrap_or(roster.text.len());
    let present = roster
        .columns
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let d = Diagnostic::error(
        Code::E024,
        &roster.shown,
        format!("the guide uses `{{{{ attendee.{u} }}}}` but the roster has no column `{u}`"),
    )
    .at(header)
    .label("the header row");
    match crate::diag::did_you_mean(u, roster.columns.iter().map(String::as_str)) {
        // The guide's placeholder is elsewhere (not in the roster): no fix, words only.
        Some(m) => d.help(format!(
            "{} the roster has {present}",
            crate::diag::suggestion(m)
        )),
        None => d.help(format!("add a column `{u}`; the roster has {present}")),
    }
}

/// The problem of a row the CSV reader cannot read, at that row.
fn bad_record(
    e: &csv::Error,
    text: &str,
    err: &impl Fn(Range<usize>, String, &str) -> Diagnostic,
) -> Diagnostic {
    let at = e.position().map_or(0, |p| p.byte() as usize);
    let msg = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "this row has {len} field{} where the header has {expected_len}",
            if *len == 1 { "" } else { "s" }
        ),
        _ => format!("this row cannot be read: {e}"),
    };
    let end = text[at.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| at + i);
    err(
        at..end,
        msg,
        "every row has one value per column (quote a value that holds the delimiter)",
    )
}

/// Errors for the values of `row` longer than [`MAX_CELL_BYTES`].
fn too_long(row: &Row, err: &impl Fn(Range<usize>, String, &str) -> Diagnostic) -> Vec<Diagnostic> {
    row.values
        .iter()
        .zip(&row.spans)
        .filter(|(v, _)| v.len() > MAX_CELL_BYTES)
        .map(|(v, span)| {
            err(
                span.start..span.start,
                format!(
                    "this value is {} bytes long; a roster value holds at most {MAX_CELL_BYTES}",
                    v.len()
                ),
                "a cell is a name, a code or an address: shorten it (a long text belongs in the guide)",
            )
            .label("too long")
        })
        .collect()
}

/// Where each of the first `n` fields of the record starting at `start` is in the text.
fn field_spans(text: &str, start: usize, delim: u8, n: usize) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut spans = Vec::with_capacity(n);
    let mut i = start.min(b.len());
    let mut field_start = i;
    let mut quoted = false;
    while i < b.len() && spans.len() < n {
        let c = b[i];
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted && (c == delim || c == b'\n' || c == b'\r') {
            spans.push(field_start..i);
            if c != delim {
                break;
            }
            field_start = i + 1;
        }
        i += 1;
    }
    if spans.len() < n {
        spans.push(field_start..i);
    }
    spans.resize(n, i..i);
    spans
}

/// "row 3 has no `Promo Code`…": the column named as the roster's header writes it, and as the
/// guide quotes it when that differs (`Promo Code` for `{{ attendee.code }}`).
fn empty_used(roster: &Roster, col: usize, used: &str, line: usize) -> String {
    let header = roster.headers.get(col).map_or(used, String::as_str);
    if header == used {
        format!("row {line} has no `{used}`, which the guide prints")
    } else {
        format!(
            "row {line} has no `{header}`, which the guide prints as `{{{{ attendee.{used} }}}}`"
        )
    }
}

/// Checks the roster against the columns the guide uses (`used`, `attendee.<column>`): each
/// must exist (`promo_code` gives `code`, and the other way round), and no row may leave one
/// empty. Duplicate values in the code column are warnings. (A header row that looks like data
/// is checked before: `roster_check::header_is_data`.)
pub fn check(roster: &Roster, used: &[String]) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for u in used {
        let Some(col) = roster.column_for(u) else {
            errors.push(missing_column(roster, u));
            continue;
        };
        for row in &roster.rows {
            if row.values.get(col).is_none_or(|v| v.is_empty()) {
                errors.push(
                    Diagnostic::error(
                        Code::E024,
                        &roster.shown,
                        empty_used(roster, col, u, row.line),
                    )
                    .at(row.spans.get(col).cloned().unwrap_or(0..0))
                    .label("empty")
                    .help("fill it in, or remove the row"),
                );
            }
        }
    }
    if roster.rows.is_empty() {
        errors.push(
            Diagnostic::error(Code::E024, &roster.shown, "the roster has no attendees")
                .at(0..roster.text.find('\n').unwrap_or(roster.text.len()))
                .label("a header row and nothing under it")
                .help("add a row per attendee under the header, or leave out --roster to print one handout with lines to fill in"),
        );
    }
    errors.extend(check_urls(roster));
    if let Some(col) = roster.column_for("code") {
        let mut seen: std::collections::HashMap<&str, usize> = Default::default();
        for row in &roster.rows {
            let Some(v) = row.values.get(col).filter(|v| !v.is_empty()) else {
                continue;
            };
            if let Some(first) = seen.get(v.as_str()) {
                warnings.push(
                    Diagnostic::warning(
                        Code::W015,
                        &roster.shown,
                        format!("code `{v}` is on row {first} and on row {}", row.line),
                    )
                    .at(row.spans.get(col).cloned().unwrap_or(0..0))
                    .label("the same code again")
                    .help("each attendee needs their own code; check the list you were given"),
                );
            } else {
                seen.insert(v, row.line);
            }
        }
    }
    (errors, warnings)
}

/// The `url` column's values: each goes into a QR code that a phone opens at once, so only a
/// web address (`http://`, `https://`, with a host) is taken; `javascript:`, `WIFI:` (which
/// joins a network), `mailto:`, `tel:` and the like would do something else than open a page.
fn check_urls(roster: &Roster) -> Vec<Diagnostic> {
    let Some(col) = roster.columns.iter().position(|c| c == "url") else {
        return Vec::new();
    };
    roster
        .rows
        .iter()
        .filter_map(|row| {
            let v = row.values.get(col).filter(|v| !v.is_empty())?;
            if web_address(v) {
                return None;
            }
            let shown: String = v.chars().take(60).collect();
            Some(
                Diagnostic::error(
                    Code::E024,
                    &roster.shown,
                    format!(
                        "row {} has `url` `{}`{}, which is not a web address",
                        row.line,
                        shown.escape_debug(),
                        if shown.len() < v.len() { "…" } else { "" }
                    ),
                )
                .at(row.spans.get(col).cloned().unwrap_or(0..0))
                .label("not http(s)")
                .help("a QR code opens its address on a phone at once: give an http:// or https:// address with a host (other schemes such as `javascript:`, `WIFI:` or `tel:` are refused), or leave it empty for the guide's address"),
            )
        })
        .collect()
}

/// An `http://` or `https://` address with a host, and nothing a link cannot hold.
pub fn web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && crate::config::base_url_ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_quotes_and_positions() {
        let text = "\u{feff}name;code\n\"Lovelace; Ada\";A-1\n\"Multi\nline\";B-2\n";
        let r = parse(text.trim_start_matches('\u{feff}'), Path::new("r.csv")).unwrap();
        assert_eq!(r.columns, ["name", "code"]);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].values, ["Lovelace; Ada", "A-1"]);
        assert_eq!(r.rows[1].values[0], "Multi\nline");
        assert_eq!(r.rows[1].line, 3);
        let t = text.trim_start_matches('\u{feff}');
        assert_eq!(&t[r.rows[0].spans[1].clone()], "A-1");
        assert_eq!(delimiter("a\tb,c\td\n"), b'\t');
    }

    #[test]
    fn rows_of_a_crlf_file_are_placed_on_their_own_lines() {
        // As Excel saves CSV: each problem pointed at the row before, at its end.
        let text = "name;code;url\r\nAnna;A;https://e.org/a\r\nIvan;B;javascript:x\r\n";
        let r = parse(text, Path::new("r.csv")).unwrap();
        assert_eq!(r.rows.len(), 2);
        assert_eq!((r.rows[0].line, r.rows[1].line), (2, 3));
        assert_eq!(&text[r.rows[1].spans[0].clone()], "Ivan");
        assert_eq!(&text[r.rows[1].spans[2].clone()], "javascript:x");
    }

    #[test]
    fn checks_against_the_guide() {
        let r = parse("name,code\nAda,X\nBob,\nCy,X\n", Path::new("r.csv")).unwrap();
        let (errors, warnings) = check(&r, &["code".into(), "cod".into()]);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].message.contains("row 3 has no `code`"));
        assert!(
            errors[1]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `code`?")
        );
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("row 2 and on row 4"));
    }
}
