//! The embedded runtime's state changes against real-neard recordings
//! (`fixtures/reference/state`): the built-in scenario's calls, run in the recorded order on a
//! chain set up like the scenario's, give per receipt (matched by its position in the DAG) the
//! same changes, causes, kinds, accounts, keys and data values, in the same order; balances
//! move by the same amounts (gas-dependent ones within the gas tolerance).

use crate::common::{assert_success, function_call, read_json, run_to_final, run_until_idle, NEAR};
use near_primitives::account::{AccessKey, AccessKeyPermission};
use near_primitives::action::{
    Action, AddKeyAction, CreateAccountAction, DeployContractAction, TransferAction,
};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance};
use near_primitives::views::{
    FinalExecutionOutcomeWithReceiptView, StateChangeCauseView, StateChangeValueView,
    StateChangeWithCauseView,
};
use nearviz_runtime::{public_key_for, PriorValue, Runtime, RuntimeOptions};
use std::collections::HashMap;
use std::path::PathBuf;

/// Gas-dependent balance changes (gas refunds, contract rewards) may differ by this much.
const GAS_TOLERANCE: f64 = 0.004;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join(path)
}

fn id(name: &str) -> AccountId {
    name.parse().expect("account id")
}

/// The built-in scenario (`tui/scenarios/examples.toml`) on a fresh chain: `test.near`, the
/// accounts it creates with their contracts (`contract/res`), and `xcc.new`.
pub fn scenario_chain() -> Runtime {
    let options = RuntimeOptions { protocol_version: Some(86), ..RuntimeOptions::default() };
    let mut rt = Runtime::new(options).expect("runtime");
    let root = id("test.near");
    rt.add_genesis_account(&root, 1_000_000_000 * NEAR).expect("root");
    let accounts = [
        ("hello", Some("hello"), 10),
        ("counter", Some("counter"), 10),
        ("guestbook", Some("guestbook"), 10),
        ("xcc", Some("xcc"), 20),
        ("alice", None, 50),
        ("bob", None, 50),
    ];
    let mut pending = Vec::new();
    for (name, wasm, balance) in accounts {
        let account = id(&format!("{name}.test.near"));
        let key = AddKeyAction {
            public_key: public_key_for(&account),
            access_key: AccessKey { nonce: 0, permission: AccessKeyPermission::FullAccess },
        };
        let mut actions = vec![
            Action::CreateAccount(CreateAccountAction {}),
            Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(balance * NEAR) }),
            Action::AddKey(Box::new(key)),
        ];
        if let Some(wasm) = wasm {
            // The recordings ran the contracts of commit 8ea17ce; xcc has grown since (its
            // deposit ledger), so its code hash and size come from the recorded build.
            let path = match wasm {
                "xcc" => repo("fixtures/reference/state/wasm/xcc.wasm"),
                _ => repo(&format!("contract/res/{wasm}.wasm")),
            };
            let code = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            actions.push(Action::DeployContract(DeployContractAction { code }));
        }
        pending.push(rt.submit(&root, &account, actions).expect("create account"));
    }
    run_until_idle(&mut rt);
    for tx in pending {
        assert_success(&rt, tx, "creating an account");
    }
    let xcc = id("xcc.test.near");
    let args = serde_json::json!({
        "hello_account": "hello.test.near",
        "counter_account": "counter.test.near",
        "guestbook_account": "guestbook.test.near",
    });
    let init = function_call("new", args.to_string().as_bytes(), 30 * 10u64.pow(12), 0);
    let tx = rt.submit(&xcc, &xcc, vec![init]).expect("init");
    run_to_final(&mut rt, tx);
    assert_success(&rt, tx, "xcc.new");
    rt
}

/// One recorded call.
pub struct Recording {
    pub name: String,
    pub outcome: FinalExecutionOutcomeWithReceiptView,
    tx_height: u64,
    /// Every recorded block's changes (the four kinds in the node's order), by height.
    blocks: Vec<(u64, Vec<StateChangeWithCauseView>)>,
}

