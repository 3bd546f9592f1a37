//! PDF output (`[output.pdf]`): `pdf/<id>.pdf`, the whole guide, and `pdf/<id>-checklist.pdf`,
//! its checklist. Tera templates (`guide.typ`, `checklist.typ`) write Typst markup, with every
//! value escaped; the `typst` crate compiles it in-process with embedded fonts. Images come from
//! the book's files, or from the cache of remote images (fetched once); one that cannot be had
//! is a framed placeholder with its alt text and a warning, and the build goes on.

pub mod fetch;
pub mod fonts;
pub mod images;
pub mod markup;
pub mod running;
pub mod vet;
pub mod workbook;
pub mod worker;
pub mod world;

use super::{Output, RenderCx};
use crate::config::Paper;
use crate::diag::{Code, Diagnostic};
use crate::layout;
use crate::output::OutFile;

/// The PDF output.
pub struct Pdf {
    pub paper: Paper,
    pub remote: images::Remote,
    /// `base-url` of the HTML output (with a trailing `/`), for the URL in the footer.
    pub base_url: Option<String>,
    /// Whether the HTML output is on (the PDFs then live inside the site).
    pub in_site: bool,
    /// The fonts beyond the embedded ones.
    pub fonts: fonts::Fonts,
    /// The book's folder, to find where a character without a glyph is in a guide.
    pub root: std::path::PathBuf,
    /// The workbook, with `workbook = true`.
    pub workbook: Option<workbook::Workbook>,
}

/// The Typst name of a paper size.
pub fn typst_paper(p: Paper) -> &'static str {
    match p {
        Paper::A4 => "a4",
        Paper::Letter => "us-letter",
    }
}

/// The definitions every generated document starts with: which image paths it has, and
/// `sb-image`, which shows one or a framed placeholder with its alt text.
pub fn preamble(files: &world::Files) -> String {
    let mut have: Vec<&String> = files.keys().collect();
    have.sort();
    let list: String = have
        .iter()
        .map(|p| format!("{}, ", markup::string(p)))
        .collect();
    format!(
        "#let sb-available = ({list})\n\
         #let sb-image(path, alt) = if path in sb-available {{\n  \
           image(path, alt: alt, width: 100%, height: auto, fit: \"contain\")\n\
         }} else {{\n  \
           block(width: 100%, inset: 10pt, stroke: (paint: luma(140), dash: \"dashed\"))[#text(fill: luma(80))[Image not available: #alt]]\n\
         }}\n"
    )
}

/// The guide a document shows, for its warnings: its file as shown, and its text (to point at
/// each image's line; empty when unknown).
#[derive(Clone, Copy)]
pub struct Shown<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

/// Compiles a rendered template (with the preamble for its images) to PDF bytes; `template`
/// names it in messages, and image warnings name the guide `guide`. Images that cannot be shown
/// come back as warnings, one for each reason with every image's line.
pub fn compile(
    template: &str,
    guide: Shown,
    source: String,
    cx_assets: &[crate::validate::Asset],
    remote: &images::Remote,
    plan: &fonts::Plan,
) -> Result<(Vec<u8>, Vec<Diagnostic>), Box<Diagnostic>> {
    compile_parts(
        template,
        guide,
        world::Parts::one(source),
        cx_assets,
        remote,
        world::Files::new(),
        plan,
        worker::Bounds::PDF,
    )
}

