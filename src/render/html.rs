//! Render: the static HTML site, `html/index.html` and `html/<id>/index.html`.

use serde::Serialize;

use super::entry::GuideEntry;
use super::{Output, RenderCx};
use crate::config::HtmlOutput;
use crate::diag::Diagnostic;
use crate::i18n::Language;
use crate::layout;
use crate::output::OutFile;

/// `base-url` with exactly one trailing slash, or the relative prefix to the site root.
fn root(cfg: &HtmlOutput, relative: &str) -> String {
    if cfg.base_url.is_empty() {
        relative.to_owned()
    } else {
        format!("{}/", cfg.base_url.trim_end_matches('/'))
    }
}

/// The two roots a page links by: its language's (index, guides, checklists, PDFs, search) and
/// the site's (theme files, images), from a page `depth` folders below its language's root.
fn roots(cfg: &HtmlOutput, lang: &Language, depth: usize) -> (String, String) {
    let up = "../".repeat(depth);
    let site = root(cfg, &format!("{up}{}", "../".repeat(lang.depth())));
    (format!("{site}{}", lang.prefix), site)
}

/// A page's one absolute address, where `base-url` is a full address: a guide's folder
/// (`https://x.example/de/azure-pass/`), the form the sitemap, `rel=canonical`, the `hreflang`
/// alternates and the handouts' QR codes all use, so no page has two URLs.
fn page_url(cfg: &HtmlOutput, prefix: &str, id: Option<&str>) -> Option<String> {
    let base = cfg.site_url()?;
    Some(match id {
        Some(id) => format!("{base}{}", layout::guide_url_path(prefix, id)),
        None => format!("{base}{prefix}"),
    })
}

/// The page's links to itself in every language it exists in (`href` from `site` root; the
/// guide `id`, or the index without one): the switcher, and the `hreflang` alternates (`url`,
/// absolute where `base-url` is a full address, else `href`).
fn alternates(
    languages: &[super::Alternate],
    current: &Language,
    site: &str,
    id: Option<&str>,
    cfg: &HtmlOutput,
) -> serde_json::Value {
    if languages.len() < 2 {
        return serde_json::Value::Array(Vec::new());
    }
    languages
        .iter()
        .map(|l| {
            let href = layout::lang_href(site, &l.prefix, id);
            serde_json::json!({
                "code": l.code,
                "name": l.name,
                "url": page_url(cfg, &l.prefix, id).unwrap_or_else(|| href.clone()),
                "href": href,
                "current": l.code == current.code,
            })
        })
        .collect()
}

#[derive(Serialize)]
struct CardLinks<'a> {
    #[serde(flatten)]
    card: &'a GuideEntry,
    href: String,
    /// The other outputs' files for the guide.
    links: Vec<PageLink>,
    /// `checklist_href`, `pdf_href`: each link by its output's name, for templates written
    /// before `links`.
    #[serde(flatten)]
    hrefs: std::collections::BTreeMap<String, Option<String>>,
}

/// A link from a page, its address from that page.
#[derive(Serialize)]
struct PageLink {
    name: &'static str,
    label: String,
    href: String,
}

/// The outputs' links for a guide, from a page whose language root is `root`.
fn page_links(links: &[super::GuideLink], root: &str) -> Vec<PageLink> {
    links
        .iter()
        .map(|l| PageLink {
            name: l.name,
            label: l.label.clone(),
            href: format!("{root}{}", l.path),
        })
        .collect()
}

/// The links as `checklist_href` and `pdf_href` (`None` when that output is off), the
/// variables templates had before `links`.
fn legacy_hrefs(links: &[PageLink]) -> std::collections::BTreeMap<String, Option<String>> {
    ["checklist", "pdf"]
        .into_iter()
        .map(|name| {
            let href = links
                .iter()
                .find(|l| l.name == name)
                .map(|l| l.href.clone());
            (format!("{name}_href"), href)
        })
        .collect()
}

/// Guides on one index page: a larger book's index has several pages, so that no page (and no
/// page's rendering) grows with the book.
pub const INDEX_PAGE_GUIDES: usize = 1000;

