//! A transaction and its receipts in the trace JSON, written from and read back to the model.

use super::state_changes::{self, LedgerRowJson, LedgerSummaryJson, StateChangeJson};
use super::{account, bytes_json, hash, value, value_json, yocto, yocto_string};
use crate::chain::{ReceiptId, TxHash};
use crate::model::gas_profile::{Category, Cost, GasProfile};
use crate::model::window::RanOn;
use crate::model::{
    ActionInfo, Args, Failure, InputInfo, InputStatus, Outcome, Parent, Progress, ReceiptNode,
    Status, TxNode, Value,
};
use near_primitives::types::Gas;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

#[derive(Serialize, Deserialize)]
pub struct TxJson {
    pub hash: String,
    pub label: Option<String>,
    pub signer: String,
    pub receiver: Option<String>,
    #[serde(default)]
    pub actions: Vec<ActionJson>,
    pub block_height: Option<u64>,
    #[serde(flatten)]
    pub status: StatusJson,
    pub progress: ProgressJson,
    pub gas_burnt: u64,
    pub tokens_burnt: String,
    pub conversion_gas_burnt: u64,
    pub first_block: Option<u64>,
    pub last_block: Option<u64>,
    #[serde(default)]
    pub receipts: Vec<ReceiptJson>,
    /// Absent in traces written before state changes existed: "not recorded".
    #[serde(default)]
    pub state_changes: Vec<StateChangeJson>,
    #[serde(default)]
    pub ledger: Vec<LedgerRowJson>,
    pub ledger_summary: Option<LedgerSummaryJson>,
    /// Derived from the receipts (`model::window`): written, not read back.
    #[serde(default)]
    pub window_overlaps: Vec<WindowOverlapJson>,
}

/// `status` and the fields that go with it (`waiting`, `error`, `result`, `result_receipt`).
#[derive(Serialize, Deserialize)]
pub struct StatusJson {
    pub status: StatusName,
    pub waiting: Option<WaitingJson>,
    pub error: Option<ErrorJson>,
    #[serde(default)]
    pub result: Json,
    pub result_receipt: Option<String>,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusName {
    Pending,
    Waiting,
    Success,
    Failure,
}

#[derive(Serialize, Deserialize)]
pub struct WaitingJson {
    pub arrived: usize,
    pub total: usize,
}

#[derive(Serialize, Deserialize)]
pub struct ErrorJson {
    pub action_index: Option<u64>,
    pub kind: String,
    pub message: String,
}

/// `{"state": "submitted"}`, `{"state": "node", "status": "FINAL"}`, `{"state": "lost", ..}`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ProgressJson {
    Node {
        status: String,
    },
    Lost {
        #[serde(default)]
        reason: String,
    },
    /// Also what an unknown state reads as.
    #[serde(other)]
    Submitted,
}

