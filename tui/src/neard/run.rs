//! `run`: the embedded chain booted from the home's genesis, served as JSON-RPC (the same
//! server as `nearviz serve`), headless, until the process is killed. Nothing is saved at exit:
//! the Rust launcher stops a sandbox with SIGKILL, npm near-workspaces with one SIGINT (then it
//! waits for the exit).

use super::cli::RunArgs;
use super::files::{self, CONFIG_FILE, LOG_FILE};
use super::genesis::Genesis;
use crate::engine::embedded::default_cache_dir;
use crate::engine::EngineEvent;
use crate::exit::{Failure, Interrupts};
use crate::serve::{self, BlockPacing, Boot, Limits, ServeOptions};
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Milliseconds between blocks; unset or 0: a block as soon as work is pending.
pub const BLOCK_MS_VAR: &str = "NEARVIZ_BLOCK_MS";

/// What `run` reads from config.json.
#[derive(Debug)]
struct NodeConfig {
    rpc_addr: Option<String>,
    max_body_bytes: Option<usize>,
    genesis_file: PathBuf,
    records_file: Option<PathBuf>,
    validator_key_file: PathBuf,
}

impl NodeConfig {
    fn read(home: &Path) -> anyhow::Result<Self> {
        let path = home.join(CONFIG_FILE);
        if !path.exists() {
            return Err(Failure::bad_input(format!(
                "{}: not initialised (no {CONFIG_FILE}); run `near-sandbox --home {} init` first",
                home.display(),
                home.display()
            )));
        }
        let config = files::read_json(&path)?;
        let bad = |what: &str| Failure::bad_input(format!("{}: {what}", path.display()));
        if !config.is_object() {
            return Err(bad("not a JSON object"));
        }
        let file = |name: &str, default: &str| -> anyhow::Result<PathBuf> {
            match config.get(name) {
                None | Some(Value::Null) => Ok(home.join(default)),
                Some(Value::String(file)) => Ok(home.join(file)),
                Some(_) => Err(bad(&format!("field `{name}` is not a file name"))),
            }
        };
        let records_file = match config.get("genesis_records_file") {
            None | Some(Value::Null) => None,
            Some(Value::String(file)) => Some(home.join(file)),
            Some(_) => return Err(bad("field `genesis_records_file` is not a file name")),
        };
        let rpc_addr = match config.pointer("/rpc/addr") {
            None | Some(Value::Null) => None,
            Some(Value::String(addr)) => Some(addr.clone()),
            Some(_) => return Err(bad("field `rpc.addr` is not HOST:PORT")),
        };
        let max_body_bytes = match config.pointer("/rpc/limits_config/json_payload_max_size") {
            None | Some(Value::Null) => None,
            Some(size) => {
                Some(size.as_u64().and_then(|s| usize::try_from(s).ok()).ok_or_else(|| {
                    bad("field `rpc.limits_config.json_payload_max_size` is not a size")
                })?)
            }
        };
        Ok(NodeConfig {
            rpc_addr,
            max_body_bytes,
            genesis_file: file("genesis_file", files::GENESIS_FILE)?,
            records_file,
            validator_key_file: file("validator_key_file", files::VALIDATOR_KEY_FILE)?,
        })
    }
}

/// `HOST:PORT`, an unspecified host served on loopback.
fn listen_addr(flag: &str, text: &str) -> anyhow::Result<SocketAddr> {
    let addr: SocketAddr = text
        .parse()
        .map_err(|_| Failure::bad_input(format!("{flag} {text}: not an IP address and port")))?;
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    Ok(SocketAddr::new(ip, addr.port()))
}

/// Blocks on demand, or on a timer when [`BLOCK_MS_VAR`] names a pace.
pub fn pacing() -> anyhow::Result<BlockPacing> {
    let Ok(text) = std::env::var(BLOCK_MS_VAR) else { return Ok(BlockPacing::Instant) };
    match text.trim().parse::<u64>() {
        Ok(0) => Ok(BlockPacing::Instant),
        Ok(ms) => Ok(BlockPacing::Timer(Duration::from_millis(ms))),
        Err(_) => {
            Err(Failure::bad_input(format!("{BLOCK_MS_VAR}={text}: not a number of milliseconds")))
        }
    }
}

/// Boots and serves until killed (or SIGINT/SIGTERM: exit 0); the node stopping is exit 3.
pub async fn run(home: &Path, args: &RunArgs) -> anyhow::Result<()> {
    let config = NodeConfig::read(home)?;
    let (flag, text) = match (&args.rpc_addr, &config.rpc_addr) {
        (Some(addr), _) => ("--rpc-addr", addr.clone()),
        (None, Some(addr)) => ("config.json rpc.addr", addr.clone()),
        (None, None) => ("--rpc-addr", "0.0.0.0:3030".to_owned()),
    };
    let addr = listen_addr(flag, &text)?;
    let pacing = pacing()?;
    // From here on SIGINT/SIGTERM stop the node with exit 0 (launchers send SIGINT).
    let mut interrupts = Interrupts::listen();
    let genesis = Genesis::read(&config.genesis_file, config.records_file.as_deref())?;
    super::log::init(&home.join(LOG_FILE))?;
    let cache_dir = default_cache_dir();
    let now_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    let rt = genesis.runtime(cache_dir.clone(), now_ns)?;
    let limits = Limits {
        max_body_bytes: config.max_body_bytes.unwrap_or(Limits::default().max_body_bytes),
        ..Limits::default()
    };
    let opts = ServeOptions {
        addr,
        pacing,
        key_file: config.validator_key_file,
        protocol_version: None,
        cache_dir,
        limits,
        fork: None,
    };
    let mut serving =
        serve::start(Boot::Runtime(Box::new(rt)), opts).await.map_err(|err| {
            match err.root_cause().downcast_ref::<std::io::Error>() {
                Some(io) if io.kind() == std::io::ErrorKind::AddrInUse => {
                    Failure::bad_input(format!("{flag} {text}: the port is already in use"))
                }
                _ => err,
            }
        })?;
    tracing::info!(url = %serving.url(), home = %home.display(), "near-sandbox serving");
    let down = loop {
        let event = tokio::select! {
            event = serving.engine.events.recv() => event,
            signal = interrupts.next() => {
                tracing::info!(%signal, "stopping");
                return Ok(());
            }
        };
        match event {
            Some(EngineEvent::Down(why)) => break why,
            None => break "the node stopped".to_owned(),
            Some(EngineEvent::Ready(_)) => tracing::info!("ready"),
            Some(EngineEvent::Progress(line)) => tracing::debug!(%line, "progress"),
            Some(EngineEvent::CallFailed { call, error }) => tracing::warn!(%call, %error),
            Some(EngineEvent::Chain(_)) => {}
        }
    };
    serving.server.abort();
    tracing::error!(%down, "the node stopped");
    Err(Failure::engine(format!("the embedded node stopped: {down}")))
}
