//! A small JSON-RPC client for the methods nearviz follows a transaction with:
//! `EXPERIMENTAL_tx_status` (`wait_until: NONE`), `block` by hash, and `EXPERIMENTAL_receipt`
//! for receipts not run yet.
//!
//! It speaks raw JSON-RPC over reqwest (the transport near-jsonrpc-client uses) so the live path
//! and recorded captures are read by the same parser ([`super::response`]).

use super::response::{self, ResponseError};
use crate::chain::{BlockHash, ReceiptId, TxHash, TxStatusReply};
use near_primitives::types::AccountId;
use near_primitives::views::{BlockHeaderView, ReceiptView};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::OnceCell;

/// How long one request may take before it counts as a timeout.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// `TxStatusReply::Error::name` when the RPC did not answer in time.
pub const TIMEOUT: &str = "TIMEOUT";
/// `TxStatusReply::Error::name` when the RPC could not be reached.
pub const UNREACHABLE: &str = "UNREACHABLE";
/// `TxStatusReply::Error::name` for an HTTP error status without a JSON-RPC error body.
pub const HTTP_STATUS: &str = "HTTP_STATUS";

/// Why a request failed.
#[derive(Clone, PartialEq, Debug, thiserror::Error)]
pub enum RpcError {
    #[error("no answer from {url} within {secs:.1} s")]
    Timeout { url: String, secs: f64 },
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} answered HTTP {status}{}", status_hint(*status))]
    HttpStatus { url: String, status: u16 },
    /// The node answered, with a JSON-RPC error or something that is not a response.
    #[error(transparent)]
    Response(#[from] ResponseError),
}

impl RpcError {
    /// A short upper-case name: the node's error name, or `TIMEOUT`, `UNREACHABLE`, ...
    pub fn name(&self) -> &str {
        match self {
            RpcError::Timeout { .. } => TIMEOUT,
            RpcError::Unreachable { .. } => UNREACHABLE,
            RpcError::HttpStatus { .. } => HTTP_STATUS,
            RpcError::Response(err) => err.name(),
        }
    }

    /// Whether the RPC itself could not be used (as opposed to answering about bad input).
    pub fn is_network(&self) -> bool {
        !matches!(self, RpcError::Response(ResponseError::Rpc { .. }))
    }
}

/// A cheap-to-clone handle on one RPC endpoint, shared by concurrent followers.
///
/// Block headers are cached: each block is fetched from the node once, whichever follower
/// needs it first (followers asking at the same time wait for the same request).
#[derive(Clone)]
pub struct RpcClient {
    inner: Arc<Inner>,
}

struct Inner {
    url: String,
    http: reqwest::Client,
    request_timeout: Duration,
    next_id: AtomicU64,
    blocks: Mutex<HashMap<BlockHash, Arc<OnceCell<BlockHeaderView>>>>,
}

impl RpcClient {
    /// A client for `url` with [`DEFAULT_REQUEST_TIMEOUT`].
    pub fn new(url: &str) -> Result<Self, RpcError> {
        Self::with_timeout(url, DEFAULT_REQUEST_TIMEOUT)
    }

