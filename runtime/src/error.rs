//! Errors of the embedded runtime itself (not contract failures: those are receipt outcomes).

use near_primitives::errors::InvalidTxError;
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, ProtocolVersion};

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("protocol version {requested} is not supported by the embedded runtime (supported: {min}..={max})")]
    UnsupportedProtocolVersion {
        requested: ProtocolVersion,
        min: ProtocolVersion,
        max: ProtocolVersion,
    },
    #[error("account {0} does not exist")]
    UnknownAccount(AccountId),
    #[error("account {0} already exists")]
    AccountExists(AccountId),
    #[error("account {account} has no key the embedded runtime can sign with")]
    NoSigningKey { account: AccountId },
    /// The node's reason, as its RPC answers it (`INVALID_TRANSACTION`).
    #[error("transaction rejected: {0}")]
    InvalidTransaction(InvalidTxError),
    /// The same signed transaction was queued before (the node answers with its status).
    #[error("transaction rejected: transaction {0} was already sent")]
    AlreadySent(CryptoHash),
    #[error("{kind} record of {account}: {reason}")]
    StateRecord { kind: String, account: AccountId, reason: String },
    #[error("compiled-contract cache: {0}")]
    Cache(String),
    /// The remote of a forked chain could not answer.
    #[error("remote state: {0}")]
    Remote(crate::remote::RemoteError),
    #[error("internal error: {0}")]
    Internal(String),
}
