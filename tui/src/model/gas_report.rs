//! The session's gas report: per `receiver.method`, how many calls and the min / median / max
//! gas they burnt (forge's gas report, for NEAR receipts). Pure over the `Dag`.
//!
//! A call is an executed receipt with FunctionCall actions (refunds and transfers are not
//! calls); a batch of several calls is one row named by its methods joined with `+`, since the
//! node reports one gas burnt for the whole receipt.

use super::dag::{Dag, ReceiptNode, Status, TxNode};
use super::gas_profile::{parts_of, Breakdown, Part};
use near_primitives::types::{AccountId, Gas};
use std::collections::BTreeMap;

/// One `receiver.method` of the report.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GasRow {
    /// `hello.test.near.get_greeting`.
    pub method: String,
    /// Its two halves: `hello.test.near` and `get_greeting` (`a+b` for a batch).
    pub receiver: AccountId,
    pub name: String,
    pub calls: usize,
    pub min: Gas,
    /// The middle call's gas; with an even number of calls, the mean of the two middle ones.
    pub median: Gas,
    pub max: Gas,
}

/// Every method called in the session, sorted by name.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct GasReport {
    pub rows: Vec<GasRow>,
}

/// `receiver.method` of an executed call receipt, `None` for anything else.
pub fn method_key(r: &ReceiptNode) -> Option<String> {
    let (receiver, name) = call_of(r)?;
    Some(format!("{receiver}.{name}"))
}

/// The receiver and the method(s) of an executed call receipt.
fn call_of(r: &ReceiptNode) -> Option<(&AccountId, String)> {
    if r.is_refund || matches!(r.status, Status::Pending | Status::Waiting { .. }) {
        return None;
    }
    let methods: Vec<&str> = r.actions.iter().filter_map(|a| a.method.as_deref()).collect();
    if methods.is_empty() {
        return None;
    }
    Some((r.receiver.as_ref()?, methods.join("+")))
}

/// Every call of `method` (a report row's key) in `dag`, with its transaction.
pub fn calls_of<'a>(dag: &'a Dag, method: &str) -> Vec<(&'a TxNode, &'a ReceiptNode)> {
    dag.transactions
        .iter()
        .flat_map(|t| t.receipts.iter().map(move |r| (t, r)))
        .filter(|(_, r)| method_key(r).as_deref() == Some(method))
        .collect()
}

/// Where the gas of every call of `method` went, all calls added up: the parts, largest
/// first, and the gas they burnt in all.
pub fn method_parts(dag: &Dag, method: &str, breakdown: Breakdown) -> (Vec<Part>, Gas) {
    parts_of(calls_of(dag, method).into_iter().map(|(_, r)| r), breakdown)
}

impl GasReport {
    /// The report of every transaction in `dag`.
    pub fn of(dag: &Dag) -> GasReport {
        let mut burnt: BTreeMap<String, (AccountId, String, Vec<Gas>)> = BTreeMap::new();
        for r in dag.transactions.iter().flat_map(|t| &t.receipts) {
            if let Some((receiver, name)) = call_of(r) {
                let key = format!("{receiver}.{name}");
                let entry =
                    burnt.entry(key).or_insert_with(|| (receiver.clone(), name, Vec::new()));
                entry.2.push(r.gas_burnt);
            }
        }
        let rows = burnt
            .into_iter()
            .filter_map(|(method, (receiver, name, gas))| row(method, (receiver, name), gas))
            .collect();
        GasReport { rows }
    }

    pub fn row(&self, method: &str) -> Option<&GasRow> {
        self.rows.iter().find(|r| r.method == method)
    }
}

/// The row of `method` (`receiver.name`) from the gas its calls burnt.
fn row(method: String, (receiver, name): (AccountId, String), mut gas: Vec<Gas>) -> Option<GasRow> {
    gas.sort();
    let n = gas.len();
    let (min, max) = (*gas.first()?, *gas.last()?);
    let median = if n % 2 == 1 {
        gas[n / 2]
    } else {
        let (a, b) = (gas[n / 2 - 1].as_gas(), gas[n / 2].as_gas());
        Gas::from_gas(a / 2 + b / 2 + (a % 2 + b % 2) / 2)
    };
    Some(GasRow { method, receiver, name, calls: n, min, median, max })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(method: String, gas: Vec<Gas>) -> Option<GasRow> {
        let receiver: AccountId = "app.near".parse().expect("account");
        super::row(method, (receiver, "m".into()), gas)
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        let g = |v: &[u64]| v.iter().map(|x| Gas::from_gas(*x)).collect::<Vec<_>>();
        let odd = row("a.m".into(), g(&[5, 1, 3])).expect("row");
        assert_eq!(
            (odd.calls, odd.min, odd.median, odd.max),
            (3, g(&[1])[0], g(&[3])[0], g(&[5])[0])
        );
        let even = row("a.m".into(), g(&[4, 1, 3, 10])).expect("row");
        assert_eq!(even.median, Gas::from_gas(3)); // (3 + 4) / 2, rounded down
        assert_eq!(row("a.m".into(), Vec::new()), None);
    }
}
