//! The read-only RPC engine behind `nearviz tx`: follows one existing transaction on any network.
//!
//! ```text
//! Progress ─▶ Ready ─▶ TxSubmitted(label = hash) ─▶ Block… TxPoll… ─▶ TxDone
//! ```
//! Then it waits for `Shutdown` (or the app dropping its handle); calls are refused, read-only.

use super::client::RpcClient;
use super::follow::{follow_tx, FollowError, FollowOptions};
use crate::chain::{ChainEvent, TxHash};
use crate::engine::EventSender;
use crate::engine::{EngineCommand, EngineEvent, EngineHandle, EngineId, EngineInfo, EngineSide};
use near_primitives::types::AccountId;
use tokio::time::Instant;

/// `EngineInfo::name` of this engine.
pub const ENGINE_NAME: &str = "rpc";

/// Starts the viewer engine on `url` with [`FollowOptions::viewer`].
///
/// A URL nearviz cannot use ends the engine at once with `EngineEvent::Down(reason)`.
pub fn spawn_tx_viewer(url: &str, tx: TxHash, sender: AccountId) -> EngineHandle {
    match RpcClient::new(url) {
        Ok(client) => spawn_tx_viewer_with(client, tx, sender, FollowOptions::viewer()),
        Err(err) => {
            let (side, commands, events) = EngineHandle::channels();
            let task = tokio::spawn(async move {
                let _ = side.events.send(EngineEvent::Down(err.to_string())).await;
            });
            EngineHandle { commands, events, task }
        }
    }
}

/// Starts the viewer engine with a given client and options.
pub fn spawn_tx_viewer_with(
    client: RpcClient,
    tx: TxHash,
    sender: AccountId,
    opts: FollowOptions,
) -> EngineHandle {
    let (side, commands, events) = EngineHandle::channels();
    let task = tokio::spawn(run(side, client, tx, sender, opts));
    EngineHandle { commands, events, task }
}

async fn run(
    mut side: EngineSide,
    client: RpcClient,
    tx: TxHash,
    sender: AccountId,
    opts: FollowOptions,
) {
    let follow = watch_tx(client, tx, sender, side.events.clone(), opts);
    tokio::pin!(follow);
    let mut following = true;
    loop {
        tokio::select! {
            result = &mut follow, if following => {
                following = false;
                if let Err(FollowError::Stopped { .. }) = result {
                    return;
                }
            }
            command = side.commands.recv() => match command {
                None | Some(EngineCommand::Shutdown) => return,
                Some(EngineCommand::Send(call)) => {
                    let refused = EngineEvent::CallFailed {
                        call: call.name,
                        error: "read-only: `nearviz tx` shows an existing transaction".to_owned(),
                    };
                    if side.events.send(refused).await.is_err() {
                        return;
                    }
                }
                Some(EngineCommand::ProduceBlock | EngineCommand::SetManualBlocks(_)) => {}
            },
        }
    }
}

/// Announces and follows one existing transaction: `Progress`, `Ready`, `TxSubmitted` (labelled
/// with its hash), then what [`follow_tx`] sends. Used by the viewer engine and headless `nearviz tx`.
pub async fn watch_tx(
    client: RpcClient,
    tx: TxHash,
    sender: AccountId,
    events: EventSender,
    opts: FollowOptions,
) -> Result<(), FollowError> {
    let url = client.url().to_owned();
    let started_at = Instant::now();
    let intro = [
        EngineEvent::Progress(format!("asking {url} for transaction {tx}…")),
        EngineEvent::Ready(EngineInfo {
            reason: Some(format!("read-only, {url}")),
            ..EngineInfo::new(EngineId::Rpc)
        }),
        EngineEvent::Chain(ChainEvent::TxSubmitted {
            tx,
            sender: sender.clone(),
            label: tx.to_string(),
            at_ms: 0,
        }),
    ];
    for event in intro {
        events.send(event).await.map_err(|_| FollowError::Stopped { tx })?;
    }
    follow_tx(client, tx, sender, started_at, events, opts).await
}
