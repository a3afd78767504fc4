//! The embedded engine reports each block's state changes (`ChainEvent::StateChanges`) right
//! after the block's header and before the polls, for every block that ran part of a followed
//! transaction, with what the workshop notes promise for the built-in calls.

use crate::support::embedded::call_events;
use near_primitives::hash::CryptoHash;
use near_primitives::views::{StateChangeCauseView, StateChangeValueView, TxExecutionStatus};
use nearviz::chain::{BlockChanges, ChainEvent, PriorState, TxStatusReply};
use std::collections::{HashMap, HashSet};

const NEAR: u128 = 10u128.pow(24);

/// What the engine said while one built-in call ran to FINAL.
struct Run {
    /// Block heights by hash, in the order the headers came.
    heights: HashMap<CryptoHash, u64>,
    changes: Vec<BlockChanges>,
    outcome: near_primitives::views::FinalExecutionOutcomeWithReceiptView,
}

async fn run(call: &str) -> Run {
    let mut heights = HashMap::new();
    let mut changes = Vec::new();
    let mut changes_sent = HashSet::new();
    let mut outcome = None;
    for event in call_events(call).await {
        match event {
            ChainEvent::Block(header) => {
                heights.insert(header.hash, header.height);
            }
            ChainEvent::StateChanges(block) => {
                assert!(
                    heights.contains_key(&block.block.0),
                    "state changes of block {} before its header",
                    block.block
                );
                assert!(changes_sent.insert(block.block.0), "block {} sent twice", block.block);
                changes.push(*block);
            }
            ChainEvent::TxPoll(poll) => {
                if let TxStatusReply::Known { status, outcome: Some(o) } = poll.reply {
                    let fo = &o.final_outcome;
                    let blocks = std::iter::once(&fo.transaction_outcome)
                        .chain(&fo.receipts_outcome)
                        .map(|o| o.block_hash);
                    for block in blocks {
                        assert!(
                            changes_sent.contains(&block),
                            "a poll named block {block} before its state changes"
                        );
                    }
                    if status == TxExecutionStatus::Final {
                        outcome = Some(*o);
                    }
                }
            }
            ChainEvent::TxDone { error, .. } => assert_eq!(error, None),
            _ => {}
        }
    }
    Run { heights, changes, outcome: outcome.expect("a FINAL poll") }
}

impl Run {
    fn tx_height(&self) -> u64 {
        self.heights[&self.outcome.final_outcome.transaction_outcome.block_hash]
    }

    /// The receipt outcome run by `executor` calling `method` (first match).
    fn receipt(&self, executor: &str, method: &str) -> CryptoHash {
        let fo = &self.outcome.final_outcome;
        let receipt = self
            .outcome
            .receipts
            .iter()
            .find(|r| {
                r.receiver_id.as_str() == executor
                    && serde_json::to_string(&r.receipt).is_ok_and(|j| j.contains(method))
            })
            .unwrap_or_else(|| panic!("no receipt {executor}.{method}"));
        assert!(fo.receipts_outcome.iter().any(|o| o.id == receipt.receipt_id));
        receipt.receipt_id
    }

    /// `(block offset, change)` of every change caused by `receipt`.
    fn caused_by(&self, receipt: CryptoHash) -> Vec<(u64, StateChangeValueView, &'static str)> {
        let mut out = Vec::new();
        for block in &self.changes {
            let offset = self.heights[&block.block.0] - self.tx_height();
            for change in &block.changes {
                let cause = match &change.cause {
                    StateChangeCauseView::ReceiptProcessing { receipt_hash }
                        if *receipt_hash == receipt =>
                    {
                        "receipt_processing"
                    }
                    StateChangeCauseView::ActionReceiptGasReward { receipt_hash }
                        if *receipt_hash == receipt =>
                    {
                        "action_receipt_gas_reward"
                    }
                    _ => continue,
                };
                out.push((offset, change.value.clone(), cause));
            }
        }
        out
    }
}

