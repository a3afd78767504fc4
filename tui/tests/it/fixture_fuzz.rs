//! Hostile input: the loader never panics, names the file, keeps memory bounded.
//!
//! - `fixtures/fuzz-corpus/`: kept inputs (`bad-*` must be refused, `ok-*` accepted); add any
//!   input that ever broke the loader there.
//! - proptest: random bytes, random JSON trees, and mutations (truncation, byte flips,
//!   splices) of the real captures.

use crate::model_common::*;
use nearviz::fixture::{self, FixtureError};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/fuzz-corpus"));
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("corpus").map(|e| e.expect("entry").path()).collect();
    files.sort();
    files
}

/// Parsing must return; if it fails, the message names the file.
fn parse_names_file(bytes: &[u8]) {
    let path = Path::new("fuzzed-input.json");
    if let Err(e) = fixture::parse(bytes, path) {
        assert!(e.to_string().contains("fuzzed-input.json"), "{e}");
        // And the DAG of whatever was accepted can be built and printed.
    } else if let Ok(rec) = fixture::parse(bytes, path) {
        let dag = nearviz::model::Trace::from_events(rec.chain_events()).dag();
        let mut out = Vec::new();
        nearviz::output::tree(&dag, &mut out).expect("tree");
        nearviz::output::json(&dag, &mut out).expect("json");
    }
}

#[test]
fn corpus_bad_inputs_are_refused_with_exit_2_and_the_file_name() {
    let files = corpus();
    assert!(files.len() >= 20);
    for path in files {
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        let mut out = Vec::new();
        let mut err = Vec::new();
        let format = nearviz::cli::Format::Json;
        let result = nearviz::commands::inspect::run_with(&path, format, &mut out, &mut err);
        // As `main` does: the error on stderr, its kind as the exit code.
        let code = nearviz::exit::report(result, &mut err);
        let err = String::from_utf8_lossy(&err);
        if name.starts_with("bad-") {
            assert_eq!(code, ExitCode::from(2), "{name} should be refused");
            assert!(err.contains(&name), "{name}: message does not name the file: {err}");
            assert!(out.is_empty(), "{name}: printed output for bad input");
        } else {
            assert_eq!(code, ExitCode::SUCCESS, "{name}: {err}");
        }
    }
}

#[test]
fn specific_messages_say_what_is_wrong() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/fuzz-corpus"));
    let msg = |f: &str| fixture::load(&dir.join(f)).expect_err(f).to_string();
    assert!(msg("bad-wrong-version.json").contains("fixture version 2 is not supported"));
    assert!(msg("bad-truncated-capture.json").contains("EOF"));
    assert!(msg("bad-deep-nesting.json").contains("unexpected content in event #0"));
    assert!(msg("bad-deep-in-result.json").contains("recursion limit"));
    assert!(msg("bad-truncated-response.json").contains("not valid JSON"));
    assert!(msg("bad-huge-gas.json").contains("line"));
    assert!(msg("bad-garbage.bin").contains("not UTF-8"));
    assert!(msg("bad-empty.json").contains("empty file"));
    assert!(msg("bad-event-missing-tx.json").contains("missing `tx`"));
}

#[test]
fn oversized_files_are_refused_before_reading() {
    let path = capture("query_greeting");
    match fixture::load_with_limit(&path, 1000) {
        Err(FixtureError::TooLarge { size, limit, .. }) => {
            assert!(size > limit);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_hundred_megabytes_of_garbage_fails_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("tmp");
    let mb = 100 * 1024 * 1024;
    let patterns: [(&str, Vec<u8>); 4] = [
        ("brackets", vec![b'['; mb]),
        ("zeros-array", {
            let mut v = b"[".to_vec();
            v.extend(std::iter::repeat_n(b"0,".as_slice(), mb / 2).flatten());
            v
        }),
        (
            "objects",
            std::iter::repeat_n(b"{\"a\":1}".as_slice(), mb / 7).flatten().copied().collect(),
        ),
        ("binary", (0..mb).map(|i| (i * 7919 % 251) as u8).collect()),
    ];
    for (name, bytes) in patterns {
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, &bytes).expect("write");
        drop(bytes);
        let before = peak_rss_kb();
        // No clock here: speed is a benchmark's business (this took > 30 s on a loaded machine).
        let err = fixture::load(&path).expect_err(name);
        assert!(err.to_string().contains(&format!("{name}.json")), "{err}");
        if let (Some(b), Some(a)) = (before, peak_rss_kb()) {
            // The file itself (100 MiB) plus at most one nesting stack of the same size.
            assert!(
                a.saturating_sub(b) < 400 * 1024,
                "{name}: peak grew by {} MiB",
                (a - b) / 1024
            );
        }
        std::fs::remove_file(&path).expect("rm");
    }
}

fn capture_bytes() -> Vec<Vec<u8>> {
    captures().iter().map(|p| std::fs::read(p).expect("read")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        parse_names_file(&bytes);
    }

    #[test]
    fn truncated_captures_never_panic(which in 0usize..6, cut in 0.0f64..1.0) {
        let all = capture_bytes();
        let bytes = &all[which % all.len()];
        let at = (bytes.len() as f64 * cut) as usize;
        parse_names_file(&bytes[..at]);
    }

    #[test]
    fn mutated_captures_never_panic(
        which in 0usize..6,
        edits in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 1..16),
    ) {
        let all = capture_bytes();
        let mut bytes = all[which % all.len()].clone();
        for (at, byte) in edits {
            let i = ((bytes.len() - 1) as f64 * at) as usize;
            bytes[i] = byte;
        }
        parse_names_file(&bytes);
    }

    #[test]
    fn spliced_json_values_never_panic(
        which in 0usize..6,
        at in 0.0f64..1.0,
        insert in prop_oneof![
            Just("null".to_string()), Just("1e400".to_string()), Just("-1".to_string()),
            Just("18446744073709551616".to_string()), Just("\"\"".to_string()),
            Just("[]".to_string()), Just("{}".to_string()), Just("\"system\"".to_string()),
            "[a-zA-Z0-9\"{}\\[\\],:]{0,40}",
        ],
    ) {
        let all = capture_bytes();
        let text = String::from_utf8(all[which % all.len()].clone()).expect("utf8");
        let mut i = (text.len() as f64 * at) as usize;
        while !text.is_char_boundary(i) { i -= 1; }
        let spliced = format!("{}{}{}", &text[..i], insert, &text[i..]);
        parse_names_file(spliced.as_bytes());
    }
}

fn json_tree() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "[a-z_]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("nearviz_fixture".to_string()),
            Just("events".to_string()),
            Just("polls".to_string()),
            Just("result".to_string()),
            Just("header".to_string()),
            Just("transaction".to_string()),
            Just("kind".to_string()),
            Just("at_ms".to_string()),
            Just("state_changes".to_string()),
            Just("responses".to_string()),
            Just("changes".to_string()),
            Just("before".to_string()),
            Just("block".to_string()),
            Just("account_changes".to_string()),
            "[a-z_]{1,8}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_json_trees_never_panic(tree in json_tree()) {
        parse_names_file(tree.to_string().as_bytes());
    }
}
