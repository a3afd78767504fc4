//! Yield/resume (NEP-519) as a protocol-86 node runs it (instant yields and the yield status in
//! state, both since protocol 83; yield ids since 85).
//!
//! ```text
//! promise_yield_create ─▶ status Yielded (the account's state, with the receipt)
//!                        PromiseYield receipt (input: one data id) ─▶ stored at once (instant
//!                        receipt, no outcome) + timeout entry (height + 200)
//! promise_yield_resume ─▶ true if status/receipt present: status ResumeInitiated,
//!                        PromiseResume(Some(payload)) receipt ─▶ next block: the yielded
//!                        receipt runs there with PromiseResult::Successful(payload)
//! end of block H = expiry, receipt still stored ─▶ PromiseResume(None) (id from the data id)
//!                        ─▶ block H+1: dropped if a resume was initiated, else the yielded
//!                        receipt runs with PromiseResult::Failed
//! ```
//! A second resume is `true` while the first PromiseResume is in flight (the status is still
//! there; the extra receipt is dropped on arrival) and `false` once the callback ran. A resume
//! from another account finds nothing under its own account: `false`.

use crate::state::State;
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::{DataReceipt, Receipt, ReceiptEnum, ReceiptV0};
use near_primitives::types::AccountId;
use near_primitives::utils::create_receipt_id_from_receipt_id;
use std::collections::{HashMap, VecDeque};

/// Where a yield stands (nearcore's `PromiseYieldStatus`), kept in the yielding account's
/// state from `promise_yield_create` until the yielded receipt runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YieldStatus {
    Yielded,
    ResumeInitiated,
}

/// One entry of the timeout queue (ordered by expiry: entries are appended as heights grow).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Timeout {
    account_id: AccountId,
    data_id: CryptoHash,
    expires_at: u64,
}

/// The yielded receipts waiting for a resume, and the timeout queue (one shard).
#[derive(Default, Debug)]
pub struct Yields {
    /// `PromiseYield` receipts by `(account, data id)` (nearcore's `PromiseYieldReceipt` key).
    receipts: HashMap<(AccountId, CryptoHash), Receipt>,
    timeouts: VecDeque<Timeout>,
}

impl Yields {
    /// Holds a `PromiseYield` receipt just created at `height` (an instant receipt: no outcome)
    /// until it is resumed or its timeout at `height + length`. False, holding nothing, for any
    /// other receipt.
    pub fn hold(&mut self, receipt: &Receipt, height: u64, length: u64) -> bool {
        let Some(data_id) = yield_data_id(receipt) else { return false };
        let account_id = receipt.receiver_id().clone();
        self.receipts.insert((account_id.clone(), data_id), receipt.clone());
        self.timeouts.push_back(Timeout {
            account_id,
            data_id,
            expires_at: height.saturating_add(length),
        });
        true
    }

    /// Takes the yielded receipt waiting for `data_id` on `account`, if it still waits.
    pub fn take(&mut self, account: &AccountId, data_id: &CryptoHash) -> Option<Receipt> {
        self.receipts.remove(&(account.clone(), *data_id))
    }

    /// A yielded receipt not run yet, by receipt id (for `EXPERIMENTAL_receipt` and pending views).
    pub fn pending(&self, id: &CryptoHash) -> Option<&Receipt> {
        self.receipts.values().find(|r| r.receipt_id() == id)
    }

    /// How many yielded receipts wait for a resume or their timeout.
    pub fn waiting(&self) -> usize {
        self.receipts.len()
    }

    /// Pops the timeouts due at `height` (the end of that block) and returns a
    /// `PromiseResume(None)` receipt for each yield still waiting; it arrives in the next block.
    /// Ids: `create_receipt_id_from_receipt_id(data_id, height, n)`, n counting them.
    pub fn expire(&mut self, height: u64) -> Vec<Receipt> {
        let mut resumes = Vec::new();
        while self.timeouts.front().is_some_and(|t| t.expires_at <= height) {
            let Some(due) = self.timeouts.pop_front() else { break };
            if !self.receipts.contains_key(&(due.account_id.clone(), due.data_id)) {
                continue;
            }
            let id = create_receipt_id_from_receipt_id(&due.data_id, height, resumes.len());
            resumes.push(Receipt::V0(ReceiptV0 {
                predecessor_id: due.account_id.clone(),
                receiver_id: due.account_id,
                receipt_id: id,
                receipt: ReceiptEnum::PromiseResume(DataReceipt {
                    data_id: due.data_id,
                    data: None,
                }),
            }));
        }
        resumes
    }
}