fn data_of(changes: &[(u64, StateChangeValueView, &'static str)]) -> Vec<(u64, Vec<u8>)> {
    changes
        .iter()
        .filter_map(|(offset, value, _)| match value {
            StateChangeValueView::DataUpdate { key, value, .. } if &key[..] == b"STATE" => {
                Some((*offset, value.to_vec()))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_failing_with_rollback_shows_the_record_added_and_removed() {
    let run = run("call_failing_with_rollback").await;
    // B: alice charged for the transaction, her key's nonce.
    let tx_block = &run.changes[0];
    assert_eq!(run.heights[&tx_block.block.0], run.tx_height());
    let tx_hash = run.outcome.final_outcome.transaction.hash;
    let by_tx: Vec<_> = tx_block
        .changes
        .iter()
        .filter(|c| matches!(c.cause, StateChangeCauseView::TransactionProcessing { tx_hash: h } if h == tx_hash))
        .map(|c| &c.value)
        .collect();
    assert!(matches!(by_tx.as_slice(), [
        StateChangeValueView::AccountUpdate { account_id: a, .. },
        StateChangeValueView::AccessKeyUpdate { account_id: k, .. },
    ] if a.as_str() == "alice.test.near" && k.as_str() == "alice.test.near"));

    // B+1: xcc records the call (STATE rewritten) and gets the 1 NEAR deposit.
    let first = run.receipt("xcc.test.near", "call_failing_with_rollback");
    let first_changes = run.caused_by(first);
    let written = data_of(&first_changes);
    assert_eq!(written.len(), 1, "{first_changes:?}");
    assert_eq!(written[0].0, 1);
    let before_first = run.changes[1].before.iter().find_map(|p| match p {
        PriorState::Data { account_id, key, value }
            if account_id.as_str() == "xcc.test.near" && key == b"STATE" =>
        {
            Some(value.clone())
        }
        _ => None,
    });
    let earlier = before_first.flatten().expect("xcc's STATE before B+1");
    assert_ne!(written[0].1, earlier);
    let causes: Vec<&str> = first_changes.iter().map(|(_, _, c)| *c).collect();
    assert_eq!(causes, ["receipt_processing", "action_receipt_gas_reward", "receipt_processing"]);

    // B+2: hello.fail panics: no data change, only its gas reward.
    let failed = run.receipt("hello.test.near", "fail");
    let failed_changes = run.caused_by(failed);
    assert!(data_of(&failed_changes).is_empty(), "{failed_changes:?}");
    assert!(
        failed_changes.iter().all(|(_, _, c)| *c == "action_receipt_gas_reward"),
        "{failed_changes:?}"
    );
    assert_eq!(failed_changes.len(), 1);

    // B+3: the callback puts xcc's STATE back to its earlier bytes.
    let callback = run.receipt("xcc.test.near", "callback");
    let restored = data_of(&run.caused_by(callback));
    assert_eq!(restored.len(), 1);
    assert_eq!(restored[0].0, 3);
    assert_eq!(restored[0].1, earlier, "xcc's STATE is back to its bytes before the call");

    // B+4: alice gets the deposit back in a Transfer from xcc.
    let back = run
        .outcome
        .receipts
        .iter()
        .find(|r| {
            r.predecessor_id.as_str() == "xcc.test.near"
                && r.receiver_id.as_str() == "alice.test.near"
        })
        .expect("the refund Transfer to alice");
    let credited = run.caused_by(back.receipt_id);
    let block = run
        .changes
        .iter()
        .find(|b| run.heights[&b.block.0] - run.tx_height() == credited[0].0)
        .expect("block of the Transfer");
    let alice_before = block.before.iter().find_map(|p| match p {
        PriorState::Account { account_id, account: Some(a) }
            if account_id.as_str() == "alice.test.near" =>
        {
            Some(a.amount.as_yoctonear())
        }
        _ => None,
    });
    // Other receipts (gas refunds) may credit alice in the same block, before this one.
    let mut amount = alice_before.expect("alice before the block");
    for change in &block.changes {
        if let StateChangeValueView::AccountUpdate { account_id, account } = &change.value {
            if account_id.as_str() != "alice.test.near" {
                continue;
            }
            let is_transfer = matches!(change.cause, StateChangeCauseView::ReceiptProcessing { receipt_hash } if receipt_hash == back.receipt_id);
            if is_transfer {
                assert_eq!(account.amount.as_yoctonear() - amount, NEAR, "alice credited 1 NEAR");
            }
            amount = account.amount.as_yoctonear();
        }
    }
    assert_eq!(credited.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_failing_changes_nothing_on_hello_and_shows_what_was_reverted() {
    let run = run("batch_failing").await;
    let failed = run.receipt("hello.test.near", "set_greeting");
    assert!(data_of(&run.caused_by(failed)).is_empty());
    let reverted: Vec<_> = run
        .changes
        .iter()
        .flat_map(|b| &b.reverted)
        .filter(|c| matches!(c.cause, StateChangeCauseView::ReceiptProcessing { receipt_hash } if receipt_hash == failed))
        .collect();
    assert!(
        reverted
            .iter()
            .any(|c| matches!(&c.value, StateChangeValueView::DataUpdate { account_id, key, .. }
            if account_id.as_str() == "hello.test.near" && &key[..] == b"STATE")),
        "reverted: {reverted:?}"
    );
}
