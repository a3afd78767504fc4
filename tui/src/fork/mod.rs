//! Forking a live network into the embedded chain: `--fork URL [--fork-block HEIGHT|final]`.
//!
//! ```text
//! open(URL, block) ─▶ status (chain id, genesis hash, protocol) ─▶ block (height, time, gas price)
//!                  ─▶ a probe query at the block (is its state still kept?) ─▶ ForkPoint
//! ForkPoint ─▶ RuntimeOptions: the chain starts at that block, its state read lazily through
//!              RpcRemote (`query` at the block, cached on disk: remote.rs, cache.rs)
//! ```
//! A forked account of a scenario (`fork = true`) must exist on the remote at the block. The
//! scenario's own accounts that the remote already has with the scenario's code are driven as
//! the remote's (adopt.rs).

mod adopt;
mod cache;
mod remote;
pub mod rerun;

use crate::cli::LiveArgs;
use crate::engine::rpc::client::RpcClient;
use crate::engine::rpc::response::{self, ResponseError};
use crate::engine::EngineKind;
use crate::exit::Failure;
use crate::scenario::Scenario;
use anyhow::Context as _;
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use near_primitives::views::BlockHeaderView;
use nearviz_runtime::{Remote, RuntimeOptions};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

pub use remote::RpcRemote;

/// The node's names for a block it does not have (never had, or garbage-collected).
const UNKNOWN_BLOCK: &[&str] = &["UNKNOWN_BLOCK", "GARBAGE_COLLECTED_BLOCK"];

/// What to say when a node no longer has a block's state.
pub const ARCHIVAL_HINT: &str =
    "a node keeps only its latest epochs: fork from an archival RPC (--fork URL of an archival node)";

/// Which block of the remote to fork at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForkBlock {
    /// The remote's last final block.
    Final,
    Height(u64),
    Hash(CryptoHash),
}

impl FromStr for ForkBlock {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim() {
            "final" => Ok(ForkBlock::Final),
            height => height
                .parse()
                .map(ForkBlock::Height)
                .map_err(|_| format!("--fork-block `{text}`: expected a block height or `final`")),
        }
    }
}

impl ForkBlock {
    fn reference(self) -> Value {
        match self {
            ForkBlock::Final => json!({ "finality": "final" }),
            ForkBlock::Height(height) => json!({ "block_id": height }),
            ForkBlock::Hash(hash) => json!({ "block_id": hash }),
        }
    }
}

/// A block of a remote network to start the embedded chain from.
#[derive(Clone, Debug)]
pub struct ForkPoint {
    pub url: String,
    pub chain_id: String,
    /// The forked block: the embedded chain's first block has its height, time and gas price.
    pub header: BlockHeaderView,
    /// The remote's protocol version, when the embedded runtime supports it.
    pub protocol_version: Option<u32>,
    pub remote: Remote,
}

impl ForkPoint {
    /// The embedded chain's options for this fork: its first block is the forked one (height,
    /// timestamp, gas price, total supply), contracts see the remote's chain id, and what the
    /// chain does not hold is read from the remote.
    pub fn apply(&self, options: &mut RuntimeOptions) {
        options.genesis_height = self.header.height;
        options.genesis_timestamp_ns = self.header.timestamp_nanosec;
        options.gas_price = self.header.gas_price.as_yoctonear();
        options.genesis.chain_id.clone_from(&self.chain_id);
        options.genesis.total_supply = self.header.total_supply.as_yoctonear();
        options.genesis.max_gas_price = options.genesis.max_gas_price.max(options.gas_price);
        options.protocol_version = options.protocol_version.or(self.protocol_version);
        options.remote = Some(self.remote.clone());
    }

    /// One line for the header and logs: `fork of URL at #H`.
    pub fn describe(&self) -> String {
        format!("fork of {} at #{}", self.url, self.header.height)
    }

