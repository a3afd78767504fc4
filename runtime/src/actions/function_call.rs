//! The `FunctionCall` action, in nearcore's three steps: prepare the contract's context, run
//! it on near-vm-runner, and fold its outcome (gas, logs, new receipts, balance) into the
//! action's result.

use crate::actions::{ActionEnv, ActionResult};
use crate::convert;
use crate::ext::{Ext, ExtFailure};
use crate::global;
use crate::promises::Promises;
use crate::state::AccountRecord;
use near_primitives::action::FunctionCallAction;
use near_primitives::errors::{ActionErrorKind, FunctionCallError as PFunctionCallError};
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::{ActionReceipt, ActionReceiptV2, Receipt, ReceiptEnum, ReceiptV0};
use near_primitives::types::{AccountId, Balance};
use near_primitives::utils::create_random_seed;
use near_vm_runner::logic::errors::{CompilationError, FunctionCallError, VMRunnerError};
use near_vm_runner::logic::{VMContext, VMOutcome};
use std::rc::Rc;
use std::sync::Arc;

/// What a contract run left behind once its `Ext` is gone.
struct Ran {
    outcome: VMOutcome,
    promises: Promises,
    /// The first host function called that the embedded runtime does not implement.
    unsupported: Option<String>,
}

/// `FunctionCall`: runs a contract method and folds its outcome into `result`.
pub fn action_function_call(
    env: &mut ActionEnv<'_>,
    call: &FunctionCallAction,
    record: &mut AccountRecord,
    result: &mut ActionResult,
) {
    let context = prepare_context(env, call, record);
    if let Some(ran) = run(env, call, record, &context, result) {
        fold_outcome(env, call, record, ran, result);
    }
}

/// The contract's view of the call: who calls, with what, in which block.
fn prepare_context(
    env: &ActionEnv<'_>,
    call: &FunctionCallAction,
    record: &AccountRecord,
) -> VMContext {
    let predecessor_id = env.receipt.predecessor_id().clone();
    // Output data receivers are only the last action's.
    let output_data_receivers = if env.is_last_action {
        env.info.output_data_receivers.iter().map(|r| r.receiver_id.clone()).collect()
    } else {
        Vec::new()
    };
    VMContext {
        current_account_id: env.receipt.receiver_id().clone(),
        signer_account_id: env.info.signer_id.clone(),
        signer_account_pk: borsh::to_vec(&env.info.signer_public_key).unwrap_or_default(),
        predecessor_account_id: predecessor_id.clone(),
        refund_to_account_id: env.info.refund_to.clone().unwrap_or(predecessor_id),
        input: Rc::from(call.args.clone()),
        promise_results: Arc::clone(&env.promise_results),
        block_height: env.block_height,
        block_timestamp: env.block_timestamp_ns,
        epoch_height: env.config.epoch_height(env.block_height),
        account_balance: record.account.amount(),
        account_locked_balance: record.account.locked(),
        storage_usage: record.account.storage_usage(),
        account_contract: record.account.contract().into_owned(),
        attached_deposit: call.deposit,
        prepaid_gas: call.gas,
        random_seed: create_random_seed(env.action_hash, env.random_seed),
        view_config: None,
        output_data_receivers,
    }
}

/// Runs the contract over the account. A runner failure that is not the contract's fails the
/// action here (no outcome to fold); a missing contract is the node's `CodeDoesNotExist`.
fn run(
    env: &mut ActionEnv<'_>,
    call: &FunctionCallAction,
    record: &mut AccountRecord,
    context: &VMContext,
    result: &mut ActionResult,
) -> Option<Ran> {
    let account_id = env.receipt.receiver_id().clone();
    let (code_hash, code) = global::code_for(env.globals, record);
    let post_quantum = near_primitives::version::ProtocolFeature::PostQuantumSignatures
        .enabled(env.config.protocol_version);
    let mut ext = Ext::new(
        account_id.clone(),
        record,
        env.written_in_block,
        env.action_hash,
        env.block_height,
        post_quantum,
        env.config.chain_id.clone(),
    )
    .with_remote(env.remote);
    let run = env.vm.run(code_hash, code, &call.method_name, &mut ext, context);
    result.touched_data.append(&mut ext.touched);
    result.fetched.append(&mut ext.fetched.take());
    let outcome = match run {
        Ok(outcome) => outcome,
        Err(VMRunnerError::ContractCodeNotPresent) => {
            VMOutcome::nop_outcome(FunctionCallError::CompilationError(
                CompilationError::CodeDoesNotExist { account_id: account_id.as_str().into() },
            ))
        }
        Err(VMRunnerError::ExternalError(any)) => {
            let message = match any.downcast::<ExtFailure>() {
                Ok(ExtFailure::Unsupported(what)) => {
                    format!("{what} is not supported by the embedded runtime")
                }
                Ok(ExtFailure::Remote(err)) => format!("remote state of {account_id}: {err}"),
                Err(_) => "the embedded runtime failed while running the contract".to_string(),
            };
            result.fail(execution_error(message));
            return None;
        }
        Err(other) => {
            result.fail(execution_error(format!(
                "the embedded runtime could not run the contract: {other}"
            )));
            return None;
        }
    };
    let promises = std::mem::take(&mut ext.promises);
    let unsupported = ext.unsupported.first().cloned();
    Some(Ran { outcome, promises, unsupported })
}

