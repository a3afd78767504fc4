//! The JSON-RPC methods: [`dispatch`] is the one table from a method's name to its handler
//! (add a method with one line there), and the transaction methods, which answer at once or say
//! which transaction to wait for. Each runs on the node thread with the runtime at hand, in the
//! node's request, answer and error shapes (near-jsonrpc-primitives); the reads are in `views`,
//! `query` and `changes`, the shared helpers in `params` and `errors`.

use super::errors::{invalid_tx, tx_error, Reply};
use super::params::parse;
use super::{changes, query, views, Context};
use near_jsonrpc_primitives::errors::RpcError;
use near_jsonrpc_primitives::types::transactions::{
    RpcSendTransactionRequest, RpcTransactionError, RpcTransactionStatusRequest, TransactionInfo,
};
use near_primitives::errors::{InvalidAccessKeyError, InvalidTxError};
use near_primitives::hash::CryptoHash;
use near_primitives::transaction::SignedTransaction;
use near_primitives::views::TxExecutionStatus;
use nearviz_runtime::{Runtime, ViewError};
use serde_json::{json, Value};

/// What the node thread does with a call.
pub enum Answer {
    Now(Reply),
    /// A transaction was accepted: follow it, then answer `then`.
    Sent {
        tx: Box<SignedTransaction>,
        then: Then,
    },
    /// Wait until transaction `tx` reaches `until`.
    Wait {
        tx: CryptoHash,
        until: TxExecutionStatus,
        receipts: bool,
    },
    /// A sandbox call that changes the chain ([`super::sandbox::apply`]).
    Sandbox(super::sandbox::Op),
}

/// What a sent transaction's request answers.
pub enum Then {
    /// `broadcast_tx_async`: the hash, now.
    Hash,
    Wait {
        until: TxExecutionStatus,
    },
}

/// The methods, by name: each answers now or says what to wait for.
pub fn dispatch(rt: &Runtime, ctx: &Context, method: &str, params: Value) -> Answer {
    let reply = match method {
        "status" => Ok(views::status(rt, ctx)),
        "health" => Ok(Value::Null),
        "block" => query::block(rt, params),
        "chunk" => views::chunk(rt, params),
        "gas_price" => Ok(json!({ "gas_price": rt.config().gas_price.to_string() })),
        "EXPERIMENTAL_genesis_config" | "genesis_config" => Ok(views::genesis_config(rt)),
        "EXPERIMENTAL_protocol_config" => views::protocol_config(rt),
        "query" => query::query(rt, params),
        "EXPERIMENTAL_receipt" => query::receipt(rt, params),
        "EXPERIMENTAL_changes_in_block" => changes::changes_in_block(rt, params),
        "EXPERIMENTAL_changes" => changes::changes(rt, params),
        "send_tx" => return send_tx(rt, params),
        "broadcast_tx_async" | "broadcast_tx_commit" => return broadcast(rt, method, params),
        "tx" | "EXPERIMENTAL_tx_status" => return tx_status(rt, params, method != "tx"),
        "sandbox_patch_state" => return super::sandbox::patch_state(params),
        "sandbox_fast_forward" => return super::sandbox::fast_forward(params),
        "validators" => super::sandbox::validators(rt, params),
        "EXPERIMENTAL_validators_ordered" => super::sandbox::validators_ordered(rt, params),
        _ => Err(RpcError::method_not_found(method.to_owned())),
    };
    Answer::Now(reply)
}

fn send_tx(rt: &Runtime, params: Value) -> Answer {
    let request: RpcSendTransactionRequest = match parse(params) {
        Ok(request) => request,
        Err(err) => return Answer::Now(Err(err)),
    };
    accept(rt, request.signed_transaction, Then::Wait { until: request.wait_until })
}

/// `broadcast_tx_async` / `broadcast_tx_commit`: `[signed_tx_base64]`.
fn broadcast(rt: &Runtime, method: &str, params: Value) -> Answer {
    let tx: Result<(SignedTransaction,), RpcError> = parse(params);
    let tx = match tx {
        Ok((tx,)) => tx,
        Err(err) => return Answer::Now(Err(err)),
    };
    let then = if method == "broadcast_tx_async" {
        Then::Hash
    } else {
        Then::Wait { until: TxExecutionStatus::default() }
    };
    accept(rt, tx, then)
}

/// Checks what the node checks with a structured reason; the runtime checks the rest.
fn accept(rt: &Runtime, tx: SignedTransaction, then: Then) -> Answer {
    let hash = tx.get_hash();
    if rt.knows_tx(&hash) {
        // Sent again: the node answers with the known transaction's status.
        return match then {
            Then::Hash => Answer::Now(Ok(json!(hash))),
            Then::Wait { until } => Answer::Wait { tx: hash, until, receipts: false },
        };
    }
    let t = &tx.transaction;
    let invalid = |context| Answer::Now(Err(invalid_tx(context)));
    if !tx.signature.verify(hash.as_ref(), t.public_key()) {
        return invalid(InvalidTxError::InvalidSignature);
    }
    match rt.view_access_key(t.signer_id(), t.public_key()) {
        Err(ViewError::UnknownAccount(_)) => {
            return invalid(InvalidTxError::SignerDoesNotExist {
                signer_id: t.signer_id().clone(),
            });
        }
        Err(_) => {
            return invalid(InvalidTxError::InvalidAccessKeyError(
                InvalidAccessKeyError::AccessKeyNotFound {
                    account_id: t.signer_id().clone(),
                    public_key: Box::new(t.public_key().clone()),
                },
            ));
        }
        Ok(key) if t.nonce().nonce() <= key.nonce => {
            return invalid(InvalidTxError::InvalidNonce {
                tx_nonce: t.nonce().nonce(),
                ak_nonce: key.nonce,
            });
        }
        Ok(_) => {}
    }
    Answer::Sent { tx: Box::new(tx), then }
}

fn tx_status(rt: &Runtime, params: Value, receipts: bool) -> Answer {
    // The node's old array form: [tx_hash, sender_account_id].
    let params = match params {
        Value::Array(items) if items.len() == 2 => {
            json!({ "tx_hash": items[0], "sender_account_id": items[1] })
        }
        other => other,
    };
    let request: RpcTransactionStatusRequest = match parse(params) {
        Ok(request) => request,
        Err(err) => return Answer::Now(Err(err)),
    };
    let hash = match &request.transaction_info {
        TransactionInfo::Transaction { signed_tx } => signed_tx.get_hash(),
        TransactionInfo::TransactionId { tx_hash, .. } => *tx_hash,
    };
    if !rt.knows_tx(&hash) {
        return Answer::Now(Err(tx_error(RpcTransactionError::UnknownTransaction {
            requested_transaction_hash: hash,
        })));
    }
    Answer::Wait { tx: hash, until: request.wait_until, receipts }
}
