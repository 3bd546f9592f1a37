//! Lint: local screenshots, each file inspected once: it decodes as an image, is not too large
//! in bytes or pixels, and its extension matches its real format.

use std::path::Path;

use rayon::prelude::*;

use super::LocalUse;
use crate::config::LintTable;
use crate::diag::{Code, Diagnostic};

/// Problems of local screenshots: not an image, extension that lies, too large.
pub(super) fn problems(
    uses: &[LocalUse],
    assets: &[crate::validate::Asset],
    cfg: &LintTable,
) -> Vec<Diagnostic> {
    // Each file is inspected once; every use of a bad file is reported at its line.
    let verdicts: Vec<Vec<(Code, String, String)>> = assets
        .par_iter()
        .map(|a| inspect_local(&a.path, cfg))
        .collect();
    let mut out = Vec::new();
    for u in uses {
        for (code, message, help) in &verdicts[u.asset] {
            // Each code's severity is the registry's (L010 error; L011-L013 warnings).
            let d = Diagnostic::new(*code, &*u.file, message.clone());
            out.push(d.at(u.src.clone()).help(help.clone()));
        }
    }
    out
}

/// The most memory reading an image's header may take.
const HEADER_ALLOC: u64 = 16 << 20;

fn inspect_local(path: &Path, cfg: &LintTable) -> Vec<(Code, String, String)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = Vec::new();
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    if bytes > cfg.max_image_bytes {
        out.push((
            Code::L011,
            format!("screenshot `{name}` is {:.1} MiB", bytes as f64 / 1048576.0),
            format!(
                "the limit is {:.1} MiB (`max-image-bytes` in [lint]); save it as a smaller JPEG/WebP or crop it",
                cfg.max_image_bytes as f64 / 1048576.0
            ),
        ));
    }
    let reader = image::ImageReader::open(path).and_then(|r| r.with_guessed_format());
    let (format, dims) = match reader {
        Ok(mut r) => {
            // Reading a header may decompress metadata (a PNG's colour profile): a 200 KB file
            // can claim 200 MB of it (lint took 357 MiB). Past the limit the profile is skipped.
            let mut limits = image::Limits::default();
            limits.max_alloc = Some(HEADER_ALLOC);
            r.limits(limits);
            (r.format(), r.into_dimensions())
        }
        Err(e) => {
            out.push((
                Code::L010,
                format!("cannot read screenshot `{name}`: {e}"),
                "check the file's permissions".into(),
            ));
            return out;
        }
    };
    match dims {
        Err(_) => {
            out.push((
                Code::L010,
                format!("screenshot `{name}` is not an image stepbook can read"),
                "use a PNG, JPEG, GIF or WebP file; this one may be damaged or of another kind"
                    .into(),
            ));
            return out;
        }
        Ok((w, h)) if (w as u64) * (h as u64) > cfg.max_image_pixels => out.push((
            Code::L012,
            format!("screenshot `{name}` is {w}×{h} pixels"),
            format!(
                "the limit is {} pixels (`max-image-pixels` in [lint]); scale it down",
                cfg.max_image_pixels
            ),
        )),
        Ok(_) => {}
    }
    let by_ext = image::ImageFormat::from_path(path).ok();
    if let (Some(real), Some(ext)) = (format, by_ext)
        && real != ext
    {
        let real_ext = real.extensions_str().first().copied().unwrap_or("?");
        out.push((
            Code::L013,
            format!(
                "screenshot `{name}` is a {} file with the extension of a {} file",
                format!("{real:?}").to_uppercase(),
                format!("{ext:?}").to_uppercase()
            ),
            format!(
                "rename it to end in `.{real_ext}` (some browsers and tools trust the extension)"
            ),
        ));
    }
    out
}
