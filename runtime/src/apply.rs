//! Executing one action receipt: its actions atomically, then refunds, outgoing data and the
//! outcome a node would report.

use crate::actions::{apply_action, ActionEnv, ActionReceiptInfo, ActionResult};
use crate::changes::Recorder;
use crate::config::ChainConfig;
use crate::fees;
use crate::remote::RemoteError;
use crate::state::{AccountRecord, State};
use crate::vm::Vm;
use near_primitives::account::AccountContract;
use near_primitives::errors::{ActionError, ActionErrorKind, TxExecutionError};
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::{DataReceipt, Receipt, ReceiptEnum, ReceiptV0};
use near_primitives::transaction::{ExecutionMetadata, ExecutionMetadataV4};
use near_primitives::types::{AccountId, Balance};
use near_primitives::utils::{
    create_action_hash_from_receipt_id, create_receipt_id_from_receipt_id,
};
use near_primitives::views::{ExecutionOutcomeView, ExecutionStatusView, StateChangeCauseView};
use near_vm_runner::logic::types::PromiseResult;
use near_vm_runner::logic::ReturnData;
use std::collections::HashSet;
use std::sync::Arc;

/// The block being produced.
pub struct BlockCtx {
    pub height: u64,
    pub timestamp_ns: u64,
    pub random_seed: CryptoHash,
    /// Storage keys written in this block (in memory: no trie nodes to touch again).
    pub written: HashSet<(AccountId, Vec<u8>)>,
    /// The state changes of this block so far.
    pub changes: Recorder,
}

/// What executing a receipt produced.
pub struct Executed {
    pub outcome: ExecutionOutcomeView,
    /// New receipts (action, refund and data receipts) with their ids.
    pub new_receipts: Vec<Receipt>,
    /// Compute the receipt used (counts against the chunk's limit).
    pub compute_usage: u64,
}

/// A receipt's actions once run, carried through the phases that follow them.
struct Run {
    /// The receiver's account after the actions (`None`: it does not exist, or was deleted).
    working: Option<AccountRecord>,
    result: ActionResult,
    /// Why the receipt failed: an action's error, or the storage its account cannot pay for.
    failure: Option<ActionError>,
    /// The receiver's contract before each action (metadata; `None` once the actions stopped).
    contracts: Vec<AccountContract>,
    /// How many actions ran (the last one may have failed).
    ran: usize,
}

/// Runs an action receipt whose inputs have all arrived, in the node's phases: the actions,
/// the storage stake, refunds, commit or revert, the gas reward, outgoing data, the outcome.
pub fn execute_action_receipt(
    config: &ChainConfig,
    vm: &Vm,
    state: &mut State,
    block: &mut BlockCtx,
    receipt: &Receipt,
) -> Option<Executed> {
    let info = ActionReceiptInfo::from_receipt(receipt)?;
    let mut run = match state.load(receipt.receiver_id()) {
        Ok(()) => run_actions(config, vm, state, block, receipt, &info),
        Err(err) => unreadable(receipt, &info, &err),
    };
    remember_fetched(state, receipt.receiver_id(), &mut run);
    check_storage_stake(config, receipt, &mut run);
    let creation_charge = push_refunds(config, state, receipt, &info, &mut run);
    commit_or_revert(state, block, receipt, &mut run);
    pay_gas_reward(config, state, block, receipt, &info, &run.result);
    send_outgoing_data(receipt, &info, &mut run);
    Some(outcome(config, block, receipt, &info, run, creation_charge))
}

