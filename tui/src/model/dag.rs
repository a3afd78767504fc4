//! The promise DAG of one transaction: what a person needs to understand it.
//!
//! Built by `model::build` from a `Trace` (the RPC views an engine reported). Pure data: the
//! TUI, `--format json|tree|dot|mermaid` and the tests all read these types.
//!
//! Nodes are the transaction and its receipts; edges are derived:
//! - created: `ReceiptNode::parent` (from the parent outcome's `receipt_ids`);
//! - data: `ReceiptNode::inputs` (a receipt's `output_data_receivers[].data_id` matched to the
//!   callback's `input_data_ids`; the position is the `promise_result(i)` index).

use super::gas_profile::GasProfile;
use super::ledger::Ledger;
use super::state_changes::StateChange;
use crate::chain::{ReceiptId, TxHash};
use near_primitives::types::{AccountId, Balance, Gas};
pub use near_primitives::views::TxExecutionStatus;

/// Who created a receipt.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Parent {
    /// The transaction itself (its first receipt, or a refund of the transaction outcome).
    Tx(TxHash),
    Receipt(ReceiptId),
}

/// Every transaction the session has seen, in submission order.
#[derive(Clone, Debug, Default)]
pub struct Dag {
    pub transactions: Vec<TxNode>,
}

#[derive(Clone, Debug)]
pub struct TxNode {
    pub hash: TxHash,
    /// The scenario call that sent it, if known.
    pub label: Option<String>,
    pub signer: AccountId,
    /// `None` until the node reports the transaction.
    pub receiver: Option<AccountId>,
    /// The transaction's actions (as for receipts).
    pub actions: Vec<ActionInfo>,
    /// Block that included the transaction (B); receipt offsets count from here.
    pub block_height: Option<u64>,
    /// Follows the promise chain the transaction returns (NEAR-FACTS 9).
    pub status: Status,
    /// The node's `final_execution_status` (`NONE`, `INCLUDED`, ..., `FINAL`), or why it stopped.
    pub progress: Progress,
    /// Transaction outcome + every receipt outcome.
    pub gas_burnt: Gas,
    pub tokens_burnt: Balance,
    /// Gas burnt converting the transaction to its first receipt (the transaction outcome).
    pub conversion_gas_burnt: Gas,
    pub first_block: Option<u64>,
    pub last_block: Option<u64>,
    /// Receipts in a stable order: by block, then by discovery (parents before children).
    pub receipts: Vec<ReceiptNode>,
    /// The transaction's own state changes (cause `transaction_processing`: the signer charged
    /// at conversion, its access key's nonce).
    pub state_changes: Vec<StateChange>,
    /// Where the NEAR went (see `model::ledger`).
    pub ledger: Ledger,
}

/// How far the node has got with a transaction.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Progress {
    /// Sent, the node does not know it yet.
    Submitted,
    /// The node's `final_execution_status` (`INCLUDED`, `EXECUTED_OPTIMISTIC`, `FINAL`...).
    Node(TxExecutionStatus),
    /// The engine gave up on it (timeout, RPC error, node down).
    Lost(String),
}

