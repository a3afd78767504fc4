//! The steps of a sequence call on a node: when each one is due, where it landed, and the lag
//! between sending a transaction and the block that includes it.
//!
//! Both engines send by [`CallStep::due`]. On a node the lag is more than one block: a
//! single-validator neard makes the chunk for height h+1 as it accepts block h, with the
//! transactions its pool holds then, so a transaction that arrives while the head is h goes
//! into block h+2 at the earliest (issue 22: a step sent once #14 was known landed in #16). So
//! step k is sent while step k-1 is still on its way, timed from the block step k-1 is expected
//! in: the head read just after sending it, plus the lag (a head read after sending can only be
//! ahead of the node's when the transaction arrived, so every error makes a step late, never
//! early into its predecessor's block). The lag starts at [`NEARD_LAG`] and each inclusion
//! measures it again; the lag measured most often is used (a transaction that wins a race with
//! the chunk producer measures 1 once in a while, and one such race must not make every later
//! step late). Once step k-1's block is known, it counts.

use crate::chain::TxHash;
use crate::scenario::CallStep;
use near_primitives::types::AccountId;
use std::collections::VecDeque;

/// The lag a neard's pipeline implies, before one is measured.
///
/// Why 2, from nearcore's source (`chain/client/src/client.rs`, `chain/client/src/rpc_handler.rs`,
/// `chain/client/src/prepare_transactions.rs`): the RPC hands the transaction to
/// `RpcHandlerActor::process_tx_internal`, which puts it in the shard's pool when this node is
/// the chunk producer (`is_chunk_producer_for_transaction`; a one-validator sandbox always is,
/// so `TX_ROUTING_HEIGHT_HORIZON` and `forward_tx` play no part). The pool is read only when a
/// chunk is made: `Client::on_block_accepted_with_optional_chunk_produce` calls
/// `produce_chunks(block)` as block h is accepted, which makes the chunk for
/// `next_height = h + 1` from the pool as it is then (or takes the transactions an early
/// `PrepareTransactionsJob` gathered while block h's chunks were applied, earlier still). Block
/// h+1 then includes that chunk. So a transaction that reaches the pool once the head is h misses
/// chunk h+1 and lands in block h+2 at the earliest: a lag of 2 from the head read when sending.
/// It can measure 1 only when the transaction wins a race with `produce_chunks` right after the
/// head moved, and 3 when the early job had already read the pool.
pub const NEARD_LAG: u64 = 2;

/// The lag of this engine: the one seen most often (the smaller of a tie), [`NEARD_LAG`]
/// counting as seen once before any is measured.
#[derive(Debug)]
pub struct Lag {
    /// How many times each lag was seen.
    seen: std::collections::BTreeMap<u64, u32>,
}

impl Default for Lag {
    fn default() -> Self {
        Lag { seen: [(NEARD_LAG, 1)].into() }
    }
}

impl Lag {
    pub fn blocks(&self) -> u64 {
        let most = self.seen.values().copied().max().unwrap_or(0);
        self.seen.iter().find(|&(_, &n)| n == most).map_or(NEARD_LAG, |(&lag, _)| lag)
    }

    /// Takes in one step's lag: `included - sent at` (at least 1).
    pub fn measure(&mut self, sent_at: u64, included: u64) -> u64 {
        let lag = included.saturating_sub(sent_at).max(1);
        *self.seen.entry(lag).or_insert(0) += 1;
        lag
    }
}

/// One step sent: its transaction, and the head when it was sent.
#[derive(Debug)]
pub struct Sent {
    pub tx: TxHash,
    pub sender: AccountId,
    pub label: String,
    pub after_blocks: u64,
    /// The newest block, read just after it was sent.
    pub sent_at: u64,
    /// The block that included it, once known.
    pub included: Option<u64>,
    /// The node rejected it (or it was never included): the steps after it are not sent.
    pub lost: bool,
}

/// A sequence call in progress: the steps sent, in order, and the steps still to send.
#[derive(Debug)]
pub struct Queued {
    pub sent: Vec<Sent>,
    pub rest: VecDeque<CallStep>,
    /// How many of `sent` (after the first) have had their timing line.
    reported: usize,
}

impl Queued {
    pub fn new(first: Sent, rest: VecDeque<CallStep>) -> Self {
        Queued { sent: vec![first], rest, reported: 1 }
    }

    /// Where the last step sent was included, or is expected to be (`sent_at + lag`).
    fn previous_at(&self, lag: u64) -> Option<u64> {
        let last = self.sent.last()?;
        Some(last.included.unwrap_or(last.sent_at.saturating_add(lag)))
    }

    /// True when the next step is due at `head` ([`CallStep::due`]).
    pub fn next_due(&self, head: u64, lag: u64) -> bool {
        match (self.rest.front(), self.previous_at(lag)) {
            (Some(step), Some(previous_at)) => step.due(head, previous_at, lag),
            _ => false,
        }
    }

