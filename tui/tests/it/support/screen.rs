//! Whole screens as text, drawn as the event loop draws them: the app learns the frame's
//! geometry (`Msg::Drawn`), and a view that moved because of it is drawn again. And keys
//! pressed as the terminal sends them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nearviz::app::{App, Msg};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

/// The frame of `app` on a `w`×`h` terminal, with its colours and modifiers.
pub fn buffer(app: &mut App, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    let mut geometry = Default::default();
    terminal.draw(|f| geometry = nearviz::ui::render(app, f)).expect("draw");
    app.update(Msg::Drawn(geometry));
    terminal.draw(|f| geometry = nearviz::ui::render(app, f)).expect("draw");
    terminal.backend().buffer().clone()
}

/// A frame as text, one line per row, trailing blanks trimmed.
pub fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The screen of `app` on a `w`×`h` terminal, one line per row, trailing blanks trimmed.
pub fn draw(app: &mut App, w: u16, h: u16) -> String {
    text(&buffer(app, w, h))
}

/// A screen without its last line, the footer (its status message says what the last key did).
pub fn without_footer(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[..lines.len().saturating_sub(1)].join("\n")
}

/// One key, without modifiers.
pub fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// Each character of `text` as a key.
pub fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// A replay of a reference capture, played to its end.
pub fn replay_to_end(name: &str) -> App {
    let path = crate::model_common::capture(name);
    let recording = nearviz::fixture::load(&path).expect("reference capture loads");
    let mut app = nearviz::commands::replay::replay_app(&path, recording).paused();
    key(&mut app, KeyCode::End);
    app
}
