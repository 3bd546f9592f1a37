//! Handouts of the workbook (`stepbook handouts --workbook`): the day's workbook that `build`
//! wrote, one copy per attendee of the roster, each with the attendee's fields large on its
//! cover and their name and code at the foot of every other page (the workbook numbers its
//! pages itself), so a page that slips out of a pile goes back to its owner. The workbook is
//! laid out once, by the build: each page goes into the PDF once, as a form every copy draws,
//! and only the attendee's text is laid out per copy. A copy of an odd number of pages gets a
//! blank last page, so each starts on the front of a sheet when printed duplex.

use std::io::Write;

use super::{HandoutOptions, Handouts, merge, prepare};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::diag::{Code, Diagnostic, Diagnostics, Failure, Sources};
use crate::error::Error;
use crate::render::pdf::{self, markup, world};
use crate::{book::Book, layout};

/// Attendees whose copies are laid out at a time (their text only: the workbook's pages are
/// drawn from one form each).
const BATCH: usize = 100;

/// Prints a copy of the workbook of `book` for each attendee of `opts.roster` to `out`.
pub(super) fn print(
    book: &Book,
    opts: &HandoutOptions,
    out: &mut dyn Write,
) -> Result<Handouts, Error> {
    pdf::worker::prestart();
    let lang = super::language(book, opts.lang.as_deref())?;
    let (bytes, path) = read_workbook(book, &lang, opts.dest_dir.as_deref())?;
    let mut sources = Sources::default();
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(stale(book, &path));
    let (roster, show) = prepare::roster_and_show(book, opts, &[], &mut sources, &mut diagnostics)?;
    if roster.is_none() {
        return Err(Error::Usage(
            Failure::new("`--workbook` prints a copy for each attendee of a roster")
                .help("give the roster: `stepbook handouts --workbook --roster attendees.csv`"),
        ));
    }
    let rows = prepare::rows(roster.as_ref(), &[]);
    let people: Vec<Attendee> = rows.iter().map(|r| attendee(book, &show, r)).collect();
    let texts: Vec<String> = people.iter().map(|p| p.lines.join("\n")).collect();
    let fonts = pdf::fonts::Fonts::of(book);
    let plan = fonts.plan(&[&texts.join("\n")], &lang.code);
    if let Some(r) = &roster {
        diagnostics.extend(fonts.warnings(&plan.missing, &[(&r.shown, &r.text)]));
    }
    write(book, &lang, bytes, &people, &plan, out)?;
    diagnostics.sort();
    Ok(Handouts {
        id: "workbook".into(),
        handouts: people.len(),
        diagnostics,
        sources,
    })
}

