//! The methods a sandbox node adds, and the validator views, in the node's shapes:
//! `sandbox_patch_state`, `sandbox_fast_forward` (both change the chain: the node thread runs
//! them with the runtime's `&mut`), `validators` and `EXPERIMENTAL_validators_ordered` (the
//! one validator: the root account).
//!
//! ```text
//! dispatch ──▶ patch_state / fast_forward: parse ──▶ Answer::Sandbox(op)
//! node thread ──▶ apply(rt, op): patch + one block | jump ──▶ {} (or the node's error)
//! ```

use super::errors::{handler_error, Reply};
use super::keyfile::root_key;
use super::methods::Answer;
use super::params::{parse, resolve_block};
use crate::scenario::ROOT_ACCOUNT;
use near_jsonrpc_primitives::errors::RpcError;
use near_jsonrpc_primitives::types::sandbox::{
    RpcSandboxFastForwardError, RpcSandboxFastForwardRequest, RpcSandboxPatchStateError,
    RpcSandboxPatchStateRequest,
};
use near_jsonrpc_primitives::types::validator::{
    RpcValidatorError, RpcValidatorRequest, RpcValidatorsOrderedRequest,
};
use near_primitives::state_record::StateRecord;
use near_primitives::types::{AccountId, Balance, BlockId, BlockReference, EpochReference};
use near_primitives::views::validator_stake_view::ValidatorStakeView;
use near_primitives::views::{
    BlockHeaderView, CurrentEpochValidatorInfo, EpochValidatorInfo, NextEpochValidatorInfo,
    ValidatorStakeViewV1,
};
use nearviz_runtime::{RecordOrigin, Runtime};
use serde_json::{json, Value};

/// A call that changes the chain, run by the node thread.
pub enum Op {
    /// `sandbox_patch_state`: the records, in a block of their own.
    PatchState(Vec<StateRecord>),
    /// `sandbox_fast_forward`: heights to jump.
    FastForward(u64),
}

/// `sandbox_patch_state`: `{ "records": [StateRecord, ...] }`.
pub fn patch_state(params: Value) -> Answer {
    match parse::<RpcSandboxPatchStateRequest>(params) {
        Ok(request) => Answer::Sandbox(Op::PatchState(request.records)),
        Err(err) => Answer::Now(Err(err)),
    }
}

/// `sandbox_fast_forward`: `{ "delta_height": N }`.
pub fn fast_forward(params: Value) -> Answer {
    match parse::<RpcSandboxFastForwardRequest>(params) {
        Ok(request) => Answer::Sandbox(Op::FastForward(request.delta_height)),
        Err(err) => Answer::Now(Err(err)),
    }
}

/// Runs `op` on the chain. A patch lands in the next block, which is produced now: a node
/// answers once the block holding the patch is committed. A fast-forward answers once the
/// chain stands at its new height.
pub fn apply(rt: &mut Runtime, op: Op) -> Reply {
    match op {
        Op::PatchState(records) => {
            rt.apply_state_records(records, RecordOrigin::Patch).map_err(|err| {
                handler_error(RpcSandboxPatchStateError::InternalError {
                    error_message: err.to_string(),
                })
            })?;
            rt.produce_block();
        }
        Op::FastForward(delta_height) => {
            rt.fast_forward(delta_height).map_err(|err| {
                handler_error(RpcSandboxFastForwardError::InternalError {
                    error_message: err.to_string(),
                })
            })?;
        }
    }
    Ok(json!({}))
}

/// The one validator: the root account, its key and its locked balance as stake.
fn validator(rt: &Runtime) -> Result<ValidatorStakeViewV1, RpcError> {
    let unavailable = || handler_error(RpcValidatorError::ValidatorInfoUnavailable);
    let key = root_key().map_err(|_| unavailable())?;
    let account_id: AccountId = ROOT_ACCOUNT.parse().map_err(|_| unavailable())?;
    let stake = rt.account(&account_id).map_or(Balance::ZERO, |a| a.locked());
    Ok(ValidatorStakeViewV1 { account_id, public_key: key.public_key, stake })
}

