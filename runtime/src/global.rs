//! Global contracts (protocol 78+): code deployed once, chain-wide, by code hash or under the
//! deployer's account id, and used by any account that points at it.
//!
//! The deployer pays `global_contract_storage_amount_per_byte` for every byte, burnt (it shows
//! in the receipt's `tokens_burnt`). A node distributes the code to every shard with a
//! `GlobalContractDistribution` receipt, which has no outcome; the embedded runtime (one
//! shard) stores the code when the deploying receipt succeeds.

use crate::actions::{ActionEnv, ActionResult};
use crate::state::AccountRecord;
use near_primitives::account::AccountContract;
use near_primitives::action::{
    DeployGlobalContractAction, GlobalContractDeployMode, GlobalContractIdentifier,
    UseGlobalContractAction,
};
use near_primitives::errors::ActionErrorKind;
use near_primitives::hash::hash;
use near_primitives::types::Balance;
use near_vm_runner::ContractCode;
use std::collections::HashMap;
use std::sync::Arc;

/// The chain's global contracts.
pub type Globals = HashMap<GlobalContractIdentifier, Arc<ContractCode>>;

/// `DeployGlobalContract`: burns the storage cost from the deployer and publishes the code.
pub fn action_deploy_global_contract(
    env: &mut ActionEnv<'_>,
    deploy: &DeployGlobalContractAction,
    record: &mut AccountRecord,
    result: &mut ActionResult,
) {
    let account_id = env.receipt.receiver_id();
    let per_byte =
        env.config.runtime.fees.storage_usage_config.global_contract_storage_amount_per_byte;
    let cost = per_byte.as_yoctonear().saturating_mul(deploy.code.len() as u128);
    let Some(left) = record.amount().checked_sub(cost) else {
        return result.fail(ActionErrorKind::LackBalanceForState {
            account_id: account_id.clone(),
            amount: Balance::from_yoctonear(cost),
        });
    };
    record.account.set_amount(Balance::from_yoctonear(left));
    result.tokens_burnt += cost;
    let id = match deploy.deploy_mode {
        GlobalContractDeployMode::CodeHash => {
            GlobalContractIdentifier::CodeHash(hash(&deploy.code))
        }
        GlobalContractDeployMode::AccountId => {
            GlobalContractIdentifier::AccountId(account_id.clone())
        }
    };
    let code = ContractCode::new(deploy.code.to_vec(), None);
    env.vm.precompile(&code);
    result.new_globals.push((id, Arc::new(code)));
}

/// `UseGlobalContract`: the account's contract becomes a pointer to the global code (its
/// local code, if any, is removed; storage counts the identifier instead of the code).
pub fn action_use_global_contract(
    env: &mut ActionEnv<'_>,
    action: &UseGlobalContractAction,
    record: &mut AccountRecord,
    result: &mut ActionResult,
) {
    let id = &action.contract_identifier;
    if !env.globals.contains_key(id) {
        return result.fail(ActionErrorKind::GlobalContractDoesNotExist { identifier: id.clone() });
    }
    let usage =
        record.account.storage_usage().saturating_sub(contract_storage(record)) + id.len() as u64;
    record.account.set_storage_usage(usage);
    record.code = None;
    let contract = match id {
        GlobalContractIdentifier::CodeHash(h) => AccountContract::Global(*h),
        GlobalContractIdentifier::AccountId(a) => AccountContract::GlobalByAccount(a.clone()),
    };
    // Setting a contract on an initialised account cannot fail.
    let _ = record.account.set_contract(contract);
}

/// Bytes the account's contract takes in its storage usage: the local code, or the global
/// contract's identifier.
pub fn contract_storage(record: &AccountRecord) -> u64 {
    match record.account.contract().as_ref() {
        AccountContract::None => 0,
        AccountContract::Local(_) => record.code.as_ref().map_or(0, |c| c.code().len() as u64),
        AccountContract::Global(_) => 32,
        AccountContract::GlobalByAccount(id) => id.len() as u64,
    }
}

/// The code a call runs and its hash: the local code, or the global code it points at.
pub fn code_for(
    globals: &Globals,
    record: &AccountRecord,
) -> (near_primitives::hash::CryptoHash, Option<Arc<ContractCode>>) {
    let id = match record.account.contract().as_ref() {
        AccountContract::Global(h) => GlobalContractIdentifier::CodeHash(*h),
        AccountContract::GlobalByAccount(a) => GlobalContractIdentifier::AccountId(a.clone()),
        _ => {
            let hash = record.account.local_contract_hash().unwrap_or_default();
            return (hash, record.code.clone());
        }
    };
    match globals.get(&id) {
        Some(code) => (*code.hash(), Some(Arc::clone(code))),
        None => (Default::default(), None),
    }
}