    /// One timing line per step whose inclusion and its predecessor's are now known, in order
    /// (a step is reported once).
    pub fn timing_lines(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        while let Some(step) = self.sent.get(self.reported) {
            let previous = &self.sent[self.reported - 1];
            let (Some(included), Some(previous_block)) = (step.included, previous.included) else {
                break;
            };
            lines.push(timing_line(step, included, &previous.label, previous_block));
            self.reported += 1;
        }
        lines
    }

    /// Every step sent and included (or lost), nothing left to send or report.
    pub fn finished(&self) -> bool {
        self.rest.is_empty()
            && self.sent.iter().all(|s| s.included.is_some() || s.lost)
            && (self.reported >= self.sent.len() || self.sent.iter().any(|s| s.lost))
    }
}

/// `race_unsafe#3 included in block #53, 1 after race_unsafe#2 (#52), as asked (sent at #51)`
/// or, when the node included it later, `…, asked 1: sandbox timing slipped by +1 block (…)`.
fn timing_line(step: &Sent, included: u64, previous: &str, previous_block: u64) -> String {
    let label = &step.label;
    let actual = included.saturating_sub(previous_block);
    let head = format!(
        "{label} included in block #{included}, {actual} after {previous} (#{previous_block})"
    );
    let sent = format!("sent at #{}", step.sent_at);
    let intended = previous_block.saturating_add(step.after_blocks);
    if included == intended {
        format!("{head}, as asked ({sent})")
    } else {
        let slip = i128::from(included) - i128::from(intended);
        let blocks = if slip.abs() == 1 { "block" } else { "blocks" };
        format!(
            "{head}, asked {}: sandbox timing slipped by {slip:+} {blocks} ({sent})",
            step.after_blocks
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn sent(label: &str, after_blocks: u64, sent_at: u64, included: Option<u64>) -> Sent {
        Sent {
            tx: TxHash(near_primitives::hash::CryptoHash::hash_bytes(label.as_bytes())),
            sender: "alice.test.near".parse().expect("account"),
            label: label.to_owned(),
            after_blocks,
            sent_at,
            included,
            lost: false,
        }
    }

    fn race() -> VecDeque<CallStep> {
        let scenario = Scenario::builtin().expect("built-in");
        let mut steps: VecDeque<CallStep> =
            scenario.call("race_unsafe").expect("race").steps().into();
        steps.pop_front();
        steps
    }

    #[test]
    fn the_lag_is_the_one_measured_most_often() {
        let mut lag = Lag::default();
        assert_eq!(lag.blocks(), NEARD_LAG);
        assert_eq!(lag.measure(10, 13), 3);
        assert_eq!(lag.blocks(), 2, "a tie with the expected lag: the smaller");
        assert_eq!(lag.measure(20, 23), 3);
        assert_eq!(lag.blocks(), 3, "measured twice");
        assert_eq!(lag.measure(30, 32), 2);
        assert_eq!(lag.measure(40, 41), 1);
        assert_eq!(lag.blocks(), 2, "one lucky race does not make the later steps late");
        assert_eq!(lag.measure(50, 50), 1, "never below one block");
        assert_eq!(lag.measure(60, 61), 1);
        assert_eq!(lag.blocks(), 1, "seen most often");
    }

    /// On a neard (lag 2) the deposit sent at #12 lands in #14; the first withdraw
    /// (`after_blocks = 1`) must land in #15, so it is sent at #13, before #14 is out.
    #[test]
    fn a_step_is_sent_before_the_previous_lands_when_the_pipeline_needs_it() {
        let mut q = Queued::new(sent("race_unsafe#1", 0, 12, None), race());
        assert!(!q.next_due(12, 2), "at #12 it would land with the deposit");
        assert!(q.next_due(13, 2));
        // Once the deposit's block is known, it counts instead of the expectation.
        q.sent[0].included = Some(15);
        assert!(!q.next_due(13, 2), "the deposit slipped to #15: the step waits for #14");
        assert!(q.next_due(14, 2));
        // On the embedded runtime's lag (1) the same rule waits for the deposit's block.
        q.sent[0].included = None;
        assert!(!q.next_due(12, 1));
        assert!(q.next_due(13, 1));
    }

    #[test]
    fn each_step_gets_one_timing_line_once_both_blocks_are_known() {
        let mut q = Queued::new(sent("race_unsafe#1", 0, 12, Some(14)), race());
        q.rest.clear();
        q.sent.push(sent("race_unsafe#2", 1, 13, None));
        q.sent.push(sent("race_unsafe#3", 1, 14, Some(17)));
        assert!(q.timing_lines().is_empty(), "#2's block is not known yet");
        assert!(!q.finished());
        q.sent[1].included = Some(15);
        assert_eq!(
            q.timing_lines(),
            [
                "race_unsafe#2 included in block #15, 1 after race_unsafe#1 (#14), as asked \
                 (sent at #13)",
                "race_unsafe#3 included in block #17, 2 after race_unsafe#2 (#15), asked 1: \
                 sandbox timing slipped by +1 block (sent at #14)",
            ]
        );
        assert!(q.timing_lines().is_empty());
        assert!(q.finished());
    }
}
