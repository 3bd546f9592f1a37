//! Config: `[output.agenda]`, the event agenda made from the guides' durations.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[output.agenda]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AgendaOutput {
    /// When the first guide starts, as `HH:MM` (24-hour clock); each guide's start time is
    /// then given. Without it, the agenda lists the guides and their durations.
    #[serde(default)]
    pub start: Option<ClockTime>,
}

/// A time of day, `09:30`: minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(into = "String")]
#[schemars(with = "String")]
pub struct ClockTime(pub u32);

impl ClockTime {
    /// Reads `H:MM` or `HH:MM` (24-hour clock).
    pub fn parse(s: &str) -> Result<ClockTime, String> {
        let bad = || format!("`{s}` is not a time of day: write it as `HH:MM`, e.g. `09:30`");
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        let digits = |p: &str, max: u32| {
            (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
                .filter(|v| *v <= max)
        };
        match (digits(h, 23), digits(m, 59)) {
            (Some(h), Some(m)) if m < 60 && (m >= 10 || s.ends_with(&format!(":0{m}"))) => {
                Ok(ClockTime(h * 60 + m))
            }
            _ => Err(bad()),
        }
    }

    /// `HH:MM` of this time plus `minutes` (past midnight it goes on from `00:00`).
    pub fn after(self, minutes: u64) -> String {
        let t = (u64::from(self.0) + minutes) % (24 * 60);
        format!("{:02}:{:02}", t / 60, t % 60)
    }
}

impl From<ClockTime> for String {
    fn from(t: ClockTime) -> String {
        t.after(0)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ClockTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::ClockTime;

    #[test]
    fn times_of_day_are_read_or_refused() {
        assert_eq!(ClockTime::parse("09:30"), Ok(ClockTime(570)));
        assert_eq!(ClockTime::parse("9:05"), Ok(ClockTime(545)));
        assert_eq!(ClockTime::parse("23:59"), Ok(ClockTime(1439)));
        for bad in ["24:00", "9:5", "09:60", "0930", "9", "-1:00", "09:30pm", ""] {
            assert!(ClockTime::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(ClockTime(23 * 60).after(90), "00:30");
    }
}
