//! `nearviz watch --rpc URL [--account A]...`: follow any node's new transactions, read-only,
//! in the TUI or `--headless` (one line per transaction, `--record`, SIGTERM saves and exits 0).

use crate::cli::{LiveArgs, Network};
use crate::engine::rpc::client::RpcClient;
use crate::serve::watch::{spawn, WatchOptions};
use near_primitives::types::AccountId;
use std::io::Write;
use std::process::ExitCode;

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

pub async fn run(args: &WatchArgs, live: &LiveArgs) -> anyhow::Result<ExitCode> {
    let url = match (&args.rpc, args.network) {
        (Some(url), _) => url.clone(),
        (None, Some(network)) => crate::engine::rpc::network_url(network).to_owned(),
        (None, None) => {
            let _ = writeln!(std::io::stderr(), "nearviz: say which node: --rpc URL or --network");
            return Ok(ExitCode::from(2));
        }
    };
    let client = match RpcClient::new(&url) {
        Ok(client) => client,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "nearviz: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let opts = WatchOptions { accounts: args.accounts.clone(), ..WatchOptions::default() };
    let mut engine = spawn(client, opts);
    if args.headless {
        let ready = format!("nearviz watch: following {url}");
        return crate::commands::serve::headless(&mut engine, live.record.as_deref(), &ready).await;
    }
    crate::commands::live::run_viewer(engine, live).await
}