    /// Checks the scenario's forked accounts exist on the remote at the block.
    pub fn check_accounts(&self, scenario: &Scenario) -> anyhow::Result<()> {
        for account in scenario.forked_accounts() {
            let id: AccountId = account.account_id()?;
            let found = self.remote.0.account(&id).map_err(|e| Failure::engine(e.to_string()))?;
            if found.is_none() {
                return Err(Failure::bad_input(format!(
                    "account {id} does not exist on {} at block #{}",
                    self.url, self.header.height
                )));
            }
        }
        Ok(())
    }
}

/// A scenario naming forked accounts needs `--fork`; with it, they must exist (bad input).
pub fn check_scenario(scenario: &Scenario, fork: Option<&ForkPoint>) -> anyhow::Result<()> {
    match (fork, scenario.forked_accounts().next()) {
        (Some(fork), _) => fork.check_accounts(scenario),
        (None, Some(account)) => Err(Failure::bad_input(format!(
            "account `{}` is forked (fork = true): run with --fork URL",
            account.name
        ))),
        (None, None) => Ok(()),
    }
}

/// The fork the command line asks for (`--fork`, `--fork-block`), opened and checked against
/// the scenario and the engine (`None` without `--fork`), and the scenario to run on it: the
/// accounts the fork already has are its ([`ForkPoint::adopt_existing`]).
pub async fn for_args(
    args: &LiveArgs,
    scenario: Scenario,
) -> anyhow::Result<(Option<ForkPoint>, Scenario)> {
    if args.fork.is_some() && args.engine == EngineKind::Sandbox {
        return Err(Failure::bad_input(
            "--fork runs on the embedded runtime: leave out --engine sandbox",
        ));
    }
    let fork = from_args(args.fork.as_deref(), args.fork_block.as_deref(), None).await?;
    // The remote answers synchronously: off the async threads.
    let checked = fork.clone();
    let scenario = tokio::task::spawn_blocking(move || {
        check_scenario(&scenario, checked.as_ref())?;
        match &checked {
            Some(fork) => fork.adopt_existing(scenario),
            None => Ok(scenario),
        }
    })
    .await
    .context("checking the forked accounts stopped")??;
    Ok((fork, scenario))
}

/// A scenario with no accounts of its own (only the root account): what `serve --fork`
/// runs without `--scenario`, so every account is the network's.
pub fn bare_scenario(url: &str) -> anyhow::Result<Scenario> {
    let title = toml::Value::String(format!("fork of {url}"));
    let text = format!("title = {title}");
    Ok(Scenario::parse(&text, crate::scenario::Source::BuiltIn)?)
}

/// `--fork URL --fork-block B` of the command line, opened; `None` without `--fork`.
pub async fn from_args(
    url: Option<&str>,
    block: Option<&str>,
    cache: Option<PathBuf>,
) -> anyhow::Result<Option<ForkPoint>> {
    let Some(url) = url else {
        return match block {
            Some(_) => Err(Failure::bad_input("--fork-block needs --fork URL")),
            None => Ok(None),
        };
    };
    let block = match block {
        Some(text) => text.parse::<ForkBlock>().map_err(Failure::bad_input)?,
        None => ForkBlock::Final,
    };
    open(url, block, cache).await.map(Some)
}

