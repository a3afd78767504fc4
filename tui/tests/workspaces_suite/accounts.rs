//! Accounts, transfers and keys.

use crate::sandbox;
use crate::workspaces_common::{deploy, Res};
use near_workspaces::result::ExecutionFinalResult;
use near_workspaces::types::{AccessKeyPermission, Gas, KeyType, NearToken, SecretKey};
use near_workspaces::{AccessKey, Account};
use serde_json::json;

/// Everything a transaction's outcomes burnt, in yoctoNEAR.
fn burnt(result: &ExecutionFinalResult) -> u128 {
    result.outcomes().iter().map(|o| o.tokens_burnt.as_yoctonear()).sum()
}

/// A signer whose balance went from `before` to `after` paid `amount` and what the
/// transaction burnt: `transact()` returns before the gas refund receipt (the part of the
/// prepaid fees it did not burn) has run on a node, so up to 1 milliNEAR may be on its way back.
fn assert_paid(
    before: NearToken,
    after: NearToken,
    amount: NearToken,
    result: &ExecutionFinalResult,
) {
    let spent = before.as_yoctonear() - after.as_yoctonear() - amount.as_yoctonear();
    let fees = burnt(result);
    let pending = NearToken::from_millinear(1).as_yoctonear();
    assert!(fees > 0 && (fees..=fees + pending).contains(&spent), "spent {spent}, burnt {fees}");
}

/// `account`'s balance once it differs from `was` (refund receipts run after `transact()`).
async fn balance_after(account: &Account, was: NearToken) -> Res<NearToken> {
    for _ in 0..500 {
        let now = account.view_account().await?.balance;
        if now != was {
            return Ok(now);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Err(format!("{} still has {was} after 10 s", account.id()).into())
}

#[tokio::test]
async fn the_root_account_is_the_genesis_validator() -> Res {
    let worker = sandbox().await?;
    let root = worker.root_account()?;
    assert_eq!(root.id().as_str(), "test.near");
    let view = root.view_account().await?;
    assert_eq!(view.locked, NearToken::from_near(50_000_000));
    let keys = root.view_access_keys().await?;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].public_key, root.secret_key().public_key());
    Ok(())
}

#[tokio::test]
async fn dev_create_account_gets_100_near() -> Res {
    let worker = sandbox().await?;
    let alice = worker.dev_create_account().await?;
    assert!(alice.id().as_str().ends_with(".test.near"), "{}", alice.id());
    let view = alice.view_account().await?;
    assert_eq!(view.balance, NearToken::from_near(100));
    assert_eq!(view.locked, NearToken::from_near(0));
    Ok(())
}

#[tokio::test]
async fn create_subaccount_funds_it_from_the_parent() -> Res {
    let worker = sandbox().await?;
    let alice = worker.dev_create_account().await?;
    let created =
        alice.create_subaccount("bob").initial_balance(NearToken::from_near(10)).transact().await?;
    let after = alice.view_account().await?.balance;
    assert_paid(NearToken::from_near(100), after, NearToken::from_near(10), &created.details);
    let bob = created.into_result()?;
    assert_eq!(bob.id().as_str(), format!("bob.{}", alice.id()));
    assert_eq!(bob.view_account().await?.balance, NearToken::from_near(10));
    Ok(())
}

#[tokio::test]
async fn a_transfer_moves_the_amount_and_burns_its_fee() -> Res {
    let worker = sandbox().await?;
    let alice = worker.dev_create_account().await?;
    let bob = worker.dev_create_account().await?;
    let sent = alice.transfer_near(bob.id(), NearToken::from_near(1)).await?;
    assert!(sent.is_success(), "{sent:?}");
    // The same gas on every node: 2 × 0.223 Tgas for the transaction, 0.223 Tgas for the receipt.
    assert_eq!(sent.total_gas_burnt, Gas::from_gas(446_365_125_000));
    assert_eq!(bob.view_account().await?.balance, NearToken::from_near(101));
    let alice_now = alice.view_account().await?.balance;
    assert_paid(NearToken::from_near(100), alice_now, NearToken::from_near(1), &sent);
    Ok(())
}

#[tokio::test]
async fn a_transfer_beyond_the_balance_is_an_invalid_transaction() -> Res {
    use near_jsonrpc_client::errors::{JsonRpcError, JsonRpcServerError};
    use near_jsonrpc_primitives::types::transactions::RpcTransactionError;
    use near_primitives::errors::InvalidTxError;
    let worker = sandbox().await?;
    let alice = worker.dev_create_account().await?;
    let bob = worker.dev_create_account().await?;
    let err = alice.transfer_near(bob.id(), NearToken::from_near(1_000)).await.expect_err("1000 N");
    let balance = NearToken::from_near(100);
    let text = format!("{err:?}");
    assert!(text.contains("NotEnoughBalance"), "{text}");
    assert!(text.contains(&balance.as_yoctonear().to_string()), "names the balance: {text}");
    // near-jsonrpc-client read the node's typed error, as from neard.
    let inner = err.into_inner().map_err(|e| format!("no inner error: {e}"))?;
    let typed =
        inner.downcast::<JsonRpcError<RpcTransactionError>>().map_err(|e| format!("{e}"))?;
    let JsonRpcError::ServerError(JsonRpcServerError::HandlerError(
        RpcTransactionError::InvalidTransaction {
            context: InvalidTxError::NotEnoughBalance { signer_id, balance: had, cost },
        },
    )) = *typed
    else {
        return Err(format!("not NotEnoughBalance: {typed:?}").into());
    };
    assert_eq!(&signer_id, alice.id());
    assert_eq!(had.as_yoctonear(), balance.as_yoctonear());
    assert!(cost.as_yoctonear() > NearToken::from_near(1_000).as_yoctonear(), "{cost:?}");
    assert_eq!(alice.view_account().await?.balance, balance, "nothing was charged");
    Ok(())
}

