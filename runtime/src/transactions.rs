//! Turning a signed transaction into its first receipt: checks, charging the signer, the
//! transaction outcome.

use crate::changes::Recorder;
use crate::config::ChainConfig;
use crate::fees;
use crate::state::State;
use near_primitives::account::AccessKeyPermission;
use near_primitives::action::Action;
use near_primitives::errors::ActionsValidationError;
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
    let gas_burnt = fees::receipt_send_fee(fees, sir)
        + actions.iter().map(|a| fees::send_fee(fees, a, sir)).sum::<u64>();
    let remaining = fees::prepaid_gas(actions) + fees::total_exec_fees(fees, actions);
    let total = u128::from(gas_burnt) * config.gas_price
        + u128::from(remaining) * config.receipt_gas_price()
        + fees::total_deposit(actions);
    TxCost { gas_burnt, total }
}

/// Why a transaction cannot be included (the node's `InvalidTxError` in words).
pub fn check(
    config: &ChainConfig,
    state: &State,
    tx: &SignedTransaction,
) -> Result<TxCost, String> {
    let t = &tx.transaction;
    let signer = t.signer_id();
    let Some(record) = state.account(signer) else {
        return Err(format!("signer account {signer} does not exist"));
    };
    let Some(key) = record.access_keys.get(t.public_key()) else {
        return Err(format!("signer {signer} has no access key {}", t.public_key()));
    };
    let nonce = t.nonce().nonce();
    if nonce <= key.nonce {
        return Err(format!("invalid nonce {nonce}: the access key's nonce is {}", key.nonce));
    }
    if let AccessKeyPermission::FunctionCall(permission) = &key.permission {
        let allowed = match t.actions() {
            [Action::FunctionCall(call)] => {
                permission.receiver_id == t.receiver_id().as_str()
                    && (permission.method_names.is_empty()
                        || permission.method_names.contains(&call.method_name))
                    && call.deposit.as_yoctonear() == 0
            }
            _ => false,
        };
        if !allowed {
            return Err(format!(
                "access key {} of {signer} does not allow this transaction",
                t.public_key()
            ));
        }
    }
    let limits = &config.runtime.wasm_config.limit_config;
    let prepaid = fees::prepaid_gas(t.actions());
    if prepaid > limits.max_total_prepaid_gas.as_gas() {
        return Err(format!(
            "attached gas {prepaid} exceeds the maximum of {}",
            limits.max_total_prepaid_gas.as_gas()
        ));
    }
    if t.actions().is_empty() {
        return Err("a transaction needs at least one action".into());
    }
    for action in t.actions() {
        if let Action::DeployContract(deploy) = action {
            let (size, limit) = (deploy.code.len() as u64, limits.max_contract_size);
            if size > limit {
                let error = ActionsValidationError::ContractSizeExceeded { size, limit };
                return Err(error.to_string());
            }
        }
    }
    let cost = tx_cost(config, tx);
    if cost.total > record.amount() {
        return Err(format!(
            "signer {signer} does not have enough balance: {} yoctoNEAR needed, {} available",
            cost.total,
            record.amount()
        ));
    }
    Ok(cost)
}

/// Charges the signer and returns the first receipt and the transaction's outcome.
pub fn convert(
    config: &ChainConfig,
    state: &mut State,
    tx: &SignedTransaction,
    height: u64,
    changes: &mut Recorder,
) -> Result<(Receipt, ExecutionOutcomeView), String> {
    let cost = check(config, state, tx)?;
    let t = &tx.transaction;
    let signer = t.signer_id().clone();
    let record =
        state.accounts.get_mut(&signer).ok_or_else(|| format!("signer {signer} vanished"))?;
    let prior = record.account.clone();
    record.account.set_amount(Balance::from_yoctonear(record.amount() - cost.total));
    let cause = StateChangeCauseView::TransactionProcessing { tx_hash: tx.get_hash() };
    changes.account(&cause, &signer, Some(&prior), Some(&record.account));
    if let Some(key) = record.access_keys.get_mut(t.public_key()) {
        key.nonce = t.nonce().nonce();
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
