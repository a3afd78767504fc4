//! Deploying a scenario on a fresh embedded chain: `test.near` in genesis, every account created
//! by it (CreateAccount + Transfer + AddKey) and its contract deployed, then the init calls.

use crate::scenario::{format_near, Scenario, ROOT_ACCOUNT};
use near_primitives::account::{AccessKey, AccessKeyPermission};
use near_primitives::action::{
    Action, AddKeyAction, CreateAccountAction, DeployContractAction, FunctionCallAction,
    TransferAction,
};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance, Gas};
use near_primitives::views::FinalExecutionStatus;
use nearviz_runtime::{public_key_for, Runtime, TxStatus};

/// Balance of the root account (it funds every scenario account).
const ROOT_BALANCE: u128 = 1_000_000_000 * 10u128.pow(24);
/// Blocks a deployment step may take before it is reported stuck.
const MAX_BLOCKS_PER_STEP: usize = 64;

/// Creates the scenario's accounts and contracts and runs its init calls.
pub fn deploy(
    rt: &mut Runtime,
    scenario: &Scenario,
    progress: &dyn Fn(String),
) -> Result<(), String> {
    let root: AccountId = ROOT_ACCOUNT.parse().map_err(|e| format!("root account: {e}"))?;
    rt.add_genesis_account(&root, ROOT_BALANCE).map_err(|e| e.to_string())?;
    let mut pending = Vec::new();
    // Forked accounts are the network's (`--fork`): nothing to create.
    for account in scenario.forked_accounts() {
        let id = account.account_id().map_err(|e| e.to_string())?;
        progress(format!("{id}: the fork's account, as it is there (not created)"));
    }
    for account in scenario.accounts.iter().filter(|account| !account.fork) {
        let id = account.account_id().map_err(|e| e.to_string())?;
        let balance = account.balance_yocto().map_err(|e| format!("{}: {e}", account.name))?;
        let mut actions = vec![
            Action::CreateAccount(CreateAccountAction {}),
            Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(balance) }),
            Action::AddKey(Box::new(AddKeyAction {
                public_key: public_key_for(&id),
                access_key: AccessKey { nonce: 0, permission: AccessKeyPermission::FullAccess },
            })),
        ];
        let code = scenario.wasm(account).map_err(|e| e.to_string())?;
        match &code {
            Some(code) => {
                progress(format!("creating {id} ({}) with its contract", format_near(balance)));
                actions.push(Action::DeployContract(DeployContractAction { code: code.to_vec() }));
            }
            None => progress(format!("creating {id} ({})", format_near(balance))),
        }
        // The contract is deployed by the new account's owner, in the same receipt.
        let tx = rt.submit(&root, &id, actions).map_err(|e| format!("creating {id}: {e}"))?;
        pending.push((format!("creating {id}"), tx));
    }
    settle(rt, &pending)?;
    for init in &scenario.inits {
        let step = format!("init {}.{}", init.receiver, init.method);
        progress(format!("{step}…"));
        let call = init.resolve().map_err(|e| format!("{step}: {e}"))?;
        let action = Action::FunctionCall(Box::new(FunctionCallAction {
            method_name: call.method.clone(),
            args: call.args.clone(),
            gas: Gas::from_gas(call.gas),
            deposit: Balance::from_yoctonear(call.deposit),
        }));
        let tx = rt
            .submit(&call.signer, &call.receiver, vec![action])
            .map_err(|e| format!("{step}: {e}"))?;
        settle(rt, &[(step, tx)])?;
    }
    Ok(())
}

/// Produces blocks until the chain is idle, then checks each transaction succeeded.
fn settle(rt: &mut Runtime, pending: &[(String, CryptoHash)]) -> Result<(), String> {
    rt.produce_block();
    let mut blocks = 1;
    while !rt.is_idle() {
        if blocks >= MAX_BLOCKS_PER_STEP {
            return Err(format!("deployment did not settle within {MAX_BLOCKS_PER_STEP} blocks"));
        }
        rt.produce_block();
        blocks += 1;
    }
    for (step, tx) in pending {
        match rt.tx_status(tx) {
            TxStatus::Known { outcome, .. } => match &outcome.final_outcome.status {
                FinalExecutionStatus::SuccessValue(_) => {}
                FinalExecutionStatus::Failure(err) => return Err(format!("{step} failed: {err}")),
                other => return Err(format!("{step} did not finish: {other:?}")),
            },
            TxStatus::Rejected(reason) => {
                return Err(format!("{step} rejected: {}", nearviz_runtime::rejection(&reason)))
            }
            TxStatus::Unknown => return Err(format!("{step}: transaction lost")),
        }
    }
    Ok(())
}
