//! The transactions sent through the embedded engine, reported after every block the way the
//! RPC follower reports a node's: `Block` headers first, each followed by that block's
//! `StateChanges`, then a `TxPoll` when the status changed, `TxDone` at FINAL.

use crate::chain::{
    BlockChanges, BlockHash, ChainEvent, PriorState, TxHash, TxPoll, TxStatusReply,
};
use crate::engine::EngineEvent;
use crate::scenario::Call;
use near_primitives::action::{Action, FunctionCallAction};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance, Gas};
use near_primitives::views::TxExecutionStatus;
use nearviz_runtime::{BlockStateChanges, PriorValue, Runtime, TxStatus};
use std::collections::HashSet;
use std::time::Instant;
use tokio::sync::mpsc;

struct Followed {
    tx: CryptoHash,
    sender: AccountId,
    sent_at: Instant,
    /// The last reply sent, as JSON, to send only changes.
    last: Option<String>,
}

/// Everything in flight, plus the blocks already reported.
pub struct Followers {
    events: mpsc::Sender<EngineEvent>,
    followed: Vec<Followed>,
    sent_blocks: HashSet<CryptoHash>,
    started: Instant,
}

impl Followers {
    pub fn new(events: mpsc::Sender<EngineEvent>) -> Self {
        Self { events, followed: Vec::new(), sent_blocks: HashSet::new(), started: Instant::now() }
    }

    pub fn is_empty(&self) -> bool {
        self.followed.is_empty()
    }

    /// Submits `call`; a call that cannot be sent is reported, the engine keeps running.
    pub fn send(&mut self, rt: &mut Runtime, call: &Call) {
        let resolved = match call.resolve() {
            Ok(resolved) => resolved,
            Err(err) => return self.call_failed(call, err.to_string()),
        };
        let action = Action::FunctionCall(Box::new(FunctionCallAction {
            method_name: resolved.method.clone(),
            args: resolved.args.clone(),
            gas: Gas::from_gas(resolved.gas),
            deposit: Balance::from_yoctonear(resolved.deposit),
        }));
        let tx = match rt.submit(&resolved.signer, &resolved.receiver, vec![action]) {
            Ok(tx) => tx,
            Err(err) => return self.call_failed(call, format!("not sent: {err}")),
        };
        let at_ms = millis(self.started);
        let submitted = ChainEvent::TxSubmitted {
            tx: TxHash(tx),
            sender: resolved.signer.clone(),
            label: call.name.clone(),
            at_ms,
        };
        let _ = self.events.blocking_send(EngineEvent::Chain(submitted));
        let mut followed =
            Followed { tx, sender: resolved.signer, sent_at: Instant::now(), last: None };
        // Like a node polled right after sending: it does not know the transaction yet.
        self.report(&mut followed, rt);
        self.followed.push(followed);
    }

    /// Produces a block and reports what changed. False when nobody listens any more.
    pub fn block(&mut self, rt: &mut Runtime) -> bool {
        rt.produce_block();
        let mut followed = std::mem::take(&mut self.followed);
        let mut still = Vec::with_capacity(followed.len());
        for mut f in followed.drain(..) {
            if !self.report(&mut f, rt) {
                still.push(f);
            }
        }
        self.followed = still;
        !self.events.is_closed()
    }

    /// Sends new blocks and the status if it changed; true when the transaction is done.
    fn report(&mut self, f: &mut Followed, rt: &Runtime) -> bool {
        let (reply, done) = match rt.tx_status(&f.tx) {
            TxStatus::Unknown => (TxStatusReply::Unknown, None),
            TxStatus::Rejected(reason) => (
                TxStatusReply::Error {
                    name: "INVALID_TRANSACTION".to_owned(),
                    message: reason.clone(),
                },
                Some(Some(reason)),
            ),
            TxStatus::Known { status, outcome } => {
                let fo = &outcome.final_outcome;
                let blocks = std::iter::once(fo.transaction_outcome.block_hash)
                    .chain(fo.receipts_outcome.iter().map(|o| o.block_hash));
                for hash in blocks {
                    if self.sent_blocks.insert(hash) {
                        if let Some(header) = rt.block(&hash) {
                            let event = ChainEvent::Block(Box::new(header.clone()));
                            let _ = self.events.blocking_send(EngineEvent::Chain(event));
                        }
                        if let Some(changes) = rt.state_changes(&hash) {
                            let event = ChainEvent::StateChanges(Box::new(block_changes(
                                BlockHash(hash),
                                changes,
                            )));
                            let _ = self.events.blocking_send(EngineEvent::Chain(event));
                        }
                    }
                }
                let done = (status == TxExecutionStatus::Final).then_some(None);
                (TxStatusReply::Known { status, outcome: Some(outcome) }, done)
            }
        };
        let key = reply_key(&reply);
        if f.last.as_deref() != Some(key.as_str()) {
            f.last = Some(key);
            let poll = TxPoll {
                tx: TxHash(f.tx),
                sender: f.sender.clone(),
                at_ms: millis(f.sent_at),
                reply,
            };
            let _ = self.events.blocking_send(EngineEvent::Chain(ChainEvent::TxPoll(poll)));
        }
        match done {
            Some(error) => {
                let event = ChainEvent::TxDone { tx: TxHash(f.tx), error };
                let _ = self.events.blocking_send(EngineEvent::Chain(event));
                true
            }
            None => false,
        }
    }

    fn call_failed(&self, call: &Call, error: String) {
        let _ =
            self.events.blocking_send(EngineEvent::CallFailed { call: call.name.clone(), error });
    }
}

/// The runtime's record of a block in the chain's terms.
fn block_changes(block: BlockHash, changes: &BlockStateChanges) -> BlockChanges {
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

fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// A comparable form of a reply.
fn reply_key(reply: &TxStatusReply) -> String {
    match reply {
        TxStatusReply::Unknown => "unknown".to_owned(),
        TxStatusReply::Error { name, message } => format!("error {name} {message}"),
        TxStatusReply::Known { status, outcome } => format!(
            "{status:?} {}",
            outcome.as_ref().and_then(|o| serde_json::to_string(o).ok()).unwrap_or_default()
        ),
    }
}
