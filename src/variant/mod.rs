//! Variant: one profile's view of a loaded guide, between `load` and `validate`. Content tagged
//! for other profiles (`only:`) is left out before anything is numbered, and every `{{ name }}`
//! placeholder is replaced by its value (`--set` > profile > guide > book), each problem at its
//! own place: a placeholder with no value (with "did you mean"), a tag no profile declares, a
//! section the profile leaves without steps.

use std::collections::BTreeSet;

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Failure, Fix};
use crate::model::{Guide, Note, Only, Sp, Step, TextKind};
use crate::source::load::LoadedGuide;
use crate::source::node::Written;
use crate::variables::{self, Flavor, Problem, Vars};

/// The profile tag of the instructor edition: a build whose profile has it shows the guides'
/// `instructor:` notes and `answer:`s; every other build has them removed here, before
/// anything is rendered, so no output of a learner build can contain them.
pub const INSTRUCTOR: &str = "instructor";

/// What one build renders: a profile (or none) and the variables it resolves with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variant {
    /// The profile's name; `None`: no profile (untagged content only).
    pub profile: Option<String>,
    /// Content tagged with any of these is shown.
    pub tags: BTreeSet<String>,
    /// book.toml's `[variables]`.
    pub book: Vars,
    /// The profile's variables.
    pub profile_vars: Vars,
    /// `--set name=value`.
    pub set: Vars,
    /// Every tag some profile declares (a tag in `only:` outside it is a warning).
    pub declared: BTreeSet<String>,
    /// `[build] reveal-answers`: a build that is not the instructor edition keeps `answer:`.
    pub reveal_answers: bool,
}

impl Variant {
    /// The variant of `profile` (declared in `config`; `None` for no profile).
    pub fn new(config: &Config, profile: Option<&str>, set: &Vars) -> Variant {
        let p = profile.and_then(|p| config.profiles.get(p));
        Variant {
            profile: profile.map(str::to_owned),
            tags: p
                .map(|p| p.tags.iter().cloned().collect())
                .unwrap_or_default(),
            book: variables::flatten(&config.variables),
            profile_vars: p
                .map(|p| variables::flatten(&p.variables))
                .unwrap_or_default(),
            set: set.clone(),
            declared: config
                .profiles
                .values()
                .flat_map(|p| p.tags.iter().cloned())
                .collect(),
            reveal_answers: config.build.reveal_answers,
        }
    }

    /// The variables a guide's text resolves with: the book's, then the guide's, the
    /// profile's and `--set`, each overriding the one before.
    pub fn resolve(&self, guide: &Guide) -> Vars {
        let mut all = self.book.clone();
        for (k, v) in &guide.variables.0 {
            all.insert(k.value.clone(), v.value.clone());
        }
        all.extend(self.profile_vars.clone());
        all.extend(self.set.clone());
        all
    }

    /// The variables without a guide's (for the index page).
    pub fn book_level(&self) -> Vars {
        let mut all = self.book.clone();
        all.extend(self.profile_vars.clone());
        all.extend(self.set.clone());
        all
    }

    /// Whether this is the instructor edition: its profile has the [`INSTRUCTOR`] tag.
    pub fn instructor(&self) -> bool {
        self.tags.contains(INSTRUCTOR)
    }

    fn shows(&self, only: &Only) -> bool {
        only.is_empty() || only.iter().any(|t| self.tags.contains(&t.value))
    }
}

