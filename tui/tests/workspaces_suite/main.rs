//! A contract's near-workspaces test suite as a user writes one: every `#[tokio::test]` starts
//! its own sandbox with `near_workspaces::sandbox()` and does one thing (accounts, transfers,
//! keys, deploys and calls, cross-contract calls with callbacks, batches, views, state patches,
//! fast-forward, gas, logs, failures), asserting the values a test reads: heights, balances,
//! logs, error texts. `cargo test` runs them on parallel threads, one sandbox each.
//!
//! The sandbox binary is `NEAR_SANDBOX_BIN_PATH` when it is set, as for any near-workspaces
//! suite; unset, this crate's own `near-sandbox` (the debug build under `cargo test`). The
//! benchmark of issue 21, `tui/benches/workspaces_suite.sh`, runs this binary on the release
//! `near-sandbox` and, given one, on neard.

#[path = "../workspaces_common/mod.rs"]
mod workspaces_common;

mod accounts;
mod calls;
mod state;

use near_workspaces::network::Sandbox;
use near_workspaces::Worker;
use std::sync::Once;
use workspaces_common::Res;

const BIN_VAR: &str = "NEAR_SANDBOX_BIN_PATH";
static BIN: Once = Once::new();

/// `near_workspaces::sandbox()` on the binary above (the variable is set once, before any test
/// starts a sandbox).
async fn sandbox() -> Res<Worker<Sandbox>> {
    BIN.call_once(|| {
        if std::env::var_os(BIN_VAR).is_none() {
            std::env::set_var(BIN_VAR, env!("CARGO_BIN_EXE_near-sandbox"));
        }
    });
    Ok(near_workspaces::sandbox().await?)
}
