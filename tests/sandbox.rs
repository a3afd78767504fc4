//! The sandbox engine against a real neard: boot, deploy the built-in contracts, run every
//! built-in call and check the DAG the contracts' doc comments promise (blocks, created and data
//! edges, statuses, return values, logs).
//!
//! Run with a neard built with the sandbox feature (protocol 86 or later):
//! `NEAR_SANDBOX_BIN_PATH=/path/to/neard cargo test -p nearviz-tests --test sandbox -- --ignored --test-threads 1`

use nearviz::commands::run::HeadlessRun;
use nearviz::engine::embedded::Pacing;
use nearviz::engine::sandbox::{self, SandboxOptions};
use nearviz::engine::{EngineCommand, EngineEvent, EngineKind, StartOptions};
use nearviz::model::{
    Dag, Failure, InputStatus, Outcome, Parent, ReceiptNode, Status, TxNode, Value,
};
use nearviz::scenario::{parse_near_amount, Scenario};
use serde_json::json;

fn options(dir: &tempfile::TempDir) -> SandboxOptions {
    SandboxOptions { neard_log: dir.path().join("neard.log"), ..SandboxOptions::default() }
}

/// Runs `names` one after the other on a fresh engine of `kind` and returns the session's DAG.
async fn run_calls(kind: EngineKind, names: &[&str]) -> (Dag, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = Scenario::builtin().expect("built-in scenario");
    let calls: Vec<_> = names.iter().map(|name| scenario.call(name).expect(name).clone()).collect();
    let opts = StartOptions {
        sandbox: options(&dir),
        protocol_version: None,
        embedded_pacing: Pacing::AsFastAsPossible,
        fork: None,
    };
    let engine = nearviz::engine::start(kind, scenario.clone(), opts);
    let mut session = HeadlessRun::new(&scenario, engine, true);
    let mut progress = Vec::new();
    let outcome = session.drive(&calls, &mut progress).await;
    session.shutdown().await;
    let outcome = outcome.unwrap_or_else(|err| {
        panic!("{err:#}\n{}", String::from_utf8_lossy(&progress));
    });
    // Calls whose transaction fails on chain by design (callback_panics, joint_return, the
    // races...) say so in the scenario (`expect_error`); every outcome is the expected one.
    assert!(outcome.mismatches.is_empty(), "unexpected outcomes: {:?}", outcome.mismatches);
    let info = session.info.as_ref().expect("ready");
    if kind == EngineKind::Sandbox {
        assert_eq!(info.id, nearviz::engine::EngineId::Sandbox);
        assert!(info.protocol_version.is_some_and(|v| v >= 86), "{info:?}");
    }
    // Every run is also recorded, so two engines can be compared with `nearviz diff`.
    let recorder = session.recorder.as_ref().expect("recording on");
    recorder.save(&dir.path().join("run.json")).expect("save the recording");
    (session.trace.dag(), dir)
}

fn tx<'a>(dag: &'a Dag, label: &str) -> &'a TxNode {
    dag.transactions
        .iter()
        .find(|t| t.label.as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no transaction labelled {label}"))
}

/// Receipts that are not gas refunds, in the DAG's order (by block, parents first).
fn work(t: &TxNode) -> Vec<&ReceiptNode> {
    t.receipts.iter().filter(|r| !r.is_refund).collect()
}

fn method(r: &ReceiptNode) -> String {
    let methods: Vec<&str> = r.actions.iter().filter_map(|a| a.method.as_deref()).collect();
    if methods.is_empty() {
        r.actions.iter().map(|a| a.kind.as_str()).collect::<Vec<_>>().join("+")
    } else {
        methods.join("+")
    }
}

/// `account.method@offset` for every non-refund receipt, by block offset then name: the shape
/// of the DAG in one line (the order of receipts within one block is not part of it).
fn shape(t: &TxNode) -> Vec<String> {
    let mut entries: Vec<(u64, String)> = work(t)
        .iter()
        .map(|r| {
            let receiver = r.receiver.as_ref().map_or("?", |a| a.as_str());
            let short = receiver.strip_suffix(".test.near").unwrap_or(receiver);
            let offset = r.block_offset.unwrap_or(u64::MAX);
            (offset, format!("{short}.{}@{offset}", method(r)))
        })
        .collect();
    entries.sort();
    entries.into_iter().map(|(_, entry)| entry).collect()
}

fn find<'a>(t: &'a TxNode, receiver: &str, method_name: &str) -> &'a ReceiptNode {
    work(t)
        .into_iter()
        .find(|r| {
            r.receiver.as_ref().is_some_and(|a| a.as_str() == format!("{receiver}.test.near"))
                && method(r) == method_name
        })
        .unwrap_or_else(|| panic!("no {receiver}.{method_name} in {:?}", shape(t)))
}

