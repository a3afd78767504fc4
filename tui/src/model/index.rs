//! Lookup tables over one transaction's view: outcomes and receipts by id, who created whom,
//! and the order receipts were discovered in (breadth-first from the transaction).

use super::dag::Parent;
use crate::chain::{ReceiptId, TxHash};
use near_primitives::hash::CryptoHash;
use near_primitives::views::{
    ExecutionOutcomeWithIdView, FinalExecutionOutcomeWithReceiptView, ReceiptEnumView, ReceiptView,
};
use std::collections::{HashMap, VecDeque};

pub(super) struct Index<'a> {
    pub tx: TxHash,
    pub view: &'a FinalExecutionOutcomeWithReceiptView,
    pub outcomes: HashMap<CryptoHash, &'a ExecutionOutcomeWithIdView>,
    pub entries: HashMap<CryptoHash, &'a ReceiptView>,
    /// Every receipt id, in discovery order.
    pub order: Vec<CryptoHash>,
    pub parent: HashMap<CryptoHash, Parent>,
    pub position: HashMap<CryptoHash, usize>,
}

impl<'a> Index<'a> {
    /// `pending`: receipts reported before they ran; one describes a receipt of this
    /// transaction that an outcome names and the view does not describe (yet).
    pub fn new(
        view: &'a FinalExecutionOutcomeWithReceiptView,
        pending: &'a HashMap<CryptoHash, ReceiptView>,
    ) -> Self {
        let fo = &view.final_outcome;
        let tx = TxHash(fo.transaction.hash);
        let outcomes: HashMap<_, _> = fo.receipts_outcome.iter().map(|o| (o.id, o)).collect();
        let entries: HashMap<_, _> = view.receipts.iter().map(|r| (r.receipt_id, r)).collect();
        let mut index = Index {
            tx,
            view,
            outcomes,
            entries,
            order: Vec::new(),
            parent: HashMap::new(),
            position: HashMap::new(),
        };
        let mut queue: VecDeque<CryptoHash> = VecDeque::new();
        for id in &fo.transaction_outcome.outcome.receipt_ids {
            if index.discover(*id, Parent::Tx(tx)) {
                queue.push_back(*id);
            }
        }
        index.walk(&mut queue);
        // Outcomes and receipts no discovered receipt created (their parent's outcome is missing
        // from a partial answer): attach them to the transaction, in the node's order.
        let orphans: Vec<CryptoHash> = fo
            .receipts_outcome
            .iter()
            .map(|o| o.id)
            .chain(view.receipts.iter().map(|r| r.receipt_id))
            .collect();
        for id in orphans {
            if index.discover(id, Parent::Tx(tx)) {
                queue.push_back(id);
                index.walk(&mut queue);
            }
        }
        for id in &index.order {
            if let (false, Some(known)) = (index.entries.contains_key(id), pending.get(id)) {
                index.entries.insert(*id, known);
            }
        }
        index
    }

    fn discover(&mut self, id: CryptoHash, parent: Parent) -> bool {
        if self.position.contains_key(&id) {
            return false;
        }
        self.position.insert(id, self.order.len());
        self.order.push(id);
        self.parent.insert(id, parent);
        true
    }

    fn walk(&mut self, queue: &mut VecDeque<CryptoHash>) {
        while let Some(id) = queue.pop_front() {
            let children: Vec<CryptoHash> =
                self.outcomes.get(&id).map(|o| o.outcome.receipt_ids.clone()).unwrap_or_default();
            for child in children {
                if self.discover(child, Parent::Receipt(ReceiptId(id))) {
                    queue.push_back(child);
                }
            }
        }
    }

    /// The receipts a parent created, in creation order.
    pub fn children_of(&self, parent: &Parent) -> &'a [CryptoHash] {
        match parent {
            Parent::Tx(_) => &self.view.final_outcome.transaction_outcome.outcome.receipt_ids,
            Parent::Receipt(r) => {
                self.outcomes.get(&r.0).map(|o| o.outcome.receipt_ids.as_slice()).unwrap_or(&[])
            }
        }
    }

    /// Neither executed nor described: known only by id.
    pub fn is_unknown(&self, id: &CryptoHash) -> bool {
        !self.outcomes.contains_key(id) && !self.entries.contains_key(id)
    }

    /// `input_data_ids` of an action receipt.
    pub fn input_data_ids(&self, id: &CryptoHash) -> &'a [CryptoHash] {
        match self.entries.get(id).map(|e| &e.receipt) {
            Some(ReceiptEnumView::Action { input_data_ids, .. }) => input_data_ids,
            _ => &[],
        }
    }
}
