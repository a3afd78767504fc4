//! What each action does to the receiver's account, and what it burns and uses.

use crate::config::ChainConfig;
use crate::convert;
use crate::ext::{Ext, Unsupported};
use crate::fees;
use crate::global::{self, Globals};
use crate::implicit;
use crate::state::{access_key_storage, AccountRecord};
use crate::vm::Vm;
use near_crypto::PublicKey;
use near_primitives::account::{AccessKeyPermission, Account, AccountContract};
use near_primitives::action::{
    Action, AddKeyAction, DeployContractAction, FunctionCallAction, GlobalContractIdentifier,
};
use near_primitives::errors::{
    ActionErrorKind, ActionsValidationError, FunctionCallError as PFunctionCallError,
    ReceiptValidationError,
};
use near_primitives::hash::CryptoHash;
use near_primitives::profile_data_v3::ProfileDataV3;
use near_primitives::receipt::{
    ActionReceipt, ActionReceiptV2, DataReceiver, Receipt, ReceiptEnum, ReceiptV0,
};
use near_primitives::types::{AccountId, Balance};
use near_primitives::utils::create_random_seed;
use near_vm_runner::logic::errors::{CompilationError, FunctionCallError, VMRunnerError};
use near_vm_runner::logic::types::PromiseResult;
use near_vm_runner::logic::{ReturnData, VMContext, VMOutcome};
use near_vm_runner::ContractCode;
use std::collections::{BTreeSet, HashSet};
use std::rc::Rc;
use std::sync::Arc;

/// An action receipt's fields, whichever receipt version carried them.
#[derive(Clone, Debug)]
pub struct ActionReceiptInfo {
    pub signer_id: AccountId,
    pub signer_public_key: PublicKey,
    pub gas_price: u128,
    pub output_data_receivers: Vec<DataReceiver>,
    pub input_data_ids: Vec<CryptoHash>,
    pub actions: Vec<Action>,
    pub refund_to: Option<AccountId>,
}

impl ActionReceiptInfo {
    pub fn from_receipt(receipt: &Receipt) -> Option<Self> {
        Some(match receipt.receipt() {
            ReceiptEnum::Action(a) | ReceiptEnum::PromiseYield(a) => Self {
                signer_id: a.signer_id.clone(),
                signer_public_key: a.signer_public_key.clone(),
                gas_price: a.gas_price.as_yoctonear(),
                output_data_receivers: a.output_data_receivers.clone(),
                input_data_ids: a.input_data_ids.clone(),
                actions: a.actions.clone(),
                refund_to: None,
            },
            ReceiptEnum::ActionV2(a) | ReceiptEnum::PromiseYieldV2(a) => Self {
                signer_id: a.signer_id.clone(),
                signer_public_key: a.signer_public_key.clone(),
                gas_price: a.gas_price.as_yoctonear(),
                output_data_receivers: a.output_data_receivers.clone(),
                input_data_ids: a.input_data_ids.clone(),
                actions: a.actions.clone(),
                refund_to: a.refund_to.clone(),
            },
            _ => return None,
        })
    }
}

/// The result of one or more actions of a receipt.
pub struct ActionResult {
    pub gas_burnt: u64,
    pub gas_used: u64,
    pub gas_burnt_for_function_call: u64,
    pub result: Result<ReturnData, ActionErrorKind>,
    pub logs: Vec<String>,
    pub new_receipts: Vec<Receipt>,
    pub profile: ProfileDataV3,
    /// Storage keys written or removed (a node records each as a data change).
    pub touched_data: BTreeSet<Vec<u8>>,
    /// Tokens burnt besides gas (a global contract's storage).
    pub tokens_burnt: u128,
    /// Global contracts deployed, published when the receipt succeeds.
    pub new_globals: Vec<(GlobalContractIdentifier, Arc<ContractCode>)>,
}

impl ActionResult {
    pub fn with_gas(gas: u64) -> Self {
        Self {
            gas_burnt: gas,
            gas_used: gas,
            gas_burnt_for_function_call: 0,
            result: Ok(ReturnData::None),
            logs: Vec::new(),
            new_receipts: Vec::new(),
            profile: ProfileDataV3::default(),
            touched_data: BTreeSet::new(),
            tokens_burnt: 0,
            new_globals: Vec::new(),
        }
    }