/// The index of one language: `index.html`, and `index-2.html`, … for a book of more than
/// [`INDEX_PAGE_GUIDES`] guides.
fn index(
    cx: &RenderCx,
    cards: &[&GuideEntry],
    cfg: &HtmlOutput,
) -> Result<Vec<OutFile>, Box<Diagnostic>> {
    let (root, site_root) = roots(cfg, cx.lang, 0);
    let mut base = cx.base.clone();
    base.insert("root", &root);
    base.insert("site_root", &site_root);
    let languages = alternates(&cx.nav.languages, cx.lang, &site_root, None, cfg);
    base.insert("translations", &languages);
    base.insert("canonical", &page_url(cfg, &cx.lang.prefix, None));
    base.insert("guide_count", &cards.len());
    base.insert("book_links", &page_links(&cx.book_links(), &root));
    // The time of every guide that says how long it takes, as "3 h 20 min".
    let minutes: u64 = cards.iter().filter_map(|c| c.duration_minutes).sum();
    let total = (minutes > 0).then(|| {
        cx.lang
            .strings
            .duration(crate::duration::Duration(minutes * 60))
    });
    base.insert("total_duration", &total);
    let count = cards.len().div_ceil(INDEX_PAGE_GUIDES).max(1);
    let page_href = |n: usize| layout::index_page_href(&root, n);
    let mut out = Vec::with_capacity(count);
    for n in 1..=count {
        let chunk = cards
            .chunks(INDEX_PAGE_GUIDES)
            .nth(n - 1)
            .unwrap_or_default();
        let links: Vec<CardLinks> = chunk
            .iter()
            .map(|card| {
                let links = page_links(&cx.links(&card.id), &root);
                CardLinks {
                    card,
                    href: layout::guide_href_from_index(&root, &card.id),
                    hrefs: legacy_hrefs(&links),
                    links,
                }
            })
            .collect();
        let mut ctx = base.clone();
        ctx.insert("guides", &links);
        let pages = (count > 1).then(|| {
            serde_json::json!({
                "page": n,
                "count": count,
                "prev": (n > 1).then(|| page_href(n - 1)),
                "next": (n < count).then(|| page_href(n + 1)),
            })
        });
        ctx.insert("index_pages", &pages);
        out.push(OutFile::Text {
            to: layout::index_page_n(&cx.lang.prefix, n),
            text: cx.engine.render("index.html", &ctx)?,
        });
    }
    Ok(out)
}

/// `404.html`: what a server shows for an address the site does not have. Its links are
/// absolute when `base-url` is set (it is served at any depth), else relative to the site root.
fn not_found(cx: &RenderCx, cfg: &HtmlOutput) -> Result<OutFile, Box<Diagnostic>> {
    let mut ctx = cx.base.clone();
    let (root, site_root) = roots(cfg, cx.lang, 0);
    ctx.insert("root", &root);
    ctx.insert("site_root", &site_root);
    ctx.insert("translations", &serde_json::Value::Array(Vec::new()));
    Ok(OutFile::Text {
        to: layout::NOT_FOUND_PAGE.into(),
        text: cx.engine.render("404.html", &ctx)?,
    })
}

/// `sitemap.xml`, when `base-url` is a full address (a sitemap lists absolute URLs): the index
/// and every guide page, in every language.
fn sitemap(cards: &[&GuideEntry], cfg: &HtmlOutput) -> Option<String> {
    let base = cfg.site_url()?;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let escape = crate::markdown::escape_html;
    out.push_str(&format!("  <url><loc>{}</loc></url>\n", escape(&base)));
    let mut langs: Vec<&str> = Vec::new();
    for c in cards {
        if !c.prefix.is_empty() && !langs.contains(&c.prefix.as_str()) {
            langs.push(&c.prefix);
            out.push_str(&format!(
                "  <url><loc>{}</loc></url>\n",
                escape(&format!("{base}{}", c.prefix))
            ));
        }
        let loc = format!("{base}{}", layout::guide_url_path(&c.prefix, &c.id));
        out.push_str(&format!("  <url><loc>{}</loc></url>\n", escape(&loc)));
    }
    out.push_str("</urlset>\n");
    Some(out)
}

