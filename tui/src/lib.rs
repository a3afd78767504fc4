//! nearviz: see NEAR cross-contract calls as a live promise DAG.
//!
//! ```text
//! engine (sandbox | embedded | replay | rpc)
//!    └─> chain::ChainEvent      (NEAR RPC views)
//!         └─> model::Trace / Dag (pure)
//!              └─> layout        (pure)
//!                   └─> ui       (ratatui, read-only render of app::App)
//! ```

pub mod app;
pub mod chain;
pub mod cli;
pub mod commands;
pub mod diff;
pub mod engine;
pub mod exit;
pub mod fixture;
pub mod fork;
pub mod format;
pub mod layout;
pub mod model;
pub mod neard;
pub mod output;
pub mod scenario;
pub mod serve;
pub mod terminal;
pub mod trace_json;
pub mod ui;
