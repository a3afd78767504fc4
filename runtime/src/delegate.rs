//! Delegate actions (meta transactions, NEP-366) as the node runs them: the relayer's receipt
//! to the sender carries a `SignedDelegateAction`; once its signature, expiry, sender and key
//! check out, a new receipt from the sender to the delegate's receiver carries the inner
//! actions, still signed by (and refunding gas to) the relayer.

use crate::actions::{ActionEnv, ActionResult};
use crate::fees;
use crate::state::AccountRecord;
use near_primitives::account::AccessKeyPermission;
use near_primitives::action::delegate::{DelegateAction, SignedDelegateAction};
use near_primitives::action::Action;
use near_primitives::errors::{ActionErrorKind, InvalidAccessKeyError};
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::{ActionReceipt, Receipt, ReceiptEnum, ReceiptV0};
use near_primitives::types::Balance;

/// Nonces of access keys stay below `height * 1e6` (the node's `ACCESS_KEY_NONCE_RANGE_MULTIPLIER`).
const NONCE_RANGE_MULTIPLIER: u64 = 1_000_000;

/// `Delegate`: runs on the sender's account (`record`, the receipt's receiver).
pub fn action_delegate(
    env: &mut ActionEnv<'_>,
    signed: &SignedDelegateAction,
    record: &mut AccountRecord,
    result: &mut ActionResult,
) {
    let delegate = &signed.delegate_action;
    let sender_id = env.receipt.receiver_id();
    if !signed.verify() {
        return result.fail(ActionErrorKind::DelegateActionInvalidSignature);
    }
    if env.block_height > delegate.max_block_height {
        return result.fail(ActionErrorKind::DelegateActionExpired);
    }
    if &delegate.sender_id != sender_id {
        return result.fail(ActionErrorKind::DelegateActionSenderDoesNotMatchTxReceiver {
            sender_id: delegate.sender_id.clone(),
            receiver_id: sender_id.clone(),
        });
    }
    if let Err(kind) = check_key(env.block_height, delegate, record) {
        return result.fail(kind);
    }
    let actions = delegate.get_actions();
    let receiver = &delegate.receiver_id;
    // The relayer prepaid the inner receipt's gas and exec fees, and the send fees burnt now.
    let required = fees::prepaid_gas(&actions)
        + fees::total_exec_fees(&env.config.runtime, &actions, receiver);
    let send = fees::prepaid_send_fees(&env.config.runtime, &env.info.actions);
    result.gas_used += required + send;
    result.gas_burnt += send;
    result.new_receipts.push(Receipt::V0(ReceiptV0 {
        predecessor_id: sender_id.clone(),
        receiver_id: receiver.clone(),
        receipt_id: CryptoHash::default(),
        receipt: ReceiptEnum::Action(ActionReceipt {
            signer_id: env.info.signer_id.clone(),
            signer_public_key: env.info.signer_public_key.clone(),
            gas_price: Balance::from_yoctonear(env.info.gas_price),
            output_data_receivers: Vec::new(),
            input_data_ids: Vec::new(),
            actions,
        }),
    }));
}

/// The sender's key: it exists, the nonce is fresh and not too large (then it is stored), and a
/// function-call key only allows one call to its receiver and methods, without deposit.
fn check_key(
    height: u64,
    delegate: &DelegateAction,
    record: &mut AccountRecord,
) -> Result<(), ActionErrorKind> {
    let key_error = ActionErrorKind::DelegateActionAccessKeyError;
    let Some(key) = record.access_keys.get_mut(&delegate.public_key) else {
        return Err(key_error(InvalidAccessKeyError::AccessKeyNotFound {
            account_id: delegate.sender_id.clone(),
            public_key: Box::new(delegate.public_key.clone()),
        }));
    };
    if delegate.nonce <= key.nonce {
        return Err(ActionErrorKind::DelegateActionInvalidNonce {
            delegate_nonce: delegate.nonce,
            ak_nonce: key.nonce,
        });
    }
    let upper_bound = height * NONCE_RANGE_MULTIPLIER;
    if delegate.nonce >= upper_bound {
        return Err(ActionErrorKind::DelegateActionNonceTooLarge {
            delegate_nonce: delegate.nonce,
            upper_bound,
        });
    }
    match &key.permission {
        AccessKeyPermission::FullAccess => {}
        AccessKeyPermission::FunctionCall(permission) => {
            let actions = delegate.get_actions();
            let [Action::FunctionCall(call)] = actions.as_slice() else {
                return Err(key_error(InvalidAccessKeyError::RequiresFullAccess));
            };
            if call.deposit.as_yoctonear() > 0 {
                return Err(key_error(InvalidAccessKeyError::DepositWithFunctionCall));
            }
            if delegate.receiver_id.as_str() != permission.receiver_id {
                return Err(key_error(InvalidAccessKeyError::ReceiverMismatch {
                    tx_receiver: delegate.receiver_id.clone(),
                    ak_receiver: permission.receiver_id.clone(),
                }));
            }
            if !permission.method_names.is_empty()
                && !permission.method_names.contains(&call.method_name)
            {
                return Err(key_error(InvalidAccessKeyError::MethodNameMismatch {
                    method_name: call.method_name.clone(),
                }));
            }
        }
        // Gas keys cannot exist in the embedded runtime (adding one fails).
        _ => return Err(key_error(InvalidAccessKeyError::RequiresFullAccess)),
    }
    key.nonce = delegate.nonce;
    Ok(())
}
