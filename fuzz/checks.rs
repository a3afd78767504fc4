//! What each cargo-fuzz target checks, one function per target: `fuzz/fuzz_targets/*.rs` run
//! them under libFuzzer, and `tui/tests/it/reliab_fuzz.rs` replays the seeds and the regressions
//! through the same functions (both include this file with `#[path]`). Any input must load or
//! be refused with a message, never panic.
#![allow(dead_code)] // each fuzz target uses one of them

use nearviz::scenario::{Scenario, Source};
use nearviz_runtime::{Runtime, RuntimeOptions};
use serde_json::Value;
use std::path::Path;

/// The fixture/capture loader: any bytes either load (and their DAG builds and prints) or give
/// an error naming the file.
pub fn fixture(data: &[u8]) {
    let path = Path::new("fuzzed.json");
    match nearviz::fixture::parse(data, path) {
        Ok(recording) => {
            let dag = nearviz::model::Trace::from_events(recording.chain_events()).dag();
            let mut out = Vec::new();
            let _ = nearviz::output::tree(&dag, &mut out);
            let _ = nearviz::output::json(&dag, &mut out);
        }
        Err(err) => assert!(err.to_string().contains("fuzzed.json"), "{err}"),
    }
}

/// The scenario parser: any text either makes a scenario whose calls resolve (or fail with a
/// message), or is refused with a message.
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Scenario::parse(text, Source::File("fuzzed.toml".into())) {
        Ok(scenario) => {
            for call in &scenario.calls {
                let _ = call.resolve();
            }
            for account in &scenario.accounts {
                let _ = account.account_id();
                let _ = account.balance_yocto();
            }
        }
        Err(err) => assert!(!err.to_string().is_empty()),
    }
}

/// The RPC response parser (`fixture::rpc`): `EXPERIMENTAL_tx_status` / `tx` results and errors,
/// and block headers.
pub fn rpc(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = nearviz::fixture::rpc::tx_result(text);
    let _ = nearviz::fixture::rpc::header(text);
}

/// The serve target's chain: the root account and a few blocks.
fn chain() -> Runtime {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("embedded runtime");
    let root = nearviz::scenario::ROOT_ACCOUNT.parse().expect("root account");
    rt.add_genesis_account(&root, 10u128.pow(33)).expect("root account");
    for _ in 0..3 {
        rt.produce_block();
    }
    rt
}

thread_local! {
    pub static CHAIN: Runtime = chain();
}

/// The serve endpoint's request parser: a POSTed body through the JSON-RPC envelope and the
/// method's params (`nearviz::serve::answer_now`), on the chain above. Any bytes get a JSON-RPC
/// answer with the request's id (or are accepted to wait on the chain).
pub fn serve(data: &[u8]) {
    let Some(answer) = CHAIN.with(|rt| nearviz::serve::answer_now(rt, data)) else { return };
    assert_eq!(answer["jsonrpc"], "2.0", "{answer}");
    let id = match serde_json::from_slice::<Value>(data) {
        Ok(Value::Object(request)) => request.get("id").cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    };
    assert_eq!(answer["id"], id, "{answer}");
    match (answer.get("result"), answer.get("error")) {
        (Some(_), None) => {}
        (None, Some(error)) => {
            assert!(error["code"].is_i64(), "{answer}");
            assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{answer}");
        }
        _ => panic!("neither one result nor one error: {answer}"),
    }
    assert!(serde_json::to_vec(&answer).is_ok());
}