fn json_value(status: &Status) -> serde_json::Value {
    match status {
        Status::Success(Outcome::Value(Value::Json(value))) => value.clone(),
        other => panic!("expected a JSON success value, got {other:?}"),
    }
}

fn failure(status: &Status) -> &Failure {
    match status {
        Status::Failure(failure) => failure,
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// The callback's inputs, as (sending receipt, status) in promise_result order.
fn inputs<'a>(t: &'a TxNode, r: &'a ReceiptNode) -> Vec<(&'a ReceiptNode, &'a InputStatus)> {
    r.inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            assert_eq!(input.index, i);
            let from = input.from.expect("known sender of the data");
            let sender = t.receipts.iter().find(|s| s.id == from).expect("sender in the DAG");
            (sender, &input.status)
        })
        .collect()
}

fn created_by_first(t: &TxNode, r: &ReceiptNode) {
    let first = work(t)[0];
    assert_eq!(r.parent, Parent::Receipt(first.id), "{} not created by the xcc receipt", method(r));
    assert!(first.children.contains(&r.id));
}

const FAIL: &str = "Smart contract panicked: hello: deliberate failure";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs NEAR_SANDBOX_BIN_PATH"]
async fn every_builtin_call_grows_the_promised_dag() {
    check_every_builtin_call(EngineKind::Sandbox).await;
}

/// The same checks on the embedded runtime: offline, so always run. It checks the checks too
/// (an independent implementation of NEAR's execution must satisfy them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_builtin_call_grows_the_promised_dag_embedded() {
    check_every_builtin_call(EngineKind::Embedded).await;
}

/// Runs every built-in call in the scenario's order and checks what the contracts promise.
async fn check_every_builtin_call(kind: EngineKind) {
    let scenario = Scenario::builtin().expect("built-in");
    // The calls a user can press (step-only calls run inside the sequences that name them).
    let listed = scenario.listed_calls();
    let names: Vec<&str> = listed.iter().map(|c| c.name.as_str()).collect();
    let (dag, _dir) = run_calls(kind, &names).await;
    let sent: usize = listed.iter().map(|c| c.steps().len()).sum();
    assert_eq!(dag.transactions.len(), sent, "one transaction per step of a sequence");
    for t in &dag.transactions {
        let label = t.label.as_deref().unwrap_or("?");
        assert_eq!(
            t.progress,
            nearviz::model::Progress::Node(near_primitives::views::TxExecutionStatus::Final),
            "{label}"
        );
        assert!(t.block_height.is_some(), "{label}: no block for the transaction");
        for r in &t.receipts {
            assert!(r.block_offset.is_some(), "{label}: receipt without a block");
            assert!(matches!(r.status, Status::Success(_) | Status::Failure(_)), "{label}");
        }
    }

    check_reads_and_writes(&dag);
    check_batches(&dag);
    check_parallel_calls(&dag);
    check_failures_and_chains(&dag);
    check_gas_and_deposits(&dag);
}

/// The simple calls and sending information.
fn check_reads_and_writes(dag: &Dag) {
    // Simple: caller @B+1, callee @B+2, callback @B+3 with one data input.
    for name in ["query_greeting", "query_greeting_low_level"] {
        let t = tx(dag, name);
        let expected = [
            format!("xcc.{name}@1"),
            "hello.get_greeting@2".into(),
            "xcc.query_greeting_callback@3".into(),
        ];
        assert_eq!(shape(t), expected, "{name}");
        let get = find(t, "hello", "get_greeting");
        let callback = find(t, "xcc", "query_greeting_callback");
        created_by_first(t, get);
        created_by_first(t, callback);
        let greeting = json_value(&get.status);
        let seen = inputs(t, callback);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].0.id, get.id);
        assert_eq!(seen[0].1, &InputStatus::Success(Value::Json(greeting.clone())));
        assert_eq!(json_value(&callback.status), greeting);
        assert_eq!(
            callback.logs,
            [format!("The greeting is {}", greeting.as_str().unwrap_or("?"))]
        );
        assert_eq!(json_value(&t.status), greeting, "{name}: tx follows the callback");
        assert!(
            matches!(work(t)[0].status, Status::Success(Outcome::Receipt(id)) if id == callback.id)
        );
    }
    assert_eq!(json_value(&tx(dag, "query_greeting").status), json!("Hello"));

    // Sending information.
    let t = tx(dag, "change_greeting");
    assert_eq!(
        shape(t),
        ["xcc.change_greeting@1", "hello.set_greeting@2", "xcc.change_greeting_callback@3"]
    );
    let set = find(t, "hello", "set_greeting");
    assert_eq!(set.logs, ["Saving greeting: hi from nearviz"]);
    assert_eq!(
        set.actions[0].args,
        Some(nearviz::model::Args::Json(json!({"greeting": "hi from nearviz"})))
    );
    assert_eq!(json_value(&t.status), json!(true));
}