/// Opens a fork of `url` at `block`: reads the network and the block, checks the node still
/// has the block's state. Unreachable: engine failure (3); a block it does not have or no
/// longer keeps: bad input (2), naming the archival node as the fix.
pub async fn open(
    url: &str,
    block: ForkBlock,
    cache: Option<PathBuf>,
) -> anyhow::Result<ForkPoint> {
    let root = cache.or_else(cache::default_root);
    let known = cache::Point::key(url, block)
        .zip(root.as_ref())
        .and_then(|(k, r)| cache::Point::read(r, &k));
    let point = match known {
        Some(point) => point,
        None => {
            let point = ask(url, block).await?;
            if let (Some(key), Some(root)) = (cache::Point::key(url, block), &root) {
                point.write(root, &key);
            }
            point
        }
    };
    let dir = root.map(|root| {
        let network = cache::network_dir(&point.chain_id, &point.genesis_hash);
        root.join(network).join(point.header.hash.to_string())
    });
    let remote = RpcRemote::start(url, point.header.hash, point.header.height, dir)
        .with_context(|| format!("cannot fork {url}"))?;
    let supported =
        nearviz_runtime::MIN_PROTOCOL_VERSION..=nearviz_runtime::latest_protocol_version();
    Ok(ForkPoint {
        url: url.to_owned(),
        chain_id: point.chain_id,
        header: point.header,
        protocol_version: point.protocol_version.filter(|v| supported.contains(v)),
        remote: Remote(Arc::new(remote)),
    })
}

/// The network and the block, from the node.
async fn ask(url: &str, block: ForkBlock) -> anyhow::Result<cache::Point> {
    let client = RpcClient::new(url).map_err(|e| Failure::bad_input(format!("--fork: {e}")))?;
    let status = call(&client, "status", json!([])).await?;
    let chain_id = status["chain_id"].as_str().unwrap_or("unknown").to_owned();
    let genesis_hash = status["genesis_hash"].as_str().unwrap_or("").to_owned();
    let raw = client.call("block", block.reference()).await.map_err(network)?;
    let header = match response::block_header(&raw) {
        Ok(header) => header,
        Err(ResponseError::Rpc { name, .. }) if UNKNOWN_BLOCK.contains(&name.as_str()) => {
            return Err(Failure::bad_input(format!(
                "{url} does not have block {}: {ARCHIVAL_HINT}",
                describe(block)
            )));
        }
        Err(err) => return Err(Failure::engine(format!("cannot fork {url}: {err}"))),
    };
    probe_state(&client, url, &header).await?;
    let protocol_version = status["protocol_version"].as_u64().and_then(|v| u32::try_from(v).ok());
    Ok(cache::Point { chain_id, genesis_hash, protocol_version, header })
}

fn describe(block: ForkBlock) -> String {
    match block {
        ForkBlock::Final => "final".to_owned(),
        ForkBlock::Height(height) => format!("#{height}"),
        ForkBlock::Hash(hash) => hash.to_string(),
    }
}

/// A node may know a block's header but no longer its state: ask for an account there.
async fn probe_state(
    client: &RpcClient,
    url: &str,
    header: &BlockHeaderView,
) -> anyhow::Result<()> {
    let params = json!({
        "request_type": "view_account",
        "account_id": "near",
        "block_id": header.hash,
    });
    let raw = client.call("query", params).await.map_err(network)?;
    match response::envelope(&raw) {
        Ok(_) => Ok(()),
        Err(ResponseError::Rpc { name, .. }) if UNKNOWN_BLOCK.contains(&name.as_str()) => {
            Err(Failure::bad_input(format!(
                "{url} no longer keeps the state of block #{}: {ARCHIVAL_HINT}",
                header.height
            )))
        }
        // Any other answer (UNKNOWN_ACCOUNT...) means the state is there.
        Err(ResponseError::Rpc { .. }) => Ok(()),
        Err(err) => Err(Failure::engine(format!("cannot fork {url}: {err}"))),
    }
}

/// One call whose answer must be a result.
async fn call(client: &RpcClient, method: &str, params: Value) -> anyhow::Result<Value> {
    let raw = client.call(method, params).await.map_err(network)?;
    let result = response::envelope(&raw)
        .map_err(|e| Failure::engine(format!("cannot fork {}: {e}", client.url())))?;
    serde_json::from_str(result)
        .map_err(|e| Failure::engine(format!("cannot fork {}: {e}", client.url())))
}

fn network(err: crate::engine::rpc::client::RpcError) -> anyhow::Error {
    Failure::engine(format!("cannot fork: {err}"))
}
