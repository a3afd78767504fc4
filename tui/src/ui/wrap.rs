//! Word wrap with a hanging indent: a wrapped line goes on under its value, not at column 0.
//!
//! ```text
//! state    key      alice.test.near ed25519:6E8s…Jz2x nonce 20000000 →
//!                   20000001                       (under the value, not at column 0)
//! ```
//! The value starts after the line's leading blanks and up to two padded labels (`status   `,
//! `         balance  `): a label is a word of at most 9 columns followed by two blanks or more.

use crate::format;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Widest label that counts as one (the details' field names are padded to 9).
const LABEL: usize = 9;

/// The column where `text`'s value starts.
pub fn hang(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut col = chars.iter().take_while(|c| **c == ' ').count();
    for _ in 0..2 {
        let word = chars[col..].iter().take_while(|c| **c != ' ').count();
        let blanks = chars[col + word..].iter().take_while(|c| **c == ' ').count();
        if word == 0 || word > LABEL || blanks < 2 || col + word + blanks >= chars.len() {
            break;
        }
        col += word + blanks;
    }
    // Column of the char index (labels are ASCII, the blanks too).
    format::width(&chars[..col].iter().collect::<String>())
}

/// Each line wrapped at `width` columns, continuation lines indented to the line's hang (none
/// when the hang leaves less than half the width).
pub fn hanging(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let indent = Some(hang(&text)).filter(|h| *h <= width / 2).unwrap_or(0);
        wrap_one(&line, width, indent, &mut out);
    }
    out
}

/// `text` wrapped at `width` columns, without an indent (prose: the workshop notes).
pub fn plain(text: &str, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for paragraph in text.lines() {
        wrap_one(&Line::raw(paragraph.to_string()), width.max(1), 0, &mut out);
    }
    out
}

/// A word with its trailing blanks: pieces of text, each with its style (a word may span
/// spans: `(−1 NEAR)` is styled in three).
type Word = Vec<(String, Style)>;

fn words(line: &Line<'static>) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut word: Word = Vec::new();
    let mut ends_blank = false;
    for span in &line.spans {
        let style = line.style.patch(span.style);
        for c in span.content.chars() {
            if c != ' ' && ends_blank {
                words.push(std::mem::take(&mut word));
            }
            ends_blank = c == ' ';
            match word.last_mut() {
                Some((text, s)) if *s == style => text.push(c),
                _ => word.push((c.to_string(), style)),
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn text_of(word: &Word) -> String {
    word.iter().map(|(t, _)| t.as_str()).collect()
}

fn wrap_one(line: &Line<'static>, width: usize, indent: usize, out: &mut Vec<Line<'static>>) {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    let mut first = true;
    for mut word in words(line) {
        loop {
            let text = text_of(&word);
            let shown = format::width(text.trim_end());
            // At a line's start, or right after the labels: a word too long goes on cut.
            let at_start = used == 0 || used == indent;
            if shown == 0 && at_start && !first {
                // Blanks at the start of a continuation line.
                break;
            }
            if used + shown <= width {
                used += format::width(&text);
                spans.extend(word.into_iter().map(|(t, s)| Span::styled(t, s)));
                break;
            }
            if at_start {
                // Longer than a whole line: cut it.
                let (head, tail) = split_at_width(&word, width - used);
                spans.extend(head.into_iter().map(|(t, s)| Span::styled(t, s)));
                word = tail;
            }
            out.push(Line::from(std::mem::take(&mut spans)).style(line.style));
            first = false;
            spans.push(Span::raw(" ".repeat(indent)));
            used = indent;
            if word.is_empty() {
                break;
            }
        }
    }
    if spans.iter().any(|s| !s.content.trim().is_empty()) || first {
        out.push(Line::from(spans).style(line.style));
    }
}

/// `word` cut at `cols` columns (at least one character).
fn split_at_width(word: &Word, cols: usize) -> (Word, Word) {
    let (mut head, mut tail): (Word, Word) = (Vec::new(), Vec::new());
    let mut used = 0;
    for (text, style) in word {
        for c in text.chars() {
            let w = format::width(&c.to_string());
            let side = if tail.is_empty() && (used + w <= cols || used == 0) {
                used += w;
                &mut head
            } else {
                &mut tail
            };
            match side.last_mut() {
                Some((t, s)) if s == style => t.push(c),
                _ => side.push((c.to_string(), *style)),
            }
        }
    }
    (head, tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    #[test]
    fn the_value_starts_after_the_labels() {
        assert_eq!(hang("status   ✔ success"), 9);
        assert_eq!(hang("         balance  xcc.test.near 1 → 2"), 18);
        assert_eq!(hang("         key      alice ed25519:abc nonce 1 → 2"), 18);
        assert_eq!(hang("         #1 Transfer"), 9);
        assert_eq!(hang("a sentence with words"), 0);
    }

    #[test]
    fn continuation_lines_go_under_the_value() {
        let line = Line::from(vec![
            Span::raw("         "),
            Span::raw("key      "),
            Span::raw("alice.test.near nonce 20000000 → 20000001"),
        ]);
        let wrapped = texts(&hanging(vec![line], 40));
        assert_eq!(
            wrapped,
            ["         key      alice.test.near nonce ", "                  20000000 → 20000001",]
        );
        let long = Line::raw(format!("logs     {}", "x".repeat(40)));
        let wrapped = texts(&hanging(vec![long], 30));
        assert_eq!(wrapped[0], format!("logs     {}", "x".repeat(21)));
        assert_eq!(wrapped[1], format!("         {}", "x".repeat(19)));
        let short = Line::raw("fits");
        assert_eq!(texts(&hanging(vec![short], 30)), ["fits"]);
    }
}
