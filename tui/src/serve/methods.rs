//! The JSON-RPC methods: [`dispatch`] is the one table from a method's name to its handler
//! (add a method with one line there), and the transaction methods, which answer at once or say
//! which transaction to wait for. Each runs on the node thread with the runtime at hand, in the
//! node's request, answer and error shapes (near-jsonrpc-primitives); the reads are in `views`,
//! `query` and `changes`, the shared helpers in `params` and `errors`.

use super::errors::{invalid_tx, tx_error, Reply};
use super::params::{parse, send_request as parse_send};
use super::{changes, query, views, Context};
use near_jsonrpc_primitives::errors::RpcError;
use near_jsonrpc_primitives::types::transactions::{
    RpcTransactionError, RpcTransactionResponse, RpcTransactionStatusRequest, TransactionInfo,
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
    /// Answered at once and never checked, as the node does: `broadcast_tx_async` (the hash)
    /// and `send_tx` with `wait_until: NONE` (`{"final_execution_status":"NONE"}`). An invalid
    /// transaction gets the same answer and is dropped, so a later status asks for an unknown
    /// transaction (see [`accept`]).
    Unchecked(Value),
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
        "send_tx" | "broadcast_tx_async" | "broadcast_tx_commit" => {
            return send_tx(rt, method, params)
        }
        "tx" | "EXPERIMENTAL_tx_status" => return tx_status(rt, params, method != "tx"),
        "sandbox_patch_state" => return super::sandbox::patch_state(params),
        "sandbox_fast_forward" => return super::sandbox::fast_forward(params),
        "validators" => super::sandbox::validators(rt, params),
        "EXPERIMENTAL_validators_ordered" => super::sandbox::validators_ordered(rt, params),
        _ => Err(RpcError::method_not_found(method.to_owned())),
    };
    Answer::Now(reply)
}

/// `send_tx`, `broadcast_tx_async` and `broadcast_tx_commit`: one parser for all three, as the
/// node's (the broadcasts ignore `wait_until`: async is NONE, commit EXECUTED_OPTIMISTIC).
fn send_tx(rt: &Runtime, method: &str, params: Value) -> Answer {
    let request = match parse_send(params) {
        Ok(request) => request,
        Err(err) => return Answer::Now(Err(err)),
    };
    let tx = request.signed_transaction;
    let until = match method {
        "broadcast_tx_async" => {
            let hash = json!(tx.get_hash());
            return accept(rt, tx, Then::Unchecked(hash));
        }
        "broadcast_tx_commit" => TxExecutionStatus::ExecutedOptimistic,
        _ => request.wait_until,
    };
    if until == TxExecutionStatus::None {
        let none = RpcTransactionResponse {
            final_execution_outcome: None,
            final_execution_status: TxExecutionStatus::None,
        };
        return match serde_json::to_value(none) {
            Ok(answer) => accept(rt, tx, Then::Unchecked(answer)),
            Err(err) => Answer::Now(Err(RpcError::serialization_error(err.to_string()))),
        };
    }
    accept(rt, tx, Then::Wait { until })
}

/// Checks what the node checks with a structured reason; the runtime checks the rest.
///
/// What neard does with a transaction it does not wait for (nearcore `chain/jsonrpc/src/lib.rs`):
/// `process_basic_requests_internal` answers `"broadcast_tx_async"` with
/// `self.send_tx_async(params)` as an infallible `Ok(hash.to_string())`, and `send_tx_async` only
/// posts `ProcessTxRequest { transaction, is_forwarded: false, check_only: false }` to the client
/// with `send` (not `send_async`): the client's `ProcessTxResponse` (`ValidTx`, `InvalidTx(..)`,
/// ...) is never read, so an invalid transaction is answered with its hash and dropped by the
/// client. `send_tx` with `wait_until == TxExecutionStatus::None` calls the same `send_tx_async`
/// and answers `RpcTransactionResponse { final_execution_outcome: None, final_execution_status:
/// None }`, known transaction or not. Only the waiting forms (`send_tx` otherwise,
/// `broadcast_tx_commit` through `send_tx_commit`) go through `send_tx_internal`, which awaits
/// the `ProcessTxResponse` and turns `InvalidTx(context)` into `RpcTransactionError::
/// InvalidTransaction` (`from_network_client_responses`). A later `tx` for the dropped hash
/// finds nothing: the view client's `TxStatusError::MissingTransaction` becomes
/// `RpcTransactionError::UnknownTransaction` (`api/transactions.rs`), which [`tx_status`]
/// answers.
fn accept(rt: &Runtime, tx: SignedTransaction, then: Then) -> Answer {
    let hash = tx.get_hash();
    if rt.knows_tx(&hash) {
        // Sent again: the node answers with the known transaction's status.
        return match then {
            Then::Unchecked(answer) => Answer::Now(Ok(answer)),
            Then::Wait { until } => Answer::Wait { tx: hash, until, receipts: false },
        };
    }
    match (check(rt, &tx), then) {
        (Ok(()), then) => Answer::Sent { tx: Box::new(tx), then },
        (Err(_), Then::Unchecked(answer)) => Answer::Now(Ok(answer)),
        (Err(context), Then::Wait { .. }) => Answer::Now(Err(invalid_tx(context))),
    }
}

/// The checks [`accept`] makes before the runtime's own.
fn check(rt: &Runtime, tx: &SignedTransaction) -> Result<(), InvalidTxError> {
    let t = &tx.transaction;
    if !tx.signature.verify(tx.get_hash().as_ref(), t.public_key()) {
        return Err(InvalidTxError::InvalidSignature);
    }
    match rt.view_access_key(t.signer_id(), t.public_key()) {
        Err(ViewError::UnknownAccount(_)) => {
            Err(InvalidTxError::SignerDoesNotExist { signer_id: t.signer_id().clone() })
        }
        Err(_) => {
            Err(InvalidTxError::InvalidAccessKeyError(InvalidAccessKeyError::AccessKeyNotFound {
                account_id: t.signer_id().clone(),
                public_key: Box::new(t.public_key().clone()),
            }))
        }
        Ok(key) if t.nonce().nonce() <= key.nonce => {
            Err(InvalidTxError::InvalidNonce { tx_nonce: t.nonce().nonce(), ak_nonce: key.nonce })
        }
        Ok(_) => Ok(()),
    }
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
