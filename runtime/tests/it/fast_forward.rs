//! `Runtime::fast_forward`: the chain jumps `delta_height` heights as neard's sandbox does,
//! with timestamps moving by as many block intervals, and epochs changing at their heights.

use crate::common::{assert_success, run_to_final, NEAR};
use near_primitives::action::{Action, TransferAction};
use near_primitives::types::{AccountId, Balance};
use nearviz_runtime::{Runtime, RuntimeOptions, SANDBOX_EPOCH_LENGTH};

fn chain() -> (Runtime, AccountId) {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    let root: AccountId = "test.near".parse().expect("root id");
    rt.add_genesis_account(&root, 1_000 * NEAR).expect("root");
    rt.produce_block();
    rt.produce_block();
    (rt, root)
}

#[test]
fn a_jump_within_an_epoch_skips_heights_and_moves_time() {
    let (mut rt, _) = chain();
    let before = rt.head().clone();
    let interval = RuntimeOptions::default().block_interval_ns;
    rt.fast_forward(10).expect("fast forward");
    let head = rt.head().clone();
    // The jump, then the block after it (a node produces it at the height after the jump).
    assert_eq!(head.height, before.height + 11);
    assert_eq!(head.prev_hash, before.hash);
    assert_eq!(head.prev_height, Some(before.height));
    assert_eq!(head.timestamp_nanosec, before.timestamp_nanosec + 11 * interval);
    assert!(rt.block_at(before.height + 5).is_none(), "no block at a skipped height");
    assert_eq!(rt.block_at(head.height).map(|b| b.hash), Some(head.hash));
    // Blocks go on one height at a time after it.
    assert_eq!(rt.produce_block().height, head.height + 1);
}

#[test]
fn a_jump_across_epochs_makes_each_epoch_start_at_its_height() {
    let (mut rt, root) = chain();
    let start = rt.head().height;
    let delta = 3 * SANDBOX_EPOCH_LENGTH + 20;
    // A transaction waiting in the mempool runs on the way.
    let transfer = Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(NEAR) });
    let tx = rt.submit(&root, &root, vec![transfer]).expect("submit");
    rt.fast_forward(delta).expect("fast forward");
    let head = rt.head().height;
    assert_eq!(head, start + delta + 1);
    for epoch in 1..=3 {
        let first = 1 + epoch * SANDBOX_EPOCH_LENGTH;
        assert!(rt.block_at(first).is_some(), "epoch {epoch}'s first block, at {first}");
        assert!(rt.block_at(first - 1).is_some(), "the last block before it");
    }
    assert_eq!(rt.config().epoch_height(head), 4);
    let view = rt.call_view(&root, "x", b"").err();
    assert!(view.is_some(), "a view still answers (no contract: an error)");
    run_to_final(&mut rt, tx);
    assert_success(&rt, tx, "a transfer sent before the fast-forward");
}
