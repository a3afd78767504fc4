//! The one place raw JSON-RPC responses become NEAR views.
//!
//! The live RPC client, recorded fixtures and raw captures (`fixtures/reference/captures`) all
//! hold the same JSON: a whole JSON-RPC response object `{"jsonrpc", "id", "result" | "error"}`.
//! Everything that reads them goes through these functions, so a recording is also a test input.

use crate::chain::TxStatusReply;
use near_primitives::views::{
    BlockHeaderView, FinalExecutionOutcomeWithReceiptView, TxExecutionStatus,
};
use serde_json::Value;

/// The `cause.name` nearcore gives a transaction it has not seen.
pub const UNKNOWN_TRANSACTION: &str = "UNKNOWN_TRANSACTION";

/// `Error::name` when the response is not a JSON-RPC response nearviz can read.
pub const INVALID_RESPONSE: &str = "INVALID_RESPONSE";

/// Why a response could not be read as what was asked for.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ResponseError {
    /// The node answered with a JSON-RPC error.
    #[error("{name}: {message}")]
    Rpc { name: String, message: String },
    /// The answer is not a JSON-RPC response of the expected shape.
    #[error("invalid response: {0}")]
    Invalid(String),
}

impl ResponseError {
    /// The node's error name (`UNKNOWN_BLOCK`, ...) or [`INVALID_RESPONSE`].
    pub fn name(&self) -> &str {
        match self {
            ResponseError::Rpc { name, .. } => name,
            ResponseError::Invalid(_) => INVALID_RESPONSE,
        }
    }
}

/// Reads a raw `EXPERIMENTAL_tx_status` response (as sent by the node, or as stored in a capture's
/// `polls[].response`).
///
/// - `error.cause.name == UNKNOWN_TRANSACTION` → [`TxStatusReply::Unknown`];
/// - any other error → [`TxStatusReply::Error`] with the node's name and message;
/// - `result` with only `final_execution_status` → `Known { outcome: None }`;
/// - `result` with the outcome → `Known { outcome: Some(..) }`.
pub fn tx_status_reply(response: &Value) -> TxStatusReply {
    match tx_status_result(response) {
        Ok(reply) => reply,
        Err(ResponseError::Rpc { name, .. }) if name == UNKNOWN_TRANSACTION => {
            TxStatusReply::Unknown
        }
        Err(err) => TxStatusReply::Error { name: err.name().to_owned(), message: err_message(err) },
    }
}

fn err_message(err: ResponseError) -> String {
    match err {
        ResponseError::Rpc { message, .. } | ResponseError::Invalid(message) => message,
    }
}

fn tx_status_result(response: &Value) -> Result<TxStatusReply, ResponseError> {
    let result = result_of(response)?;
    let status = match result.get("final_execution_status") {
        Some(status) => {
            serde_json::from_value::<TxExecutionStatus>(status.clone()).map_err(|e| {
                ResponseError::Invalid(format!("unknown final_execution_status {status}: {e}"))
            })?
        }
        None => {
            return Err(ResponseError::Invalid(
                "EXPERIMENTAL_tx_status result has no final_execution_status".to_owned(),
            ))
        }
    };
    if result.get("transaction").is_none() {
        return Ok(TxStatusReply::Known { status, outcome: None });
    }
    let outcome = serde_json::from_value::<FinalExecutionOutcomeWithReceiptView>(result.clone())
        .map_err(|e| ResponseError::Invalid(format!("cannot read the transaction outcome: {e}")))?;
    Ok(TxStatusReply::Known { status, outcome: Some(Box::new(outcome)) })
}

/// Reads a raw `block` response into its header (the chunks are not needed).
pub fn block_header(response: &Value) -> Result<BlockHeaderView, ResponseError> {
    let result = result_of(response)?;
    let header = result
        .get("header")
        .ok_or_else(|| ResponseError::Invalid("block result has no header".to_owned()))?;
    serde_json::from_value::<BlockHeaderView>(header.clone())
        .map_err(|e| ResponseError::Invalid(format!("cannot read the block header: {e}")))
}

