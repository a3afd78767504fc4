//! `EXPERIMENTAL_changes_in_block` and `EXPERIMENTAL_changes`: what a block did to state, in the
//! node's request, answer and error shapes (near-jsonrpc-primitives' `changes` types), read from
//! the runtime's per-block record (`Runtime::state_changes`, the latest
//! [`STATE_CHANGES_KEPT`] blocks).
//!
//! ```text
//! changes_in_block ─▶ one "<kind>_touched" per trie key the block wrote, in trie-key order:
//!                     accounts, then contract code, then access keys, then data (by account id)
//! changes          ─▶ the changes of one kind, for the requested accounts in request order;
//!                     per account by key, per key in the order applied (nearcore's store does
//!                     one prefix scan per requested account)
//! ```
//! A block older than the kept ones answers like a node whose block was garbage-collected: the
//! node looks the block up first and has no other error for this, so it is `UNKNOWN_BLOCK`.

use super::errors::Reply;
use super::params::{parse, resolve_block};
use near_jsonrpc_primitives::errors::RpcError;
use near_jsonrpc_primitives::types::changes::{
    RpcStateChangesError, RpcStateChangesInBlockByTypeRequest,
    RpcStateChangesInBlockByTypeResponse, RpcStateChangesInBlockRequest,
    RpcStateChangesInBlockResponse,
};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, BlockReference};
use near_primitives::views::{
    StateChangeKindView, StateChangeValueView, StateChangeWithCauseView, StateChangesRequestView,
};
use nearviz_runtime::{Runtime, STATE_CHANGES_KEPT};
use serde_json::Value;
use std::collections::BTreeMap;

/// `EXPERIMENTAL_changes_in_block` (`{block_id}` or `{finality}`).
pub fn changes_in_block(rt: &Runtime, params: Value) -> Reply {
    let request: RpcStateChangesInBlockRequest = parse(params)?;
    let (block_hash, changes) = block_changes(rt, &request.block_reference)?;
    // The node's names are crossed: this method answers the "by type" response.
    let answer = RpcStateChangesInBlockByTypeResponse { block_hash, changes: touched(changes) };
    serde_json::to_value(answer).map_err(|e| RpcError::serialization_error(e.to_string()))
}

/// `EXPERIMENTAL_changes` (`changes_type`, its accounts or keys, and `{block_id}` or `{finality}`).
pub fn changes(rt: &Runtime, params: Value) -> Reply {
    let request: RpcStateChangesInBlockByTypeRequest = parse(params)?;
    let (block_hash, changes) = block_changes(rt, &request.block_reference)?;
    let answer = RpcStateChangesInBlockResponse {
        block_hash,
        changes: select(changes, &request.state_changes_request),
    };
    serde_json::to_value(answer).map_err(|e| RpcError::serialization_error(e.to_string()))
}

/// The block a reference names and its changes, or the node's error.
fn block_changes<'a>(
    rt: &'a Runtime,
    reference: &BlockReference,
) -> Result<(CryptoHash, &'a [StateChangeWithCauseView]), RpcError> {
    let unknown =
        |what: String| RpcError::from(RpcStateChangesError::UnknownBlock { error_message: what });
    let header = resolve_block(rt, reference)
        .ok_or_else(|| unknown(format!("DB Not Found Error: {reference:?}")))?;
    match rt.state_changes(&header.hash) {
        Some(changes) => Ok((header.hash, &changes.changes)),
        // Kept blocks without a record (genesis) changed nothing.
        None if rt.head().height.saturating_sub(header.height) < STATE_CHANGES_KEPT as u64 => {
            Ok((header.hash, &[]))
        }
        None => {
            Err(unknown(format!("DB Not Found Error: BLOCK: {} (garbage-collected)", header.hash)))
        }
    }
}

