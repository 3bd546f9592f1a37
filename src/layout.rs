//! Layout: every name stepbook gives to what it writes, in one place — the output's files and
//! folders, the links between outputs, the guide ids they reserve, the staging, spare and
//! temporary names beside the output, and the book's own input folders. Renderers, the output
//! writer, `watch` and `serve` ask here instead of spelling paths themselves.

use std::path::{Path, PathBuf};

/// A file stepbook writes into every output folder, so it never replaces a folder it did not
/// write (and `serve` serves only such a folder).
pub const MARKER: &str = ".stepbook-output";

/// The book's folders of templates and themes (inputs the output must never replace).
pub const TEMPLATES_DIR: &str = "templates";
pub const THEMES_DIR: &str = "themes";

/// Guide ids that would collide with the HTML output's own folders (reserved whether or not
/// the checklist and PDF outputs are on, so turning one on never changes a guide's address).
pub const RESERVED_IDS: [&str; 4] = [MEDIA, THEME, "checklist", "pdf"];

/// The folders of the outputs. With the HTML output on, the checklists and PDFs live inside
/// the site (`html/checklist/`, `html/pdf/`) so that `html/` alone is a complete site to
/// publish; without it they are folders of their own beside it.
///
/// A book's other languages go one folder down in each output, under their code (`lang`, the
/// prefix `de/`, or `""` for the book's language): `html/de/<id>/index.html`,
/// `html/de/checklist/`, `markdown/de/<id>.md`. Theme files and images are shared.
pub const HTML_DIR: &str = "html";
pub const MARKDOWN_DIR: &str = "markdown";

/// The checklists' folder: inside the site when the HTML output is on (`in_site`).
pub fn checklist_dir(in_site: bool) -> &'static str {
    if in_site {
        "html/checklist"
    } else {
        "checklist"
    }
}

/// The PDFs' folder: inside the site when the HTML output is on (`in_site`).
pub fn pdf_dir(in_site: bool) -> &'static str {
    if in_site { "html/pdf" } else { "pdf" }
}

/// Where a language's files of an output folder go: `html/de/checklist` for `html/checklist`.
fn in_lang(dir: &str, lang: &str) -> String {
    match (lang.is_empty(), dir.split_once('/')) {
        (true, _) => dir.to_owned(),
        (false, Some((top, rest))) => format!("{top}/{lang}{rest}"),
        (false, None) => format!("{dir}/{}", lang.trim_end_matches('/')),
    }
}

/// The whole guide as a PDF, relative to the output folder.
pub fn pdf_guide(in_site: bool, lang: &str, id: &str) -> String {
    format!("{}/{id}.pdf", in_lang(pdf_dir(in_site), lang))
}

/// The checklist as a PDF, relative to the output folder.
pub fn pdf_checklist(in_site: bool, lang: &str, id: &str) -> String {
    format!("{}/{id}-checklist.pdf", in_lang(pdf_dir(in_site), lang))
}

/// The workbook's folder inside the PDFs' (`[output.pdf] workbook`): a folder, so that no guide
/// id (`workbook`, `<book>-workbook`) can name the same file as the workbook.
const WORKBOOK_DIR: &str = "workbook";

/// The workbook's file name: the book's title as a slug (`azure-pass-event-guides.pdf`), so a
/// downloaded copy says what it is; `workbook.pdf` for a title with no letters or digits.
pub fn workbook_name(title_slug: &str) -> String {
    if title_slug.is_empty() {
        "workbook.pdf".to_owned()
    } else {
        format!("{title_slug}.pdf")
    }
}

/// The workbook of a language, relative to the output folder (`html/pdf/workbook/<name>`).
pub fn pdf_workbook(in_site: bool, lang: &str, name: &str) -> String {
    format!("{}/{WORKBOOK_DIR}/{name}", in_lang(pdf_dir(in_site), lang))
}

/// The workbook from an HTML page whose language root is `root`.
pub fn workbook_href_from_html(root: &str, name: &str) -> String {
    format!("{root}pdf/{WORKBOOK_DIR}/{name}")
}

/// The guide's PDF from an HTML page whose site root is `root`.
pub fn pdf_href_from_html(root: &str, id: &str) -> String {
    format!("{root}pdf/{id}.pdf")
}

/// The folder of copied screenshots inside each output that shows images.
const MEDIA: &str = "media";
/// The folder of theme files inside the HTML output.
const THEME: &str = "theme";
/// The folder under `media/` for images outside the guides folder.
pub const OUTSIDE_SRC: &str = "_root";

