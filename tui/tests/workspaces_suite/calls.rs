//! Deploys and calls: one contract, cross-contract calls with callbacks (the `xcc` example),
//! batches, parallel transactions, gas and logs, failures with their errors.

use crate::sandbox;
use crate::workspaces_common::{deploy, wasm, xcc, Res};
use near_workspaces::operations::Function;
use near_workspaces::types::{GasMeter, NearToken};
use serde_json::{json, Value};
use std::task::Poll;

#[tokio::test]
async fn dev_deploy_then_call_and_view() -> Res {
    let worker = sandbox().await?;
    let hello = deploy(&worker, "hello.wasm").await?;
    let greeting: String = hello.view("get_greeting").await?.json()?;
    assert_eq!(greeting, "Hello");
    let set = hello.call("set_greeting").args_json(json!({"greeting": "howdy"})).transact().await?;
    assert_eq!(set.logs(), ["Saving greeting: howdy"]);
    let greeting: String = hello.view("get_greeting").await?.json()?;
    assert_eq!(greeting, "howdy");
    Ok(())
}

#[tokio::test]
async fn a_contract_panic_is_the_transaction_error() -> Res {
    let worker = sandbox().await?;
    let hello = deploy(&worker, "hello.wasm").await?;
    let failed = hello.call("fail").transact().await?;
    assert!(failed.is_failure());
    let message = format!("{:?}", failed.into_result().expect_err("failure"));
    assert!(message.contains("Smart contract panicked: hello: deliberate failure"), "{message}");
    // The failed call's write is reverted.
    let greeting: String = hello.view("get_greeting").await?.json()?;
    assert_eq!(greeting, "Hello");
    Ok(())
}

#[tokio::test]
async fn an_overflow_fails_with_the_contract_message() -> Res {
    let worker = sandbox().await?;
    let counter = deploy(&worker, "counter.wasm").await?;
    let num: i8 =
        counter.call("increment").args_json(json!({"number": 127})).transact().await?.json()?;
    assert_eq!(num, 127);
    let failed = counter.call("increment").args_json(json!({})).transact().await?;
    let message = format!("{:?}", failed.into_result().expect_err("127 + 1 overflows"));
    assert!(message.contains("counter: 127 + 1 does not fit in an i8"), "{message}");
    Ok(())
}

