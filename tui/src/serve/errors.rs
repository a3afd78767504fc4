//! The node's error shapes (near-jsonrpc-primitives), for every method.

use near_jsonrpc_primitives::errors::RpcError;
use near_jsonrpc_primitives::types::transactions::RpcTransactionError;
use near_primitives::errors::InvalidTxError;
use nearviz_runtime::RuntimeError;
use serde_json::Value;

/// One answer.
pub type Reply = Result<Value, RpcError>;

/// A handler or internal error in the node's shape (near-jsonrpc-primitives' conversions).
pub fn handler_error<E: Into<RpcError>>(err: E) -> RpcError {
    err.into()
}

/// A transaction error, with the invalid-transaction reason in `data` as the node sends it.
pub fn tx_error(err: RpcTransactionError) -> RpcError {
    err.into()
}

/// Why the runtime refused a transaction, as the node answers it: an invalid transaction is
/// `INVALID_TRANSACTION` with the typed reason in `data`; anything else is an internal error.
pub fn rejected(err: RuntimeError) -> RpcError {
    match err {
        RuntimeError::InvalidTransaction(context) => invalid_tx(context),
        other => tx_error(RpcTransactionError::InternalError { debug_info: other.to_string() }),
    }
}

/// `INVALID_TRANSACTION` for `context`, as the node sends it.
pub fn invalid_tx(context: InvalidTxError) -> RpcError {
    tx_error(RpcTransactionError::InvalidTransaction { context })
}
