//! Test helpers shared by the integration tests (dev-only): loopback nodes, captures, screens.

pub mod captures;
pub mod loopback;
pub mod screen;
pub mod state_node;
