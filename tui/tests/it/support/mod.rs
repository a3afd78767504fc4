//! Test helpers shared by the integration tests (dev-only): loopback nodes, captures, screens
//! and keys.

pub mod captures;
pub mod loopback;
pub mod screen;
pub mod state_node;