/// Batches: one receipt, several actions; a failing one reverts as a unit.
fn check_batches(dag: &Dag) {
    // Batch: ONE receipt, four actions, all logs in one outcome; the callback sees the last.
    let t = tx(dag, "batch_actions");
    assert_eq!(
        shape(t),
        [
            "xcc.batch_actions@1",
            "hello.set_greeting+get_greeting+set_greeting+get_greeting@2",
            "xcc.batch_actions_callback@3"
        ]
    );
    let batch = work(t)[1];
    assert_eq!(batch.actions.len(), 4);
    assert_eq!(batch.logs, ["Saving greeting: hi", "Saving greeting: bye"]);
    assert_eq!(json_value(&batch.status), json!("bye"));
    let callback = work(t)[2];
    assert_eq!(inputs(t, callback)[0].1, &InputStatus::Success(Value::Json(json!("bye"))));
    assert_eq!(json_value(&t.status), json!("bye"));

    // Failing batch: one receipt fails at action 1; logs before the failure remain.
    let t = tx(dag, "batch_failing");
    assert_eq!(
        shape(t),
        [
            "xcc.batch_failing@1",
            "hello.set_greeting+fail+get_greeting@2",
            "xcc.batch_failing_callback@3"
        ]
    );
    let batch = work(t)[1];
    let failed = failure(&batch.status);
    assert_eq!(failed.action_index, Some(1));
    assert_eq!(failed.message, FAIL);
    assert_eq!(batch.logs, ["Saving greeting: batch"]);
    let callback = work(t)[2];
    assert_eq!(inputs(t, callback)[0].1, &InputStatus::Failed);
    assert_eq!(json_value(&callback.status), json!(false));
    assert_eq!(json_value(&t.status), json!(false), "the callback succeeded, so the tx does");
}

/// Parallel calls join in one callback.
fn check_parallel_calls(dag: &Dag) {
    // Parallel: three receipts in the same block, one callback with three inputs in order.
    let t = tx(dag, "multiple_contracts");
    assert_eq!(
        shape(t),
        [
            "xcc.multiple_contracts@1",
            "counter.get_num@2",
            "guestbook.get_messages@2",
            "hello.get_greeting@2",
            "xcc.multiple_contracts_callback@3"
        ]
    );
    let callback = find(t, "xcc", "multiple_contracts_callback");
    let seen = inputs(t, callback);
    let senders: Vec<String> = seen.iter().map(|(r, _)| method(r)).collect();
    assert_eq!(senders, ["get_greeting", "get_num", "get_messages"]);
    assert!(seen.iter().all(|(_, s)| matches!(s, InputStatus::Success(_))));
    assert_eq!(json_value(&t.status), json!({"greeting": "bye", "num": 0, "messages": []}));

    // Parallel batches: three set+get receipts, the callback loops over the results.
    let t = tx(dag, "similar_contracts");
    let batches: Vec<&ReceiptNode> = work(t).into_iter().filter(|r| r.actions.len() == 2).collect();
    assert_eq!(batches.len(), 3, "{:?}", shape(t));
    assert!(batches.iter().all(|r| r.block_offset == Some(2)));
    let callback = find(t, "xcc", "similar_contracts_callback");
    assert_eq!(callback.block_offset, Some(3));
    assert_eq!(inputs(t, callback).len(), 3);
    assert_eq!(json_value(&t.status), json!(["hi", "howdy", "bye"]));
}

