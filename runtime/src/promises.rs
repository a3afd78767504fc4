//! Receipts a contract creates while it runs (`promise_create`, `promise_then`, `promise_and`,
//! `promise_batch_*`), with dense indices, and the split of unused gas by weight.

use near_primitives::action::{Action, FunctionCallAction};
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::DataReceiver;
use near_primitives::types::{AccountId, Gas};

/// One receipt being built by a running contract.
#[derive(Clone, Debug)]
pub struct NewReceipt {
    pub receiver_id: AccountId,
    pub input_data_ids: Vec<CryptoHash>,
    pub output_data_receivers: Vec<DataReceiver>,
    pub actions: Vec<Action>,
    pub refund_to: Option<AccountId>,
    /// Made by `promise_yield_create`: sent as a `PromiseYield` receipt.
    pub is_yield: bool,
}

/// All receipts of one function call, in creation order (index = receipt index).
#[derive(Default, Debug)]
pub struct Promises {
    pub receipts: Vec<NewReceipt>,
    /// `(receipt index, action index, weight)` of function calls with a gas weight.
    weights: Vec<(usize, usize, u64)>,
    /// `promise_yield_resume` payloads, by data id, in call order: `PromiseResume` receipts
    /// sent after the action receipts.
    pub resumes: Vec<(CryptoHash, Vec<u8>)>,
}

impl Promises {
    /// A new receipt that runs after the receipts `after` (each gets a data edge to it).
    pub fn create(
        &mut self,
        data_ids: Vec<CryptoHash>,
        after: &[u64],
        receiver_id: AccountId,
    ) -> Option<u64> {
        for (data_id, index) in data_ids.iter().zip(after) {
            let producer = self.receipts.get_mut(usize::try_from(*index).ok()?)?;
            producer
                .output_data_receivers
                .push(DataReceiver { data_id: *data_id, receiver_id: receiver_id.clone() });
        }
        self.receipts.push(NewReceipt {
            receiver_id,
            input_data_ids: data_ids,
            output_data_receivers: Vec::new(),
            actions: Vec::new(),
            refund_to: None,
            is_yield: false,
        });
        u64::try_from(self.receipts.len() - 1).ok()
    }

    /// A yielded receipt to `receiver_id` waiting for the one input `data_id`.
    pub fn create_yield(&mut self, data_id: CryptoHash, receiver_id: AccountId) -> Option<u64> {
        let index = self.create(vec![data_id], &[], receiver_id)?;
        if let Some(receipt) = self.receipts.last_mut() {
            receipt.is_yield = true;
        }
        Some(index)
    }

    pub fn receipt(&self, index: u64) -> Option<&NewReceipt> {
        self.receipts.get(usize::try_from(index).ok()?)
    }

    pub fn receipt_mut(&mut self, index: u64) -> Option<&mut NewReceipt> {
        self.receipts.get_mut(usize::try_from(index).ok()?)
    }

    /// Appends an action; returns its index inside the receipt.
    pub fn push_action(&mut self, index: u64, action: Action) -> Option<usize> {
        let receipt = self.receipt_mut(index)?;
        receipt.actions.push(action);
        Some(receipt.actions.len() - 1)
    }

    pub fn push_function_call(&mut self, index: u64, call: FunctionCallAction, weight: u64) {
        if let Some(action_index) = self.push_action(index, Action::FunctionCall(Box::new(call))) {
            if weight > 0 {
                if let Ok(receipt_index) = usize::try_from(index) {
                    self.weights.push((receipt_index, action_index, weight));
                }
            }
        }
    }

    /// Splits `unused` gas over the weighted function calls (floor of the share each, the
    /// remainder to the last one). Returns how much was handed out (0 or `unused`).
    pub fn distribute_gas(&mut self, unused: u64) -> u64 {
        let total: u128 = self.weights.iter().map(|(_, _, w)| u128::from(*w)).sum();
        if total == 0 || unused == 0 {
            return 0;
        }
        let mut given: u64 = 0;
        let count = self.weights.len();
        for (n, &(receipt, action, weight)) in self.weights.iter().enumerate() {
            let mut share = (u128::from(unused) * u128::from(weight) / total) as u64;
            given += share;
            if n + 1 == count {
                share += unused - given;
                given = unused;
            }
            if let Some(Action::FunctionCall(call)) =
                self.receipts.get_mut(receipt).and_then(|r| r.actions.get_mut(action))
            {
                call.gas = Gas::from_gas(call.gas.as_gas().saturating_add(share));
            }
        }
        given
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str) -> AccountId {
        name.parse().expect("valid account id")
    }

    fn call(gas: u64) -> FunctionCallAction {
        FunctionCallAction {
            method_name: "m".into(),
            args: vec![],
            gas: Gas::from_gas(gas),
            deposit: near_primitives::types::Balance::ZERO,
        }
    }

    fn gas_of(p: &Promises, receipt: usize) -> u64 {
        match &p.receipts[receipt].actions[0] {
            Action::FunctionCall(c) => c.gas.as_gas(),
            _ => panic!("not a function call"),
        }
    }

    #[test]
    fn weights_split_unused_gas_with_remainder_to_last() {
        let mut p = Promises::default();
        for (static_gas, weight) in [(1_000_000u64, 3u64), (3_000_000, 2), (0, 0)] {
            let i = p.create(vec![], &[], account("a.near")).expect("index");
            p.push_function_call(i, call(static_gas), weight);
        }
        assert_eq!(p.distribute_gas(10_000_001), 10_000_001);
        assert_eq!(gas_of(&p, 0), 1_000_000 + 6_000_000);
        assert_eq!(gas_of(&p, 1), 3_000_000 + 4_000_001);
        assert_eq!(gas_of(&p, 2), 0);
    }

    #[test]
    fn then_adds_output_data_receivers_in_order() {
        let mut p = Promises::default();
        let a = p.create(vec![], &[], account("a.near")).expect("a");
        let b = p.create(vec![], &[], account("b.near")).expect("b");
        let d1 = CryptoHash::hash_bytes(b"1");
        let d2 = CryptoHash::hash_bytes(b"2");
        let c = p.create(vec![d1, d2], &[a, b], account("c.near")).expect("c");
        assert_eq!(c, 2);
        assert_eq!(p.receipts[0].output_data_receivers[0].data_id, d1);
        assert_eq!(p.receipts[1].output_data_receivers[0].data_id, d2);
        assert_eq!(p.receipts[2].input_data_ids, vec![d1, d2]);
        assert!(p.create(vec![d1], &[7], account("x.near")).is_none());
    }
}
