//! ratatui widgets: read-only rendering of `app::App`.
