//! Turning a signed transaction into its first receipt: checks, charging the signer, the
//! transaction outcome.

use crate::changes::Recorder;
use crate::config::ChainConfig;
use crate::fees;
use crate::state::State;
use crate::validate::validate_actions;
use near_primitives::account::AccessKeyPermission;
use near_primitives::action::Action;
use near_primitives::errors::ActionsValidationError;
use near_primitives::errors::{InvalidAccessKeyError, InvalidTxError, TxExecutionError};
use near_primitives::receipt::{ActionReceipt, Receipt, ReceiptEnum, ReceiptV0};
use near_primitives::transaction::SignedTransaction;
use near_primitives::types::{Balance, Gas};
use near_primitives::utils::create_receipt_id_from_transaction;
use near_primitives::views::{
    ExecutionMetadataView, ExecutionOutcomeView, ExecutionStatusView, StateChangeCauseView,
};

/// Gas and tokens a transaction costs its signer up front.
pub struct TxCost {
    pub gas_burnt: u64,
    pub total: u128,
}

pub fn tx_cost(config: &ChainConfig, tx: &SignedTransaction) -> TxCost {
    let fees = &config.runtime.fees;
    let t = &tx.transaction;
    let sir = t.signer_id() == t.receiver_id();
    let actions = t.actions();
    let receiver = t.receiver_id();
    let gas_burnt = fees::receipt_send_fee(fees, sir)
        + actions.iter().map(|a| fees::send_fee(&config.runtime, a, sir, receiver)).sum::<u64>();
    let remaining = fees::prepaid_gas(actions)
        + fees::prepaid_send_fees(&config.runtime, actions)
        + fees::total_exec_fees(&config.runtime, actions, receiver);
    let total = u128::from(gas_burnt) * config.gas_price
        + u128::from(remaining) * config.receipt_gas_price()
        + fees::total_deposit(actions);
    TxCost { gas_burnt, total }
}

/// Why a transaction cannot be included, as the node's `InvalidTxError`, checked in the
/// node's order: actions, signer, key, nonce, balance, allowance, storage, key permission.
pub fn check(
    config: &ChainConfig,
    state: &State,
    tx: &SignedTransaction,
) -> Result<TxCost, InvalidTxError> {
    let t = &tx.transaction;
    let limits = &config.runtime.wasm_config.limit_config;
    validate_actions(limits, t.actions()).map_err(InvalidTxError::ActionsValidation)?;
    let signer = t.signer_id();
    let Some(record) = state.account(signer) else {
        return Err(InvalidTxError::SignerDoesNotExist { signer_id: signer.clone() });
    };
    let Some(key) = record.access_keys.get(t.public_key()) else {
        return Err(InvalidTxError::InvalidAccessKeyError(
            InvalidAccessKeyError::AccessKeyNotFound {
                account_id: signer.clone(),
                public_key: Box::new(t.public_key().clone()),
            },
        ));
    };
    let nonce = t.nonce().nonce();
    if nonce <= key.nonce {
        return Err(InvalidTxError::InvalidNonce { tx_nonce: nonce, ak_nonce: key.nonce });
    }
    for action in t.actions() {
        if let Action::DeployContract(deploy) = action {
            let (size, limit) = (deploy.code.len() as u64, limits.max_contract_size);
            if size > limit {
                let error = ActionsValidationError::ContractSizeExceeded { size, limit };
                return Err(InvalidTxError::ActionsValidation(error));
            }
        }
    }
    let cost = tx_cost(config, tx);
    if cost.total > record.amount() {
        return Err(InvalidTxError::NotEnoughBalance {
            signer_id: signer.clone(),
            balance: Balance::from_yoctonear(record.amount()),
            cost: Balance::from_yoctonear(cost.total),
        });
    }
    if let AccessKeyPermission::FunctionCall(permission) = &key.permission {
        if let Some(allowance) = permission.allowance {
            if allowance.as_yoctonear() < cost.total {
                return Err(InvalidTxError::InvalidAccessKeyError(
                    InvalidAccessKeyError::NotEnoughAllowance {
                        account_id: signer.clone(),
                        public_key: Box::new(t.public_key().clone()),
                        allowance,
                        cost: Balance::from_yoctonear(cost.total),
                    },
                ));
            }
        }
    }
    let mut charged = record.clone();
    charged.account.set_amount(Balance::from_yoctonear(record.amount() - cost.total));
    if let Some(amount) = crate::apply::lacking_storage_stake(config, &charged) {
        return Err(InvalidTxError::LackBalanceForState {
            signer_id: signer.clone(),
            amount: Balance::from_yoctonear(amount),
        });
    }
    if let AccessKeyPermission::FunctionCall(permission) = &key.permission {
        let [Action::FunctionCall(call)] = t.actions() else {
            return Err(InvalidAccessKeyError::RequiresFullAccess.into());
        };
        if call.deposit.as_yoctonear() > 0 {
            return Err(InvalidAccessKeyError::DepositWithFunctionCall.into());
        }
        if permission.receiver_id != t.receiver_id().as_str() {
            return Err(InvalidAccessKeyError::ReceiverMismatch {
                tx_receiver: t.receiver_id().clone(),
                ak_receiver: permission.receiver_id.clone(),
            }
            .into());
        }
        if !permission.method_names.is_empty()
            && !permission.method_names.contains(&call.method_name)
        {
            return Err(InvalidAccessKeyError::MethodNameMismatch {
                method_name: call.method_name.clone(),
            }
            .into());
        }
    }
    Ok(cost)
}

