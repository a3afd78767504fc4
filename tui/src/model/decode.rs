//! Turning NEAR view types into the DAG's readable pieces: actions, argument and return
//! values, and failures.

use super::dag::{ActionInfo, Args, Failure, Value};
use base64::Engine;
use near_primitives::errors::{ActionErrorKind, FunctionCallError, TxExecutionError};
use near_primitives::types::{Balance, Gas};
use near_primitives::views::{AccessKeyPermissionView, ActionView};

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// JSON when the bytes are UTF-8 JSON, else `None`.
fn as_json(bytes: &[u8]) -> Option<serde_json::Value> {
    let text = std::str::from_utf8(bytes).ok()?;
    serde_json::from_str(text).ok()
}

/// Function call arguments: JSON when they are JSON, else base64 with the length.
pub fn args(bytes: &[u8]) -> Args {
    match as_json(bytes) {
        Some(json) => Args::Json(json),
        None => Args::Bytes { base64: base64(bytes), len: bytes.len() },
    }
}

/// A returned value (`SuccessValue`): empty, JSON, or raw bytes.
pub fn value(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Empty;
    }
    match as_json(bytes) {
        Some(json) => Value::Json(json),
        None => Value::Bytes { base64: base64(bytes), len: bytes.len() },
    }
}

fn plain(kind: &str, detail: Option<String>) -> ActionInfo {
    ActionInfo {
        kind: kind.to_string(),
        method: None,
        args: None,
        deposit: Balance::ZERO,
        gas: Gas::ZERO,
        detail,
    }
}

fn permission(p: &AccessKeyPermissionView) -> String {
    match p {
        AccessKeyPermissionView::FullAccess => "FullAccess".to_string(),
        AccessKeyPermissionView::GasKeyFullAccess { .. } => "GasKeyFullAccess".to_string(),
        AccessKeyPermissionView::FunctionCall { receiver_id, method_names, .. }
        | AccessKeyPermissionView::GasKeyFunctionCall { receiver_id, method_names, .. } => {
            if method_names.is_empty() {
                format!("FunctionCall({receiver_id}, any method)")
            } else {
                format!("FunctionCall({receiver_id}, {})", method_names.join(", "))
            }
        }
    }
}

fn inner_actions(actions: Vec<near_primitives::action::Action>) -> String {
    let names: Vec<String> = actions
        .into_iter()
        .map(|a| {
            let info = action(&ActionView::from(a));
            match info.method {
                Some(method) => format!("{} {method}", info.kind),
                None => info.kind,
            }
        })
        .collect();
    names.join(", ")
}

