//! Replays what the cargo-fuzz targets (`fuzz/`, run by `scripts/fuzz.sh`) check, on their seeds
//! and on every input that ever crashed one (`fuzz/regressions/<target>/`): each must load or be
//! refused with a message, never panic, through the same checks as the targets (`fuzz/checks.rs`).

#[path = "../../../fuzz/checks.rs"]
mod checks;

use checks::{fixture, rpc, scenario, serve, CHAIN};
use nearviz::scenario::{Scenario, Source};
use serde_json::Value;
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

fn serve_seed(name: &str) -> Option<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/serve").join(name);
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    CHAIN.with(|rt| nearviz::serve::answer_now(rt, &body))
}

#[test]
fn serve_target_seeds_and_regressions() {
    let n = replay(&["fuzz/seeds/serve", "fuzz/regressions/serve"], serve);
    assert!(n >= 20, "{n}");
    // The seeds are what near-api-js sends: its views answer with a result...
    for name in ["status.json", "query-view_account.json", "block-final.json", "gas_price.json"] {
        let answer = serve_seed(name).unwrap_or_else(|| panic!("{name}: no answer"));
        assert!(answer.get("result").is_some(), "{name}: {answer}");
    }
    // ...and its signed transactions pass the signature, key and nonce checks, so the fuzzer
    // starts from bodies that reach the whole parser.
    for name in
        ["send_tx-create_account.json", "send_tx-function_call.json", "send_tx-transfer.json"]
    {
        assert_eq!(serve_seed(name), None, "{name} must be accepted");
    }
    // Broken bodies get the node's errors: a parse error (-32700) for the envelope, a handler
    // error naming the problem for the rest.
    for name in ["bad-empty.json", "bad-truncated.json", "bad-batch.json", "bad-no-method.json"] {
        let answer = serve_seed(name).unwrap_or_else(|| panic!("{name}: no answer"));
        assert_eq!(answer["error"]["code"], -32_700, "{name}: {answer}");
    }
    let unknown = serve_seed("bad-unknown-method.json").expect("an answer");
    assert_eq!(unknown["error"]["cause"]["name"], "METHOD_NOT_FOUND", "{unknown}");
    let account = serve_seed("query-view_account-unknown.json").expect("an answer");
    assert_eq!(account["error"]["cause"]["name"], "UNKNOWN_ACCOUNT", "{account}");
}
