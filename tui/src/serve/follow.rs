//! Every transaction the served chain runs (sent over RPC or by the app's keys), reported after
//! each block like the embedded engine reports scenario calls: `TxSubmitted`, `Block` headers and
//! their `StateChanges`, `Receipt` views of receipts not run yet (once each), `TxPoll` when the
//! status changed, `TxDone` at FINAL.

use crate::chain::{ChainEvent, TxHash};
use crate::engine::embedded::{millis, Tracked};
use crate::engine::journal::Journal;
use crate::engine::EngineEvent;
use crate::engine::EventSender;
use near_primitives::action::Action;
use near_primitives::hash::CryptoHash;
use near_primitives::transaction::SignedTransaction;
use near_primitives::types::AccountId;
use nearviz_runtime::Runtime;
use std::collections::HashSet;
use std::time::Instant;

/// Blocks a transaction is followed before it is reported stuck (yield without resume...).
const MAX_BLOCKS_FOLLOWED: u32 = 600;

struct Followed {
    tracked: Tracked,
    /// Blocks produced since it was submitted.
    blocks: u32,
}

pub struct Follower {
    events: EventSender,
    followed: Vec<Followed>,
    sent_blocks: HashSet<CryptoHash>,
    started: Instant,
    /// `NEARVIZ_RECORD_DIR`'s recording: what is sent is appended first, one line per step.
    journal: Option<Journal>,
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
    pub fn new(events: EventSender, journal: Option<Journal>) -> Self {
        Self {
            events,
            followed: Vec::new(),
            sent_blocks: HashSet::new(),
            started: Instant::now(),
            journal,
        }
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
        let mut followed = Followed { tracked: Tracked::new(tx, sender), blocks: 0 };
        let (mut events, done) = followed.tracked.report(rt, &mut self.sent_blocks);
        events.insert(0, event);
        if !done {
            self.followed.push(followed);
        }
        self.emit(events).await;
    }

    /// Reports what the last block changed.
    pub async fn after_block(&mut self, rt: &Runtime) {
        let followed = std::mem::take(&mut self.followed);
        let mut events = Vec::new();
        for mut f in followed {
            f.blocks += 1;
            // What changed for `f` (see [`Tracked::report`]), and whether it is done.
            let (changed, done) = f.tracked.report(rt, &mut self.sent_blocks);
            events.extend(changed);
            if done {
                continue;
            }
            if f.blocks >= MAX_BLOCKS_FOLLOWED {
                let error = Some(format!("not final after {MAX_BLOCKS_FOLLOWED} blocks"));
                events.push(ChainEvent::TxDone { tx: TxHash(f.tracked.tx), error });
                continue;
            }
            self.followed.push(f);
        }
        self.emit(events).await;
    }

    /// Appends `events` to the journal (before anyone hears of them), then sends them.
    async fn emit(&mut self, events: Vec<ChainEvent>) {
        if let Some(journal) = &mut self.journal {
            journal.append(&events);
        }
        // One message for the block: the app wakes once per block, not once per event.
        let _ = self.events.send_all(events.into_iter().map(EngineEvent::Chain).collect()).await;
    }
}
