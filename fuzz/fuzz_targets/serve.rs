//! The serve endpoint's request parser: a POSTed body through the JSON-RPC envelope and the
//! method's params (`nearviz::serve::answer_now`), on an embedded chain with the root account and
//! a few blocks. Any bytes get a JSON-RPC answer with the request's id (or are accepted to wait
//! on the chain). Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nearviz_runtime::{Runtime, RuntimeOptions};
use serde_json::Value;

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
    static CHAIN: Runtime = chain();
}

fuzz_target!(|data: &[u8]| {
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
});