/// A `PromiseResume` receipt arrives on `account`: the yielded receipt it resumes, ready to run
/// (its input stored), or `None` when there is nothing to run: a timeout after a resume was
/// initiated, or a second resume after the yield ran (both dropped, as the node drops them).
pub fn resume(state: &mut State, account: &AccountId, data: &DataReceipt) -> Option<Receipt> {
    let record = state.accounts.get_mut(account);
    let status = record.as_ref().and_then(|r| r.yield_status.get(&data.data_id).copied());
    if data.data.is_none() && status == Some(YieldStatus::ResumeInitiated) {
        return None;
    }
    let yielded = state.yields.take(account, &data.data_id)?;
    if let Some(record) = record {
        record.yield_status.remove(&data.data_id);
        record.yield_ids.retain(|_, id| *id != data.data_id);
    }
    state.received_data.insert((account.clone(), data.data_id), data.data.clone());
    Some(yielded)
}

/// The data id a `PromiseYield` receipt waits for (its one input).
fn yield_data_id(receipt: &Receipt) -> Option<CryptoHash> {
    let inputs = match receipt.receipt() {
        ReceiptEnum::PromiseYield(a) => &a.input_data_ids,
        ReceiptEnum::PromiseYieldV2(a) => &a.input_data_ids,
        _ => return None,
    };
    inputs.first().copied()
}

/// The body of a yielded receipt: the same action receipt, marked as a `PromiseYield`.
pub fn as_yield(body: ReceiptEnum) -> ReceiptEnum {
    match body {
        ReceiptEnum::Action(a) => ReceiptEnum::PromiseYield(a),
        ReceiptEnum::ActionV2(a) => ReceiptEnum::PromiseYieldV2(a),
        other => other,
    }
}

/// The `PromiseResume` receipt a `promise_yield_resume` on `account` sends to itself.
pub fn resume_receipt(account: &AccountId, data_id: CryptoHash, payload: Vec<u8>) -> Receipt {
    Receipt::V0(ReceiptV0 {
        predecessor_id: account.clone(),
        receiver_id: account.clone(),
        receipt_id: CryptoHash::default(),
        receipt: ReceiptEnum::PromiseResume(DataReceipt { data_id, data: Some(payload) }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use near_crypto::{KeyType, PublicKey};
    use near_primitives::receipt::ActionReceipt;
    use near_primitives::types::Balance;

    fn yielded(account: &str, data_id: CryptoHash, id: CryptoHash) -> Receipt {
        let account: AccountId = account.parse().expect("account id");
        Receipt::V0(ReceiptV0 {
            predecessor_id: account.clone(),
            receiver_id: account.clone(),
            receipt_id: id,
            receipt: ReceiptEnum::PromiseYield(ActionReceipt {
                signer_id: account,
                signer_public_key: PublicKey::empty(KeyType::ED25519),
                gas_price: Balance::ZERO,
                output_data_receivers: vec![],
                input_data_ids: vec![data_id],
                actions: vec![],
            }),
        })
    }

    #[test]
    fn timeouts_fire_at_expiry_only_for_yields_still_waiting() {
        let mut yields = Yields::default();
        let (d1, d2) = (CryptoHash::hash_bytes(b"d1"), CryptoHash::hash_bytes(b"d2"));
        let (y1, y2) = (yielded("a.near", d1, d1), yielded("a.near", d2, d2));
        for y in [&y1, &y2] {
            assert!(yields.hold(y, 10, 200));
        }
        assert_eq!(yields.waiting(), 2);
        assert!(yields.expire(209).is_empty(), "not due before 210");
        assert!(yields.take(&"a.near".parse().expect("id"), &d1).is_some(), "resumed");
        let resumes = yields.expire(210);
        assert_eq!(resumes.len(), 1, "only the yield still waiting times out");
        assert_eq!(*resumes[0].receipt_id(), create_receipt_id_from_receipt_id(&d2, 210, 0));
        assert!(matches!(
            resumes[0].receipt(),
            ReceiptEnum::PromiseResume(DataReceipt { data: None, data_id }) if *data_id == d2
        ));
        assert!(yields.expire(500).is_empty(), "each timeout fires once");
        let resume = resume_receipt(&"a.near".parse().expect("id"), d1, vec![]);
        assert!(!yields.hold(&resume, 300, 200), "only yields are held");
        assert_eq!(yields.waiting(), 1);
    }
}
