//! The language server's framing: LSP's `Content-Length` headers and bodies, read without
//! trusting the client. A length is checked against [`MAX_MESSAGE_BYTES`] before anything is
//! allocated (a body grows only as its bytes arrive), a header line is kept to its last
//! [`MAX_HEADER_LINE`] bytes, and a malformed header is reported and skipped, so one bad
//! message is answered with an error and the next one is read (lsp-server's own reader
//! allocates whatever length it is told and ends the server at the first bad message).

use std::io::{self, BufRead, Read};

/// The largest message body read (an open guide is at most 2 MiB; escaped as JSON it may
/// take a few times that).
pub const MAX_MESSAGE_BYTES: u64 = 64 << 20;

/// The most bytes of one header line kept: a real header is a few dozen bytes; junk before a
/// header (the body of a message whose header was bad) is skipped keeping only its end, where
/// the next `Content-Length` is.
pub const MAX_HEADER_LINE: usize = 1024;

/// One thing read from the client.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A message body (not yet parsed: it may be any bytes), and the junk found glued before
    /// its header (after a body shorter than its length said), which deserves an error too.
    Body(Vec<u8>, Option<String>),
    /// A header block that is not LSP's: why. Nothing of it is used.
    BadHeader(String),
    /// A body longer than [`MAX_MESSAGE_BYTES`]: its declared length. It is still to be
    /// skipped with [`skip`] (after answering: the body may never come whole).
    TooLarge(u64),
    /// The client closed its end.
    End,
}

/// Reads the next frame. Errors are the stream's own (a broken pipe), never the client's.
pub fn read_frame(r: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<u64> = None;
    let mut bad: Option<String> = None;
    let mut junk: Option<String> = None;
    let mut any = false;
    loop {
        let Some(line) = read_line(r)? else {
            return Ok(Frame::End);
        };
        if line.is_empty() {
            if !any {
                continue; // blank lines between messages
            }
            break;
        }
        any = true;
        match header(&line) {
            Header::Length(n, skipped) => {
                length = Some(n);
                junk = junk.or(skipped);
            }
            Header::Other => {}
            Header::Bad(why) => {
                bad.get_or_insert(why);
            }
        }
    }
    match (length, bad) {
        (_, Some(why)) => Ok(Frame::BadHeader(why)),
        (None, None) => Ok(Frame::BadHeader("no Content-Length header".into())),
        (Some(n), None) if n > MAX_MESSAGE_BYTES => Ok(Frame::TooLarge(n)),
        (Some(n), None) => {
            // Grown as the bytes come: a client that declares 60 MiB and sends ten bytes
            // costs ten bytes.
            let mut body = Vec::new();
            r.take(n).read_to_end(&mut body)?;
            if (body.len() as u64) < n {
                return Ok(Frame::End);
            }
            Ok(Frame::Body(body, junk))
        }
    }
}

/// Skips `n` bytes of the stream as they arrive, holding none of them.
pub fn skip(r: &mut impl BufRead, n: u64) -> io::Result<()> {
    io::copy(&mut r.take(n), &mut io::sink()).map(|_| ())
}

enum Header {
    /// The length, and the junk before `Content-Length` on its line.
    Length(u64, Option<String>),
    Other,
    Bad(String),
}

/// One header line: `Content-Length: <digits>`, another `Name: value`, or junk.
fn header(line: &[u8]) -> Header {
    let text = String::from_utf8_lossy(line);
    let lower = text.to_ascii_lowercase();
    if let Some(at) = lower.find("content-length:") {
        let value = text[at + "content-length:".len()..].trim();
        let junk = (at > 0).then(|| format!("junk before a header: {}", shorten(&text[..at])));
        return match value.parse::<u64>() {
            Ok(n) if value.bytes().all(|b| b.is_ascii_digit()) => Header::Length(n, junk),
            _ => Header::Bad(format!(
                "Content-Length `{}` is not a number of bytes",
                shorten(value)
            )),
        };
    }
    match text.split_once(": ") {
        Some((name, _))
            if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
        {
            Header::Other
        }
        _ => Header::Bad(format!("not a header: {}", shorten(&text))),
    }
}

/// At most 60 characters of `s`, for a message.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out.escape_debug().to_string()
}

/// One line without its `\r\n` (or `\n`), at most its last [`MAX_HEADER_LINE`] bytes; `None`
/// at the end of the stream.
fn read_line(r: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let mut read_any = false;
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(read_any.then_some(line));
        }
        read_any = true;
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        line.extend_from_slice(chunk);
        if line.len() > 2 * MAX_HEADER_LINE {
            line.drain(..line.len() - MAX_HEADER_LINE);
        }
        let used = done.unwrap_or(buf.len());
        r.consume(used);
        if done.is_some() {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if line.len() > MAX_HEADER_LINE {
                line.drain(..line.len() - MAX_HEADER_LINE);
            }
            return Ok(Some(line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut r = io::BufReader::with_capacity(7, input);
        let mut out = Vec::new();
        loop {
            let f = read_frame(&mut r).unwrap();
            match f {
                Frame::End => return out,
                Frame::TooLarge(n) => skip(&mut r, n).unwrap(),
                _ => {}
            }
            out.push(f);
        }
    }

    #[test]
    fn messages_are_read_and_bad_headers_skipped() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Type: x\r\ncontent-length: 3\r\n\r\n[1]\
Garbage\r\n\r\nContent-Length: -5\r\n\r\nxyzContent-Length: 1\r\n\r\n1";
        let f = frames(input);
        assert_eq!(f[0], Frame::Body(b"{}".to_vec(), None));
        assert_eq!(f[1], Frame::Body(b"[1]".to_vec(), None));
        assert!(
            matches!(&f[2], Frame::BadHeader(w) if w.contains("not a header")),
            "{f:?}"
        );
        assert!(
            matches!(&f[3], Frame::BadHeader(w) if w.contains("-5")),
            "{f:?}"
        );
        assert!(
            matches!(&f[4], Frame::Body(b, Some(j)) if b == b"1" && j.contains("xyz")),
            "{f:?}"
        );
        assert_eq!(f.len(), 5);
    }

    #[test]
    fn huge_lengths_are_refused_without_allocating() {
        let f = frames(b"Content-Length: 18446744073709551615\r\n\r\n{}");
        assert_eq!(f, vec![Frame::TooLarge(u64::MAX)]);
        let f = frames(b"Content-Length: 18446744073709551616\r\n\r\n");
        assert!(matches!(&f[0], Frame::BadHeader(_)), "{f:?}");
        // A long junk line is kept to its end, where the next header is.
        let mut input = vec![b'x'; 100_000];
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let f = frames(&input);
        assert!(
            matches!(&f[0], Frame::Body(b, Some(_)) if b == b"{}"),
            "{f:?}"
        );
    }
}
