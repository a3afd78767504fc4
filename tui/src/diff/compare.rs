//! The fields of two matched transactions or receipts.
//!
//! Each field is one function in [`RECEIPT_FIELDS`] or [`TX_FIELDS`] that pushes a [`Change`]
//! when the two sides differ. Exact fields push whenever they differ; gas-determined amounts go
//! through [`amount`], which applies the tolerance.
//!
//! Adding a field: write `fn name(ctx: &Ctx, a: &ReceiptNode, b: &ReceiptNode, out: &mut
//! Vec<Change>)`, add it to `RECEIPT_FIELDS`, and the text and JSON reports show it with no
//! other change. State changes are lists of their own, paired one by one (`diff::state_changes`).

use super::matching::Tree;
use super::tolerance::{percent, Tolerance};
use super::{AmountChange, Change, Unit};
use crate::chain::ReceiptId;
use crate::model::{
    ActionInfo, Args, Failure, InputStatus, Outcome, ReceiptNode, Status, TxNode, Value,
};
use serde_json::{json, Value as Json};

/// What the field functions need besides the two nodes.
pub struct Ctx<'a, 'd> {
    pub tolerance: Tolerance,
    /// The two transactions' receipt trees: returned promises and callback inputs are compared
    /// by the path of the receipt they name, not its id.
    pub a: &'a Tree<'d>,
    pub b: &'a Tree<'d>,
}

type Field<T> = fn(&Ctx, &T, &T, &mut Vec<Change>);

/// The receipt fields, in report order.
pub const RECEIPT_FIELDS: &[Field<ReceiptNode>] = &[
    predecessor,
    actions,
    block_offset,
    receipt_status,
    inputs,
    logs,
    gas_attached,
    gas_burnt,
    gas_profile,
    tokens_burnt,
    refund,
];

/// The transaction fields, in report order.
pub const TX_FIELDS: &[Field<TxNode>] =
    &[tx_accounts, tx_actions, tx_status, tx_progress, tx_conversion_gas, tx_gas, tx_tokens];

pub fn receipt(ctx: &Ctx, a: &ReceiptNode, b: &ReceiptNode) -> Vec<Change> {
    let mut out = Vec::new();
    for field in RECEIPT_FIELDS {
        field(ctx, a, b, &mut out);
    }
    out
}

pub fn transaction(ctx: &Ctx, a: &TxNode, b: &TxNode) -> Vec<Change> {
    let mut out = Vec::new();
    for field in TX_FIELDS {
        field(ctx, a, b, &mut out);
    }
    out
}

/// An exact field: a change when the JSON values differ.
pub fn exact(field: &str, a: Json, b: Json, out: &mut Vec<Change>) {
    if a != b {
        out.push(Change { field: field.into(), a, b, amount: None });
    }
}

/// A gas-determined amount: a change when different, marked within tolerance or not.
pub fn amount(ctx: &Ctx, field: &str, unit: Unit, a: u128, b: u128, out: &mut Vec<Change>) {
    amount_signed(ctx.tolerance, field, unit, signed(a), signed(b), out);
}

/// [`amount`] for signed amounts (balance deltas): two amounts of opposite signs are never
/// within the tolerance.
pub fn amount_signed(
    tolerance: Tolerance,
    field: &str,
    unit: Unit,
    a: i128,
    b: i128,
    out: &mut Vec<Change>,
) {
    if a == b {
        return;
    }
    let as_json = |v: i128| match unit {
        Unit::Gas => i64::try_from(v).map_or_else(|_| json!(v.to_string()), |g| json!(g)),
        Unit::YoctoNear => json!(v.to_string()),
    };
    let same_sign = a.signum() * b.signum() >= 0;
    out.push(Change {
        field: field.into(),
        a: as_json(a),
        b: as_json(b),
        amount: Some(AmountChange {
            unit,
            a,
            b,
            percent: percent(a, b),
            within_tolerance: same_sign && tolerance.allows(a.unsigned_abs(), b.unsigned_abs()),
        }),
    });
}

fn signed(v: u128) -> i128 {
    i128::try_from(v).unwrap_or(i128::MAX)
}

fn account(a: &Option<near_primitives::types::AccountId>) -> Json {
    a.as_ref().map_or(Json::Null, |a| json!(a.to_string()))
}

fn predecessor(_: &Ctx, a: &ReceiptNode, b: &ReceiptNode, out: &mut Vec<Change>) {
    exact("predecessor", account(&a.predecessor), account(&b.predecessor), out);
}

fn args_json(a: &Option<Args>) -> Json {
    match a {
        None | Some(Args::Bytes { len: 0, .. }) => Json::Null,
        Some(Args::Json(j)) => j.clone(),
        Some(Args::Bytes { base64, len }) => json!({ "base64": base64, "len": len }),
    }
}

/// An action without its gas (attached gas is an amount) and, for refunds, its deposit.
fn action_json(x: &ActionInfo, with_deposit: bool) -> Json {
    let mut v = json!({ "kind": x.kind, "method": x.method, "args": args_json(&x.args) });
    if with_deposit {
        v["deposit"] = json!(x.deposit.as_yoctonear().to_string());
    }
    if let Some(d) = &x.detail {
        v["detail"] = json!(d);
    }
    v
}