/// [`compile`] of a document in parts laid out in parallel (see [`world::compile_parts`]),
/// within `bounds`.
#[allow(clippy::too_many_arguments)]
pub fn compile_parts(
    template: &str,
    guide: Shown,
    parts: world::Parts,
    cx_assets: &[crate::validate::Asset],
    remote: &images::Remote,
    extra: world::Files,
    plan: &fonts::Plan,
    bounds: worker::Bounds,
) -> Result<(Vec<u8>, Vec<Diagnostic>), Box<Diagnostic>> {
    let mut images = images::resolve(&parts.sources.concat(), cx_assets, remote);
    // Each part has the fonts and the images' function; the marginals, the fonts.
    let with_preamble = |files: &world::Files| -> world::Parts {
        let preamble = format!("{}{}", plan.typst(), preamble(files));
        world::Parts {
            sources: parts
                .sources
                .iter()
                .map(|s| format!("{preamble}{s}"))
                .collect(),
            running: parts.running.as_ref().map(|r| running::Running {
                setup: format!("{}{}", plan.typst(), r.setup),
                ..r.clone()
            }),
        }
    };
    images.files.extend(extra);
    let mut made = world::compile_parts(
        with_preamble(&images.files),
        &images.files,
        &plan.faces,
        plan.accessible,
        bounds,
    );
    // Typst fails the whole document for one image that does not decode: find such images
    // (only now, so a good build decodes nothing twice), show placeholders instead, try again.
    if made.is_err() && !super::budget::cancelled() && images::drop_damaged(&mut images) {
        made = world::compile_parts(
            with_preamble(&images.files),
            &images.files,
            &plan.faces,
            plan.accessible,
            bounds,
        );
    }
    let warnings = images::warnings(images.missing, guide.file, guide.text);
    match made {
        Ok(bytes) => Ok((bytes, warnings)),
        Err(errors) => {
            let first = errors.into_iter().next();
            let (message, line) = first.map_or_else(
                || ("Typst failed without a message".to_owned(), None),
                |e| (e.message, e.line),
            );
            let mut d = Diagnostic::error(
                Code::E020,
                format!("templates/{template}"),
                format!("the Typst made from `{template}` does not compile: {message}"),
            );
            if let Some((n, text)) = line {
                d = d.help(format!(
                    "at line {n} of the generated Typst: `{}`",
                    text.trim().chars().take(120).collect::<String>()
                ));
            }
            Err(Box::new(d))
        }
    }
}

/// The PDF output, when `[output.pdf]` is in book.toml.
pub fn make(book: &crate::book::Book, _: &super::Engine) -> Option<Box<dyn Output>> {
    let o = book.config.outputs();
    o.pdf.as_ref()?;
    Some(Box::new(Pdf {
        fonts: fonts::Fonts::of(book),
        root: book.root.clone(),
        paper: book.config.pdf_paper(),
        remote: images::Remote::of(book),
        base_url: o
            .html
            .as_ref()
            .map(|h| h.base_url.clone())
            .filter(|b| !b.is_empty())
            .map(|b| format!("{}/", b.trim_end_matches('/'))),
        in_site: o.html.is_some(),
        workbook: workbook::Workbook::of(book),
    }))
}

impl Output for Pdf {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn link(&self, lang: &crate::i18n::Language, id: &str) -> Option<super::GuideLink> {
        self.in_site.then(|| super::GuideLink {
            name: "pdf",
            label: lang.strings.get("pdf").to_owned(),
            path: layout::pdf_href_from_html("", id),
        })
    }

    fn book_link(&self, lang: &crate::i18n::Language) -> Option<super::GuideLink> {
        workbook::link(self, lang)
    }

    fn folder(&self) -> &'static str {
        layout::pdf_dir(self.in_site)
    }

    fn shared(
        &self,
        cx: &RenderCx,
        cards: &[&super::GuideEntry],
        assets: &[crate::validate::Asset],
    ) -> Result<Vec<OutFile>, Box<Diagnostic>> {
        match &self.workbook {
            Some(w) => w.file(self, cx, cards, assets),
            None => Ok(Vec::new()),
        }
    }

    fn guide(
        &self,
        cx: &RenderCx,
        guide: &tera::Value,
        id: &str,
    ) -> Vec<Result<OutFile, Box<Diagnostic>>> {
        let mut ctx = super::guide_context(cx.base, guide);
        ctx.insert("paper", typst_paper(self.paper));
        ctx.insert("lang", &lang(cx.base));
        let url = self
            .base_url
            .as_ref()
            .map(|b| format!("{b}{}", layout::guide_url_path(&cx.lang.prefix, id)));
        ctx.insert("guide_url", &url);
        ctx.insert("attendee_fields", &Vec::<String>::new());
        let source_file = guide
            .as_map()
            .and_then(|m| m.get(&tera::value::Key::from("source")))
            .and_then(|v| v.as_str())
            .unwrap_or(id)
            .to_owned();
        let steps = count_steps(guide);
        if steps > MAX_PDF_STEPS {
            let d = Diagnostic::error(
                Code::E020,
                source_file.as_str(),
                format!(
                    "the guide has {steps} steps (substeps included); a PDF is made of a guide of at most {MAX_PDF_STEPS}: laying out more takes gigabytes"
                ),
            )
            .help("split the guide into several guides, or turn `[output.pdf]` off in book.toml");
            return vec![Err(Box::new(d))];
        }
        if let Some(w) = self.workbook.as_ref().filter(|w| w.wants(id)) {
            match cx.engine.render("guide-body.typ", &ctx) {
                Ok(body) => w.hold(id, body, steps),
                Err(e) => return vec![Err(e)],
            }
        }
        self.documents(cx, &ctx, id, &source_file)
    }
}

