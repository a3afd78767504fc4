//! `block`, `query` and `EXPERIMENTAL_receipt`: reads of the chain at a block, answered at once.
//! `query` reads the state as of the block it names (`StateAt`), within the kept blocks.

use super::errors::{handler_error, Reply};
use super::params::{block_reference, parse, resolve_block};
use super::views;
use near_jsonrpc_primitives::errors::RpcError;
use near_jsonrpc_primitives::types::query::RpcQueryError;
use near_jsonrpc_primitives::types::receipts::RpcReceiptError;
use near_primitives::views::QueryRequest;
use nearviz_runtime::{Runtime, ViewError};
use serde_json::{json, Value};

/// `block`: a block by height, hash or finality.
pub fn block(rt: &Runtime, params: Value) -> Reply {
    let reference = block_reference(params)?;
    match resolve_block(rt, &reference) {
        Some(header) => Ok(views::block(rt, header)),
        None => Err(handler_error(
            near_jsonrpc_primitives::types::blocks::RpcBlockError::UnknownBlock {
                error_message: format!("DB Not Found Error: {reference:?}"),
            },
        )),
    }
}

/// `query`: accounts, access keys, code, state and view calls at a block.
pub fn query(rt: &Runtime, params: Value) -> Reply {
    let request: near_jsonrpc_primitives::types::query::RpcQueryRequest = parse(params)?;
    // The state at the block, for the blocks whose state changes are kept (a node's
    // garbage-collection window); older ones are unknown, as on a node.
    let Some(state) =
        resolve_block(rt, &request.block_reference).and_then(|h| rt.state_at(&h.hash))
    else {
        return Err(handler_error(RpcQueryError::UnknownBlock {
            block_reference: request.block_reference,
        }));
    };
    let (block_height, block_hash) = (state.header().height, state.header().hash);
    let at = |value: Result<Value, serde_json::Error>| -> Reply {
        let mut value = value.map_err(|e| RpcError::serialization_error(e.to_string()))?;
        if let Value::Object(map) = &mut value {
            map.insert("block_height".into(), json!(block_height));
            map.insert("block_hash".into(), json!(block_hash));
        }
        Ok(value)
    };
    let view_error = |err: ViewError| -> Reply {
        match err {
            ViewError::UnknownAccount(requested_account_id) => {
                Err(handler_error(RpcQueryError::UnknownAccount {
                    requested_account_id,
                    block_height,
                    block_hash,
                }))
            }
            ViewError::NoContractCode(contract_account_id) => {
                Err(handler_error(RpcQueryError::NoContractCode {
                    contract_account_id,
                    block_height,
                    block_hash,
                }))
            }
            ViewError::Remote(err) => Err(handler_error(RpcQueryError::InternalError {
                error_message: format!("remote state: {err}"),
            })),
            // The node answers these two with a result holding `error` (kept for old clients).
            ViewError::UnknownAccessKey(key) => Ok(json!({
                "error": format!("access key {key} does not exist while viewing"),
                "logs": [],
                "block_height": block_height,
                "block_hash": block_hash,
            })),
            ViewError::Execution { message, .. } => Ok(json!({
                "error": message,
                "logs": [],
                "block_height": block_height,
                "block_hash": block_hash,
            })),
        }
    };
    let answer = match &request.request {
        QueryRequest::ViewAccount { account_id } => {
            state.view_account(account_id).map(serde_json::to_value)
        }
        QueryRequest::ViewCode { account_id } => {
            state.view_code(account_id).map(serde_json::to_value)
        }
        QueryRequest::ViewState { account_id, prefix, .. } => {
            state.view_state(account_id, prefix).map(serde_json::to_value)
        }
        QueryRequest::ViewAccessKey { account_id, public_key } => {
            state.view_access_key(account_id, public_key).map(serde_json::to_value)
        }
        QueryRequest::ViewAccessKeyList { account_id, .. } => {
            state.view_access_key_list(account_id).map(serde_json::to_value)
        }
        QueryRequest::CallFunction { account_id, method_name, args } => {
            state.call_view(account_id, method_name, args).map(serde_json::to_value)
        }
        other => {
            let name = serde_json::to_value(other)
                .ok()
                .and_then(|v| v.get("request_type").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| "this request".to_owned());
            return Err(handler_error(RpcQueryError::InternalError {
                error_message: format!("{name} is not supported by nearviz serve"),
            }));
        }
    };
    match answer {
        Ok(value) => at(value),
        Err(err) => view_error(err),
    }
}

/// `EXPERIMENTAL_receipt`: a receipt by id.
pub fn receipt(rt: &Runtime, params: Value) -> Reply {
    let request: near_jsonrpc_primitives::types::receipts::RpcReceiptRequest = parse(params)?;
    let id = request.receipt_reference.receipt_id;
    match rt.receipt_view(&id) {
        Some(view) => {
            serde_json::to_value(view).map_err(|e| RpcError::serialization_error(e.to_string()))
        }
        None => Err(handler_error(RpcReceiptError::UnknownReceipt { receipt_id: id })),
    }
}
