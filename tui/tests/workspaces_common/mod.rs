//! What the near-workspaces test binaries share (`workspaces.rs`, `workspaces_suite/`): the
//! example contracts' wasm (`contract/res`) and a `dev_deploy` of one.

use near_workspaces::network::Sandbox;
use near_workspaces::{Contract, Worker};
use std::path::PathBuf;

pub type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// An example contract's wasm, e.g. `wasm("hello.wasm")`.
pub fn wasm(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../contract/res").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The example contract `name` on a fresh dev account.
pub async fn deploy(worker: &Worker<Sandbox>, name: &str) -> Res<Contract> {
    Ok(worker.dev_deploy(&wasm(name)).await?)
}
