//! An in-process NEAR runtime: runs contracts on near-vm-runner with NEAR's fees and
//! schedules receipts block by block, reporting the same RPC views a node returns.

mod actions;
mod apply;
mod chain;
mod changes;
mod chunk;
mod config;
mod convert;
mod delegate;
mod epoch;
mod error;
mod ext;
mod fast_forward;
mod fees;
mod global;
mod implicit;
mod past;
mod promises;
mod queue;
mod records;
mod remote;
mod state;
mod status;
mod transactions;
mod validate;
mod views;
mod vm;
mod yields;

pub use chain::{public_key_for, sign_as, signer_for, Runtime, STATE_CHANGES_KEPT};
pub use changes::{BlockStateChanges, PriorValue};
pub use chunk::{ChunkRules, CHUNK_GAS_LIMIT, GAS_PRICE_ADJUSTMENT_RATE, MAX_GAS_PRICE};
pub use config::{
    latest_protocol_version, ChainConfig, GenesisParams, RuntimeOptions, DEFAULT_PROTOCOL_VERSION,
    MIN_PROTOCOL_VERSION, SANDBOX_CHAIN_ID, SANDBOX_EPOCH_LENGTH, SANDBOX_GAS_PRICE,
    SANDBOX_TOTAL_SUPPLY,
};
pub use error::RuntimeError;
pub use past::StateAt;
pub use records::RecordOrigin;
pub use remote::{Remote, RemoteError, RemoteState, StorageItems};
pub use status::{TxProgress, TxStatus};
pub use transactions::rejection;
pub use views::{BlockContents, ViewError, MAX_GAS_BURNT_VIEW};
