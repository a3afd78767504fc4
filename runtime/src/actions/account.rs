//! Actions on the account itself: create, transfer, stake, deploy its contract, delete.

use super::{ActionEnv, ActionResult};
use crate::global;
use crate::state::AccountRecord;
use near_primitives::account::{AccessKeyPermission, Account, AccountContract};

use near_primitives::action::{
    DeleteAccountAction, DeployContractAction, StakeAction, TransferAction,
};
use near_primitives::errors::ActionErrorKind;
use near_primitives::receipt::Receipt;
use near_primitives::types::Balance;
use near_primitives::version::ProtocolFeature;
use near_vm_runner::ContractCode;
use std::sync::Arc;

/// `CreateAccount`: a top-level id only by the registrar when short, a sub-account only by
/// its parent; the new account's owner acts from now on (e.g. AddKey, DeployContract).
pub fn action_create_account(
    env: &mut ActionEnv<'_>,
    account: &mut Option<AccountRecord>,
    result: &mut ActionResult,
) {
    let account_id = env.receipt.receiver_id();
    let predecessor_id = env.receipt.predecessor_id();
    let creation = &env.config.runtime.account_creation_config;
    if account_id.get_account_type().is_implicit() {
        return result.fail(ActionErrorKind::OnlyImplicitAccountCreationAllowed {
            account_id: account_id.clone(),
        });
    }
    if account_id.is_top_level() {
        let short = account_id.len() < usize::from(creation.min_allowed_top_level_account_length);
        if short && predecessor_id != &creation.registrar_account_id {
            return result.fail(ActionErrorKind::CreateAccountOnlyByRegistrar {
                account_id: account_id.clone(),
                registrar_account_id: creation.registrar_account_id.clone(),
                predecessor_id: predecessor_id.clone(),
            });
        }
    } else if !account_id.is_sub_account_of(predecessor_id) {
        return result.fail(ActionErrorKind::CreateAccountNotAllowed {
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
    *env.actor_id = account_id.clone();
}

/// `Transfer` to an existing account. A refund gives the signing key's allowance back
/// (function-call keys).
pub fn action_transfer(
    env: &mut ActionEnv<'_>,
    transfer: &TransferAction,
    record: &mut AccountRecord,
    _result: &mut ActionResult,
) {
    let deposit = transfer.deposit;
    record.account.set_amount(Balance::from_yoctonear(
        record.amount().saturating_add(deposit.as_yoctonear()),
    ));
    if env.receipt.predecessor_id().is_system() {
        let key = record.access_keys.get_mut(&env.info.signer_public_key);
        if let Some(AccessKeyPermission::FunctionCall(p)) = key.map(|k| &mut k.permission) {
            if let Some(allowance) = &mut p.allowance {
                *allowance = allowance.saturating_add(deposit);
            }
        }
    }
}

/// `Stake`: locks the increase at once (as the node does); an unstake only takes effect at an
/// epoch's end, which a one-validator sandbox never reaches for a proposal, so it changes
/// nothing here. The node's minimum-stake (seat price) check is not modelled.
pub fn action_stake(
    env: &mut ActionEnv<'_>,
    stake: &StakeAction,
    record: &mut AccountRecord,
    result: &mut ActionResult,
) {
    let account_id = env.receipt.receiver_id().clone();
    let stake = stake.stake.as_yoctonear();
    let locked = record.account.locked().as_yoctonear();
    let increment = stake.saturating_sub(locked);
    let amount = record.amount();
    let tries_to_stake = ActionErrorKind::TriesToStake {
        account_id: account_id.clone(),
        stake: Balance::from_yoctonear(stake),
        locked: Balance::from_yoctonear(locked),
        balance: Balance::from_yoctonear(amount),
    };
    if amount < increment {
        return result.fail(tries_to_stake);
    }
    if locked == 0 && stake == 0 {
        return result.fail(ActionErrorKind::TriesToUnstake { account_id });
    }
    if stake > locked {
        // Only an uninitialized account refuses a lock: it cannot stake (as on the node).
        if record.account.set_locked(Balance::from_yoctonear(stake)).is_err() {
            return result.fail(tries_to_stake);
        }
        record.account.set_amount(Balance::from_yoctonear(amount - increment));
    }
}

/// `DeployContract`: the code replaces the account's contract (local or global) in its
/// storage usage, and is compiled once for later calls.
pub fn action_deploy_contract(
    env: &mut ActionEnv<'_>,
    deploy: &DeployContractAction,
    record: &mut AccountRecord,
    _result: &mut ActionResult,
) {
    let code = ContractCode::new(deploy.code.clone(), None);
    let old_len = global::contract_storage(record);
    let usage = record.account.storage_usage().saturating_sub(old_len) + deploy.code.len() as u64;
    record.account.set_storage_usage(usage);
    // Setting a local contract on an existing account cannot fail.
    let _ = record.account.set_contract(AccountContract::Local(*code.hash()));
    env.vm.precompile(&code);
    record.code = Some(Arc::new(code));
}

/// `DeleteAccount`: the balance goes to the beneficiary. The node refuses to delete an account
/// with more than 10 kB of state besides its contract: storage usage minus the local code's
/// size, or minus a global contract's identifier (protocol 85+; before, only local code).
pub fn action_delete_account(
    env: &mut ActionEnv<'_>,
    delete: &DeleteAccountAction,
    account: &mut Option<AccountRecord>,
    result: &mut ActionResult,
) {
    let Some(record) = account.as_ref() else { return };
    let contract = if ProtocolFeature::FixDeleteAccountGlobalContractStorageUsage
        .enabled(env.config.protocol_version)
    {
        global::contract_storage(record)
    } else {
        local_code_len(record)
    };
    let state = record.account.storage_usage().saturating_sub(contract);
    if state > Account::MAX_ACCOUNT_DELETION_STORAGE_USAGE {
        let account_id = env.receipt.receiver_id().clone();
        return result.fail(ActionErrorKind::DeleteAccountWithLargeState { account_id });
    }
    let balance = record.account.amount();
    if balance.as_yoctonear() > 0 {
        result.new_receipts.push(Receipt::new_balance_refund(&delete.beneficiary_id, balance));
    }
    *env.actor_id = env.receipt.predecessor_id().clone();
    *account = None;
}

/// The size of the account's local contract code (0 for none or a global contract).
fn local_code_len(record: &AccountRecord) -> u64 {
    match record.account.contract().as_ref() {
        AccountContract::Local(_) => record.code.as_ref().map_or(0, |c| c.code().len() as u64),
        _ => 0,
    }
}