#[derive(Clone, Debug)]
pub struct ReceiptNode {
    pub id: ReceiptId,
    pub parent: Parent,
    /// Receipts this one created (`outcome.receipt_ids`), in order; refunds included.
    pub children: Vec<ReceiptId>,
    /// `None` while the receipt is known only by id (created, not yet executed).
    pub predecessor: Option<AccountId>,
    pub receiver: Option<AccountId>,
    /// A batch is one receipt with several actions.
    pub actions: Vec<ActionInfo>,
    /// From `system`, a single Transfer (NEAR-FACTS 11).
    pub is_refund: bool,
    /// Taken from the outcome's `block_hash` (never computed: NEAR-FACTS 3).
    pub block_height: Option<u64>,
    /// `block_height - transaction block`.
    pub block_offset: Option<u64>,
    pub status: Status,
    /// Sum of the FunctionCall actions' `gas`.
    pub gas_attached: Gas,
    pub gas_burnt: Gas,
    /// Where `gas_burnt` went, as the node profiled it (`metadata.gas_profile`); `None` when
    /// the outcome has no profile (not executed yet, or an engine that does not profile).
    pub gas_profile: Option<GasProfile>,
    pub tokens_burnt: Balance,
    /// Gas attached to the receipts this one created (what it passed on).
    pub gas_forwarded: Gas,
    pub logs: Vec<String>,
    /// Callback inputs, by `promise_result` index.
    pub inputs: Vec<InputInfo>,
    /// What this receipt wrote (causes `receipt_processing`, `action_receipt_gas_reward`,
    /// `postponed_receipt` naming it), in the node's order, each with before and after.
    pub state_changes: Vec<StateChange>,
    /// Embedded runtime only: what it wrote before it failed and was rolled back.
    pub reverted_changes: Vec<StateChange>,
}

/// One action of a transaction or receipt.
#[derive(Clone, PartialEq, Debug)]
pub struct ActionInfo {
    /// `FunctionCall`, `Transfer`, `CreateAccount`, `DeployContract`, ...
    pub kind: String,
    pub method: Option<String>,
    pub args: Option<Args>,
    pub deposit: Balance,
    pub gas: Gas,
    /// One readable line for actions that are not calls or transfers
    /// (`code hash …`, `beneficiary bob.near`, `key ed25519:… FullAccess`, a meta-transaction's
    /// inner actions…); `None` for FunctionCall and Transfer.
    pub detail: Option<String>,
}

/// Function call arguments: JSON when they are JSON, else raw bytes.
#[derive(Clone, PartialEq, Debug)]
pub enum Args {
    Json(serde_json::Value),
    Bytes { base64: String, len: usize },
}

/// A callback input: the data receipt from `from`, read as `promise_result(index)`.
#[derive(Clone, PartialEq, Debug)]
pub struct InputInfo {
    /// The receipt whose result this is (`None` if no known receipt sends this data id).
    pub from: Option<ReceiptId>,
    pub index: usize,
    pub status: InputStatus,
}

#[derive(Clone, PartialEq, Debug)]
pub enum InputStatus {
    /// The sending receipt has not finished.
    Pending,
    /// `PromiseResult::Successful(value)`.
    Success(Value),
    /// `PromiseResult::Failed`.
    Failed,
    /// Delivered, but the value is not visible in this transaction: the receiving callback ran,
    /// yet no receipt of this transaction sends this data id (yield/resume data from another
    /// transaction, a timeout, or a partial response).
    Arrived,
}

/// The status of a receipt or a transaction.
#[derive(Clone, PartialEq, Debug)]
pub enum Status {
    /// Created or sent, not executed yet.
    Pending,
    /// A callback postponed until its inputs arrive: `arrived` of `total`.
    Waiting {
        arrived: usize,
        total: usize,
    },
    Success(Outcome),
    Failure(Failure),
}

/// What a successful receipt returned.
#[derive(Clone, PartialEq, Debug)]
pub enum Outcome {
    /// `SuccessValue`.
    Value(Value),
    /// `SuccessReceiptId`: the result is the one of that receipt (a returned promise).
    Receipt(ReceiptId),
}

/// A returned value: JSON when it parses as JSON, else raw bytes.
#[derive(Clone, PartialEq, Debug)]
pub enum Value {
    Empty,
    Json(serde_json::Value),
    Bytes { base64: String, len: usize },
}

#[derive(Clone, PartialEq, Debug)]
pub struct Failure {
    /// Which action of the batch failed (`ActionError.index`), if the node says.
    pub action_index: Option<u64>,
    /// The error kind, e.g. `FunctionCallError.ExecutionError`, `AccountDoesNotExist`.
    pub kind: String,
    /// The human message, e.g. `Smart contract panicked: hello: deliberate failure`.
    pub message: String,
}
