//! The state as of a block the runtime keeps: the head's state with the later blocks' writes
//! undone, read-only, as a node answers `query` at a block inside its garbage-collection
//! window.
//!
//! ```text
//! head state ──▶ undo block head ──▶ undo head-1 ──▶ … ──▶ undo h+1 ──▶ state after block h
//!                (records_before: account, keys, code; before: storage keys)
//! ```
//! Blocks older than the kept state changes ([`crate::chain::STATE_CHANGES_KEPT`]) have no
//! state: a node has garbage-collected them too.

use crate::chain::Runtime;
use crate::changes::{BlockStateChanges, PriorValue};
use crate::remote::RemoteError;
use crate::state::AccountRecord;
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use near_primitives::views::BlockHeaderView;
use std::borrow::Cow;

/// A read-only view of the state after one block.
pub struct StateAt<'a> {
    pub(crate) rt: &'a Runtime,
    pub(crate) header: &'a BlockHeaderView,
    /// The blocks after `header`, newest first: their writes are undone on every read.
    undo: Vec<&'a BlockStateChanges>,
}

impl Runtime {
    /// The state at the head.
    pub fn at_head(&self) -> StateAt<'_> {
        StateAt { rt: self, header: self.head(), undo: Vec::new() }
    }

    /// The state after block `hash`; `None` when the block is unknown or older than the state
    /// changes kept.
    pub fn state_at(&self, hash: &CryptoHash) -> Option<StateAt<'_>> {
        let header = self.block(hash)?;
        let later = usize::try_from(self.head().height.checked_sub(header.height)?).ok()?;
        let kept = self.kept_state_changes();
        if later > kept.len() {
            return None;
        }
        let undo = kept.iter().rev().take(later).map(|(_, changes)| changes).collect();
        Some(StateAt { rt: self, header, undo })
    }
}

impl<'a> StateAt<'a> {
    /// The block this state follows.
    pub fn header(&self) -> &'a BlockHeaderView {
        self.header
    }

    /// `id`'s record as of the block, `None` when it did not exist. On a forked chain, an
    /// account not held here is the remote's (unchanged since the fork).
    pub(crate) fn account_record(
        &self,
        id: &AccountId,
    ) -> Result<Option<Cow<'a, AccountRecord>>, RemoteError> {
        let head = self.rt.state.account(id);
        if !self.undo.iter().any(|changes| changes.records_before.contains_key(id)) {
            return match head {
                Some(record) => Ok(Some(Cow::Borrowed(record))),
                None => Ok(self.rt.state.peek(id)?.map(Cow::Owned)),
            };
        }
        let mut record = head.cloned();
        for changes in &self.undo {
            if let Some(prior) = changes.records_before.get(id) {
                let data = record.map(|r| r.data).unwrap_or_default();
                record = prior.clone().map(|mut r| {
                    r.data = data;
                    r
                });
            }
            let Some(current) = record.as_mut() else { continue };
            for prior in &changes.before {
                let PriorValue::Data { account_id, key, value } = prior else { continue };
                if account_id != id {
                    continue;
                }
                match value {
                    Some(value) => current.data.insert(key.clone(), value.clone()),
                    None => current.data.remove(key),
                };
            }
        }
        Ok(record.map(Cow::Owned))
    }
}
