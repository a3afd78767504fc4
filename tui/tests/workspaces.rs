//! near-workspaces (the Rust crate, unchanged) driving nearviz's `near-sandbox` binary through
//! `NEAR_SANDBOX_BIN_PATH`, the way a contract's test suite does: accounts, deploys, transfers,
//! batches, cross-contract calls with callbacks, parallel transactions, views, state patches,
//! fast-forward, gas, logs and failures.
//!
//! Its own test binary: it sets `NEAR_SANDBOX_BIN_PATH` for the whole process. The same suite
//! runs against a real neard as the ignored `suite_on_neard`:
//! `NEAR_SANDBOX_BIN_PATH=/path/to/neard cargo test -p nearviz --test workspaces -- --ignored`.

mod workspaces_common;

use near_workspaces::types::{AccessKeyPermission, Gas, NearToken, SecretKey};
use near_workspaces::Account;
use serde_json::json;
use std::ffi::OsString;
use std::sync::{LazyLock, Mutex};
use workspaces_common::{deploy, wasm, xcc, Res};

/// `NEAR_SANDBOX_BIN_PATH` as the user set it, read before any test sets it.
static USER_BIN: LazyLock<Option<OsString>> =
    LazyLock::new(|| std::env::var_os("NEAR_SANDBOX_BIN_PATH"));
/// One suite at a time: each sets the process's `NEAR_SANDBOX_BIN_PATH`.
static SUITE: Mutex<()> = Mutex::new(());

#[test]
fn suite_on_nearviz() {
    let _one = SUITE.lock().unwrap_or_else(|e| e.into_inner());
    LazyLock::force(&USER_BIN);
    std::env::set_var("NEAR_SANDBOX_BIN_PATH", env!("CARGO_BIN_EXE_near-sandbox"));
    suite();
}

#[test]
#[ignore = "needs NEAR_SANDBOX_BIN_PATH naming a real neard sandbox binary"]
fn suite_on_neard() {
    let _one = SUITE.lock().unwrap_or_else(|e| e.into_inner());
    let bin = LazyLock::force(&USER_BIN).clone().expect("NEAR_SANDBOX_BIN_PATH names neard");
    std::env::set_var("NEAR_SANDBOX_BIN_PATH", bin);
    suite();
}

/// Every part on its own sandbox, all at once (as `cargo test` runs a suite's tests).
fn suite() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");
    runtime.block_on(async {
        let results = futures::future::join_all([
            tokio::spawn(accounts_and_transfers()),
            tokio::spawn(batches_and_keys()),
            tokio::spawn(cross_contract_calls()),
            tokio::spawn(parallel_transactions()),
            tokio::spawn(views_and_failures()),
            tokio::spawn(patch_state_and_import()),
            tokio::spawn(fast_forward()),
        ])
        .await;
        let failed: Vec<String> = results
            .into_iter()
            .enumerate()
            .filter_map(|(i, result)| match result {
                Ok(Ok(())) => None,
                Ok(Err(err)) => Some(format!("part {i}: {err:?}")),
                Err(join) => Some(format!("part {i} panicked: {join}")),
            })
            .collect();
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    });
}

async fn accounts_and_transfers() -> Res {
    let worker = near_workspaces::sandbox().await?;
    let root = worker.root_account()?;
    assert_eq!(root.id().as_str(), "test.near");
    let alice = worker.dev_create_account().await?;
    assert!(alice.id().as_str().ends_with(".test.near"), "{}", alice.id());
    assert_eq!(alice.view_account().await?.balance, NearToken::from_near(100));
    let bob = root
        .create_subaccount("bob")
        .initial_balance(NearToken::from_near(10))
        .transact()
        .await?
        .into_result()?;
    assert_eq!(bob.id().as_str(), "bob.test.near");
    let sent = alice.transfer_near(bob.id(), NearToken::from_near(1)).await?;
    assert!(sent.is_success(), "{sent:?}");
    // A transfer burns the same gas on every node: 2 × 0.223 Tgas + the receipt's 0.223 Tgas.
    assert_eq!(sent.total_gas_burnt, Gas::from_gas(446_365_125_000));
    let bob_balance = bob.view_account().await?.balance;
    assert_eq!(bob_balance, NearToken::from_near(11));
    let carol: Account = bob
        .create_subaccount("carol")
        .initial_balance(NearToken::from_near(2))
        .transact()
        .await?
        .into_result()?;
    let gone = carol.clone().delete_account(bob.id()).await?;
    assert!(gone.is_success(), "{gone:?}");
    let err = worker.view_account(carol.id()).await.expect_err("carol is deleted");
    assert!(format!("{err:?}").contains("UnknownAccount"), "{err:?}");
    // The top-level-account path (the registrar account the launcher adds).
    let tla = worker.dev_create_tla().await?;
    assert!(!tla.id().as_str().contains('.'), "{}", tla.id());
    Ok(())
}

