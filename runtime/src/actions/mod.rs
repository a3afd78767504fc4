//! What each action does to the receiver's account, and what it burns and uses.
//!
//! Every action handler has one shape, as nearcore's `action_*` functions do:
//! `action_x(env, action, account, result)`. It changes the receiver's account (`&mut
//! AccountRecord`, or `&mut Option<AccountRecord>` for the actions that create or delete it)
//! and writes what it burns, sends and returns into `result`; an action that fails says why
//! in `result.result` ([`ActionResult::fail`]). [`apply_action`] checks the account's
//! existence and the actor's permission first, then dispatches.

mod account;
mod function_call;
mod keys;

pub(crate) use function_call::execution_error;

use crate::config::ChainConfig;
use crate::fees;
use crate::global::{self, Globals};
use crate::implicit;
use crate::state::AccountRecord;
use crate::vm::Vm;
use near_crypto::PublicKey;
use near_primitives::action::{Action, GlobalContractIdentifier};
use near_primitives::errors::{ActionErrorKind, ActionsValidationError, ReceiptValidationError};
use near_primitives::hash::CryptoHash;
use near_primitives::profile_data_v3::ProfileDataV3;
use near_primitives::receipt::{DataReceiver, Receipt, ReceiptEnum};
use near_primitives::types::AccountId;
use near_vm_runner::logic::types::PromiseResult;
use near_vm_runner::logic::ReturnData;
use near_vm_runner::ContractCode;
use std::collections::{BTreeSet, HashSet};
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
    /// Storage keys read from the remote of a forked chain, with its answers.
    pub fetched: crate::remote::Fetched,
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
            fetched: Default::default(),
        }
    }

    /// The action fails with `kind` (what it burnt so far still counts).
    pub fn fail(&mut self, kind: ActionErrorKind) {
        self.result = Err(kind);
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
        self.fetched.append(&mut next.fetched);
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
    /// The remote of a forked chain: storage keys of forked accounts not held are read there.
    pub remote: Option<&'a dyn crate::remote::RemoteState>,
    /// Who acts on the receiver: the predecessor, or the receiver once it created itself.
    pub actor_id: &'a mut AccountId,
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
) -> ActionResult {
    let account_id = env.receipt.receiver_id().clone();
    let mut result =
        ActionResult::with_gas(fees::exec_fee(&env.config.runtime, action, &account_id));
    let checked = check_account_existence(env, action, account.as_ref())
        .and_then(|()| check_actor_permissions(env, action, account.as_ref()));
    if let Err(kind) = checked {
        result.fail(kind);
        return result;
    }
    match (action, account.as_mut()) {
        (Action::CreateAccount(_), _) => account::action_create_account(env, account, &mut result),
        (Action::Transfer(t), None) => {
            implicit::action_implicit_account_creation_transfer(env, t, account, &mut result)
        }
        (Action::DeleteAccount(d), Some(_)) => {
            account::action_delete_account(env, d, account, &mut result)
        }
        // The checks above leave only the actions that create an account without one.
        (_, None) => result.fail(ActionErrorKind::AccountDoesNotExist { account_id }),
        (Action::FunctionCall(c), Some(r)) => {
            function_call::action_function_call(env, c, r, &mut result)
        }
        (Action::Transfer(t), Some(r)) => account::action_transfer(env, t, r, &mut result),
        (Action::DeployContract(d), Some(r)) => {
            account::action_deploy_contract(env, d, r, &mut result)
        }
        (Action::AddKey(add), Some(r)) => keys::action_add_key(env, add, r, &mut result),
        (Action::DeleteKey(del), Some(r)) => keys::action_delete_key(env, del, r, &mut result),
        (Action::Stake(stake), Some(r)) => account::action_stake(env, stake, r, &mut result),
        (Action::Delegate(signed), Some(r)) => {
            crate::delegate::action_delegate(env, signed, r, &mut result)
        }
        (Action::DeployGlobalContract(d), Some(r)) => {
            global::action_deploy_global_contract(env, d, r, &mut result)
        }
        (Action::UseGlobalContract(u), Some(r)) => {
            global::action_use_global_contract(env, u, r, &mut result)
        }
        // No gas key exists in the embedded runtime (adding one fails), as the node reports
        // a transfer to or from a missing gas key.
        (Action::TransferToGasKey(t), Some(_)) => {
            result.fail(gas_key_does_not_exist(account_id, &t.public_key))
        }
        (Action::WithdrawFromGasKey(w), Some(_)) => {
            result.fail(gas_key_does_not_exist(account_id, &w.public_key))
        }
        (other, Some(_)) => {
            result.fail(not_modelled(action_name(other), env.config.protocol_version))
        }
    }
    result
}

/// The account must exist, except for the action that creates it (and a transfer that
/// creates an implicit account); `CreateAccount` needs it absent.
fn check_account_existence(
    env: &ActionEnv<'_>,
    action: &Action,
    account: Option<&AccountRecord>,
) -> Result<(), ActionErrorKind> {
    let account_id = env.receipt.receiver_id();
    match (action, account.is_some()) {
        (Action::CreateAccount(_), true) => {
            Err(ActionErrorKind::AccountAlreadyExists { account_id: account_id.clone() })
        }
        (Action::CreateAccount(_), false) | (_, true) => Ok(()),
        (Action::Transfer(_), false) if implicit::implicit_creation_allowed(env, account_id) => {
            Ok(())
        }
        (_, false) => Err(ActionErrorKind::AccountDoesNotExist { account_id: account_id.clone() }),
    }
}

/// Actions only the account itself may do; a staking account cannot be deleted.
fn check_actor_permissions(
    env: &ActionEnv<'_>,
    action: &Action,
    account: Option<&AccountRecord>,
) -> Result<(), ActionErrorKind> {
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
    let account_id = env.receipt.receiver_id();
    if needs_owner && env.actor_id != account_id {
        return Err(ActionErrorKind::ActorNoPermission {
            account_id: account_id.clone(),
            actor_id: env.actor_id.clone(),
        });
    }
    let staking = account.is_some_and(|r| r.account.locked().as_yoctonear() > 0);
    if matches!(action, Action::DeleteAccount(_)) && staking {
        return Err(ActionErrorKind::DeleteAccountStaking { account_id: account_id.clone() });
    }
    Ok(())
}

fn gas_key_does_not_exist(account_id: AccountId, public_key: &PublicKey) -> ActionErrorKind {
    ActionErrorKind::GasKeyDoesNotExist { account_id, public_key: Box::new(public_key.clone()) }
}