/// The profiles a build renders: those named (`--profile`), else `[build] profiles`, else the
/// profile named `default` if declared, else no profile. A name book.toml does not declare is
/// an error (with "did you mean").
pub fn select(config: &Config, named: &[String], set: &Vars) -> Result<Vec<Variant>, Failure> {
    let names: Vec<String> = if !named.is_empty() {
        named.to_vec()
    } else if !config.build.profiles.is_empty() {
        config.build.profiles.clone()
    } else if config.profiles.contains_key("default") {
        vec!["default".into()]
    } else {
        return Ok(vec![Variant::new(config, None, set)]);
    };
    let declared: Vec<String> = config.profiles.keys().cloned().collect();
    let mut out: Vec<Variant> = Vec::new();
    for n in names {
        if !config.profiles.contains_key(&n) {
            let failure = Failure::new(format!("no profile `{n}` in book.toml's `[profiles]`"));
            // A name from the command line: no place in a file, so words only.
            let mut failure = match crate::diag::did_you_mean(&n, declared.iter().map(String::as_str)) {
                Some(m) => failure.help(crate::diag::suggestion(m)),
                // A name that cannot be a folder cannot be declared either: no TOML to suggest.
                None if !crate::config::plain_name(&n) => failure.help(
                    "a profile's name is letters, digits, `-`, `_` and `.` (it names the build's folder)",
                ),
                None => failure.help(format!(
                    "declare it as `[profiles.{n}]` with `tags = [\"{n}\"]`"
                )),
            };
            if !declared.is_empty() {
                failure = failure.note(format!(
                    "the profiles book.toml declares: {}",
                    declared
                        .iter()
                        .map(|d| format!("`{d}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            return Err(failure);
        }
        if out.iter().all(|v| v.profile.as_deref() != Some(n.as_str())) {
            out.push(Variant::new(config, Some(&n), set));
        }
    }
    Ok(out)
}

/// Applies the variant to one guide: filters, then substitutes. A guide with no `only:` and
/// no `{{` is passed through untouched (the common case costs one scan of its text).
pub fn apply(mut g: LoadedGuide, v: &Variant) -> (LoadedGuide, Vec<Diagnostic>) {
    if !v.instructor() {
        strip_instructor(&mut g.guide, v.reveal_answers);
    }
    let tagged = g.text.contains("only");
    let templated = g.text.contains("{{");
    g.variables = v.resolve(&g.guide);
    if !tagged && !templated && g.guide.variables.0.is_empty() {
        return (g, Vec::new());
    }
    let mut cx = Cx {
        text: g.text.clone(),
        shown: g.shown.clone(),
        v,
        diags: Vec::new(),
        budget: variables::MAX_EXPANDED_BYTES,
    };
    cx.guide_vars(&g.guide);
    if tagged {
        cx.tags(&g.guide);
        cx.filter(&mut g.guide);
    }
    if templated {
        cx.substitute_guide(&mut g.guide, &g.variables);
    }
    (g, cx.diags)
}

struct Cx<'a> {
    text: std::sync::Arc<str>,
    shown: std::path::PathBuf,
    v: &'a Variant,
    diags: Vec<Diagnostic>,
    /// What the variables' values may still add to the guide, in bytes.
    budget: usize,
}

impl Cx<'_> {
    fn guide_vars(&mut self, guide: &Guide) {
        for (k, _) in &guide.variables.0 {
            if !variables::valid_name(&k.value) {
                self.diags.push(
                    Diagnostic::error(
                        Code::E105,
                        &self.shown,
                        format!("`{}` cannot be used as a variable name", variables::shorten(&k.value)),
                    )
                    .at(k.span.clone())
                    .help(format!("use letters, digits, `_` and `-`, starting with a letter; maps give dotted names, of at most {} parts and {} characters", variables::MAX_NAME_PARTS, variables::MAX_NAME_BYTES)),
                );
            }
        }
    }

    /// Warns about tags no profile declares, everywhere in the guide (filtered or not).
    fn tags(&mut self, guide: &Guide) {
        let mut all: Vec<&Sp<String>> = Vec::new();
        fn notes<'s>(n: &'s [Sp<Note>], all: &mut Vec<&'s Sp<String>>) {
            n.iter().for_each(|n| all.extend(&n.only));
        }
        fn step<'s>(s: &'s Step, all: &mut Vec<&'s Sp<String>>) {
            all.extend(&s.only);
            s.notes.iter().for_each(|n| all.extend(&n.only));
            s.screenshots.iter().for_each(|x| all.extend(&x.only));
            s.substeps.iter().for_each(|x| step(x, all));
        }
        notes(&guide.notes, &mut all);
        for sec in guide.sections.iter() {
            all.extend(&sec.only);
            notes(&sec.notes, &mut all);
            sec.steps.iter().for_each(|s| step(s, &mut all));
        }
        for t in all {
            if self.v.declared.contains(&t.value) {
                continue;
            }
            let mut d = Diagnostic::warning(
                Code::W013,
                &self.shown,
                format!("no profile declares the tag `{}`", t.value),
            )
            .at(t.span.clone())
            .label("unknown tag");
            d = match crate::diag::did_you_mean(&t.value, self.v.declared.iter().map(String::as_str)) {
                Some(m) => d.suggest(Fix::written(t.span.clone(), m, Written::Yaml.write(m))),
                None => d.help(format!(
                    "declare it in book.toml: `[profiles.{0}]` with `tags = [\"{0}\"]`; content with only this tag is never shown",
                    t.value
                )),
            };
            self.diags.push(d);
        }
    }

    /// Leaves out what the profile does not show; keeps each part's first position.
    fn filter(&mut self, guide: &mut Guide) {
        let v = self.v;
        guide.notes.retain(|n| v.shows(&n.only));
        let sections = std::mem::take(&mut guide.sections.value);
        let had_sections = !sections.is_empty();
        for (i, mut sec) in sections.into_iter().enumerate() {
            if !v.shows(&sec.only) {
                continue;
            }
            sec.value.origin = i + 1;
            sec.value.notes.retain(|n| v.shows(&n.only));
            let had = sec.steps.len();
            filter_steps(&mut sec.value.steps.value, v);
            if had > 0 && sec.steps.is_empty() {
                let which = self.which();
                self.diags.push(
                    Diagnostic::error(
                        Code::E023,
                        &self.shown,
                        format!(
                            "{which} shows none of the steps of section `{}`",
                            sec.title.value
                        ),
                    )
                    .at(sec.title.span.clone())
                    .label("no step left")
                    .help(
                        "tag the section with `only:` as well, or leave one of its steps untagged",
                    ),
                );
            }
            guide.sections.value.push(sec);
        }
        if had_sections && guide.sections.is_empty() {
            // A page, a PDF and a Markdown file of no steps would be published.
            self.diags.push(
                Diagnostic::error(
                    Code::E023,
                    &self.shown,
                    format!("{} shows none of the sections of this guide", self.which()),
                )
                .at(guide.title.span.clone())
                .label("no section left")
                .help("leave one section untagged, or build with a profile that has the sections' tags"),
            );
        }
    }

    /// The build's profile, as a message names it.
    fn which(&self) -> String {
        match &self.v.profile {
            Some(p) => format!("profile `{p}`"),
            None => "a build with no profile".to_owned(),
        }
    }

    fn substitute_guide(&mut self, g: &mut Guide, vars: &Vars) {
        g.visit_text_mut(&mut |f, t| {
            let flavor = match f.kind {
                TextKind::Plain => Flavor::Plain,
                TextKind::Inline | TextKind::Markdown => Flavor::Markdown,
            };
            self.field(t, flavor, vars);
        });
    }

    /// Substitutes one field; each problem is reported at its placeholder in the guide file.
    fn field(&mut self, t: &mut Sp<String>, flavor: Flavor, vars: &Vars) {
        if !t.value.contains("{{") {
            return;
        }
        if self.budget == 0 {
            // Past the budget: reported once, at the first placeholder past it.
            return;
        }
        let lookup = |n: &str| {
            vars.get(n).cloned().or_else(|| {
                // Roster columns have values only in handouts; elsewhere a line to fill in.
                n.starts_with("attendee.")
                    .then(|| variables::FILL_IN.to_owned())
            })
        };
        let (new, problems) =
            variables::substitute_within(&t.value, flavor, &lookup, &mut self.budget);
        t.value = new;
        let source = self.text.get(t.span.clone()).unwrap_or("");
        let mut cursor = 0;
        for p in problems {
            let (Problem::Undefined(ph) | Problem::BacktickInCode(ph) | Problem::OverBudget(ph)) =
                &p;
            let at = placeholder_at(source, cursor, &ph.name);
            // The name's bytes in the file, which a fix replaces (the braces and spaces stay).
            let mut name_at = None;
            let span = match at {
                Some((r, i)) => {
                    cursor = r.end;
                    let name = t.span.start + i;
                    name_at = Some(name..name + ph.name.len());
                    t.span.start + r.start..t.span.start + r.end
                }
                None => t.span.clone(),
            };
            let d = self.problem(&p, span, name_at, vars);
            self.diags.push(d);
        }
    }

    /// The diagnostic of one placeholder's problem, at `span` (its name at `name_at`, which a
    /// fix replaces).
    fn problem(
        &self,
        p: &Problem,
        span: std::ops::Range<usize>,
        name_at: Option<std::ops::Range<usize>>,
        vars: &Vars,
    ) -> Diagnostic {
        let (Problem::Undefined(ph) | Problem::BacktickInCode(ph) | Problem::OverBudget(ph)) = p;
        let written = format!("{{{{ {} }}}}", ph.name);
        match p {
                Problem::Undefined(_) => {
                    let mut d = Diagnostic::error(
                        Code::E021,
                        &self.shown,
                        format!("no value for `{written}`"),
                    )
                    .at(span)
                    .label("undefined variable");
                    d = match (crate::diag::did_you_mean(&ph.name, vars.keys().map(String::as_str)), name_at) {
                        (Some(m), Some(name)) => d.suggest(Fix::new(name, m)),
                        (Some(m), None) => d.help(crate::diag::suggestion(m)),
                        (None, _) => d.help(format!(
                            "define `{}` in book.toml's `[variables]`, the guide's `variables:`, a profile's `variables`, or with `--set {}=…`; write `\\{{{{` for a literal `{{{{`",
                            ph.name, ph.name
                        )),
                    };
                    d
                }
                Problem::BacktickInCode(_) => Diagnostic::error(
                    Code::E022,
                    &self.shown,
                    format!(
                        "the value of `{}` holds a backtick, which cannot be shown inside code",
                        ph.name
                    ),
                )
                .at(span)
                .label("inside code")
                .help("move the placeholder out of the code, or use a value without backticks"),
                Problem::OverBudget(_) => Diagnostic::error(
                    Code::E027,
                    &self.shown,
                    format!(
                        "the variables' values make this guide larger than {} (`{}` and the placeholders after it are not filled in)",
                        crate::safe_fs::human_bytes(variables::MAX_EXPANDED_BYTES as u64),
                        ph.name
                    ),
                )
                .at(span)
                .label("past the limit")
                .help("use long values fewer times, or shorten them: a guide is read on a phone"),
            }
    }
}

/// Removes what only the instructor edition shows: every `instructor:` note, and every
/// `answer:` unless the book reveals them (`keep_answers`). The one place a learner build loses
/// them (templates never see them, so no output can leak them: pages, search index, Markdown,
/// checklists, PDFs, handouts).
fn strip_instructor(g: &mut Guide, keep_answers: bool) {
    fn step(s: &mut Step, keep_answers: bool) {
        s.instructor = None;
        if !keep_answers {
            s.answer = None;
        }
        s.substeps
            .iter_mut()
            .for_each(|x| step(&mut x.value, keep_answers));
    }
    g.instructor = None;
    for sec in g.sections.value.iter_mut() {
        sec.value.instructor = None;
        sec.value
            .steps
            .value
            .iter_mut()
            .for_each(|s| step(&mut s.value, keep_answers));
    }
}

/// Leaves out the steps (and their notes, screenshots, substeps) the variant does not show,
/// recording each kept step's first position.
fn filter_steps(steps: &mut Vec<Sp<Step>>, v: &Variant) {
    let all = std::mem::take(steps);
    for (i, mut s) in all.into_iter().enumerate() {
        if !v.shows(&s.only) {
            continue;
        }
        s.value.origin = i + 1;
        s.value.notes.retain(|n| v.shows(&n.only));
        s.value.screenshots.retain(|x| v.shows(&x.only));
        filter_steps(&mut s.value.substeps, v);
        steps.push(s);
    }
}

/// The placeholder `{{ name }}` as written in the file's text of a value, from byte `from` on
/// (spaces may differ; `\{{` is literal text): its bytes and where the name starts. `None` when
/// the text is not written as read (a YAML escape in a quoted string).
fn placeholder_at(
    source: &str,
    mut from: usize,
    name: &str,
) -> Option<(std::ops::Range<usize>, usize)> {
    while let Some(o) = source.get(from..)?.find("{{") {
        let open = from + o;
        let close = open + 2 + source[open + 2..].find("}}")?;
        let inner = &source[open + 2..close];
        let escaped = source[..open].ends_with('\\');
        if inner.trim() == name && !escaped {
            let start = open + 2 + (inner.len() - inner.trim_start().len());
            return Some((open..close + 2, start));
        }
        from = open + 2;
    }
    None
}
