//! The transactions sent through the embedded engine: sequences submitted on their blocks, and
//! after every block what changed for each transaction, as [`super::report`] words it (the
//! order an RPC follower reports a node's).

use super::report::{millis, Tracked};
use crate::chain::{BlockChanges, BlockHash, ChainEvent, PriorState, TxHash};
use crate::engine::EngineEvent;
use crate::engine::EventSender;
use crate::scenario::Call;
use near_primitives::action::{Action, FunctionCallAction};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{Balance, Gas};
use nearviz_runtime::{BlockStateChanges, PriorValue, Runtime, TxProgress};
use std::collections::HashSet;
use std::time::Instant;

use crate::scenario::CallStep;
use std::collections::VecDeque;

/// Blocks from submitting a transaction to the block that includes it: the next one made.
const EMBEDDED_LAG: u64 = 1;

/// Events held back at most before they are sent ([`Followers::flush`]).
const OUTBOX_LIMIT: usize = 1024;

/// The steps of a sequence not submitted yet.
///
/// Sequence calls ([`Call::steps`]) are exact here: step 0 is submitted at once, step k when
/// the next block to be produced is `H + after_blocks`, H being the block that included step
/// k-1 (`after_blocks = 0`: submitted right after step k-1, so the same block includes both):
/// [`CallStep::due`] with a lag of one block, the rule the sandbox engine sends by too.
/// A submitted transaction is included by the next block, with blocks on a timer or on demand.
struct Queued {
    /// The previous step's transaction.
    previous: CryptoHash,
    rest: VecDeque<CallStep>,
}

/// Everything in flight, plus the blocks already reported.
pub struct Followers {
    events: EventSender,
    /// What was produced since the last [`Followers::flush`], sent as one message.
    outbox: Vec<EngineEvent>,
    followed: Vec<Tracked>,
    queued: Vec<Queued>,
    sent_blocks: HashSet<CryptoHash>,
    /// Transactions reported to the end, for the runtime to forget ([`Followers::forget`]).
    finished: Vec<CryptoHash>,
    started: Instant,
}

impl Followers {
    pub fn new(events: EventSender) -> Self {
        Self {
            events,
            outbox: Vec::new(),
            followed: Vec::new(),
            queued: Vec::new(),
            sent_blocks: HashSet::new(),
            finished: Vec::new(),
            started: Instant::now(),
        }
    }

    /// Nothing in flight and no sequence step waiting.
    pub fn is_empty(&self) -> bool {
        self.followed.is_empty() && self.queued.is_empty()
    }

    /// Submits `call` (the first step of a sequence, queueing the others); a call that cannot
    /// be sent is reported, the engine keeps running.
    pub fn send(&mut self, rt: &mut Runtime, call: &Call) {
        let mut steps: VecDeque<CallStep> = call.steps().into();
        let Some(first) = steps.pop_front() else {
            return self.call_failed(&call.name, "a sequence without steps".to_owned());
        };
        if let Some(previous) = self.submit(rt, &first) {
            self.queued.push(Queued { previous, rest: steps });
            self.submit_due(rt);
        }
    }

    /// Sends what was produced since the last flush as one message: at once, or with
    /// `hold_while_busy` only once nothing is in flight (or [`OUTBOX_LIMIT`] events wait), so
    /// that blocks made back to back wake the app once per call, not once per block.
    pub fn flush(&mut self, hold_while_busy: bool) {
        if hold_while_busy && !self.is_empty() && self.outbox.len() < OUTBOX_LIMIT {
            return;
        }
        let events = std::mem::take(&mut self.outbox);
        let _ = self.events.blocking_send_all(events);
    }

    /// Submits every queued step whose block comes next ([`CallStep::due`], the lag being one
    /// block: what is submitted now goes into the next block); drops finished sequences.
    fn submit_due(&mut self, rt: &mut Runtime) {
        let head = rt.head().height;
        let mut queued = std::mem::take(&mut self.queued);
        for q in &mut queued {
            while let Some(step) = q.rest.front() {
                let previous_at = match inclusion_height(rt, &q.previous) {
                    // Not included yet: the next block includes it.
                    Inclusion::Pending => head + 1,
                    Inclusion::At(height) => height,
                    Inclusion::Rejected => {
                        let labels: Vec<String> = q.rest.drain(..).map(|s| s.label).collect();
                        for label in labels {
                            self.call_failed(
                                &label,
                                "not sent: the previous step was rejected".to_owned(),
                            );
                        }
                        break;
                    }
                };
                if !step.due(head, previous_at, EMBEDDED_LAG) {
                    break;
                }
                let Some(step) = q.rest.pop_front() else { break };
                match self.submit(rt, &step) {
                    Some(tx) => q.previous = tx,
                    None => {
                        // The rest would race nothing: report them unsent.
                        for rest in q.rest.drain(..) {
                            self.call_failed(
                                &rest.label,
                                format!("not sent: {} failed", step.label),
                            );
                        }
                    }
                }
            }
        }
        queued.retain(|q| !q.rest.is_empty());
        self.queued = queued;
    }

