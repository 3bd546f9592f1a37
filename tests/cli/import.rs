//! `stepbook import`: the seed, the bundled guide's relation to it, lab dialects, and what it
//! refuses to do.

use stepbook::source::node::{Node, Value, parse_yaml};

use crate::{Book, repo, run_in};

fn get<'a>(n: &'a Node, key: &str) -> Option<&'a Node> {
    match &n.value {
        Value::Map(m) => m.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
        _ => None,
    }
}

fn text(n: Option<&Node>) -> String {
    match n.map(|n| &n.value) {
        Some(Value::Str(s)) => s.clone(),
        _ => String::new(),
    }
}

fn items(n: Option<&Node>) -> &[Node] {
    match n.map(|n| &n.value) {
        Some(Value::Seq(s)) => s,
        _ => &[],
    }
}

#[test]
fn the_bundled_guide_is_the_import_of_the_seed_plus_hand_written_fields() {
    let dir = tempfile::tempdir().unwrap();
    let seed = repo().join("tests/fixtures/import/azure-pass.md");
    let r = run_in(dir.path(), &["import", seed.to_str().unwrap(), "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let imported = parse_yaml(&r.stdout).unwrap();
    let bundled =
        parse_yaml(&std::fs::read_to_string(repo().join("content/azure-pass.yaml")).unwrap())
            .unwrap();
    assert_eq!(text(get(&imported, "title")), text(get(&bundled, "title")));
    // The summary: the import's, less its third list item, which became the important note.
    let summary = text(get(&imported, "summary"));
    let (kept, advice) = summary.rsplit_once("\n1. ").unwrap();
    assert_eq!(
        kept.trim_end(),
        text(get(&bundled, "summary"))
            .trim_end()
            .replace("Code\n", "Code  \n")
    );
    let note = &items(get(&bundled, "notes"))[0];
    assert_eq!(text(get(note, "kind")), "important");
    assert_eq!(
        text(get(note, "text"))
            .split_whitespace()
            .collect::<Vec<_>>(),
        advice.split_whitespace().collect::<Vec<_>>()
    );
    let (a, b) = (
        items(get(&imported, "sections")),
        items(get(&bundled, "sections")),
    );
    assert_eq!(a.len(), b.len());
    for (sa, sb) in a.iter().zip(b) {
        assert_eq!(text(get(sa, "title")), text(get(sb, "title")));
        let (ta, tb) = (items(get(sa, "steps")), items(get(sb, "steps")));
        assert_eq!(ta.len(), tb.len());
        for (x, y) in ta.iter().zip(tb) {
            assert_eq!(text(get(x, "text")), text(get(y, "text")));
            let srcs = |n: &Node| {
                items(get(n, "screenshots"))
                    .iter()
                    .map(|s| text(get(s, "src")))
                    .collect::<Vec<_>>()
            };
            assert_eq!(srcs(x), srcs(y));
            let notes = |n: &Node| {
                items(get(n, "notes"))
                    .iter()
                    .map(|s| (text(get(s, "kind")), text(get(s, "text"))))
                    .collect::<Vec<_>>()
            };
            assert_eq!(notes(x), notes(y));
            if get(x, "wait").is_some() {
                assert_eq!(
                    text(get(x, "wait")),
                    text(get(y, "wait")),
                    "a wait the importer found is kept"
                );
            }
            for s in items(get(y, "screenshots")) {
                assert!(text(get(s, "alt")).len() > 20, "hand-written alt text");
            }
        }
    }
}

#[test]
fn imports_lab_dialects_and_reports_what_it_cannot_map() {
    let book = Book::bundled();
    std::fs::create_dir_all(book.path().join("labs/media")).unwrap();
    std::fs::write(
        book.path().join("labs/media/shot one.png"),
        crate::lint_server::PNG,
    )
    .unwrap();
    let md = [
        "---",
        "title: From front matter",
        "duration: 20 minutes",
        "module: Week 1",
        "---",
        "",
        "# Exercise 1: Set up",
        "",
        "## Task 1: Sign in",
        "",
        "1. [] Type +++admin+++ and press Enter.",
        "",
        "\t> [!TIP]",
        "\t> Use the *lab* account.",
        "",
        "1. Open the portal.",
        "",
        "!IMAGE[The portal](media/shot%20one.png)",
        "",
        "1. It can take up to 3 minutes.",
        "    1. Wait.",
        "    1. Refresh.",
        "",
        "| a | b |",
        "|---|---|",
        "| 1 | 2 |",
        "",
        "<div>raw</div>",
        "",
    ]
    .join("\r\n");
    book.write("labs/lab1.md", &md);
    let r = book.run(&["import", "labs/lab1.md"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("imported labs/lab1.md"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning[I001]: raw HTML kept in the step's text"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--> labs/lab1.md:28:1"), "{}", r.stderr);
    let yaml = book.read("content/lab1.yaml");
    let g = parse_yaml(&yaml).unwrap();
    assert_eq!(text(get(&g, "title")), "Exercise 1: Set up");
    assert_eq!(text(get(&g, "duration")), "20m");
    assert!(
        yaml.contains("#   module: Week 1"),
        "unmapped front matter is kept as a comment:\n{yaml}"
    );
    let section = &items(get(&g, "sections"))[0];
    assert_eq!(text(get(section, "title")), "Task 1: Sign in");
    let steps = items(get(section, "steps"));
    assert_eq!(steps.len(), 3);
    assert_eq!(
        text(get(&steps[0], "text")),
        "Type `admin` and press Enter."
    );
    let tip = &items(get(&steps[0], "notes"))[0];
    assert_eq!(
        (text(get(tip, "kind")), text(get(tip, "text"))),
        ("tip".into(), "Use the *lab* account.".into())
    );
    let shot = &items(get(&steps[1], "screenshots"))[0];
    assert_eq!(
        text(get(shot, "src")),
        "../labs/media/shot one.png",
        "an image at column 0 belongs to the step above"
    );
    assert_eq!(text(get(shot, "alt")), "The portal");
    assert_eq!(text(get(&steps[2], "wait")), "3m");
    assert_eq!(items(get(&steps[2], "substeps")).len(), 2);
    assert!(
        text(get(&steps[2], "text")).contains("| a | b |"),
        "the table stays with its step"
    );
    // The imported guide builds.
    let r = book.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // No overwrite without --force.
    let r = book.run(&["import", "labs/lab1.md"]);
    assert_eq!(r.code, 2, "a command-line mistake: {}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    // A file that is not there is one too, and the help says what to check.
    let r = book.run(&["import", "labs/lab9.md"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot import `labs/lab9.md`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("check the path"), "{}", r.stderr);
    assert_eq!(book.read("content/lab1.yaml"), yaml);
    assert_eq!(book.run(&["import", "labs/lab1.md", "--force"]).code, 0);
}

#[test]
fn placeholder_alt_text_is_a_warning_in_import_and_lint() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("Media")).unwrap();
    std::fs::write(dir.path().join("Media/portal.png"), crate::lint_server::PNG).unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
    std::fs::write(
        dir.path().join("lab.md"),
        "# Lab\n\n## Part\n\n1. Open the portal.\n\n    ![image](Media/portal.png)\n\n2. Sign in.\n\n    ![The sign-in page](Media/portal.png)\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["import", "lab.md"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("alt text `image` says nothing about the picture"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("lab.md:7"),
        "at the image's line: {}",
        r.stderr
    );
    let r = run_in(dir.path(), &["lint", "--offline"]);
    let l014: Vec<_> = crate::locations(&r.stderr)
        .into_iter()
        .filter(|(c, _)| c == "L014")
        .collect();
    assert_eq!(l014.len(), 1, "only the placeholder: {}", r.stderr);
}

#[test]
fn a_front_matter_description_is_not_repeated_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("lab.md"),
        "---\ndescription: Deploy a web app to Azure.\n---\n# Lab\n\nDeploy a web app to Azure.\n\n## Part\n\n1. Do it.\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["import", "lab.md", "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout.matches("Deploy a web app to Azure.").count(),
        1,
        "{}",
        r.stdout
    );
}

fn strings(n: Option<&Node>) -> Vec<String> {
    items(n).iter().map(|i| text(Some(i))).collect()
}

/// The fixture book `import-lab`, its `labs/*.md` imported into `content/`.
fn imported_lab(args: &[&str]) -> (Book, crate::Run) {
    let book = Book::fixture("import-lab");
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    let r = book.run(&all);
    (book, r)
}

#[test]
fn a_lab_preamble_maps_to_fields_and_trailing_text_to_the_conclusion() {
    let (book, r) = imported_lab(&["labs/lab.md", "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g = parse_yaml(&r.stdout).unwrap();
    // The scenario is the summary; no heading of the preamble is left in it.
    assert_eq!(
        text(get(&g, "summary")),
        "Your organization wants to explore deploying Azure virtual machines."
    );
    assert_eq!(text(get(&g, "duration")), "30m");
    assert_eq!(
        strings(get(&g, "prerequisites")),
        ["This lab requires an Azure subscription."]
    );
    assert_eq!(
        strings(get(&g, "objectives")),
        [
            "Task 1: Deploy a virtual machine.",
            "Task 2: Scale it with [rules](https://learn.microsoft.com/azure/autoscale)."
        ]
    );
    let sections = items(get(&g, "sections"));
    let titles: Vec<String> = sections.iter().map(|s| text(get(s, "title"))).collect();
    assert_eq!(
        titles,
        [
            "Task 1: Deploy a virtual machine",
            "Task 2: Scale it",
            "Task 2: Scale it › Scale in rule"
        ],
        "a bold line between steps opens a section of its own"
    );
    // Other preamble headings open the first section's intro, demoted; intro callouts are notes.
    let intro = text(get(&sections[0], "intro"));
    assert!(intro.starts_with("**Architecture diagram**\n\n![Diagram of the lab's virtual machines.](../labs/media/diagram.png)"), "{intro}");
    assert!(!intro.contains("Important"), "{intro}");
    let kinds: Vec<String> = items(get(&sections[0], "notes"))
        .iter()
        .map(|n| text(get(n, "kind")))
        .collect();
    assert_eq!(kinds, ["important", "note"]);
    let steps = |i: usize| items(get(&sections[i], "steps")).len();
    assert_eq!((steps(0), steps(1), steps(2)), (2, 1, 2));
    let conclusion = text(get(&g, "conclusion"));
    assert!(
        conclusion.starts_with("**Review**\n\nIn this lab, you have:"),
        "{conclusion}"
    );
    assert!(conclusion.ends_with("+ Scaled it."), "{conclusion}");
    let last = items(get(&sections[2], "steps"))
        .last()
        .map(|s| text(get(s, "text")));
    assert_eq!(
        last.as_deref(),
        Some("Save the rule."),
        "not glued onto the last step"
    );
    // A heading that only labels the document is left out, and said so at its line.
    let warned: Vec<_> = crate::locations(&r.stderr);
    assert!(
        warned.contains(&("I001".into(), "labs/lab.md:2:1".into())),
        "{}",
        r.stderr
    );

    // The guide it writes passes `check` and shows every field in the outputs.
    let r = book.run(&["import", "labs/lab.md"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = book.read("book/html/lab/index.html");
    for want in [
        "<h2>Before you start</h2>",
        "<h2>You will</h2>",
        "Wrapping up",
        "<strong>Review</strong>",
        "Use the region your instructor gives you.",
    ] {
        assert!(html.contains(want), "{want} in the HTML page");
    }
    let md = book.read("book/markdown/lab.md");
    assert!(
        md.contains("**You will:**\n\n- Task 1: Deploy a virtual machine."),
        "{md}"
    );
    assert!(md.contains("## Wrapping up\n\n**Review**"), "{md}");
    assert!(md.contains("> **Important:** Use the region"), "{md}");
}

#[test]
fn durations_in_titles_and_ranges() {
    let (_book, r) = imported_lab(&["labs/walkthrough.md", "labs/broken.md", "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let docs: Vec<&str> = r.stdout.split("\n# /").collect();
    let walkthrough = parse_yaml(docs[0]).unwrap();
    assert_eq!(text(get(&walkthrough, "duration")), "60m");
    assert!(
        crate::locations(&r.stderr).contains(&("I005".into(), "labs/walkthrough.md:5:1".into())),
        "a range is reported where it is written: {}",
        r.stderr
    );
    let broken = parse_yaml(&format!("# /{}", docs[1])).unwrap();
    assert_eq!(text(get(&broken, "title")), "Broken pictures");
    assert_eq!(text(get(&broken, "duration")), "10m");
}

#[test]
fn a_missing_image_is_reported_at_import() {
    let (_book, r) = imported_lab(&["labs/broken.md", "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        crate::locations(&r.stderr),
        [("I004".to_string(), "labs/broken.md:7:1".to_string())],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("the image `media/missing.png` does not exist")
    );
}

#[test]
fn images_outside_the_book_are_copied_into_it_or_refused() {
    let lab = repo().join("tests/fixtures/import-lab/labs/lab.md");
    let lab = lab.to_str().unwrap();
    let book = Book {
        dir: tempfile::tempdir().unwrap(),
    };
    book.write("book.toml", "[book]\ntitle = \"Event\"\n");

    // Refused: nothing is written.
    let r = book.run(&["import", "--no-copy-images", lab]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("outside the book"), "{}", r.stderr);
    assert!(
        r.stderr.contains("lab.md:23: "),
        "names the image's line: {}",
        r.stderr
    );
    assert!(!book.path().join("content").exists());

    // Copied by default, one line per folder; the guide points at the copy and builds.
    let r = book.run(&["import", lab]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("copied 1 image from "), "{}", r.stderr);
    let copy = book.path().join("content/media/lab/diagram.png");
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(repo().join("tests/fixtures/import-lab/labs/media/diagram.png")).unwrap()
    );
    assert!(
        book.read("content/lab.yaml")
            .contains("](media/lab/diagram.png)")
    );
    let r = book.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // A second import replaces its own copy (same bytes); a different file there is kept
    // unless --force.
    assert_eq!(book.run(&["import", "--force", lab]).code, 0);
    std::fs::write(&copy, b"mine").unwrap();
    std::fs::remove_file(book.path().join("content/lab.yaml")).unwrap();
    let r = book.run(&["import", lab]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("would replace these different files"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(&copy).unwrap(), b"mine");
    assert!(!book.path().join("content/lab.yaml").exists());
}

#[test]
fn import_copies_only_real_images() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.png"), "API_KEY=hunter2\n").unwrap();
    std::fs::write(
        outside.join("lab.md"),
        "# Lab\n\n## Part\n\n1. Open it.\n\n    ![The key](secret.png)\n",
    )
    .unwrap();
    let book = dir.path().join("book");
    std::fs::create_dir_all(&book).unwrap();
    std::fs::write(book.join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
    let r = run_in(&book, &["import", outside.join("lab.md").to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the image `secret.png` is not copied: its bytes are not a PNG"),
        "{}",
        r.stderr
    );
    assert!(!book.join("content/media").exists());
}

#[test]
fn lab_variables_become_placeholders_and_literal_braces_stay_text() {
    let book = Book {
        dir: tempfile::tempdir().unwrap(),
    };
    book.write("book.toml", "[book]\ntitle = \"T\"\n");
    book.write(
        "lab.md",
        "# Lab\n\n## Sign in\n\n1. Sign in as @lab.Variable(UserName) with @lab.Variable(Password).\n1. Set the alert title to `Alert from {{Computer}}`.\n",
    );
    let r = book.run(&["import", "lab.md"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        crate::locations(&r.stderr).contains(&("I006".into(), "lab.md:5:1".into())),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("define `UserName`, `Password`"),
        "{}",
        r.stderr
    );
    let yaml = book.read("content/lab.yaml");
    assert!(
        yaml.contains("Sign in as {{ UserName }} with {{ Password }}."),
        "{yaml}"
    );
    // Without values, check says what is missing; with them the guide builds.
    assert_eq!(book.run(&["check"]).code, 2);
    let r = book.run(&[
        "build",
        "--set",
        "UserName=ada",
        "--set",
        "Password=Pa$$w0rd",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = book.read("book/markdown/lab.md");
    assert!(md.contains("Sign in as ada with Pa$$w0rd."), "{md}");
    assert!(md.contains("`Alert from {{Computer}}`"), "{md}");
}

/// A lab outside the book whose image is missing: the guide's `src` stays inside the book
/// (where the image would have been copied), so `check` says it is not found (E010), not that a
/// file that exists nowhere is outside the book (E011, with a `../../..` path).
#[test]
fn a_missing_image_of_a_lab_outside_the_book_stays_inside_it() {
    let book = Book::fixture("import-lab");
    let away = tempfile::tempdir().unwrap();
    std::fs::copy(
        book.path().join("labs/broken.md"),
        away.path().join("broken.md"),
    )
    .unwrap();
    let lab = away.path().join("broken.md");
    let r = book.run(&["import", lab.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("I004"), "{}", r.stderr);
    let yaml = std::fs::read_dir(book.path().join("content"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .unwrap();
    assert!(!yaml.contains("../"), "{yaml}");
    let r = book.run(&["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("error[E010]"), "{}", r.stderr);
    assert!(!r.stderr.contains("E011"), "{}", r.stderr);
}

/// Issue #30: the AI-900 "module 5" lab (tests/fixtures/import-ai900, not in the corpus) has
/// its front matter's title, then an introduction, "## Before you start" and a paragraph, then
/// `# Explore generative AI with Bing` over its first numbered steps. Those steps were imported
/// into `summary` (the `#` heading taken as the title, everything above it as summary text).
#[test]
fn numbered_steps_before_the_first_section_heading_are_steps() {
    let dir = tempfile::tempdir().unwrap();
    let lab = repo().join("tests/fixtures/import-ai900/05-module-05.md");
    let r = run_in(dir.path(), &["import", lab.to_str().unwrap(), "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g = parse_yaml(&r.stdout).unwrap();
    assert_eq!(
        text(get(&g, "title")),
        "Use Bing Copilot to generate content"
    );
    let summary = text(get(&g, "summary"));
    assert_eq!(
        summary,
        "In this exercise you will explore generative AI with Bing Copilot."
    );
    let prereqs = strings(get(&g, "prerequisites"));
    assert_eq!(prereqs.len(), 1, "{prereqs:?}");
    assert!(prereqs[0].starts_with("You need a personal Microsoft account."));
    let sections = items(get(&g, "sections"));
    let titles: Vec<String> = sections.iter().map(|s| text(get(s, "title"))).collect();
    assert_eq!(
        titles,
        [
            "Explore generative AI with Bing",
            "Use prompts to generate responses",
            "Try image generation",
            "Try code generation",
            "Bonus"
        ]
    );
    let first = items(get(&sections[0], "steps"));
    assert_eq!(first.len(), 3);
    assert!(text(get(&first[0], "text")).starts_with("Open [Bing.com]"));
    // The note under the first step stays with it.
    assert_eq!(items(get(&first[0], "notes")).len(), 1);
    assert!(get(&g, "notes").is_none(), "{}", r.stdout);
}

/// The same lab without its front matter (issue #30's wording: "## Before you start" then
/// "1. Open Bing.com …"): the `#` heading is the title; what is above it is mapped as a
/// preamble (the requirements to `prerequisites`, not raw Markdown in `summary`), and the
/// numbered list right under the title, with no introduction before it, is the first steps (a
/// section named after the guide). An overview list after an introduction ("a two step
/// process: 1. Redeem… 1. Activate…", the bundled guide's seed) stays in the summary.
#[test]
fn numbered_steps_right_under_the_title_are_steps() {
    let dir = tempfile::tempdir().unwrap();
    let lab = std::fs::read_to_string(repo().join("tests/fixtures/import-ai900/05-module-05.md"))
        .unwrap();
    let body = &lab[lab.find("\n---\n").unwrap() + 5..];
    std::fs::write(dir.path().join("lab.md"), body).unwrap();
    let r = run_in(dir.path(), &["import", "lab.md", "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g = parse_yaml(&r.stdout).unwrap();
    assert_eq!(text(get(&g, "title")), "Explore generative AI with Bing");
    assert_eq!(
        text(get(&g, "summary")),
        "In this exercise you will explore generative AI with Bing Copilot."
    );
    let prereqs = strings(get(&g, "prerequisites"));
    assert!(
        prereqs.len() == 1 && prereqs[0].starts_with("You need a personal Microsoft account."),
        "{prereqs:?}"
    );
    let sections = items(get(&g, "sections"));
    assert_eq!(sections.len(), 5);
    assert_eq!(
        text(get(&sections[0], "title")),
        "Explore generative AI with Bing"
    );
    let first = items(get(&sections[0], "steps"));
    assert_eq!(first.len(), 3);
    assert!(text(get(&first[0], "text")).starts_with("Open [Bing.com]"));
}

/// A task heading above its parts titles them, with steps of its own (`## Task 1` over `###
/// Check it`) or only a paragraph, which opens the first part (`## Task 3` over `### Create the
/// ASG`: Lab 04 of AZ-104). A task's heading whose steps come under the next heading of its
/// level (`## Task 2` then `## Architecture diagram - Load Balancer`: Lab 06) titles that
/// section. The trials found these tasks gone from the labs' handouts and workbook contents.
#[test]
fn a_task_with_an_introduction_above_its_parts_titles_them() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("lab.md");
    std::fs::write(
        &md,
        "# Lab\n\n## Task 1: Create\n\n1. Create it.\n\n### Check it\n\n1. Look.\n\n## Task 3: Secure the network\n\nIn this task, we create an ASG and an NSG.\n\n### Create the ASG\n\n1. Search for ASGs.\n\n### Create the NSG\n\n1. Search for NSGs.\n\n## Task 4: Balance the load\n\nIn this task, a load balancer.\n\n## Architecture diagram - Load Balancer\n\nThe diagram.\n\n1. Create the load balancer.\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["import", md.to_str().unwrap(), "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g = parse_yaml(&r.stdout).unwrap();
    let sections = items(get(&g, "sections"));
    let titles: Vec<String> = sections.iter().map(|s| text(get(s, "title"))).collect();
    assert_eq!(
        titles,
        [
            "Task 1: Create",
            "Task 1: Create › Check it",
            "Task 3: Secure the network › Create the ASG",
            "Task 3: Secure the network › Create the NSG",
            "Task 4: Balance the load",
        ]
    );
    // Lab 06's layout: the task's text, then the heading its steps come under as a bold line.
    assert_eq!(
        text(get(&sections[4], "intro")),
        "In this task, a load balancer.\n\n**Architecture diagram - Load Balancer**\n\nThe diagram."
    );
    assert_eq!(
        text(get(&sections[2], "intro")),
        "In this task, we create an ASG and an NSG."
    );
}
