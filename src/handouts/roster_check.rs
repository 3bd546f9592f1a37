//! Roster checks that need more than the guide: a header row that is an attendee's (a roster
//! exported without its header, refused whatever the guide uses), a column the handouts print
//! given twice or left empty on some rows, and a file that is not UTF-8 (refused at its first
//! bad byte, saying how Excel saves UTF-8).

use std::path::Path;

use crate::diag::{Code, Diagnostic};
use crate::handouts::roster::{Roster, alias};

/// Columns that hold a person's given name (normalised headers).
pub(super) const GIVEN_NAMES: &[&str] = &[
    "first_name",
    "given_name",
    "first",
    "given",
    "firstname",
    "givenname",
    "forename",
];

/// Columns that hold a person's family name (normalised headers).
pub(super) const FAMILY_NAMES: &[&str] = &[
    "last_name",
    "family_name",
    "last",
    "family",
    "lastname",
    "familyname",
    "surname",
];

/// Most rows one warning names; the rest are counted.
const ROWS_NAMED: usize = 10;

/// The error for a header row that looks like an attendee's: a cell that is an email address,
/// a web address or a code (`PASS-0001`), or no column that the handouts print, the guide uses
/// or `show` names, and none that looks like a name, a code or an address. The row would be
/// taken as the columns' names and its attendee lost, and every handout printed anonymous.
pub(super) fn header_is_data(
    roster: &Roster,
    used: &[String],
    show: Option<&[String]>,
) -> Option<Diagnostic> {
    let known = |c: &String| {
        used.contains(c)
            || alias(c).is_some_and(|a| used.iter().any(|u| u == a))
            || show.is_some_and(|s| s.contains(c))
            || person_column(c)
    };
    // A row naming a column the handouts know is a header, whatever else it holds: a cell
    // like `AZ-104` there is a column of its own, not an attendee's code.
    let names_one = roster.columns.iter().any(known);
    let why = roster
        .headers
        .iter()
        .find_map(|h| {
            data_cell(h)
                .filter(|what| !names_one || *what != "looks like a code")
                .map(|what| format!("`{h}` {what}"))
        })
        .or_else(|| {
            (!names_one).then(|| {
                format!(
                    "none of {} names a column the handouts print (a name or a code)",
                    crate::handouts::quoted_list(&roster.headers)
                )
            })
        })?;
    let header = 0..roster.text.find('\n').unwrap_or(roster.text.len());
    Some(
        Diagnostic::error(
            Code::E024,
            &roster.shown,
            format!("the first row looks like data, not a header: {why}"),
        )
        .at(header)
        .label("an attendee, not the columns' names")
        .help(
            "export the roster with its header row, or add one naming the columns first, e.g. \
             `first_name,last_name,email,code` (this row would be taken as the header and its \
             attendee lost); if it does name the columns, list those to print in `[handouts] show`",
        ),
    )
}

/// Why a header cell is an attendee's value, if it looks like one.
fn data_cell(h: &str) -> Option<&'static str> {
    let h = h.trim();
    if let Some((user, host)) = h.split_once('@')
        && !user.is_empty()
        && host.contains('.')
    {
        return Some("is an email address");
    }
    let lower = h.to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("www.") {
        return Some("is a web address");
    }
    // Letters and digits joined by hyphens, as codes are (`PASS-0001`, `A-1`); a header has
    // words (`Address 2`), not these.
    let code = h.contains('-')
        && h.chars().any(|c| c.is_ascii_digit())
        && h.chars().all(|c| c.is_alphanumeric() || c == '-');
    code.then_some("looks like a code")
}

/// Whether a column (normalised) names a person, their code or an address: the columns a
/// header row of an attendee list has.
fn person_column(c: &str) -> bool {
    ["name", "code", "mail", "url", "phone"]
        .iter()
        .any(|w| c.contains(w))
        || GIVEN_NAMES.contains(&c)
        || FAMILY_NAMES.contains(&c)
}

