//! `watch`: receipts whose transaction it never saw (it started mid-flight, skipped blocks, or the
//! `--account` filter left the transaction out but one of its receipts touches the account).
//!
//! ```text
//! followers' TxPolls ──▶ forwarder ──▶ app        (notes every receipt they name: `Known`)
//! chunk receipts ──▶ Pending ──(settled: 3 blocks later, still unknown)──▶ lookup:
//!     blocks height-LOOKBACK..=height, transactions signed by the receipt's signer,
//!     EXPERIMENTAL_tx_status of each: the one whose receipts hold it ──▶ attach (follow it)
//!     none ──▶ one Progress line per orphan ("left out")
//! ```
//! Data receipts and refunds (from `system`) are never looked up: they belong to a transaction
//! whose action receipts are.

use crate::chain::{ChainEvent, TxStatusReply};
use crate::engine::EngineEvent;
use crate::engine::{event_channel, EventSender};
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

/// Blocks a receipt waits for the followers to name it before it is looked up.
pub const SETTLE_BLOCKS: u64 = 3;

/// Receipts and transactions the watch already follows (shared with the forwarder).
#[derive(Clone, Default)]
pub struct Known {
    receipts: Arc<Mutex<HashSet<CryptoHash>>>,
    txs: Arc<Mutex<HashSet<CryptoHash>>>,
}

impl Known {
    pub fn has_receipt(&self, id: &CryptoHash) -> bool {
        self.receipts.lock().map(|r| r.contains(id)).unwrap_or(false)
    }

    pub fn add_receipts(&self, ids: impl IntoIterator<Item = CryptoHash>) {
        if let Ok(mut receipts) = self.receipts.lock() {
            receipts.extend(ids);
        }
    }

    /// Marks `tx` followed; false if it already was.
    pub fn follow(&self, tx: CryptoHash) -> bool {
        self.txs.lock().map(|mut t| t.insert(tx)).unwrap_or(false)
    }

    pub fn follows(&self, tx: &CryptoHash) -> bool {
        self.txs.lock().map(|t| t.contains(tx)).unwrap_or(false)
    }
}

/// A sender for the followers: their events go on to `out`, and the receipts their polls name
/// become known.
pub fn forwarder(known: Known, out: EventSender) -> EventSender {
    let (tx, mut rx) = event_channel(256);
    tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            if let EngineEvent::Chain(ChainEvent::TxPoll(poll)) = &event {
                if let TxStatusReply::Known { outcome: Some(outcome), .. } = &poll.reply {
                    known.add_receipts(receipt_ids(
                        &serde_json::to_value(&outcome.final_outcome).unwrap_or_default(),
                    ));
                }
            }
            if out.send(event).await.is_err() {
                return;
            }
        }
    });
    tx
}

/// Every receipt id a transaction status (`tx` / `EXPERIMENTAL_tx_status` result) names.
pub fn receipt_ids(status: &Value) -> Vec<CryptoHash> {
    let parse = |v: &Value| v.as_str().and_then(|s| s.parse::<CryptoHash>().ok());
    let mut ids: Vec<CryptoHash> = Vec::new();
    ids.extend(
        status["transaction_outcome"]["outcome"]["receipt_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(parse),
    );
    for outcome in status["receipts_outcome"].as_array().into_iter().flatten() {
        ids.extend(parse(&outcome["id"]));
        ids.extend(
            outcome["outcome"]["receipt_ids"].as_array().into_iter().flatten().filter_map(parse),
        );
    }
    ids
}

/// A chunk receipt that no followed transaction named yet.
#[derive(Clone, Debug)]
pub struct Pending {
    pub id: CryptoHash,
    pub signer: AccountId,
    pub predecessor: AccountId,
    pub receiver: AccountId,
    /// The block whose chunk listed it.
    pub height: u64,
}

impl Pending {
    /// An action receipt of a chunk (`None` for data receipts, refunds and unreadable ones).
    pub fn from_chunk(receipt: &Value, height: u64) -> Option<Pending> {
        let account = |v: &Value| v.as_str().and_then(|s| s.parse::<AccountId>().ok());
        let predecessor = account(&receipt["predecessor_id"])?;
        if predecessor.is_system() {
            return None;
        }
        Some(Pending {
            id: receipt["receipt_id"].as_str()?.parse().ok()?,
            signer: account(&receipt["receipt"]["Action"]["signer_id"])?,
            predecessor,
            receiver: account(&receipt["receiver_id"])?,
            height,
        })
    }

    pub fn touches(&self, accounts: &[AccountId]) -> bool {
        accounts.is_empty()
            || accounts
                .iter()
                .any(|a| *a == self.signer || *a == self.predecessor || *a == self.receiver)
    }
}

/// A transaction of a block: hash, signer, receiver.
pub type BlockTx = (CryptoHash, AccountId, AccountId);

/// The transactions of recent blocks, by height (filled by the walk and by lookups).
#[derive(Default)]
pub struct BlockTxs(BTreeMap<u64, Vec<BlockTx>>);

impl BlockTxs {
    pub fn insert(&mut self, height: u64, txs: Vec<BlockTx>) {
        self.0.insert(height, txs);
    }

    pub fn get(&self, height: u64) -> Option<&Vec<BlockTx>> {
        self.0.get(&height)
    }

    /// Forgets blocks under `height`.
    pub fn forget_below(&mut self, height: u64) {
        self.0 = self.0.split_off(&height);
    }
}

/// The transactions of a block as `chunk` lists them.
pub fn chunk_txs(chunk: &Value) -> Vec<BlockTx> {
    chunk["transactions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tx| {
            let account = |f: &str| tx[f].as_str().and_then(|s| s.parse::<AccountId>().ok());
            Some((
                tx["hash"].as_str()?.parse().ok()?,
                account("signer_id")?,
                account("receiver_id")?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn action_receipts_are_pending_data_and_refunds_are_not() {
        let action = json!({
            "predecessor_id": "xcc.test.near", "receiver_id": "hello.test.near",
            "receipt_id": "11111111111111111111111111111111",
            "receipt": {"Action": {"signer_id": "alice.test.near", "actions": []}},
        });
        let pending = Pending::from_chunk(&action, 7).expect("an action receipt");
        assert_eq!(pending.signer.as_str(), "alice.test.near");
        assert!(pending.touches(&["hello.test.near".parse().expect("id")]));
        assert!(!pending.touches(&["bob.test.near".parse().expect("id")]));
        let data = json!({
            "predecessor_id": "xcc.test.near", "receiver_id": "hello.test.near",
            "receipt_id": "11111111111111111111111111111111",
            "receipt": {"Data": {"data_id": "11111111111111111111111111111111", "data": null}},
        });
        assert!(Pending::from_chunk(&data, 7).is_none());
        let mut refund = action.clone();
        refund["predecessor_id"] = json!("system");
        assert!(Pending::from_chunk(&refund, 7).is_none());
    }

    #[test]
    fn receipt_ids_cover_outcomes_and_what_they_created() {
        let a = CryptoHash::hash_bytes(b"a");
        let b = CryptoHash::hash_bytes(b"b");
        let c = CryptoHash::hash_bytes(b"c");
        let status = json!({
            "transaction_outcome": {"outcome": {"receipt_ids": [a]}},
            "receipts_outcome": [{"id": a, "outcome": {"receipt_ids": [b, c]}}],
        });
        let ids = receipt_ids(&status);
        assert!([a, b, c].iter().all(|id| ids.contains(id)), "{ids:?}");
    }
}
