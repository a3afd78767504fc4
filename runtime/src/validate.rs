//! The node's checks of actions and of the receipts a contract creates, with its errors
//! (`ActionsValidationError`, `ReceiptValidationError`).

use near_parameters::vm::LimitConfig;
use near_primitives::account::AccessKeyPermission;
use near_primitives::action::Action;
use near_primitives::errors::{ActionsValidationError, ReceiptValidationError};
use near_primitives::receipt::{Receipt, ReceiptEnum};
use near_primitives::types::Gas;

/// Checks a list of actions as the node does for transactions and new receipts.
pub fn validate_actions(
    limits: &LimitConfig,
    actions: &[Action],
) -> Result<(), ActionsValidationError> {
    let count = actions.len() as u64;
    if count > limits.max_actions_per_receipt {
        return Err(ActionsValidationError::TotalNumberOfActionsExceeded {
            total_number_of_actions: count,
            limit: limits.max_actions_per_receipt,
        });
    }
    let mut seen_delete = false;
    let mut seen_delegate = false;
    for action in actions {
        if seen_delete {
            return Err(ActionsValidationError::DeleteActionMustBeFinal);
        }
        if matches!(action, Action::DeleteAccount(_)) {
            seen_delete = true;
        }
        if action.is_delegate() {
            // At most one delegate per transaction or receipt (they cannot nest: the inner
            // actions' type has no delegate).
            if seen_delegate {
                return Err(ActionsValidationError::DelegateActionMustBeOnlyOne);
            }
            seen_delegate = true;
        }
        validate_action(limits, action)?;
    }
    let prepaid: u64 = actions
        .iter()
        .map(|a| match a {
            Action::FunctionCall(f) => f.gas.as_gas(),
            Action::Delegate(d) => crate::fees::prepaid_gas(&d.delegate_action.get_actions()),
            _ => 0,
        })
        .try_fold(0u64, |sum, g| sum.checked_add(g))
        .ok_or(ActionsValidationError::IntegerOverflow)?;
    if prepaid > limits.max_total_prepaid_gas.as_gas() {
        return Err(ActionsValidationError::TotalPrepaidGasExceeded {
            total_prepaid_gas: Gas::from_gas(prepaid),
            limit: limits.max_total_prepaid_gas,
        });
    }
    Ok(())
}

fn validate_action(limits: &LimitConfig, action: &Action) -> Result<(), ActionsValidationError> {
    match action {
        Action::DeployContract(d) => {
            let size = d.code.len() as u64;
            if size > limits.max_contract_size {
                return Err(ActionsValidationError::ContractSizeExceeded {
                    size,
                    limit: limits.max_contract_size,
                });
            }
        }
        Action::FunctionCall(f) => {
            if f.gas.as_gas() == 0 {
                return Err(ActionsValidationError::FunctionCallZeroAttachedGas);
            }
            let length = f.method_name.len() as u64;
            if length > limits.max_length_method_name {
                return Err(ActionsValidationError::FunctionCallMethodNameLengthExceeded {
                    length,
                    limit: limits.max_length_method_name,
                });
            }
            let length = f.args.len() as u64;
            if length > limits.max_arguments_length {
                return Err(ActionsValidationError::FunctionCallArgumentsLengthExceeded {
                    length,
                    limit: limits.max_arguments_length,
                });
            }
        }
        Action::AddKey(add) => {
            if let AccessKeyPermission::FunctionCall(call) = &add.access_key.permission {
                let mut total = 0u64;
                for name in &call.method_names {
                    let length = name.len() as u64;
                    if length > limits.max_length_method_name {
                        return Err(ActionsValidationError::AddKeyMethodNameLengthExceeded {
                            length,
                            limit: limits.max_length_method_name,
                        });
                    }
                    total += length + 1;
                }
                if total > limits.max_number_bytes_method_names {
                    return Err(ActionsValidationError::AddKeyMethodNamesNumberOfBytesExceeded {
                        total_number_of_bytes: total,
                        limit: limits.max_number_bytes_method_names,
                    });
                }
            }
        }
        // The inner actions are checked like a receipt's.
        Action::Delegate(d) => validate_actions(limits, &d.delegate_action.get_actions())?,
        Action::Stake(stake) if !matches!(stake.public_key, near_crypto::PublicKey::ED25519(_)) => {
            return Err(ActionsValidationError::UnsuitableStakingKey {
                public_key: Box::new(stake.public_key.clone()),
            });
        }
        _ => {}
    }
    Ok(())
}

/// Checks a receipt a contract created (its size, its inputs, its actions).
pub fn validate_new_receipt(
    limits: &LimitConfig,
    receipt: &Receipt,
) -> Result<(), ReceiptValidationError> {
    let size = borsh::to_vec(receipt).map_or(u64::MAX, |b| b.len() as u64);
    if size > limits.max_receipt_size {
        return Err(ReceiptValidationError::ReceiptSizeExceeded {
            size,
            limit: limits.max_receipt_size,
        });
    }
    let (inputs, actions) = match receipt.receipt() {
        ReceiptEnum::Action(a) | ReceiptEnum::PromiseYield(a) => {
            (a.input_data_ids.len(), &a.actions)
        }
        ReceiptEnum::ActionV2(a) | ReceiptEnum::PromiseYieldV2(a) => {
            (a.input_data_ids.len(), &a.actions)
        }
        _ => return Ok(()),
    };
    let inputs = inputs as u64;
    if inputs > limits.max_number_input_data_dependencies {
        return Err(ReceiptValidationError::NumberInputDataDependenciesExceeded {
            number_of_input_data_dependencies: inputs,
            limit: limits.max_number_input_data_dependencies,
        });
    }
    validate_actions(limits, actions).map_err(ReceiptValidationError::ActionsValidation)
}
