//! `nearviz serve` speed, side by side in one run: the near-api-js flow (`tests/node/flow.mjs`:
//! 4 accounts, 4 deploys, an init and one cross-contract call, each awaited) in timed mode
//! (125 ms blocks) and instant mode, and process start to the first answered `status`.
//!
//! `npm ci --prefix tests/node && cargo bench -p nearviz --bench serve` (results: benches/README.md).
//! The reference: the same flow takes 16.4 s against a real neard sandbox.

#[path = "../tests/it/serve_common/mod.rs"]
mod serve_common;

use serve_common::{run_flow, Server};
use std::io::Write;
use std::time::Instant;

const RUNS: usize = 3;
const SANDBOX_FLOW_MS: f64 = 16_400.0;

/// The machine's load average (`/proc/loadavg`), for the record.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() {
    let mut out = std::io::stderr();
    let _ = writeln!(out, "load average before: {}", load());
    for (name, args) in
        [("timed 125 ms", &["--block-ms", "125"][..]), ("instant", &["--instant"][..])]
    {
        let mut flows = Vec::new();
        let mut scripts = Vec::new();
        let mut starts = Vec::new();
        for _ in 0..RUNS {
            let server = Server::start(args);
            starts.push(server.status_after.as_secs_f64() * 1000.0);
            let started = Instant::now();
            let steps = run_flow(&server);
            let flow_ms = started.elapsed().as_secs_f64() * 1000.0;
            let done = steps.last().expect("flow output");
            assert_eq!(done["step"], "done");
            flows.push(flow_ms);
            // The script's own clock: without node's start and near-api-js' import.
            scripts.push(done["ms"].as_f64().unwrap_or(f64::NAN));
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let _ = writeln!(
            out,
            "serve {name:>12}: runs (ms) flow {flows:.0?}, in-script {scripts:.0?}, start to status {starts:.0?}"
        );
        let (flow, script, start) = (median(&mut flows), median(&mut scripts), median(&mut starts));
        let _ = writeln!(
            out,
            "serve {name:>12}: near-api-js flow {flow:7.0} ms (x{:.1} faster than the 16.4 s sandbox; {script:.0} ms in-script), start to status {start:5.0} ms  [median of {RUNS}]",
            SANDBOX_FLOW_MS / flow
        );
    }
    let _ = writeln!(out, "load average after: {}", load());
}
