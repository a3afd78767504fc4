//! Whole screens as text, drawn as the event loop draws them: the app learns the frame's
//! geometry (`Msg::Drawn`), and a view that moved because of it is drawn again.

use nearviz::app::{App, Msg};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// The screen of `app` on a `w`×`h` terminal, one line per row, trailing blanks trimmed.
pub fn draw(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    let mut geometry = Default::default();
    terminal.draw(|f| geometry = nearviz::ui::render(app, f)).expect("draw");
    app.update(Msg::Drawn(geometry));
    terminal.draw(|f| geometry = nearviz::ui::render(app, f)).expect("draw");
    let buf = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let line: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