pub fn recordings() -> Vec<Recording> {
    let dir = repo("fixtures/reference/state");
    let mut all = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("state dir") {
        let path = entry.expect("entry").path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if path.extension().is_none_or(|e| e != "json") || name == "meta" {
            continue;
        }
        let json = read_json(&path);
        let last = json["polls"].as_array().and_then(|p| p.last()).expect("polls");
        let outcome: FinalExecutionOutcomeWithReceiptView =
            serde_json::from_value(last["response"]["result"].clone()).expect("tx status");
        let height_of = |hash: &str| {
            json["blocks"][hash]["result"]["header"]["height"].as_u64().expect("height")
        };
        let tx_height =
            height_of(&outcome.final_outcome.transaction_outcome.block_hash.to_string());
        let mut blocks = Vec::new();
        for (hash, kinds) in json["state_changes"].as_object().expect("state_changes") {
            let mut changes = Vec::new();
            for kind in [
                "account_changes",
                "data_changes",
                "all_access_key_changes",
                "contract_code_changes",
            ] {
                let list = kinds[kind]["result"]["changes"].clone();
                let parsed: Vec<StateChangeWithCauseView> =
                    serde_json::from_value(list).unwrap_or_else(|e| panic!("{name} {kind}: {e}"));
                changes.extend(parsed);
            }
            blocks.push((height_of(hash), changes));
        }
        blocks.sort_by_key(|(height, _)| *height);
        all.push(Recording { name, outcome, tx_height, blocks });
    }
    // Recorded one after another on one chain: replay them in that order.
    all.sort_by_key(|r| r.tx_height);
    all
}

/// Sends the recorded transaction's actions again and runs it to FINAL; its outcome.
pub fn replay(rt: &mut Runtime, recording: &Recording) -> FinalExecutionOutcomeWithReceiptView {
    let t = &recording.outcome.final_outcome.transaction;
    let actions: Vec<Action> =
        t.actions.iter().cloned().map(|a| Action::try_from(a).expect("action")).collect();
    let tx = rt.submit(&t.signer_id, &t.receiver_id, actions).expect("submit");
    run_to_final(rt, tx)
}

/// A change reduced to what must match, with its owner as a position in the DAG.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    block_offset: u64,
    /// `None`: the transaction; `Some(i)`: the i-th receipt outcome (depth-first order).
    owner: Option<usize>,
    cause: &'static str,
    kind: &'static str,
    account: String,
    key: String,
    value: String,
}

/// Balance movement of an account change, beside the item.
#[derive(Debug, Clone, Copy)]
struct Delta {
    /// After minus before; `None` when the before value is unknown.
    amount: Option<i128>,
    /// Refunds and rewards depend on gas, everything else must be exact.
    gas_dependent: bool,
    /// Tokens the owning receipt burnt: a reward is a share of its gas, so it may differ by the
    /// gas tolerance of that.
    tokens_burnt: u128,
}

fn owner_positions(outcome: &FinalExecutionOutcomeWithReceiptView) -> HashMap<CryptoHash, usize> {
    outcome.final_outcome.receipts_outcome.iter().enumerate().map(|(i, o)| (o.id, i)).collect()
}

/// Which transaction or receipt of this call a change belongs to (`None`: another one's).
fn owner_of(
    cause: &StateChangeCauseView,
    tx: &CryptoHash,
    positions: &HashMap<CryptoHash, usize>,
) -> Option<(Option<usize>, &'static str)> {
    match cause {
        StateChangeCauseView::TransactionProcessing { tx_hash } if tx_hash == tx => {
            Some((None, "transaction_processing"))
        }
        StateChangeCauseView::ReceiptProcessing { receipt_hash } => {
            positions.get(receipt_hash).map(|p| (Some(*p), "receipt_processing"))
        }
        StateChangeCauseView::ActionReceiptGasReward { receipt_hash } => {
            positions.get(receipt_hash).map(|p| (Some(*p), "action_receipt_gas_reward"))
        }
        _ => None,
    }
}