    /// Submits one step (labelled with the step's label) and follows it.
    fn submit(&mut self, rt: &mut Runtime, step: &CallStep) -> Option<CryptoHash> {
        let call = &step.call;
        let resolved = match call.resolve() {
            Ok(resolved) => resolved,
            Err(err) => {
                self.call_failed(&step.label, err.to_string());
                return None;
            }
        };
        let action = Action::FunctionCall(Box::new(FunctionCallAction {
            method_name: resolved.method.clone(),
            args: resolved.args.clone(),
            gas: Gas::from_gas(resolved.gas),
            deposit: Balance::from_yoctonear(resolved.deposit),
        }));
        let tx = match rt.submit(&resolved.signer, &resolved.receiver, vec![action]) {
            Ok(tx) => tx,
            Err(err) => {
                self.call_failed(&step.label, format!("not sent: {err}"));
                return None;
            }
        };
        let at_ms = millis(self.started);
        let submitted = ChainEvent::TxSubmitted {
            tx: TxHash(tx),
            sender: resolved.signer.clone(),
            label: step.label.clone(),
            at_ms,
        };
        self.outbox.push(EngineEvent::Chain(submitted));
        let mut followed = Tracked::new(tx, resolved.signer);
        // Like a node polled right after sending: it does not know the transaction yet.
        if !self.report(&mut followed, rt) {
            self.followed.push(followed);
        }
        Some(tx)
    }

    /// Produces a block and reports what changed. False when nobody listens any more.
    pub fn block(&mut self, rt: &mut Runtime) -> bool {
        rt.produce_block();
        let mut followed = std::mem::take(&mut self.followed);
        let mut still = Vec::with_capacity(followed.len());
        for mut f in followed.drain(..) {
            if self.report(&mut f, rt) {
                self.finished.push(f.tx);
            } else {
                still.push(f);
            }
        }
        self.followed = still;
        self.submit_due(rt);
        self.forget(rt);
        !self.events.is_closed()
    }

    /// Lets the runtime free the transactions reported to the end: nobody asks this engine's
    /// runtime about them again, except a queued sequence step timed from one (kept until the
    /// step is sent).
    fn forget(&mut self, rt: &mut Runtime) {
        let queued = &self.queued;
        self.finished.retain(|tx| {
            let timing_a_step = queued.iter().any(|q| q.previous == *tx);
            timing_a_step || !rt.forget_transaction(tx)
        });
    }

    /// Sends what changed for `f` (see [`Tracked::report`]); true when it is done.
    fn report(&mut self, f: &mut Tracked, rt: &Runtime) -> bool {
        let (events, done) = f.report(rt, &mut self.sent_blocks);
        self.outbox.extend(events.into_iter().map(EngineEvent::Chain));
        done
    }

    /// `call`: the call's name, or a step's label (`race_unsafe#2`).
    fn call_failed(&mut self, call: &str, error: String) {
        self.outbox.push(EngineEvent::CallFailed { call: call.to_owned(), error });
    }
}

enum Inclusion {
    Pending,
    At(u64),
    Rejected,
}

/// The height of the block that included `tx`.
fn inclusion_height(rt: &Runtime, tx: &CryptoHash) -> Inclusion {
    match rt.tx_progress(tx) {
        TxProgress::Unknown => Inclusion::Pending,
        TxProgress::Rejected => Inclusion::Rejected,
        TxProgress::Known { included_at, .. } => Inclusion::At(included_at),
    }
}

/// The runtime's record of a block in the chain's terms.
pub(crate) fn block_changes(block: BlockHash, changes: &BlockStateChanges) -> BlockChanges {
    let before = changes
        .before
        .iter()
        .map(|prior| match prior {
            PriorValue::Account { account_id, account } => {
                PriorState::Account { account_id: account_id.clone(), account: account.clone() }
            }
            PriorValue::Data { account_id, key, value } => PriorState::Data {
                account_id: account_id.clone(),
                key: key.clone(),
                value: value.clone(),
            },
        })
        .collect();
    BlockChanges {
        block,
        changes: changes.changes.clone(),
        before,
        reverted: changes.reverted.clone(),
    }
}
