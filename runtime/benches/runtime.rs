//! Speed of the embedded runtime: deploying the reference scenario from nothing, one
//! function-call receipt with the contract compiled and cached, and every reference call.

use criterion::{criterion_group, criterion_main, Criterion};
use near_primitives::account::{AccessKey, AccessKeyPermission};
use near_primitives::action::{
    Action, AddKeyAction, CreateAccountAction, DeployContractAction, FunctionCallAction,
    TransferAction,
};
use near_primitives::types::{AccountId, Balance, Gas};
use nearviz_runtime::{public_key_for, Runtime, RuntimeOptions};
use std::hint::black_box;
use std::time::Duration;

const NEAR: u128 = 10u128.pow(24);
const TGAS: u64 = 10u64.pow(12);
const CALLS: &[&str] = &[
    "query_greeting",
    "call_failing",
    "batch_actions",
    "multiple_contracts",
    "weights",
    "chain",
    "batch_failing",
    "callback_panics",
    "out_of_gas",
    "joint_return",
];

fn wasm(name: &str) -> Vec<u8> {
    let path = format!("{}/../fixtures/reference/wasm/{name}.wasm", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn id(name: &str) -> AccountId {
    format!("{name}.test.near").parse().expect("account id")
}

fn call(method: &str, args: &[u8]) -> Action {
    Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: method.into(),
        args: args.to_vec(),
        gas: Gas::from_gas(300 * TGAS),
        deposit: Balance::ZERO,
    }))
}

fn settle(rt: &mut Runtime) {
    rt.produce_block();
    while !rt.is_idle() {
        rt.produce_block();
    }
}

/// test.near, hello/other/caller with contracts, alice; caller initialised.
fn deployed(cache_dir: Option<std::path::PathBuf>) -> Runtime {
    let options =
        RuntimeOptions { protocol_version: Some(86), cache_dir, ..RuntimeOptions::default() };
    let mut rt = Runtime::new(options).expect("runtime");
    let root: AccountId = "test.near".parse().expect("root");
    rt.add_genesis_account(&root, 1_000_000 * NEAR).expect("root");
    for (name, code) in [
        ("hello", Some("hello")),
        ("other", Some("hello")),
        ("caller", Some("caller")),
        ("alice", None),
    ] {
        let account = id(name);
        let mut actions = vec![
            Action::CreateAccount(CreateAccountAction {}),
            Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(100 * NEAR) }),
            Action::AddKey(Box::new(AddKeyAction {
                public_key: public_key_for(&account),
                access_key: AccessKey { nonce: 0, permission: AccessKeyPermission::FullAccess },
            })),
        ];
        if let Some(code) = code {
            actions.push(Action::DeployContract(DeployContractAction { code: wasm(code) }));
        }
        rt.submit(&root, &account, actions).expect("create");
    }
    settle(&mut rt);
    let args = serde_json::json!({"hello": id("hello"), "other": id("other")}).to_string();
    rt.submit(&id("caller"), &id("caller"), vec![call("new", args.as_bytes())]).expect("init");
    settle(&mut rt);
    rt
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("embedded");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("deploy_reference_scenario_cold_cache", |b| {
        b.iter(|| black_box(deployed(None)));
    });
    let warm = tempfile::tempdir().expect("cache dir");
    group.bench_function("deploy_reference_scenario_warm_cache", |b| {
        b.iter(|| black_box(deployed(Some(warm.path().to_path_buf()))));
    });
    let mut rt = deployed(None);
    // One receipt: the transaction is converted in one block, its receipt runs in the next.
    group.bench_function("one_function_call_receipt_cached", |b| {
        b.iter(|| {
            rt.submit(&id("alice"), &id("hello"), vec![call("get_greeting", b"")]).expect("submit");
            rt.produce_block();
            black_box(rt.produce_block());
        });
    });
    group.bench_function("all_reference_calls_no_pacing", |b| {
        b.iter(|| {
            for method in CALLS {
                rt.submit(&id("alice"), &id("caller"), vec![call(method, b"{}")]).expect("submit");
                settle(&mut rt);
            }
        });
    });
    group.finish();
}

criterion_group!(runtime, benches);
criterion_main!(runtime);