#[tokio::test]
async fn a_call_to_a_missing_account_fails_in_its_receipt() -> Res {
    let worker = sandbox().await?;
    let alice = worker.dev_create_account().await?;
    let nobody: near_workspaces::AccountId = "nobody.test.near".parse()?;
    let failed = alice.call(&nobody, "anything").transact().await?;
    assert!(failed.is_failure(), "{failed:?}");
    let receipt = failed.receipt_failures();
    assert_eq!(receipt.len(), 1, "{failed:?}");
    assert_eq!(receipt[0].executor_id, nobody);
    let message = format!("{:?}", failed.into_result().expect_err("failure"));
    assert!(message.contains("AccountDoesNotExist"), "{message}");
    Ok(())
}

#[tokio::test]
async fn delete_account_pays_the_rest_to_the_beneficiary() -> Res {
    let worker = sandbox().await?;
    let bob = worker.dev_create_account().await?;
    let carol: Account = bob
        .create_subaccount("carol")
        .initial_balance(NearToken::from_near(2))
        .transact()
        .await?
        .into_result()?;
    let dave = worker.dev_create_account().await?;
    let gone = carol.clone().delete_account(dave.id()).await?;
    assert!(gone.is_success(), "{gone:?}");
    let err = worker.view_account(carol.id()).await.expect_err("carol is deleted");
    assert!(format!("{err:?}").contains("UnknownAccount"), "{err:?}");
    // Dave gets carol's 2 NEAR less her transaction's fees, in a receipt of its own.
    let gained = balance_after(&dave, NearToken::from_near(100)).await?.as_yoctonear()
        - NearToken::from_near(100).as_yoctonear();
    let most = NearToken::from_near(2).as_yoctonear() - burnt(&gone);
    let least = most - NearToken::from_millinear(1).as_yoctonear();
    assert!((least..=most).contains(&gained), "dave got {gained}, at most {most}");
    Ok(())
}

#[tokio::test]
async fn dev_create_tla_makes_a_top_level_account() -> Res {
    let worker = sandbox().await?;
    let tla = worker.dev_create_tla().await?;
    assert!(!tla.id().as_str().contains('.'), "{}", tla.id());
    assert_eq!(tla.view_account().await?.balance, NearToken::from_near(100));
    Ok(())
}

#[tokio::test]
async fn a_function_call_key_is_listed_with_its_limits() -> Res {
    let worker = sandbox().await?;
    let alice = worker.dev_create_account().await?;
    let counter = deploy(&worker, "counter.wasm").await?;
    let key = SecretKey::from_random(KeyType::ED25519);
    let allowance = Some(NearToken::from_near(1));
    let access = AccessKey::function_call_access(counter.id(), &["increment"], allowance);
    let added = alice.batch(alice.id()).add_key(key.public_key(), access).transact().await?;
    assert!(added.is_success(), "{added:?}");
    let keys = worker.view_access_keys(alice.id()).await?;
    assert_eq!(keys.len(), 2);
    let listed = keys.iter().find(|k| k.public_key == key.public_key()).ok_or("the new key")?;
    let AccessKeyPermission::FunctionCall(permission) = &listed.access_key.permission else {
        return Err(format!("{:?}", listed.access_key.permission).into());
    };
    assert_eq!(permission.receiver_id, counter.id().as_str());
    assert_eq!(permission.method_names, ["increment"]);
    assert_eq!(permission.allowance, allowance);
    Ok(())
}

#[tokio::test]
async fn a_function_call_key_signs_a_call() -> Res {
    let worker = sandbox().await?;
    let alice = worker.dev_create_account().await?;
    let counter = deploy(&worker, "counter.wasm").await?;
    let key = SecretKey::from_random(KeyType::ED25519);
    let access = AccessKey::function_call_access(counter.id(), &["increment"], None);
    alice.batch(alice.id()).add_key(key.public_key(), access).transact().await?.into_result()?;
    let nonce = alice.view_access_key(&key.public_key()).await?.nonce;
    let limited = Account::from_secret_key(alice.id().clone(), key.clone(), &worker);
    let called = limited.call(counter.id(), "increment").args_json(json!({})).transact().await?;
    assert_eq!(called.outcome().executor_id, *alice.id());
    assert_eq!(called.json::<i8>()?, 1);
    assert_eq!(alice.view_access_key(&key.public_key()).await?.nonce, nonce + 1);
    Ok(())
}

#[tokio::test]
async fn delete_key_removes_it() -> Res {
    let worker = sandbox().await?;
    let alice = worker.dev_create_account().await?;
    let key = SecretKey::from_random(KeyType::ED25519);
    let added = alice
        .batch(alice.id())
        .add_key(key.public_key(), AccessKey::full_access())
        .transact()
        .await?;
    assert!(added.is_success(), "{added:?}");
    assert_eq!(alice.view_access_keys().await?.len(), 2);
    let deleted = alice.batch(alice.id()).delete_key(key.public_key()).transact().await?;
    assert!(deleted.is_success(), "{deleted:?}");
    let keys = alice.view_access_keys().await?;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].public_key, alice.secret_key().public_key());
    Ok(())
}
