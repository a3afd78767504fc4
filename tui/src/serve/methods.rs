//! The JSON-RPC methods, in the node's request, answer and error shapes
//! (near-jsonrpc-primitives). Each runs on the node thread with the runtime at hand and either
//! answers at once or says which transaction to wait for.

use super::{changes, views};
use near_jsonrpc_primitives::errors::RpcError;
use near_jsonrpc_primitives::types::query::RpcQueryError;
use near_jsonrpc_primitives::types::receipts::RpcReceiptError;
use near_jsonrpc_primitives::types::transactions::{
    RpcSendTransactionRequest, RpcTransactionError, RpcTransactionStatusRequest, TransactionInfo,
};
use near_primitives::errors::{InvalidAccessKeyError, InvalidTxError};
use near_primitives::hash::CryptoHash;
use near_primitives::transaction::SignedTransaction;
use near_primitives::types::{BlockId, BlockReference, Finality};
use near_primitives::views::{BlockHeaderView, QueryRequest, TxExecutionStatus};
use nearviz_runtime::{Runtime, ViewError};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// One answer.
pub type Reply = Result<Value, RpcError>;

/// What the node thread does with a call.
pub enum Answer {
    Now(Reply),
    /// A transaction was accepted: follow it, then answer `then`.
    Sent {
        tx: Box<SignedTransaction>,
        then: Then,
    },
    /// Wait until transaction `tx` reaches `until`.
    Wait {
        tx: CryptoHash,
        until: TxExecutionStatus,
        receipts: bool,
    },
    /// A sandbox call that changes the chain ([`super::sandbox::apply`]).
    Sandbox(super::sandbox::Op),
}

/// What a sent transaction's request answers.
pub enum Then {
    /// `broadcast_tx_async`: the hash, now.
    Hash,
    Wait {
        until: TxExecutionStatus,
    },
}

/// Where the server is, for `status`.
pub struct Context {
    pub addr: std::net::SocketAddr,
    pub started: std::time::Instant,
}

pub fn dispatch(rt: &Runtime, ctx: &Context, method: &str, params: Value) -> Answer {
    let reply = match method {
        "status" => Ok(views::status(rt, ctx)),
        "health" => Ok(Value::Null),
        "block" => block(rt, params),
        "chunk" => views::chunk(rt, params),
        "gas_price" => Ok(json!({ "gas_price": rt.config().gas_price.to_string() })),
        "EXPERIMENTAL_genesis_config" | "genesis_config" => Ok(views::genesis_config(rt)),
        "EXPERIMENTAL_protocol_config" => views::protocol_config(rt),
        "query" => query(rt, params),
        "EXPERIMENTAL_receipt" => receipt(rt, params),
        "EXPERIMENTAL_changes_in_block" => changes::changes_in_block(rt, params),
        "EXPERIMENTAL_changes" => changes::changes(rt, params),
        "send_tx" => return send_tx(rt, params),
        "broadcast_tx_async" | "broadcast_tx_commit" => return broadcast(rt, method, params),
        "tx" | "EXPERIMENTAL_tx_status" => return tx_status(rt, params, method != "tx"),
        "sandbox_patch_state" => return super::sandbox::patch_state(params),
        "sandbox_fast_forward" => return super::sandbox::fast_forward(params),
        "validators" => super::sandbox::validators(rt, params),
        "EXPERIMENTAL_validators_ordered" => super::sandbox::validators_ordered(rt, params),
        _ => Err(RpcError::method_not_found(method.to_owned())),
    };
    Answer::Now(reply)
}

/// Parses `params` as `T`, or the node's parse error.
pub fn parse<T: DeserializeOwned>(params: Value) -> Result<T, RpcError> {
    serde_json::from_value(params)
        .map_err(|e| RpcError::parse_error(format!("Failed parsing args: {e}")))
}

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

/// The block a reference names: `final` is two blocks under the head (one validator), as the
/// head's header says (heights a fast-forward skipped hold no block).
pub fn resolve_block<'a>(
    rt: &'a Runtime,
    reference: &BlockReference,
) -> Option<&'a BlockHeaderView> {
    let head = rt.head().height;
    match reference {
        BlockReference::BlockId(BlockId::Height(h)) => rt.block_at(*h),
        BlockReference::BlockId(BlockId::Hash(hash)) => rt.block(hash),
        BlockReference::Finality(Finality::None) => rt.block_at(head),
        BlockReference::Finality(Finality::DoomSlug) => {
            rt.block(&rt.head().last_ds_final_block).or_else(|| rt.block_at(0))
        }
        BlockReference::Finality(Finality::Final) | BlockReference::SyncCheckpoint(_) => {
            rt.block(&rt.head().last_final_block).or_else(|| rt.block_at(0))
        }
    }
}

