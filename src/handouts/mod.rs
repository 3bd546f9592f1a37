//! Handouts: one PDF with a handout per attendee of a roster — a header with the event and the
//! attendee's fields, the guide's checklist with their own values (`{{ attendee.code }}`), and a
//! QR code to the guide's page online. The guide is validated once; each row only substitutes
//! its values and renders `handout.typ`; the handouts are laid out [`BATCH`] at a time and each
//! batch's pages written into the one PDF as it is done ([`merge`]), so memory holds one batch.

mod find;
pub mod merge;
pub mod output;
mod prepare;
pub mod roster;
mod roster_check;
mod workbook;

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::Paper;
use crate::diag::{Code, Diagnostic, Diagnostics, Failure, Sources};
use crate::render::pdf::{self, markup, world};
use crate::source::load::LoadedGuide;
use crate::variables::Vars;
use crate::{book::Book, error::Error, layout, render, validate, variant};

/// What to print.
#[derive(Debug, Clone)]
pub struct HandoutOptions {
    /// The guide: its id, or the path of its file.
    pub guide: String,
    pub roster: Option<PathBuf>,
    pub paper: Option<Paper>,
    /// Two A5 handouts on each sheet (landscape, two columns).
    pub two_up: bool,
    /// The language of the guide (a translation, `azure-pass.de.yaml`); default: the book's.
    pub lang: Option<String>,
    /// Handouts laid out at a time (rounded up to even); [`BATCH`] unless a test or a
    /// benchmark says otherwise.
    pub batch: usize,
    /// A copy of the workbook the build wrote for each attendee, instead of one guide's
    /// handout (`guide` is not used).
    pub workbook: bool,
    /// Where the build wrote the workbook (`build --dest-dir`); default: `build-dir`.
    pub dest_dir: Option<PathBuf>,
}

/// Handouts laid out at a time: memory grows with a batch (about 1 MB a handout while it is
/// laid out), not with the roster; a batch is still long enough to keep every core busy. Each
/// batch's PDF brings its own copy of the fonts' subsets: batches of 100 make the PDF 6% larger
/// than batches of 200, but take 30% less memory and, at 500 handouts, 15-20% less time (the
/// kernel zeroes fewer fresh pages for them).
pub const BATCH: usize = 100;

/// The print run (its PDF went to the writer given to [`handouts`]).
#[derive(Debug)]
pub struct Handouts {
    pub id: String,
    pub handouts: usize,
    pub diagnostics: Diagnostics,
    pub sources: Sources,
}

/// Makes the handouts of one guide of `book` and writes their PDF to `out`. Nothing is written
/// when the guide or the roster has errors; a failure while printing leaves `out` partly
/// written (the caller writes to a temporary file).
pub fn handouts(
    book: &Book,
    opts: &HandoutOptions,
    out: &mut dyn std::io::Write,
) -> Result<Handouts, Error> {
    if opts.workbook {
        return workbook::print(book, opts, out);
    }
    // The Typst worker starts (and loads its fonts) while the roster is read and checked.
    pdf::worker::prestart();
    let lang = &language(book, opts.lang.as_deref())?;
    let guide = find::find(&opts.guide, book, lang)?;
    let mut sources = Sources::default();
    sources.insert(guide.shown.clone(), guide.text.clone());
    let used = attendee_columns(&guide.text);
    let mut diagnostics = Diagnostics::default();
    let (roster, show) =
        prepare::roster_and_show(book, opts, &used, &mut sources, &mut diagnostics)?;
    let base = book.variant();
    let (g, resolved, assets) =
        checked(book, &guide, &used, &base, &mut diagnostics, &mut sources)?;
    let id = resolved.id.clone();
    let engine = render::Engine::new(book)?;
    let url = site_url(book).map(|b| format!("{b}{}", layout::guide_url_path(&lang.prefix, &id)));
    let rows = prepare::rows(roster.as_ref(), &used);
    let qr_fits = addresses(
        url.as_deref(),
        &rows,
        roster.as_ref(),
        &g.shown,
        &mut diagnostics,
    );
    let page = Page {
        book,
        paper: opts.paper.unwrap_or_else(|| book.config.pdf_paper()),
        two_up: opts.two_up,
        engine: &engine,
        guide: &guide,
        resolved: &resolved,
        assets: &assets,
        base: &base,
        used: &used,
        show: &show,
        headers: roster.as_ref().map(|r| (&r.columns[..], &r.headers[..])),
        url: url.as_deref(),
        qr_fits: &qr_fits,
        lang,
    };
    let (plan, missing) =
        crate::pipeline::timed("fonts", || font_plan(book, &page, &rows, roster.as_ref()))
            .map_err(|d| content(vec![*d], &engine.sources()))?;
    diagnostics.extend(missing);
    let title = crate::markdown::plain(&g.guide.title);
    let run = Run::of(book, opts, &g.shown, plan, DocMeta::of(book, lang, &title));
    let warnings = run.print(&page, &rows, out).map_err(|e| match e {
        Failed::Content(d) => content(vec![*d], &engine.sources()),
        Failed::Other(e) => Error::Other(e),
    })?;
    diagnostics.extend(warnings);
    diagnostics.sort();
    Ok(Handouts {
        id,
        handouts: rows.len(),
        diagnostics,
        sources,
    })
}