    /// Adds the next action's result: gas adds up, the last result wins, receipts of a failed
    /// receipt are dropped.
    pub fn merge(&mut self, mut next: ActionResult) {
        self.gas_burnt += next.gas_burnt;
        self.gas_used += next.gas_used;
        self.gas_burnt_for_function_call += next.gas_burnt_for_function_call;
        self.profile.merge(&next.profile);
        self.logs.append(&mut next.logs);
        self.touched_data.append(&mut next.touched_data);
        self.tokens_burnt += next.tokens_burnt;
        self.new_globals.append(&mut next.new_globals);
        self.result = next.result;
        if let Ok(ReturnData::ReceiptIndex(index)) = &mut self.result {
            *index += self.new_receipts.len() as u64;
        }
        if self.result.is_ok() {
            self.new_receipts.append(&mut next.new_receipts);
        } else {
            self.new_receipts.clear();
        }
    }
}

/// Everything an action needs besides the account it changes.
pub struct ActionEnv<'a> {
    pub config: &'a ChainConfig,
    pub vm: &'a Vm,
    pub written_in_block: &'a mut HashSet<(AccountId, Vec<u8>)>,
    pub block_height: u64,
    pub block_timestamp_ns: u64,
    pub random_seed: CryptoHash,
    pub receipt: &'a Receipt,
    pub info: &'a ActionReceiptInfo,
    pub promise_results: Arc<[PromiseResult]>,
    pub action_hash: CryptoHash,
    pub is_last_action: bool,
    /// The chain's global contracts.
    pub globals: &'a Globals,
}

/// An action the embedded runtime does not run (state init, `DelegateV2`, gas-key keys): the
/// node's shape for an action the protocol does not support, naming what is not modelled.
pub fn not_modelled(what: &str, protocol_version: u32) -> ActionErrorKind {
    ActionErrorKind::NewReceiptValidationError(ReceiptValidationError::ActionsValidation(
        ActionsValidationError::UnsupportedProtocolFeature {
            protocol_feature: format!("{what} (not modelled by the embedded runtime)"),
            version: protocol_version,
        },
    ))
}

fn action_name(action: &Action) -> &'static str {
    match action {
        Action::DelegateV2(_) => "DelegateV2",
        Action::DeterministicStateInit(_) => "DeterministicStateInit",
        Action::UniversalStateInit(_) => "UniversalStateInit",
        Action::AddKey(_) => "AddKey with a gas key",
        _ => "This action",
    }
}

