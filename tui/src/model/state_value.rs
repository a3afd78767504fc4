//! Contract storage values made readable (pure; the UI and the outputs share it).
//!
//! - JSON (near-sdk-js state) reads as JSON;
//! - other valid UTF-8 reads as text;
//! - anything else (near-sdk-rs borsh) reads as bytes with its printable runs visible, so a
//!   string inside borsh reads `"…hello.test.near…"`.
//!
//! The raw bytes, in base64, are always available; a before/after pair says which byte range
//! changed.

use base64::Engine as _;
use std::ops::Range;

/// Printable runs shorter than this stay hex in `Readable::Bytes`.
pub const MIN_RUN: usize = 4;

/// How a stored value reads.
#[derive(Clone, PartialEq, Debug)]
pub enum Readable {
    Empty,
    Json(serde_json::Value),
    Text(String),
    /// Bytes, split into printable runs and the rest.
    Bytes(Vec<Segment>),
}

/// A part of a binary value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Segment {
    /// At least `MIN_RUN` printable ASCII characters.
    Text(String),
    /// Anything else.
    Raw(Vec<u8>),
}

/// How `bytes` read (see the module docs).
pub fn readable(bytes: &[u8]) -> Readable {
    if bytes.is_empty() {
        return Readable::Empty;
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let trimmed = text.trim_start();
        if trimmed.starts_with(['{', '[', '"']) {
            if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
                return Readable::Json(json);
            }
        }
        if !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Readable::Text(text.to_string());
        }
    }
    Readable::Bytes(segments(bytes))
}

fn printable(b: u8) -> bool {
    (0x20..0x7f).contains(&b)
}

/// Printable runs of at least `MIN_RUN` bytes, and the bytes between them.
pub fn segments(bytes: &[u8]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut raw: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|b| printable(**b)).count();
        if run >= MIN_RUN {
            if !raw.is_empty() {
                out.push(Segment::Raw(std::mem::take(&mut raw)));
            }
            let text = String::from_utf8_lossy(&bytes[i..i + run]).into_owned();
            out.push(Segment::Text(text));
            i += run;
        } else {
            let n = run.max(1);
            raw.extend_from_slice(&bytes[i..i + n]);
            i += n;
        }
    }
    if !raw.is_empty() {
        out.push(Segment::Raw(raw));
    }
    out
}

/// One line: JSON compact, text quoted, bytes as `…"hello.test.near"…` (printable runs only).
pub fn summary(bytes: &[u8]) -> String {
    match readable(bytes) {
        Readable::Empty => "(empty)".into(),
        Readable::Json(j) => j.to_string(),
        Readable::Text(t) => format!("{t:?}"),
        Readable::Bytes(segments) => {
            let mut s = String::new();
            for seg in &segments {
                match seg {
                    Segment::Text(t) => s.push_str(&format!("{t:?}")),
                    Segment::Raw(_) => s.push('…'),
                }
            }
            if !segments.iter().any(|s| matches!(s, Segment::Text(_))) {
                return format!("0x{}", hex(bytes));
            }
            s
        }
    }
}

/// Every byte shown: printable runs quoted, the rest in hex (`0f000000"hello.test.near"01`).
pub fn detailed(bytes: &[u8]) -> String {
    match readable(bytes) {
        Readable::Bytes(segments) => segments
            .iter()
            .map(|seg| match seg {
                Segment::Text(t) => format!("{t:?}"),
                Segment::Raw(r) => hex(r),
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => summary(bytes),
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64, as the RPC writes `key_base64` / `value_base64`.
pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Which part changed from `before` to `after`: the byte range in `before` that was replaced
/// by the byte range in `after` (common prefix and suffix excluded). `None`: equal.
pub fn changed(before: &[u8], after: &[u8]) -> Option<(Range<usize>, Range<usize>)> {
    if before == after {
        return None;
    }
    let prefix = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let max_suffix = before.len().min(after.len()) - prefix;
    let suffix = before
        .iter()
        .rev()
        .zip(after.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    Some((prefix..before.len() - suffix, prefix..after.len() - suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_and_borsh() {
        assert_eq!(readable(br#"{"a":1}"#), Readable::Json(serde_json::json!({"a": 1})));
        assert_eq!(readable(b"hello"), Readable::Text("hello".into()));
        let borsh = b"\x0f\x00\x00\x00hello.test.near\x01\x00\x00\x00";
        assert_eq!(summary(borsh), "…\"hello.test.near\"…");
        assert_eq!(detailed(borsh), "0f000000 \"hello.test.near\" 01000000");
        assert_eq!(summary(b"\x01\x02"), "0x0102");
        assert_eq!(base64(b"STATE"), "U1RBVEU=");
    }

    #[test]
    fn changed_range() {
        assert_eq!(changed(b"abc", b"abc"), None);
        assert_eq!(changed(b"ab1cd", b"ab22cd"), Some((2..3, 2..4)));
        assert_eq!(changed(b"", b"x"), Some((0..0, 0..1)));
        assert_eq!(changed(b"aaa", b"aa"), Some((2..3, 2..2)));
    }
}
