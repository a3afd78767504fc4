//! `nearviz serve`: the embedded chain as a NEAR JSON-RPC endpoint, with the live TUI or
//! `--headless` (one line per transaction on stdout, `--record` saved on Ctrl-C,
//! SIGTERM or SIGHUP, exit 0; exit 3 when the engine goes down).

use crate::cli::{LiveArgs, ServeArgs};
use crate::commands::{headless, live};
use crate::fixture::{Meta, Recorder};
use crate::scenario::Scenario;
use crate::serve::{self, BlockPacing, Limits, ServeOptions};
use crate::terminal::event_loop::{self, Wiring};
use crate::terminal::init_logging;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// `<data dir>/nearviz/serve/validator_key.json`, else `./validator_key.json`.
pub fn default_key_file() -> PathBuf {
    directories::ProjectDirs::from("", "", "nearviz").map_or_else(
        || PathBuf::from("validator_key.json"),
        |dirs| dirs.data_dir().join("serve").join("validator_key.json"),
    )
}

pub async fn run(args: &ServeArgs, live: &LiveArgs) -> anyhow::Result<ExitCode> {
    let scenario = match (&live.scenario, &live.fork) {
        (None, Some(url)) => crate::fork::bare_scenario(url)?,
        (file, _) => Scenario::load_or_builtin(file.as_deref())?,
    };
    let (fork, scenario) = crate::fork::for_args(live, scenario).await?;
    let pacing = if args.instant {
        BlockPacing::Instant
    } else {
        BlockPacing::Timer(Duration::from_millis(args.block_ms.max(1)))
    };
    let opts = ServeOptions {
        addr: SocketAddr::new(args.addr, args.port),
        pacing,
        key_file: args.key_file.clone().unwrap_or_else(default_key_file),
        protocol_version: live.protocol_version,
        cache_dir: None,
        limits: Limits::default(),
        fork,
    };
    let mut serving = serve::start(scenario.clone(), opts).await?;
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "nearviz serve: JSON-RPC on {}", serving.url());
    let _ = stdout.flush();
    if args.headless {
        let ready = format!(
            "nearviz serve: ready; root account {} key in {}",
            crate::scenario::ROOT_ACCOUNT,
            serving.key_file.display()
        );
        let code = headless::run(&mut serving.engine, live.record.as_deref(), &ready).await;
        serving.server.abort();
        return code;
    }
    let log = init_logging(live.log.as_deref())?;
    let (url, key_file) = (serving.url(), serving.key_file.clone());
    let app = live::live_app(&scenario, live).with_scenario(
        Some(format!("{} · serving {url}", scenario.title)),
        scenario.listed_calls(),
    );
    let wiring = Wiring {
        engine: Some(serving.engine),
        restart: None,
        recorder: Some(Recorder::new(meta(&scenario))),
        record_path: live.record.clone(),
    };
    let code = event_loop::run(app, wiring).await;
    serving.server.abort();
    let _ = writeln!(stdout, "nearviz serve: stopped (root key was in {})", key_file.display());
    tracing::info!(log = %log.path.display(), "serve session ended");
    code
}

fn meta(scenario: &Scenario) -> Meta {
    let mut meta = Meta::now(serve::ENGINE_NAME);
    meta.note = Some(format!("nearviz serve: {}", scenario.title));
    meta
}
