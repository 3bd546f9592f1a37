//! Config: `[output.agenda]`, the event agenda made from the guides' durations: a start and an
//! optional end time, and the day's items in order (guides and breaks). The values the schema
//! cannot check (times, lengths, an end before the start, an item that is neither a guide nor
//! a titled break) are errors at their place in book.toml when it is loaded; guide ids are
//! checked against the book by [`unknown_guides`] once the guides are known.

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diagnostic, Fix};
use crate::source::node::{self, Node, Value};

/// Minutes a step is reckoned to take when a guide gives no `duration` (its waits are added).
pub const MINUTES_PER_STEP: u64 = 2;

/// The length of a guide that says nothing of its duration: [`MINUTES_PER_STEP`] a step plus
/// its waits, in whole minutes.
pub fn estimate(steps: usize, wait_seconds: u64) -> u64 {
    steps as u64 * MINUTES_PER_STEP + wait_seconds.div_ceil(60)
}

/// `[output.agenda]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AgendaOutput {
    /// When the first guide starts, as `HH:MM` (24-hour clock); each guide's start time is
    /// then given. Without it, the agenda lists the guides and their durations.
    #[serde(default)]
    pub start: Option<ClockTime>,
    /// When the day must be over, as `HH:MM`: a warning names the item that runs past it.
    #[serde(default)]
    pub end: Option<ClockTime>,
    /// The day in order: `{ guide = "azure-pass" }` (as long as the guide's `duration`), or
    /// `{ title = "Lunch", length = "45m" }`; a guide's item may give its own `length`. Without
    /// items: every guide, in book order.
    #[serde(default)]
    pub items: Vec<AgendaItem>,
}

/// One item of the day: a guide, or a break or talk with a title and a length.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AgendaItem {
    /// The id of a guide of the book.
    #[serde(default)]
    pub guide: Option<String>,
    /// What the item is called (a break, a talk): required without `guide`.
    #[serde(default)]
    pub title: Option<String>,
    /// How long it takes: `45m`, `1h30m`. Required without `guide`; for a guide, it replaces
    /// the guide's own `duration`.
    #[serde(default)]
    pub length: Option<String>,
}

impl AgendaItem {
    /// The item's length in whole minutes, if it gives one that parses.
    pub fn minutes(&self) -> Option<u64> {
        let l = self.length.as_deref()?;
        crate::duration::Duration::parse(l)
            .ok()
            .map(|d| d.minutes_ceil())
    }
}

/// What the agenda knows of a guide: id, title, its `duration` in minutes, its estimate.
pub struct GuideTime<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub minutes: Option<u64>,
    pub estimate: u64,
}

/// One item of the day as planned: minutes from the start, and its length.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub title: String,
    /// The guide's id; `None` for a break or talk.
    pub guide: Option<String>,
    pub from: u64,
    pub minutes: u64,
    /// The length is [`estimate`]d: the guide gives no `duration` (and the item no `length`).
    pub estimated: bool,
}

impl AgendaOutput {
    /// The day: each item after the one before (every guide in book order when no `items`
    /// are given). An item naming an unknown guide is left out (the check reported it).
    pub fn plan(&self, guides: &[GuideTime]) -> Vec<Planned> {
        let all: Vec<AgendaItem>;
        let items = if self.items.is_empty() {
            all = guides
                .iter()
                .map(|g| AgendaItem {
                    guide: Some(g.id.to_owned()),
                    ..AgendaItem::default()
                })
                .collect();
            &all
        } else {
            &self.items
        };
        let mut from = 0;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let guide = item
                .guide
                .as_deref()
                .and_then(|id| guides.iter().find(|g| g.id == id));
            let (title, minutes, estimated) = match (guide, item.minutes()) {
                (Some(g), Some(m)) => (g.title.to_owned(), m, false),
                (Some(g), None) => (
                    g.title.to_owned(),
                    g.minutes.unwrap_or(g.estimate),
                    g.minutes.is_none(),
                ),
                (None, Some(m)) if item.guide.is_none() => {
                    (item.title.clone().unwrap_or_default(), m, false)
                }
                _ => continue,
            };
            out.push(Planned {
                title,
                guide: guide.map(|g| g.id.to_owned()),
                from,
                minutes,
                estimated,
            });
            from += minutes;
        }
        out
    }
}

/// `[output.agenda]` in book.toml's tree, if written.
fn agenda_table(tree: &Node) -> Option<&Node> {
    field(field(tree, "output")?, "agenda")
}

/// The value of `key` in a table, with its node.
fn field<'a>(t: &'a Node, key: &str) -> Option<&'a Node> {
    match &t.value {
        Value::Map(m) => m.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
        _ => None,
    }
}

