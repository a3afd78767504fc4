//! `nearviz watch --headless` following a `nearviz serve` while near-api-js sends a burst of
//! ten transactions: it must see every one, to FINAL, with none missed.

mod serve_common;

use serve_common::{run_flow, Server};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn watch_sees_every_transaction_of_a_burst() {
    let mut server = Server::start(&["--block-ms", "50"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join("watch.json");
    let mut watch = Command::new(env!("CARGO_BIN_EXE_nearviz"))
        .args(["watch", "--headless", "--rpc", &server.url, "--record"])
        .arg(&record)
        .env("XDG_DATA_HOME", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nearviz watch");
    let stdout = watch.stdout.take().expect("stdout");
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let ready = lines.recv_timeout(Duration::from_secs(30)).expect("watch ready");
    assert!(ready.contains("following"), "{ready}");

    run_flow(&server);
    let mut served = Vec::new();
    while served.len() < 10 {
        let line = server.lines.recv_timeout(Duration::from_secs(30)).expect("served tx line");
        served.push(line);
    }

    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while seen.len() < served.len() && Instant::now() < deadline {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
            seen.push(line);
        }
    }
    let _ = Command::new("kill").args(["-TERM", &watch.id().to_string()]).status();
    assert!(server.terminate().success());
    let exit = watch.wait().expect("watch exit");
    assert!(exit.success(), "{exit:?}");
    for line in &served {
        let hash = line.split_whitespace().nth(1).expect("hash");
        let found = seen.iter().find(|l| l.contains(hash));
        let found = found.unwrap_or_else(|| panic!("watch missed {hash}: {seen:#?}"));
        assert!(found.ends_with(" ok"), "{found}");
    }
    let recording = nearviz::fixture::load(&record).expect("the watch recording");
    assert!(!recording.events.is_empty());
}
