//! Code blocks highlighted at build time (Cargo feature `highlight`): each token a
//! `<span class="hl-…">` of a few kinds that the theme colours, from syntect's grammars
//! (stepbook's own PowerShell, KQL and shell in `assets/syntaxes/`, then two-face's set); no
//! JavaScript in the page.
//! Without the feature, or for a language no grammar knows, a block stays plain.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

/// The kinds of token, each written as the class `hl-<kind>` (style.css colours them).
pub const KINDS: [&str; 9] = [
    "comment",
    "string",
    "keyword",
    "number",
    "variable",
    "function",
    "parameter",
    "type",
    "key",
];

/// Blocks longer than this stay plain (a grammar's time grows with the text).
const MAX_BYTES: usize = 64 * 1024;

/// `events` with each fenced code block of a known language replaced by its highlighted HTML
/// (`<pre><code class="language-…">`, as pulldown-cmark writes it, with the tokens in spans).
pub(crate) fn blocks(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    if !cfg!(feature = "highlight")
        || !events
            .iter()
            .any(|e| matches!(e, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_)))))
    {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut block: Option<(CowStr<'_>, String, Vec<Event<'_>>)> = None;
    for e in events {
        if let Some((info, code, kept)) = &mut block {
            match e {
                Event::Text(t) => {
                    code.push_str(&t);
                    kept.push(Event::Text(t));
                }
                Event::End(TagEnd::CodeBlock) => {
                    let lang = info.split(' ').next().unwrap_or_default();
                    match code_block(lang, code) {
                        Some(inner) => out.push(Event::Html(CowStr::from(format!(
                            "<pre><code class=\"language-{}\">{inner}</code></pre>\n",
                            crate::escape::html(lang)
                        )))),
                        None => {
                            kept.push(Event::End(TagEnd::CodeBlock));
                            out.append(kept);
                        }
                    }
                    block = None;
                }
                e => kept.push(e),
            }
        } else if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = &e {
            let info = info.clone();
            block = Some((info, String::new(), vec![e]));
        } else {
            out.push(e);
        }
    }
    out
}

/// The HTML of `code` (escaped, its tokens in `hl-` spans) for the fence's language `lang`, or
/// `None` when no grammar knows the language, the block is too long or its grammar fails.
pub fn code_block(lang: &str, code: &str) -> Option<String> {
    if lang.is_empty() || code.len() > MAX_BYTES {
        return None;
    }
    imp::highlight(lang, code)
}

/// The grammar's name for a fence's language: the aliases labs use (`PowerShell`, `ps1`, `KQL`,
/// `sh`, `cli` for the Azure CLI, `cmd`, `CommandPrompt`), else the language itself.
pub fn token(lang: &str) -> String {
    let lang = lang.to_ascii_lowercase();
    let t = match lang.as_str() {
        "powershell" | "pwsh" | "ps" | "posh" | "azurepowershell" => "ps1",
        "kusto" | "csl" => "kql",
        "sh" | "shell" | "zsh" | "console" | "terminal" | "cli" | "azurecli" | "azcli"
        | "azure-cli" | "shell-session" | "shellsession" => "bash",
        "cmd" | "commandprompt" | "batch" | "dos" | "bat" => "bat",
        "yml" => "yaml",
        "py" | "python3" => "python",
        "jsonc" | "json5" => "json",
        "tsql" | "t-sql" | "mssql" | "mysql" | "postgresql" | "psql" => "sql",
        _ => return lang,
    };
    t.to_owned()
}

#[cfg(not(feature = "highlight"))]
mod imp {
    pub(super) fn highlight(_lang: &str, _code: &str) -> Option<String> {
        None
    }
}

#[cfg(feature = "highlight")]
mod imp {
    use std::sync::LazyLock;

    use syntect::parsing::{
        ParseState, Scope, ScopeStack, SyntaxDefinition, SyntaxReference, SyntaxSet,
        SyntaxSetBuilder,
    };
    use syntect::util::LinesWithEndings;

    /// A code block with a line longer than this (bytes) is not highlighted.
    const MAX_LINE: usize = 1000;

