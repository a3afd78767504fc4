//! The state changes of one block, from the node: `EXPERIMENTAL_changes_in_block`, then the
//! four `EXPERIMENTAL_changes` kinds for the accounts it lists (concurrently: one round-trip
//! per kind), then the "before" values at the block's `prev_hash` for accounts and keys the
//! session has not seen (`query view_account` / `view_state`, concurrently).
//!
//! Nothing here fails the follow: a refused `query` (non-archival node, state too large, any
//! RPC error) becomes `PriorState::Unknown { reason }`; a failed `EXPERIMENTAL_changes*`
//! request drops that block's changes (logged).

use super::client::{RpcClient, RpcError};
use crate::chain::{BlockChanges, BlockHash, PriorState};
use crate::fixture::state_changes::{changes_from_responses, KINDS};
use base64::Engine as _;
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use near_primitives::views::{AccountView, StateChangeValueView, StateChangeWithCauseView};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

/// An account (`None`) or one of its storage keys.
type Slot = (AccountId, Option<Vec<u8>>);

/// What the session has already seen (its earlier changes give the befores).
#[derive(Clone, Default)]
pub struct Seen {
    inner: Arc<Mutex<HashSet<Slot>>>,
}

impl Seen {
    /// Marks `slot` seen; true if it was new.
    fn first(&self, slot: Slot) -> bool {
        self.inner.lock().map(|mut s| s.insert(slot)).unwrap_or(false)
    }
}

fn result(raw: &str) -> Result<Value, String> {
    let v: Value = serde_json::from_str(raw).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(err) = v.get("error") {
        let name = err["cause"]["name"].as_str().or(err["name"].as_str()).unwrap_or("ERROR");
        let data = match &err["data"] {
            Value::String(s) => s.clone(),
            Value::Null => err["message"].as_str().unwrap_or_default().to_owned(),
            other => other.to_string(),
        };
        return Err(format!("{name}: {data}"));
    }
    Ok(v.get("result").cloned().unwrap_or(Value::Null))
}

/// The block's changes whose cause names one of `hashes` get a before; all are returned.
pub async fn block_changes(
    client: &RpcClient,
    block: BlockHash,
    prev: CryptoHash,
    hashes: &HashSet<CryptoHash>,
    seen: &Seen,
) -> Result<BlockChanges, String> {
    let block_id = block.to_string();
    let raw = client
        .call("EXPERIMENTAL_changes_in_block", json!({ "block_id": block_id }))
        .await
        .map_err(|e: RpcError| e.to_string())?;
    let touched = result(&raw)?;
    let mut accounts: Vec<String> = Vec::new();
    for c in touched["changes"].as_array().into_iter().flatten() {
        if let Some(a) = c["account_id"].as_str() {
            if !accounts.iter().any(|x| x == a) {
                accounts.push(a.to_owned());
            }
        }
    }
    let empty =
        BlockChanges { block, changes: Vec::new(), before: Vec::new(), reverted: Vec::new() };
    if accounts.is_empty() {
        return Ok(empty);
    }
    let requests = KINDS.map(|kind| {
        let mut params =
            json!({ "changes_type": kind, "account_ids": accounts, "block_id": block_id });
        if kind == "data_changes" {
            params["key_prefix_base64"] = json!("");
        }
        async move { (kind, client.call("EXPERIMENTAL_changes", params).await) }
    });
    let mut responses: BTreeMap<String, Value> = BTreeMap::new();
    for (kind, answer) in futures::future::join_all(requests).await {
        match answer.map_err(|e| e.to_string()).and_then(|raw| {
            serde_json::from_str::<Value>(&raw).map_err(|e| format!("not JSON: {e}"))
        }) {
            Ok(v) => {
                responses.insert(kind.to_owned(), v);
            }
            Err(e) => tracing::debug!(%block, kind, %e, "EXPERIMENTAL_changes failed"),
        }
    }
    let (changes, warnings) = changes_from_responses(&responses, &block_id);
    for w in warnings {
        tracing::debug!(%block, %w, "state changes");
    }
    let before = befores(client, prev, &changes, hashes, seen).await;
    Ok(BlockChanges { changes, before, ..empty })
}

fn named(c: &StateChangeWithCauseView, hashes: &HashSet<CryptoHash>) -> bool {
    crate::chain::cause_of(&c.cause).1.is_some_and(|h| hashes.contains(&h))
}

/// `view_account` / `view_state` at `prev` for what the followed transaction changed and the
/// session has not seen.
async fn befores(
    client: &RpcClient,
    prev: CryptoHash,
    changes: &[StateChangeWithCauseView],
    hashes: &HashSet<CryptoHash>,
    seen: &Seen,
) -> Vec<PriorState> {
    let mut asks: Vec<Slot> = Vec::new();
    for c in changes.iter().filter(|c| named(c, hashes)) {
        let slot = match &c.value {
            StateChangeValueView::AccountUpdate { account_id, .. }
            | StateChangeValueView::AccountDeletion { account_id } => (account_id.clone(), None),
            StateChangeValueView::DataUpdate { account_id, key, .. }
            | StateChangeValueView::DataDeletion { account_id, key } => {
                (account_id.clone(), Some(key.to_vec()))
            }
            _ => continue,
        };
        if seen.first(slot.clone()) {
            asks.push(slot);
        }
    }
    let queries = asks.into_iter().map(|(account_id, key)| async move {
        let params = match &key {
            None => json!({ "request_type": "view_account", "account_id": account_id,
                            "block_id": prev.to_string() }),
            Some(k) => json!({ "request_type": "view_state", "account_id": account_id,
                               "prefix_base64": base64::engine::general_purpose::STANDARD.encode(k),
                               "block_id": prev.to_string() }),
        };
        let answer = client.call("query", params).await.map_err(|e| e.to_string());
        prior(account_id, key, answer.and_then(|raw| result(&raw)))
    });
    futures::future::join_all(queries).await
}

fn prior(account_id: AccountId, key: Option<Vec<u8>>, answer: Result<Value, String>) -> PriorState {
    let refused = |reason: String| PriorState::Unknown {
        account_id: account_id.clone(),
        reason: format!("the node refused the query at the previous block: {reason}"),
    };
    match (key, answer) {
        (None, Ok(v)) => match serde_json::from_value::<AccountView>(v) {
            Ok(account) => PriorState::Account { account_id, account: Some(account) },
            Err(e) => refused(format!("unreadable view_account answer ({e})")),
        },
        (None, Err(e)) if e.starts_with("UNKNOWN_ACCOUNT") => {
            PriorState::Account { account_id, account: None }
        }
        (Some(key), Ok(v)) => {
            let b64 = base64::engine::general_purpose::STANDARD;
            let found = v["values"].as_array().into_iter().flatten().find_map(|kv| {
                let k = b64.decode(kv["key"].as_str()?).ok()?;
                (k == key).then(|| kv["value"].as_str().and_then(|s| b64.decode(s).ok()))?
            });
            PriorState::Data { account_id, key, value: found }
        }
        (_, Err(e)) => refused(e),
    }
}
