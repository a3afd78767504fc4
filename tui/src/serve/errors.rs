//! The node's error shapes (near-jsonrpc-primitives), for every method.

use near_jsonrpc_primitives::errors::RpcError;
use near_jsonrpc_primitives::types::transactions::RpcTransactionError;
use serde_json::{json, Value};

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

/// A transaction the runtime rejected for a reason it only has in words.
pub fn rejected(reason: &str) -> RpcError {
    let value = json!({ "name": "INVALID_TRANSACTION", "info": { "error_message": reason } });
    RpcError::new_internal_or_handler_error(Some(Value::String(reason.to_owned())), value)
}