/// A document's Typst made from its template (or the template's error), and where it goes.
type Made<'t> = (&'t str, String, Result<String, Box<Diagnostic>>);

impl Pdf {
    /// The guide's PDF and its checklist's, laid out with one font plan (the same text, one
    /// warning for a character no font has).
    fn documents(
        &self,
        cx: &RenderCx,
        ctx: &tera::Context,
        id: &str,
        source_file: &str,
    ) -> Vec<Result<OutFile, Box<Diagnostic>>> {
        let made: Vec<Made> = [
            (
                "guide.typ",
                layout::pdf_guide(self.in_site, &cx.lang.prefix, id),
            ),
            (
                "checklist.typ",
                layout::pdf_checklist(self.in_site, &cx.lang.prefix, id),
            ),
        ]
        .into_iter()
        .map(|(template, to)| (template, to, cx.engine.render(template, ctx)))
        .collect();
        // One plan for both documents: the same text, the same fonts, one warning.
        let texts: Vec<&str> = made
            .iter()
            .filter_map(|(_, _, r)| r.as_deref().ok())
            .collect();
        let plan = self.fonts.plan(&texts, &cx.lang.code);
        // The guide's text, for the lines of the warnings (an image not shown, a character no
        // font has).
        let text = std::fs::read_to_string(self.root.join(source_file)).unwrap_or_default();
        let mut out = Vec::new();
        for (template, to, source) in made {
            let made = source.and_then(|source| {
                compile(
                    template,
                    Shown {
                        file: source_file,
                        text: &text,
                    },
                    source,
                    cx.assets,
                    &self.remote,
                    &plan,
                )
            });
            match made {
                Ok((bytes, warnings)) => {
                    out.push(Ok(OutFile::Bytes { to, bytes }));
                    out.extend(warnings.into_iter().map(|w| Err(Box::new(w))));
                }
                Err(e) => out.push(Err(e)),
            }
        }
        let here = std::path::Path::new(source_file);
        out.extend(
            self.fonts
                .warnings(&plan.missing, &[(here, &text)])
                .into_iter()
                .map(|w| Err(Box::new(w))),
        );
        out
    }
}

/// The most steps (substeps included) of a guide made into a PDF: Typst takes about 60 KB of
/// memory a step (20,000 steps: 12 s and 1.2 GB; 70,000 abort at 2.6 GB), where the HTML of
/// 70,000 steps takes 217 MiB.
pub const MAX_PDF_STEPS: usize = 10_000;

/// The steps and substeps of a guide's view.
fn count_steps(guide: &tera::Value) -> usize {
    fn steps(v: Option<&tera::Value>) -> usize {
        v.and_then(|v| v.as_array()).map_or(0, |list| {
            list.iter().map(|s| 1 + steps(field(s, "substeps"))).sum()
        })
    }
    fn field<'a>(v: &'a tera::Value, name: &'static str) -> Option<&'a tera::Value> {
        v.as_map()?.get(&tera::value::Key::from(name))
    }
    field(guide, "sections")
        .and_then(|v| v.as_array())
        .map_or(0, |sections| {
            sections.iter().map(|s| steps(field(s, "steps"))).sum()
        })
}

/// The two-letter language of the book, for Typst's `text(lang:)`.
fn lang(base: &tera::Context) -> String {
    base.get("book")
        .and_then(|b| b.as_map())
        .and_then(|m| m.get(&tera::value::Key::from("language")))
        .and_then(|l| l.as_str())
        .map(|l| {
            l.chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .take(3)
                .collect::<String>()
        })
        .filter(|l| l.len() >= 2)
        .unwrap_or_else(|| "en".into())
        .to_lowercase()
}
