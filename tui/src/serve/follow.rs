//! Every transaction the served chain runs (sent over RPC or by the app's keys), reported after
//! each block like the embedded engine reports scenario calls: `TxSubmitted`, `Block` headers and
//! their `StateChanges`, `Receipt` views of receipts not run yet (once each), `TxPoll` when the
//! status changed, `TxDone` at FINAL.

use crate::chain::{BlockHash, ChainEvent, ReplyProgress, TxHash, TxPoll, TxStatusReply};
use crate::engine::embedded::block_changes;
use crate::engine::EngineEvent;
use near_primitives::action::Action;
use near_primitives::hash::CryptoHash;
use near_primitives::transaction::SignedTransaction;
use near_primitives::types::AccountId;
use near_primitives::views::TxExecutionStatus;
use nearviz_runtime::{Runtime, TxStatus};
use std::collections::HashSet;
use std::time::Instant;
use tokio::sync::mpsc;

/// Blocks a transaction is followed before it is reported stuck (yield without resume...).
const MAX_BLOCKS_FOLLOWED: u32 = 600;

struct Followed {
    tx: CryptoHash,
    sender: AccountId,
    sent_at: Instant,
    blocks: u32,
    last: Option<ReplyProgress>,
    /// Receipts whose view was sent before they ran.
    described: HashSet<CryptoHash>,
}

pub struct Follower {
    events: mpsc::Sender<EngineEvent>,
    followed: Vec<Followed>,
    sent_blocks: HashSet<CryptoHash>,
    started: Instant,
}

/// The history label of a transaction: the method it calls, else its action kinds.
pub fn label(tx: &SignedTransaction) -> String {
    let actions = tx.transaction.actions();
    let names: Vec<String> = actions
        .iter()
        .map(|a| match a {
            Action::FunctionCall(call) => call.method_name.clone(),
            Action::CreateAccount(_) => "CreateAccount".into(),
            Action::DeployContract(_) => "DeployContract".into(),
            Action::Transfer(_) => "Transfer".into(),
            Action::AddKey(_) => "AddKey".into(),
            Action::DeleteKey(_) => "DeleteKey".into(),
            Action::DeleteAccount(_) => "DeleteAccount".into(),
            Action::Stake(_) => "Stake".into(),
            _ => "Action".into(),
        })
        .collect();
    format!("{} → {}", names.join("+"), tx.transaction.receiver_id())
}

impl Follower {
    pub fn new(events: mpsc::Sender<EngineEvent>) -> Self {
        Self { events, followed: Vec::new(), sent_blocks: HashSet::new(), started: Instant::now() }
    }

    pub fn is_empty(&self) -> bool {
        self.followed.is_empty()
    }

    /// Starts following a transaction just submitted.
    pub async fn submitted(
        &mut self,
        rt: &Runtime,
        tx: CryptoHash,
        sender: AccountId,
        label: String,
    ) {
        let at_ms = millis(self.started);
        let event =
            ChainEvent::TxSubmitted { tx: TxHash(tx), sender: sender.clone(), label, at_ms };
        let _ = self.events.send(EngineEvent::Chain(event)).await;
        let mut followed = Followed {
            tx,
            sender,
            sent_at: Instant::now(),
            blocks: 0,
            last: None,
            described: HashSet::new(),
        };
        if !self.report(&mut followed, rt).await {
            self.followed.push(followed);
        }
    }

    /// Reports what the last block changed.
    pub async fn after_block(&mut self, rt: &Runtime) {
        let followed = std::mem::take(&mut self.followed);
        for mut f in followed {
            f.blocks += 1;
            if self.report(&mut f, rt).await {
                continue;
            }
            if f.blocks >= MAX_BLOCKS_FOLLOWED {
                let error = Some(format!("not final after {MAX_BLOCKS_FOLLOWED} blocks"));
                let event = ChainEvent::TxDone { tx: TxHash(f.tx), error };
                let _ = self.events.send(EngineEvent::Chain(event)).await;
                continue;
            }
            self.followed.push(f);
        }
    }

    /// Sends new blocks and the status if it changed; true when the transaction is done.
    async fn report(&mut self, f: &mut Followed, rt: &Runtime) -> bool {
        let (reply, done) = match rt.tx_status(&f.tx) {
            TxStatus::Unknown => (TxStatusReply::Unknown, None),
            TxStatus::Rejected(reason) => (
                TxStatusReply::Error {
                    name: "INVALID_TRANSACTION".into(),
                    message: reason.clone(),
                },
                Some(Some(reason)),
            ),
            TxStatus::Known { status, outcome } => {
                let fo = &outcome.final_outcome;
                let blocks: Vec<CryptoHash> = std::iter::once(fo.transaction_outcome.block_hash)
                    .chain(fo.receipts_outcome.iter().map(|o| o.block_hash))
                    .collect();
                for hash in blocks {
                    if self.sent_blocks.insert(hash) {
                        if let Some(header) = rt.block(&hash) {
                            let event = ChainEvent::Block(Box::new(header.clone()));
                            let _ = self.events.send(EngineEvent::Chain(event)).await;
                        }
                        if let Some(changes) = rt.state_changes(&hash) {
                            let changes = block_changes(BlockHash(hash), changes);
                            let event = ChainEvent::StateChanges(Box::new(changes));
                            let _ = self.events.send(EngineEvent::Chain(event)).await;
                        }
                    }
                }
                for view in rt.pending_receipt_views(&outcome) {
                    if f.described.insert(view.receipt_id) {
                        let event = ChainEvent::Receipt(Box::new(view));
                        let _ = self.events.send(EngineEvent::Chain(event)).await;
                    }
                }
                let done = (status == TxExecutionStatus::Final).then_some(None);
                (TxStatusReply::Known { status, outcome: Some(outcome) }, done)
            }
        };
        let progress = reply.progress();
        if f.last.as_ref() != Some(&progress) {
            f.last = Some(progress);
            let poll = TxPoll {
                tx: TxHash(f.tx),
                sender: f.sender.clone(),
                at_ms: millis(f.sent_at),
                reply,
            };
            let _ = self.events.send(EngineEvent::Chain(ChainEvent::TxPoll(poll))).await;
        }
        match done {
            Some(error) => {
                let event = ChainEvent::TxDone { tx: TxHash(f.tx), error };
                let _ = self.events.send(EngineEvent::Chain(event)).await;
                true
            }
            None => false,
        }
    }
}

fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}