    /// stepbook's own grammars: two-face has no KQL, no PowerShell for fancy-regex, and a Bash
    /// ten times slower (word boundaries and look-arounds run in fancy-regex's backtracking VM).
    const OWN_SYNTAXES: [&str; 3] = [
        include_str!("../assets/syntaxes/powershell.sublime-syntax"),
        include_str!("../assets/syntaxes/shell.sublime-syntax"),
        include_str!("../assets/syntaxes/kql.sublime-syntax"),
    ];

    pub(super) static OWN: LazyLock<SyntaxSet> = LazyLock::new(|| {
        let mut b = SyntaxSetBuilder::new();
        for src in OWN_SYNTAXES {
            // Both load (a test checks); one that did not would leave its language plain.
            if let Ok(def) = SyntaxDefinition::load_from_str(src, true, None) {
                b.add(def);
            }
        }
        b.build()
    });

    /// two-face's grammars (with newlines, the mode syntect's grammars are written for),
    /// loaded on the first code block of a language stepbook has no grammar of its own for.
    static EXTRA: LazyLock<SyntaxSet> = LazyLock::new(two_face::syntax::extra_newlines);

    /// Scope prefixes and their kind (an index into `KINDS`), the first that fits a token's
    /// innermost scope wins; keys of JSON and YAML are looked for in the whole stack first.
    const RULES: [(&str, usize); 20] = [
        ("comment", 0),
        ("punctuation.definition.comment", 0),
        ("string", 1),
        ("constant.character.escape", 1),
        ("keyword", 2),
        ("storage.modifier", 2),
        ("storage.type.function", 2),
        ("constant.numeric", 3),
        ("constant.language", 3),
        ("constant.other", 3),
        ("variable.parameter", 6),
        ("variable.function", 5),
        ("variable", 4),
        ("punctuation.definition.variable", 4),
        ("support.function", 5),
        ("entity.name.function", 5),
        ("support.type", 7),
        ("storage.type", 7),
        ("entity.name.type", 7),
        ("entity.name.tag", 8),
    ];
    const KEYS: [&str; 2] = ["meta.mapping.key", "entity.name.tag.yaml"];

    struct Rules {
        rules: Vec<(Scope, usize)>,
        keys: Vec<Scope>,
    }

    static SCOPES: LazyLock<Rules> = LazyLock::new(|| {
        let scope = |s: &str| Scope::new(s).ok();
        Rules {
            rules: RULES
                .iter()
                .filter_map(|(s, k)| scope(s).map(|s| (s, *k)))
                .collect(),
            keys: KEYS.iter().filter_map(|s| scope(s)).collect(),
        }
    });

    fn kind(stack: &[Scope]) -> Option<usize> {
        let r = &*SCOPES;
        if stack
            .iter()
            .any(|s| r.keys.iter().any(|k| k.is_prefix_of(*s)))
        {
            return Some(8);
        }
        stack.iter().rev().find_map(|s| {
            r.rules
                .iter()
                .find(|(p, _)| p.is_prefix_of(*s))
                .map(|(_, k)| *k)
        })
    }

    fn grammar(lang: &str) -> Option<(&'static SyntaxSet, &'static SyntaxReference)> {
        let t = super::token(lang);
        let found = match OWN.find_syntax_by_token(&t) {
            Some(s) => Some((&*OWN, s)),
            None => EXTRA.find_syntax_by_token(&t).map(|s| (&*EXTRA, s)),
        };
        found.filter(|(_, s)| s.name != "Plain Text")
    }

    pub(super) fn highlight(lang: &str, code: &str) -> Option<String> {
        // Regex grammars can be super-linear on one long line (8 KB of `(` after a Perl `s/`
        // took minutes): such a block is shown plain, and so is one that takes too long.
        if code.lines().any(|l| l.len() > MAX_LINE) {
            return None;
        }
        let (set, syntax) = grammar(lang)?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        let mut state = ParseState::new(syntax);
        let mut stack = ScopeStack::new();
        let mut out = Writer::default();
        for line in LinesWithEndings::from(code) {
            if std::time::Instant::now() > deadline {
                return None;
            }
            let ops = state.parse_line(line, set).ok()?;
            let mut pos = 0;
            let mut now = kind(stack.as_slice());
            for (at, op) in ops {
                if at > pos {
                    out.text(now, &line[pos..at]);
                    pos = at;
                }
                stack.apply(&op).ok()?;
                now = kind(stack.as_slice());
            }
            out.text(now, &line[pos..]);
        }
        Some(out.finish())
    }

