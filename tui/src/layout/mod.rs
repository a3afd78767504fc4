//! Block-lane layout of a DAG: pure, no ratatui.
