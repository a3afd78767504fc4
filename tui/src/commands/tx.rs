//! `nearviz tx HASH --sender ACCOUNT --rpc URL | --network testnet|mainnet`: any network, read-only.
//!
//! With `--format` it follows the transaction to FINAL and prints its DAG; without, it opens the
//! TUI on the read-only RPC engine. Exit codes (`crate::exit`): 0 shown, 1 interrupted, 2 bad
//! input (hash, account, URL, a transaction or account the network does not know), 3 the RPC or
//! network failed.

use crate::chain::{ChainEvent, TxHash};
use crate::cli::{Format, LiveArgs, Network, RerunArgs};
use crate::commands::live;
use crate::engine::rpc::{self, FollowError, FollowOptions, RpcClient};
use crate::engine::{EngineEvent, EVENT_CHANNEL_CAPACITY};
use crate::exit::{Failure, Interrupts};
use crate::fixture::{Meta, Recorder};
use crate::model::Trace;
use crate::output;
use anyhow::Context;
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// A transaction to show, checked.
#[derive(Clone, Debug)]
pub struct Target {
    pub tx: TxHash,
    pub sender: AccountId,
    pub url: String,
}

pub async fn run(
    hash: &str,
    sender: &str,
    rpc: Option<&str>,
    network: Option<Network>,
    format: Option<Format>,
    rerun: &RerunArgs,
    args: &LiveArgs,
) -> anyhow::Result<ExitCode> {
    let target = target(hash, sender, rpc, network).map_err(Failure::bad_input)?;
    if rerun.rerun {
        return super::rerun::run(&target, rerun, &mut std::io::stdout().lock()).await;
    }
    match format {
        Some(format) => {
            let mut stdout = std::io::stdout().lock();
            let record = args.record.as_deref();
            headless(&target, format, FollowOptions::viewer(), record, &mut stdout).await?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let handle = rpc::spawn_tx_viewer(&target.url, target.tx, target.sender);
            live::run_viewer(handle, args).await
        }
    }
}

/// Checks the command line: a base58 32-byte hash, a valid account id, one usable RPC URL.
pub fn target(
    hash: &str,
    sender: &str,
    rpc: Option<&str>,
    network: Option<Network>,
) -> Result<Target, String> {
    let tx = hash.trim().parse::<CryptoHash>().map(TxHash).map_err(|_| {
        format!("`{hash}` is not a transaction hash (expected 32 bytes in base58, as explorers show it)")
    })?;
    let sender = sender
        .trim()
        .parse::<AccountId>()
        .map_err(|e| format!("`{sender}` is not a NEAR account id ({e})"))?;
    let url = match (rpc, network) {
        (Some(url), _) => url.trim().to_owned(),
        (None, Some(network)) => rpc::network_url(network).to_owned(),
        (None, None) => {
            return Err(
                "say where the transaction is: --rpc URL or --network testnet|mainnet".into()
            )
        }
    };
    RpcClient::new(&url).map_err(|e| e.to_string())?;
    Ok(Target { tx, sender, url })
}

/// Follows the transaction to FINAL and prints its DAG to `out`; with `record`, saves what was
/// observed as a fixture (also when it failed or was interrupted). A failure is returned: the
/// `FollowError` (its kind is `crate::exit`'s rule), an unknown `--sender` (bad input), or an
/// interruption (failed).
pub async fn headless(
    target: &Target,
    format: Format,
    opts: FollowOptions,
    record: Option<&Path>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let client = RpcClient::new(&target.url)?;
    let mut recorder = Recorder::new(meta(target));
    let mut interrupts = Interrupts::listen();
    let ended = tokio::select! {
        result = watch(&client, target, opts, &mut recorder) => Ok(result),
        signal = interrupts.next() => Err(signal),
    };
    if let Some(path) = record {
        // The error names the path once (`cannot write PATH: ...`); exit 3 (`crate::exit`).
        recorder.save(path)?;
    }
    match ended {
        Ok(Ok(())) => {
            let events = recorder.events().iter().map(|timed| timed.event.clone());
            print(events, format, out)
        }
        Ok(Err(err)) => Err(explain(&client, target, err).await),
        Err(signal) => {
            Err(Failure::failed(format!("interrupted by {signal} while following {}", target.tx)))
        }
    }
}

/// Records everything the viewer reports about the transaction, until FINAL.
pub(super) async fn watch(
    client: &RpcClient,
    target: &Target,
    opts: FollowOptions,
    recorder: &mut Recorder,
) -> Result<(), FollowError> {
    let (events_tx, mut events_rx) = crate::engine::event_channel(EVENT_CHANNEL_CAPACITY);
    let watcher = rpc::watch_tx(client.clone(), target.tx, target.sender.clone(), events_tx, opts);
    let collect = async {
        while let Some(event) = events_rx.recv().await {
            if let EngineEvent::Chain(event) = event {
                recorder.record(event);
            }
        }
    };
    let (result, ()) = tokio::join!(watcher, collect);
    result
}

pub(super) fn meta(target: &Target) -> Meta {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok();
    Meta {
        created_by: Some(format!("nearviz {}", env!("CARGO_PKG_VERSION"))),
        created_at_ms: now.and_then(|d| u64::try_from(d.as_millis()).ok()),
        engine: Some(crate::engine::EngineId::Rpc.name().to_owned()),
        protocol_version: None,
        note: Some(format!(
            "nearviz tx {} --sender {} --rpc {}",
            target.tx, target.sender, target.url
        )),
    }
}

/// A not-found transaction is often a wrong `--sender`: say so (bad input) when the account does
/// not exist; otherwise the follower's error as it is.
pub(super) async fn explain(
    client: &RpcClient,
    target: &Target,
    err: FollowError,
) -> anyhow::Error {
    if !matches!(err, FollowError::NotFound { .. }) {
        return err.into();
    }
    let params = json!({
        "request_type": "view_account",
        "finality": "final",
        "account_id": target.sender.as_str(),
    });
    let answer = client.call("query", params).await;
    let unknown_account = matches!(
        answer.as_deref().map(rpc::response::envelope),
        Ok(Err(rpc::ResponseError::Rpc { name, .. })) if name == "UNKNOWN_ACCOUNT"
    );
    if unknown_account {
        return Failure::bad_input(format!(
            "account {} does not exist on {} (check --sender and the network)",
            target.sender, target.url
        ));
    }
    err.into()
}

/// The DAG of what was observed, in `format`.
fn print(
    events: impl IntoIterator<Item = ChainEvent>,
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let dag = Trace::from_events(events).dag();
    output::write(&dag, format, out).context("cannot write the output")?;
    out.flush().context("cannot write the output")
}