/// The actions, atomically on a working copy of the receiver's account, until one fails.
fn run_actions(
    config: &ChainConfig,
    vm: &Vm,
    state: &mut State,
    block: &mut BlockCtx,
    receipt: &Receipt,
    info: &ActionReceiptInfo,
) -> Run {
    let receiver = receipt.receiver_id();
    let promise_results: Arc<[PromiseResult]> = info
        .input_data_ids
        .iter()
        .map(|id| match state.received_data.remove(&(receiver.clone(), *id)) {
            Some(Some(value)) => PromiseResult::Successful(value.into()),
            _ => PromiseResult::Failed,
        })
        .collect();
    let mut working = state.accounts.get(receiver).cloned();
    let mut actor_id = receipt.predecessor_id().clone();
    let mut result = ActionResult::with_gas(fees::receipt_exec_fee(&config.runtime.fees));
    let mut contracts = Vec::with_capacity(info.actions.len());
    for (index, action) in info.actions.iter().enumerate() {
        contracts.push(
            working.as_ref().map_or(AccountContract::None, |r| r.account.contract().into_owned()),
        );
        let mut env = ActionEnv {
            config,
            vm,
            written_in_block: &mut block.written,
            block_height: block.height,
            block_timestamp_ns: block.timestamp_ns,
            random_seed: block.random_seed,
            receipt,
            info,
            promise_results: Arc::clone(&promise_results),
            action_hash: create_action_hash_from_receipt_id(
                receipt.receipt_id(),
                block.height,
                index,
            ),
            is_last_action: index + 1 == info.actions.len(),
            globals: &state.globals,
            remote: state.remote.as_ref().map(|r| r.0.as_ref()),
            actor_id: &mut actor_id,
        };
        let next = apply_action(&mut env, action, &mut working);
        result.merge(next);
        if result.result.is_err() {
            break;
        }
    }
    let ran = contracts.len();
    let failure = result
        .result
        .as_ref()
        .err()
        .map(|kind| ActionError { index: Some(ran as u64 - 1), kind: kind.clone() });
    // One metadata entry per action: actions that did not run show no contract (`null`).
    contracts.resize(info.actions.len(), AccountContract::None);
    Run { working, result, failure, contracts, ran }
}

/// A receipt whose receiver the remote of a forked chain could not read: it fails at its first
/// action with the remote's message, and nothing runs.
fn unreadable(receipt: &Receipt, info: &ActionReceiptInfo, err: &RemoteError) -> Run {
    let kind = crate::actions::execution_error(format!(
        "remote state of {}: {err}",
        receipt.receiver_id()
    ));
    let mut result = ActionResult::with_gas(0);
    result.fail(kind.clone());
    let contracts = vec![AccountContract::None; info.actions.len()];
    let failure = Some(ActionError { index: Some(0), kind });
    Run { working: None, result, failure, contracts, ran: 0 }
}

/// Storage keys the receipt read from the remote are held from now on, by the account as it
/// was (so its state changes show the value before) and as the receipt leaves it.
fn remember_fetched(state: &mut State, receiver: &AccountId, run: &mut Run) {
    let fetched = std::mem::take(&mut run.result.fetched);
    if fetched.is_empty() {
        return;
    }
    if let Some(working) = run.working.as_mut() {
        for (key, value) in &fetched {
            if !run.result.touched_data.contains(key) {
                working.remember(key.clone(), value.clone());
            }
        }
    }
    if let Some(original) = state.accounts.get_mut(receiver) {
        for (key, value) in fetched {
            original.remember(key, value);
        }
    }
}

/// Storage stake: a receipt whose actions succeeded fails when its account cannot pay for its
/// storage, and sends nothing.
fn check_storage_stake(config: &ChainConfig, receipt: &Receipt, run: &mut Run) {
    if run.failure.is_some() {
        return;
    }
    let Some(record) = &run.working else { return };
    if let Some(amount) = lacking_storage_stake(config, record) {
        run.failure = Some(ActionError {
            index: None,
            kind: ActionErrorKind::LackBalanceForState {
                account_id: receipt.receiver_id().clone(),
                amount: Balance::from_yoctonear(amount),
            },
        });
        run.result.new_receipts.clear();
    }
}

/// Refunds (none for a refund receipt). A receipt that created its receiver pays the account
/// creation charge (protocol 85+), returned here.
fn push_refunds(
    config: &ChainConfig,
    state: &State,
    receipt: &Receipt,
    info: &ActionReceiptInfo,
    run: &mut Run,
) -> u128 {
    if receipt.predecessor_id().is_system() {
        return 0;
    }
    let created = run.failure.is_none()
        && run.working.is_some()
        && !state.accounts.contains_key(receipt.receiver_id());
    let (refunds, charge) =
        refunds(config, receipt, info, &run.result, run.failure.is_some(), created);
    run.result.new_receipts.extend(refunds);
    charge
}

/// Commit or revert: the state changes are recorded either way; only a successful receipt's
/// account and global contracts reach the state.
fn commit_or_revert(state: &mut State, block: &mut BlockCtx, receipt: &Receipt, run: &mut Run) {
    let receiver = receipt.receiver_id();
    let original = state.accounts.get(receiver);
    let touched = std::mem::take(&mut run.result.touched_data);
    let working = run.working.take();
    if run.failure.is_some() {
        block.changes.reverted(
            *receipt.receipt_id(),
            receiver,
            original,
            working.as_ref(),
            &touched,
        );
        return;
    }
    block.changes.receipt(*receipt.receipt_id(), receiver, original, working.as_ref(), &touched);
    state.globals.extend(std::mem::take(&mut run.result.new_globals));
    match working {
        Some(record) => {
            state.accounts.insert(receiver.clone(), record);
        }
        None => {
            state.accounts.remove(receiver);
            state.deleted(receiver);
        }
    }
}

