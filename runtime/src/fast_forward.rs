//! `sandbox_fast_forward`: the chain jumps ahead by a number of block heights, as neard's
//! sandbox does it (`ClientActor::sandbox_process_fast_forward`).
//!
//! ```text
//! head ── jump: one block `jump + 1` heights up (no blocks at the heights between), its
//!         timestamp `jump` block intervals later as well
//!      ── near an epoch's end (within 3 heights, or on its last height): real blocks, one
//!         height each, so the epoch changes at its usual height; then the rest is jumped
//! ```
//! A node decrements what is left by one for each block it produces while crossing an epoch,
//! and for the block after a jump when something is still left; the head ends `delta_height`
//! heights up, plus the block produced after the last jump.

use crate::chain::Runtime;
use crate::error::RuntimeError;

impl Runtime {
    /// Advances the chain by `delta_height` heights (see the module doc). Transactions and
    /// receipts waiting run in the blocks produced on the way.
    pub fn fast_forward(&mut self, delta_height: u64) -> Result<(), RuntimeError> {
        let length = self.config.epoch_length;
        if length <= 3 {
            return Err(RuntimeError::Internal(
                "fast_forward with an epoch length of 3 or less is not supported".into(),
            ));
        }
        let mut remaining = delta_height;
        while remaining > 0 {
            let in_epoch = self.head().height % length;
            if length - in_epoch <= 3 || in_epoch == 0 {
                self.produce_block();
                remaining -= 1;
                continue;
            }
            let jump =
                if in_epoch + remaining >= length { length - in_epoch - 3 } else { remaining };
            remaining -= jump;
            self.skipped_heights = jump;
            let interval = self.options.block_interval_ns;
            let timestamp =
                self.head().timestamp_nanosec + interval.saturating_mul(jump.saturating_add(1));
            self.produce_block_at(timestamp);
            remaining = remaining.saturating_sub(1);
        }
        Ok(())
    }
}