/// Writes the copies to `out`: the workbook's pages (`workbook`, its PDF) once as forms, then
/// the attendees' text over them, [`BATCH`] attendees at a time.
fn write(
    book: &Book,
    lang: &crate::i18n::Language,
    workbook: Vec<u8>,
    people: &[Attendee],
    plan: &pdf::fonts::Plan,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let failed = |e: String| Error::Other(anyhow::anyhow!("failed to write the PDF: {e}"));
    let mut merger = merge::Merger::new(out).map_err(|e| failed(e.to_string()))?;
    let forms = merger.add_forms(workbook).map_err(failed)?;
    let first = forms
        .first()
        .map(|f| f.size())
        .ok_or_else(|| failed("the workbook has no pages".into()))?;
    let per = forms.len() + forms.len() % 2;
    let blank: Vec<bool> = forms.iter().map(|f| f.blank).collect();
    for batch in people.chunks(BATCH) {
        let source = overlay(batch, &blank, per, first);
        let made = world::compile_parts(
            world::Parts::one(format!("{}{source}", plan.typst())),
            &world::Files::new(),
            &plan.faces,
            false,
            pdf::worker::Bounds::PDF,
        )
        .map_err(|e| {
            failed(
                e.into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        merger.add_stamped(&forms, per, made).map_err(failed)?;
        typst::comemo::evict(0);
    }
    let title = lang
        .strings
        .fill("handouts_title", &[("title", &book.config.book.title)]);
    merger
        .finish(&merge::Info {
            creator: concat!("stepbook ", env!("CARGO_PKG_VERSION")),
            title: &title,
            authors: &book.config.book.authors,
            subject: lang.description.as_deref(),
            lang: &lang.code,
        })
        .map_err(failed)?;
    Ok(())
}

/// The workbook PDF the last build wrote for `lang`, or why there is none.
fn read_workbook(
    book: &Book,
    lang: &crate::i18n::Language,
    dest: Option<&Path>,
) -> Result<(Vec<u8>, PathBuf), Error> {
    let outputs = book.config.outputs();
    if !outputs.pdf.as_ref().is_some_and(|p| p.workbook) {
        return Err(Error::Usage(
            Failure::new("this book makes no workbook")
                .help("set `workbook = true` under `[output.pdf]` in book.toml, run `stepbook build`, then print its handouts"),
        ));
    }
    let name = layout::workbook_name(&crate::validate::slug(&lang.title));
    let rel = layout::pdf_workbook(outputs.html.is_some(), &lang.prefix, &name);
    let path = book.dest(dest).join(rel);
    match crate::safe_fs::read_regular(&path, 1 << 30) {
        Ok(bytes) => Ok((bytes, path)),
        Err(e) => Err(Error::Usage(
            Failure::new(format!(
                "cannot read the workbook `{}`: {e}",
                shown(book, &path).display()
            ))
            .help("`stepbook build` writes it: run it first (with `--dest-dir DEST`: give it here too)"),
        )),
    }
}

/// `path` as messages show it: from where the book was named.
fn shown(book: &Book, path: &Path) -> PathBuf {
    crate::diag::shown_path(
        &book.shown_root,
        path.strip_prefix(&book.root).unwrap_or(path),
    )
}

/// A warning when a guide or book.toml changed after the workbook at `workbook` was built: the
/// copies print the workbook as that build made it.
fn stale(book: &Book, workbook: &Path) -> Option<Diagnostic> {
    let built = std::fs::metadata(workbook).ok()?.modified().ok()?;
    let modified = |p: &Path| std::fs::metadata(p).ok()?.modified().ok();
    let guides = walkdir::WalkDir::new(&book.src)
        .max_depth(8)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "yaml" || x == "yml")
        })
        .map(|e| e.into_path());
    let mut changed: Vec<(SystemTime, PathBuf)> = guides
        .chain(std::iter::once(book.root.join(crate::config::CONFIG_FILE)))
        .filter_map(|p| Some((modified(&p)?, p)))
        .filter(|(t, _)| *t > built)
        .collect();
    changed.sort();
    let (_, newest) = changed.last()?;
    let others = match changed.len() - 1 {
        0 => String::new(),
        1 => " (and 1 other file)".to_owned(),
        n => format!(" (and {n} other files)"),
    };
    let file = shown(book, newest);
    Some(
        Diagnostic::warning(
            Code::W023,
            &file,
            format!(
                "`{}`{others} changed after the workbook was built: the copies print the workbook as the last build made it",
                file.display()
            ),
        )
        .help("run `stepbook build`, then print the copies again"),
    )
}

/// One attendee's printed text: their fields, one a line (the parts of a name as one), and
/// the promo code apart.
struct Attendee {
    lines: Vec<String>,
    code: Option<String>,
}

fn attendee(book: &Book, show: &[String], row: &[(String, String)]) -> Attendee {
    let mut code = None;
    let mut fields = Vec::new();
    for k in show {
        let v = row.iter().find(|(c, _)| c == k).map_or("", |(_, v)| v);
        if k == "code" || k == "promo_code" {
            if !v.is_empty() {
                code = Some(super::shown_code(book, v));
            }
            continue;
        }
        fields.push(serde_json::json!({ "name": k, "shown": v }));
    }
    Attendee {
        lines: prepare::running_name(&fields),
        code,
    }
}

