//! What the near-workspaces test binaries share (`workspaces.rs`, `workspaces_suite/`): the
//! example contracts' wasm (`contract/res`) and a `dev_deploy` of one.

use near_workspaces::network::Sandbox;
use near_workspaces::{Contract, Worker};
use serde_json::json;
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

/// `xcc` initialised with its own `hello`, `counter` and `guestbook`; hello's account too.
pub async fn xcc(worker: &Worker<Sandbox>) -> Res<(Contract, Contract)> {
    let hello = deploy(worker, "hello.wasm").await?;
    let counter = deploy(worker, "counter.wasm").await?;
    let guestbook = deploy(worker, "guestbook.wasm").await?;
    let xcc = deploy(worker, "xcc.wasm").await?;
    let init = xcc
        .call("new")
        .args_json(json!({"hello_account": hello.id(), "counter_account": counter.id(),
                          "guestbook_account": guestbook.id()}))
        .transact()
        .await?;
    assert!(init.is_success(), "{init:?}");
    Ok((xcc, hello))
}