/// One action of a transaction or receipt, readable.
pub fn action(view: &ActionView) -> ActionInfo {
    match view {
        ActionView::CreateAccount => plain("CreateAccount", None),
        ActionView::DeployContract { code } => {
            plain("DeployContract", Some(format!("code hash {}", bs58::encode(code).into_string())))
        }
        ActionView::FunctionCall { method_name, args: a, gas, deposit } => ActionInfo {
            kind: "FunctionCall".to_string(),
            method: Some(method_name.clone()),
            args: Some(args(a)),
            deposit: *deposit,
            gas: *gas,
            detail: None,
        },
        ActionView::Transfer { deposit } => {
            ActionInfo { deposit: *deposit, ..plain("Transfer", None) }
        }
        ActionView::Stake { stake, public_key } => plain(
            "Stake",
            Some(format!("stake {} yoctoNEAR with {public_key}", stake.as_yoctonear())),
        ),
        ActionView::AddKey { public_key, access_key } => {
            plain("AddKey", Some(format!("{public_key} {}", permission(&access_key.permission))))
        }
        ActionView::DeleteKey { public_key } => plain("DeleteKey", Some(public_key.to_string())),
        ActionView::DeleteAccount { beneficiary_id } => {
            plain("DeleteAccount", Some(format!("beneficiary {beneficiary_id}")))
        }
        ActionView::Delegate { delegate_action, .. } => plain(
            "Delegate",
            Some(format!(
                "meta-transaction of {} to {}: {}",
                delegate_action.sender_id,
                delegate_action.receiver_id,
                inner_actions(delegate_action.get_actions())
            )),
        ),
        ActionView::DelegateV2 { delegate_action, .. } => plain(
            "DelegateV2",
            Some(format!("meta-transaction: {}", inner_actions(delegate_action.get_actions()))),
        ),
        ActionView::DeployGlobalContract { code } => plain(
            "DeployGlobalContract",
            Some(format!("code hash {}", bs58::encode(code).into_string())),
        ),
        ActionView::DeployGlobalContractByAccountId { code } => plain(
            "DeployGlobalContractByAccountId",
            Some(format!("code hash {}", bs58::encode(code).into_string())),
        ),
        ActionView::UseGlobalContract { code_hash } => {
            plain("UseGlobalContract", Some(format!("code hash {code_hash}")))
        }
        ActionView::UseGlobalContractByAccountId { account_id } => {
            plain("UseGlobalContractByAccountId", Some(format!("code of {account_id}")))
        }
        ActionView::DeterministicStateInit { deposit, data, .. } => ActionInfo {
            deposit: *deposit,
            ..plain("DeterministicStateInit", Some(format!("{} state entries", data.len())))
        },
        ActionView::TransferToGasKey { public_key, deposit } => ActionInfo {
            deposit: *deposit,
            ..plain("TransferToGasKey", Some(public_key.to_string()))
        },
        ActionView::WithdrawFromGasKey { public_key, amount } => plain(
            "WithdrawFromGasKey",
            Some(format!("{} yoctoNEAR from {public_key}", amount.as_yoctonear())),
        ),
        ActionView::UniversalStateInit { deposit, .. } => {
            ActionInfo { deposit: *deposit, ..plain("UniversalStateInit", None) }
        }
    }
}

/// `GasExceeded` yes, `Smart contract panicked: ...` no.
fn is_variant_name(s: &str) -> bool {
    s.starts_with(char::is_uppercase) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The name path of an externally tagged serde enum value: `FunctionCallError.ExecutionError`.
fn kind_path(value: &serde_json::Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = value;
    loop {
        match current {
            serde_json::Value::String(s) if is_variant_name(s) => {
                parts.push(s.clone());
                break;
            }
            serde_json::Value::Object(map) if map.len() == 1 => {
                let Some((key, inner)) = map.iter().next() else { break };
                if !is_variant_name(key) {
                    break;
                }
                parts.push(key.clone());
                current = inner;
            }
            _ => break,
        }
    }
    if parts.is_empty() {
        "Unknown".to_string()
    } else {
        parts.join(".")
    }
}

fn kind_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).map(|v| kind_path(&v)).unwrap_or_else(|_| "Unknown".to_string())
}

fn function_call_message(err: &FunctionCallError) -> String {
    match err {
        FunctionCallError::ExecutionError(message) => message.clone(),
        FunctionCallError::LinkError { msg } => msg.clone(),
        other => {
            let json = serde_json::to_value(other).unwrap_or(serde_json::Value::Null);
            format!("{} {}", kind_path(&json), json).trim().to_string()
        }
    }
}

