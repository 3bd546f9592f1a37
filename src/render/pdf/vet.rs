//! PDF: the one check every image passes before Typst may decode or embed it (guides, checklists
//! and handouts alike; a remote image also before it is cached). Typst decodes what it is given
//! with no bound of ours: a header claiming 65500×65500 pixels asks for gigabytes and aborts the
//! process, and a file that does not decode fails the whole document. So the header is read
//! first (format, size: no pixels decoded) against `max-image-pixels`, an oversized colour
//! profile is dropped, and when needed the pixels are decoded under a memory bound.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

/// A PNG colour profile larger than this (decompressed) is left out of the image: real profiles
/// take a few KiB, and Typst would hold and embed all of it (a 200 KB file can carry 200 MB).
pub const MAX_ICC_BYTES: usize = 4 << 20;

/// What the header read may allocate (metadata: profiles, EXIF; never the pixels).
const HEADER_ALLOC: u64 = 4 * MAX_ICC_BYTES as u64;

/// An image that may be given to Typst: its bytes, changed only when a profile was dropped.
pub struct Vetted {
    pub bytes: Vec<u8>,
    pub format: ImageFormat,
    /// Width × height, from the header.
    pub pixels: u64,
}

/// Checks `bytes` without decoding the pixels: a PNG, JPEG, GIF or WebP whose header parses and
/// whose width × height is at most `max_pixels`. `Err` says why not, for the placeholder's
/// warning.
pub fn vet(bytes: Vec<u8>, max_pixels: u64) -> Result<Vetted, String> {
    let format = match image::guess_format(&bytes) {
        Ok(f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP)) => f,
        _ => return Err("it is not a PNG, JPEG, GIF or WebP image".into()),
    };
    let bytes = if format == ImageFormat::Png {
        without_big_profile(bytes)
    } else {
        bytes
    };
    let mut reader = ImageReader::with_format(Cursor::new(&bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(HEADER_ALLOC);
    reader.limits(limits);
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| undecodable(format, &e))?;
    if u64::from(w) * u64::from(h) > max_pixels {
        return Err(format!(
            "it is {w}×{h} pixels, more than `max-image-pixels` ({max_pixels}) in [lint]; scale it down"
        ));
    }
    Ok(Vetted {
        bytes,
        format,
        pixels: u64::from(w) * u64::from(h),
    })
}

/// Decodes the pixels of a vetted image, with allocations bounded by its size (the header was
/// checked against the pixel cap): `Err` when it is damaged (truncated, bad checksum, bad data),
/// which Typst would report as an error of the whole document.
pub fn decodes(bytes: &[u8], format: ImageFormat, pixels: u64) -> Result<(), String> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    // Enough for 16-bit RGBA of the pixels the header claimed (checked against the cap), plus
    // metadata: a decoder that wants more is refused instead of aborting the build.
    limits.max_alloc = Some(pixels * 8 + HEADER_ALLOC);
    reader.limits(limits);
    reader
        .decode()
        .map(drop)
        .map_err(|e| undecodable(format, &e))
}

/// Why an image does not decode, in words: the decoders' own messages are for developers
/// (some print internal structures, like `CrcMismatch { crc_val: … }`).
fn undecodable(format: ImageFormat, e: &image::ImageError) -> String {
    let name = format
        .extensions_str()
        .first()
        .map_or("image", |x| x)
        .to_ascii_uppercase();
    match e {
        image::ImageError::Limits(_) => format!(
            "the {name} file asks for more memory to decode than its size allows (damaged?)"
        ),
        image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            format!("the {name} file is cut short")
        }
        _ => format!("the {name} file is damaged: it does not decode"),
    }
}

/// A PNG without its colour profile (`iCCP` chunk) when that profile is larger than
/// [`MAX_ICC_BYTES`] decompressed or does not decompress; any other PNG unchanged. Without a
/// profile the image is shown as sRGB, which screenshots are.
fn without_big_profile(png: Vec<u8>) -> Vec<u8> {
    let Some(at) = iccp_chunk(&png) else {
        return png;
    };
    let data = &png[at.start + 8..at.end - 4];
    // The profile's name (1-79 bytes, NUL-ended), the compression method, the zlib stream.
    let Some(nul) = data.iter().position(|&b| b == 0) else {
        return strip(png, at);
    };
    let stream = data.get(nul + 2..).unwrap_or_default();
    match fdeflate::decompress_to_vec_bounded(stream, MAX_ICC_BYTES) {
        Ok(_) => png,
        Err(_) => strip(png, at),
    }
}

fn strip(mut png: Vec<u8>, at: std::ops::Range<usize>) -> Vec<u8> {
    png.drain(at);
    png
}

/// The byte range (length, type, data, CRC) of the first `iCCP` chunk before the image data.
fn iccp_chunk(png: &[u8]) -> Option<std::ops::Range<usize>> {
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().ok()?) as usize;
        let kind = &png[at + 4..at + 8];
        let end = at.checked_add(12)?.checked_add(len)?;
        if end > png.len() || kind == b"IDAT" || kind == b"IEND" {
            return None;
        }
        if kind == b"iCCP" {
            return Some(at..end);
        }
        at = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG of `w`×`h` pixels (RGB, 8 bits) with `extra` chunks before the image data.
    fn png(w: u32, h: u32, extra: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let img = image::RgbImage::new(w, h);
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        let mut chunks = Vec::new();
        for (kind, data) in extra {
            chunks.extend_from_slice(&(data.len() as u32).to_be_bytes());
            chunks.extend_from_slice(*kind);
            chunks.extend_from_slice(data);
            chunks.extend_from_slice(&[0; 4]);
        }
        // After the signature (8) and IHDR (25).
        out.splice(33..33, chunks);
        out
    }

    #[test]
    fn the_pixel_cap_is_read_from_the_header() {
        let ok = png(4, 3, &[]);
        assert!(vet(ok.clone(), 12).is_ok());
        let e = vet(ok, 11).err().unwrap();
        assert!(e.contains("4×3 pixels"), "{e}");
        assert!(vet(b"<html>".to_vec(), 100).is_err());
    }

    #[test]
    fn a_damaged_image_does_not_decode() {
        let mut bad = png(64, 64, &[]);
        let n = bad.len();
        bad.truncate(n - 20);
        let v = vet(bad, 1 << 20).unwrap();
        assert!(decodes(&v.bytes, v.format, v.pixels).is_err());
        let v = vet(png(64, 64, &[]), 1 << 20).unwrap();
        assert!(decodes(&v.bytes, v.format, v.pixels).is_ok());
    }

    #[test]
    fn a_huge_colour_profile_is_dropped() {
        let zeros = vec![0u8; MAX_ICC_BYTES + 1];
        let mut data = b"bomb\0\0".to_vec();
        data.extend(fdeflate_zlib(&zeros));
        let bomb = png(2, 2, &[(b"iCCP", data)]);
        let v = vet(bomb.clone(), 100).unwrap();
        assert!(v.bytes.len() < bomb.len());
        assert!(iccp_chunk(&v.bytes).is_none());
    }

    fn fdeflate_zlib(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut c = fdeflate::Compressor::new(&mut out).unwrap();
        c.write_data(data).unwrap();
        c.finish().unwrap();
        out
    }
}