/// The guide checked once for the print run, with the column names as stand-in values for
/// the attendee's, and with the copies of its remote screenshots a build with
/// `remote-images = "copy"` keeps (fetched now if need be: the same bytes as the book's PDFs).
/// Errors, with those found before in `diagnostics`, stop the run.
fn checked(
    book: &Book,
    guide: &LoadedGuide,
    used: &[String],
    base: &variant::Variant,
    diagnostics: &mut Diagnostics,
    sources: &mut Sources,
) -> Result<prepare::Printable, Error> {
    let (found, checked) = prepare::check(book, guide, &with(base, &stand_ins(used)));
    diagnostics.extend(found);
    diagnostics.sort();
    if diagnostics.has_errors() {
        return Err(Error::Content {
            diagnostics: std::mem::take(diagnostics),
            sources: std::mem::take(sources),
        });
    }
    let Some((g, mut resolved, mut assets)) = checked else {
        return Err(anyhow::anyhow!("the guide did not load").into());
    };
    if book.config.output.remote_images == crate::config::RemoteImages::Copy {
        let shown = g.shown.clone();
        let copied = crate::remote::copy_one(book, &g.guide, &shown, &mut resolved, &mut assets);
        diagnostics.extend(copied);
    }
    Ok((g, resolved, assets))
}

/// Whether each address (the book's, each row's `url`) fits a QR code; warnings for rows
/// without an address and for addresses too long for one.
fn addresses(
    url: Option<&str>,
    rows: &[Vec<(String, String)>],
    roster: Option<&roster::Roster>,
    shown: &std::path::Path,
    diagnostics: &mut Diagnostics,
) -> HashMap<String, bool> {
    diagnostics.extend(prepare::without_address(url, rows, roster, shown));
    let fits = qr_fits(rows, url);
    diagnostics.extend(too_long_for_qr(&fits, roster, url, shown));
    fits
}

/// The attendee's columns a guide uses, each with a stand-in value for the one check of the
/// guide.
fn stand_ins(used: &[String]) -> Vars {
    used.iter()
        .map(|c| {
            (
                format!("attendee.{c}"),
                crate::variables::FILL_IN.to_owned(),
            )
        })
        .collect()
}

/// One handout: its Typst, and its running header (the attendee's printed fields and the
/// guide), on each of its pages after the first.
struct Rendered {
    body: String,
    who: String,
}

/// What every handout is rendered with.
struct Page<'a> {
    book: &'a Book,
    /// The paper, and two handouts a sheet: the promo code's room.
    paper: Paper,
    two_up: bool,
    engine: &'a render::Engine,
    guide: &'a LoadedGuide,
    resolved: &'a validate::Resolved,
    assets: &'a [validate::Asset],
    base: &'a variant::Variant,
    used: &'a [String],
    /// The columns printed at the top (`[handouts] show`, else the names and the used ones).
    show: &'a [String],
    /// The roster's column names and their headers as written (for labels).
    headers: Option<(&'a [String], &'a [String])>,
    url: Option<&'a str>,
    /// Whether each address fits a QR code.
    qr_fits: &'a HashMap<String, bool>,
    lang: &'a crate::i18n::Language,
}

