//! Epoch ids of the embedded chain's blocks, by nearcore's rule (`EpochManager`:
//! `get_epoch_id_from_prev_block`, `get_next_epoch_id_from_prev_block`).
//!
//! ```text
//! genesis (height 0)        epoch_id 0            next_epoch_id 0
//! epoch 1 (heights 1..=L)   epoch_id 0            next_epoch_id hash(genesis)
//! epoch 2 (L+1..=2L)        epoch_id hash(genesis) next_epoch_id hash(block L)
//! epoch T                   epoch_id = hash of the last block of epoch T-2
//! ```
//! The block after the genesis block starts an epoch; so does a block whose height is in a later
//! epoch than its parent's ([`crate::ChainConfig::epoch_height`]). A block that starts an epoch
//! takes its parent's `next_epoch_id` as its `epoch_id` and its parent's hash as its
//! `next_epoch_id`; any other block keeps its parent's two ids. `sandbox_fast_forward` never
//! jumps over an epoch's last heights ([`Runtime::fast_forward`]), so epochs change at the
//! same heights as a node's.

use crate::chain::Runtime;
use near_primitives::hash::CryptoHash;
use near_primitives::views::BlockHeaderView;

/// A block's `(epoch_id, next_epoch_id)`.
pub(crate) type EpochIds = (CryptoHash, CryptoHash);

impl Runtime {
    /// The epoch ids of the block at `height` made on top of the head (or of the genesis block
    /// when there is no block yet).
    pub(crate) fn epoch_ids_after_head(&self, height: u64) -> EpochIds {
        let Some(parent) = self.blocks.last() else {
            return (CryptoHash::default(), CryptoHash::default());
        };
        let config = &self.config;
        let starts_epoch = self.blocks.len() == 1
            || config.epoch_height(height) != config.epoch_height(parent.height);
        if starts_epoch {
            (parent.next_epoch_id, parent.hash)
        } else {
            (parent.epoch_id, parent.next_epoch_id)
        }
    }

    /// The latest block of the epoch with id `epoch_id` (the head for the head's epoch), or
    /// `None` for an epoch this chain has no block in.
    pub fn epoch_last_block(&self, epoch_id: &CryptoHash) -> Option<&BlockHeaderView> {
        self.blocks.iter().rev().find(|b| b.epoch_id == *epoch_id).map(AsRef::as_ref)
    }
}