#[derive(Serialize, Deserialize)]
pub struct ActionJson {
    pub kind: String,
    pub method: Option<String>,
    #[serde(default)]
    pub args: Json,
    pub deposit: String,
    pub gas: u64,
    pub detail: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub struct ReceiptJson {
    pub id: String,
    /// The parent receipt, or the transaction hash for the first receipt.
    pub parent: String,
    #[serde(default)]
    pub children: Vec<String>,
    pub predecessor: Option<String>,
    pub receiver: Option<String>,
    #[serde(default)]
    pub actions: Vec<ActionJson>,
    pub is_refund: bool,
    pub block_height: Option<u64>,
    pub block_offset: Option<u64>,
    #[serde(flatten)]
    pub status: StatusJson,
    pub gas_attached: u64,
    pub gas_burnt: u64,
    /// The node's gas profile of `gas_burnt`; `null` when the outcome had none (and in traces
    /// written before profiles were kept).
    #[serde(default)]
    pub gas_profile: Option<Vec<GasCostJson>>,
    pub tokens_burnt: String,
    pub gas_forwarded: u64,
    #[serde(default)]
    pub logs: Vec<String>,
    #[serde(default)]
    pub inputs: Vec<InputJson>,
    #[serde(default)]
    pub state_changes: Vec<StateChangeJson>,
    #[serde(default)]
    pub reverted_changes: Vec<StateChangeJson>,
}

/// One entry of a gas profile, named as the node names it (gas an integer).
#[derive(Serialize, Deserialize)]
pub struct GasCostJson {
    pub cost_category: String,
    pub cost: String,
    pub gas_used: u64,
}

#[derive(Serialize, Deserialize)]
pub struct InputJson {
    pub from: Option<String>,
    pub index: usize,
    pub status: InputStatusName,
    #[serde(default)]
    pub value: Json,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputStatusName {
    Pending,
    Success,
    Failed,
    Arrived,
}

/// A receipt of another transaction that ran inside one of this one's callback windows.
#[derive(Serialize, Deserialize)]
pub struct WindowOverlapJson {
    pub receipt: String,
    pub callback: String,
    pub account: String,
    pub other_tx: String,
    pub other_receipt: String,
    pub block: u64,
}

impl TxJson {
    /// `t` as written, its window overlaps found in `ran_on` (the DAG's [`RanOn`]).
    pub fn of(ran_on: &RanOn, t: &TxNode) -> TxJson {
        let progress = match &t.progress {
            Progress::Submitted => ProgressJson::Submitted,
            Progress::Node(s) => ProgressJson::Node { status: crate::chain::status_name(s).into() },
            Progress::Lost(why) => ProgressJson::Lost { reason: why.clone() },
        };
        TxJson {
            hash: t.hash.to_string(),
            label: t.label.clone(),
            signer: t.signer.to_string(),
            receiver: t.receiver.as_ref().map(|a| a.to_string()),
            actions: t.actions.iter().map(ActionJson::of).collect(),
            block_height: t.block_height,
            status: StatusJson::of(&t.status),
            progress,
            gas_burnt: t.gas_burnt.as_gas(),
            tokens_burnt: yocto_string(t.tokens_burnt),
            conversion_gas_burnt: t.conversion_gas_burnt.as_gas(),
            first_block: t.first_block,
            last_block: t.last_block,
            receipts: t.receipts.iter().map(ReceiptJson::of).collect(),
            state_changes: StateChangeJson::list(&t.state_changes),
            ledger: t.ledger.rows.iter().map(LedgerRowJson::of).collect(),
            ledger_summary: Some(LedgerSummaryJson::of(&t.ledger)),
            window_overlaps: window_overlaps(ran_on, t),
        }
    }

    pub fn into_node(self) -> Result<TxNode, String> {
        let progress = match self.progress {
            ProgressJson::Node { status } => serde_json::from_value(Json::String(status.clone()))
                .map(Progress::Node)
                .map_err(|_| format!("unknown final_execution_status \"{status}\""))?,
            ProgressJson::Lost { reason } => Progress::Lost(reason),
            ProgressJson::Submitted => Progress::Submitted,
        };
        let receipts = self
            .receipts
            .into_iter()
            .map(|r| r.into_node(&self.hash))
            .collect::<Result<_, String>>()?;
        Ok(TxNode {
            hash: TxHash(hash(&self.hash)?),
            label: self.label,
            signer: account(&self.signer)?,
            receiver: self.receiver.as_deref().map(account).transpose()?,
            actions: self
                .actions
                .into_iter()
                .map(ActionJson::into_info)
                .collect::<Result<_, _>>()?,
            block_height: self.block_height,
            status: self.status.into_status()?,
            progress,
            gas_burnt: Gas::from_gas(self.gas_burnt),
            tokens_burnt: yocto(&self.tokens_burnt)?,
            conversion_gas_burnt: Gas::from_gas(self.conversion_gas_burnt),
            first_block: self.first_block,
            last_block: self.last_block,
            receipts,
            state_changes: state_changes::changes(self.state_changes)?,
            ledger: state_changes::ledger(self.ledger, self.ledger_summary)?,
        })
    }
}

fn window_overlaps(ran_on: &RanOn, t: &TxNode) -> Vec<WindowOverlapJson> {
    ran_on
        .overlaps(t)
        .iter()
        .map(|o| WindowOverlapJson {
            receipt: o.receipt.to_string(),
            callback: o.callback.to_string(),
            account: o.account.to_string(),
            other_tx: o.other_tx.to_string(),
            other_receipt: o.other_receipt.to_string(),
            block: o.block,
        })
        .collect()
}

impl StatusJson {
    fn of(s: &Status) -> StatusJson {
        let mut out = StatusJson {
            status: StatusName::Pending,
            waiting: None,
            error: None,
            result: Json::Null,
            result_receipt: None,
        };
        match s {
            Status::Pending => {}
            Status::Waiting { arrived, total } => {
                out.status = StatusName::Waiting;
                out.waiting = Some(WaitingJson { arrived: *arrived, total: *total });
            }
            Status::Success(outcome) => {
                out.status = StatusName::Success;
                match outcome {
                    Outcome::Value(v) => out.result = value_json(v),
                    Outcome::Receipt(r) => out.result_receipt = Some(r.to_string()),
                }
            }
            Status::Failure(f) => {
                out.status = StatusName::Failure;
                out.error = Some(ErrorJson {
                    action_index: f.action_index,
                    kind: f.kind.clone(),
                    message: f.message.clone(),
                });
            }
        }
        out
    }