    /// The HTML being written and the kind of the span left open.
    #[derive(Default)]
    struct Writer {
        html: String,
        open: Option<usize>,
    }

    impl Writer {
        fn text(&mut self, kind: Option<usize>, text: &str) {
            // White space joins whatever span is open (fewer spans, the same look).
            if kind != self.open && !text.trim().is_empty() {
                if self.open.is_some() {
                    self.html.push_str("</span>");
                }
                if let Some(k) = kind {
                    self.html.push_str("<span class=\"hl-");
                    self.html.push_str(super::KINDS[k]);
                    self.html.push_str("\">");
                }
                self.open = kind;
            }
            self.html.push_str(&crate::escape::html(text));
        }

        fn finish(mut self) -> String {
            if self.open.is_some() {
                self.html.push_str("</span>");
            }
            self.html
        }
    }
}

#[cfg(all(test, feature = "highlight"))]
mod tests {
    use super::code_block;

    fn spans(lang: &str, code: &str) -> String {
        code_block(lang, code).unwrap_or_else(|| panic!("{lang} not highlighted"))
    }

    #[test]
    fn every_language_labs_use_is_highlighted() {
        let ps = spans(
            "PowerShell",
            "# make it\nNew-AzVm -Name \"vm-$i\" -Size 2 | Where-Object { $_.Name -like 'v*' }\n",
        );
        for want in [
            "hl-comment\"># make it",
            "hl-function\">New-AzVm ",
            "hl-parameter\">-Name ",
            "hl-string\">&quot;vm-</span><span class=\"hl-variable\">$i</span>",
            "hl-keyword\">-like ",
            "hl-number\">2</span>",
        ] {
            assert!(ps.contains(want), "{want} in {ps}");
        }
        let kql = spans(
            "KQL",
            "SigninLogs\n| where TimeGenerated > ago(1d) // recent\n| summarize count() by UserPrincipalName\n",
        );
        assert!(
            kql.contains("<span class=\"hl-keyword\">where</span>"),
            "{kql}"
        );
        assert!(
            kql.contains("<span class=\"hl-function\">ago</span>"),
            "{kql}"
        );
        assert!(kql.contains("<span class=\"hl-number\">1d</span>"), "{kql}");
        assert!(
            kql.contains("<span class=\"hl-comment\">// recent"),
            "{kql}"
        );
        for (lang, code, want) in [
            ("bash", "az group create --name rg1 # go\n", "hl-comment"),
            ("sh", "echo \"$HOME\"\n", "hl-string"),
            ("cli", "az vm list --output table\n", "hl-parameter"),
            ("json", "{\"name\": \"vm1\", \"n\": 2}\n", "hl-key"),
            ("yaml", "name: vm1\nsize: 2\n", "hl-key"),
            (
                "SQL",
                "SELECT Name FROM dbo.T WHERE Id = 1;\n",
                "hl-keyword",
            ),
            ("python", "def f(x):\n    return \"a\"\n", "hl-keyword"),
            ("cmd", "REM comment\nset X=1\n", "hl-comment"),
        ] {
            let html = spans(lang, code);
            assert!(html.contains(want), "{lang}: {want} in {html}");
        }
    }

    #[test]
    fn text_is_escaped_and_kept_whole() {
        let html = spans("bash", "echo '<script>' && cat a > b\n");
        assert!(!html.contains("<script>"), "{html}");
        let plain: String = {
            let mut s = String::new();
            let mut tag = false;
            for c in html.chars() {
                match c {
                    '<' => tag = true,
                    '>' if tag => tag = false,
                    c if !tag => s.push(c),
                    _ => {}
                }
            }
            s
        };
        assert_eq!(
            plain
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&#39;", "'"),
            "echo '<script>' && cat a > b\n"
        );
    }

    #[test]
    fn stepbook_s_own_grammars_load() {
        let names: Vec<&str> = super::imp::OWN
            .syntaxes()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["PowerShell", "Shell", "KQL"]);
    }

    #[test]
    fn unknown_languages_and_huge_blocks_stay_plain() {
        assert_eq!(code_block("Notepad", "hello\n"), None);
        assert_eq!(code_block("", "hello\n"), None);
        assert_eq!(code_block("text", "hello\n"), None);
        assert_eq!(code_block("bash", &"echo a\n".repeat(20_000)), None);
    }
}
