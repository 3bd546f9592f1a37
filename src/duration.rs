//! Model helper: durations (`90s`, `5m`, `1h30m`) and waits (a duration or a range `2m-5m`).

use std::fmt;

/// A span of time in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Duration(pub u64);

/// An expected wait: `max` alone (`5m`: up to five minutes) or a range (`2m-5m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Wait {
    pub min: Option<Duration>,
    pub max: Duration,
}

/// Why a duration did not parse; shown as the diagnostic's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError(pub String);

const LIMIT_SECS: u64 = 7 * 24 * 3600;

impl Duration {
    /// Parses `90s`, `5m`, `1h30m`, `1h 30m 10s`. Units in order h, m, s, each at most once.
    pub fn parse(s: &str) -> Result<Duration, DurationError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DurationError("empty duration".into()));
        }
        let mut total: u64 = 0;
        let mut last_unit = 0; // 1 = h, 2 = m, 3 = s
        let mut digits = String::new();
        for c in s.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' if digits.is_empty() => {}
                'h' | 'm' | 's' => {
                    if digits.is_empty() {
                        return Err(DurationError(format!("`{c}` needs a number before it")));
                    }
                    let (rank, mult) = match c {
                        'h' => (1, 3600),
                        'm' => (2, 60),
                        _ => (3, 1),
                    };
                    if rank <= last_unit {
                        return Err(DurationError("write the units in the order h, m, s".into()));
                    }
                    last_unit = rank;
                    let n: u64 = digits
                        .parse()
                        .map_err(|_| DurationError("number too large".into()))?;
                    total = n
                        .checked_mul(mult)
                        .and_then(|v| total.checked_add(v))
                        .ok_or_else(|| DurationError("number too large".into()))?;
                    digits.clear();
                }
                other => {
                    return Err(DurationError(format!(
                        "unexpected `{other}`; use a number followed by h, m or s"
                    )));
                }
            }
        }
        if !digits.is_empty() {
            return Err(DurationError(format!(
                "`{digits}` has no unit; write `{digits}m` for minutes or `{digits}s` for seconds"
            )));
        }
        if total == 0 {
            return Err(DurationError("a duration must be longer than zero".into()));
        }
        if total > LIMIT_SECS {
            return Err(DurationError("longer than a week".into()));
        }
        Ok(Duration(total))
    }

    pub fn minutes_ceil(self) -> u64 {
        self.0.div_ceil(60)
    }
}

impl fmt::Display for Duration {
    /// `45 s`, `5 min`, `1 min 30 s`, `1 h 30 min`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.0 / 3600, self.0 % 3600 / 60, self.0 % 60);
        let mut parts = Vec::new();
        if h > 0 {
            parts.push(format!("{h} h"));
        }
        if m > 0 {
            parts.push(format!("{m} min"));
        }
        if s > 0 {
            parts.push(format!("{s} s"));
        }
        f.write_str(&parts.join(" "))
    }
}

/// Rewrites a duration written in words (`15 minutes`, `1 hour 30 min`, `2-5 minutes`) into
/// the short form, when that parses; for "did you mean" help.
pub fn suggest(s: &str) -> Option<String> {
    let lower = s.to_lowercase().replace(" to ", "-").replace('–', "-");
    let (range_end, range_start) = match lower.split_once('-') {
        Some((a, b)) => (b.to_owned(), Some(a.to_owned())),
        None => (lower.clone(), None),
    };
    let short = |part: &str| -> Option<String> {
        let mut out = String::new();
        let mut words = part.split_whitespace().peekable();
        while let Some(w) = words.next() {
            let (num, unit) = match w.find(|c: char| !c.is_ascii_digit()) {
                Some(0) => return None,
                Some(i) => (&w[..i], w[i..].to_owned()),
                None => (w, words.next()?.to_owned()),
            };
            let u = match unit.trim_end_matches('.') {
                "h" | "hr" | "hrs" | "hour" | "hours" => "h",
                "m" | "min" | "mins" | "minute" | "minutes" => "m",
                "s" | "sec" | "secs" | "second" | "seconds" => "s",
                _ => return None,
            };
            out.push_str(num);
            out.push_str(u);
        }
        Some(out)
    };
    let end = short(&range_end)?;
    let candidate = match range_start {
        // `2-5 minutes`: the unit of the end applies to a bare start number.
        Some(a) if a.trim().chars().all(|c| c.is_ascii_digit()) => {
            format!("{}{}-{end}", a.trim(), end.chars().last()?)
        }
        Some(a) => format!("{}-{end}", short(&a)?),
        None => end,
    };
    Wait::parse(&candidate).ok().map(|_| candidate)
}

impl Wait {
    pub fn parse(s: &str) -> Result<Wait, DurationError> {
        match s.split_once('-') {
            Some((a, b)) => {
                let (min, max) = (Duration::parse(a)?, Duration::parse(b)?);
                if min >= max {
                    return Err(DurationError(
                        "the first duration of a range must be the shorter".into(),
                    ));
                }
                Ok(Wait {
                    min: Some(min),
                    max,
                })
            }
            None => Ok(Wait {
                min: None,
                max: Duration::parse(s)?,
            }),
        }
    }
}

impl fmt::Display for Wait {
    /// `up to 5 min`, `2–5 min`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.min {
            None => write!(f, "up to {}", self.max),
            Some(min)
                if min.0.is_multiple_of(60)
                    && self.max.0.is_multiple_of(60)
                    && self.max.0 < 3600 =>
            {
                write!(f, "{}–{} min", min.0 / 60, self.max.0 / 60)
            }
            Some(min) => write!(f, "{min} – {}", self.max),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_forms() {
        assert_eq!(Duration::parse("90s"), Ok(Duration(90)));
        assert_eq!(Duration::parse("5m"), Ok(Duration(300)));
        assert_eq!(Duration::parse("1h30m"), Ok(Duration(5400)));
        assert_eq!(Duration::parse("1h 30m 5s"), Ok(Duration(5405)));
        for bad in [
            "",
            "5",
            "m5",
            "5x",
            "30m1h",
            "0m",
            "99999999999999999999h",
            "200h",
        ] {
            assert!(Duration::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("15 minutes").as_deref(), Some("15m"));
        assert_eq!(suggest("1 hour 30 min").as_deref(), Some("1h30m"));
        assert_eq!(suggest("2-5 minutes").as_deref(), Some("2m-5m"));
        assert_eq!(suggest("a while"), None);
    }

    #[test]
    fn displays() {
        assert_eq!(Duration(90).to_string(), "1 min 30 s");
        assert_eq!(Duration(5400).to_string(), "1 h 30 min");
        assert_eq!(Wait::parse("5m").unwrap().to_string(), "up to 5 min");
        assert_eq!(Wait::parse("2m-5m").unwrap().to_string(), "2–5 min");
        assert!(Wait::parse("5m-2m").is_err());
    }
}