#[tokio::test]
async fn a_view_of_a_missing_method_fails() -> Res {
    let worker = sandbox().await?;
    let hello = deploy(&worker, "hello.wasm").await?;
    let err = hello.view("no_such_method").await.expect_err("no such method");
    assert!(format!("{err:?}").contains("MethodNotFound"), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn a_cross_contract_call_runs_its_callback() -> Res {
    let worker = sandbox().await?;
    let (xcc, hello) = xcc(&worker).await?;
    let changed = xcc
        .call("change_greeting")
        .args_json(json!({"greeting": "howdy"}))
        .max_gas()
        .transact()
        .await?;
    assert!(changed.clone().json::<bool>()?, "hello stored it: {changed:?}");
    assert_eq!(changed.logs(), ["Saving greeting: howdy", "hello.set_greeting succeeded"]);
    // The call on xcc, hello's set_greeting, then the callback on xcc.
    let executors: Vec<&str> =
        changed.receipt_outcomes().iter().map(|o| o.executor_id.as_str()).take(3).collect();
    assert_eq!(executors, [xcc.id().as_str(), hello.id().as_str(), xcc.id().as_str()]);
    let greeting: String = hello.view("get_greeting").await?.json()?;
    assert_eq!(greeting, "howdy");
    Ok(())
}

#[tokio::test]
async fn a_callback_reads_the_callee_result() -> Res {
    let worker = sandbox().await?;
    let (xcc, _) = xcc(&worker).await?;
    let queried = xcc.call("query_greeting").max_gas().transact().await?;
    assert_eq!(queried.clone().json::<String>()?, "Hello");
    assert_eq!(queried.logs(), ["The greeting is Hello"]);
    Ok(())
}

#[tokio::test]
async fn parallel_promises_join_in_one_callback() -> Res {
    let worker = sandbox().await?;
    let (xcc, _) = xcc(&worker).await?;
    let joined = xcc.call("multiple_contracts").max_gas().transact().await?;
    let results: Value = joined.clone().json()?;
    assert_eq!(results, json!({"greeting": "Hello", "num": 0, "messages": []}));
    assert_eq!(
        joined.logs(),
        ["hello: Some(\"Hello\"), counter: Some(0), guestbook: Some(0) messages"]
    );
    Ok(())
}

#[tokio::test]
async fn every_receipt_logs_in_order() -> Res {
    let worker = sandbox().await?;
    let (xcc, _) = xcc(&worker).await?;
    let similar = xcc.call("similar_contracts").max_gas().transact().await?;
    assert_eq!(similar.clone().json::<Vec<String>>()?, ["hi", "howdy", "bye"]);
    let logs = similar.logs();
    for greeting in ["hi", "howdy", "bye"] {
        assert!(logs.contains(&format!("Saving greeting: {greeting}").as_str()), "{logs:?}");
    }
    assert_eq!(logs[logs.len() - 3..], ["Result 0: hi", "Result 1: howdy", "Result 2: bye"]);
    Ok(())
}

#[tokio::test]
async fn a_panicking_callback_fails_the_transaction() -> Res {
    let worker = sandbox().await?;
    let (xcc, _) = xcc(&worker).await?;
    let panics = xcc.call("callback_panics").max_gas().transact().await?;
    assert!(panics.is_failure(), "the callback panics");
    assert_eq!(panics.receipt_failures().len(), 1, "{panics:?}");
    let message = format!("{:?}", panics.into_result().expect_err("failure"));
    assert!(message.contains("xcc: callback panics on purpose"), "{message}");
    Ok(())
}

#[tokio::test]
async fn an_attached_deposit_is_credited() -> Res {
    let worker = sandbox().await?;
    let (xcc, _) = xcc(&worker).await?;
    let alice = worker.dev_create_account().await?;
    let deposited =
        alice.call(xcc.id(), "deposit").deposit(NearToken::from_near(1)).transact().await?;
    assert_eq!(deposited.logs(), [format!("Deposited 1 NEAR for {}: balance 1 NEAR", alice.id())]);
    let balance: NearToken =
        xcc.view("balance_of").args_json(json!({"account_id": alice.id()})).await?.json()?;
    assert_eq!(balance, NearToken::from_near(1));
    Ok(())
}

#[tokio::test]
async fn a_batch_creates_funds_deploys_and_calls() -> Res {
    let worker = sandbox().await?;
    let alice = worker.dev_create_account().await?;
    let sub: near_workspaces::AccountId = format!("box.{}", alice.id()).parse()?;
    let batch = alice
        .batch(&sub)
        .create_account()
        .transfer(NearToken::from_near(5))
        .add_key(alice.secret_key().public_key(), near_workspaces::AccessKey::full_access())
        .deploy(&wasm("counter.wasm"))
        .call(Function::new("increment").args_json(json!({"number": 3})))
        .transact()
        .await?;
    assert_eq!(batch.clone().json::<i8>()?, 3);
    assert_eq!(batch.logs(), ["Increased number to 3"]);
    assert_eq!(worker.view_code(&sub).await?, wasm("counter.wasm"));
    let num: i8 = worker.view(&sub, "get_num").await?.json()?;
    assert_eq!(num, 3);
    Ok(())
}

#[tokio::test]
async fn parallel_transactions_all_land() -> Res {
    let worker = sandbox().await?;
    let counter = deploy(&worker, "counter.wasm").await?;
    let callers =
        futures::future::try_join_all((0..4).map(|_| worker.dev_create_account())).await?;
    let calls = callers.iter().map(|caller| {
        caller.call(counter.id(), "increment").args_json(json!({"number": 2})).transact()
    });
    let outcomes = futures::future::try_join_all(calls).await?;
    let mut seen: Vec<i8> = outcomes.iter().map(|o| o.clone().json()).collect::<Result<_, _>>()?;
    seen.sort_unstable();
    assert_eq!(seen, [2, 4, 6, 8], "each call saw the ones before it");
    let num: i8 = counter.view("get_num").await?.json()?;
    assert_eq!(num, 8);
    Ok(())
}

#[tokio::test]
async fn the_gas_meter_adds_up_every_transaction() -> Res {
    let mut worker = sandbox().await?;
    let hello = deploy(&worker, "hello.wasm").await?;
    let meter = GasMeter::now(&mut worker);
    let alice = worker.dev_create_account().await?;
    let created = meter.elapsed()?;
    assert!(created.as_gas() > 0, "creating alice burnt gas");
    let set = alice
        .call(hello.id(), "set_greeting")
        .args_json(json!({"greeting": "metered"}))
        .transact()
        .await?;
    assert_eq!(meter.elapsed()?.as_gas(), created.as_gas() + set.total_gas_burnt.as_gas());
    // Every outcome burns its gas at the chain's gas price.
    let price = worker.gas_price().await?.as_yoctonear();
    for outcome in set.outcomes() {
        let tokens = u128::from(outcome.gas_burnt.as_gas()) * price;
        assert_eq!(outcome.tokens_burnt.as_yoctonear(), tokens, "{outcome:?}");
    }
    Ok(())
}

#[tokio::test]
async fn an_async_transaction_is_polled_to_its_outcome() -> Res {
    let worker = sandbox().await?;
    let hello = deploy(&worker, "hello.wasm").await?;
    let pending =
        hello.call("set_greeting").args_json(json!({"greeting": "later"})).transact_async().await?;
    let hash = *pending.hash();
    let done = loop {
        match pending.status().await? {
            Poll::Ready(done) => break done,
            Poll::Pending => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    };
    assert!(done.is_success(), "{done:?}");
    assert_eq!(done.outcome().transaction_hash, hash);
    assert_eq!(done.logs(), ["Saving greeting: later"]);
    Ok(())
}