/// Failures the callbacks see, and a chain of calls.
fn check_failures_and_chains(dag: &Dag) {
    // Rollback: the callee panics, the callback runs, undoes the record and refunds the deposit.
    let t = tx(dag, "call_failing_with_rollback");
    let deposit = parse_near_amount("1").expect("1 NEAR");
    let fail = find(t, "hello", "fail");
    assert_eq!(fail.block_offset, Some(2));
    assert_eq!(failure(&fail.status).message, FAIL);
    assert_eq!(failure(&fail.status).action_index, Some(0));
    let callback = find(t, "xcc", "call_failing_with_rollback_callback");
    assert_eq!(callback.block_offset, Some(3));
    assert_eq!(inputs(t, callback)[0].1, &InputStatus::Failed);
    assert!(
        callback.logs[0].starts_with("hello.fail failed: rolled back the record (0 left)"),
        "{:?}",
        callback.logs
    );
    let refund = work(t)
        .into_iter()
        .find(|r| r.parent == Parent::Receipt(callback.id) && method(r) == "Transfer")
        .expect("deposit refund created by the callback");
    assert_eq!(refund.receiver.as_ref().map(|a| a.as_str()), Some("alice.test.near"));
    assert_eq!(refund.actions[0].deposit.as_yoctonear(), deposit);
    assert_eq!(refund.block_offset, Some(4));
    assert_eq!(json_value(&t.status), json!(false));

    // Chain: one block per link; each link's data goes to the next.
    let t = tx(dag, "chain");
    assert_eq!(
        shape(t),
        ["xcc.chain@1", "counter.increment@2", "hello.get_greeting@3", "xcc.chain_callback@4"]
    );
    let increment = find(t, "counter", "increment");
    assert_eq!(increment.logs, ["Increased number to 1"]);
    let get = find(t, "hello", "get_greeting");
    assert_eq!(inputs(t, get)[0].0.id, increment.id);
    let callback = find(t, "xcc", "chain_callback");
    assert_eq!(inputs(t, callback)[0].0.id, get.id);
    for r in [increment, get, callback] {
        created_by_first(t, r);
    }
    assert_eq!(json_value(&t.status), json!("bye"));

    // The callback panics: the transaction fails although the callee succeeded.
    let t = tx(dag, "callback_panics");
    assert_eq!(
        shape(t),
        ["xcc.callback_panics@1", "hello.get_greeting@2", "xcc.callback_panics_callback@3"]
    );
    assert!(matches!(find(t, "hello", "get_greeting").status, Status::Success(_)));
    let failed = failure(&t.status);
    assert!(
        failed.message.starts_with("Smart contract panicked: xcc: callback panics on purpose"),
        "{failed:?}"
    );
}

/// Gas weights, running out of gas, a joint return, deposits and a plain call.
fn check_gas_and_deposits(dag: &Dag) {
    // Weights 1 and 3 split the unused gas 1:3 (the remainder goes to the last call).
    let t = tx(dag, "weights");
    let burns: Vec<&ReceiptNode> = work(t).into_iter().filter(|r| method(r) == "burn").collect();
    assert_eq!(burns.len(), 2);
    let (light, heavy) = (burns[0].gas_attached.as_gas(), burns[1].gas_attached.as_gas());
    let (light, heavy) = (light.min(heavy), light.max(heavy));
    assert!(light > 10_000_000_000_000, "weight 1 got only {light} gas");
    assert!(heavy >= 3 * light && heavy - 3 * light < 4, "{light} : {heavy} is not 1:3");
    assert_eq!(json_value(&t.status), json!(true));

    // Out of gas: the callee fails with the prepaid gas exceeded; the callback still runs.
    let t = tx(dag, "out_of_gas");
    let burn = find(t, "hello", "burn");
    assert_eq!(burn.gas_attached.as_gas(), 5_000_000_000_000);
    assert_eq!(failure(&burn.status).message, "Exceeded the prepaid gas.");
    let callback = find(t, "xcc", "out_of_gas_callback");
    assert_eq!(inputs(t, callback)[0].1, &InputStatus::Failed);
    assert_eq!(json_value(&t.status), json!(false));

    // Returning a joint promise is rejected: the caller's receipt fails, nothing is created.
    let t = tx(dag, "joint_return");
    assert_eq!(shape(t), ["xcc.joint_return@1"]);
    let failed = failure(&work(t)[0].status);
    assert!(
        failed.message.contains("Returning joint promise is currently prohibited."),
        "{failed:?}"
    );
    assert!(matches!(t.status, Status::Failure(_)));

    let deposit = parse_near_amount("1").expect("1 NEAR");
    // The attached deposit travels on as a Transfer receipt to hello.
    let t = tx(dag, "forward_deposit");
    assert_eq!(shape(t), ["xcc.forward_deposit@1", "hello.Transfer@2"]);
    assert_eq!(work(t)[1].actions[0].deposit.as_yoctonear(), deposit);
    assert_eq!(work(t)[1].predecessor.as_ref().map(|a| a.as_str()), Some("xcc.test.near"));

    // A plain call: one receipt, premium message.
    let t = tx(dag, "guestbook_premium");
    assert_eq!(shape(t), ["guestbook.add_message@1"]);
    assert_eq!(work(t)[0].logs, ["bob.test.near signed the guestbook (premium): hello from bob"]);
    assert_eq!(t.status, Status::Success(Outcome::Value(Value::Empty)));
}

