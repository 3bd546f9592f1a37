//! Corpus generator shared by the benchmarks: a book of N guides x 3 sections x 10 steps.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

/// A small valid PNG of the given size (solid colour).
fn png(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let row: Vec<u8> = std::iter::once(0)
        .chain((0..w).flat_map(|x| [seed, (x % 256) as u8, 128]))
        .collect();
    let raw = row.repeat(h as usize);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut c = kind.to_vec();
        c.extend_from_slice(data);
        out.extend_from_slice(&c);
        out.extend_from_slice(&crc32(&c).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// zlib stream with stored (uncompressed) blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = data.chunks(65535).collect();
    for (i, c) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        out.extend_from_slice(&(c.len() as u16).to_le_bytes());
        out.extend_from_slice(&(!(c.len() as u16)).to_le_bytes());
        out.extend_from_slice(c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// Writes the corpus: book.toml, content/guide-NNNN.yaml, and the screenshots.
pub(crate) fn generate(dir: &Path, guides: usize, distinct: bool) {
    generate_with(dir, guides, distinct, false, false)
}

/// Code blocks as labs have them, one language after another (`--code`: every third step has one).
const CODE: [(&str, &str); 7] = [
    (
        "powershell",
        "$rg = New-AzResourceGroup -Name \"az104-rg{n}\" -Location 'eastus'\n# Create the VM\nNew-AzVm -ResourceGroupName $rg.ResourceGroupName -Name \"vm{n}\" -Size Standard_B1s\nGet-AzVM | Where-Object { $_.Name -like 'vm*' } | Select-Object Name, Location\n",
    ),
    (
        "bash",
        "az group create --name az104-rg{n} --location eastus\n# Create the VM\naz vm create --resource-group az104-rg{n} --name vm{n} --image Ubuntu2204 --admin-username azureuser\nfor i in 1 2 3; do echo \"check $i\"; done\n",
    ),
    (
        "kql",
        "SecurityEvent\n| where TimeGenerated > ago(1d) and EventID == 4625\n// failed sign-ins per account\n| summarize FailedLogons = count() by Account, bin(TimeGenerated, 1h)\n| order by FailedLogons desc\n| take {n}\n",
    ),
    (
        "json",
        "{\n  \"name\": \"vm{n}\",\n  \"location\": \"eastus\",\n  \"tags\": { \"lab\": \"az104\", \"step\": {n} },\n  \"enabled\": true\n}\n",
    ),
    (
        "yaml",
        "name: vm{n}\nlocation: eastus\n# the lab's tags\ntags:\n  lab: az104\n  step: {n}\nenabled: true\n",
    ),
    (
        "sql",
        "SELECT TOP 10 Name, Location -- the first machines\nFROM dbo.Machines\nWHERE Lab = 'az104' AND Step = {n}\nORDER BY Name;\n",
    ),
    (
        "python",
        "import os\n\n# Read the lab's settings\ndef settings(step={n}):\n    return {\"rg\": os.environ.get(\"RG\", \"az104-rg{n}\"), \"step\": step}\n",
    ),
];

/// [`generate`]; with `variables`, every step's text holds a `{{ event.name }}` placeholder
/// (defined in book.toml's `[variables]`).
/// With `code`, every third step has a code block (PowerShell, bash, KQL, JSON, YAML, SQL and
/// Python in turn).
pub(crate) fn generate_with(
    dir: &Path,
    guides: usize,
    distinct: bool,
    variables: bool,
    code: bool,
) {
    std::fs::create_dir_all(dir.join("content/img")).unwrap();
    let vars = if variables {
        "[variables.event]\nname = \"Contoso Cloud Day\"\n"
    } else {
        ""
    };
    std::fs::write(
        dir.join("book.toml"),
        format!("[book]\ntitle = \"Benchmark corpus\"\n{vars}"),
    )
    .unwrap();
    let at = if variables {
        " at {{ event.name }}"
    } else {
        ""
    };
    let pool = 100;
    if !distinct {
        for i in 0..pool {
            std::fs::write(
                dir.join(format!("content/img/shot-{i:03}.png")),
                png(320, 200, i as u8),
            )
            .unwrap();
        }
    }
    for g in 0..guides {
        let mut y = String::new();
        writeln!(y, "title: \"Lab {g}: deploy and verify a sample workload\"").unwrap();
        writeln!(y, "summary: |\n  In this lab you deploy a **sample workload** and verify it. See [the docs](https://example.com/docs/{g}).").unwrap();
        writeln!(y, "duration: 45m\naudience: workshop attendees").unwrap();
        writeln!(
            y,
            "prerequisites:\n  - An account with `Contributor` rights\n  - A browser"
        )
        .unwrap();
        writeln!(
            y,
            "notes:\n  - kind: important\n    text: Use a **new** account for this lab."
        )
        .unwrap();
        writeln!(y, "sections:").unwrap();
        for s in 0..3 {
            writeln!(
                y,
                "  - title: \"Task {}: configure part {s} of the lab\"",
                s + 1
            )
            .unwrap();
            writeln!(y, "    intro: In this task you configure *part {s}*.").unwrap();
            writeln!(y, "    steps:").unwrap();
            for st in 0..10 {
                let n = s * 10 + st;
                let text = format!(
                    "In the portal, select **Resource {n}** and then select `Create`. Enter the name `res-{g}-{n}` and continue{at}."
                );
                if code && n % 3 == 1 {
                    let (lang, block) = CODE[(g + n) % CODE.len()];
                    writeln!(
                        y,
                        "      - text: |\n          {text}\n\n          ```{lang}"
                    )
                    .unwrap();
                    for line in block.replace("{n}", &n.to_string()).lines() {
                        writeln!(y, "          {line}").unwrap();
                    }
                    writeln!(y, "          ```").unwrap();
                } else {
                    writeln!(y, "      - text: {text}").unwrap();
                }
                if n % 3 == 0 {
                    writeln!(y, "        notes:\n          - kind: note\n            text: It can take a moment for **Resource {n}** to appear.").unwrap();
                    let src = if distinct {
                        let name = format!("content/img/g{g:04}-{n:02}.png");
                        std::fs::write(dir.join(&name), png(320, 200, (n % 256) as u8)).unwrap();
                        format!("img/g{g:04}-{n:02}.png")
                    } else {
                        format!("img/shot-{:03}.png", (g * 7 + n) % pool)
                    };
                    writeln!(y, "        screenshots:\n          - src: {src}\n            alt: The Create blade for resource {n}").unwrap();
                    writeln!(y, "        result: The resource **res-{g}-{n}** is listed.").unwrap();
                }
                if n == 29 {
                    writeln!(y, "        wait: 5m").unwrap();
                }
            }
        }
        std::fs::write(dir.join(format!("content/guide-{g:04}.yaml")), y).unwrap();
    }
}