/// Turns one call's changes into items; `last_amount` carries each account's latest amount
/// across calls (the before value of its next change).
fn items(
    outcome: &FinalExecutionOutcomeWithReceiptView,
    tx_height: u64,
    blocks: &[(u64, Vec<StateChangeWithCauseView>)],
    last_amount: &mut HashMap<AccountId, u128>,
) -> Vec<(Item, Delta)> {
    let fo = &outcome.final_outcome;
    let tx = fo.transaction.hash;
    let tx_key = fo.transaction.public_key.to_string();
    let positions = owner_positions(outcome);
    let refunds: Vec<bool> = fo
        .receipts_outcome
        .iter()
        .map(|o| {
            outcome.receipts.iter().any(|r| r.receipt_id == o.id && r.predecessor_id.is_system())
        })
        .collect();
    let mut out = Vec::new();
    for (height, changes) in blocks {
        for change in changes {
            let owned = owner_of(&change.cause, &tx, &positions);
            let mut delta = None;
            let (kind, account, key, value) = match &change.value {
                StateChangeValueView::AccountUpdate { account_id, account } => {
                    let amount = account.amount.as_yoctonear();
                    let before = last_amount.insert(account_id.clone(), amount);
                    delta = before.map(|b| amount as i128 - b as i128);
                    let value = format!(
                        "locked {} storage {} code {}",
                        account.locked, account.storage_usage, account.code_hash
                    );
                    ("account_update", account_id, String::new(), value)
                }
                StateChangeValueView::AccountDeletion { account_id } => {
                    last_amount.remove(account_id);
                    ("account_deletion", account_id, String::new(), String::new())
                }
                StateChangeValueView::DataUpdate { account_id, key, value } => (
                    "data_update",
                    account_id,
                    format!("{:?}", &key[..]),
                    format!("{:?}", &value[..]),
                ),
                StateChangeValueView::DataDeletion { account_id, key } => {
                    ("data_deletion", account_id, format!("{:?}", &key[..]), String::new())
                }
                StateChangeValueView::AccessKeyUpdate { account_id, public_key, access_key } => {
                    let key = symbolic_key(&public_key_string(public_key), &tx_key);
                    ("access_key_update", account_id, key, format!("{:?}", access_key.permission))
                }
                StateChangeValueView::AccessKeyDeletion { account_id, public_key } => {
                    let key = symbolic_key(&public_key_string(public_key), &tx_key);
                    ("access_key_deletion", account_id, key, String::new())
                }
                StateChangeValueView::ContractCodeUpdate { account_id, code } => (
                    "contract_code_update",
                    account_id,
                    String::new(),
                    CryptoHash::hash_bytes(code).to_string(),
                ),
                StateChangeValueView::ContractCodeDeletion { account_id } => {
                    ("contract_code_deletion", account_id, String::new(), String::new())
                }
                other => panic!("unexpected change {other:?}"),
            };
            let Some((owner, cause)) = owned else { continue };
            let gas_dependent = cause == "action_receipt_gas_reward"
                || owner.is_some_and(|p| refunds.get(p).copied().unwrap_or(false));
            let tokens_burnt = owner
                .and_then(|p| fo.receipts_outcome.get(p))
                .map_or(0, |o| o.outcome.tokens_burnt.as_yoctonear());
            let item = Item {
                block_offset: height - tx_height,
                owner,
                cause,
                kind,
                account: account.to_string(),
                key,
                value,
            };
            out.push((item, Delta { amount: delta, gas_dependent, tokens_burnt }));
        }
    }
    out
}