async fn batches_and_keys() -> Res {
    let worker = near_workspaces::sandbox().await?;
    let alice = worker.dev_create_account().await?;
    let sub: near_workspaces::AccountId = format!("box.{}", alice.id()).parse()?;
    let key = SecretKey::from_random(near_workspaces::types::KeyType::ED25519);
    let batch = alice
        .batch(&sub)
        .create_account()
        .transfer(NearToken::from_near(5))
        .add_key(key.public_key(), near_workspaces::AccessKey::full_access())
        .deploy(&wasm("counter.wasm"))
        .call(near_workspaces::operations::Function::new("increment").args_json(json!({})))
        .transact()
        .await?;
    assert!(batch.is_success(), "{batch:?}");
    assert_eq!(batch.logs(), vec!["Increased number to 1"]);
    let keys = worker.view_access_keys(&sub).await?;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].public_key, key.public_key());
    assert!(matches!(keys[0].access_key.permission, AccessKeyPermission::FullAccess));
    let code = worker.view_code(&sub).await?;
    assert_eq!(code, wasm("counter.wasm"));
    let num: i8 = worker.view(&sub, "get_num").await?.json()?;
    assert_eq!(num, 1);
    Ok(())
}

async fn cross_contract_calls() -> Res {
    let worker = near_workspaces::sandbox().await?;
    let (xcc, hello) = xcc(&worker).await?;
    let changed = xcc
        .call("change_greeting")
        .args_json(json!({"greeting": "howdy"}))
        .max_gas()
        .transact()
        .await?;
    assert!(changed.is_success(), "{changed:?}");
    assert!(changed.clone().json::<bool>()?, "hello stored it");
    assert!(changed.logs().contains(&"Saving greeting: howdy"), "{:?}", changed.logs());
    assert!(changed.receipt_outcomes().len() >= 3, "call, callee and callback");
    let greeting: String = hello.view("get_greeting").await?.json()?;
    assert_eq!(greeting, "howdy");
    let batch = xcc.call("batch_actions").max_gas().transact().await?;
    assert_eq!(batch.json::<String>()?, "bye");
    let panics = xcc.call("callback_panics").max_gas().transact().await?;
    assert!(panics.is_failure(), "the callback panics");
    let message = format!("{:?}", panics.into_result().expect_err("failure"));
    assert!(message.contains("xcc: callback panics on purpose"), "{message}");
    Ok(())
}

async fn parallel_transactions() -> Res {
    let worker = near_workspaces::sandbox().await?;
    let counter = deploy(&worker, "counter.wasm").await?;
    let callers =
        futures::future::try_join_all((0..4).map(|_| worker.dev_create_account())).await?;
    let calls = callers.iter().map(|caller| {
        caller.call(counter.id(), "increment").args_json(json!({"number": 2})).transact()
    });
    for outcome in futures::future::try_join_all(calls).await? {
        assert!(outcome.is_success(), "{outcome:?}");
    }
    let num: i8 = counter.view("get_num").await?.json()?;
    assert_eq!(num, 8);
    Ok(())
}

async fn views_and_failures() -> Res {
    let worker = near_workspaces::sandbox().await?;
    let guestbook = deploy(&worker, "guestbook.wasm").await?;
    let signed = guestbook
        .call("add_message")
        .args_json(json!({"text": "hi"}))
        .deposit(NearToken::from_millinear(10))
        .transact()
        .await?;
    assert!(signed.is_success(), "{signed:?}");
    let total: u32 = guestbook.view("total_messages").await?.json()?;
    assert_eq!(total, 1);
    let state = guestbook.view_state().await?;
    assert!(!state.is_empty(), "the message is in the contract's state");
    let hello = deploy(&worker, "hello.wasm").await?;
    let failed = hello.call("fail").transact().await?;
    assert!(failed.is_failure());
    let message = format!("{:?}", failed.into_result().expect_err("failure"));
    assert!(message.contains("hello: deliberate failure"), "{message}");
    let unknown = hello.view("no_such_method").await.expect_err("no such method");
    assert!(format!("{unknown:?}").contains("MethodNotFound"), "{unknown:?}");
    // A transaction from an account that has no such key is rejected by the node.
    let greeting: String = hello.view("get_greeting").await?.json()?;
    assert_eq!(greeting, "Hello");
    Ok(())
}

async fn patch_state_and_import() -> Res {
    let worker = near_workspaces::sandbox().await?;
    let counter = deploy(&worker, "counter.wasm").await?;
    let bumped = counter.call("increment").args_json(json!({})).transact().await?;
    assert!(bumped.is_success(), "{bumped:?}");
    let state = counter.view_state().await?;
    let (key, _) = state.iter().next().ok_or("the counter has state")?;
    // near-sdk stores the i8 as one byte under the struct's key.
    worker.patch_state(counter.id(), key, &[7]).await?;
    let num: i8 = counter.view("get_num").await?.json()?;
    assert_eq!(num, 7);
    let other = near_workspaces::sandbox().await?;
    let imported = other
        .import_contract(counter.id(), &worker)
        .initial_balance(NearToken::from_near(5))
        .with_data()
        .transact()
        .await?;
    let num: i8 = imported.view("get_num").await?.json()?;
    assert_eq!(num, 7);
    Ok(())
}

async fn fast_forward() -> Res {
    let worker = near_workspaces::sandbox().await?;
    let before = worker.view_block().await?.height();
    worker.fast_forward(100).await?;
    let after = worker.view_block().await?.height();
    assert!(after >= before + 100, "{before} -> {after}");
    Ok(())
}
