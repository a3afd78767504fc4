//! Replays what the cargo-fuzz targets (`fuzz/`, run by `scripts/fuzz.sh`) check, on their seeds
//! and on every input that ever crashed one (`fuzz/regressions/<target>/`): each must load or be
//! refused with a message, never panic. The bodies match `fuzz/fuzz_targets/*.rs`.

use nearviz::scenario::{Scenario, Source};
use std::path::{Path, PathBuf};

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file() && p.file_name().is_none_or(|n| n != ".gitkeep"))
        .collect();
    files.sort();
    files
}

fn fixture(data: &[u8]) {
    let path = Path::new("fuzzed.json");
    match nearviz::fixture::parse(data, path) {
        Ok(recording) => {
            let dag = nearviz::model::Trace::from_events(recording.chain_events()).dag();
            let mut out = Vec::new();
            let _ = nearviz::output::tree(&dag, &mut out);
            let _ = nearviz::output::json(&dag, &mut out);
        }
        Err(err) => assert!(err.to_string().contains("fuzzed.json"), "{err}"),
    }
}

fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Scenario::parse(text, Source::File("fuzzed.toml".into())) {
        Ok(scenario) => {
            for call in &scenario.calls {
                let _ = call.resolve();
            }
            for account in &scenario.accounts {
                let _ = account.account_id();
                let _ = account.balance_yocto();
            }
        }
        Err(err) => assert!(!err.to_string().is_empty()),
    }
}

fn rpc(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = nearviz::fixture::rpc::tx_result(text);
    let _ = nearviz::fixture::rpc::header(text);
}

fn replay(dirs: &[&str], target: fn(&[u8])) -> usize {
    let mut count = 0;
    for dir in dirs {
        for path in files(dir) {
            let data = std::fs::read(&path).expect("read");
            let ran = std::panic::catch_unwind(|| target(&data));
            assert!(ran.is_ok(), "{} panicked", path.display());
            count += 1;
        }
    }
    count
}

#[test]
fn fixture_target_seeds_and_regressions() {
    let n = replay(
        &["fixtures/reference/captures", "fixtures/fuzz-corpus", "fuzz/regressions/fixture"],
        fixture,
    );
    assert!(n >= 26, "{n}");
}

#[test]
fn scenario_target_seeds_and_regressions() {
    let n = replay(&["fuzz/seeds/scenario", "fuzz/regressions/scenario"], scenario);
    assert!(n >= 1, "{n}");
    // The seed is a real scenario: it must parse, so the fuzzer starts from valid input.
    let seed = std::fs::read_to_string(files("fuzz/seeds/scenario")[0].clone()).expect("seed");
    assert!(Scenario::parse(&seed, Source::BuiltIn).is_ok());
}

#[test]
fn rpc_target_seeds_and_regressions() {
    let n = replay(&["fuzz/seeds/rpc", "fuzz/regressions/rpc"], rpc);
    assert!(n >= 12, "{n}");
    // The seeds are real responses: the final ones parse.
    for path in files("fuzz/seeds/rpc") {
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_owned();
        let text = std::fs::read_to_string(&path).expect("read");
        if name.ends_with("-final.json") {
            assert!(nearviz::fixture::rpc::tx_result(&text).is_ok(), "{name}");
        } else if name.ends_with("-header.json") {
            assert!(nearviz::fixture::rpc::header(&text).is_ok(), "{name}");
        }
    }
}