/// The problems of the columns the handouts print (`show`) or the guide uses (`used`): one
/// given twice is an error (which of the two to print is a guess); another column given twice a
/// warning (`W028`); a printed column left empty on some rows one warning (`W027`) naming them.
/// (An empty used column is already an error: `roster::check`.)
pub(super) fn printed(
    roster: &Roster,
    show: &[String],
    used: &[String],
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let needed = |c: &str| {
        let named = |c: &str| show.iter().chain(used).any(|s| s == c);
        named(c) || alias(c).is_some_and(named)
    };
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    for (i, c) in roster.columns.iter().enumerate() {
        let Some(first) = roster.columns[..i].iter().position(|p| p == c) else {
            continue;
        };
        if c.is_empty() {
            continue;
        }
        let message = format!(
            "the header names column `{c}` twice, `{}` and `{}` (columns {} and {})",
            roster.headers[first],
            roster.headers[i],
            first + 1,
            i + 1
        );
        let span = roster.header_spans.get(i).cloned().unwrap_or(0..0);
        if needed(c) {
            errors.push(
                Diagnostic::error(Code::E024, &roster.shown, message)
                    .at(span)
                    .label(format!("`{}` again", roster.headers[first]))
                    .help("rename or remove one of them: the handouts print one column per name"),
            );
        } else {
            warnings.push(
                Diagnostic::warning(Code::W028, &roster.shown, message)
                    .at(span)
                    .label("ignored")
                    .help("only the first is read; rename this one to use it"),
            );
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for c in show {
        let in_used = used.contains(c) || alias(c).is_some_and(|a| used.iter().any(|u| u == a));
        if in_used || seen.contains(&c.as_str()) {
            continue;
        }
        seen.push(c);
        warnings.extend(blanks(roster, c));
    }
    (errors, warnings)
}

/// `W027` for the rows that leave column `c` empty: one warning at the first, naming the rest.
fn blanks(roster: &Roster, c: &str) -> Option<Diagnostic> {
    let col = roster.column(c)?;
    let empty: Vec<&crate::handouts::roster::Row> = roster
        .rows
        .iter()
        .filter(|r| r.values.get(col).is_none_or(|v| v.trim().is_empty()))
        .collect();
    let first = empty.first()?;
    let lines: Vec<usize> = empty.iter().map(|r| r.line).collect();
    let of = if empty.len() > 1 {
        format!(" ({} of {} attendees)", empty.len(), roster.rows.len())
    } else {
        String::new()
    };
    Some(
        Diagnostic::warning(
            Code::W027,
            &roster.shown,
            format!(
                "`{}` is empty on {}{of}: their handouts print a line to fill in for it",
                roster.headers[col],
                rows_named(&lines)
            ),
        )
        .at(first.spans.get(col).cloned().unwrap_or(0..0))
        .label("empty")
        .help("fill those rows in and print again, or write it on their handouts by hand"),
    )
}

/// "row 8", "rows 8, 51 and 201", "rows 8, 9, … and 12 more".
fn rows_named(lines: &[usize]) -> String {
    let shown: Vec<String> = lines
        .iter()
        .take(ROWS_NAMED)
        .map(ToString::to_string)
        .collect();
    match (lines.len(), shown.split_last()) {
        (1, _) => format!("row {}", lines[0]),
        (n, _) if n > ROWS_NAMED => {
            format!("rows {} and {} more", shown.join(", "), n - ROWS_NAMED)
        }
        (_, Some((last, rest))) => format!("rows {} and {last}", rest.join(", ")),
        _ => String::new(),
    }
}

/// The roster's bytes that are not UTF-8: an error at the first bad byte (with the text, its
/// bad bytes replaced, to show it in), saying how Excel saves a UTF-8 CSV.
pub(super) fn not_utf8(bytes: &[u8], valid_up_to: usize, shown: &Path) -> (Diagnostic, String) {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    let mut at = valid_up_to;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
        at = at.saturating_sub(3);
    }
    let byte = bytes.get(valid_up_to).copied().unwrap_or(0);
    let d = Diagnostic::error(
        Code::E024,
        shown,
        format!("the roster is not UTF-8 text: byte 0x{byte:02X} here is not UTF-8 (Excel's plain \"CSV\" writes Windows-1252)"),
    )
    .at(at..at)
    .label("not UTF-8")
    .help(
        "in Excel, save it with File > Save As, type \"CSV UTF-8 (Comma delimited) (*.csv)\"; \
         or convert it, e.g. `iconv -f WINDOWS-1252 -t UTF-8 roster.csv > roster-utf8.csv`",
    );
    (d, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_cells_and_rows_named() {
        assert_eq!(data_cell("ada@example.org"), Some("is an email address"));
        assert_eq!(data_cell("https://e.org/a"), Some("is a web address"));
        assert_eq!(data_cell("PASS-0001"), Some("looks like a code"));
        for header in [
            "Email Address",
            "E-mail",
            "Address 2",
            "Promo Code",
            "@handle",
        ] {
            assert_eq!(data_cell(header), None, "{header}");
        }
        assert_eq!(rows_named(&[8]), "row 8");
        assert_eq!(rows_named(&[8, 51, 201]), "rows 8, 51 and 201");
        let many: Vec<usize> = (1..=13).collect();
        assert_eq!(
            rows_named(&many),
            "rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 3 more"
        );
    }
}