fn text(n: &Node) -> Option<&str> {
    match &n.value {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// Checks `[output.agenda]`: times of day, an end after the start, each item a guide or a
/// titled item with a length that parses.
pub(super) fn check(tree: &Node, display: &Path, diags: &mut Vec<Diagnostic>) {
    let Some(agenda) = agenda_table(tree) else {
        return;
    };
    let mut times = [None, None];
    for (i, key) in ["start", "end"].into_iter().enumerate() {
        let Some(n) = field(agenda, key) else {
            continue;
        };
        let Some(s) = text(n) else { continue };
        match ClockTime::parse(s) {
            Ok(t) => times[i] = Some(t),
            Err(why) => diags.push(
                Diagnostic::error(Code::E006, display, format!("`{key}`: {why}"))
                    .at(n.span.clone()),
            ),
        }
    }
    if let ([Some(start), Some(end)], Some(n)) = (times, field(agenda, "end"))
        && end.0 <= start.0
    {
        diags.push(
            Diagnostic::error(
                Code::E006,
                display,
                format!(
                    "the agenda ends at {} but starts at {}",
                    end.after(0),
                    start.after(0)
                ),
            )
            .at(n.span.clone())
            .label("not after `start`")
            .help("an event day ends after it starts, on the same day"),
        );
    }
    let Some(Value::Seq(items)) = field(agenda, "items").map(|n| &n.value) else {
        return;
    };
    for item in items {
        item_problems(item, display, diags);
    }
}

/// The problems of one `items` entry.
fn item_problems(item: &Node, display: &Path, diags: &mut Vec<Diagnostic>) {
    let (guide, title) = (field(item, "guide"), field(item, "title"));
    let length = field(item, "length");
    if let Some(l) = length.and_then(|n| text(n).map(|s| (n, s))) {
        match crate::duration::Duration::parse(l.1) {
            Ok(d) if d.0 == 0 => diags.push(
                Diagnostic::error(Code::E007, display, "an agenda item of no length")
                    .at(l.0.span.clone())
                    .help("give it a length like `45m`, or leave the item out"),
            ),
            Ok(_) => {}
            Err(e) => diags.push(
                Diagnostic::error(
                    Code::E007,
                    display,
                    format!(
                        "`length` `{}` is not a duration: {}",
                        l.1.escape_debug(),
                        e.0
                    ),
                )
                .at(l.0.span.clone())
                .help("write it like `45m`, `1h30m` or `90s`"),
            ),
        }
    }
    let problem = match (guide.is_some(), title.is_some(), length.is_some()) {
        (true, true, _) => Some("an agenda item is a guide or a titled item, not both"),
        (false, false, _) => Some("an agenda item needs `guide = \"<id>\"` or a `title`"),
        (false, true, false) => Some("an agenda item with a `title` needs a `length`"),
        _ => None,
    };
    if let Some(message) = problem {
        diags.push(
            Diagnostic::error(Code::E006, display, message)
                .at(item.span.clone())
                .help("write `{ guide = \"azure-pass\" }` or `{ title = \"Lunch\", length = \"45m\" }`"),
        );
    }
}

/// Errors for agenda items naming a guide the book does not have (`ids`: the guides in the
/// book's language), each at its id in book.toml's text `toml`, with "did you mean".
pub fn unknown_guides(toml: &str, display: &Path, ids: &[&str]) -> Vec<Diagnostic> {
    let Ok(tree) = node::parse_toml(toml) else {
        return Vec::new();
    };
    let Some(Value::Seq(items)) = agenda_table(&tree)
        .and_then(|a| field(a, "items"))
        .map(|n| &n.value)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for n in items.iter().filter_map(|i| field(i, "guide")) {
        let Some(id) = text(n) else { continue };
        if ids.contains(&id) {
            continue;
        }
        let d = Diagnostic::error(
            Code::E006,
            display,
            format!("the agenda names the guide `{id}`, which the book does not have"),
        )
        .at(n.span.clone())
        .label("no such guide");
        out.push(match crate::diag::did_you_mean(id, ids.iter().copied()) {
            Some(m) => d.suggest(Fix::written(n.span.clone(), m, format!("\"{m}\""))),
            None => d.help("use the id of a guide (its `id:`, else its file name)"),
        });
    }
    out
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

    #[test]
    fn items_follow_one_another_and_unknown_guides_are_left_out() {
        use super::{AgendaItem, AgendaOutput, GuideTime};
        let item = |guide: Option<&str>, title: Option<&str>, length: Option<&str>| AgendaItem {
            guide: guide.map(str::to_owned),
            title: title.map(str::to_owned),
            length: length.map(str::to_owned),
        };
        let cfg = AgendaOutput {
            start: Some(ClockTime(540)),
            end: None,
            items: vec![
                item(Some("a"), None, None),
                item(None, Some("Lunch"), Some("45m")),
                item(Some("nope"), None, None),
                item(Some("b"), None, None),
            ],
        };
        let guides = [
            GuideTime {
                id: "a",
                title: "A",
                minutes: Some(30),
                estimate: 4,
            },
            GuideTime {
                id: "b",
                title: "B",
                minutes: None,
                estimate: 4,
            },
        ];
        let plan: Vec<(String, u64, u64, bool)> = cfg
            .plan(&guides)
            .into_iter()
            .map(|p| (p.title, p.from, p.minutes, p.estimated))
            .collect();
        assert_eq!(
            plan,
            [
                ("A".into(), 0, 30, false),
                ("Lunch".into(), 30, 45, false),
                ("B".into(), 75, 4, true),
            ]
        );
        assert_eq!(super::estimate(3, 301), 12);
    }
}
