//! Validate: a screenshot's capture record (`captured`, `source`, `selector`, `width`), and the
//! calendar days it is dated in: parsed, not in the future, a page address a browser can open.

use super::GuideValidator;
use crate::diag::Code;
use crate::model::{Screenshot, Sp};

/// A calendar day: days since 1970-01-01 (proleptic Gregorian, UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

/// The variable that pins today's date (`YYYY-MM-DD`), for reproducible checks and tests.
pub const TODAY_VAR: &str = "STEPBOOK_TODAY";

impl Day {
    /// Reads `YYYY-MM-DD` exactly (four-digit year, a real month and day); `None` otherwise.
    pub fn parse(s: &str) -> Option<Day> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let t = &s[r];
            t.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| t.parse().ok())?
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days_in = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if !(1..=12).contains(&m) || d < 1 || d > days_in[(m - 1) as usize] {
            return None;
        }
        Some(Day::from_civil(y, m, d))
    }

    /// Howard Hinnant's `days_from_civil`.
    fn from_civil(y: i64, m: i64, d: i64) -> Day {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }

    /// Today: [`TODAY_VAR`] when it holds a date, else the system clock (UTC).
    pub fn today() -> Day {
        if let Some(d) = std::env::var(TODAY_VAR)
            .ok()
            .and_then(|v| Day::parse(v.trim()))
        {
            return d;
        }
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Day((secs / 86_400) as i64)
    }
}

impl std::fmt::Display for Day {
    /// `YYYY-MM-DD` (Hinnant's `civil_from_days`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Whether `s` is an address shot-scraper can open: `http(s)://`, a host, no spaces or
/// control characters.
pub fn page_url_ok(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &s[8..]
    } else if lower.starts_with("http://") {
        &s[7..]
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The widest browser window `width` may ask for.
pub const MAX_WIDTH: i64 = 10_000;
/// The longest selector kept (a real one is a few dozen characters).
const MAX_SELECTOR: usize = 1_000;

impl GuideValidator<'_> {
    /// E031 for each field of the capture record that cannot be used.
    pub(super) fn capture_record(&mut self, shot: &Screenshot) {
        if let Some(c) = &shot.captured {
            let today = Day::today();
            match Day::parse(c.trim()) {
                None => {
                    self.error(
                        Code::E031,
                        c,
                        format!("`captured` `{}` is not a date", c.value.escape_debug()),
                    )
                    .label("not YYYY-MM-DD")
                    .help(format!(
                        "write the day the screenshot was taken as YYYY-MM-DD, like `{today}`"
                    ));
                }
                Some(d) if d > today => {
                    self.error(Code::E031, c, format!("`captured` {d} is in the future"))
                        .label(format!("today is {today}"))
                        .help("write the day the screenshot was taken");
                }
                Some(_) => {}
            }
        }
        if let Some(s) = &shot.source
            && !page_url_ok(s.trim())
        {
            self.error(Code::E031, s, format!("`source` `{}` is not a web page address", s.value.escape_debug()))
                .label("only http:// and https:// addresses with a host")
                .help("write the address of the page the screenshot was taken of, like `https://portal.azure.com/`");
        }
        if let Some(sel) = &shot.selector {
            self.selector(sel);
        }
        if let Some(w) = &shot.width
            && !(1..=MAX_WIDTH).contains(&w.value)
        {
            self.error(
                Code::E031,
                w,
                format!("`width` {} is not a window width", w.value),
            )
            .label(format!("1 to {MAX_WIDTH} pixels"))
            .help("write the width of the browser window the screenshot was taken in, like `1280`");
        }
    }

    fn selector(&mut self, sel: &Sp<String>) {
        let why = if sel.trim().is_empty() {
            "empty"
        } else if sel.len() > MAX_SELECTOR {
            "longer than 1,000 bytes"
        } else if sel.chars().any(char::is_control) {
            "holds a line break or control character"
        } else {
            return;
        };
        self.error(Code::E031, sel, format!("`selector` is {why}"))
            .help("write the CSS selector of the part of the page the screenshot shows, like `#main`, or leave `selector` out");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_bad_ones_are_refused() {
        for s in [
            "1970-01-01",
            "2000-02-29",
            "2024-05-01",
            "2026-12-07",
            "1600-03-01",
        ] {
            assert_eq!(Day::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Day::parse("1970-01-02"), Some(Day(1)));
        for s in [
            "2024-13-45",
            "2023-02-29",
            "yesterday",
            "2024-5-1",
            "24-05-01",
            "2024-00-10",
            "+024-05-01",
            "2024-05-0١",
        ] {
            assert_eq!(Day::parse(s), None, "{s}");
        }
    }

    #[test]
    fn page_urls() {
        assert!(page_url_ok("https://portal.azure.com/#create/x"));
        assert!(page_url_ok("HTTP://a"));
        for s in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "https://",
            "https://a b",
            "//a/b",
            "portal.azure.com",
        ] {
            assert!(!page_url_ok(s), "{s}");
        }
    }
}