/// nearcore formats account ids with `{:?}`: `AccountId("bob.near")` reads as `bob.near`.
fn tidy(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find("AccountId(\"") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "AccountId(\"".len()..];
        match after.find("\")") {
            Some(end) => {
                out.push_str(&after[..end]);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A receipt's or transaction's failure: the action index, the error kind and a readable message.
pub fn failure(err: &TxExecutionError) -> Failure {
    match err {
        TxExecutionError::ActionError(action_error) => {
            let message = match &action_error.kind {
                ActionErrorKind::FunctionCallError(fc) => function_call_message(fc),
                other => tidy(&other.to_string()),
            };
            Failure {
                action_index: action_error.index,
                kind: kind_name(&action_error.kind),
                message,
            }
        }
        TxExecutionError::InvalidTxError(invalid) => Failure {
            action_index: None,
            kind: format!("InvalidTxError.{}", kind_name(invalid)),
            message: tidy(&invalid.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use near_primitives::errors::ActionError;

    #[test]
    fn panics_render_the_contract_message() {
        let err = TxExecutionError::ActionError(ActionError {
            index: Some(2),
            kind: ActionErrorKind::FunctionCallError(FunctionCallError::ExecutionError(
                "Smart contract panicked: boom".into(),
            )),
        });
        let f = failure(&err);
        assert_eq!(f.action_index, Some(2));
        assert_eq!(f.kind, "FunctionCallError.ExecutionError");
        assert_eq!(f.message, "Smart contract panicked: boom");
    }

    #[test]
    fn missing_account_is_readable() {
        let err = TxExecutionError::ActionError(ActionError {
            index: Some(0),
            kind: ActionErrorKind::AccountDoesNotExist {
                account_id: "nobody.near".parse().expect("id"),
            },
        });
        let f = failure(&err);
        assert_eq!(f.kind, "AccountDoesNotExist");
        assert_eq!(
            f.message,
            "Can't complete the action because account nobody.near doesn't exist"
        );
    }

    /// What the embedded runtime reports for an action it does not model reads as such.
    #[test]
    fn an_action_not_modelled_says_so() {
        use near_primitives::errors::{ActionsValidationError, ReceiptValidationError};
        let err = TxExecutionError::ActionError(ActionError {
            index: Some(1),
            kind: ActionErrorKind::NewReceiptValidationError(
                ReceiptValidationError::ActionsValidation(
                    ActionsValidationError::UnsupportedProtocolFeature {
                        protocol_feature: "DeterministicStateInit (not modelled by the embedded \
                                           runtime)"
                            .into(),
                        version: 86,
                    },
                ),
            ),
        });
        let f = failure(&err);
        assert_eq!(f.action_index, Some(1));
        assert_eq!(
            f.kind,
            "NewReceiptValidationError.ActionsValidation.UnsupportedProtocolFeature"
        );
        assert!(f.message.contains("not modelled by the embedded runtime"), "{}", f.message);
    }

    /// Delegate and global-contract actions print their meaning, not a debug dump.
    #[test]
    fn delegate_and_global_actions_are_readable() {
        use near_primitives::action::delegate::{
            DelegateAction, NonDelegateAction, SignedDelegateAction,
        };
        use near_primitives::action::{
            Action, DeployGlobalContractAction, FunctionCallAction, GlobalContractDeployMode,
        };
        let alice: near_primitives::types::AccountId = "alice.near".parse().expect("id");
        let call = Action::FunctionCall(Box::new(FunctionCallAction {
            method_name: "set_greeting".into(),
            args: b"{}".to_vec(),
            gas: Gas::from_gas(1),
            deposit: Balance::ZERO,
        }));
        let signer = near_crypto::InMemorySigner::test_signer(&alice);
        let delegate = DelegateAction {
            sender_id: alice.clone(),
            receiver_id: "hello.near".parse().expect("id"),
            actions: vec![NonDelegateAction::try_from(call).expect("not a delegate")],
            nonce: 1,
            max_block_height: 10,
            public_key: signer.public_key(),
        };
        let signed = SignedDelegateAction::sign(&signer, delegate);
        let info = action(&ActionView::from(Action::Delegate(Box::new(signed))));
        assert_eq!(info.kind, "Delegate");
        assert_eq!(
            info.detail.as_deref(),
            Some("meta-transaction of alice.near to hello.near: FunctionCall set_greeting")
        );
        let deploy = Action::DeployGlobalContract(DeployGlobalContractAction {
            code: vec![0u8; 100_000].into(),
            deploy_mode: GlobalContractDeployMode::AccountId,
        });
        let info = action(&ActionView::from(deploy));
        assert_eq!(info.kind, "DeployGlobalContractByAccountId");
        // A 32-byte hash in base58, not the code.
        assert!(info.detail.as_deref().is_some_and(|d| d.len() < 60), "{:?}", info.detail);
    }

    #[test]
    fn values_are_json_when_json() {
        assert_eq!(value(b""), Value::Empty);
        assert_eq!(value(b"\"hi\""), Value::Json(serde_json::json!("hi")));
        assert_eq!(value(&[0xff, 0x00]), Value::Bytes { base64: "/wA=".into(), len: 2 });
        assert_eq!(args(b"{}"), Args::Json(serde_json::json!({})));
    }
}
