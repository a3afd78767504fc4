//! Raw JSON-RPC response text → NEAR views, for the live client.
//!
//! There is one parser of tx status results and block headers: `fixture::rpc` (strict, then
//! lenient for data a newer node sends). The live client, recorded fixtures and raw captures all
//! go through it; this module only adds what a live answer needs on top: the JSON-RPC envelope
//! checks and errors as [`ResponseError`].

use crate::chain::TxStatusReply;
use crate::fixture::rpc::{self as parse, Envelope};
use near_primitives::views::{BlockHeaderView, ReceiptView};
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
pub fn tx_status_reply(raw: &str) -> TxStatusReply {
    let outcome = envelope(raw).and_then(|result| {
        let (reply, warning) = parse::tx_result(result).map_err(|e| {
            ResponseError::Invalid(format!("cannot read the transaction status: {e}"))
        })?;
        if let Some(warning) = warning {
            tracing::warn!(%warning, "tx status read leniently");
        }
        Ok(reply.reply)
    });
    match outcome {
        Ok(reply) => reply,
        Err(ResponseError::Rpc { name, .. }) if name == UNKNOWN_TRANSACTION => {
            TxStatusReply::Unknown
        }
        Err(err) => TxStatusReply::Error {
            name: err.name().to_owned(),
            message: match err {
                ResponseError::Rpc { message, .. } | ResponseError::Invalid(message) => message,
            },
        },
    }
}

/// Reads a raw `block` response into its header (the chunks are not needed).
pub fn block_header(raw: &str) -> Result<BlockHeaderView, ResponseError> {
    #[derive(serde::Deserialize)]
    struct BlockResult<'a> {
        #[serde(borrow)]
        header: Option<&'a serde_json::value::RawValue>,
    }
    let result = envelope(raw)?;
    let block: BlockResult = serde_json::from_str(result)
        .map_err(|e| ResponseError::Invalid(format!("a block result must be an object ({e})")))?;
    let header =
        block.header.ok_or_else(|| ResponseError::Invalid("block result has no header".into()))?;
    parse::header(header.get())
        .map_err(|e| ResponseError::Invalid(format!("cannot read the block header: {e}")))
}

/// Reads a raw `EXPERIMENTAL_receipt` response into its `ReceiptView`.
pub fn receipt_view(raw: &str) -> Result<ReceiptView, ResponseError> {
    let result = envelope(raw)?;
    parse::receipt(result)
        .map_err(|e| ResponseError::Invalid(format!("cannot read the receipt: {e}")))
}

/// The raw `result` of a JSON-RPC response, or its `error` as a [`ResponseError`].
pub fn envelope(raw: &str) -> Result<&str, ResponseError> {
    let not_a_response = |detail: String| {
        ResponseError::Invalid(format!("not a JSON-RPC response ({detail}): {}", short(raw)))
    };
    if !raw.trim_start().starts_with('{') {
        return Err(not_a_response("expected a JSON object".into()));
    }
    let envelope: Envelope =
        serde_json::from_str(raw).map_err(|e| not_a_response(e.to_string()))?;
    match (envelope.error, envelope.result) {
        (Some(error), _) => Err(match error.into_reply() {
            TxStatusReply::Error { name, message } if name.is_empty() => {
                ResponseError::Rpc { name: bare_error_name(raw), message }
            }
            TxStatusReply::Error { name, message } => ResponseError::Rpc { name, message },
            _ => ResponseError::Rpc { name: UNKNOWN_TRANSACTION.into(), message: short(raw) },
        }),
        (None, Some(result)) => Ok(result.get()),
        (None, None) => Err(not_a_response("neither result nor error".into())),
    }
}

/// A name for an error without `name`/`cause` (plain JSON-RPC): `RPC_ERROR -32601`.
fn bare_error_name(raw: &str) -> String {
    let code = serde_json::from_str::<Value>(raw)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.get("code")).and_then(Value::as_i64));
    match code {
        Some(code) => format!("RPC_ERROR {code}"),
        None => "RPC_ERROR".to_owned(),
    }
}

/// Raw text for a one-line message, cut to a readable length.
fn short(raw: &str) -> String {
    const MAX: usize = 120;
    let raw = raw.trim();
    match raw.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &raw[..cut]),
        None => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use near_primitives::views::TxExecutionStatus;
    use serde_json::json;

    fn reply(response: Value) -> TxStatusReply {
        tx_status_reply(&response.to_string())
    }

    #[test]
    fn unknown_transaction_is_unknown() {
        let response = json!({"jsonrpc": "2.0", "id": 1, "error": {
            "name": "HANDLER_ERROR", "code": -32000, "message": "Server error",
            "cause": {"name": "UNKNOWN_TRANSACTION", "info": {"requested_transaction_hash": "x"}},
            "data": "Transaction x doesn't exist"}});
        assert!(matches!(reply(response), TxStatusReply::Unknown));
    }

    #[test]
    fn other_errors_keep_the_node_name_and_message() {
        let response = json!({"jsonrpc": "2.0", "id": 1, "error": {
            "name": "HANDLER_ERROR", "code": -32000, "message": "Server error",
            "cause": {"name": "UNKNOWN_ACCOUNT", "info": {}}, "data": "account bob does not exist"}});
        match reply(response) {
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
        match reply(response) {
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
        match reply(response) {
            TxStatusReply::Known { status, outcome } => {
                assert_eq!(status, TxExecutionStatus::Included);
                assert!(outcome.is_none());
            }
            other => panic!("expected Known, got {other:?}"),
        }
    }

    #[test]
    fn a_broken_answer_is_invalid_not_a_panic() {
        for raw in [
            "[1, 2]".to_owned(),
            "{\"jsonrpc\": \"2.0\", ".to_owned(),
            "<html>busy</html>".to_owned(),
            json!({"jsonrpc": "2.0", "id": 1}).to_string(),
            json!({"jsonrpc": "2.0", "id": 1, "result": {"final_execution_status": "SOON"}})
                .to_string(),
            json!({"jsonrpc": "2.0", "id": 1,
                   "result": {"final_execution_status": "FINAL", "transaction": 7}})
            .to_string(),
        ] {
            match tx_status_reply(&raw) {
                TxStatusReply::Error { name, .. } => assert_eq!(name, INVALID_RESPONSE, "{raw}"),
                other => panic!("expected an invalid-response error for {raw}, got {other:?}"),
            }
        }
        assert!(block_header(&json!({"result": {"author": "x"}}).to_string()).is_err());
        assert!(block_header(&json!({"result": 5}).to_string()).is_err());
    }
}
