//! neard's command line, as far as sandbox launchers use it: `--home DIR init [...]` and
//! `--home DIR run --rpc-addr HOST:PORT --network-addr HOST:PORT`. Options neard accepts that
//! make no difference to a one-node embedded chain are accepted and ignored.

use near_primitives::types::AccountId;
use std::path::PathBuf;

/// `near-sandbox`: nearviz's embedded NEAR runtime, started the way neard is.
#[derive(clap::Parser, Debug, Clone)]
#[command(
    name = "near-sandbox",
    version,
    about = "nearviz's embedded NEAR runtime behind JSON-RPC, started with neard's command line \
             (the sandbox near-workspaces runs when NEAR_SANDBOX_BIN_PATH names this binary)"
)]
pub struct NeardCli {
    /// The node's home: config.json, genesis.json, the keys and nearviz.log.
    #[arg(long, global = true)]
    pub home: Option<PathBuf>,
    /// neard's log verbosity for a target (the log follows NEAR_SANDBOX_LOG / RUST_LOG instead).
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub verbose: Option<String>,
    #[command(subcommand)]
    pub command: NeardCommand,
}

#[derive(clap::Subcommand, Debug, Clone)]
pub enum NeardCommand {
    /// Writes config.json, genesis.json, validator_key.json and node_key.json into the home.
    Init(InitArgs),
    /// Boots the chain from the home's genesis.json and serves JSON-RPC until killed.
    Run(RunArgs),
}

#[derive(clap::Args, Debug, Clone, Default)]
pub struct InitArgs {
    /// Chain id (default: `test-chain-` and five random characters, like neard).
    #[arg(long)]
    pub chain_id: Option<String>,
    /// The validator account, holder of the genesis balance (default: `test.near`).
    #[arg(long)]
    pub account_id: Option<AccountId>,
    /// Seed of the validator key (default: the account id, the embedded runtime's key).
    #[arg(long)]
    pub test_seed: Option<String>,
    /// Epochs of 60 blocks (the only length a sandbox uses; accepted for neard's sake).
    #[arg(long)]
    pub fast: bool,
    /// Shards (the embedded chain has one).
    #[arg(long, default_value_t = 1)]
    pub num_shards: u64,
    /// Use this genesis.json instead of writing one.
    #[arg(long)]
    pub genesis: Option<PathBuf>,
    /// Accepted and ignored (a one-node chain has no peers).
    #[arg(long)]
    pub boot_nodes: Option<String>,
    /// Accepted and ignored.
    #[arg(long)]
    pub max_gas_burnt_view: Option<u64>,
}

#[derive(clap::Args, Debug, Clone, Default)]
pub struct RunArgs {
    /// Where JSON-RPC is served (default: config.json's `rpc.addr`). An unspecified host
    /// (0.0.0.0, [::]) is served on loopback: the root key of a sandbox is well known.
    #[arg(long)]
    pub rpc_addr: Option<String>,
    /// Accepted and ignored (a one-node chain has no peers).
    #[arg(long)]
    pub network_addr: Option<String>,
    /// Accepted and ignored: blocks come when work is pending (NEARVIZ_BLOCK_MS sets a pace).
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub produce_empty_blocks: Option<bool>,
    /// Accepted and ignored.
    #[arg(long)]
    pub boot_nodes: Option<String>,
    /// Accepted and ignored.
    #[arg(long)]
    pub min_peers: Option<usize>,
    /// Accepted and ignored (every block is kept).
    #[arg(long)]
    pub archive: bool,
    /// Accepted and ignored.
    #[arg(long)]
    pub telemetry_url: Option<String>,
    /// Accepted and ignored.
    #[arg(long)]
    pub max_gas_burnt_view: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn the_launchers_command_lines_parse() {
        let init = NeardCli::try_parse_from(["near-sandbox", "--home", "/h", "init", "--fast"])
            .expect("rust launcher init");
        assert_eq!(init.home, Some(PathBuf::from("/h")));
        assert!(matches!(init.command, NeardCommand::Init(InitArgs { fast: true, .. })));
        let run = NeardCli::try_parse_from([
            "near-sandbox",
            "--home",
            "/h",
            "run",
            "--rpc-addr",
            "0.0.0.0:3031",
            "--network-addr",
            "0.0.0.0:3032",
        ])
        .expect("npm launcher run");
        let NeardCommand::Run(args) = run.command else { panic!("run") };
        assert_eq!(args.rpc_addr.as_deref(), Some("0.0.0.0:3031"));
        let seeded = NeardCli::try_parse_from([
            "near-sandbox",
            "--home",
            "/h",
            "init",
            "--chain-id",
            "localnet",
            "--account-id",
            "alice.near",
            "--test-seed",
            "alice",
        ])
        .expect("neard's init options");
        let NeardCommand::Init(args) = seeded.command else { panic!("init") };
        assert_eq!(args.account_id.map(|a| a.to_string()).as_deref(), Some("alice.near"));
        assert!(NeardCli::try_parse_from(["near-sandbox", "init", "--bogus"]).is_err());
    }
}
