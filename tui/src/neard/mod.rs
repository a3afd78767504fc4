//! nearviz as the sandbox near-workspaces starts: neard's command line (`--home DIR init`,
//! `--home DIR run --rpc-addr ...`), neard's home files, and the embedded runtime behind the
//! same JSON-RPC server as `nearviz serve` (the `near-sandbox` binary).
//!
//! ```text
//!  launcher ── init ──▶ init.rs: config.json, genesis.json (records), validator_key.json, node_key.json
//!           ── edits config.json / genesis.json (accounts, keys, limits) ──
//!           ── run ───▶ run.rs: config.json ─▶ genesis.rs: Genesis ─▶ Runtime ─▶ serve::start
//!                       (headless; blocks on demand or every NEARVIZ_BLOCK_MS; log: nearviz.log)
//!           ── SIGKILL (nothing is done at exit)
//! ```

pub mod cli;
mod files;
pub mod genesis;
pub mod init;
mod log;
pub mod run;

pub use cli::{NeardCli, NeardCommand};
pub use files::{CONFIG_FILE, GENESIS_FILE, LOG_FILE, NODE_KEY_FILE, VALIDATOR_KEY_FILE};

use std::path::PathBuf;

/// Runs one parsed command line: `init` writes the home, `run` serves until killed.
pub fn main(cli: &NeardCli) -> anyhow::Result<()> {
    let home = cli.home.clone().unwrap_or_else(default_home);
    match &cli.command {
        NeardCommand::Init(args) => init::init(&home, args),
        NeardCommand::Run(args) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|err| anyhow::Error::new(err).context("cannot start the async runtime"))?;
            runtime.block_on(run::run(&home, args))
        }
    }
}

/// neard's default home, `~/.near`.
fn default_home() -> PathBuf {
    directories::BaseDirs::new()
        .map_or_else(|| PathBuf::from(".near"), |dirs| dirs.home_dir().join(".near"))
}
