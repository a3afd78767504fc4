//! `nearviz watch`: a read-only follower of any node's new blocks. Walks block → chunks →
//! transactions and follows every transaction (or those whose signer or receiver is one of the
//! given accounts) to FINAL with the RPC engine's follower, as `ChainEvent`s.
//!
//! ```text
//! every poll: head ─▶ for each new height: block ─▶ chunk(chunk_hash) ─▶ transactions
//!                                              └─▶ TxSubmitted + follow_tx (own task) ─▶ TxPoll… TxDone
//! more than `max_behind` blocks behind ─▶ Progress("skipped N blocks") and jump to the head
//! ```

use crate::chain::{ChainEvent, TxHash};
use crate::engine::rpc::client::RpcClient;
use crate::engine::rpc::follow::{follow_tx, FollowOptions};
use crate::engine::rpc::response::envelope;
use crate::engine::{EngineCommand, EngineEvent, EngineHandle, EngineId, EngineInfo, EngineSide};
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::time::Instant;

/// How `watch` follows.
#[derive(Clone, Debug)]
pub struct WatchOptions {
    /// Only transactions signed by or sent to these accounts (empty: all).
    pub accounts: Vec<AccountId>,
    pub poll_interval: Duration,
    /// Blocks it may fall behind before it skips to the head (and says so).
    pub max_behind: u64,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            accounts: Vec::new(),
            poll_interval: Duration::from_millis(100),
            max_behind: 100,
        }
    }
}

pub fn spawn(client: RpcClient, opts: WatchOptions) -> EngineHandle {
    let (side, commands, events) = EngineHandle::channels();
    let task = tokio::spawn(run(client, opts, side));
    EngineHandle { commands, events, task }
}

async fn call(client: &RpcClient, method: &str, params: Value) -> Result<Value, String> {
    let raw = client.call(method, params).await.map_err(|e| e.to_string())?;
    let result = envelope(&raw).map_err(|e| e.to_string())?;
    serde_json::from_str(result).map_err(|e| format!("{method}: {e}"))
}

async fn run(client: RpcClient, opts: WatchOptions, mut side: EngineSide) {
    let head = match call(&client, "block", json!({ "finality": "optimistic" })).await {
        Ok(block) => block["header"]["height"].as_u64().unwrap_or(0),
        Err(err) => {
            let _ = side.events.send(EngineEvent::Down(err)).await;
            return;
        }
    };
    let info = EngineInfo {
        reason: Some(format!("following {}", client.url())),
        ..EngineInfo::new(EngineId::Watch)
    };
    if side.events.send(EngineEvent::Ready(info)).await.is_err() {
        return;
    }
    let mut next = head + 1;
    let mut ticker = tokio::time::interval(opts.poll_interval);
    loop {
        tokio::select! {
            command = side.commands.recv() => match command {
                None | Some(EngineCommand::Shutdown) => return,
                Some(_) => continue,
            },
            _ = ticker.tick() => {}
        }
        let head = match call(&client, "block", json!({ "finality": "optimistic" })).await {
            Ok(block) => block["header"]["height"].as_u64().unwrap_or(0),
            Err(err) => {
                let _ = side.events.send(EngineEvent::Progress(format!("watch: {err}"))).await;
                continue;
            }
        };
        if head >= next + opts.max_behind {
            let skipped = head - next;
            let line =
                format!("watch: could not keep up, skipped {skipped} blocks ({next}..{head})");
            let _ = side.events.send(EngineEvent::Progress(line)).await;
            next = head;
        }
        while next <= head {
            if let Err(err) = walk_block(&client, &opts, next, &side).await {
                let _ = side
                    .events
                    .send(EngineEvent::Progress(format!("watch: block {next}: {err}")))
                    .await;
                break;
            }
            next += 1;
        }
        if side.events.is_closed() {
            return;
        }
    }
}

/// Opens every (matching) transaction of block `height`. A height with no block is skipped.
async fn walk_block(
    client: &RpcClient,
    opts: &WatchOptions,
    height: u64,
    side: &EngineSide,
) -> Result<(), String> {
    let block = match call(client, "block", json!({ "block_id": height })).await {
        Ok(block) => block,
        Err(err) if err.contains("UNKNOWN_BLOCK") => return Ok(()),
        Err(err) => return Err(err),
    };
    let chunks = block["chunks"].as_array().cloned().unwrap_or_default();
    for chunk in chunks {
        let Some(chunk_hash) = chunk["chunk_hash"].as_str() else { continue };
        let chunk = call(client, "chunk", json!({ "chunk_id": chunk_hash })).await?;
        for tx in chunk["transactions"].as_array().cloned().unwrap_or_default() {
            let parse = |field: &str| tx[field].as_str().and_then(|s| s.parse::<AccountId>().ok());
            let (Some(signer), Some(receiver)) = (parse("signer_id"), parse("receiver_id")) else {
                continue;
            };
            let Some(hash) = tx["hash"].as_str().and_then(|s| s.parse::<CryptoHash>().ok()) else {
                continue;
            };
            if !opts.accounts.is_empty()
                && !opts.accounts.iter().any(|a| *a == signer || *a == receiver)
            {
                continue;
            }
            let label = format!("{signer} → {receiver}");
            let submitted = ChainEvent::TxSubmitted {
                tx: TxHash(hash),
                sender: signer.clone(),
                label,
                at_ms: 0,
            };
            if side.events.send(EngineEvent::Chain(submitted)).await.is_err() {
                return Ok(());
            }
            let (client, events) = (client.clone(), side.events.clone());
            let follow = FollowOptions {
                poll_interval: Duration::from_millis(100),
                ..FollowOptions::viewer()
            };
            tokio::spawn(async move {
                let _ =
                    follow_tx(client, TxHash(hash), signer, Instant::now(), events, follow).await;
            });
        }
    }
    Ok(())
}
