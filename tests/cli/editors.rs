//! The Neovim setup that docs/editors.md gives, run as users run it: the snippet is read from
//! the page and loaded into a real Neovim (headless), which starts `stepbook lsp` for a guide of
//! a stepbook book and shows its problems, and starts nothing for an mdBook book.toml.

use std::path::Path;
use std::process::Command;

use crate::{Book, repo};

/// `nvim` 0.8 or later, or `None` (CI installs it: .ci/run).
fn neovim() -> Option<&'static str> {
    let ok = Command::new("nvim")
        .args([
            "--headless",
            "--clean",
            "+lua io.stdout:write(vim.fn.has('nvim-0.8'))",
            "+qa!",
        ])
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"1"));
    if ok {
        Some("nvim")
    } else if std::env::var_os("CI").is_some() {
        panic!("nvim (0.8 or later) is missing: .ci/run installs it");
    } else {
        eprintln!("nvim is not here: skipping the Neovim test");
        None
    }
}

/// The ```lua block of docs/editors.md.
fn snippet() -> String {
    let page = std::fs::read_to_string(repo().join("docs/editors.md")).unwrap();
    let start = page
        .find("```lua\n")
        .expect("a lua block in docs/editors.md")
        + 7;
    let len = page[start..].find("```").unwrap();
    page[start..start + len].to_owned()
}

/// Opens `file` in Neovim with the snippet as init.lua and `stepbook` first on PATH; waits up
/// to 15 s for problems; returns (clients attached, the codes of the problems shown).
fn open_in_neovim(nvim: &str, file: &Path, expect_problems: bool) -> (usize, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let init = dir.path().join("init.lua");
    std::fs::write(&init, snippet()).unwrap();
    let out = dir.path().join("out.txt");
    let script = format!(
        r#"
vim.cmd.edit({file:?})
if {expect_problems} then
  vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 100)
else
  vim.wait(1500)
end
local codes = {{}}
for _, d in ipairs(vim.diagnostic.get(0)) do table.insert(codes, tostring(d.code)) end
local clients = vim.lsp.get_clients({{ bufnr = 0 }})
local f = io.open({out:?}, "w")
f:write(#clients, "\n", table.concat(codes, ","), "\n")
f:close()
vim.cmd("qa!")
"#
    );
    let test = dir.path().join("test.lua");
    std::fs::write(&test, script).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("stepbook");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = Command::new(nvim)
        .args(["--headless", "-i", "NONE", "-u"])
        .arg(&init)
        .arg("-c")
        .arg(format!("luafile {}", test.display()))
        .env("PATH", path)
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let result = std::fs::read_to_string(&out).expect("the script wrote its result");
    let mut lines = result.lines();
    let clients = lines.next().unwrap().parse().unwrap();
    let codes = lines
        .next()
        .unwrap_or("")
        .split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    (clients, codes)
}

#[test]
fn the_documented_neovim_setup_checks_guides_of_stepbook_books_only() {
    let Some(nvim) = neovim() else { return };
    let book = Book::bundled();
    let broken = book
        .read("content/azure-pass.yaml")
        .replacen("title:", "titel:", 1);
    book.write("content/azure-pass.yaml", &broken);
    let (clients, codes) = open_in_neovim(nvim, &book.path().join("content/azure-pass.yaml"), true);
    assert_eq!(clients, 1);
    assert_eq!(codes, ["E002"], "the misspelt key, as check says");

    // An mdBook book: its book.toml and its YAML get no stepbook server.
    let mdbook = tempfile::tempdir().unwrap();
    std::fs::write(
        mdbook.path().join("book.toml"),
        "[book]\ntitle = \"An mdBook\"\nsrc = \"src\"\n\n[output.html]\n",
    )
    .unwrap();
    std::fs::create_dir(mdbook.path().join("src")).unwrap();
    std::fs::write(mdbook.path().join("src/data.yaml"), "title: 5\n").unwrap();
    for file in ["book.toml", "src/data.yaml"] {
        let (clients, codes) = open_in_neovim(nvim, &mdbook.path().join(file), false);
        assert_eq!((clients, codes.len()), (0, 0), "{file}");
    }
    // A stepbook book made by `init` (stepbook.schema.json beside book.toml) with no
    // stepbook-only table: its book.toml gets the server.
    let fresh = tempfile::tempdir().unwrap();
    assert_eq!(crate::run_in(fresh.path(), &["init"]).code, 0);
    std::fs::write(
        fresh.path().join("book.toml"),
        "[book]\ntitle = \"Fresh\"\n",
    )
    .unwrap();
    let (clients, _) = open_in_neovim(nvim, &fresh.path().join("book.toml"), false);
    assert_eq!(clients, 1);
}
