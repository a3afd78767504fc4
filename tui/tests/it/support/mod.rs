//! Test helpers shared by the integration tests (dev-only): loopback nodes, captures, the
//! embedded engine, screens and keys.

pub mod captures;
pub mod child;
pub mod cli;
pub mod embedded;
pub mod loopback;
pub mod screen;
pub mod state_node;
