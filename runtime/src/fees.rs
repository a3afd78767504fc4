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
        // A delegate also pays, at once, the send fees of its inner actions (as on the node).
        Action::Delegate(signed) => {
            let inner = &signed.delegate_action;
            send(fees, delegate, sir)
                + inner
                    .get_actions()
                    .iter()
                    .map(|a| send_fee(config, a, sir, &inner.receiver_id))
                    .sum::<u64>()
        }
        Action::DeployGlobalContract(d) => {
            send(fees, deploy_global_contract_base, sir)
                + send(fees, deploy_global_contract_byte, sir) * d.code.len() as u64
        }
        Action::UseGlobalContract(u) => {
            send(fees, use_global_contract_base, sir)
                + send(fees, use_global_contract_byte, sir) * u.contract_identifier.len() as u64
        }
        // Actions the embedded runtime does not run (they fail when executed): the delegate
        // fee stands in for their send fee.
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
        Action::DeployGlobalContract(d) => {
            exec(fees, deploy_global_contract_base)
                + exec(fees, deploy_global_contract_byte) * d.code.len() as u64
        }
        Action::UseGlobalContract(u) => {
            exec(fees, use_global_contract_base)
                + exec(fees, use_global_contract_byte) * u.contract_identifier.len() as u64
        }
        // Delegate; and the actions the embedded runtime does not run (see `send_fee`).
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

/// Gas attached to function calls (a delegate's inner calls included).
pub fn prepaid_gas(actions: &[Action]) -> u64 {
    actions
        .iter()
        .map(|a| match a {
            Action::FunctionCall(f) => f.gas.as_gas(),
            Action::Delegate(d) => prepaid_gas(&d.delegate_action.get_actions()),
            _ => 0,
        })
        .sum()
}

/// Send fees a delegate's inner actions will burn when its receipt is sent: prepaid by the
/// relayer on top of the send fees it burnt at conversion (as on the node). Zero otherwise.
pub fn prepaid_send_fees(config: &RuntimeConfig, actions: &[Action]) -> u64 {
    actions
        .iter()
        .map(|a| match a {
            Action::Delegate(d) => {
                let inner = &d.delegate_action;
                let sir = inner.sender_id == inner.receiver_id;
                inner
                    .get_actions()
                    .iter()
                    .map(|a| send_fee(config, a, sir, &inner.receiver_id))
                    .sum::<u64>()
            }
            _ => 0,
        })
        .sum()
}

/// Tokens attached to the actions (function call deposits and transfers; a delegate's inner
/// deposits, paid by the relayer).
pub fn total_deposit(actions: &[Action]) -> u128 {
    actions
        .iter()
        .map(|a| match a {
            Action::FunctionCall(f) => f.deposit.as_yoctonear(),
            Action::Transfer(t) => t.deposit.as_yoctonear(),
            Action::Delegate(d) => total_deposit(&d.delegate_action.get_actions()),
            _ => 0,
        })
        .sum()
}

/// Exec fees of the actions; a delegate adds its inner receipt's and inner actions' exec fees.
pub fn prepaid_exec_fees(config: &RuntimeConfig, actions: &[Action], receiver: &AccountId) -> u64 {
    actions
        .iter()
        .map(|a| match a {
            Action::Delegate(d) => {
                let inner = &d.delegate_action;
                prepaid_exec_fees(config, &inner.get_actions(), &inner.receiver_id)
                    + exec_fee(config, a, &inner.receiver_id)
                    + receipt_exec_fee(&config.fees)
            }
            _ => exec_fee(config, a, receiver),
        })
        .sum()
}

/// Exec fees of the receipt and all its actions: what the sender prepays for execution.
pub fn total_exec_fees(config: &RuntimeConfig, actions: &[Action], receiver: &AccountId) -> u64 {
    receipt_exec_fee(&config.fees) + prepaid_exec_fees(config, actions, receiver)
}
