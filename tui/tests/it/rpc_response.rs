//! The shared parser (`engine::rpc::response`) reads every real-neard recording.

use crate::support::captures::Capture;
use nearviz::chain::TxStatusReply;
use nearviz::engine::rpc::{block_header, tx_status_reply};
use nearviz::model::status_name;

#[test]
fn every_recorded_poll_and_block_parses() {
    for capture in Capture::all() {
        let statuses = capture.statuses();
        for (i, raw) in capture.polls.iter().enumerate() {
            match (tx_status_reply(&raw.to_string()), &statuses[i]) {
                (TxStatusReply::Unknown, None) => {
                    assert_eq!(i, 0, "{}: only the first poll", capture.name)
                }
                (TxStatusReply::Known { status, outcome }, Some(recorded)) => {
                    assert_eq!(status_name(&status), recorded);
                    let has_tx = raw["result"].get("transaction").is_some();
                    assert_eq!(outcome.is_some(), has_tx, "{} poll {i}", capture.name);
                    if let Some(outcome) = outcome {
                        let receipts = raw["result"]["receipts"].as_array().map(Vec::len);
                        assert_eq!(Some(outcome.receipts.len()), receipts);
                        assert_eq!(
                            outcome.final_outcome.transaction.hash.to_string(),
                            capture.tx_hash
                        );
                    }
                }
                (reply, recorded) => panic!("{} poll {i}: {reply:?} vs {recorded:?}", capture.name),
            }
        }
        assert_eq!(statuses.last().cloned().flatten().as_deref(), Some("FINAL"));
        for (hash, raw) in &capture.blocks {
            let header = block_header(&raw.to_string())
                .unwrap_or_else(|e| panic!("{} block {hash}: {e}", capture.name));
            assert_eq!(&header.hash.to_string(), hash);
            assert!(header.height > 0);
        }
    }
}
