//! Static fees of actions and transactions, from the protocol's `RuntimeFeesConfig`.

use near_parameters::RuntimeFeesConfig;
use near_parameters::{transfer_exec_fee, transfer_send_fee, ActionCosts, RuntimeConfig};
use near_primitives::account::AccessKeyPermission;
use near_primitives::action::Action;
use near_primitives::types::AccountId;

fn send(fees: &RuntimeFeesConfig, cost: ActionCosts, sir: bool) -> u64 {
    fees.fee(cost).send_fee(sir).gas.as_gas()
}

fn exec(fees: &RuntimeFeesConfig, cost: ActionCosts) -> u64 {
    fees.fee(cost).exec_fee().gas.as_gas()
}

fn key_bytes(permission: &AccessKeyPermission) -> u64 {
    match permission {
        AccessKeyPermission::FunctionCall(call) => {
            call.method_names.iter().map(|m| m.len() as u64 + 1).sum()
        }
        _ => 0,
    }
}

/// Gas burnt to send `action` to `receiver` (on the sender's side). A transfer to an implicit
/// id also pays for the account it may create (every time, as on the node).
pub fn send_fee(config: &RuntimeConfig, action: &Action, sir: bool, receiver: &AccountId) -> u64 {
    use ActionCosts::*;
    let fees = &config.fees;
    let wasm = &config.wasm_config;
    match action {
        Action::CreateAccount(_) => send(fees, create_account, sir),
        Action::DeployContract(d) => {
            send(fees, deploy_contract_base, sir)
                + send(fees, deploy_contract_byte, sir) * d.code.len() as u64
        }
        Action::FunctionCall(f) => {
            let bytes = (f.method_name.len() + f.args.len()) as u64;
            send(fees, function_call_base, sir) + send(fees, function_call_byte, sir) * bytes
        }
        Action::Transfer(_) => transfer_send_fee(
            fees,
            sir,
            wasm.eth_implicit_accounts,
            wasm.universal_accounts,
            receiver.get_account_type(),
        )
        .gas
        .as_gas(),
        Action::Stake(_) => send(fees, stake, sir),
        Action::AddKey(k) => match &k.access_key.permission {
            AccessKeyPermission::FullAccess => send(fees, add_full_access_key, sir),
            p => {
                send(fees, add_function_call_key_base, sir)
                    + send(fees, add_function_call_key_byte, sir) * key_bytes(p)
            }
        },
        Action::DeleteKey(_) => send(fees, delete_key, sir),
        Action::DeleteAccount(_) => send(fees, delete_account, sir),
        _ => send(fees, delegate, sir),
    }
}

/// Gas burnt to execute `action` on `receiver`, prepaid by the sender.
pub fn exec_fee(config: &RuntimeConfig, action: &Action, receiver: &AccountId) -> u64 {
    use ActionCosts::*;
    let fees = &config.fees;
    let wasm = &config.wasm_config;
    match action {
        Action::CreateAccount(_) => exec(fees, create_account),
        Action::DeployContract(d) => {
            exec(fees, deploy_contract_base)
                + exec(fees, deploy_contract_byte) * d.code.len() as u64
        }
        Action::FunctionCall(f) => {
            let bytes = (f.method_name.len() + f.args.len()) as u64;
            exec(fees, function_call_base) + exec(fees, function_call_byte) * bytes
        }
        Action::Transfer(_) => transfer_exec_fee(
            fees,
            wasm.eth_implicit_accounts,
            wasm.universal_accounts,
            receiver.get_account_type(),
        )
        .gas
        .as_gas(),
        Action::Stake(_) => exec(fees, stake),
        Action::AddKey(k) => match &k.access_key.permission {
            AccessKeyPermission::FullAccess => exec(fees, add_full_access_key),
            p => {
                exec(fees, add_function_call_key_base)
                    + exec(fees, add_function_call_key_byte) * key_bytes(p)
            }
        },
        Action::DeleteKey(_) => exec(fees, delete_key),
        Action::DeleteAccount(_) => exec(fees, delete_account),
        _ => exec(fees, delegate),
    }
}

/// Exec fee of a receipt itself.
pub fn receipt_exec_fee(fees: &RuntimeFeesConfig) -> u64 {
    exec(fees, ActionCosts::new_action_receipt)
}

/// Send fee of a receipt itself.
pub fn receipt_send_fee(fees: &RuntimeFeesConfig, sir: bool) -> u64 {
    send(fees, ActionCosts::new_action_receipt, sir)
}

/// Gas attached to function calls.
pub fn prepaid_gas(actions: &[Action]) -> u64 {
    actions
        .iter()
        .map(|a| match a {
            Action::FunctionCall(f) => f.gas.as_gas(),
            _ => 0,
        })
        .sum()
}

/// Tokens attached to the actions (function call deposits and transfers).
pub fn total_deposit(actions: &[Action]) -> u128 {
    actions
        .iter()
        .map(|a| match a {
            Action::FunctionCall(f) => f.deposit.as_yoctonear(),
            Action::Transfer(t) => t.deposit.as_yoctonear(),
            _ => 0,
        })
        .sum()
}

/// Exec fees of the receipt and all its actions: what the sender prepays for execution.
pub fn total_exec_fees(config: &RuntimeConfig, actions: &[Action], receiver: &AccountId) -> u64 {
    receipt_exec_fee(&config.fees)
        + actions.iter().map(|a| exec_fee(config, a, receiver)).sum::<u64>()
}
