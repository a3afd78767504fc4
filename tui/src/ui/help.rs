//! `?`: every key that works now, drawn from the keymap, and what the marks mean. Two columns
//! when the terminal is wide; one, with descriptions wrapped under their key, when it is not;
//! in pages (`↓`/`space` next, `↑` back) when it is short.

use super::theme::Theme;
use crate::app::keymap::{self, Context, Group};
use crate::app::App;
use crate::format;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

/// Columns of the key before its description.
const KEY_WIDTH: usize = 13;

/// The two-column help needs this many columns.
const TWO_COLUMNS: u16 = 110;

/// Words of `text` in lines of at most `width` columns (a word longer than that is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let Some(last) = lines.last_mut() else { break };
        let used = format::width(last);
        if used > 0 && used + 1 + format::width(word) > width {
            lines.push(format::truncate(word, width));
        } else {
            if used > 0 {
                last.push(' ');
            }
            last.push_str(&format::truncate(word, width));
        }
    }
    lines
}

fn group_lines(group: Group, ctx: &Context, theme: Theme, width: usize) -> Vec<Line<'static>> {
    let bindings: Vec<_> = keymap::enabled_actions(ctx).filter(|b| b.group == group).collect();
    if bindings.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::styled(group.title(), theme.label())];
    let text_width = width.saturating_sub(KEY_WIDTH + 1).max(10);
    for b in bindings {
        let help = keymap::describe(b.action, ctx).map_or("", |d| d.help);
        let key = format!(" {:<w$}", keymap::keys_label(b.action, ctx), w = KEY_WIDTH - 1);
        for (i, part) in wrap(help, text_width).into_iter().enumerate() {
            let lead = if i == 0 { key.clone() } else { " ".repeat(KEY_WIDTH) };
            lines.push(Line::from(vec![Span::styled(lead, theme.key()), Span::raw(part)]));
        }
    }
    lines
}

/// Items of `entries` in lines of at most `width` columns, three spaces apart; an item longer
/// than a line wraps by words.
fn legend(theme: Theme, width: usize) -> Vec<Line<'static>> {
    let entries: [&[&str]; 3] = [
        &[
            "✔ success",
            "✘ failure",
            "↩ refund",
            "○ pending (not run yet)",
            "⧗ waiting for inputs",
            "+N folded",
        ],
        &["─▶ created the receipt (outcome.receipt_ids)", "┄▷ sent its result (data receipt)"],
        &[
            "Δn wrote state (storage, keys, code)",
            "↺n writes rolled back with the failed receipt (embedded runtime)",
        ],
    ];
    let width = width.saturating_sub(1).max(10);
    let mut lines = vec![Line::styled("Marks", theme.label())];
    for items in entries {
        let mut current = String::new();
        for item in items {
            for part in wrap(item, width) {
                let used = format::width(&current);
                if used > 0 && used + 3 + format::width(&part) > width {
                    lines.push(Line::raw(format!(" {current}")));
                    current.clear();
                }
                if !current.is_empty() {
                    current.push_str("   ");
                }
                current.push_str(&part);
            }
        }
        if !current.is_empty() {
            lines.push(Line::raw(format!(" {current}")));
        }
    }
    lines
}

/// Draws the help over `area`; returns how many pages it needs.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) -> u16 {
    let ctx = app.key_context();
    let width = 124.min(area.width);
    let inner_width = usize::from(width.saturating_sub(2));
    let two = area.width >= TWO_COLUMNS;
    let column_width = if two { inner_width / 2 } else { inner_width };
    let left = group_lines(Group::Move, &ctx, theme, column_width);
    let mut right = group_lines(Group::View, &ctx, theme, column_width);
    right.extend(group_lines(Group::Live, &ctx, theme, column_width));
    right.extend(group_lines(Group::Replay, &ctx, theme, column_width));
    let legend = legend(theme, inner_width);
    // One list of rows per column; a single column stacks everything.
    let (left, right) = if two {
        (left, right)
    } else {
        let mut all = left;
        all.extend(right);
        (all, Vec::new())
    };
    let body_rows = left.len().max(right.len()) + legend.len();
    let wanted = body_rows as u16 + 3;
    let height = wanted.min(area.height);
    // Rows for keys and marks on one page (border and the last line excluded).
    let page_rows = usize::from(height.saturating_sub(3)).max(1);
    let pages = body_rows.div_ceil(page_rows).max(1) as u16;
    let page = app.help_page().min(pages - 1);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, rect);
    let title =
        if pages > 1 { format!(" Keys · page {}/{pages} ", page + 1) } else { " Keys ".into() };
    let block = Block::bordered().title(title).border_style(theme.border(true));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [body, last] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    let closing = if pages > 1 {
        "↓ / space: next page · ↑: back · any other key closes this help"
    } else {
        "any key closes this help"
    };
    frame.render_widget(Paragraph::new(Line::styled(closing, theme.dim())), last);
    // Rows of the page: the columns side by side, then the marks below them.
    let skip = usize::from(page) * page_rows;
    let column_rows = left.len().max(right.len());
    let visible = |lines: Vec<Line<'static>>| -> Vec<Line<'static>> {
        lines.into_iter().skip(skip).take(page_rows).collect()
    };
    let shown_columns = column_rows.saturating_sub(skip).min(page_rows) as u16;
    let [columns, marks] =
        Layout::vertical([Constraint::Length(shown_columns), Constraint::Min(0)]).areas(body);
    if two {
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(columns);
        frame.render_widget(Paragraph::new(visible(left)), l);
        frame.render_widget(Paragraph::new(visible(right)), r);
    } else {
        frame.render_widget(Paragraph::new(visible(left)), columns);
    }
    // The marks continue the page after the columns end.
    let legend_skip = skip.saturating_sub(column_rows);
    let legend_rows = page_rows - usize::from(shown_columns);
    let legend: Vec<Line> = legend.into_iter().skip(legend_skip).take(legend_rows).collect();
    frame.render_widget(Paragraph::new(legend), marks);
    pages
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn descriptions_wrap_at_word_boundaries() {
        assert_eq!(
            wrap("move the selection to the next column", 16),
            ["move the", "selection to the", "next column"]
        );
        assert_eq!(wrap("a", 5), ["a"]);
        assert_eq!(wrap("averyveryverylongword", 5), ["aver…"]);
    }
}