fn actions(ctx: &Ctx, a: &ReceiptNode, b: &ReceiptNode, out: &mut Vec<Change>) {
    let list = |r: &ReceiptNode| {
        Json::Array(r.actions.iter().map(|x| action_json(x, !r.is_refund)).collect())
    };
    exact("actions", list(a), list(b), out);
    // In a batch, how the attached gas is split; a single call is covered by `gas attached`.
    if a.actions.len() > 1 && a.actions.len() == b.actions.len() {
        for (i, (x, y)) in a.actions.iter().zip(&b.actions).enumerate() {
            let field = format!("action #{i} gas");
            amount(ctx, &field, Unit::Gas, x.gas.as_gas().into(), y.gas.as_gas().into(), out);
        }
    }
}

fn block_offset(_: &Ctx, a: &ReceiptNode, b: &ReceiptNode, out: &mut Vec<Change>) {
    exact("block offset", json!(a.block_offset), json!(b.block_offset), out);
}

fn status_name(s: &Status) -> &'static str {
    match s {
        Status::Pending => "pending",
        Status::Waiting { .. } => "waiting",
        Status::Success(_) => "success",
        Status::Failure(_) => "failure",
    }
}

pub fn value_json(v: &Value) -> Json {
    match v {
        Value::Empty => Json::Null,
        Value::Json(j) => j.clone(),
        Value::Bytes { base64, len } => json!({ "base64": base64, "len": len }),
    }
}

fn error_json(f: &Failure) -> Json {
    json!({ "action_index": f.action_index, "kind": f.kind, "message": f.message })
}

/// Status, then the error or the result, each its own field. A returned promise is named by
/// its receipt's path.
fn status(
    a: &Status,
    b: &Status,
    path_a: &dyn Fn(&ReceiptId) -> String,
    path_b: &dyn Fn(&ReceiptId) -> String,
    out: &mut Vec<Change>,
) {
    exact("status", json!(status_name(a)), json!(status_name(b)), out);
    match (a, b) {
        (Status::Failure(x), Status::Failure(y)) => {
            exact("error", error_json(x), error_json(y), out)
        }
        (Status::Success(x), Status::Success(y)) => {
            let result = |o: &Outcome, path: &dyn Fn(&ReceiptId) -> String| match o {
                Outcome::Value(v) => value_json(v),
                Outcome::Receipt(r) => json!({ "promise": path(r) }),
            };
            exact("result", result(x, path_a), result(y, path_b), out);
        }
        (Status::Waiting { arrived: x, total: n }, Status::Waiting { arrived: y, total: m }) => {
            exact("waiting", json!([x, n]), json!([y, m]), out)
        }
        _ => {}
    }
}

fn receipt_status(ctx: &Ctx, a: &ReceiptNode, b: &ReceiptNode, out: &mut Vec<Change>) {
    status(&a.status, &b.status, &|r| ctx.a.path_text(r), &|r| ctx.b.path_text(r), out);
}

/// The data edges, one field per `promise_result(i)`: which receipt it comes from and whether
/// it failed. The values themselves are the sending receipts' results, compared there.
fn inputs(ctx: &Ctx, a: &ReceiptNode, b: &ReceiptNode, out: &mut Vec<Change>) {
    let input = |r: &ReceiptNode, i: usize, tree: &Tree| {
        r.inputs.get(i).map_or(Json::Null, |x| {
            let status = match x.status {
                InputStatus::Pending => "pending",
                InputStatus::Success(_) => "success",
                InputStatus::Failed => "failed",
                InputStatus::Arrived => "arrived",
            };
            json!({ "from": x.from.map(|f| tree.path_text(&f)), "status": status })
        })
    };
    for i in 0..a.inputs.len().max(b.inputs.len()) {
        exact(&format!("input #{i}"), input(a, i, ctx.a), input(b, i, ctx.b), out);
    }
}

fn logs(_: &Ctx, a: &ReceiptNode, b: &ReceiptNode, out: &mut Vec<Change>) {
    exact("logs", json!(a.logs), json!(b.logs), out);
}

fn gas_attached(ctx: &Ctx, a: &ReceiptNode, b: &ReceiptNode, out: &mut Vec<Change>) {
    let (x, y) = (a.gas_attached.as_gas(), b.gas_attached.as_gas());
    amount(ctx, "gas attached", Unit::Gas, x.into(), y.into(), out);
}

fn gas_burnt(ctx: &Ctx, a: &ReceiptNode, b: &ReceiptNode, out: &mut Vec<Change>) {
    let (x, y) = (a.gas_burnt.as_gas(), b.gas_burnt.as_gas());
    amount(ctx, "gas burnt", Unit::Gas, x.into(), y.into(), out);
}