impl Page<'_> {
    /// A column's label: `column_<name>` of the strings, else its header as the roster writes it.
    fn label(&self, column: &str) -> String {
        let label = self.lang.strings.column_label(column);
        if label != column {
            return label;
        }
        self.headers
            .and_then(|(cols, heads)| Some(heads[cols.iter().position(|c| c == column)?].clone()))
            .unwrap_or(label)
    }

    /// One handout.
    fn render(&self, row: &[(String, String)]) -> Result<Rendered, Box<Diagnostic>> {
        let values: Vars = row
            .iter()
            .map(|(k, v)| {
                (
                    format!("attendee.{k}"),
                    if v.is_empty() {
                        crate::variables::FILL_IN.to_owned()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect();
        let (g, _) = variant::apply(self.guide.clone(), &with(self.base, &values));
        let checked = validate::CheckedGuide::new(&g.guide, self.resolved);
        let locale = render::view::Locale {
            strings: &self.lang.strings,
            depth: self.lang.depth(),
        };
        let mut view = render::view::guide(checked, self.assets, &g.rel.to_string_lossy(), locale);
        view.variables = crate::variables::nested(&g.variables);
        let url = row
            .iter()
            .find(|(k, v)| k == "url" && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .or(self.url);
        let qr = url
            .filter(|u| self.qr_fits.get(*u) == Some(&true))
            .map(qr_path);
        let fields: Vec<serde_json::Value> = self
            .show
            .iter()
            .map(|k| {
                let v = row.iter().find(|(c, _)| c == k).map_or("", |(_, v)| v);
                let code = k == "code" || k == "promo_code";
                let shown = if code {
                    shown_code(self.book, v)
                } else {
                    v.to_owned()
                };
                let label = self.label(k);
                // The size the code prints at, to fit its line (a number, for `sb-code`).
                let size = code.then(|| {
                    let lead = self.lang.strings.fill("label_colon", &[("label", &label)]);
                    (code_size(&lead, &shown, self.paper, self.two_up) * 10.0).floor() / 10.0
                });
                serde_json::json!({ "name": k, "label": label, "value": v, "code": code, "shown": shown, "size": size })
            })
            .collect();
        let event = g
            .variables
            .get("event.name")
            .cloned()
            .unwrap_or_else(|| self.lang.title.clone());
        let mut ctx = tera::Context::new();
        ctx.insert("book", &render::view::BookMeta::of(self.book, self.lang));
        ctx.insert("t", self.lang.strings.table());
        ctx.insert("variables", &view.variables);
        ctx.insert("guide", &view);
        ctx.insert("event", &event);
        ctx.insert("fields", &fields);
        ctx.insert("used", self.used);
        ctx.insert("url", &url);
        ctx.insert("qr", &qr);
        // The address printed under its QR code (a narrow column), or alone at full width.
        let printed = url.map(|u| match qr {
            Some(_) => breakable(u, 12, &['/', '.', '-', '?', '&', '=', '#']),
            None => breakable(u, 24, &[]),
        });
        ctx.insert("url_text", &printed.as_ref().filter(|_| qr.is_none()));
        ctx.insert("qr_caption", &printed.as_ref().filter(|_| qr.is_some()));
        let body = self.engine.render("handout.typ", &ctx)?;
        let mut who = prepare::running_name(&fields);
        who.push(view.title.clone());
        Ok(Rendered {
            body,
            who: who.join(" · "),
        })
    }
}

/// The fonts the print run needs (one plan for every batch: the first handout's text, which
/// holds the guide's and the interface's, and every row's values), and a warning for the
/// characters no font has, at the guide's line or the roster's `file:line:column`.
fn font_plan(
    book: &Book,
    page: &Page,
    rows: &[Vec<(String, String)>],
    roster: Option<&roster::Roster>,
) -> Result<(pdf::fonts::Plan, Vec<Diagnostic>), Box<Diagnostic>> {
    let first = match rows.first() {
        Some(row) => {
            let first = page.render(row)?;
            format!("{}\n{}", first.body, first.who)
        }
        None => String::new(),
    };
    let values: String = rows
        .iter()
        .flat_map(|r| r.iter().map(|(_, v)| v.as_str()))
        .collect::<Vec<_>>()
        .join("\n");
    let fonts = pdf::fonts::Fonts::of(book);
    let plan = fonts.plan(&[&first, &values], &page.lang.code);
    let mut places: Vec<(&std::path::Path, &str)> = vec![(&page.guide.shown, &page.guide.text)];
    if let Some(r) = roster {
        places.push((&r.shown, &r.text));
    }
    let warnings = fonts.warnings(&plan.missing, &places);
    Ok((plan, warnings))
}

/// `code` in groups of `n` characters joined by `-` (`ABCDEFGH` → `ABCD-EFGH`); a code that
/// already has separators is left as written.
/// A promo code as printed: grouped as `[handouts] code-group` says.
fn shown_code(book: &Book, code: &str) -> String {
    match book.config.handouts.code_group {
        Some(n) if n > 0 => grouped(code, n.into()),
        _ => code.to_owned(),
    }
}

fn grouped(code: &str, n: usize) -> String {
    if code.contains(['-', ' ']) {
        return code.to_owned();
    }
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(n)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A row's own address for its QR code (its `url` value), if it has one.
fn row_url(row: &[(String, String)]) -> Option<&str> {
    row.iter()
        .find(|(k, v)| k == "url" && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

/// How the handouts are laid out and written.
struct Run {
    paper: Paper,
    two_up: bool,
    /// Handouts laid out at a time (even).
    batch: usize,
    remote: pdf::images::Remote,
    /// The guide's file, for image warnings.
    shown: String,
    /// The fonts every batch is laid out with.
    plan: pdf::fonts::Plan,
    /// The PDF's title, author, language; the pages' "Page n of m".
    meta: DocMeta,
}

/// Why printing stopped.
enum Failed {
    Content(Box<Diagnostic>),
    Other(anyhow::Error),
}

impl Run {
    /// The print run `opts` asks for, of the guide shown as `shown`, with the fonts of `plan`.
    fn of(
        book: &Book,
        opts: &HandoutOptions,
        shown: &std::path::Path,
        plan: pdf::fonts::Plan,
        meta: DocMeta,
    ) -> Run {
        Run {
            paper: opts.paper.unwrap_or_else(|| book.config.pdf_paper()),
            two_up: opts.two_up,
            batch: opts.batch.max(2).next_multiple_of(2),
            remote: pdf::images::Remote::of(book),
            shown: shown.display().to_string(),
            plan,
            meta,
        }
    }

    /// Renders, lays out and writes the handouts of `rows` to `out`, a batch at a time: one
    /// batch's PDF is written as it is; several are merged page by page as each is done, so
    /// memory holds one batch whatever the roster's length. Returns the image warnings (the
    /// first batch's: every batch shows the same guide).
    fn print(
        &self,
        page: &Page,
        rows: &[Vec<(String, String)>],
        out: &mut dyn std::io::Write,
    ) -> Result<Vec<Diagnostic>, Failed> {
        let io = |e: std::io::Error| Failed::Other(anyhow::anyhow!("failed to write the PDF: {e}"));
        let merging =
            |e: String| Failed::Other(anyhow::anyhow!("failed to merge the handouts' PDF: {e}"));
        if rows.len() <= self.batch {
            let (bytes, warnings) = self.lay_out(page, rows)?;
            out.write_all(&bytes).map_err(io)?;
            return Ok(warnings);
        }
        let mut merger = merge::Merger::new(out).map_err(io)?;
        let mut warnings = None;
        for batch in rows.chunks(self.batch) {
            let (bytes, w) = self.lay_out(page, batch)?;
            warnings.get_or_insert(w);
            merger.add(bytes).map_err(merging)?;
            // Typst keeps what recent compiles memoised (the laid-out handouts): dropped after
            // each batch, else memory grows with every batch kept.
            typst::comemo::evict(0);
        }
        merger
            .finish(&merge::Info {
                creator: concat!("stepbook ", env!("CARGO_PKG_VERSION")),
                title: &self.meta.title,
                authors: &self.meta.authors,
                subject: self.meta.description.as_deref(),
                lang: &self.meta.lang,
            })
            .map_err(merging)?;
        Ok(warnings.unwrap_or_default())
    }

    /// One batch as a PDF: rendered and laid out in parallel, in as many parts as there are
    /// cores (a part holds whole sheets: an even number of handouts when two go on a sheet).
    fn lay_out(
        &self,
        page: &Page,
        rows: &[Vec<(String, String)>],
    ) -> Result<(Vec<u8>, Vec<Diagnostic>), Failed> {
        let parts: Vec<Rendered> = crate::pipeline::timed("render", || {
            rows.par_iter()
                .map(|row| page.render(row))
                .collect::<Result<_, _>>()
        })
        .map_err(Failed::Content)?;
        // The QR codes this batch shows, each made once: handouts that share one share it.
        let mut files = world::Files::new();
        for u in rows.iter().filter_map(|r| row_url(r)).chain(page.url) {
            let path = qr_path(u);
            if !files.contains_key(&path)
                && let Some(png) = qr_png(u)
            {
                files.insert(path, world::File::Bytes(png));
            }
        }
        let per = parts
            .len()
            .div_ceil(rayon::current_num_threads().max(1))
            .max(1);
        let per = if self.two_up { per + per % 2 } else { per };
        // An accessible (PDF/UA-1) PDF is tagged, and tags need the document in one part.
        let per = if self.plan.accessible {
            parts.len().max(1)
        } else {
            per
        };
        let documents = world::Parts {
            sources: parts
                .chunks(per)
                .map(|chunk| document(chunk, self.paper, self.two_up, &self.meta))
                .collect(),
            running: Some(running(self.paper, self.two_up, &self.meta)),
        };
        crate::pipeline::timed("typst", || {
            pdf::compile_parts(
                "handout.typ",
                pdf::Shown {
                    file: &self.shown,
                    text: &page.guide.text,
                },
                documents,
                page.assets,
                &self.remote,
                files,
                &self.plan,
                pdf::worker::Bounds::PDF,
            )
        })
        .map_err(Failed::Content)
    }
}

/// The variant with more `--set` values.
fn with(base: &variant::Variant, more: &Vars) -> variant::Variant {
    let mut v = base.clone();
    v.set
        .extend(more.iter().map(|(k, x)| (k.clone(), x.clone())));
    v
}

/// The PDF's document information and the pages' running text.
struct DocMeta {
    title: String,
    authors: Vec<String>,
    description: Option<String>,
    lang: String,
    /// "Page {n} of {m}" as Typst markup, `#(n)` and `#(m)` in place.
    page_of: String,
}

impl DocMeta {
    fn of(book: &Book, lang: &crate::i18n::Language, guide_title: &str) -> DocMeta {
        let page_of = markup::text(
            &lang
                .strings
                .fill("page_of", &[("n", "NUMN"), ("m", "NUMM")]),
        )
        .replace("NUMN", "#(n)")
        .replace("NUMM", "#(m)");
        DocMeta {
            title: lang
                .strings
                .fill("handouts_title", &[("title", guide_title)]),
            authors: book.config.book.authors.clone(),
            description: lang.description.clone(),
            lang: lang.code.clone(),
            page_of,
        }
    }

    /// `#set document(..)` and `#set text(lang: ..)`.
    fn set(&self) -> String {
        let authors: String = self
            .authors
            .iter()
            .map(|a| format!("{}, ", markup::string(a)))
            .collect();
        let description = self
            .description
            .as_deref()
            .map(|d| format!(", description: {}", markup::string(d)))
            .unwrap_or_default();
        format!(
            "#set document(title: {}, author: ({authors}){description})\n#set text(lang: {})\n",
            markup::string(&self.title),
            markup::string(&self.lang),
        )
    }
}

/// How every page of a print run is set up: paper, orientation (two halves a sheet lie on
/// a landscape page), margins and text; the marginals laid out over them share it.
fn page_setup(paper: Paper, two_up: bool, meta: &DocMeta) -> String {
    format!(
        "{}#set page(paper: {}, flipped: {two_up}, margin: (x: 12mm, y: 11mm))\n\
         #set text(font: sb-fonts, size: {})\n",
        meta.set(),
        markup::string(pdf::typst_paper(paper)),
        if two_up { "8pt" } else { "9.5pt" },
    )
}

/// `sb-code(label, code, size)`, for `handout.typ`: the label, then the promo code in a box,
/// monospaced at `size` (see [`code_size`]).
const SB_CODE: &str = "#let sb-code(label, code, size) = block(above: 7pt, below: 6pt, strong(label) + [ ] + \
  box(stroke: 1pt, inset: (x: 6pt, y: 5pt), outset: (y: 2pt), radius: 2pt, \
  text(font: \"DejaVu Sans Mono\", size: size * 1pt, weight: \"bold\", tracking: 0.06em, code)))\n";

/// The size (pt) a promo code prints at: 16, or less (down to 8) where the label and the code
/// at 16 would not fit the handout's first column whole, so that the code never breaks at its
/// hyphens or runs out of its box (a two-up half, a long code). Worked out from the fonts'
/// advances: the same fit made in Typst with `layout` and `measure` cost half a millisecond a
/// handout (500 handouts 0.6 → 0.85 s).
fn code_size(label: &str, code: &str, paper: Paper, two_up: bool) -> f64 {
    // DejaVu Sans Mono's advance (1233 of 2048 units an em) and the 0.06 em tracking.
    const MONO: f64 = 1233.0 / 2048.0 + 0.06;
    let body = if two_up { 8.0 } else { 9.5 };
    let room = first_column_mm(paper, two_up) * 72.0 / 25.4
        - pdf::world::bold_width(&format!("{label} "), body)
        - 16.0; // the box's insets and strokes, and a margin
    let wide = code.chars().count() as f64 * MONO * 16.0;
    if wide <= room {
        16.0
    } else {
        (16.0 * room / wide).clamp(8.0, 16.0)
    }
}

/// The width (mm) of a handout's first column in `handout.typ`'s layout: the page (or half)
/// less its 12 mm margins, the 16 mm gutter between halves, the QR code's 28 mm and the 8 mm
/// between the columns.
fn first_column_mm(paper: Paper, two_up: bool) -> f64 {
    let (short, long) = match paper {
        Paper::A4 => (210.0, 297.0),
        Paper::Letter => (215.9, 279.4),
    };
    let text = if two_up {
        (long - 24.0 - 16.0) / 2.0
    } else {
        short - 24.0
    };
    text - 28.0 - 8.0
}

/// What the print run's pages carry in their margins (see [`pdf::running`]).
fn running(paper: Paper, two_up: bool, meta: &DocMeta) -> pdf::running::Running {
    pdf::running::Running {
        setup: page_setup(paper, two_up, meta),
        two_up,
        page_of: meta.page_of.clone(),
    }
}

/// The whole print run: page set-up, then each handout in its own scope, one per page (or one
/// per half sheet with `two_up`, a dashed cut line between the halves), each starting on a new
/// page (or half). Its labels mark where each starts and ends: the marginals ("Page 2 of 3",
/// the attendee and guide from the second page on) are placed after the layout from them.
fn document(parts: &[Rendered], paper: Paper, two_up: bool, meta: &DocMeta) -> String {
    let mut s = page_setup(paper, two_up, meta);
    if two_up {
        s.push_str(
            "#set page(columns: 2, background: place(center + horizon, line(angle: 90deg, \
             length: 100% - 16mm, stroke: (paint: luma(120), thickness: 0.5pt, dash: \"dashed\"))))\n\
             #set columns(gutter: 16mm)\n",
        );
    }
    s.push_str("#show raw: set text(font: \"DejaVu Sans Mono\")\n");
    s.push_str(SB_CODE);
    let brk = if two_up {
        "#colbreak(weak: true)\n"
    } else {
        "#pagebreak(weak: true)\n"
    };
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            s.push_str(brk);
        }
        s.push_str("#[\n");
        s.push_str(&pdf::running::start(i, &p.who));
        s.push_str(&p.body);
        s.push('\n');
        s.push_str(&pdf::running::end(i));
        s.push_str("]\n");
    }
    s
}

/// `url` with a zero-width space after each of the characters `after` and after every
/// `every` characters without one (never at its end), for printing it whole: Typst breaks a
/// line only where the text allows one, and an address is a long unbroken word that would run
/// off the page (too long for a QR code, printed in full width: every 24), or widen the narrow
/// column under its QR code (every 12, and after `/`, `.`, `-`, `?`, `&`, `=` and `#`).
fn breakable(url: &str, every: usize, after: &[char]) -> String {
    let mut out = String::with_capacity(url.len() + url.len() / 4);
    let mut run = 0;
    let mut chars = url.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        run += 1;
        if (after.contains(&c) || run == every) && chars.peek().is_some() {
            out.push('\u{200b}');
            run = 0;
        }
    }
    out
}

/// The document path of the QR code of `url`.
fn qr_path(url: &str) -> String {
    format!("/qr/{:016x}.png", pdf::images::fnv(url))
}

/// Warnings for the addresses too long for a QR code: at their rows of the roster, or at the
/// guide for the site's own address.
fn too_long_for_qr(
    qr_fits: &HashMap<String, bool>,
    roster: Option<&crate::handouts::roster::Roster>,
    site: Option<&str>,
    guide: &std::path::Path,
) -> Vec<Diagnostic> {
    let too_long = |u: &str| qr_fits.get(u) == Some(&false);
    let warn = |file: &std::path::Path, u: &str, whose: String| {
        Diagnostic::warning(
            Code::W016,
            file,
            format!(
                "{whose} ({} characters) is too long for a QR code; it is printed as text instead",
                u.chars().count()
            ),
        )
        .help("use a shorter address (a QR code holds about 2,300 characters; phones read short ones best), or a link shortener")
    };
    let mut out = Vec::new();
    if let Some(r) = roster
        && let Some(col) = r.columns.iter().position(|c| c == "url")
    {
        for row in &r.rows {
            if let Some(u) = row.values.get(col).filter(|u| too_long(u)) {
                let at = row.spans.get(col).cloned().unwrap_or(0..0);
                out.push(warn(&r.shown, u, format!("the address on row {}", row.line)).at(at));
            }
        }
    }
    if let Some(u) = site.filter(|u| too_long(u)) {
        out.push(warn(guide, u, "the guide's address online".into()));
    }
    out
}

/// A QR code of `url` as a PNG: 8 pixels a module and a quiet zone of 4 modules (sharp at
/// 26 mm wide). A raster image is embedded once in the PDF however many handouts show it.
/// `None` when the address is longer than a QR code holds (it is printed as text instead).
fn qr_png(url: &str) -> Option<Vec<u8>> {
    const SCALE: u32 = 8;
    const QUIET: u32 = 4;
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    let width = code.width() as u32;
    let colors = code.to_colors();
    let side = (width + 2 * QUIET) * SCALE;
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / SCALE, y / SCALE);
        let dark = mx >= QUIET
            && my >= QUIET
            && mx < width + QUIET
            && my < width + QUIET
            && colors[((my - QUIET) * width + (mx - QUIET)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .ok()?;
    Some(png)
}

/// The site's address (`base-url`, when it is a full URL), for the QR codes.
fn site_url(book: &Book) -> Option<String> {
    book.config.output.html.as_ref()?.site_url()
}

/// The attendee columns a guide's text uses: `{{ attendee.code }}` → `code`.
pub fn attendee_columns(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in crate::variables::scan(text).placeholders {
        if let Some(c) = p.name.strip_prefix("attendee.")
            && !out.iter().any(|x| x == c)
        {
            out.push(c.to_owned());
        }
    }
    out
}

/// The language printed: `--lang`'s, or the book's own.
fn language(book: &Book, code: Option<&str>) -> Result<crate::i18n::Language, Error> {
    let mut languages = book.languages();
    match code {
        Some(code) => match languages.iter().position(|l| l.code == code) {
            Some(i) => Ok(languages.swap_remove(i)),
            None => Err(unknown_language(code, &languages)),
        },
        None => Ok(languages.swap_remove(0)),
    }
}

/// Which addresses fit a QR code (an address too long for one is printed as text instead, with
/// a warning at its row); the images are made per batch.
fn qr_fits(rows: &[Vec<(String, String)>], url: Option<&str>) -> HashMap<String, bool> {
    let mut fits: HashMap<String, bool> = HashMap::new();
    for u in rows.iter().filter_map(|r| row_url(r)).chain(url) {
        if !fits.contains_key(u) {
            fits.insert(u.to_owned(), qrcode::QrCode::new(u.as_bytes()).is_ok());
        }
    }
    fits
}

/// `--lang` names a language the book does not have.
fn unknown_language(code: &str, languages: &[crate::i18n::Language]) -> Error {
    let codes: Vec<&str> = languages.iter().map(|l| l.code.as_str()).collect();
    let failure = Failure::new(format!("the book has no language `{code}`"));
    let help = match crate::diag::did_you_mean(code, codes.iter().copied()) {
        Some(m) => crate::diag::suggestion(m),
        None => format!(
            "its languages are {} (`[book] language` and `[languages.*]` in book.toml)",
            quoted_list(&codes)
        ),
    };
    Error::Usage(failure.help(help))
}

/// `a`, `b`, `c`
fn quoted_list(items: &[impl std::fmt::Display]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Problems as the error a command stops with.
fn content(diagnostics: Vec<Diagnostic>, sources: &Sources) -> Error {
    let mut d = Diagnostics::default();
    d.extend(diagnostics);
    d.sort();
    Error::Content {
        diagnostics: d,
        sources: sources.clone(),
    }
}
