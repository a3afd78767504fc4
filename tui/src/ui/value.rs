//! A stored value on screen, with the bytes that changed marked (bold, underlined): readable
//! as `model::state_value` reads it (JSON and text as stored, bytes with their printable runs
//! quoted) or raw (base64); long values show a window around the change, and the `− before` /
//! `+ after` lines continue under themselves when they are wider than the pane.

use super::state_changes::VALUE_INDENT;
use super::theme::Theme;
use crate::format;
use crate::model::state_value::{self, hex, readable, Readable};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::ops::Range;

/// Longest stretch of a value shown (bytes, or base64 characters raw); longer values show a
/// window around the change.
const WINDOW: usize = 96;
/// Bytes kept before the change when a window is cut.
const LEAD: usize = 16;

/// `− value` / `+ value` lines: the value cut to the pane's width, continuing under itself
/// (long base64 or borsh values would otherwise wrap to the pane's left edge).
pub(super) fn value_lines(
    sign: &'static str,
    spans: Vec<Span<'static>>,
    width: usize,
    base: Style,
) -> Vec<Line<'static>> {
    let lead = VALUE_INDENT.len() + 2;
    let room = width.saturating_sub(lead).max(16);
    let mut lines = Vec::new();
    let mut line: Vec<Span<'static>> = vec![Span::raw(VALUE_INDENT), Span::styled(sign, base)];
    let mut used = 0;
    for span in spans {
        let mut piece = String::new();
        for ch in span.content.chars() {
            let w = format::width(ch.encode_utf8(&mut [0; 4]));
            if used + w > room {
                if !piece.is_empty() {
                    line.push(Span::styled(std::mem::take(&mut piece), span.style));
                }
                lines.push(Line::from(std::mem::take(&mut line)));
                line = vec![Span::raw(VALUE_INDENT), Span::raw("  ")];
                used = 0;
            }
            piece.push(ch);
            used += w;
        }
        if !piece.is_empty() {
            line.push(Span::styled(piece, span.style));
        }
    }
    lines.push(Line::from(line));
    lines
}

/// A stored value, with the bytes in `changed` styled: readable, or raw base64.
pub(super) fn value(
    bytes: &[u8],
    changed: Option<Range<usize>>,
    raw: bool,
    theme: Theme,
    base: Style,
) -> Vec<Span<'static>> {
    let mark = theme.changed().patch(base);
    let mut out = Spans::new(base, mark);
    if raw {
        let text = state_value::base64(bytes);
        // The base64 characters that encode the changed bytes (3 bytes per 4 characters).
        let hit = changed.map(|r| (r.start / 3 * 4)..(r.end.div_ceil(3) * 4).min(text.len()));
        let window = window(text.len(), hit.as_ref(), |_| true);
        out.cut_before(window.start);
        for (i, ch) in text[window.clone()].char_indices() {
            let at = window.start + i;
            out.push(ch.to_string(), hit.as_ref().is_some_and(|h| h.contains(&at)));
        }
        out.cut_after(window.end, text.len(), bytes.len());
        return out.spans;
    }
    let hit = |at: usize| changed.as_ref().is_some_and(|r| r.contains(&at));
    match readable(bytes) {
        Readable::Empty => out.push("(empty)".into(), false),
        Readable::Json(_) | Readable::Text(_) => {
            // As stored (JSON the way near-sdk-js wrote it), cut on character boundaries.
            let text = String::from_utf8_lossy(bytes).into_owned();
            let quoted = matches!(readable(bytes), Readable::Text(_));
            let window = window(bytes.len(), changed.as_ref(), |i| text.is_char_boundary(i));
            out.cut_before(window.start);
            if quoted {
                out.push("\"".into(), false);
            }
            for (i, ch) in text[window.clone()].char_indices() {
                let shown = match ch {
                    '\n' => "\\n".to_string(),
                    '\t' => "\\t".to_string(),
                    '"' if quoted => "\\\"".to_string(),
                    c => c.to_string(),
                };
                out.push(shown, hit(window.start + i));
            }
            if quoted {
                out.push("\"".into(), false);
            }
            out.cut_after(window.end, bytes.len(), bytes.len());
        }
        Readable::Bytes(_) => {
            let window = window(bytes.len(), changed.as_ref(), |_| true);
            out.cut_before(window.start);
            let mut at = window.start;
            for (n, seg) in state_value::segments(&bytes[window.clone()]).iter().enumerate() {
                if n > 0 {
                    out.push(" ".into(), false);
                }
                match seg {
                    state_value::Segment::Text(t) => {
                        out.push("\"".into(), false);
                        for ch in t.chars() {
                            out.push(ch.to_string(), hit(at));
                            at += 1;
                        }
                        out.push("\"".into(), false);
                    }
                    state_value::Segment::Raw(r) => {
                        for b in r {
                            out.push(hex(&[*b]), hit(at));
                            at += 1;
                        }
                    }
                }
            }
            out.cut_after(window.end, bytes.len(), bytes.len());
        }
    }
    out.spans
}