    fn into_status(self) -> Result<Status, String> {
        Ok(match self.status {
            StatusName::Pending => Status::Pending,
            StatusName::Waiting => {
                let w = self.waiting.unwrap_or(WaitingJson { arrived: 0, total: 0 });
                Status::Waiting { arrived: w.arrived, total: w.total }
            }
            StatusName::Success => match self.result_receipt {
                Some(r) => Status::Success(Outcome::Receipt(ReceiptId(hash(&r)?))),
                None => Status::Success(Outcome::Value(value(self.result))),
            },
            StatusName::Failure => {
                let e = self.error.ok_or("a failure without `error`")?;
                Status::Failure(Failure {
                    action_index: e.action_index,
                    kind: e.kind,
                    message: e.message,
                })
            }
        })
    }
}

impl ActionJson {
    fn of(a: &ActionInfo) -> ActionJson {
        let args = match &a.args {
            None | Some(Args::Bytes { len: 0, .. }) => Json::Null,
            Some(Args::Json(j)) => j.clone(),
            Some(Args::Bytes { base64, len }) => bytes_json(base64, *len),
        };
        ActionJson {
            kind: a.kind.clone(),
            method: a.method.clone(),
            args,
            deposit: yocto_string(a.deposit),
            gas: a.gas.as_gas(),
            detail: a.detail.clone(),
        }
    }

    fn into_info(self) -> Result<ActionInfo, String> {
        let args = match value(self.args) {
            Value::Empty => None,
            Value::Json(j) => Some(Args::Json(j)),
            Value::Bytes { base64, len } => Some(Args::Bytes { base64, len }),
        };
        Ok(ActionInfo {
            kind: self.kind,
            method: self.method,
            args,
            deposit: yocto(&self.deposit)?,
            gas: Gas::from_gas(self.gas),
            detail: self.detail,
        })
    }
}

impl ReceiptJson {
    fn of(r: &ReceiptNode) -> ReceiptJson {
        ReceiptJson {
            id: r.id.to_string(),
            parent: match r.parent {
                Parent::Tx(t) => t.to_string(),
                Parent::Receipt(p) => p.to_string(),
            },
            children: r.children.iter().map(|c| c.to_string()).collect(),
            predecessor: r.predecessor.as_ref().map(|a| a.to_string()),
            receiver: r.receiver.as_ref().map(|a| a.to_string()),
            actions: r.actions.iter().map(ActionJson::of).collect(),
            is_refund: r.is_refund,
            block_height: r.block_height,
            block_offset: r.block_offset,
            status: StatusJson::of(&r.status),
            gas_attached: r.gas_attached.as_gas(),
            gas_burnt: r.gas_burnt.as_gas(),
            gas_profile: r.gas_profile.as_ref().map(GasCostJson::list),
            tokens_burnt: yocto_string(r.tokens_burnt),
            gas_forwarded: r.gas_forwarded.as_gas(),
            logs: r.logs.clone(),
            inputs: r.inputs.iter().map(InputJson::of).collect(),
            state_changes: StateChangeJson::list(&r.state_changes),
            reverted_changes: StateChangeJson::list(&r.reverted_changes),
        }
    }

