//! Transaction answers: `send_tx`, `tx` and `EXPERIMENTAL_tx_status` in the node's shape, and the
//! requests waiting for a transaction to reach their `wait_until`.

use super::errors::{tx_error, Reply};
use near_jsonrpc_primitives::types::transactions::{RpcTransactionError, TimeoutErrorCause};
use near_primitives::hash::CryptoHash;
use near_primitives::views::TxExecutionStatus;
use nearviz_runtime::{Runtime, TxStatus};
use serde_json::Value;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// How long a request waits for its `wait_until` before the node's timeout error.
pub const WAIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether a transaction at `have` satisfies a request for `want` (the node's rule: the
/// executed and the final branches only meet at EXECUTED and FINAL).
pub fn satisfies(want: &TxExecutionStatus, have: &TxExecutionStatus) -> bool {
    use TxExecutionStatus as S;
    match want {
        S::None => true,
        S::Included => *have != S::None,
        S::ExecutedOptimistic => matches!(have, S::ExecutedOptimistic | S::Executed | S::Final),
        S::IncludedFinal => matches!(have, S::IncludedFinal | S::Executed | S::Final),
        S::Executed => matches!(have, S::Executed | S::Final),
        S::Final => *have == S::Final,
    }
}

/// The status of a transaction as the RPC reports it now: `Ok(None)` when it is not included.
pub fn current(rt: &Runtime, tx: &CryptoHash) -> Result<TxExecutionStatus, RpcTransactionError> {
    match rt.tx_status(tx) {
        TxStatus::Known { status, .. } => Ok(status),
        TxStatus::Rejected(_) => Err(RpcTransactionError::InternalError {
            debug_info: "the transaction was rejected".into(),
        }),
        TxStatus::Unknown => Ok(TxExecutionStatus::None),
    }
}

/// The answer for transaction `tx` as it is now (`receipts`: `EXPERIMENTAL_tx_status`).
pub fn tx_response(rt: &Runtime, tx: &CryptoHash, receipts: bool) -> Reply {
    match rt.tx_status(tx) {
        TxStatus::Known { status, outcome } => {
            // Like a node once the transaction's chunk is applied: the outcomes so far, while
            // INCLUDED too (`status: Started`), so a follower sees receipts and callbacks wait.
            let mut body = if receipts {
                serde_json::to_value(&*outcome).map_err(internal)?
            } else {
                serde_json::to_value(&outcome.final_outcome).map_err(internal)?
            };
            if let Value::Object(map) = &mut body {
                map.insert(
                    "final_execution_status".into(),
                    serde_json::to_value(status).map_err(internal)?,
                );
            }
            Ok(body)
        }
        TxStatus::Rejected(reason) => Err(super::errors::invalid_tx(reason)),
        TxStatus::Unknown if rt.knows_tx(tx) => {
            Ok(serde_json::json!({ "final_execution_status": "NONE" }))
        }
        TxStatus::Unknown => Err(tx_error(RpcTransactionError::UnknownTransaction {
            requested_transaction_hash: *tx,
        })),
    }
}

fn internal(err: serde_json::Error) -> near_jsonrpc_primitives::errors::RpcError {
    near_jsonrpc_primitives::errors::RpcError::serialization_error(err.to_string())
}

/// A request waiting for a transaction.
pub struct Waiter {
    pub tx: CryptoHash,
    pub until: TxExecutionStatus,
    pub receipts: bool,
    pub deadline: Instant,
    pub reply: oneshot::Sender<Reply>,
}

/// Every waiting request.
#[derive(Default)]
pub struct Waiters {
    waiting: Vec<Waiter>,
}

impl Waiters {
    pub fn push(&mut self, waiter: Waiter) {
        self.waiting.push(waiter);
    }

    /// The earliest deadline, to wake up for it.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.waiting.iter().map(|w| w.deadline).min()
    }

    /// Answers every request whose transaction got where it waited for, was rejected, or
    /// timed out; keeps the others.
    pub fn check(&mut self, rt: &Runtime) {
        let now = Instant::now();
        let mut still = Vec::with_capacity(self.waiting.len());
        for waiter in self.waiting.drain(..) {
            if waiter.reply.is_closed() {
                continue;
            }
            match current(rt, &waiter.tx) {
                Ok(status) if satisfies(&waiter.until, &status) => {
                    let _ = waiter.reply.send(tx_response(rt, &waiter.tx, waiter.receipts));
                }
                Err(_) => {
                    let _ = waiter.reply.send(tx_response(rt, &waiter.tx, waiter.receipts));
                }
                Ok(_) if now >= waiter.deadline => {
                    let cause = Some(TimeoutErrorCause::default());
                    let _ =
                        waiter.reply.send(Err(tx_error(RpcTransactionError::TimeoutError(cause))));
                }
                Ok(_) => still.push(waiter),
            }
        }
        self.waiting = still;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TxExecutionStatus as S;

    #[test]
    fn the_executed_and_final_branches_meet_only_at_executed() {
        assert!(satisfies(&S::ExecutedOptimistic, &S::Executed));
        assert!(!satisfies(&S::ExecutedOptimistic, &S::IncludedFinal));
        assert!(!satisfies(&S::IncludedFinal, &S::ExecutedOptimistic));
        assert!(satisfies(&S::IncludedFinal, &S::Final));
        assert!(!satisfies(&S::Final, &S::Executed));
        assert!(satisfies(&S::None, &S::None));
        assert!(!satisfies(&S::Included, &S::None));
    }
}
