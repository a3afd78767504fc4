//! A FIFO queue of receipts indexed by receipt id: the delayed-receipts queue and the receipts
//! of the next block, which the pending views look up by id once per receipt per block.
//!
//! ```text
//! push_back ─▶ [ seq 7 | seq 8 | seq 9 ] ─▶ pop_front
//!   by_id: id ─▶ seq; position = seq - first
//! ```

use near_primitives::hash::CryptoHash;
use near_primitives::receipt::Receipt;
use std::collections::{HashMap, VecDeque};

#[derive(Debug, Default)]
pub struct ReceiptQueue {
    receipts: VecDeque<Receipt>,
    /// The sequence number of `receipts[0]`; each push takes the next one.
    first: u64,
    /// Each receipt's sequence number, by id (the latest, should an id come twice).
    by_id: HashMap<CryptoHash, u64>,
}

impl ReceiptQueue {
    pub fn push_back(&mut self, receipt: Receipt) {
        let seq = self.first + self.receipts.len() as u64;
        self.by_id.insert(*receipt.receipt_id(), seq);
        self.receipts.push_back(receipt);
    }

    pub fn pop_front(&mut self) -> Option<Receipt> {
        let receipt = self.receipts.pop_front()?;
        let id = receipt.receipt_id();
        if self.by_id.get(id) == Some(&self.first) {
            self.by_id.remove(id);
        }
        self.first += 1;
        Some(receipt)
    }

    /// The queued receipt with this id.
    pub fn get(&self, id: &CryptoHash) -> Option<&Receipt> {
        let seq = *self.by_id.get(id)?;
        self.receipts.get(usize::try_from(seq - self.first).ok()?)
    }

    pub fn len(&self) -> usize {
        self.receipts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.receipts.is_empty()
    }

    /// The receipts, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Receipt> {
        self.receipts.iter()
    }
}

impl Extend<Receipt> for ReceiptQueue {
    /// Queues each receipt at the back, in order.
    fn extend<I: IntoIterator<Item = Receipt>>(&mut self, receipts: I) {
        for receipt in receipts {
            self.push_back(receipt);
        }
    }
}

impl FromIterator<Receipt> for ReceiptQueue {
    fn from_iter<I: IntoIterator<Item = Receipt>>(receipts: I) -> Self {
        let mut queue = Self::default();
        queue.extend(receipts);
        queue
    }
}

impl IntoIterator for ReceiptQueue {
    type Item = Receipt;
    type IntoIter = std::collections::vec_deque::IntoIter<Receipt>;

    fn into_iter(self) -> Self::IntoIter {
        self.receipts.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use near_primitives::types::{AccountId, Balance};

    fn receipt(n: u8) -> Receipt {
        let to: AccountId = "alice.test.near".parse().expect("id");
        let mut receipt = Receipt::new_balance_refund(&to, Balance::from_yoctonear(n.into()));
        receipt.set_receipt_id(CryptoHash::hash_bytes(&[n]));
        receipt
    }

    fn id(n: u8) -> CryptoHash {
        CryptoHash::hash_bytes(&[n])
    }

    #[test]
    fn receipts_are_found_by_id_while_queued_and_leave_in_order() {
        let mut queue: ReceiptQueue = (1..=3).map(receipt).collect();
        queue.push_back(receipt(4));
        for n in 1..=4 {
            assert_eq!(queue.get(&id(n)).map(|r| *r.receipt_id()), Some(id(n)));
        }
        assert_eq!(queue.pop_front().map(|r| *r.receipt_id()), Some(id(1)));
        assert!(queue.get(&id(1)).is_none(), "a receipt that left is not found");
        assert_eq!(queue.get(&id(3)).map(|r| *r.receipt_id()), Some(id(3)));
        queue.push_back(receipt(5));
        let order: Vec<_> = queue.iter().map(|r| *r.receipt_id()).collect();
        assert_eq!(order, [2, 3, 4, 5].map(id));
        while queue.pop_front().is_some() {}
        assert!(queue.is_empty() && (1..=5).all(|n| queue.get(&id(n)).is_none()));
        assert!(queue.by_id.is_empty(), "the index empties with the queue");
    }

    #[test]
    fn an_id_queued_twice_is_found_until_its_last_copy_leaves() {
        let mut queue: ReceiptQueue = [1, 2, 1].map(receipt).into_iter().collect();
        queue.pop_front();
        assert!(queue.get(&id(1)).is_some(), "the second copy is still queued");
        queue.pop_front();
        queue.pop_front();
        assert!(queue.get(&id(1)).is_none());
    }
}
