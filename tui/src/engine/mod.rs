//! Engines: where chain data comes from. Each runs in its own tokio task and talks to the app
//! over bounded channels, in `ChainEvent`s (NEAR RPC views), so the app cannot tell them apart.
//!
//! ```text
//!  app ──EngineCommand──▶ engine task (sandbox | embedded | rpc | watch)
//!  app ◀──EngineEvent──── engine task
//! ```

use crate::chain::ChainEvent;
use crate::scenario::Call;
use tokio::sync::mpsc;

pub use channel::{event_channel, EventReceiver, EventSender};

/// How many messages (events, or a block's events) may wait in an engine's channel before the
/// engine waits for the app.
pub const EVENT_CHANNEL_CAPACITY: usize = 1024;

/// Which engine runs the chain.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum EngineKind {
    /// Sandbox if a neard binary is available, else embedded.
    Auto,
    /// A real neard sandbox through near-workspaces.
    Sandbox,
    /// NEAR's VM in-process: offline, instant, blocks on demand.
    Embedded,
}

/// Which engine runs (or ran) the chain.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EngineId {
    /// A real neard sandbox.
    Sandbox,
    /// NEAR's VM in-process (`nearviz-runtime`).
    Embedded,
    /// Any RPC node, read-only (`nearviz tx`).
    Rpc,
    /// The embedded runtime behind a JSON-RPC endpoint (`nearviz serve`).
    Serve,
    /// New blocks of any node, read-only (`nearviz watch`).
    Watch,
    /// A recording played back; no engine runs.
    Replay,
}

/// What an engine can do, so the app offers only what works.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Capabilities {
    /// Takes calls (`EngineCommand::Send`).
    pub calls: bool,
    /// Can switch to blocks on demand (`SetManualBlocks`, then `ProduceBlock`).
    pub pause_chain: bool,
    /// Gas figures may differ slightly from a real node.
    pub approximate_gas: bool,
}

impl EngineId {
    /// The short name shown in the header and written into fixtures.
    pub fn name(self) -> &'static str {
        match self {
            EngineId::Sandbox => "sandbox",
            EngineId::Embedded => "embedded",
            EngineId::Rpc => "rpc",
            EngineId::Serve => "serve",
            EngineId::Watch => "watch",
            EngineId::Replay => "replay",
        }
    }

    pub fn capabilities(self) -> Capabilities {
        match self {
            EngineId::Sandbox => {
                Capabilities { calls: true, pause_chain: false, approximate_gas: false }
            }
            EngineId::Embedded | EngineId::Serve => {
                Capabilities { calls: true, pause_chain: true, approximate_gas: true }
            }
            EngineId::Rpc | EngineId::Watch | EngineId::Replay => {
                Capabilities { calls: false, pause_chain: false, approximate_gas: false }
            }
        }
    }
}

impl std::fmt::Display for EngineId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What the header shows about the running engine.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EngineInfo {
    pub id: EngineId,
    /// Why this engine (e.g. `auto: no neard binary (NEAR_SANDBOX_BIN_PATH unset)`).
    pub reason: Option<String>,
    pub protocol_version: Option<u32>,
    /// Blocks are produced on demand (`EngineCommand::ProduceBlock`) right now.
    pub manual_blocks: bool,
    /// The network's block the chain was forked at (`--fork`): the header marks it.
    pub fork_height: Option<u64>,
}

impl EngineInfo {
    /// A running engine of this kind, blocks on a timer.
    pub fn new(id: EngineId) -> Self {
        EngineInfo {
            id,
            reason: None,
            protocol_version: None,
            manual_blocks: false,
            fork_height: None,
        }
    }

    /// The engine's short name (`sandbox`, `embedded`, ...).
    pub fn name(&self) -> &'static str {
        self.id.name()
    }

    pub fn capabilities(&self) -> Capabilities {
        self.id.capabilities()
    }
}

/// What an engine tells the app.
#[derive(Clone, Debug)]
pub enum EngineEvent {
    /// Boot progress, one line for the status bar (`starting sandbox…`, `deploying xcc…`).
    Progress(String),
    /// Booted, deployed, ready for calls.
    Ready(EngineInfo),
    Chain(ChainEvent),
    /// A call could not be sent (the reason, for the status bar); the engine keeps running.
    CallFailed {
        call: String,
        error: String,
    },
    /// The engine stopped and will send nothing more (crash, node exited, boot failed).
    Down(String),
}

/// What the app asks of an engine.
// One command per key press through a small channel: a boxed `Call` would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum EngineCommand {
    /// Send this scenario call as a transaction, without waiting for it.
    Send(Call),
    /// Produce one block now (engines with `manual_blocks`).
    ProduceBlock,
    /// Switch between blocks on a timer and blocks on demand (engines that can).
    SetManualBlocks(bool),
    /// Stop the chain and clean up; the task then ends.
    Shutdown,
}

/// The app's end of a running engine.
pub struct EngineHandle {
    pub commands: mpsc::Sender<EngineCommand>,
    pub events: EventReceiver,
    pub task: tokio::task::JoinHandle<()>,
}

impl EngineHandle {
    /// Channels for a new engine: the engine task keeps the returned `EngineSide`.
    pub fn channels() -> (EngineSide, mpsc::Sender<EngineCommand>, EventReceiver) {
        let (cmd_tx, cmd_rx) = mpsc::channel(64);
        let (ev_tx, ev_rx) = event_channel(EVENT_CHANNEL_CAPACITY);
        (EngineSide { commands: cmd_rx, events: ev_tx }, cmd_tx, ev_rx)
    }
}

/// The engine task's end of the channels.
pub struct EngineSide {
    pub commands: mpsc::Receiver<EngineCommand>,
    pub events: EventSender,
}

mod channel;
pub mod embedded;
pub mod journal;
pub mod rpc;
pub mod sandbox;
pub mod select;
pub mod watch;

pub use select::{choose, start, Choice, Chosen, StartOptions};
