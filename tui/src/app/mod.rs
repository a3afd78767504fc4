//! The TUI state (`App`), its messages and `update`: the Elm-style loop.