/// The block an epoch reference names (an epoch id: that epoch's latest block).
fn epoch_block<'a>(rt: &'a Runtime, reference: &EpochReference) -> Option<&'a BlockHeaderView> {
    match reference {
        EpochReference::BlockId(id) => resolve_block(rt, &BlockReference::BlockId(id.clone())),
        EpochReference::EpochId(id) => rt.epoch_last_block(&id.0),
        EpochReference::Latest => Some(rt.head()),
    }
}

/// `validators`: `[null]`, `[block_id]`, `{"latest": null}`, `{"block_id": ..}` or
/// `{"epoch_id": ..}`.
pub fn validators(rt: &Runtime, params: Value) -> Reply {
    let reference = match params {
        Value::Null => EpochReference::Latest,
        Value::Array(mut items) if items.len() == 1 => match items.remove(0) {
            Value::Null => EpochReference::Latest,
            id => EpochReference::BlockId(parse::<BlockId>(id)?),
        },
        other => parse::<RpcValidatorRequest>(other)?.epoch_reference,
    };
    let block = epoch_block(rt, &reference)
        .ok_or_else(|| handler_error(RpcValidatorError::UnknownEpoch))?;
    let config = rt.config();
    let start = config.epoch_start_height(block.height);
    let produced = (start..=block.height).filter(|h| rt.block_at(*h).is_some()).count() as u64;
    let me = validator(rt)?;
    let shard = near_primitives::types::ShardId::new(0);
    let current = CurrentEpochValidatorInfo {
        account_id: me.account_id.clone(),
        public_key: me.public_key.clone(),
        is_slashed: false,
        stake: me.stake,
        shards_produced: vec![shard],
        num_produced_blocks: produced,
        num_expected_blocks: produced,
        num_produced_chunks: produced,
        num_expected_chunks: produced,
        num_produced_chunks_per_shard: vec![produced],
        num_expected_chunks_per_shard: vec![produced],
        num_produced_endorsements: 0,
        num_expected_endorsements: 0,
        num_produced_endorsements_per_shard: vec![0],
        num_expected_endorsements_per_shard: vec![0],
        shards_endorsed: vec![shard],
    };
    let next = NextEpochValidatorInfo {
        account_id: me.account_id,
        public_key: me.public_key,
        stake: me.stake,
        shards: vec![shard],
    };
    let info = EpochValidatorInfo {
        current_validators: vec![current],
        next_validators: vec![next],
        current_fishermen: Vec::new(),
        next_fishermen: Vec::new(),
        current_proposals: Vec::new(),
        prev_epoch_kickout: Vec::new(),
        epoch_start_height: start,
        epoch_height: config.epoch_height(block.height),
        validator_reward_paid_prev_epoch: Default::default(),
    };
    serde_json::to_value(info).map_err(|e| RpcError::serialization_error(e.to_string()))
}

/// `EXPERIMENTAL_validators_ordered`: `{"block_id": null | id}` or `[block_id]`: the block
/// producers in order (one).
pub fn validators_ordered(rt: &Runtime, params: Value) -> Reply {
    let block_id = match params {
        Value::Null => None,
        Value::Array(mut items) if items.len() == 1 => parse::<Option<BlockId>>(items.remove(0))?,
        other => parse::<RpcValidatorsOrderedRequest>(other)?.block_id,
    };
    if let Some(id) = block_id {
        if resolve_block(rt, &BlockReference::BlockId(id)).is_none() {
            return Err(handler_error(RpcValidatorError::UnknownEpoch));
        }
    }
    let ordered = vec![ValidatorStakeView::V1(validator(rt)?)];
    serde_json::to_value(ordered).map_err(|e| RpcError::serialization_error(e.to_string()))
}
