//! The near-api-js flow (npm's near-api-js 7, `tests/node/flow.mjs`) against the real
//! `nearviz serve --headless --instant --record`: accounts, deploys, init, xcc's three-way join;
//! then what nearviz recorded for that transaction, as a DAG.
//!
//! Needs `node` and `npm ci --prefix tests/node`; fails (never skips) without them.

use crate::serve_common::{run_flow, Server};
use nearviz::chain::TxHash;
use nearviz::model::Trace;
use serde_json::json;

#[test]
fn near_api_js_flow_is_served_and_recorded_as_the_full_dag() {
    let mut server = Server::start(&["--instant"]);
    let steps = run_flow(&server);
    let done = steps.last().expect("flow output");
    assert_eq!(done["step"], "done", "{steps:?}");
    assert_eq!(done["result"], json!({"greeting": "Hello", "num": 0, "messages": []}));
    assert_eq!(done["final_execution_status"], "FINAL");
    let tx_hash = done["tx"].as_str().expect("tx hash").to_owned();
    let xcc = done["xcc"].as_str().expect("xcc account").to_owned();

    let status = server.terminate();
    assert!(status.success(), "SIGTERM must save the recording and exit 0: {status:?}");
    let lines: Vec<String> = server.lines.try_iter().collect();
    assert_eq!(
        lines.len(),
        10,
        "one line per transaction (4 creates, 4 deploys, init, call): {lines:#?}"
    );
    let call_line = lines.iter().find(|l| l.contains(&tx_hash)).expect("a line for the call");
    assert!(call_line.contains("multiple_contracts") && call_line.ends_with(" ok"), "{call_line}");

    let recording = nearviz::fixture::load(&server.record).expect("the recording");
    let dag = Trace::from_events(recording.chain_events()).dag();
    let hash: near_primitives::hash::CryptoHash = tx_hash.parse().expect("hash");
    let tx = dag.transactions.iter().find(|t| t.hash == TxHash(hash)).expect("the call's DAG");
    let calls: Vec<_> = tx.receipts.iter().filter(|r| !r.is_refund).collect();
    let described: Vec<(u64, String, String)> = calls
        .iter()
        .map(|r| {
            let receiver = r.receiver.as_ref().map(ToString::to_string).unwrap_or_default();
            let method = r.actions.first().and_then(|a| a.method.clone()).unwrap_or_default();
            let short = receiver.split('-').next().unwrap_or_default().to_owned();
            (r.block_offset.expect("executed"), short, method)
        })
        .collect();
    let mut sorted = described.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        vec![
            (1, "xcc".into(), "multiple_contracts".into()),
            (2, "counter".into(), "get_num".into()),
            (2, "guestbook".into(), "get_messages".into()),
            (2, "hello".into(), "get_greeting".into()),
            (3, "xcc".into(), "multiple_contracts_callback".into()),
        ],
        "caller at B+1, the three callees at B+2, the callback at B+3 (NEAR-FACTS 1-2)"
    );
    let callback = calls
        .iter()
        .find(|r| {
            r.actions.first().and_then(|a| a.method.as_deref())
                == Some("multiple_contracts_callback")
        })
        .expect("callback");
    assert_eq!(callback.inputs.len(), 3, "one input per joined promise (NEAR-FACTS 6)");
    assert_eq!(callback.receiver.as_ref().map(ToString::to_string), Some(xcc));
    assert!(tx.receipts.iter().any(|r| r.is_refund), "gas refunds are recorded too");
}