fn public_key_string(key: &impl serde::Serialize) -> String {
    serde_json::to_value(key).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn symbolic_key(key: &str, tx_key: &str) -> String {
    if key == tx_key {
        "<the transaction's key>".to_string()
    } else {
        key.to_string()
    }
}

/// Our changes of the blocks our outcome names, checking `before` against what we saw last.
fn our_blocks(
    rt: &Runtime,
    outcome: &FinalExecutionOutcomeWithReceiptView,
    last_amount: &HashMap<AccountId, u128>,
) -> Vec<(u64, Vec<StateChangeWithCauseView>)> {
    let fo = &outcome.final_outcome;
    let mut hashes: Vec<CryptoHash> = std::iter::once(fo.transaction_outcome.block_hash)
        .chain(fo.receipts_outcome.iter().map(|o| o.block_hash))
        .collect();
    hashes.sort_by_key(|h| rt.block(h).expect("our block").height);
    hashes.dedup();
    let mut blocks = Vec::new();
    let mut last_amount = last_amount.clone();
    for hash in hashes {
        let changes = rt.state_changes(&hash).expect("state changes of a recent block");
        for prior in &changes.before {
            if let PriorValue::Account { account_id, account: Some(account) } = prior {
                if let Some(last) = last_amount.get(account_id) {
                    assert_eq!(
                        account.amount.as_yoctonear(),
                        *last,
                        "before value of {account_id} in block {hash}"
                    );
                }
            }
        }
        for change in &changes.changes {
            if let StateChangeValueView::AccountUpdate { account_id, account } = &change.value {
                last_amount.insert(account_id.clone(), account.amount.as_yoctonear());
            }
        }
        blocks.push((rt.block(&hash).expect("block").height, changes.changes.clone()));
    }
    blocks
}

fn compare(name: &str, ours: &[(Item, Delta)], theirs: &[(Item, Delta)]) -> Vec<String> {
    let mut problems = Vec::new();
    let show = |list: &[(Item, Delta)]| {
        list.iter().map(|(i, d)| format!("    {i:?} {d:?}")).collect::<Vec<_>>().join("\n")
    };
    let ours_items: Vec<&Item> = ours.iter().map(|(i, _)| i).collect();
    let theirs_items: Vec<&Item> = theirs.iter().map(|(i, _)| i).collect();
    if ours_items != theirs_items {
        problems.push(format!(
            "{name}: changes differ\n  ours:\n{}\n  node:\n{}",
            show(ours),
            show(theirs)
        ));
        return problems;
    }
    for ((item, a), (_, b)) in ours.iter().zip(theirs) {
        let (Some(x), Some(y)) = (a.amount, b.amount) else { continue };
        let gas_part = y.unsigned_abs().max(b.tokens_burnt) as f64;
        let allowed = if b.gas_dependent { GAS_TOLERANCE * gas_part } else { 0.0 };
        if (x - y).unsigned_abs() as f64 > allowed {
            problems.push(format!(
                "{name}: balance change of {item:?}: ours {x}, node {y} (allowed {allowed:.0})"
            ));
        }
    }
    problems
}

#[test]
fn every_recorded_call_changes_state_like_the_node() {
    let mut rt = scenario_chain();
    let recordings = recordings();
    assert_eq!(recordings.len(), 15, "recordings in fixtures/reference/state");
    let mut ours_last = HashMap::new();
    let mut theirs_last = HashMap::new();
    let mut problems = Vec::new();
    let mut compared = 0;
    for recording in &recordings {
        let ours = replay(&mut rt, recording);
        let our_tx_height =
            rt.block(&ours.final_outcome.transaction_outcome.block_hash).expect("tx block").height;
        let blocks = our_blocks(&rt, &ours, &ours_last);
        let our_items = items(&ours, our_tx_height, &blocks, &mut ours_last);
        let their_items =
            items(&recording.outcome, recording.tx_height, &recording.blocks, &mut theirs_last);
        assert!(!their_items.is_empty(), "{}: nothing recorded", recording.name);
        compared += their_items.len();
        problems.extend(compare(&recording.name, &our_items, &their_items));
    }
    eprintln!("compared {compared} state changes of {} calls", recordings.len());
    assert!(problems.is_empty(), "differences from the node:\n{}", problems.join("\n"));
}

#[test]
fn batch_failing_reverts_hello_and_changes_nothing_there() {
    let mut rt = scenario_chain();
    let alice = id("alice.test.near");
    let xcc = id("xcc.test.near");
    let hello = id("hello.test.near");
    let greeting_before = rt.contract_storage(&hello, b"STATE").map(<[u8]>::to_vec);
    let call = function_call("batch_failing", b"{}", 300 * 10u64.pow(12), 0);
    let tx = rt.submit(&alice, &xcc, vec![call]).expect("submit");
    let outcome = run_to_final(&mut rt, tx);
    let failed = outcome
        .final_outcome
        .receipts_outcome
        .iter()
        .find(|o| o.outcome.executor_id == hello)
        .expect("hello's receipt");
    let changes = rt.state_changes(&failed.block_hash).expect("changes of hello's block");
    let cause = StateChangeCauseView::ReceiptProcessing { receipt_hash: failed.id };
    let names_failed = |c: &StateChangeWithCauseView| {
        serde_json::to_value(&c.cause).ok() == serde_json::to_value(&cause).ok()
    };
    assert!(
        !changes.changes.iter().any(|c| matches!(
            &c.value,
            StateChangeValueView::DataUpdate { account_id, .. }
                | StateChangeValueView::DataDeletion { account_id, .. } if *account_id == hello
        )),
        "hello's data changed: {:?}",
        changes.changes
    );
    assert!(
        !changes.changes.iter().any(names_failed),
        "a failed receipt must not write: {:?}",
        changes.changes
    );
    let reverted_greeting = changes.reverted.iter().find_map(|c| match &c.value {
        StateChangeValueView::DataUpdate { account_id, key, value }
            if *account_id == hello && names_failed(c) && &key[..] == b"STATE" =>
        {
            Some(value.to_vec())
        }
        _ => None,
    });
    let reverted = reverted_greeting
        .unwrap_or_else(|| panic!("no reverted write of hello's STATE: {:?}", changes.reverted));
    // hello's set_greeting("batch") had written its greeting before the batch failed.
    assert!(
        reverted.windows(5).any(|w| w == b"batch"),
        "reverted value {:?}",
        String::from_utf8_lossy(&reverted)
    );
    assert!(changes.before.iter().any(|p| matches!(
        p,
        PriorValue::Data { account_id, key, value } if *account_id == hello && key == b"STATE" && *value == greeting_before
    )));
    assert_eq!(rt.contract_storage(&hello, b"STATE").map(<[u8]>::to_vec), greeting_before);
}

/// `INCLUDED` until every receipt but refunds has run, as the node answers: the callback of
/// `call_failing_with_rollback` returns a value at B+3 but sends alice a Transfer it does not
/// return (B+4); the recording shows `INCLUDED_FINAL` with the value known, then `EXECUTED`.
#[test]
fn executed_only_once_every_non_refund_receipt_ran() {
    use near_primitives::views::{FinalExecutionStatus, TxExecutionStatus};
    use nearviz_runtime::TxStatus;
    let mut rt = scenario_chain();
    let alice = id("alice.test.near");
    let call = function_call("call_failing_with_rollback", b"{}", 300 * 10u64.pow(12), NEAR);
    let tx = rt.submit(&alice, &id("xcc.test.near"), vec![call]).expect("submit");
    let mut seen = Vec::new();
    for _ in 0..10 {
        rt.produce_block();
        if let TxStatus::Known { status, outcome } = rt.tx_status(&tx) {
            let fo = &outcome.final_outcome;
            let value = matches!(fo.status, FinalExecutionStatus::SuccessValue(_));
            let transfer_ran = fo.receipts_outcome.iter().any(|o| {
                o.outcome.executor_id == alice
                    && outcome
                        .receipts
                        .iter()
                        .any(|r| r.receipt_id == o.id && !r.predecessor_id.is_system())
            });
            seen.push((status, value, transfer_ran));
        }
    }
    let executed = |s: &TxExecutionStatus| {
        !matches!(s, TxExecutionStatus::Included | TxExecutionStatus::IncludedFinal)
    };
    assert!(
        seen.iter().any(|(s, value, ran)| *value && !ran && !executed(s)),
        "the value known before the Transfer ran: still included: {seen:?}"
    );
    for (status, _, ran) in &seen {
        assert!(!executed(status) || *ran, "executed before the Transfer ran: {seen:?}");
    }
    assert!(seen.iter().any(|(s, _, _)| *s == TxExecutionStatus::Final), "{seen:?}");
}