    /// A client whose requests give up after `request_timeout`.
    pub fn with_timeout(url: &str, request_timeout: Duration) -> Result<Self, RpcError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| RpcError::Unreachable {
            url: url.to_owned(),
            reason: format!("not a valid URL ({e})"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(RpcError::Unreachable {
                url: url.to_owned(),
                reason: "the RPC URL must start with http:// or https://".to_owned(),
            });
        }
        let http = reqwest::Client::builder()
            .timeout(request_timeout)
            .connect_timeout(request_timeout)
            .user_agent(concat!("nearviz/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| RpcError::Unreachable {
                url: url.to_owned(),
                reason: format!("cannot set up HTTP: {e}"),
            })?;
        Ok(Self {
            inner: Arc::new(Inner {
                url: url.to_owned(),
                http,
                request_timeout,
                next_id: AtomicU64::new(1),
                blocks: Mutex::new(HashMap::new()),
            }),
        })
    }

    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// `EXPERIMENTAL_tx_status` with `wait_until: NONE`: returns at once with what the node has.
    /// Never fails: errors become [`TxStatusReply::Error`], `UNKNOWN_TRANSACTION` becomes `Unknown`.
    pub async fn tx_status(&self, tx: TxHash, sender: &AccountId) -> TxStatusReply {
        let params = json!({
            "tx_hash": tx.to_string(),
            "sender_account_id": sender.as_str(),
            "wait_until": "NONE",
        });
        match self.call("EXPERIMENTAL_tx_status", params).await {
            Ok(raw) => response::tx_status_reply(&raw),
            Err(err) => {
                TxStatusReply::Error { name: err.name().to_owned(), message: err.to_string() }
            }
        }
    }

    /// The header of block `hash`, from the cache or the node. A failed fetch is not cached.
    pub async fn block_header(&self, hash: BlockHash) -> Result<BlockHeaderView, RpcError> {
        let cell = match self.inner.blocks.lock() {
            Ok(mut blocks) => blocks.entry(hash).or_default().clone(),
            Err(_) => Arc::new(OnceCell::new()),
        };
        let header = cell
            .get_or_try_init(|| async {
                let raw = self.call("block", json!({ "block_id": hash.to_string() })).await?;
                Ok::<_, RpcError>(response::block_header(&raw)?)
            })
            .await?;
        Ok(header.clone())
    }

    /// `EXPERIMENTAL_receipt`: a receipt by id (a node knows it once the block that created
    /// it was applied, before it runs). `UNKNOWN_RECEIPT` comes back as an error.
    pub async fn receipt(&self, id: ReceiptId) -> Result<ReceiptView, RpcError> {
        let raw =
            self.call("EXPERIMENTAL_receipt", json!({ "receipt_id": id.to_string() })).await?;
        Ok(response::receipt_view(&raw)?)
    }

    /// One JSON-RPC call. Returns the raw text of the node's JSON-RPC response (with `result` or
    /// `error` inside: read it with [`response`]); fails when no such response arrived.
    pub async fn call(&self, method: &str, params: Value) -> Result<String, RpcError> {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        tracing::trace!(url = %self.inner.url, method, id, "rpc request");
        let sent = self
            .inner
            .http
            .post(&self.inner.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| self.transport_error(&e))?;
        let status = sent.status();
        let bytes = sent.bytes().await.map_err(|e| self.transport_error(&e))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        // nearcore sends JSON-RPC errors with non-200 codes too (400, 408, 500): read them.
        match response::envelope(&text) {
            Ok(_) | Err(ResponseError::Rpc { .. }) => Ok(text),
            Err(_) if !status.is_success() => {
                Err(RpcError::HttpStatus { url: self.inner.url.clone(), status: status.as_u16() })
            }
            Err(ResponseError::Invalid(detail)) => Err(ResponseError::Invalid(format!(
                "{} answered {method} with {detail}",
                self.inner.url
            ))
            .into()),
        }
    }

    fn transport_error(&self, err: &reqwest::Error) -> RpcError {
        let url = self.inner.url.clone();
        if err.is_timeout() {
            return RpcError::Timeout { url, secs: self.inner.request_timeout.as_secs_f64() };
        }
        RpcError::Unreachable { url, reason: root_cause(err) }
    }
}

/// What to do about an HTTP status a public RPC sends.
fn status_hint(status: u16) -> &'static str {
    match status {
        429 => {
            " (rate limited: try another provider with --rpc, see docs.near.org/api/rpc/providers)"
        }
        401 | 403 => " (this RPC wants an API key: try another provider with --rpc)",
        _ => "",
    }
}

/// The innermost cause of an error ("Connection refused (os error 111)"), which is what a
/// person needs; reqwest's own message is "error sending request for url (...)".
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
