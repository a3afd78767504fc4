//! `nearviz tx HASH --sender ACCOUNT --rpc URL | --network testnet|mainnet`: any network, read-only.

use crate::cli::{Format, LiveArgs, Network};
use std::process::ExitCode;

pub async fn run(
    hash: &str,
    sender: &str,
    rpc: Option<&str>,
    network: Option<Network>,
    format: Option<Format>,
    args: &LiveArgs,
) -> anyhow::Result<ExitCode> {
    let _ = (hash, sender, rpc, network, format, args);
    anyhow::bail!("tx is not available yet")
}
