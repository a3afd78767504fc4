//! The embedded engine: the in-process NEAR runtime (`nearviz-runtime`) driven from a tokio task.