/// A rejection as the node reports it (`{"InvalidTxError":{...}}`).
pub fn rejection(error: &InvalidTxError) -> String {
    let error = TxExecutionError::InvalidTxError(error.clone());
    serde_json::to_string(&error).unwrap_or_else(|_| format!("{error:?}"))
}

/// Charges the signer and returns the first receipt and the transaction's outcome.
pub fn convert(
    config: &ChainConfig,
    state: &mut State,
    tx: &SignedTransaction,
    height: u64,
    changes: &mut Recorder,
) -> Result<(Receipt, ExecutionOutcomeView), InvalidTxError> {
    let cost = check(config, state, tx)?;
    let t = &tx.transaction;
    let signer = t.signer_id().clone();
    let record = state
        .accounts
        .get_mut(&signer)
        .ok_or_else(|| InvalidTxError::SignerDoesNotExist { signer_id: signer.clone() })?;
    changes.note_record(&signer, Some(record));
    let prior = record.account.clone();
    record.account.set_amount(Balance::from_yoctonear(record.amount() - cost.total));
    let cause = StateChangeCauseView::TransactionProcessing { tx_hash: tx.get_hash() };
    changes.account(&cause, &signer, Some(&prior), Some(&record.account));
    if let Some(key) = record.access_keys.get_mut(t.public_key()) {
        key.nonce = t.nonce().nonce();
        // A function-call key pays the transaction out of its allowance.
        if let AccessKeyPermission::FunctionCall(permission) = &mut key.permission {
            if let Some(allowance) = &mut permission.allowance {
                *allowance = allowance.saturating_sub(Balance::from_yoctonear(cost.total));
            }
        }
        changes.access_key(&cause, &signer, t.public_key(), Some(key));
    }
    let receipt_id = create_receipt_id_from_transaction(&tx.get_hash(), height);
    let receipt = Receipt::V0(ReceiptV0 {
        predecessor_id: signer.clone(),
        receiver_id: t.receiver_id().clone(),
        receipt_id,
        receipt: ReceiptEnum::Action(ActionReceipt {
            signer_id: signer.clone(),
            signer_public_key: t.public_key().clone(),
            gas_price: Balance::from_yoctonear(config.receipt_gas_price()),
            output_data_receivers: Vec::new(),
            input_data_ids: Vec::new(),
            actions: t.actions().to_vec(),
        }),
    });
    let outcome = ExecutionOutcomeView {
        logs: Vec::new(),
        receipt_ids: vec![receipt_id],
        gas_burnt: Gas::from_gas(cost.gas_burnt),
        tokens_burnt: Balance::from_yoctonear(u128::from(cost.gas_burnt) * config.gas_price),
        executor_id: signer,
        status: ExecutionStatusView::SuccessReceiptId(receipt_id),
        metadata: ExecutionMetadataView::default(),
    };
    Ok((receipt, outcome))
}