/// The HTML site's search index of a language, a script loaded when a reader first searches.
pub fn search_index(lang: &str) -> String {
    format!("{HTML_DIR}/{lang}search-index.js")
}

/// The folder of a language's search files that queries load on demand (the underscore keeps
/// it apart from every guide's folder: ids have none).
pub const SEARCH_DIR: &str = "search_index";

/// One of a language's search files (`t0.js`, `g0.js`).
pub fn search_file(lang: &str, name: &str) -> String {
    format!("{HTML_DIR}/{lang}{SEARCH_DIR}/{name}")
}

/// The HTML site's page for addresses it does not have.
pub const NOT_FOUND_PAGE: &str = "html/404.html";

/// The HTML site's sitemap (written when `base-url` is a full address).
pub const SITEMAP: &str = "html/sitemap.xml";

/// The HTML site's service worker (`[output.html] offline`), at the site's root so that its
/// scope is the whole site.
pub const SERVICE_WORKER: &str = "html/sw.js";

/// The HTML site's index page (of the book's language).
pub const INDEX_PAGE: &str = "html/index.html";

/// A language's index page.
pub fn index_page(lang: &str) -> String {
    index_page_n(lang, 1)
}

/// The `n`th page of a language's index (`index.html`, `index-2.html`, …).
pub fn index_page_n(lang: &str, n: usize) -> String {
    match n {
        1 => format!("{HTML_DIR}/{lang}index.html"),
        n => format!("{HTML_DIR}/{lang}index-{n}.html"),
    }
}

/// The `n`th index page from another, given the language's root.
pub fn index_page_href(root: &str, n: usize) -> String {
    match n {
        1 => format!("{root}index.html"),
        n => format!("{root}index-{n}.html"),
    }
}

/// A guide's HTML page.
pub fn guide_page(lang: &str, id: &str) -> String {
    format!("{HTML_DIR}/{lang}{id}/index.html")
}

/// A guide's address under the HTML site's root (`azure-pass/`, `de/azure-pass/`), for
/// `base-url` + this.
pub fn guide_url_path(lang: &str, id: &str) -> String {
    format!("{lang}{id}/")
}

/// A guide's Markdown file.
pub fn markdown_page(lang: &str, id: &str) -> String {
    format!("{MARKDOWN_DIR}/{lang}{id}.md")
}

/// The agenda output's folder.
pub const AGENDA_DIR: &str = "agenda";

/// A language's agenda (`agenda/agenda.md`, `agenda/de/agenda.md`).
pub fn agenda_page(lang: &str) -> String {
    format!("{AGENDA_DIR}/{lang}agenda.md")
}

/// A language's agenda page (`agenda/agenda.html`, `agenda/de/agenda.html`).
pub fn agenda_html(lang: &str) -> String {
    format!("{AGENDA_DIR}/{lang}agenda.html")
}

/// A language's agenda as a one-page PDF (`agenda/agenda.pdf`), when the PDF output is on.
pub fn agenda_pdf(lang: &str) -> String {
    format!("{AGENDA_DIR}/{lang}agenda.pdf")
}

/// A guide's printable checklist (HTML).
pub fn checklist_html(in_site: bool, lang: &str, id: &str) -> String {
    format!("{}/{id}.html", in_lang(checklist_dir(in_site), lang))
}

/// A guide's checklist as a Markdown task list.
pub fn checklist_md(in_site: bool, lang: &str, id: &str) -> String {
    format!("{}/{id}.md", in_lang(checklist_dir(in_site), lang))
}

/// A theme file in the HTML output.
pub fn theme_file(name: &str) -> String {
    format!("{HTML_DIR}/{THEME}/{name}")
}

/// Where a copied image goes in the HTML output (`html`) or the Markdown output.
pub fn media_file(html: bool, asset: &str) -> String {
    format!(
        "{}/{MEDIA}/{asset}",
        if html { HTML_DIR } else { MARKDOWN_DIR }
    )
}

/// The name inside `media/` of a remote screenshot's copy (`remote-images = "copy"`), from its
/// content-hash file name (`<sha1>.<ext>`): never from its URL, so no URL can name a path
/// outside the media folder.
pub fn remote_copy(file_name: &str) -> String {
    format!("{REMOTE_MEDIA}/{file_name}")
}

/// The folder of `media/` holding remote screenshots' copies.
pub const REMOTE_MEDIA: &str = "remote";

