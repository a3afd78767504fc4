//! The remote of a forked chain over JSON-RPC: `query` at the fork block, asked from the
//! runtime's thread (synchronously) and sent by a thread of its own that owns an HTTP client
//! on a small tokio runtime, so the runtime never blocks inside an async context.
//!
//! ```text
//! runtime thread ──Request──▶ fork thread: RpcClient.call("query", .. block_id: hash) ──▶ node
//!        ▲                                        │
//!        └──────────── raw answer ◀───────────────┘   (answers cached: cache.rs)
//! ```

use super::cache::Cache;
use super::{ARCHIVAL_HINT, UNKNOWN_BLOCK};
use crate::engine::rpc::client::{RpcClient, RpcError};
use crate::engine::rpc::response::{self, ResponseError};
use base64::Engine as _;
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use near_primitives::views::{
    AccessKeyInfoView, AccessKeyList, AccountView, ContractCodeView, ViewStateResult,
};
use nearviz_runtime::{RemoteError, RemoteState, StorageItems};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// How long one remote read may take (a large contract's code from a public node).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The node's names for "no such thing here" (an answer, not a failure).
const NOT_FOUND: &[&str] = &["UNKNOWN_ACCOUNT", "NO_CONTRACT_CODE", "UNKNOWN_ACCESS_KEY"];

struct Request {
    params: Value,
    reply: mpsc::SyncSender<Result<String, RpcError>>,
}

/// A remote network's state at one block, read through its JSON-RPC `query`.
pub struct RpcRemote {
    url: String,
    block: CryptoHash,
    height: u64,
    cache: Cache,
    requests: mpsc::Sender<Request>,
}

impl RpcRemote {
    /// Starts the thread that talks to `url`; answers are cached in `cache_dir` when given.
    pub fn start(
        url: &str,
        block: CryptoHash,
        height: u64,
        cache_dir: Option<PathBuf>,
    ) -> anyhow::Result<Self> {
        let client = RpcClient::with_timeout(url, REQUEST_TIMEOUT)?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (requests, incoming) = mpsc::channel::<Request>();
        std::thread::Builder::new().name("nearviz-fork".into()).spawn(move || {
            // Ends when the remote (every sender) is dropped.
            for request in incoming {
                let answer = runtime.block_on(client.call("query", request.params));
                let _ = request.reply.send(answer);
            }
        })?;
        Ok(Self { url: url.to_owned(), block, height, cache: Cache::new(cache_dir), requests })
    }

    /// `query` `request_type` for `account` (plus `extra` fields) at the fork block: the
    /// result, or `None` when the node says there is no such thing.
    fn query(
        &self,
        request_type: &str,
        account: &AccountId,
        extra: Value,
    ) -> Result<Option<Value>, RemoteError> {
        let question = format!("{request_type} {account} {extra}");
        if let Some(known) = self.cache.get(&question) {
            return Ok(known);
        }
        let mut params = json!({
            "request_type": request_type,
            "account_id": account,
            "block_id": self.block,
        });
        if let (Value::Object(params), Value::Object(extra)) = (&mut params, extra) {
            params.extend(extra);
        }
        let (reply, answer) = mpsc::sync_channel(1);
        let stopped = || RemoteError(format!("the connection to {} stopped", self.url));
        self.requests.send(Request { params, reply }).map_err(|_| stopped())?;
        let raw = answer.recv().map_err(|_| stopped())?.map_err(|e| RemoteError(e.to_string()))?;
        let value = match response::envelope(&raw) {
            Ok(result) => Some(serde_json::from_str(result).map_err(|e| self.invalid(e))?),
            Err(ResponseError::Rpc { name, .. }) if NOT_FOUND.contains(&name.as_str()) => None,
            Err(ResponseError::Rpc { name, .. }) if UNKNOWN_BLOCK.contains(&name.as_str()) => {
                return Err(RemoteError(format!(
                    "{} no longer keeps the state of block #{}: {ARCHIVAL_HINT}",
                    self.url, self.height
                )));
            }
            Err(err) => {
                return Err(RemoteError(format!("{} answered {request_type}: {err}", self.url)))
            }
        };
        self.cache.put(&question, value.clone());
        Ok(value)
    }

    fn invalid(&self, err: impl std::fmt::Display) -> RemoteError {
        RemoteError(format!("{} answered with something unreadable: {err}", self.url))
    }

    fn parse<T: serde::de::DeserializeOwned>(&self, value: Value) -> Result<T, RemoteError> {
        serde_json::from_value(value).map_err(|e| self.invalid(e))
    }
}

impl RemoteState for RpcRemote {
    fn account(&self, id: &AccountId) -> Result<Option<AccountView>, RemoteError> {
        self.query("view_account", id, json!({}))?.map(|v| self.parse(v)).transpose()
    }

    fn access_keys(&self, id: &AccountId) -> Result<Vec<AccessKeyInfoView>, RemoteError> {
        match self.query("view_access_key_list", id, json!({}))? {
            Some(value) => Ok(self.parse::<AccessKeyList>(value)?.keys),
            None => Ok(Vec::new()),
        }
    }

    fn code(&self, id: &AccountId) -> Result<Option<Vec<u8>>, RemoteError> {
        let Some(value) = self.query("view_code", id, json!({}))? else { return Ok(None) };
        Ok(Some(self.parse::<ContractCodeView>(value)?.code))
    }

    fn data(&self, id: &AccountId, key: &[u8]) -> Result<Option<Vec<u8>>, RemoteError> {
        let under = self.data_under(id, key)?;
        Ok(under.into_iter().find(|(k, _)| k == key).map(|(_, value)| value))
    }

    fn data_under(&self, id: &AccountId, prefix: &[u8]) -> Result<StorageItems, RemoteError> {
        let prefix = base64::engine::general_purpose::STANDARD.encode(prefix);
        let extra = json!({ "prefix_base64": prefix, "include_proof": false });
        let Some(value) = self.query("view_state", id, extra)? else { return Ok(Vec::new()) };
        let state: ViewStateResult = self.parse(value)?;
        Ok(state.values.into_iter().map(|item| (item.key.into(), item.value.into())).collect())
    }
}