/// Gas reward: part of the burnt gas of function calls goes to the contract (protocols before
/// 87), priced at what burning costs: the purchase price, or the block's price when lower.
fn pay_gas_reward(
    config: &ChainConfig,
    state: &mut State,
    block: &mut BlockCtx,
    receipt: &Receipt,
    info: &ActionReceiptInfo,
    result: &ActionResult,
) {
    let reward = config.runtime.fees.burnt_gas_reward;
    if *reward.numer() <= 0 || result.gas_burnt_for_function_call == 0 {
        return;
    }
    let gas = u128::from(result.gas_burnt_for_function_call) * *reward.numer() as u128
        / *reward.denom() as u128;
    let burn_price = info.gas_price.min(config.gas_price);
    let receiver = receipt.receiver_id();
    let Some(record) = state.accounts.get_mut(receiver) else { return };
    block.changes.note_record(receiver, Some(record));
    let prior = record.account.clone();
    let amount = record.amount().saturating_add(gas * burn_price);
    record.account.set_amount(Balance::from_yoctonear(amount));
    let cause =
        StateChangeCauseView::ActionReceiptGasReward { receipt_hash: *receipt.receipt_id() };
    block.changes.account(&cause, receiver, Some(&prior), Some(&record.account));
}

/// Outgoing data: forwarded to the returned promise, or sent as data receipts (the value, or
/// nothing when the receipt failed).
fn send_outgoing_data(receipt: &Receipt, info: &ActionReceiptInfo, run: &mut Run) {
    if info.output_data_receivers.is_empty() {
        return;
    }
    let result = &mut run.result;
    let forwarded = match (&run.failure, &result.result) {
        (None, Ok(ReturnData::ReceiptIndex(index))) => Some(*index as usize),
        _ => None,
    };
    if let Some(target) = forwarded.and_then(|i| result.new_receipts.get_mut(i)) {
        return forward_receivers(target, info);
    }
    let data = match (&run.failure, &result.result) {
        (None, Ok(ReturnData::Value(v))) => Some(v.clone()),
        (None, Ok(_)) => Some(Vec::new()),
        _ => None,
    };
    for receiver_of_data in &info.output_data_receivers {
        result.new_receipts.push(Receipt::V0(ReceiptV0 {
            predecessor_id: receipt.receiver_id().clone(),
            receiver_id: receiver_of_data.receiver_id.clone(),
            receipt_id: CryptoHash::default(),
            receipt: ReceiptEnum::Data(DataReceipt {
                data_id: receiver_of_data.data_id,
                data: data.clone(),
            }),
        }));
    }
}

/// The outcome a node reports: new receipts get their ids, the status, the tokens burnt, the
/// compute used and the metadata.
fn outcome(
    config: &ChainConfig,
    block: &BlockCtx,
    receipt: &Receipt,
    info: &ActionReceiptInfo,
    run: Run,
    creation_charge: u128,
) -> Executed {
    let Run { result, failure, contracts, ran, .. } = run;
    let mut receipt_ids = Vec::new();
    let mut new_receipts = result.new_receipts;
    for (index, new) in new_receipts.iter_mut().enumerate() {
        let id = create_receipt_id_from_receipt_id(receipt.receipt_id(), block.height, index);
        new.set_receipt_id(id);
        if !matches!(new.receipt(), ReceiptEnum::Data(_) | ReceiptEnum::PromiseResume(_)) {
            receipt_ids.push(id);
        }
    }
    // A global deploy's storage is burnt too, when the receipt succeeded.
    let storage_burnt = if failure.is_none() { result.tokens_burnt } else { 0 };
    let status = match (failure, result.result) {
        (Some(err), _) => ExecutionStatusView::Failure(TxExecutionError::ActionError(err)),
        (None, Ok(ReturnData::ReceiptIndex(index))) => ExecutionStatusView::SuccessReceiptId(
            create_receipt_id_from_receipt_id(receipt.receipt_id(), block.height, index as usize),
        ),
        (None, Ok(ReturnData::Value(v))) => ExecutionStatusView::SuccessValue(v),
        (None, _) => ExecutionStatusView::SuccessValue(Vec::new()),
    };
    let tokens_burnt = if receipt.predecessor_id().is_system() {
        0
    } else {
        u128::from(result.gas_burnt) * config.gas_price + creation_charge + storage_burnt
    };
    let compute_usage = crate::chunk::compute_usage(
        config,
        result.gas_burnt,
        &result.profile,
        &info.actions[..ran],
    );
    let metadata =
        ExecutionMetadata::V4(Box::new(ExecutionMetadataV4 { profile: result.profile, contracts }));
    let outcome = ExecutionOutcomeView {
        logs: result.logs,
        receipt_ids,
        gas_burnt: near_primitives::types::Gas::from_gas(result.gas_burnt),
        tokens_burnt: Balance::from_yoctonear(tokens_burnt),
        executor_id: receipt.receiver_id().clone(),
        status,
        metadata: metadata.into(),
    };
    Executed { outcome, new_receipts, compute_usage }
}