/// An image's URL from a guide page and from a Markdown file, given the way up from each to
/// its output's root (`../` and ``; a translation's `../../` and `../`); `asset` is already
/// percent-encoded.
pub fn media_hrefs(html_up: &str, md_up: &str, asset: &str) -> (String, String) {
    (
        format!("{html_up}{MEDIA}/{asset}"),
        format!("{md_up}{MEDIA}/{asset}"),
    )
}

/// A guide page's URL from the index, given its language's root (`""`, or `base-url`).
pub fn guide_href_from_index(root: &str, id: &str) -> String {
    format!("{root}{id}/index.html")
}

/// A page of the language `lang` (`de/`) from a page whose site root is `site_root`: the
/// guide `id`'s page, or the language's index without an id.
pub fn lang_href(site_root: &str, lang: &str, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("{site_root}{lang}{id}/index.html"),
        None => format!("{site_root}{lang}index.html"),
    }
}

/// A guide's checklist from an HTML page whose site root is `root`.
pub fn checklist_href_from_html(root: &str, id: &str) -> String {
    format!("{root}checklist/{id}.html")
}

/// A guide's page from its checklist inside the site.
pub fn guide_href_from_checklist(id: &str) -> String {
    format!("../{id}/index.html")
}

/// The spare beside an output folder: the output the last build replaced, kept to be the next
/// build's staging folder (`.book.stepbook-spare`).
pub fn spare_of(dest: &Path) -> PathBuf {
    dest.with_file_name(format!(".{}.stepbook-spare", folder_name(dest)))
}

/// The name prefix of a fresh staging folder beside `dest`.
pub fn staging_prefix(dest: &Path) -> String {
    format!(".{}.stepbook-new-", folder_name(dest))
}

/// The name prefix of a replaced output on its way to be the spare or removed.
pub const OLD_PREFIX: &str = ".stepbook-old-";

/// The name prefix of a file being written before it is renamed into place.
pub const TMP_PREFIX: &str = ".stepbook-tmp-";

fn folder_name(dest: &Path) -> String {
    dest.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into())
}

/// Files a watcher ignores: editors' temporaries and swap files — vim (`.x.swp`, `4913`, `x~`),
/// emacs (`#x#`, `.#x`), JetBrains (`x___jb_tmp___`), Kate, gedit — and stepbook's own (hidden)
/// temporaries.
pub fn is_editor_temp(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".kate-swp")
        || name.contains("___jb_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_beside_the_output() {
        let dest = Path::new("/b/book");
        assert_eq!(spare_of(dest), Path::new("/b/.book.stepbook-spare"));
        assert_eq!(staging_prefix(dest), ".book.stepbook-new-");
        assert!(is_editor_temp(Path::new("/b/.stepbook-tmp-x1")));
        assert!(!is_editor_temp(Path::new("/b/content/guide.yaml")));
    }

    #[test]
    fn links_between_outputs_meet_the_files() {
        // From html/<id>/index.html, `checklist/…` with the relative root `../` lands in
        // html/checklist/, and back.
        let from_page = checklist_href_from_html("../", "g");
        assert_eq!(from_page, "../checklist/g.html");
        assert_eq!(checklist_html(true, "", "g"), "html/checklist/g.html");
        assert_eq!(checklist_html(false, "", "g"), "checklist/g.html");
        assert_eq!(guide_href_from_checklist("g"), "../g/index.html");
        assert_eq!(pdf_href_from_html("../", "g"), "../pdf/g.pdf");
        assert_eq!(pdf_guide(true, "", "g"), "html/pdf/g.pdf");
        assert_eq!(
            pdf_workbook(true, "de/", &workbook_name("labs")),
            "html/de/pdf/workbook/labs.pdf"
        );
        assert_eq!(
            workbook_href_from_html("", &workbook_name("")),
            "pdf/workbook/workbook.pdf"
        );
        // Another language: one folder down in each output.
        assert_eq!(checklist_html(true, "de/", "g"), "html/de/checklist/g.html");
        assert_eq!(checklist_md(false, "de/", "g"), "checklist/de/g.md");
        assert_eq!(
            pdf_checklist(true, "de/", "g"),
            "html/de/pdf/g-checklist.pdf"
        );
        assert_eq!(guide_page("de/", "g"), "html/de/g/index.html");
        assert_eq!(markdown_page("de/", "g"), "markdown/de/g.md");
        assert_eq!(search_index("de/"), "html/de/search-index.js");
        assert_eq!(
            format!("html/{}", guide_href_from_index("", "g")),
            guide_page("", "g")
        );
        assert_eq!(INDEX_PAGE, format!("{HTML_DIR}/index.html"));
    }
}
