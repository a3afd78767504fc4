//! Reading a method's params as the node does: its request types, its parse errors, and the
//! block a reference names.

use near_jsonrpc_primitives::errors::RpcError;
use near_jsonrpc_primitives::types::transactions::RpcSendTransactionRequest;
use near_primitives::borsh::BorshDeserialize;
use near_primitives::transaction::SignedTransaction;
use near_primitives::types::{BlockId, BlockReference, Finality};
use near_primitives::views::BlockHeaderView;
use nearviz_runtime::Runtime;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Parses `params` as `T`, or the node's parse error.
pub fn parse<T: DeserializeOwned>(params: Value) -> Result<T, RpcError> {
    serde_json::from_value(params)
        .map_err(|e| RpcError::parse_error(format!("Failed parsing args: {e}")))
}

/// The params of `send_tx`, `broadcast_tx_async` and `broadcast_tx_commit`, parsed as the node
/// parses them all (nearcore `chain/jsonrpc/src/api/transactions.rs`, `RpcSendTransactionRequest::
/// parse`): `[signed_tx_base64]` is decoded with "Failed to decode transaction: ..." on bad base64
/// or bytes that are not a transaction; two items are "too many params"; anything else is read as
/// `{signed_tx_base64, wait_until}` with the usual "Failed parsing args".
pub fn send_request(params: Value) -> Result<RpcSendTransactionRequest, RpcError> {
    match params {
        Value::Array(mut items) if items.len() == 1 => {
            let encoded: String = parse(items.remove(0))?;
            let signed_transaction = decode_tx(&encoded)?;
            Ok(RpcSendTransactionRequest { signed_transaction, wait_until: Default::default() })
        }
        Value::Array(items) if items.len() == 2 => {
            for item in items {
                let _: String = parse(item)?;
            }
            Err(RpcError::parse_error(
                "Unable to parse send request: too many params passed".to_owned(),
            ))
        }
        other => parse(other),
    }
}

fn decode_tx(encoded: &str) -> Result<SignedTransaction, RpcError> {
    let failed = |e: String| RpcError::parse_error(format!("Failed to decode transaction: {e}"));
    let bytes =
        near_primitives::serialize::from_base64(encoded).map_err(|e| failed(e.to_string()))?;
    SignedTransaction::try_from_slice(&bytes).map_err(|e| failed(e.to_string()))
}

/// The block a reference names: `final` is two blocks under the head (one validator).
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
            rt.block(&rt.head().last_ds_final_block).or(Some(rt.first_block()))
        }
        BlockReference::Finality(Finality::Final) | BlockReference::SyncCheckpoint(_) => {
            rt.block(&rt.head().last_final_block).or(Some(rt.first_block()))
        }
    }
}

/// `{finality}` or `{block_id}`, or `[block_id]` like the node's old array form.
pub fn block_reference(params: Value) -> Result<BlockReference, RpcError> {
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