/// The trie column a change is stored under (nearcore's `trie_key::col`), for the node's order.
fn column(value: &StateChangeValueView) -> Option<u8> {
    match value {
        StateChangeValueView::AccountUpdate { .. }
        | StateChangeValueView::AccountDeletion { .. } => Some(0),
        StateChangeValueView::ContractCodeUpdate { .. }
        | StateChangeValueView::ContractCodeDeletion { .. } => Some(1),
        StateChangeValueView::AccessKeyUpdate { .. }
        | StateChangeValueView::AccessKeyDeletion { .. } => Some(2),
        StateChangeValueView::DataUpdate { .. } | StateChangeValueView::DataDeletion { .. } => {
            Some(9)
        }
        StateChangeValueView::GasKeyNonceUpdate { .. } => None,
    }
}

/// What distinguishes two keys of one kind inside an account.
fn sub_key(value: &StateChangeValueView) -> Vec<u8> {
    match value {
        StateChangeValueView::AccessKeyUpdate { public_key, .. }
        | StateChangeValueView::AccessKeyDeletion { public_key, .. } => {
            serde_json::to_vec(public_key).unwrap_or_default()
        }
        StateChangeValueView::DataUpdate { key, .. }
        | StateChangeValueView::DataDeletion { key, .. } => key.to_vec(),
        _ => Vec::new(),
    }
}

/// One "touched" entry per trie key the block wrote, in trie-key order.
pub fn touched(changes: &[StateChangeWithCauseView]) -> Vec<StateChangeKindView> {
    let mut keys: BTreeMap<(u8, Vec<u8>, Vec<u8>), StateChangeKindView> = BTreeMap::new();
    for change in changes {
        let Some(col) = column(&change.value) else { continue };
        let account_id = change.value.account_id().clone();
        let key = (col, account_id.as_bytes().to_vec(), sub_key(&change.value));
        keys.entry(key).or_insert_with(|| match col {
            0 => StateChangeKindView::AccountTouched { account_id },
            1 => StateChangeKindView::ContractCodeTouched { account_id },
            2 => StateChangeKindView::AccessKeyTouched { account_id },
            _ => StateChangeKindView::DataTouched { account_id },
        });
    }
    keys.into_values().collect()
}

/// The changes one `EXPERIMENTAL_changes` request asks for, in the node's order.
pub fn select(
    changes: &[StateChangeWithCauseView],
    request: &StateChangesRequestView,
) -> Vec<StateChangeWithCauseView> {
    let per_account = |ids: &[AccountId], keep: &dyn Fn(&StateChangeValueView) -> bool| {
        ids.iter()
            .flat_map(|id| {
                changes.iter().filter(move |c| c.value.account_id() == id && keep(&c.value))
            })
            .cloned()
            .collect()
    };
    match request {
        StateChangesRequestView::AccountChanges { account_ids } => {
            per_account(account_ids, &|v| column(v) == Some(0))
        }
        StateChangesRequestView::ContractCodeChanges { account_ids } => {
            per_account(account_ids, &|v| column(v) == Some(1))
        }
        StateChangesRequestView::AllAccessKeyChanges { account_ids } => {
            per_account(account_ids, &|v| column(v) == Some(2))
        }
        StateChangesRequestView::DataChanges { account_ids, key_prefix } => {
            per_account(account_ids, &|v| match v {
                StateChangeValueView::DataUpdate { key, .. }
                | StateChangeValueView::DataDeletion { key, .. } => key.starts_with(key_prefix),
                _ => false,
            })
        }
        StateChangesRequestView::SingleAccessKeyChanges { keys } => keys
            .iter()
            .flat_map(|wanted| {
                let handle = near_crypto::PublicKeyHandle::from(&wanted.public_key);
                changes.iter().filter(move |c| match &c.value {
                    StateChangeValueView::AccessKeyUpdate { account_id, public_key, .. }
                    | StateChangeValueView::AccessKeyDeletion { account_id, public_key } => {
                        *account_id == wanted.account_id && *public_key == handle
                    }
                    _ => false,
                })
            })
            .cloned()
            .collect(),
    }
}
