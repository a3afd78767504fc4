//! A full disk while saving `--record`: the real binary (`nearviz tx`, against a loopback
//! JSON-RPC server) under `ulimit -f`, so that writing the recording fails with EFBIG as it does
//! with ENOSPC. The good file already there stays, no temporary file is left, one line names
//! the path once, exit 3.
//!
//! (`nearviz run --engine embedded` cannot be used here: the wasm VM's memory images are files
//! too, and the limit stops the contracts first.)

use crate::support::captures::{capture_node, Capture};
use crate::support::cli::tx_args;
use crate::support::loopback::LoopbackRpc;
use std::process::Output;

/// `sh -c 'trap "" XFSZ; ulimit -f BLOCKS; exec nearviz ARGS'`, off the async runtime.
async fn nearviz_with_file_limit(blocks: u32, args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        // SIGXFSZ is ignored (and stays so across exec): the write returns EFBIG instead.
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let script = format!(
            "trap '' XFSZ; ulimit -f {blocks} && exec '{}' {}",
            env!("CARGO_BIN_EXE_nearviz"),
            quoted.join(" ")
        );
        std::process::Command::new("sh")
            .args(["-c", &script])
            .env("NO_COLOR", "1")
            .output()
            .expect("run sh")
    })
    .await
    .expect("join")
}

#[tokio::test]
async fn a_full_disk_keeps_the_good_recording_and_says_so_once() {
    let capture = Capture::load("batch_actions");
    let node = LoopbackRpc::start(capture_node(vec![capture.clone()], 1)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let record = dir.path().join("good.json");
    let good = b"{\"nearviz_fixture\":1,\"meta\":{},\"events\":[]}\n";
    std::fs::write(&record, good).expect("write");
    let record_arg = record.display().to_string();
    let more = ["--format", "json", "--record", &record_arg];
    let args = tx_args(&capture.tx_hash, &capture.sender, &node.url, &more);

    // 2 blocks of 512 bytes: far less than the recording of a whole transaction.
    let out = nearviz_with_file_limit(2, args.clone()).await;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("nearviz: ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("cannot write") && errors[0].contains("File too large"), "{stderr}");
    assert_eq!(errors[0].matches(&record_arg).count(), 1, "{stderr}");
    assert_eq!(std::fs::read(&record).expect("read"), good, "a partial file replaced the good one");
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "good.json")
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");

    // Without the limit the same command replaces it with the full recording.
    let out = nearviz_with_file_limit(1 << 20, args).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let saved = nearviz::fixture::load(&record).expect("the recording loads");
    assert!(!saved.events.is_empty());
}