fn page(
    cx: &RenderCx,
    guide: &tera::Value,
    id: &str,
    cfg: &HtmlOutput,
) -> Result<OutFile, Box<Diagnostic>> {
    let with_feedback = cfg.feedback().map(|f| {
        let path = layout::guide_url_path(&cx.lang.prefix, id);
        let address = page_url(cfg, &cx.lang.prefix, Some(id))
            .unwrap_or_else(|| format!("{}{path}", root(cfg, "")));
        super::feedback::add(guide, &f, &cx.lang.code, &address)
    });
    let (root, site_root) = roots(cfg, cx.lang, 1);
    let mut ctx = super::guide_context(cx.base, with_feedback.as_ref().unwrap_or(guide));
    let link = |l: &Option<super::NavLink>| {
        l.as_ref().map(|l| {
            serde_json::json!({"href": layout::guide_href_from_index(&root, &l.id), "title": l.title})
        })
    };
    ctx.insert("prev", &link(&cx.nav.prev));
    ctx.insert("next", &link(&cx.nav.next));
    let links = page_links(&cx.links(id), &root);
    for (name, href) in legacy_hrefs(&links) {
        ctx.insert(name, &href);
    }
    ctx.insert("links", &links);
    ctx.insert("root", &root);
    ctx.insert("site_root", &site_root);
    ctx.insert(
        "translations",
        &alternates(&cx.nav.languages, cx.lang, &site_root, Some(id), cfg),
    );
    ctx.insert("canonical", &page_url(cfg, &cx.lang.prefix, Some(id)));
    Ok(OutFile::Text {
        to: layout::guide_page(&cx.lang.prefix, id),
        text: cx.engine.render("guide.html", &ctx)?,
    })
}

/// The static HTML site: a page per guide, the index, the theme files and the images.
pub struct Html {
    pub cfg: HtmlOutput,
}

/// The HTML site, when `[output.html]` is in book.toml.
pub fn make(book: &crate::book::Book, _: &super::Engine) -> Option<Box<dyn Output>> {
    let cfg = book.config.outputs().html?;
    Some(Box::new(Html { cfg }))
}

impl Output for Html {
    fn name(&self) -> &'static str {
        "html"
    }

    fn folder(&self) -> &'static str {
        layout::HTML_DIR
    }

    fn guide(
        &self,
        cx: &RenderCx,
        guide: &tera::Value,
        id: &str,
    ) -> Vec<Result<OutFile, Box<Diagnostic>>> {
        vec![page(cx, guide, id, &self.cfg)]
    }

    fn shared(
        &self,
        cx: &RenderCx,
        cards: &[&GuideEntry],
        _assets: &[crate::validate::Asset],
    ) -> Result<Vec<OutFile>, Box<Diagnostic>> {
        index(cx, cards, &self.cfg)
    }

    fn search<'c>(
        &self,
        cx: &RenderCx,
        cards: &'c [&'c GuideEntry],
    ) -> Box<dyn Iterator<Item = OutFile> + 'c> {
        Box::new(super::search::files(
            cards.iter().map(|c| (c.id.as_str(), &c.search)),
            &cx.lang.prefix,
        ))
    }

    fn site(
        &self,
        cx: &RenderCx,
        all: &[&GuideEntry],
        assets: &[crate::validate::Asset],
    ) -> Result<Vec<OutFile>, Box<Diagnostic>> {
        let mut files = vec![not_found(cx, &self.cfg)?];
        if let Some(map) = sitemap(all, &self.cfg) {
            files.push(OutFile::Text {
                to: layout::SITEMAP.into(),
                text: map,
            });
        }
        // The checklist's CSS is inlined into each checklist page: the site does not need it.
        for (name, bytes) in cx
            .engine
            .theme
            .iter()
            .filter(|(n, _)| *n != "checklist.css")
        {
            files.push(OutFile::Bytes {
                to: layout::theme_file(name),
                bytes: bytes.clone(),
            });
        }
        files.extend(super::copy_assets(assets, true));
        Ok(files)
    }
}
