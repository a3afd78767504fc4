//! `nearviz run --format json` writes its document a few transactions at a time (issue 22, item
//! 7): the bytes are those of the whole `TraceJson` pretty-printed, and a run stopped by a
//! signal still prints one valid document (what was observed, exit 1, "interrupted by Ctrl-C" on stderr).

use crate::support::cli::{interrupt_at_the_second_call, text, Home};
use nearviz::model::{Dag, Trace};
use nearviz::trace_json::TraceJson;
use std::process::Command;

/// The document as it was written before streaming: the whole `TraceJson`, then a newline.
fn whole(dag: &Dag) -> String {
    serde_json::to_string_pretty(&TraceJson::of(dag)).expect("serialize") + "\n"
}

fn streamed(dag: &Dag) -> String {
    let mut out = Vec::new();
    nearviz::output::json::write(dag, &mut out).expect("write");
    String::from_utf8(out).expect("utf8")
}

#[test]
fn streamed_json_is_the_whole_document_in_memory() {
    let empty = Dag { transactions: Vec::new() };
    assert_eq!(streamed(&empty), whole(&empty));
    let races = nearviz::layout::synthetic::race_session(150);
    assert!(races.transactions.len() > 130, "{} transactions", races.transactions.len());
    assert_eq!(streamed(&races), whole(&races));
    // Batches of 64, rendered in two halves: a half of none, one, and a batch of one.
    for n in [1, 2, 3, 64, 65, 129] {
        let some = Dag { transactions: races.transactions[..n].to_vec() };
        assert_eq!(streamed(&some), whole(&some), "{n} transactions");
    }
}

#[test]
fn run_all_streams_the_same_bytes_as_the_whole_document() {
    let home = Home::new();
    let record = home.path("run.json");
    let out = home
        .nearviz()
        .args(["run", "--all", "--engine", "embedded", "--format", "json", "--record"])
        .arg(&record)
        .output()
        .expect("run nearviz");
    let stderr = text(&out.stderr);
    // 0: the built-in calls that fail on purpose declare it (`expect`).
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let recording = nearviz::fixture::load(&record).expect("the recording loads");
    let dag = Trace::from_events(recording.chain_events()).dag();
    assert!(dag.transactions.len() >= 20, "{} transactions", dag.transactions.len());
    let printed = text(&out.stdout);
    assert_eq!(printed, whole(&dag), "stdout differs from the whole document");
    let json: serde_json::Value = serde_json::from_str(&printed).expect("valid JSON");
    let txs = json["transactions"].as_array().expect("transactions");
    let races =
        txs.iter().filter(|t| t["window_overlaps"].as_array().is_some_and(|o| !o.is_empty()));
    assert!(races.count() > 0, "the built-in races are in the document");
}

#[test]
fn interrupted_run_still_prints_one_valid_document() {
    let home = Home::new();
    let stdout = std::fs::File::create(home.path("stdout.json")).expect("stdout file");
    let mut command: Command = home.nearviz();
    command.args(["run", "--all", "--engine", "embedded", "--format", "json"]).stdout(stdout);
    let (_, rest) = interrupt_at_the_second_call(&mut command, "INT");
    assert!(rest.contains("interrupted by Ctrl-C"), "{rest}");
    let printed = std::fs::read_to_string(home.path("stdout.json")).expect("stdout");
    let json: serde_json::Value =
        serde_json::from_str(&printed).unwrap_or_else(|e| panic!("not JSON ({e}):\n{printed}"));
    assert_eq!(json["version"], 1);
    let first = &json["transactions"][0];
    assert_eq!(first["label"], "query_greeting", "{printed}");
    assert_eq!(first["progress"]["status"], "FINAL", "{printed}");
}