/// `sb-fit(body, size, keep, side)`: `body` at `size` in grey on one line, in the width of its
/// place less `keep` (the workbook's page number, on the other side), made smaller to fit (down
/// to 5 pt) rather than run into the number; past that, what the line cannot hold is cut.
pub(super) const FIT_ONE_LINE: &str = "#let sb-fit(body, size, keep, side) = layout(place => {\n\
  let room = place.width - keep\n\
  let wide = measure(text(size: size, body)).width\n\
  let s = if wide > room { calc.max(5pt, size * 0.95 * (room / wide)) } else { size }\n\
  let w = measure(text(size: s, body)).width + 1pt\n\
  box(width: room, clip: true, align(if w > room { left } else { side }, box(width: w, text(size: s, fill: luma(90), body))))\n\
})\n";

/// The attendees' text as Typst: for each, `per` pages of the workbook's size (over its pages,
/// whose blank ones are `blank`, then a blank one if `per` is more): the fields large at the
/// top of the cover, and the name and code at the foot of every other page but the blank
/// ones, on the side the workbook's page number is not (right on odd pages).
fn overlay(people: &[Attendee], blank: &[bool], per: usize, (w, h): (f32, f32)) -> String {
    let mut s = format!(
        "#set page(width: {w}pt, height: {h}pt, margin: (inside: 22mm, outside: 16mm, top: 20mm, bottom: 20mm))\n\
         #set text(font: sb-fonts, size: 8pt)\n\
         {FIT_ONE_LINE}\
         #let sb-foot(who, odd) = {{ let side = if odd {{ left }} else {{ right }}; align(side, sb-fit(who, 8pt, 60pt, side)) }}\n"
    );
    for p in people {
        let mut who = p.lines.clone();
        who.extend(p.code.clone());
        let who = markup::string(&who.join(" · "));
        let lines: String = p
            .lines
            .iter()
            .map(|l| {
                format!(
                    "#text(size: 18pt, weight: \"bold\", {})\\\n",
                    markup::string(l)
                )
            })
            .collect();
        let code = p.code.as_deref().map_or(String::new(), |c| {
            format!(
                "#box(stroke: 1pt, inset: (x: 6pt, y: 5pt), radius: 2pt, text(font: \"DejaVu Sans Mono\", size: 16pt, weight: \"bold\", tracking: 0.06em, {}))",
                markup::string(c)
            )
        });
        s.push_str(&format!(
            "#page(footer: none)[#place(top + right, align(right)[{lines}{code}])]\n"
        ));
        for n in 2..=per {
            if !blank.get(n - 1).copied().unwrap_or(true) {
                s.push_str(&format!(
                    "#page(footer: sb-foot({who}, {}))[]\n",
                    n % 2 == 1
                ));
            } else {
                s.push_str("#page(footer: none)[]\n");
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_copy_is_an_even_number_of_pages_with_the_attendee_on_each() {
        let people = [
            Attendee {
                lines: vec!["Ada Lovelace".into()],
                code: Some("PASS-1".into()),
            },
            Attendee {
                lines: vec!["#panic()".into()],
                code: None,
            },
        ];
        let s = overlay(&people, &[false, false, false], 4, (595.0, 842.0));
        assert_eq!(s.matches("#page(").count(), 8);
        assert_eq!(
            s.matches("sb-foot(\"Ada Lovelace · PASS-1\"").count(),
            2,
            "{s}"
        );
        // Page 3 is odd: the name on the left, the workbook's number on the right.
        assert!(s.contains("sb-foot(\"Ada Lovelace · PASS-1\", true)"));
        // A name is a string, never markup.
        assert!(s.contains("\"#panic()\""), "{s}");
        assert!(!s.contains("[#panic()"), "{s}");
    }
}