/// Folds the run into `result`: gas (unused gas goes to the calls that asked for a share by
/// weight), profile and logs always; on success the new receipts, checked as the node checks
/// them, and the account's new balance and storage usage.
fn fold_outcome(
    env: &ActionEnv<'_>,
    call: &FunctionCallAction,
    record: &mut AccountRecord,
    ran: Ran,
    result: &mut ActionResult,
) {
    let Ran { outcome, mut promises, unsupported } = ran;
    let unused = call.gas.as_gas().saturating_sub(outcome.used_gas.as_gas());
    let distributed = promises.distribute_gas(unused);
    let burnt = outcome.burnt_gas.as_gas();
    result.gas_burnt += burnt;
    result.gas_burnt_for_function_call += burnt;
    result.gas_used += outcome.used_gas.as_gas() + distributed;
    result.profile.merge(&convert::profile(&outcome.profile));
    result.logs.extend(outcome.logs);
    if let Some(err) = outcome.aborted {
        return result.fail(ActionErrorKind::FunctionCallError(convert::function_call_error(err)));
    }
    if let Some(what) = unsupported {
        return result
            .fail(execution_error(format!("{what} is not supported by the embedded runtime")));
    }
    let receipts = receipts_of(env, promises);
    // The node checks every receipt the contract created; one invalid receipt fails the call.
    let limits = &env.config.runtime.wasm_config.limit_config;
    for new in &receipts {
        if let Err(e) = crate::validate::validate_new_receipt(limits, new) {
            result.new_receipts.clear();
            return result.fail(ActionErrorKind::NewReceiptValidationError(e));
        }
    }
    result.new_receipts.extend(receipts);
    record.account.set_amount(outcome.balance);
    record.account.set_storage_usage(outcome.storage_usage);
    result.result = Ok(outcome.return_data);
}

/// The receipts the contract created, signed as the receipt that ran it: its action (and
/// yield) receipts in creation order, then a `PromiseResume` to this account per resumed yield.
fn receipts_of(env: &ActionEnv<'_>, promises: Promises) -> Vec<Receipt> {
    let account_id: &AccountId = env.receipt.receiver_id();
    let mut receipts = Vec::with_capacity(promises.receipts.len() + promises.resumes.len());
    for new in promises.receipts {
        let is_yield = new.is_yield;
        let body = match new.refund_to {
            None => ReceiptEnum::Action(ActionReceipt {
                signer_id: env.info.signer_id.clone(),
                signer_public_key: env.info.signer_public_key.clone(),
                gas_price: Balance::from_yoctonear(env.info.gas_price),
                output_data_receivers: new.output_data_receivers,
                input_data_ids: new.input_data_ids,
                actions: new.actions,
            }),
            Some(refund_to) => ReceiptEnum::ActionV2(ActionReceiptV2 {
                signer_id: env.info.signer_id.clone(),
                refund_to: Some(refund_to),
                signer_public_key: env.info.signer_public_key.clone(),
                gas_price: Balance::from_yoctonear(env.info.gas_price),
                output_data_receivers: new.output_data_receivers,
                input_data_ids: new.input_data_ids,
                actions: new.actions,
            }),
        };
        let body = if is_yield { crate::yields::as_yield(body) } else { body };
        receipts.push(Receipt::V0(ReceiptV0 {
            predecessor_id: account_id.clone(),
            receiver_id: new.receiver_id,
            receipt_id: CryptoHash::default(),
            receipt: body,
        }));
    }
    for (data_id, payload) in promises.resumes {
        receipts.push(crate::yields::resume_receipt(account_id, data_id, payload));
    }
    receipts
}

pub(crate) fn execution_error(message: String) -> ActionErrorKind {
    ActionErrorKind::FunctionCallError(PFunctionCallError::ExecutionError(message))
}
