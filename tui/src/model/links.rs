//! Data edges: which receipt feeds which callback input, and what it delivered.
//!
//! A sender lists `output_data_receivers[].data_id`; the callback lists the same ids as
//! `input_data_ids` (position = `promise_result(i)`). When a sender returns a promise
//! (`SuccessReceiptId`), the data comes from the end of that chain: the node copies the data
//! receivers to the returned receipt, so the value and the moment it arrives are that receipt's.
//!
//! Before a callback executes, `EXPERIMENTAL_tx_status` does not describe it (`receipts` lists
//! executed receipts only); an engine may report its view (`ChainEvent::Receipt`), and then its
//! `input_data_ids` are used. Without one, its inputs are inferred: a data id that an executed sender emits and no described
//! receipt consumes goes to the one not-yet-executed receipt its creator made after the sender.
//! When several such receipts exist the inference gives up and they stay `Pending`.

use super::dag::{InputInfo, InputStatus};
use super::decode;
use super::index::Index;
use crate::chain::ReceiptId;
use near_primitives::hash::CryptoHash;
use near_primitives::views::{ExecutionStatusView, ReceiptEnumView};
use std::collections::{HashMap, HashSet};

pub(super) struct Links {
    /// data id → receipts listing it as an output, in discovery order.
    senders: HashMap<CryptoHash, Vec<CryptoHash>>,
    /// Inputs of not-yet-described receipts, inferred: receipt → (data ids, total guess).
    inferred: HashMap<CryptoHash, (Vec<CryptoHash>, usize)>,
}

impl Links {
    pub fn new(ix: &Index<'_>) -> Self {
        let mut senders: HashMap<CryptoHash, Vec<CryptoHash>> = HashMap::new();
        let mut consumed: HashSet<CryptoHash> = HashSet::new();
        for id in &ix.order {
            if let Some(ReceiptEnumView::Action { output_data_receivers, input_data_ids, .. }) =
                ix.entries.get(id).map(|e| &e.receipt)
            {
                for receiver in output_data_receivers {
                    senders.entry(receiver.data_id).or_default().push(*id);
                }
                consumed.extend(input_data_ids.iter().copied());
            }
        }
        let mut links = Links { senders, inferred: HashMap::new() };
        links.infer(ix, &consumed);
        links
    }

    fn infer(&mut self, ix: &Index<'_>, consumed: &HashSet<CryptoHash>) {
        // (target, position of the first sender among its siblings, data id)
        let mut found: Vec<(CryptoHash, usize, CryptoHash)> = Vec::new();
        for (data_id, senders) in &self.senders {
            if consumed.contains(data_id) {
                continue;
            }
            let Some(first) = senders.first() else { continue };
            let Some(parent) = ix.parent.get(first) else { continue };
            let siblings = ix.children_of(parent);
            let Some(at) = siblings.iter().position(|s| s == first) else { continue };
            let mut candidates = siblings[at + 1..].iter().filter(|s| ix.is_unknown(s));
            if let (Some(target), None) = (candidates.next(), candidates.next()) {
                found.push((*target, at, *data_id));
            }
        }
        found.sort_by_key(|(target, at, _)| (ix.position.get(target).copied(), *at));
        for (target, _, data_id) in found {
            self.inferred.entry(target).or_insert_with(|| (Vec::new(), 0)).0.push(data_id);
        }
        for (target, (ids, total)) in self.inferred.iter_mut() {
            // Earlier siblings that have not run yet may be senders too.
            let pending_before = ix
                .parent
                .get(target)
                .map(|p| {
                    let siblings = ix.children_of(p);
                    let end = siblings.iter().position(|s| s == target).unwrap_or(0);
                    siblings[..end].iter().filter(|s| ix.is_unknown(s)).count()
                })
                .unwrap_or(0);
            *total = ids.len() + pending_before;
        }
    }

    /// Who delivers `data_id` and what: follows returned promises to the end of the chain.
    fn resolve(&self, ix: &Index<'_>, data_id: &CryptoHash) -> (Option<ReceiptId>, InputStatus) {
        let Some(mut current) = self.senders.get(data_id).and_then(|s| s.first()).copied() else {
            return (None, InputStatus::Pending);
        };
        for _ in 0..=ix.order.len() {
            let status = ix.outcomes.get(&current).map(|o| &o.outcome.status);
            let input = match status {
                None | Some(ExecutionStatusView::Unknown) => InputStatus::Pending,
                Some(ExecutionStatusView::SuccessValue(bytes)) => {
                    InputStatus::Success(decode::value(bytes))
                }
                Some(ExecutionStatusView::Failure(_)) => InputStatus::Failed,
                Some(ExecutionStatusView::SuccessReceiptId(next)) => {
                    current = *next;
                    continue;
                }
            };
            return (Some(ReceiptId(current)), input);
        }
        (Some(ReceiptId(current)), InputStatus::Pending)
    }

    /// The inputs of a receipt, by `promise_result` index, and whether they were inferred
    /// (`Some(total)`: the receipt is not described yet; `total` is a best guess).
    pub fn inputs(&self, ix: &Index<'_>, id: &CryptoHash) -> (Vec<InputInfo>, Option<usize>) {
        let executed = ix.outcomes.contains_key(id);
        let (ids, inferred_total): (&[CryptoHash], Option<usize>) =
            match (ix.entries.contains_key(id), self.inferred.get(id)) {
                (false, Some((ids, total))) => (ids, Some(*total)),
                _ => (ix.input_data_ids(id), None),
            };
        let inputs = ids
            .iter()
            .enumerate()
            .map(|(index, data_id)| {
                let (from, status) = self.resolve(ix, data_id);
                let status = match status {
                    InputStatus::Pending if executed => InputStatus::Arrived,
                    other => other,
                };
                InputInfo { from, index, status }
            })
            .collect();
        (inputs, inferred_total)
    }
}
