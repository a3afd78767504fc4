//! `nearviz watch --rpc URL [--account A]...`: follow any node's new transactions, read-only,
//! in the TUI or `--headless` (one line per transaction, `--record`; a stop signal saves and
//! exits 0).

use crate::cli::{LiveArgs, WatchArgs};
use crate::commands::{headless, live};
use crate::engine::rpc::client::RpcClient;
use crate::engine::watch::{spawn, WatchOptions};
use crate::exit::Failure;
use std::process::ExitCode;

pub async fn run(args: &WatchArgs, live: &LiveArgs) -> anyhow::Result<ExitCode> {
    let url = match (&args.rpc, args.network) {
        (Some(url), _) => url.clone(),
        (None, Some(network)) => crate::engine::rpc::network_url(network).to_owned(),
        (None, None) => return Err(Failure::bad_input("say which node: --rpc URL or --network")),
    };
    let client = RpcClient::new(&url).map_err(|err| Failure::bad_input(err.to_string()))?;
    let opts = WatchOptions { accounts: args.accounts.clone(), ..WatchOptions::default() };
    let mut engine = spawn(client, opts);
    if args.headless {
        let ready = format!("nearviz watch: following {url}");
        return headless::run(&mut engine, live.record.as_deref(), &ready).await;
    }
    live::run_viewer(engine, live).await
}