fn forward_receivers(target: &mut Receipt, info: &ActionReceiptInfo) {
    match target.receipt_mut() {
        ReceiptEnum::Action(a) | ReceiptEnum::PromiseYield(a) => {
            a.output_data_receivers.extend(info.output_data_receivers.iter().cloned())
        }
        ReceiptEnum::ActionV2(a) | ReceiptEnum::PromiseYieldV2(a) => {
            a.output_data_receivers.extend(info.output_data_receivers.iter().cloned())
        }
        _ => {}
    }
}

/// How much is missing to cover the account's storage, if anything.
pub(crate) fn lacking_storage_stake(config: &ChainConfig, record: &AccountRecord) -> Option<u128> {
    const ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT: u64 = 770;
    let usage = record.account.storage_usage();
    if usage <= ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT {
        return None;
    }
    let per_byte = config.runtime.fees.storage_usage_config.storage_amount_per_byte.as_yoctonear();
    let required = u128::from(usage) * per_byte;
    let available = record.amount().saturating_add(record.account.locked().as_yoctonear());
    (available < required).then(|| required - available)
}

/// Deposit refund (on failure, to the predecessor or `refund_to`) and gas refund (unused
/// prepaid gas plus the price difference of burnt gas, to the signer). Absent when zero.
/// When the receipt `created` its receiver (protocol 85+), the account creation charge, less
/// the create-account gas already burnt, comes out of the price difference: also returned.
fn refunds(
    config: &ChainConfig,
    receipt: &Receipt,
    info: &ActionReceiptInfo,
    result: &ActionResult,
    failed: bool,
    created: bool,
) -> (Vec<Receipt>, u128) {
    let fees_config = &config.runtime.fees;
    let mut refunds = Vec::new();
    let deposit = if failed { fees::total_deposit(&info.actions) } else { 0 };
    let prepaid = fees::prepaid_gas(&info.actions)
        + fees::prepaid_send_fees(&config.runtime, &info.actions)
        + fees::total_exec_fees(&config.runtime, &info.actions, receipt.receiver_id());
    let spent = if failed { result.gas_burnt } else { result.gas_used };
    let gross = prepaid.saturating_sub(spent);
    let penalty = fees_config
        .gas_penalty_for_gas_refund(near_primitives::types::Gas::from_gas(gross))
        .as_gas();
    let net = gross - penalty.min(gross);
    let mut burnt_refund =
        info.gas_price.saturating_sub(config.gas_price) * u128::from(result.gas_burnt);
    let mut charge = 0;
    if created
        && near_primitives::version::ProtocolFeature::AccountCostIncrease
            .enabled(config.protocol_version)
    {
        let create_gas =
            fees_config.fee(near_parameters::ActionCosts::create_account).exec_fee().gas.as_gas();
        let burn_price = info.gas_price.min(config.gas_price);
        let wanted = config
            .runtime
            .account_creation_charge
            .as_yoctonear()
            .saturating_sub(u128::from(create_gas) * burn_price);
        charge = wanted.min(burnt_refund);
        burnt_refund -= charge;
    }
    let gas_refund = u128::from(net) * info.gas_price + burnt_refund;
    if deposit > 0 {
        let to = info.refund_to.clone().unwrap_or_else(|| receipt.predecessor_id().clone());
        refunds.push(Receipt::new_balance_refund(&to, Balance::from_yoctonear(deposit)));
    }
    if gas_refund > 0 {
        refunds.push(Receipt::new_gas_refund(
            &info.signer_id,
            Balance::from_yoctonear(gas_refund),
            info.signer_public_key.clone(),
        ));
    }
    (refunds, charge)
}