/// The gas profiles cost by cost (each a field named by the cost, `STORAGE_WRITE_VALUE_BYTE`),
/// under the gas tolerance; a cost only one run has is compared with 0. A run without a profile
/// (an engine that does not profile) is not a difference. The trie-node costs are left out:
/// they follow the shape of the node's trie, not the contract (the embedded runtime and a node
/// are a node apart on some receipts), and `gas burnt` still compares them in the total.
fn gas_profile(ctx: &Ctx, a: &ReceiptNode, b: &ReceiptNode, out: &mut Vec<Change>) {
    let (Some(pa), Some(pb)) = (&a.gas_profile, &b.gas_profile) else { return };
    let mut names: Vec<&str> = Vec::new();
    for c in pa.costs.iter().chain(&pb.costs) {
        if !TRIE_NODE_COSTS.contains(&c.name.as_ref()) && !names.contains(&c.name.as_ref()) {
            names.push(&c.name);
        }
    }
    for name in names {
        let (x, y) = (pa.gas_of(name).as_gas(), pb.gas_of(name).as_gas());
        amount(ctx, name, Unit::Gas, x.into(), y.into(), out);
    }
}

/// Profile costs that depend on the node's trie (see [`gas_profile`]).
const TRIE_NODE_COSTS: [&str; 2] = ["TOUCHING_TRIE_NODE", "READ_CACHED_TRIE_NODE"];

fn tokens_burnt(ctx: &Ctx, a: &ReceiptNode, b: &ReceiptNode, out: &mut Vec<Change>) {
    let (x, y) = (a.tokens_burnt.as_yoctonear(), b.tokens_burnt.as_yoctonear());
    amount(ctx, "tokens burnt", Unit::YoctoNear, x, y, out);
}

/// A refund's amount: a gas refund follows the gas used (tolerance applies); a deposit refund
/// (a failed receipt's deposit coming back) is exact.
fn refund(ctx: &Ctx, a: &ReceiptNode, b: &ReceiptNode, out: &mut Vec<Change>) {
    if !a.is_refund || !b.is_refund {
        return;
    }
    let deposit =
        |r: &ReceiptNode| r.actions.iter().map(|x| x.deposit.as_yoctonear()).sum::<u128>();
    let (x, y) = (deposit(a), deposit(b));
    let returned = |r: &ReceiptNode, tree: &Tree| {
        tree.parent(r).is_some_and(|p| {
            matches!(p.status, Status::Failure(_))
                && p.actions.iter().map(|x| x.deposit.as_yoctonear()).sum::<u128>() == deposit(r)
                && deposit(r) > 0
        })
    };
    if returned(a, ctx.a) && returned(b, ctx.b) {
        exact("deposit refund", json!(x.to_string()), json!(y.to_string()), out);
    } else {
        amount(ctx, "gas refund", Unit::YoctoNear, x, y, out);
    }
}

fn tx_accounts(_: &Ctx, a: &TxNode, b: &TxNode, out: &mut Vec<Change>) {
    exact("signer", json!(a.signer.to_string()), json!(b.signer.to_string()), out);
    exact("receiver", account(&a.receiver), account(&b.receiver), out);
}

fn tx_actions(ctx: &Ctx, a: &TxNode, b: &TxNode, out: &mut Vec<Change>) {
    let list = |t: &TxNode| Json::Array(t.actions.iter().map(|x| action_json(x, true)).collect());
    exact("actions", list(a), list(b), out);
    let gas = |t: &TxNode| t.actions.iter().map(|x| u128::from(x.gas.as_gas())).sum::<u128>();
    amount(ctx, "gas attached", Unit::Gas, gas(a), gas(b), out);
}

fn tx_status(ctx: &Ctx, a: &TxNode, b: &TxNode, out: &mut Vec<Change>) {
    status(&a.status, &b.status, &|r| ctx.a.path_text(r), &|r| ctx.b.path_text(r), out);
}

fn tx_progress(_: &Ctx, a: &TxNode, b: &TxNode, out: &mut Vec<Change>) {
    let name = |t: &TxNode| match &t.progress {
        crate::model::Progress::Submitted => json!("submitted"),
        crate::model::Progress::Node(s) => json!(crate::chain::status_name(s)),
        crate::model::Progress::Lost(why) => json!(format!("lost: {why}")),
    };
    exact("final execution status", name(a), name(b), out);
}

fn tx_conversion_gas(ctx: &Ctx, a: &TxNode, b: &TxNode, out: &mut Vec<Change>) {
    let (x, y) = (a.conversion_gas_burnt.as_gas(), b.conversion_gas_burnt.as_gas());
    amount(ctx, "conversion gas burnt", Unit::Gas, x.into(), y.into(), out);
}

fn tx_gas(ctx: &Ctx, a: &TxNode, b: &TxNode, out: &mut Vec<Change>) {
    let (x, y) = (a.gas_burnt.as_gas(), b.gas_burnt.as_gas());
    amount(ctx, "total gas burnt", Unit::Gas, x.into(), y.into(), out);
}

fn tx_tokens(ctx: &Ctx, a: &TxNode, b: &TxNode, out: &mut Vec<Change>) {
    let (x, y) = (a.tokens_burnt.as_yoctonear(), b.tokens_burnt.as_yoctonear());
    amount(ctx, "total tokens burnt", Unit::YoctoNear, x, y, out);
}
