//! The built-in theme's scripts and styles as a site serves them: without their comments,
//! indentation and blank lines, 10 KB of the 68 KB a phone loaded with the bundled guide's
//! page. The files `stepbook init --theme` writes keep them, for whoever edits the theme; a
//! book's own theme files are served as they are written.

/// `text`, the built-in theme file `name`, compacted: for `.js`, whole-line `//` comments and
/// the opening `/* … */` go; for `.css`, every `/* … */` (the built-in styles have none inside
/// a string). Every line keeps its own line, so a script's statements end where they did.
pub fn compact(name: &str, text: &str) -> String {
    let (js, css) = (name.ends_with(".js"), name.ends_with(".css"));
    if !js && !css {
        return text.to_owned();
    }
    let mut rest = text.trim_start();
    if let Some(after) = rest.strip_prefix("/*")
        && let Some(end) = after.find("*/")
    {
        rest = &after[end + 2..];
    }
    let uncommented;
    if css {
        uncommented = without_block_comments(rest);
        rest = &uncommented;
    }
    let mut out = String::with_capacity(rest.len());
    for line in rest.lines() {
        let line = line.trim();
        if line.is_empty() || (js && line.starts_with("//")) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `css` without its `/* … */` comments.
fn without_block_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = match rest[start + 2..].find("*/") {
            Some(end) => &rest[start + 2 + end + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_indentation_go_and_code_stays_line_for_line() {
        let js = "/* What this is.\n   More. */\n(function () {\n  // why\n  var a = 1; // kept: not a whole line\n\n  if (a) {\n    go(\"http://x\");\n  }\n})();\n";
        assert_eq!(
            compact("reader.js", js),
            "(function () {\nvar a = 1; // kept: not a whole line\nif (a) {\ngo(\"http://x\");\n}\n})();\n"
        );
        let css = "/* The look. */\nbody { margin: 0; }\n/* A rule\n   over lines. */\n  a { color: red; } /* after */\n";
        assert_eq!(
            compact("style.css", css),
            "body { margin: 0; }\na { color: red; }\n"
        );
        assert_eq!(compact("favicon.svg", "  <svg/>\n"), "  <svg/>\n");
    }

    #[test]
    fn the_built_in_files_lose_a_tenth_or_more() {
        for (name, text) in crate::render::THEME {
            let small = compact(name, text);
            if name.ends_with(".js") || name.ends_with(".css") {
                assert!(
                    small.len() * 10 < text.len() * 9,
                    "{name}: {} of {}",
                    small.len(),
                    text.len()
                );
                assert!(!small.lines().any(|l| l.starts_with("//")), "{name}");
            }
        }
    }
}
