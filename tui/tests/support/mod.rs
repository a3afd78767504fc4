//! Test helpers shared by the `rpc_*` integration tests (dev-only).
#![allow(dead_code)]

pub mod captures;
pub mod loopback;
pub mod state_node;