/// The `result` of a JSON-RPC response, or its `error` as a [`ResponseError`].
pub fn result_of(response: &Value) -> Result<&Value, ResponseError> {
    if !response.is_object() {
        return Err(ResponseError::Invalid(format!(
            "expected a JSON-RPC response object, got {}",
            short(response)
        )));
    }
    if let Some(error) = response.get("error").filter(|e| !e.is_null()) {
        return Err(rpc_error(error));
    }
    response.get("result").ok_or_else(|| {
        ResponseError::Invalid("JSON-RPC response has neither result nor error".into())
    })
}

/// nearcore's error object: `{"name": "HANDLER_ERROR", "cause": {"name": "UNKNOWN_TRANSACTION",
/// "info": {..}}, "code": -32000, "message": "Server error", "data": "Transaction .. doesn't exist"}`.
/// Older nodes and proxies send only `code`/`message`/`data`.
fn rpc_error(error: &Value) -> ResponseError {
    let cause = error.get("cause");
    let name = text(cause.and_then(|c| c.get("name")))
        .or_else(|| text(error.get("name")))
        .map(str::to_owned)
        .unwrap_or_else(|| match error.get("code").and_then(Value::as_i64) {
            Some(code) => format!("RPC_ERROR {code}"),
            None => "RPC_ERROR".to_owned(),
        });
    let message = text(error.get("data"))
        .map(str::to_owned)
        .or_else(|| cause.and_then(|c| c.get("info")).filter(|i| !i.is_null()).map(short))
        .or_else(|| error.get("data").filter(|d| !d.is_null()).map(short))
        .or_else(|| text(error.get("message")).map(str::to_owned))
        .unwrap_or_else(|| short(error));
    ResponseError::Rpc { name, message }
}

/// A non-empty string value.
fn text(value: Option<&Value>) -> Option<&str> {
    value.and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// A JSON value for a one-line message, cut to a readable length.
fn short(value: &Value) -> String {
    const MAX: usize = 200;
    let text = value.to_string();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_transaction_is_unknown() {
        let response = json!({"jsonrpc": "2.0", "id": 1, "error": {
            "name": "HANDLER_ERROR", "code": -32000, "message": "Server error",
            "cause": {"name": "UNKNOWN_TRANSACTION", "info": {"requested_transaction_hash": "x"}},
            "data": "Transaction x doesn't exist"}});
        assert!(matches!(tx_status_reply(&response), TxStatusReply::Unknown));
    }

    #[test]
    fn other_errors_keep_the_node_name_and_message() {
        let response = json!({"jsonrpc": "2.0", "id": 1, "error": {
            "name": "HANDLER_ERROR", "code": -32000, "message": "Server error",
            "cause": {"name": "UNKNOWN_ACCOUNT", "info": {}}, "data": "account bob does not exist"}});
        match tx_status_reply(&response) {
            TxStatusReply::Error { name, message } => {
                assert_eq!(name, "UNKNOWN_ACCOUNT");
                assert_eq!(message, "account bob does not exist");
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn bare_json_rpc_errors_use_code_and_message() {
        let response = json!({"jsonrpc": "2.0", "id": 1,
            "error": {"code": -32601, "message": "Method not found"}});
        match tx_status_reply(&response) {
            TxStatusReply::Error { name, message } => {
                assert_eq!(name, "RPC_ERROR -32601");
                assert_eq!(message, "Method not found");
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn included_without_outcome() {
        let response =
            json!({"jsonrpc": "2.0", "id": 1, "result": {"final_execution_status": "INCLUDED"}});
        match tx_status_reply(&response) {
            TxStatusReply::Known { status, outcome } => {
                assert_eq!(status, TxExecutionStatus::Included);
                assert!(outcome.is_none());
            }
            other => panic!("expected Known, got {other:?}"),
        }
    }

    #[test]
    fn a_broken_result_is_invalid_not_a_panic() {
        for response in [
            json!([1, 2]),
            json!({"jsonrpc": "2.0", "id": 1}),
            json!({"jsonrpc": "2.0", "id": 1, "result": {"final_execution_status": "SOON"}}),
            json!({"jsonrpc": "2.0", "id": 1,
                   "result": {"final_execution_status": "FINAL", "transaction": 7}}),
        ] {
            match tx_status_reply(&response) {
                TxStatusReply::Error { name, .. } => assert_eq!(name, INVALID_RESPONSE),
                other => panic!("expected an invalid-response error for {response}, got {other:?}"),
            }
        }
        assert!(block_header(&json!({"result": {"author": "x"}})).is_err());
    }
}