/// Runs one action against `account` (the receiver's working copy; `None` = no such account).
pub fn apply_action(
    env: &mut ActionEnv<'_>,
    action: &Action,
    account: &mut Option<AccountRecord>,
    actor_id: &mut AccountId,
) -> ActionResult {
    let account_id = env.receipt.receiver_id().clone();
    let mut result =
        ActionResult::with_gas(fees::exec_fee(&env.config.runtime, action, &account_id));
    // The account must exist, except for the action that creates it.
    match (action, account.is_some()) {
        (Action::CreateAccount(_), true) => {
            result.result = Err(ActionErrorKind::AccountAlreadyExists { account_id });
            return result;
        }
        (Action::CreateAccount(_), false) => {}
        (Action::Transfer(t), false) if implicit::implicit_creation_allowed(env, &account_id) => {
            implicit::create_implicit(env, &account_id, t.deposit, account);
            return result;
        }
        (_, false) => {
            result.result = Err(ActionErrorKind::AccountDoesNotExist { account_id });
            return result;
        }
        (_, true) => {}
    }
    let needs_owner = matches!(
        action,
        Action::DeployContract(_)
            | Action::Stake(_)
            | Action::AddKey(_)
            | Action::DeleteKey(_)
            | Action::DeleteAccount(_)
            | Action::DeployGlobalContract(_)
            | Action::UseGlobalContract(_)
    );
    if needs_owner && *actor_id != account_id {
        result.result =
            Err(ActionErrorKind::ActorNoPermission { account_id, actor_id: actor_id.clone() });
        return result;
    }
    let outcome = match (action, account.as_mut()) {
        (Action::CreateAccount(_), _) => {
            let created = create_account(env, account);
            if created.is_ok() {
                // The new account's owner acts from now on (e.g. AddKey, DeployContract).
                *actor_id = account_id.clone();
            }
            created
        }
        (Action::FunctionCall(call), Some(record)) => {
            function_call(env, call, record, &mut result);
            return result;
        }
        (Action::Transfer(t), Some(record)) => {
            record.account.set_amount(Balance::from_yoctonear(
                record.amount().saturating_add(t.deposit.as_yoctonear()),
            ));
            // A refund gives the signing key's allowance back (function-call keys).
            if env.receipt.predecessor_id().is_system() {
                let key = record.access_keys.get_mut(&env.info.signer_public_key);
                if let Some(AccessKeyPermission::FunctionCall(p)) = key.map(|k| &mut k.permission) {
                    if let Some(allowance) = &mut p.allowance {
                        *allowance = allowance.saturating_add(t.deposit);
                    }
                }
            }
            Ok(())
        }
        (Action::DeployContract(d), Some(record)) => {
            deploy(env, d, record);
            Ok(())
        }
        (Action::AddKey(add), Some(record)) => add_key(env, add, record),
        (Action::DeleteKey(del), Some(record)) => delete_key(env, &del.public_key, record),
        (Action::DeleteAccount(del), Some(record)) => {
            if record.account.locked().as_yoctonear() > 0 {
                Err(ActionErrorKind::DeleteAccountStaking { account_id })
            } else if record.account.storage_usage() > Account::MAX_ACCOUNT_DELETION_STORAGE_USAGE {
                // The node refuses to delete an account with more than 10 kB of state.
                Err(ActionErrorKind::DeleteAccountWithLargeState { account_id })
            } else {
                let balance = record.account.amount();
                if balance.as_yoctonear() > 0 {
                    result
                        .new_receipts
                        .push(Receipt::new_balance_refund(&del.beneficiary_id, balance));
                }
                *account = None;
                Ok(())
            }
        }
        (Action::Stake(stake), Some(record)) => {
            stake_action(account_id, stake.stake.as_yoctonear(), record)
        }
        (Action::Delegate(signed), Some(record)) => {
            crate::delegate::apply(env, signed, record, &mut result);
            return result;
        }
        (Action::DeployGlobalContract(d), Some(record)) => {
            global::deploy(env, d, record, &mut result)
        }
        (Action::UseGlobalContract(u), Some(record)) => global::use_global(env, u, record),
        // No gas key exists in the embedded runtime (adding one fails), as the node reports
        // a transfer to or from a missing gas key.
        (Action::TransferToGasKey(t), _) => Err(ActionErrorKind::GasKeyDoesNotExist {
            account_id,
            public_key: Box::new(t.public_key.clone()),
        }),
        (Action::WithdrawFromGasKey(w), _) => Err(ActionErrorKind::GasKeyDoesNotExist {
            account_id,
            public_key: Box::new(w.public_key.clone()),
        }),
        (other, _) => Err(not_modelled(action_name(other), env.config.protocol_version)),
    };
    if let Err(kind) = outcome {
        result.result = Err(kind);
    }
    result
}

/// Staking locks the increase at once (as the node does); an unstake only takes effect at an
/// epoch's end, which a one-validator sandbox never reaches for a proposal, so it changes
/// nothing here. The node's minimum-stake (seat price) check is not modelled.
fn stake_action(
    account_id: AccountId,
    stake: u128,
    record: &mut AccountRecord,
) -> Result<(), ActionErrorKind> {
    let locked = record.account.locked().as_yoctonear();
    let increment = stake.saturating_sub(locked);
    let amount = record.amount();
    if amount < increment {
        return Err(ActionErrorKind::TriesToStake {
            account_id,
            stake: Balance::from_yoctonear(stake),
            locked: Balance::from_yoctonear(locked),
            balance: Balance::from_yoctonear(amount),
        });
    }
    if locked == 0 && stake == 0 {
        return Err(ActionErrorKind::TriesToUnstake { account_id });
    }
    if stake > locked {
        // Only an uninitialized account refuses a lock: it cannot stake (as on the node).
        if record.account.set_locked(Balance::from_yoctonear(stake)).is_err() {
            return Err(ActionErrorKind::TriesToStake {
                account_id,
                stake: Balance::from_yoctonear(stake),
                locked: Balance::from_yoctonear(locked),
                balance: Balance::from_yoctonear(amount),
            });
        }
        record.account.set_amount(Balance::from_yoctonear(amount - increment));
    }
    Ok(())
}