/// Several calls in flight at once: both followed to FINAL, their blocks overlap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs NEAR_SANDBOX_BIN_PATH"]
async fn calls_in_flight_together() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = Scenario::builtin().expect("built-in");
    let mut engine = sandbox::spawn(scenario.clone(), options(&dir));
    let mut trace = nearviz::model::Trace::new();
    loop {
        match engine.events.recv().await.expect("engine alive") {
            EngineEvent::Ready(_) => break,
            EngineEvent::Down(err) => panic!("{err}"),
            _ => {}
        }
    }
    for name in ["chain", "multiple_contracts", "guestbook_premium"] {
        let call = scenario.call(name).expect(name).clone();
        engine.commands.send(EngineCommand::Send(call)).await.expect("send");
    }
    let mut done = 0;
    while done < 3 {
        let event = tokio::time::timeout(std::time::Duration::from_secs(60), engine.events.recv())
            .await
            .expect("events in time")
            .expect("engine alive");
        if let EngineEvent::Chain(event) = event {
            if let nearviz::chain::ChainEvent::TxDone { error, .. } = &event {
                assert_eq!(error, &None);
                done += 1;
            }
            trace.apply(event);
        }
    }
    engine.commands.send(EngineCommand::Shutdown).await.expect("shutdown");
    engine.task.await.expect("engine task");
    let dag = trace.dag();
    assert_eq!(dag.transactions.len(), 3);
    let first = dag.transactions.iter().filter_map(|t| t.first_block).max().expect("blocks");
    let last = dag.transactions.iter().filter_map(|t| t.last_block).min().expect("blocks");
    assert!(first <= last, "transactions did not overlap: {first} > {last}");
}

/// The node's output is in the log file, and the node is gone after shutdown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs NEAR_SANDBOX_BIN_PATH"]
async fn boot_logs_to_a_file_and_shutdown_stops_neard() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("neard.log");
    let scenario = Scenario::builtin().expect("built-in");
    let booted = sandbox::boot(&scenario, &log, &|_| {}).await.expect("boot");
    let url = booted.node.rpc_url.clone();
    let worker = booted.deployment.worker().clone();
    let root = worker.root_account().expect("root");
    assert_eq!(root.id().as_str(), "test.near");
    for name in ["hello", "counter", "guestbook", "xcc", "alice", "bob"] {
        let id = format!("{name}.test.near").parse().expect("id");
        worker.view_account(&id).await.unwrap_or_else(|e| panic!("{id}: {e}"));
    }
    let greeting =
        worker.view(&"hello.test.near".parse().expect("id"), "get_greeting").await.expect("view");
    assert_eq!(greeting.json::<String>().expect("json"), "Hello");
    assert!(std::fs::metadata(&log).expect("log file").len() > 0, "neard wrote nothing");
    booted.node.shutdown().await;
    let client = nearviz::engine::rpc::RpcClient::new(&url).expect("client");
    let after = client.call("status", serde_json::Value::Null).await;
    assert!(after.is_err(), "neard still answers after shutdown");
}

/// The gas tolerance one trie node implies (issue 22, item 11): the embedded runtime does not
/// charge trie nodes as the node does for the same state (it counts its own trie), and may be
/// one node apart per receipt. In gas burnt that is at most 0.195% on the reference captures,
/// but a contract's reward is 30% of its function call's gas only (the VM's, without the
/// receipt's fees), so the same node weighs more in it: 2.28 Ggas over the smallest function
/// call of the reference recordings (`fixtures/reference`: `counter.get_num`, 170.9 Ggas in
/// `state/multiple_contracts.json`) is 1.334%; `hello.set_greeting`'s 291.2 Ggas give the
/// 0.783% seen on a real neard. So the runs are compared at 1.34%, not at 0.2%.
const TRIE_NODE_TOLERANCE: &str = "1.34%";

