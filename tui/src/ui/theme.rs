//! Styles. Every meaning also has a glyph or a modifier, so `NO_COLOR` loses nothing.

use crate::layout::{EdgeKind, LineRole, Mark};
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Self {
        Theme { color }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn mark(self, mark: Mark) -> Style {
        match mark {
            Mark::Success => self.fg(Color::Green),
            Mark::Failure => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Mark::Refund => self.fg(Color::Blue),
            Mark::Waiting { .. } => self.fg(Color::Yellow).add_modifier(Modifier::ITALIC),
            Mark::Pending => Style::new().add_modifier(Modifier::DIM),
        }
    }

    /// A node line: titles bold, pending nodes dim throughout.
    pub fn node_line(self, role: LineRole, mark: Mark) -> Style {
        let base = match role {
            LineRole::Title | LineRole::Method => Style::new().add_modifier(Modifier::BOLD),
            LineRole::Action => self.fg(Color::Gray),
            LineRole::Status => self.mark(mark),
        };
        match mark {
            Mark::Pending | Mark::Waiting { .. } => base.add_modifier(Modifier::DIM),
            _ => base,
        }
    }

    pub fn edge(self, kind: EdgeKind) -> Style {
        match kind {
            EdgeKind::Created => self.fg(Color::Gray),
            EdgeKind::Data => self.fg(Color::Cyan),
        }
    }

    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub fn border(self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::DarkGray)
        }
    }

    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn label(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// The part of a state value (or a balance) that changed: bold and underlined too, so it
    /// reads without colour.
    pub fn changed(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Writes the embedded runtime rolled back (their lines also carry `↺`).
    pub fn reverted(self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::ITALIC)
    }

    pub fn header(self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
}
