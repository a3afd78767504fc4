//! Views of state, code and blocks; state patches, imports from another worker, fast-forward.

use crate::sandbox;
use crate::workspaces_common::{deploy, wasm, Res};
use near_workspaces::network::Sandbox;
use near_workspaces::types::{KeyType, NearToken, SecretKey};
use near_workspaces::{AccessKey, Account, AccountDetailsPatch, Worker};
use serde_json::json;

/// Blocks per epoch of near-sandbox's genesis.
const EPOCH_LENGTH: u64 = 60;

/// The default (all-zero) hash, in base58.
const ZERO_HASH: &str = "11111111111111111111111111111111";

/// The epoch (1, 2, ...) of a block height: epochs start at heights 1, 61, 121, ...
fn epoch(height: u64) -> u64 {
    1 + height.saturating_sub(1) / EPOCH_LENGTH
}

/// The id neard gives the epoch of `height`: the hash of the last block of the epoch two
/// before (the genesis block for epoch 2); all zeros for epoch 1.
async fn epoch_id_at(worker: &Worker<Sandbox>, height: u64) -> Res<String> {
    match epoch(height) {
        1 => Ok(ZERO_HASH.to_owned()),
        e => Ok(worker.view_block().block_height((e - 2) * EPOCH_LENGTH).await?.hash().to_string()),
    }
}

#[tokio::test]
async fn view_state_holds_the_contract_storage() -> Res {
    let worker = sandbox().await?;
    let guestbook = deploy(&worker, "guestbook.wasm").await?;
    assert!(guestbook.view_state().await?.is_empty(), "nothing stored before the first call");
    let signed = guestbook
        .call("add_message")
        .args_json(json!({"text": "hi"}))
        .deposit(NearToken::from_millinear(10))
        .transact()
        .await?;
    assert_eq!(signed.logs(), [format!("{} signed the guestbook (premium): hi", guestbook.id())]);
    let state = guestbook.view_state().await?;
    let mut keys: Vec<&[u8]> = state.keys().map(Vec::as_slice).collect();
    keys.sort_unstable();
    // near-sdk's `Vector` under prefix `m`: its length in `STATE`, element 0 under `m` + 0u32.
    assert_eq!(keys, [b"STATE".as_slice(), b"m\0\0\0\0".as_slice()]);
    let message = &state[b"m\0\0\0\0".as_slice()];
    assert_eq!(message[0], 1, "premium");
    assert!(message.ends_with(b"\x02\0\0\0hi"), "{message:?}");
    Ok(())
}

#[tokio::test]
async fn view_code_returns_the_deployed_wasm() -> Res {
    let worker = sandbox().await?;
    let counter = deploy(&worker, "counter.wasm").await?;
    assert_eq!(counter.view_code().await?, wasm("counter.wasm"));
    let alice = worker.dev_create_account().await?;
    let err = worker.view_code(alice.id()).await.expect_err("no contract");
    assert!(format!("{err:?}").contains("NoContractCode"), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn a_view_at_an_earlier_block_sees_the_state_then() -> Res {
    let worker = sandbox().await?;
    let hello = deploy(&worker, "hello.wasm").await?;
    let then = worker.view_block().await?.height();
    let set = hello.call("set_greeting").args_json(json!({"greeting": "now"})).transact().await?;
    assert!(set.is_success(), "{set:?}");
    let old: String = hello.view("get_greeting").block_height(then).await?.json()?;
    assert_eq!(old, "Hello");
    let new: String = hello.view("get_greeting").await?.json()?;
    assert_eq!(new, "now");
    Ok(())
}

#[tokio::test]
async fn patch_state_rewrites_contract_data() -> Res {
    let worker = sandbox().await?;
    let counter = deploy(&worker, "counter.wasm").await?;
    counter.call("increment").args_json(json!({})).transact().await?.into_result()?;
    let state = counter.view_state().await?;
    let (key, value) = state.iter().next().ok_or("the counter has state")?;
    assert_eq!((key.as_slice(), value.as_slice()), (b"STATE".as_slice(), [1].as_slice()));
    // near-sdk stores the i8 as one byte under the struct's key.
    worker.patch_state(counter.id(), key, &[7]).await?;
    let num: i8 = counter.view("get_num").await?.json()?;
    assert_eq!(num, 7);
    let num: i8 = counter.call("increment").args_json(json!({})).transact().await?.json()?;
    assert_eq!(num, 8);
    Ok(())
}

#[tokio::test]
async fn patch_account_sets_its_balance() -> Res {
    let worker = sandbox().await?;
    let alice = worker.dev_create_account().await?;
    worker
        .patch(alice.id())
        .account_from_current(|now| AccountDetailsPatch::from(now).balance(NearToken::from_near(7)))
        .transact()
        .await?;
    assert_eq!(alice.view_account().await?.balance, NearToken::from_near(7));
    Ok(())
}

#[tokio::test]
async fn patch_code_and_a_key_then_use_them() -> Res {
    let worker = sandbox().await?;
    let alice = worker.dev_create_account().await?;
    let key = SecretKey::from_random(KeyType::ED25519);
    worker
        .patch(alice.id())
        .code(&wasm("counter.wasm"))
        .access_key(key.public_key(), AccessKey::full_access())
        .transact()
        .await?;
    assert_eq!(worker.view_code(alice.id()).await?, wasm("counter.wasm"));
    assert_eq!(alice.view_access_keys().await?.len(), 2);
    // The patched key signs; the patched code runs.
    let patched = Account::from_secret_key(alice.id().clone(), key, &worker);
    let num: i8 =
        patched.call(alice.id(), "increment").args_json(json!({})).transact().await?.json()?;
    assert_eq!(num, 1);
    Ok(())
}

#[tokio::test]
async fn import_contract_copies_code_and_data_from_another_worker() -> Res {
    let worker = sandbox().await?;
    let counter = deploy(&worker, "counter.wasm").await?;
    let num: i8 =
        counter.call("increment").args_json(json!({"number": 5})).transact().await?.json()?;
    assert_eq!(num, 5);
    let other = sandbox().await?;
    let imported = other
        .import_contract(counter.id(), &worker)
        .initial_balance(NearToken::from_near(5))
        .with_data()
        .transact()
        .await?;
    assert_eq!(imported.id(), counter.id());
    let num: i8 = imported.view("get_num").await?.json()?;
    assert_eq!(num, 5);
    assert_eq!(imported.view_account().await?.balance, NearToken::from_near(5));
    Ok(())
}

#[tokio::test]
async fn fast_forward_advances_the_height_by_the_delta() -> Res {
    let worker = sandbox().await?;
    let before = worker.view_block().await?;
    worker.fast_forward(100).await?;
    let after = worker.view_block().await?;
    assert!(after.height() >= before.height() + 100, "{} -> {}", before.height(), after.height());
    // The clock jumps with the heights, as a node's blocks would have come.
    assert!(
        after.timestamp() > before.timestamp(),
        "{} -> {}",
        before.timestamp(),
        after.timestamp()
    );
    // The epoch id changed where neard's does: epoch T's id is the hash of epoch T-2's last
    // block (the genesis block for epoch 2), the first epoch's id is all zeros.
    assert!(epoch(after.height()) > epoch(before.height()), "a new epoch");
    assert_eq!(before.epoch_id().to_string(), epoch_id_at(&worker, before.height()).await?);
    assert_eq!(after.epoch_id().to_string(), epoch_id_at(&worker, after.height()).await?);
    assert_ne!(after.epoch_id(), before.epoch_id());
    Ok(())
}
