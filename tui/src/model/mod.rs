//! The trace model: from what engines report (`chain::ChainEvent`) to the promise DAG.
//! Pure: no tokio, no ratatui.

pub mod dag;
