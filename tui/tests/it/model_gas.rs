//! Gas profiles on the real-neard recordings: every executed receipt carries the node's
//! profile, and it sums to the gas burnt minus what the node does not profile, which is exactly
//! the receipt's own execution fees (action receipt creation plus each action's `exec` fee,
//! protocol 86). Also the grouping and the gas report on them.

use crate::model_common::{capture, captures, state, STATE_CALLS};
use near_parameters::{ActionCosts, RuntimeConfigStore};
use near_primitives::errors::TxExecutionError;
use near_primitives::views::{
    ActionView, ExecutionStatusView, FinalExecutionOutcomeWithReceiptView, ReceiptEnumView,
    ReceiptView,
};
use nearviz::chain::{ChainEvent, TxStatusReply};
use nearviz::model::gas_profile::GroupKind;
use nearviz::model::{GasProfile, GasReport, Trace};
use std::path::{Path, PathBuf};

fn recordings() -> Vec<PathBuf> {
    let mut all = captures();
    all.extend(STATE_CALLS.iter().map(|c| state(c)));
    all
}

/// The last full answer of every transaction in a recording.
fn outcomes(path: &Path) -> Vec<FinalExecutionOutcomeWithReceiptView> {
    let recording = nearviz::fixture::load(path).expect("recording loads");
    let mut last = Vec::new();
    for event in recording.chain_events() {
        if let ChainEvent::TxPoll(poll) = event {
            if let TxStatusReply::Known { outcome: Some(o), .. } = poll.reply {
                last.retain(|x: &FinalExecutionOutcomeWithReceiptView| {
                    x.final_outcome.transaction.hash != o.final_outcome.transaction.hash
                });
                last.push(*o);
            }
        }
    }
    last
}

/// What executing the receipt itself costs: never in the node's profile. A batch stops at the
/// action that failed (`ActionError.index`): the actions after it are not executed, nor charged.
fn own_exec_fees(receipt: &ReceiptView, status: &ExecutionStatusView) -> u64 {
    let config = RuntimeConfigStore::new(None).get_config(86).clone();
    let exec = |cost: ActionCosts| config.fees.fee(cost).exec_fee().gas.as_gas();
    let ReceiptEnumView::Action { actions, .. } = &receipt.receipt else {
        panic!("a data receipt has no outcome")
    };
    let ran = match status {
        ExecutionStatusView::Failure(TxExecutionError::ActionError(e)) => {
            e.index.map_or(actions.len(), |i| i as usize + 1)
        }
        _ => actions.len(),
    };
    let actions: u64 = actions
        .iter()
        .take(ran)
        .map(|a| match a {
            ActionView::FunctionCall { method_name, args, .. } => {
                let bytes = (method_name.len() + args.len()) as u64;
                exec(ActionCosts::function_call_base)
                    + exec(ActionCosts::function_call_byte) * bytes
            }
            ActionView::Transfer { .. } => exec(ActionCosts::transfer),
            other => panic!("the recordings hold only calls and transfers, not {other:?}"),
        })
        .sum();
    exec(ActionCosts::new_action_receipt) + actions
}

#[test]
fn every_profile_sums_to_gas_burnt_minus_the_receipts_own_exec_fees() {
    let mut checked = 0;
    for path in recordings() {
        for view in outcomes(&path) {
            for o in &view.final_outcome.receipts_outcome {
                let name = format!("{} receipt {}", path.display(), o.id);
                let profile = GasProfile::of(&o.outcome.metadata).expect(&name);
                let receipt = view.receipts.iter().find(|r| r.receipt_id == o.id).expect(&name);
                let unprofiled = profile.unprofiled(o.outcome.gas_burnt).as_gas();
                assert_eq!(
                    profile.total().saturating_add(profile.unprofiled(o.outcome.gas_burnt)),
                    o.outcome.gas_burnt,
                    "{name}: the profile is more than was burnt"
                );
                assert_eq!(unprofiled, own_exec_fees(receipt, &o.outcome.status), "{name}");
                checked += 1;
            }
            // The transaction outcome (conversion) has no profile (metadata version 1).
            assert_eq!(
                GasProfile::of(&view.final_outcome.transaction_outcome.outcome.metadata),
                None
            );
        }
    }
    assert!(checked > 80, "only {checked} receipts checked");
}

/// The DAG carries the profile of every executed receipt; its groups add up to the gas burnt,
/// largest first.
#[test]
fn receipt_nodes_carry_their_profile_and_groups_add_up() {
    for path in recordings() {
        let recording = nearviz::fixture::load(&path).expect("loads");
        let dag = Trace::from_events(recording.chain_events()).dag();
        for r in dag.transactions.iter().flat_map(|t| &t.receipts) {
            let profile = r.gas_profile.as_ref().expect("every executed receipt is profiled");
            let groups = profile.groups(r.gas_burnt);
            let sum = groups.iter().map(|g| g.gas.as_gas()).sum::<u64>();
            assert_eq!(sum, r.gas_burnt.as_gas(), "{}", path.display());
            assert!(groups.windows(2).all(|w| w[0].gas >= w[1].gas), "largest first");
            if r.is_refund {
                assert_eq!(
                    groups.iter().map(|g| &g.kind).collect::<Vec<_>>(),
                    [&GroupKind::Unprofiled]
                );
            }
        }
    }
}

/// hello's batch (set, get, set, get) writes twice: the counts and bytes come from the costs.
#[test]
fn the_batch_writes_twice_and_reads_four_times() {
    let recording = nearviz::fixture::load(&state("batch_actions")).expect("loads");
    let dag = Trace::from_events(recording.chain_events()).dag();
    let batch = dag.transactions[0]
        .receipts
        .iter()
        .find(|r| r.actions.len() == 4)
        .expect("the batch receipt");
    let groups = batch.gas_profile.as_ref().expect("profiled").groups(batch.gas_burnt);
    let labels: Vec<String> = groups.iter().map(|g| g.label()).collect();
    assert_eq!(labels[0], "own exec fees (unprofiled)", "{labels:?}");
    assert!(labels.contains(&"storage write ×2, 23 B".to_string()), "{labels:?}");
    assert!(
        labels.contains(&"logs ×2, 29 B".to_string())
            || labels.iter().any(|l| l.starts_with("logs ×")),
        "{labels:?}"
    );
    assert!(labels.iter().any(|l| l.starts_with("storage read ×4")), "{labels:?}");
}

/// The gas report of a capture: one row per called method, one call each.
#[test]
fn gas_report_of_a_capture() {
    let recording = nearviz::fixture::load(&capture("multiple_contracts")).expect("loads");
    let dag = Trace::from_events(recording.chain_events()).dag();
    let report = GasReport::of(&dag);
    let methods: Vec<(String, usize)> = report
        .rows
        .iter()
        .map(|r| (r.method.split_once(".test.near.").map_or("?", |m| m.1).to_string(), r.calls))
        .collect();
    let expected = ["fail", "increment", "get_greeting", "multiple_contracts", "multiple_callback"];
    assert_eq!(methods.len(), expected.len(), "{methods:?}");
    for m in expected {
        assert!(methods.contains(&(m.to_string(), 1)), "{m} in {methods:?}");
    }
    for r in &report.rows {
        assert!(r.min == r.median && r.median == r.max, "{r:?}");
    }
}