/// The part of a `len`-long value to show: all of it when short, else `WINDOW` around the
/// start of the change, moved to boundaries `ok` accepts.
fn window(len: usize, hit: Option<&Range<usize>>, ok: impl Fn(usize) -> bool) -> Range<usize> {
    if len <= WINDOW {
        return 0..len;
    }
    let mut start = hit.map_or(0, |h| h.start.saturating_sub(LEAD)).min(len - WINDOW);
    while start > 0 && !ok(start) {
        start -= 1;
    }
    let mut end = (start + WINDOW).min(len);
    while end < len && !ok(end) {
        end += 1;
    }
    start..end
}

/// Spans built piece by piece, merging neighbours of the same style.
struct Spans {
    spans: Vec<Span<'static>>,
    base: Style,
    mark: Style,
    marked: Option<bool>,
}

impl Spans {
    fn new(base: Style, mark: Style) -> Self {
        Spans { spans: Vec::new(), base, mark, marked: None }
    }

    fn push(&mut self, text: String, marked: bool) {
        if self.marked == Some(marked) {
            if let Some(last) = self.spans.last_mut() {
                last.content.to_mut().push_str(&text);
                return;
            }
        }
        let style = if marked { self.mark } else { self.base };
        self.spans.push(Span::styled(text, style));
        self.marked = Some(marked);
    }

    fn cut_before(&mut self, start: usize) {
        if start > 0 {
            self.push("…".into(), false);
        }
    }

    fn cut_after(&mut self, end: usize, len: usize, bytes: usize) {
        if end < len {
            self.push(format!("… ({bytes} bytes)"), false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state_value::changed;

    fn text(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    fn marked(spans: &[Span], theme: Theme) -> String {
        spans.iter().filter(|s| s.style == theme.changed()).map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn borsh_shows_printable_runs_and_marks_the_changed_byte() {
        let theme = Theme::new(false);
        let before = b"\x0f\x00\x00\x00hello.test.near\x01\x00\x00\x00";
        let after = b"\x0f\x00\x00\x00hello.test.near\x02\x00\x00\x00";
        let (was, now) = changed(before, after).expect("differs");
        let b = value(before, Some(was), false, theme, Style::new());
        let a = value(after, Some(now), false, theme, Style::new());
        assert_eq!(text(&b), "0f000000 \"hello.test.near\" 01000000");
        assert_eq!(marked(&b, theme), "01");
        assert_eq!(marked(&a, theme), "02");
    }

    #[test]
    fn json_and_text_read_as_stored() {
        let theme = Theme::new(false);
        let before = br#"{"greeting":"hello"}"#;
        let after = br#"{"greeting":"howdy"}"#;
        let (_, now) = changed(before, after).expect("differs");
        let a = value(after, Some(now), false, theme, Style::new());
        assert_eq!(text(&a), r#"{"greeting":"howdy"}"#);
        assert_eq!(marked(&a, theme), "owdy");
        let t = value(b"hi\nthere", None, false, theme, Style::new());
        assert_eq!(text(&t), "\"hi\\nthere\"");
    }

    #[test]
    fn raw_is_base64_with_the_covering_characters_marked() {
        let theme = Theme::new(false);
        let a = value(b"abcdef", Some(4..5), true, theme, Style::new());
        assert_eq!(text(&a), "YWJjZGVm");
        assert_eq!(marked(&a, theme), "ZGVm");
    }

    #[test]
    fn long_values_show_a_window_around_the_change() {
        let theme = Theme::new(false);
        let mut bytes = vec![0u8; 1000];
        bytes[500] = 7;
        let v = value(&bytes, Some(500..501), false, theme, Style::new());
        let shown = text(&v);
        assert!(shown.starts_with('…') && shown.ends_with("… (1000 bytes)"), "{shown}");
        assert_eq!(marked(&v, theme), "07");
    }
}
