//! `nearviz serve`: the embedded chain as a NEAR JSON-RPC endpoint.
//!
//! ```text
//!  client ──HTTP POST──▶ http (hyper; size, rate and concurrency bounds; JSON-RPC envelope)
//!                          │ RpcCall { method, params, reply }
//!                          ▼
//!  app/headless ◀─EngineEvent── node thread: owns the Runtime; methods answer now or wait
//!  app ──EngineCommand──▶  (send_tx until FINAL...); blocks on a timer or as soon as work is
//!                          pending (instant); every transaction is followed like a scenario call
//! ```
//! The runtime is single-threaded state: one thread owns it, everything else talks to it over
//! bounded channels, so a bad request can only get an error back, never touch the chain.

mod changes;
mod errors;
mod follow;
mod http;
mod keyfile;
mod methods;
mod node;
mod params;
mod query;
mod sandbox;
pub(crate) mod time;
mod views;
mod wait;

pub use http::Limits;
pub use keyfile::{root_key, write_key_file, KeyFile};
pub use node::ENGINE_NAME;
pub use time::rfc3339;

use crate::engine::embedded::default_cache_dir;
use crate::engine::journal;
use crate::engine::EngineHandle;
use crate::scenario::Scenario;
use anyhow::Context as _;
use near_jsonrpc_primitives::errors::RpcError;
use nearviz_runtime::Runtime;
use serde_json::Value;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Default port, like neard's RPC.
pub const DEFAULT_PORT: u16 = 3030;
/// Chain id reported by `status` and the genesis config.
pub const CHAIN_ID: &str = nearviz_runtime::SANDBOX_CHAIN_ID;

/// When blocks are produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockPacing {
    /// One block every interval, like a node.
    Timer(Duration),
    /// A block as soon as work is pending (auto-mining), idle otherwise.
    Instant,
}

/// How `nearviz serve` runs.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub pacing: BlockPacing,
    /// Where the root account's key is written (neard's `validator_key.json` shape).
    pub key_file: PathBuf,
    pub protocol_version: Option<u32>,
    /// Compiled-contract cache (`None`: the default one under the cache dir).
    pub cache_dir: Option<PathBuf>,
    pub limits: Limits,
    /// Fork a network (`--fork`): the chain starts from its block, its state read lazily.
    pub fork: Option<crate::fork::ForkPoint>,
}

/// What the node thread serves.
pub enum Boot {
    /// A fresh chain with the scenario's accounts and contracts (`nearviz serve`); the root
    /// account's key is written to [`ServeOptions::key_file`].
    Scenario(Scenario),
    /// A chain built already, e.g. from a `genesis.json` (`near-sandbox run`, [`crate::neard`]).
    Runtime(Box<Runtime>),
}

impl From<Scenario> for Boot {
    fn from(scenario: Scenario) -> Self {
        Boot::Scenario(scenario)
    }
}

/// One JSON-RPC call on its way to the node thread.
pub struct RpcCall {
    pub method: String,
    pub params: Value,
    pub reply: oneshot::Sender<Result<Value, RpcError>>,
}

/// Where the server is, for `status`.
pub struct Context {
    pub addr: std::net::SocketAddr,
    pub started: std::time::Instant,
}

/// A running server: its address, the key file and the engine end the app or headless loop reads.
pub struct Serving {
    pub addr: SocketAddr,
    pub key_file: PathBuf,
    pub engine: EngineHandle,
    pub server: tokio::task::JoinHandle<()>,
}

impl Serving {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Binds the address, starts the node thread (which boots the scenario) and the HTTP server.
/// Requests that arrive while the scenario deploys wait for it.
pub async fn start(boot: impl Into<Boot>, opts: ServeOptions) -> anyhow::Result<Serving> {
    let boot = boot.into();
    let listener = tokio::net::TcpListener::bind(opts.addr)
        .await
        .with_context(|| format!("cannot listen on {}", opts.addr))?;
    let addr = listener.local_addr().context("the listening socket has no address")?;
    let (calls_tx, calls_rx) = mpsc::channel::<RpcCall>(opts.limits.max_in_flight.max(1));
    let (side, commands, events) = EngineHandle::channels();
    let protocol_version =
        opts.protocol_version.unwrap_or(nearviz_runtime::DEFAULT_PROTOCOL_VERSION);
    let journal =
        journal::from_env(ENGINE_NAME, &format!("http://{addr}"), protocol_version, time::rfc3339)?;
    let node_opts = node::NodeOptions {
        journal,
        pacing: opts.pacing,
        protocol_version: opts.protocol_version,
        cache_dir: opts.cache_dir.clone().or_else(default_cache_dir),
        key_file: opts.key_file.clone(),
        addr,
        fork: opts.fork.clone(),
    };
    let task = tokio::task::spawn_blocking(move || node::run(boot, node_opts, side, calls_rx));
    let server = tokio::spawn(http::serve(listener, calls_tx, opts.limits));
    Ok(Serving {
        addr,
        key_file: opts.key_file,
        engine: EngineHandle { commands, events, task },
        server,
    })
}

/// What the server answers to one POSTed body when no block is needed: the same envelope
/// parsing and method dispatch as a running server, read-only on `rt`. `None` when the request
/// was accepted to wait on the chain (a valid transaction, or a known transaction's status).
/// For the `serve` fuzz target (`fuzz/`) and its replay test.
pub fn answer_now(rt: &Runtime, body: &[u8]) -> Option<Value> {
    let (id, method, params) = match http::envelope_parts(body) {
        Ok(parts) => parts,
        Err((id, err)) => return Some(http::envelope(id, Err(err))),
    };
    let addr = SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT));
    let ctx = Context { addr, started: std::time::Instant::now() };
    match methods::dispatch(rt, &ctx, &method, params) {
        methods::Answer::Now(reply) => Some(http::envelope(id, reply)),
        methods::Answer::Sent { .. }
        | methods::Answer::Wait { .. }
        | methods::Answer::Sandbox(_) => None,
    }
}
