//! The session's gas report: per `receiver.method`, how many calls and the min / median / max
//! gas they burnt (forge's gas report, for NEAR receipts). Pure over the `Dag`.
//!
//! A call is an executed receipt with FunctionCall actions (refunds and transfers are not
//! calls); a batch of several calls is one row named by its methods joined with `+`, since the
//! node reports one gas burnt for the whole receipt.

use super::dag::{Dag, ReceiptNode, Status};
use near_primitives::types::Gas;
use std::collections::BTreeMap;

/// One `receiver.method` of the report.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GasRow {
    /// `hello.test.near.get_greeting`.
    pub method: String,
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
    if r.is_refund || matches!(r.status, Status::Pending | Status::Waiting { .. }) {
        return None;
    }
    let methods: Vec<&str> = r.actions.iter().filter_map(|a| a.method.as_deref()).collect();
    if methods.is_empty() {
        return None;
    }
    let receiver = r.receiver.as_ref()?;
    Some(format!("{receiver}.{}", methods.join("+")))
}

impl GasReport {
    /// The report of every transaction in `dag`.
    pub fn of(dag: &Dag) -> GasReport {
        let mut burnt: BTreeMap<String, Vec<Gas>> = BTreeMap::new();
        for r in dag.transactions.iter().flat_map(|t| &t.receipts) {
            if let Some(key) = method_key(r) {
                burnt.entry(key).or_default().push(r.gas_burnt);
            }
        }
        let rows = burnt.into_iter().filter_map(|(method, gas)| row(method, gas)).collect();
        GasReport { rows }
    }

    pub fn row(&self, method: &str) -> Option<&GasRow> {
        self.rows.iter().find(|r| r.method == method)
    }
}

fn row(method: String, mut gas: Vec<Gas>) -> Option<GasRow> {
    gas.sort();
    let n = gas.len();
    let (min, max) = (*gas.first()?, *gas.last()?);
    let median = if n % 2 == 1 {
        gas[n / 2]
    } else {
        let (a, b) = (gas[n / 2 - 1].as_gas(), gas[n / 2].as_gas());
        Gas::from_gas(a / 2 + b / 2 + (a % 2 + b % 2) / 2)
    };
    Some(GasRow { method, calls: n, min, median, max })
}

#[cfg(test)]
mod tests {
    use super::*;

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