    fn into_node(self, tx_hash: &str) -> Result<ReceiptNode, String> {
        let parent = if self.parent == tx_hash {
            Parent::Tx(TxHash(hash(tx_hash)?))
        } else {
            Parent::Receipt(ReceiptId(hash(&self.parent)?))
        };
        let children = self.children.iter().map(|c| hash(c).map(ReceiptId));
        Ok(ReceiptNode {
            id: ReceiptId(hash(&self.id)?),
            parent,
            children: children.collect::<Result<_, _>>()?,
            predecessor: self.predecessor.as_deref().map(account).transpose()?,
            receiver: self.receiver.as_deref().map(account).transpose()?,
            actions: self
                .actions
                .into_iter()
                .map(ActionJson::into_info)
                .collect::<Result<_, _>>()?,
            is_refund: self.is_refund,
            block_height: self.block_height,
            block_offset: self.block_offset,
            status: self.status.into_status()?,
            gas_attached: Gas::from_gas(self.gas_attached),
            gas_burnt: Gas::from_gas(self.gas_burnt),
            gas_profile: self.gas_profile.map(GasCostJson::into_profile).transpose()?,
            tokens_burnt: yocto(&self.tokens_burnt)?,
            gas_forwarded: Gas::from_gas(self.gas_forwarded),
            logs: self.logs,
            inputs: self.inputs.into_iter().map(InputJson::into_info).collect::<Result<_, _>>()?,
            state_changes: state_changes::changes(self.state_changes)?,
            reverted_changes: state_changes::changes(self.reverted_changes)?,
        })
    }
}

impl GasCostJson {
    fn list(p: &GasProfile) -> Vec<GasCostJson> {
        let cost = |c: &Cost| GasCostJson {
            cost_category: c.category.as_rpc_str().to_string(),
            cost: c.name.to_string(),
            gas_used: c.gas.as_gas(),
        };
        p.costs.iter().map(cost).collect()
    }

    fn into_profile(list: Vec<GasCostJson>) -> Result<GasProfile, String> {
        let cost = |c: GasCostJson| {
            let category = Category::from_rpc_str(&c.cost_category)
                .ok_or_else(|| format!("unknown cost_category \"{}\"", c.cost_category))?;
            Ok(Cost::new(category, &c.cost, Gas::from_gas(c.gas_used)))
        };
        Ok(GasProfile { costs: list.into_iter().map(cost).collect::<Result<_, String>>()? })
    }
}

impl InputJson {
    fn of(i: &InputInfo) -> InputJson {
        let (status, value) = match &i.status {
            InputStatus::Pending => (InputStatusName::Pending, Json::Null),
            InputStatus::Success(v) => (InputStatusName::Success, value_json(v)),
            InputStatus::Failed => (InputStatusName::Failed, Json::Null),
            InputStatus::Arrived => (InputStatusName::Arrived, Json::Null),
        };
        InputJson { from: i.from.map(|r| r.to_string()), index: i.index, status, value }
    }

    fn into_info(self) -> Result<InputInfo, String> {
        let status = match self.status {
            InputStatusName::Pending => InputStatus::Pending,
            InputStatusName::Success => InputStatus::Success(value(self.value)),
            InputStatusName::Failed => InputStatus::Failed,
            InputStatusName::Arrived => InputStatus::Arrived,
        };
        let from = self.from.as_deref().map(hash).transpose()?.map(ReceiptId);
        Ok(InputInfo { from, index: self.index, status })
    }
}
