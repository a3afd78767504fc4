//! Block headers' `epoch_id` / `next_epoch_id`, by nearcore's rule: epoch T's id is the hash of
//! the last block of epoch T-2, its next id the hash of the last block of epoch T-1; the genesis
//! block and epoch 1 have the default id (a sandbox's recordings: heights 1-60 carry `1111..`,
//! height 64 carries the `next_epoch_id` of height 60).

use near_primitives::hash::CryptoHash;
use nearviz_runtime::{Runtime, RuntimeOptions, SANDBOX_EPOCH_LENGTH};

const L: u64 = SANDBOX_EPOCH_LENGTH;

/// The hash of the last block of epoch `epoch` (epoch 0: the genesis block).
fn last_of(rt: &Runtime, epoch: u64) -> CryptoHash {
    rt.block_at(epoch * L).unwrap_or_else(|| panic!("no block at {}", epoch * L)).hash
}

/// Checks every block's ids against the rule, for the blocks the chain has up to its head.
fn assert_epoch_ids(rt: &Runtime) {
    let genesis = rt.block_at(0).expect("genesis");
    assert_eq!((genesis.epoch_id, genesis.next_epoch_id), Default::default(), "genesis");
    for height in 1..=rt.head().height {
        let Some(block) = rt.block_at(height) else { continue };
        let epoch = 1 + (height - 1) / L;
        let id = if epoch == 1 { CryptoHash::default() } else { last_of(rt, epoch - 2) };
        assert_eq!(block.epoch_id, id, "epoch_id at {height} (epoch {epoch})");
        assert_eq!(block.next_epoch_id, last_of(rt, epoch - 1), "next_epoch_id at {height}");
    }
}

#[test]
fn epoch_ids_change_at_each_epoch_start_over_three_epochs() {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    for _ in 0..3 * L + 1 {
        rt.produce_block();
    }
    assert_eq!(rt.head().height, 3 * L + 1, "the first block of epoch 4");
    assert_epoch_ids(&rt);
    let ids: std::collections::HashSet<_> = [1, L + 1, 2 * L + 1, 3 * L + 1]
        .iter()
        .map(|h| rt.block_at(*h).expect("block").epoch_id)
        .collect();
    assert_eq!(ids.len(), 4, "four epochs, four ids");
    // The last block of an epoch is still in it; the epoch's next id names the one before.
    let last = rt.block_at(2 * L).expect("last of epoch 2");
    assert_eq!(last.epoch_id, rt.block_at(L + 1).expect("first of epoch 2").epoch_id);
    assert_eq!(rt.epoch_last_block(&last.epoch_id).map(|b| b.height), Some(2 * L));
    assert_eq!(rt.epoch_last_block(&rt.head().epoch_id).map(|b| b.height), Some(3 * L + 1));
    assert!(rt.epoch_last_block(&CryptoHash::hash_bytes(b"no such epoch")).is_none());
}

#[test]
fn fast_forward_changes_epoch_ids_at_the_same_heights() {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    rt.produce_block();
    rt.fast_forward(3 * L + 20).expect("fast forward");
    assert!(rt.head().height > 3 * L + 1, "past epoch 4's start");
    assert_epoch_ids(&rt);
    assert_eq!(rt.head().epoch_id, last_of(&rt, 2), "epoch 4's id: the last block of epoch 2");
}