fn create_account(
    env: &ActionEnv<'_>,
    account: &mut Option<AccountRecord>,
) -> Result<(), ActionErrorKind> {
    let account_id = env.receipt.receiver_id();
    let predecessor_id = env.receipt.predecessor_id();
    let creation = &env.config.runtime.account_creation_config;
    if account_id.get_account_type().is_implicit() {
        return Err(ActionErrorKind::OnlyImplicitAccountCreationAllowed {
            account_id: account_id.clone(),
        });
    }
    if account_id.is_top_level() {
        let short = account_id.len() < usize::from(creation.min_allowed_top_level_account_length);
        if short && predecessor_id != &creation.registrar_account_id {
            return Err(ActionErrorKind::CreateAccountOnlyByRegistrar {
                account_id: account_id.clone(),
                registrar_account_id: creation.registrar_account_id.clone(),
                predecessor_id: predecessor_id.clone(),
            });
        }
    } else if !account_id.is_sub_account_of(predecessor_id) {
        return Err(ActionErrorKind::CreateAccountNotAllowed {
            account_id: account_id.clone(),
            predecessor_id: predecessor_id.clone(),
        });
    }
    let bytes = env.config.runtime.fees.storage_usage_config.num_bytes_account;
    *account = Some(AccountRecord::new(Account::new(
        Balance::ZERO,
        Balance::ZERO,
        AccountContract::None,
        bytes,
    )));
    Ok(())
}

fn deploy(env: &ActionEnv<'_>, deploy: &DeployContractAction, record: &mut AccountRecord) {
    let code = ContractCode::new(deploy.code.clone(), None);
    let old_len = global::contract_storage(record);
    let usage = record.account.storage_usage().saturating_sub(old_len) + deploy.code.len() as u64;
    record.account.set_storage_usage(usage);
    // Setting a local contract on an existing account cannot fail.
    let _ = record.account.set_contract(AccountContract::Local(*code.hash()));
    env.vm.precompile(&code);
    record.code = Some(Arc::new(code));
}

fn add_key(
    env: &ActionEnv<'_>,
    add: &AddKeyAction,
    record: &mut AccountRecord,
) -> Result<(), ActionErrorKind> {
    let account_id = env.receipt.receiver_id().clone();
    if record.access_keys.contains_key(&add.public_key) {
        return Err(ActionErrorKind::AddKeyAlreadyExists {
            account_id,
            public_key: Box::new(add.public_key.clone()),
        });
    }
    if !matches!(
        add.access_key.permission,
        AccessKeyPermission::FullAccess | AccessKeyPermission::FunctionCall(_)
    ) {
        return Err(not_modelled("AddKey with a gas key", env.config.protocol_version));
    }
    let mut key = add.access_key.clone();
    // A new key's nonce starts at (height - 1) * 1e6, as on a node.
    key.nonce = env.block_height.saturating_sub(1) * 1_000_000;
    let extra = env.config.runtime.fees.storage_usage_config.num_extra_bytes_record;
    let usage = record.account.storage_usage() + access_key_storage(&add.public_key, &key, extra);
    record.account.set_storage_usage(usage);
    record.access_keys.insert(add.public_key.clone(), key);
    Ok(())
}

fn delete_key(
    env: &ActionEnv<'_>,
    public_key: &PublicKey,
    record: &mut AccountRecord,
) -> Result<(), ActionErrorKind> {
    let account_id = env.receipt.receiver_id().clone();
    let Some(key) = record.access_keys.remove(public_key) else {
        return Err(ActionErrorKind::DeleteKeyDoesNotExist {
            account_id,
            public_key: Box::new(public_key.clone()),
        });
    };
    let extra = env.config.runtime.fees.storage_usage_config.num_extra_bytes_record;
    let usage =
        record.account.storage_usage().saturating_sub(access_key_storage(public_key, &key, extra));
    record.account.set_storage_usage(usage);
    Ok(())
}