/// Issue 11: the built-in scenario recorded on a real neard and on the embedded runtime, then
/// `nearviz diff`ed: any divergence of the embedded runtime shows in one readable report.
/// Everything but gas-determined amounts (receipts, blocks, statuses, errors, results, logs)
/// must be equal; those may differ by the documented difference (runtime/README.md, Fidelity):
/// one trie node per receipt (`TOUCHING_TRIE_NODE`, 2.28 Ggas at protocol 86), see
/// [`TRIE_NODE_TOLERANCE`].
/// Rewards carry that node heaviest: a contract's reward is 30% of its function call's gas.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs NEAR_SANDBOX_BIN_PATH"]
async fn sandbox_and_embedded_runs_diff_equal() {
    let listed = Scenario::builtin().expect("built-in").listed_calls();
    let names: Vec<&str> = listed.iter().map(|c| c.name.as_str()).collect();
    let (_, sandbox_dir) = run_calls(EngineKind::Sandbox, &names).await;
    let (_, embedded_dir) = run_calls(EngineKind::Embedded, &names).await;
    let (a, b) = (sandbox_dir.path().join("run.json"), embedded_dir.path().join("run.json"));
    let args = nearviz::commands::diff::DiffArgs {
        a: &a,
        b: &b,
        format: nearviz::cli::DiffFormat::Tree,
        gas_tolerance: TRIE_NODE_TOLERANCE,
        txs: &[],
        gas_report: false,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = nearviz::commands::diff::run_with(&args, &mut out, &mut err).expect("diff runs");
    let report = String::from_utf8_lossy(&out);
    assert_eq!(
        report,
        "equal\n",
        "sandbox (A) and embedded (B) differ:\n{report}{}",
        String::from_utf8_lossy(&err)
    );
    assert_eq!(code, std::process::ExitCode::SUCCESS);
}

/// `race` (its deposit, then two withdraws) on a fresh engine of `kind`: the DAG and the
/// engine's progress lines (on a sandbox, where each later step landed: `… as asked (sent at
/// #N)` or `… sandbox timing slipped by +N blocks`).
async fn race_on(kind: EngineKind, race: &str) -> (Dag, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = Scenario::builtin().expect("built-in scenario");
    let calls = [scenario.call(race).expect(race).clone()];
    let opts = StartOptions {
        sandbox: options(&dir),
        protocol_version: None,
        embedded_pacing: Pacing::AsFastAsPossible,
        fork: None,
    };
    let engine = nearviz::engine::start(kind, scenario.clone(), opts);
    let mut session = HeadlessRun::new(&scenario, engine, false);
    let mut progress = Vec::new();
    let outcome = session.drive(&calls, &mut progress).await;
    session.shutdown().await;
    let progress = String::from_utf8_lossy(&progress).into_owned();
    let outcome = outcome.unwrap_or_else(|err| panic!("{err:#}\n{progress}"));
    // The second withdraw fails by design (its callback, or its check), as the scenario
    // declares; nothing else may.
    assert!(outcome.mismatches.is_empty(), "{:?}\n{progress}", outcome.mismatches);
    (session.trace.dag(), progress)
}

/// Each step landed on the block it asked for: step k included `after_blocks` (1) blocks after
/// step k-1. The sandbox engine sends a step ahead of the previous one's inclusion when the
/// node's pipeline needs it, so its measured lag is planned for; the embedded engine makes its
/// blocks, so it is exact. Returns the heights, for the messages.
fn steps_land_as_asked(dag: &Dag, race: &str, progress: &str) -> String {
    let heights: Vec<u64> =
        (1..=3).map(|k| tx(dag, &format!("{race}#{k}")).block_height.expect("included")).collect();
    let said = format!("{race} included in {heights:?}\n{progress}");
    assert_eq!(heights[1], heights[0] + 1, "the first withdraw, 1 block after the deposit: {said}");
    assert_eq!(heights[2], heights[1] + 1, "the second withdraw, 1 after the first: {said}");
    said
}

/// The three receipts of the race on xcc: the first withdraw (step 2), its callback, the second
/// withdraw (step 3).
fn race_receipts<'a>(dag: &'a Dag, race: &str, method: &str) -> [&'a ReceiptNode; 3] {
    let (first, second) = (tx(dag, &format!("{race}#2")), tx(dag, &format!("{race}#3")));
    [
        find(first, "xcc", method),
        find(first, "xcc", &format!("{method}_callback")),
        find(second, "xcc", method),
    ]
}

fn transfers_to_alice(t: &TxNode) -> usize {
    work(t)
        .into_iter()
        .filter(|r| r.receiver.as_ref().is_some_and(|a| a.as_str() == "alice.test.near"))
        .filter(|r| matches!(r.status, Status::Success(_)))
        .filter(|r| r.actions.iter().any(|a| a.kind == "Transfer"))
        .count()
}

/// `race_unsafe`: each step lands on its block, the second withdraw runs inside the first
/// one's window (`window::overlaps` finds it) and is paid too.
async fn check_race_unsafe(kind: EngineKind) {
    let (dag, progress) = race_on(kind, "race_unsafe").await;
    let said = steps_land_as_asked(&dag, "race_unsafe", &progress);
    let [withdraw, callback, intruder] = race_receipts(&dag, "race_unsafe", "withdraw_unsafe");
    let (w, c, i) = (withdraw.block_height, callback.block_height, intruder.block_height);
    assert!(w < i && i < c, "the second withdraw ran at {i:?}, window {w:?}..{c:?} ({said})");
    let first = tx(&dag, "race_unsafe#2");
    let found = nearviz::model::window::overlaps(&dag, first);
    assert_eq!(found.len(), 1, "{found:?} ({said})");
    assert_eq!(found[0].other_receipt, intruder.id);
    let paid = transfers_to_alice(first) + transfers_to_alice(tx(&dag, "race_unsafe#3"));
    assert_eq!(paid, 2, "two payouts for one deposit ({said})");
}

