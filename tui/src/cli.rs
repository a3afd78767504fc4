//! Command-line interface: one subcommand per way of using nearviz. Every clap type is here;
//! `commands/` reads them.

use crate::engine::EngineKind;
use clap::{Parser, Subcommand, ValueEnum};
use near_primitives::types::AccountId;
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "nearviz",
    version,
    about = "See NEAR cross-contract calls: the live promise DAG, block by block."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub live: LiveArgs,
}

/// Options of the live TUI (the default command).
#[derive(clap::Args, Debug, Clone)]
pub struct LiveArgs {
    /// Which engine runs the chain.
    #[arg(long, value_enum, default_value_t = EngineKind::Auto, global = true)]
    pub engine: EngineKind,
    /// A scenario file with your own contracts and calls (default: the built-in examples).
    #[arg(long, global = true)]
    pub scenario: Option<PathBuf>,
    /// Save everything observed to this fixture file (also on quit or crash).
    #[arg(long, global = true)]
    pub record: Option<PathBuf>,
    /// Log file (default: under the data directory).
    #[arg(long, global = true)]
    pub log: Option<PathBuf>,
    /// Protocol version of the embedded runtime (default: 86, the one it models completely).
    #[arg(long, global = true)]
    pub protocol_version: Option<u32>,
    /// Fork a network: the embedded chain starts at a block of this RPC and reads its state
    /// lazily (live TUI, `run`, `serve`).
    #[arg(long, global = true, value_name = "URL")]
    pub fork: Option<String>,
    /// The block to fork at: a height or `final` (default: final).
    #[arg(long, global = true, value_name = "HEIGHT|final")]
    pub fork_block: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Replay a recorded fixture (or a raw capture) in the TUI; a directory: list the
    /// recordings NEARVIZ_RECORD_DIR wrote there and open one.
    Replay { file: PathBuf },
    /// Print the DAG of a fixture, a capture or a saved EXPERIMENTAL_tx_status response.
    Inspect {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Tree)]
        format: Format,
    },
    /// Run scenario calls without the TUI and print their DAGs.
    Run {
        /// Scenario file (default: the built-in examples).
        scenario_file: Option<PathBuf>,
        /// Run only this call (repeatable).
        #[arg(long = "call")]
        calls: Vec<String>,
        /// Run every call of the scenario.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = Format::Tree)]
        format: Format,
        /// Print the gas report instead of the DAGs: per receiver.method, the calls and the
        /// min / median / max gas burnt (a table; JSON with --format json).
        #[arg(long)]
        gas_report: bool,
    },
    /// Serve the embedded chain as a NEAR JSON-RPC endpoint (near-api-js, near-cli...).
    Serve(ServeArgs),
    /// Follow any node's new transactions (read-only): block → chunks → transactions.
    Watch(WatchArgs),
    /// Show an existing transaction from any NEAR RPC, read-only.
    Tx {
        hash: String,
        /// The account that signed it.
        #[arg(long)]
        sender: String,
        /// RPC endpoint URL.
        #[arg(long, conflicts_with = "network")]
        rpc: Option<String>,
        #[arg(long, value_enum)]
        network: Option<Network>,
        /// Print instead of opening the TUI.
        #[arg(long, value_enum)]
        format: Option<Format>,
        #[command(flatten)]
        rerun: RerunArgs,
    },
    /// Compare two runs (fixtures, captures, saved responses): exit 0 equal, 1 different, 2 bad input.
    Diff {
        /// The baseline run.
        a: PathBuf,
        /// The run to compare with it.
        b: PathBuf,
        #[arg(long, value_enum, default_value_t = DiffFormat::Tree)]
        format: DiffFormat,
        /// How far gas-determined amounts may differ: `1%`, `0.5%`, or `0` (exact).
        #[arg(long, default_value = "0", allow_hyphen_values = true)]
        gas_tolerance: String,
        /// Compare only the transactions with this label (repeatable).
        #[arg(long = "tx")]
        txs: Vec<String>,
        /// Compare the two runs' gas reports (per receiver.method) instead of their DAGs.
        #[arg(long)]
        gas_report: bool,
    },
}

/// Options of `nearviz serve`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port; the URL is printed).
    #[arg(long, default_value_t = crate::serve::DEFAULT_PORT)]
    pub port: u16,
    /// Address to listen on (keep it on loopback: the root key is well known).
    #[arg(long, default_value = "127.0.0.1")]
    pub addr: IpAddr,
    /// Serve without the TUI: one line per transaction on stdout (for CI and scripts).
    #[arg(long)]
    pub headless: bool,
    /// Where to write the root account's key (neard's validator_key.json shape).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// Milliseconds between blocks.
    #[arg(long, default_value_t = 125, conflicts_with = "instant")]
    pub block_ms: u64,
    /// Produce a block as soon as work is pending (auto-mining) instead of on a timer.
    #[arg(long)]
    pub instant: bool,
}

/// `nearviz tx --rerun`: re-run a real transaction on a fork and compare.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct RerunArgs {
    /// Re-run the transaction on a fork of the network at the block before it, and print the
    /// `diff` of the real outcome against the re-run (exit 0 equal, 1 different).
    #[arg(long)]
    pub rerun: bool,
    /// With --rerun: how far gas-determined amounts may differ (`1%`, `0.5%`, `0`).
    #[arg(long, default_value = "0", allow_hyphen_values = true)]
    pub gas_tolerance: String,
    /// With --rerun: run the contract in FILE (.wasm) on ACCOUNT instead (repeatable).
    #[arg(long = "patch-wasm", value_name = "ACCOUNT=FILE", requires = "rerun")]
    pub patch_wasm: Vec<String>,
}

/// Options of `nearviz watch`.
#[derive(clap::Args, Debug, Clone)]
pub struct WatchArgs {
    /// RPC endpoint URL (a sandbox, a localnet, `nearviz serve`...).
    #[arg(long, conflicts_with = "network")]
    pub rpc: Option<String>,
    #[arg(long, value_enum)]
    pub network: Option<Network>,
    /// Only transactions signed by or sent to this account (repeatable).
    #[arg(long = "account")]
    pub accounts: Vec<AccountId>,
    /// Without the TUI: one line per transaction on stdout.
    #[arg(long)]
    pub headless: bool,
}

/// Output formats of `nearviz diff`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum DiffFormat {
    Tree,
    Json,
}

pub use crate::engine::rpc::Network;
pub use crate::output::Format;