/// Runs a contract method and folds its outcome into `result`.
fn function_call(
    env: &mut ActionEnv<'_>,
    call: &FunctionCallAction,
    record: &mut AccountRecord,
    result: &mut ActionResult,
) {
    let account_id = env.receipt.receiver_id().clone();
    let predecessor_id = env.receipt.predecessor_id().clone();
    let output_data_receivers = if env.is_last_action {
        env.info.output_data_receivers.iter().map(|r| r.receiver_id.clone()).collect()
    } else {
        Vec::new()
    };
    let context = VMContext {
        current_account_id: account_id.clone(),
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
    };
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
    );
    let run = env.vm.run(code_hash, code, &call.method_name, &mut ext, &context);
    result.touched_data.append(&mut ext.touched);
    let outcome = match run {
        Ok(outcome) => outcome,
        Err(VMRunnerError::ContractCodeNotPresent) => {
            VMOutcome::nop_outcome(FunctionCallError::CompilationError(
                CompilationError::CodeDoesNotExist { account_id: account_id.as_str().into() },
            ))
        }
        Err(VMRunnerError::ExternalError(any)) => {
            let message = match any.downcast::<Unsupported>() {
                Ok(Unsupported(what)) => format!("{what} is not supported by the embedded runtime"),
                Err(_) => "the embedded runtime failed while running the contract".to_string(),
            };
            result.result = Err(ActionErrorKind::FunctionCallError(
                PFunctionCallError::ExecutionError(message),
            ));
            return;
        }
        Err(other) => {
            result.result =
                Err(ActionErrorKind::FunctionCallError(PFunctionCallError::ExecutionError(
                    format!("the embedded runtime could not run the contract: {other}"),
                )));
            return;
        }
    };
    // Unused gas goes to the function calls that asked for a share by weight.
    let unused = call.gas.as_gas().saturating_sub(outcome.used_gas.as_gas());
    let distributed = ext.promises.distribute_gas(unused);
    let burnt = outcome.burnt_gas.as_gas();
    result.gas_burnt += burnt;
    result.gas_burnt_for_function_call += burnt;
    result.gas_used += outcome.used_gas.as_gas() + distributed;
    result.profile.merge(&convert::profile(&outcome.profile));
    result.logs.extend(outcome.logs);
    if let Some(err) = outcome.aborted {
        result.result = Err(ActionErrorKind::FunctionCallError(convert::function_call_error(err)));
        return;
    }
    if let Some(what) = ext.unsupported.first() {
        result.result =
            Err(ActionErrorKind::FunctionCallError(PFunctionCallError::ExecutionError(format!(
                "{what} is not supported by the embedded runtime"
            ))));
        return;
    }
    let mut promises = std::mem::take(&mut ext.promises);
    drop(ext);
    let first_new = result.new_receipts.len();
    let resumes = std::mem::take(&mut promises.resumes);
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
        result.new_receipts.push(Receipt::V0(ReceiptV0 {
            predecessor_id: account_id.clone(),
            receiver_id: new.receiver_id,
            receipt_id: CryptoHash::default(),
            receipt: body,
        }));
    }
    // Resumed yields: `PromiseResume` receipts to this account, after the action receipts.
    for (data_id, payload) in resumes {
        result.new_receipts.push(crate::yields::resume_receipt(&account_id, data_id, payload));
    }
    // The node checks every receipt the contract created; one invalid receipt fails the call.
    let limits = &env.config.runtime.wasm_config.limit_config;
    for new in &result.new_receipts[first_new..] {
        if let Err(e) = crate::validate::validate_new_receipt(limits, new) {
            result.new_receipts.clear();
            result.result = Err(ActionErrorKind::NewReceiptValidationError(e));
            return;
        }
    }
    record.account.set_amount(outcome.balance);
    record.account.set_storage_usage(outcome.storage_usage);
    result.result = Ok(outcome.return_data);
}