fn block(rt: &Runtime, params: Value) -> Reply {
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

/// `{finality}` or `{block_id}`, or `[block_id]` like the node's old array form.
fn block_reference(params: Value) -> Result<BlockReference, RpcError> {
    match params {
        Value::Array(mut items) if items.len() == 1 => {
            let id: BlockId = parse(items.remove(0))?;
            Ok(BlockReference::BlockId(id))
        }
        Value::Null => Ok(BlockReference::Finality(Finality::Final)),
        other => {
            let request: near_jsonrpc_primitives::types::blocks::RpcBlockRequest = parse(other)?;
            Ok(request.block_reference)
        }
    }
}

fn query(rt: &Runtime, params: Value) -> Reply {
    let request: near_jsonrpc_primitives::types::query::RpcQueryRequest = parse(params)?;
    let Some(header) = resolve_block(rt, &request.block_reference) else {
        return Err(handler_error(RpcQueryError::UnknownBlock {
            block_reference: request.block_reference,
        }));
    };
    let (block_height, block_hash) = (header.height, header.hash);
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
            rt.view_account(account_id).map(serde_json::to_value)
        }
        QueryRequest::ViewCode { account_id } => rt.view_code(account_id).map(serde_json::to_value),
        QueryRequest::ViewState { account_id, prefix, .. } => {
            rt.view_state(account_id, prefix).map(serde_json::to_value)
        }
        QueryRequest::ViewAccessKey { account_id, public_key } => {
            rt.view_access_key(account_id, public_key).map(serde_json::to_value)
        }
        QueryRequest::ViewAccessKeyList { account_id, .. } => {
            rt.view_access_key_list(account_id).map(serde_json::to_value)
        }
        QueryRequest::CallFunction { account_id, method_name, args } => {
            rt.call_view(account_id, method_name, args).map(serde_json::to_value)
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

fn receipt(rt: &Runtime, params: Value) -> Reply {
    let request: near_jsonrpc_primitives::types::receipts::RpcReceiptRequest = parse(params)?;
    let id = request.receipt_reference.receipt_id;
    match rt.receipt_view(&id) {
        Some(view) => {
            serde_json::to_value(view).map_err(|e| RpcError::serialization_error(e.to_string()))
        }
        None => Err(handler_error(RpcReceiptError::UnknownReceipt { receipt_id: id })),
    }
}

fn send_tx(rt: &Runtime, params: Value) -> Answer {
    let request: RpcSendTransactionRequest = match parse(params) {
        Ok(request) => request,
        Err(err) => return Answer::Now(Err(err)),
    };
    accept(rt, request.signed_transaction, Then::Wait { until: request.wait_until })
}

/// `broadcast_tx_async` / `broadcast_tx_commit`: `[signed_tx_base64]`.
fn broadcast(rt: &Runtime, method: &str, params: Value) -> Answer {
    let tx: Result<(SignedTransaction,), RpcError> = parse(params);
    let tx = match tx {
        Ok((tx,)) => tx,
        Err(err) => return Answer::Now(Err(err)),
    };
    let then = if method == "broadcast_tx_async" {
        Then::Hash
    } else {
        Then::Wait { until: TxExecutionStatus::default() }
    };
    accept(rt, tx, then)
}

/// Checks what the node checks with a structured reason; the runtime checks the rest.
fn accept(rt: &Runtime, tx: SignedTransaction, then: Then) -> Answer {
    let hash = tx.get_hash();
    if rt.knows_tx(&hash) {
        // Sent again: the node answers with the known transaction's status.
        return match then {
            Then::Hash => Answer::Now(Ok(json!(hash))),
            Then::Wait { until } => Answer::Wait { tx: hash, until, receipts: false },
        };
    }
    let t = &tx.transaction;
    let invalid =
        |context| Answer::Now(Err(tx_error(RpcTransactionError::InvalidTransaction { context })));
    if !tx.signature.verify(hash.as_ref(), t.public_key()) {
        return invalid(InvalidTxError::InvalidSignature);
    }
    match rt.view_access_key(t.signer_id(), t.public_key()) {
        Err(ViewError::UnknownAccount(_)) => {
            return invalid(InvalidTxError::SignerDoesNotExist {
                signer_id: t.signer_id().clone(),
            });
        }
        Err(_) => {
            return invalid(InvalidTxError::InvalidAccessKeyError(
                InvalidAccessKeyError::AccessKeyNotFound {
                    account_id: t.signer_id().clone(),
                    public_key: Box::new(t.public_key().clone()),
                },
            ));
        }
        Ok(key) if t.nonce().nonce() <= key.nonce => {
            return invalid(InvalidTxError::InvalidNonce {
                tx_nonce: t.nonce().nonce(),
                ak_nonce: key.nonce,
            });
        }
        Ok(_) => {}
    }
    Answer::Sent { tx: Box::new(tx), then }
}

fn tx_status(rt: &Runtime, params: Value, receipts: bool) -> Answer {
    // The node's old array form: [tx_hash, sender_account_id].
    let params = match params {
        Value::Array(items) if items.len() == 2 => {
            json!({ "tx_hash": items[0], "sender_account_id": items[1] })
        }
        other => other,
    };
    let request: RpcTransactionStatusRequest = match parse(params) {
        Ok(request) => request,
        Err(err) => return Answer::Now(Err(err)),
    };
    let hash = match &request.transaction_info {
        TransactionInfo::Transaction { signed_tx } => signed_tx.get_hash(),
        TransactionInfo::TransactionId { tx_hash, .. } => *tx_hash,
    };
    if !rt.knows_tx(&hash) {
        return Answer::Now(Err(tx_error(RpcTransactionError::UnknownTransaction {
            requested_transaction_hash: hash,
        })));
    }
    Answer::Wait { tx: hash, until: request.wait_until, receipts }
}
