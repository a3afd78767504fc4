//! Test helpers shared by the integration tests (dev-only): loopback nodes, captures, screens.
#![allow(dead_code)]

pub mod captures;
pub mod loopback;
pub mod screen;
pub mod state_node;