/// `race_safe`: the same interleaving, the second withdraw fails its check.
async fn check_race_safe(kind: EngineKind) {
    let (dag, progress) = race_on(kind, "race_safe").await;
    let said = steps_land_as_asked(&dag, "race_safe", &progress);
    let [withdraw, callback, intruder] = race_receipts(&dag, "race_safe", "withdraw_safe");
    let (w, c, i) = (withdraw.block_height, callback.block_height, intruder.block_height);
    assert!(w < i && i < c, "the second withdraw ran at {i:?}, window {w:?}..{c:?} ({said})");
    let first = tx(&dag, "race_safe#2");
    let found = nearviz::model::window::overlaps(&dag, first);
    assert_eq!(found.len(), 1, "{found:?} ({said})");
    assert_eq!(found[0].other_receipt, intruder.id);
    assert_eq!(
        failure(&intruder.status).message,
        "Smart contract panicked: xcc: alice.test.near has 0 yoctoNEAR, cannot withdraw 1 NEAR",
        "{said}"
    );
    let paid = transfers_to_alice(first) + transfers_to_alice(tx(&dag, "race_safe#3"));
    assert_eq!(paid, 1, "one payout ({said})");
}

/// On a real neard (issue 22: its steps landed a block late, and the overlap was missed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs NEAR_SANDBOX_BIN_PATH"]
async fn race_unsafe_pays_twice_on_the_sandbox() {
    check_race_unsafe(EngineKind::Sandbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs NEAR_SANDBOX_BIN_PATH"]
async fn race_safe_pays_once_on_the_sandbox() {
    check_race_safe(EngineKind::Sandbox).await;
}

/// The same checks on the embedded runtime: offline, so always run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn race_unsafe_pays_twice_embedded() {
    check_race_unsafe(EngineKind::Embedded).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn race_safe_pays_once_embedded() {
    check_race_safe(EngineKind::Embedded).await;
}

/// Issue 10's promise on a real node: what `call_failing_with_rollback` and `batch_failing` did
/// to state. The same check runs on the embedded runtime below, so it is known to hold there.
async fn check_state_changes(kind: EngineKind) {
    let (dag, _dir) = run_calls(kind, &["call_failing_with_rollback", "batch_failing"]).await;
    let xcc: near_primitives::types::AccountId = "xcc.test.near".parse().expect("account id");
    let hello: near_primitives::types::AccountId = "hello.test.near".parse().expect("account id");
    let data_of =
        |r: &ReceiptNode, account: &near_primitives::types::AccountId| -> Vec<Option<Vec<u8>>> {
            r.state_changes
                .iter()
                .filter(|c| &c.account == account)
                .filter_map(|c| match &c.value {
                    nearviz::model::ChangeValue::Data { after, .. } => Some(after.clone()),
                    _ => None,
                })
                .collect()
        };

    let t = tx(&dag, "call_failing_with_rollback");
    let call = find(t, "xcc", "call_failing_with_rollback");
    let fail = find(t, "hello", "fail");
    let callback = find(t, "xcc", "call_failing_with_rollback_callback");
    assert_eq!(call.block_offset, Some(1), "{kind:?}: the caller runs at B+1");
    let written = data_of(call, &xcc);
    assert_eq!(written.len(), 1, "{kind:?}: xcc writes its record at B+1: {written:?}");
    assert!(data_of(fail, &hello).is_empty(), "{kind:?}: a failed receipt writes no data");
    let restored = data_of(callback, &xcc);
    let before = call.state_changes.iter().find_map(|c| match &c.value {
        nearviz::model::ChangeValue::Data { before, .. } => before.known().flatten().cloned(),
        _ => None,
    });
    assert_eq!(restored.len(), 1, "{kind:?}: the callback writes xcc's state back");
    if let Some(before) = before {
        assert_eq!(restored[0].as_ref(), Some(&before), "{kind:?}: back to the earlier bytes");
    }
    let alice_credit = t
        .receipts
        .iter()
        .flat_map(|r| &r.state_changes)
        .filter(|c| {
            c.account.as_str() == "alice.test.near"
                && c.cause == nearviz::chain::Cause::ReceiptProcessing
        })
        .filter_map(|c| c.balance_delta())
        .any(|delta| delta >= 10i128.pow(24) - 10i128.pow(22));
    assert!(alice_credit, "{kind:?}: alice is credited with the 1 NEAR deposit");

    let t = tx(&dag, "batch_failing");
    for r in &t.receipts {
        assert!(data_of(r, &hello).is_empty(), "{kind:?}: batch_failing leaves hello untouched");
    }
    if kind == EngineKind::Embedded {
        assert!(
            t.receipts.iter().any(|r| r.reverted_writes() > 0),
            "the embedded runtime shows the batch's rolled-back write"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs NEAR_SANDBOX_BIN_PATH"]
async fn state_changes_as_issue_10_promises_on_the_sandbox() {
    check_state_changes(EngineKind::Sandbox).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn state_changes_as_issue_10_promises_embedded() {
    check_state_changes(EngineKind::Embedded).await;
}

/// Issue 14: `nearviz watch` follows a real sandbox (the kind near-workspaces tests start) while
/// a burst of calls is sent straight to the node, not through nearviz: every transaction of the
/// burst is opened and followed to FINAL, none missed, each with its receipts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs NEAR_SANDBOX_BIN_PATH"]
async fn watch_sees_every_transaction_of_a_burst_on_the_sandbox() {
    use nearviz::chain::ChainEvent;
    use nearviz::engine::watch::{self, WatchOptions};
    use std::collections::HashSet;
    use std::time::Duration;

    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = Scenario::builtin().expect("built-in");
    let booted =
        sandbox::boot(&scenario, &dir.path().join("neard.log"), &|_| {}).await.expect("boot");
    let client = nearviz::engine::rpc::RpcClient::new(&booted.node.rpc_url).expect("client");
    let mut handle = watch::spawn(client, WatchOptions::default());
    loop {
        match tokio::time::timeout(Duration::from_secs(30), handle.events.recv()).await {
            Ok(Some(EngineEvent::Ready(_))) => break,
            Ok(Some(EngineEvent::Down(why))) => panic!("watch down: {why}"),
            Ok(Some(_)) => {}
            other => panic!("watch not ready: {other:?}"),
        }
    }
    // The burst: eight calls sent back to back, several in one block.
    let names = [
        "query_greeting",
        "change_greeting",
        "multiple_contracts",
        "batch_actions",
        "call_failing_with_rollback",
        "chain",
        "weights",
        "joint_return",
    ];
    let mut sent = HashSet::new();
    for name in names {
        let call = scenario.call(name).expect(name).resolve().expect("resolves");
        let hash = booted.deployment.send(&call).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        sent.insert(hash);
    }
    let mut opened = HashSet::new();
    let mut finished = HashSet::new();
    let mut receipts_seen = HashSet::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while !sent.iter().all(|h| finished.contains(h)) {
        let event = tokio::time::timeout_at(deadline, handle.events.recv())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "watch finished {} of {} (opened {})",
                    finished.len(),
                    sent.len(),
                    opened.len()
                )
            })
            .expect("watch alive");
        match event {
            EngineEvent::Chain(ChainEvent::TxSubmitted { tx, .. }) => {
                opened.insert(tx);
            }
            EngineEvent::Chain(ChainEvent::TxPoll(poll)) => {
                if let nearviz::chain::TxStatusReply::Known { outcome: Some(o), .. } = &poll.reply {
                    if !o.final_outcome.receipts_outcome.is_empty() {
                        receipts_seen.insert(poll.tx);
                    }
                }
            }
            EngineEvent::Chain(ChainEvent::TxDone { tx, error }) => {
                assert!(error.is_none(), "{tx:?} not followed to FINAL: {error:?}");
                finished.insert(tx);
            }
            EngineEvent::Down(why) => panic!("watch down: {why}"),
            _ => {}
        }
    }
    assert!(sent.iter().all(|h| opened.contains(h)), "every transaction opened");
    assert!(sent.iter().all(|h| receipts_seen.contains(h)), "each with its receipts");
    let _ = handle.commands.send(EngineCommand::Shutdown).await;
    booted.node.shutdown().await;
}

/// Issue 24: each built-in call sent to a real neard, then `nearviz tx HASH --rerun` against it:
/// the re-run on a fork at the block before the transaction (the embedded runtime, the node's
/// state read lazily) equals what the node did, within 1% gas (trie nodes, see
/// `runtime/README.md`). One call at a time, so no other transaction shares its blocks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs NEAR_SANDBOX_BIN_PATH"]
async fn every_builtin_call_re_runs_equal_on_a_fork_of_the_sandbox() {
    use nearviz::cli::RerunArgs;
    use nearviz::commands::tx::Target;

    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = Scenario::builtin().expect("built-in");
    let booted =
        sandbox::boot(&scenario, &dir.path().join("neard.log"), &|_| {}).await.expect("boot");
    let args = RerunArgs { rerun: true, gas_tolerance: "1%".to_owned(), patch_wasm: Vec::new() };
    let mut different = Vec::new();
    for call in scenario.listed_calls().iter().filter(|c| !c.is_sequence()) {
        let resolved = call.resolve().expect("resolves");
        let tx = booted
            .deployment
            .send(&resolved)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", call.name));
        let target =
            Target { tx, sender: resolved.signer.clone(), url: booted.node.rpc_url.clone() };
        let mut out = Vec::new();
        let code = nearviz::commands::rerun::run(&target, &args, &mut out)
            .await
            .unwrap_or_else(|e| panic!("{}: {e:#}", call.name));
        if code != std::process::ExitCode::SUCCESS {
            different.push(format!("{}:\n{}", call.name, String::from_utf8_lossy(&out)));
        }
    }
    booted.node.shutdown().await;
    assert!(different.is_empty(), "re-runs differ:\n{}", different.join("\n"));
}
