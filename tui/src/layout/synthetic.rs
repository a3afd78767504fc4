//! Synthetic DAGs of any size, shaped like real cross-contract calls: callers fanning out to
//! parallel callees whose results join in a callback, gas refunds everywhere. Benchmarks and
//! layout tests use them; they are inputs, not stand-ins for code under test.

use crate::chain::{ReceiptId, TxHash};
use crate::model::dag::{
    ActionInfo, Failure, InputInfo, InputStatus, Outcome, Parent, Progress, ReceiptNode, Status,
    TxNode, Value,
};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance, Gas};

/// The block that includes synthetic transactions.
pub const BASE_HEIGHT: u64 = 100;

fn id(n: u64) -> ReceiptId {
    ReceiptId(CryptoHash::hash_bytes(&n.to_le_bytes()))
}

fn account(name: &str) -> AccountId {
    format!("{name}.test.near").parse().unwrap_or_else(|_| "test.near".parse().expect("valid"))
}

/// A FunctionCall action.
pub fn call(method: &str, tgas: u64) -> ActionInfo {
    ActionInfo {
        kind: "FunctionCall".into(),
        method: Some(method.into()),
        args: None,
        deposit: Balance::from_yoctonear(0),
        gas: Gas::from_gas(tgas * 1_000_000_000_000),
        detail: None,
    }
}

/// A receipt that ran successfully at `height`.
pub fn receipt(
    n: u64,
    parent: Parent,
    receiver: &str,
    actions: Vec<ActionInfo>,
    height: Option<u64>,
) -> ReceiptNode {
    let gas_attached = Gas::from_gas(actions.iter().map(|a| a.gas.as_gas()).sum());
    ReceiptNode {
        id: id(n),
        parent,
        children: Vec::new(),
        predecessor: Some(account("caller")),
        receiver: Some(account(receiver)),
        actions,
        is_refund: false,
        block_height: height,
        block_offset: height.map(|h| h - BASE_HEIGHT),
        status: if height.is_some() {
            Status::Success(Outcome::Value(Value::Empty))
        } else {
            Status::Pending
        },
        gas_attached,
        gas_burnt: Gas::from_gas(if height.is_some() { 1_200_000_000_000 } else { 0 }),
        tokens_burnt: Balance::from_yoctonear(if height.is_some() {
            120_000_000_000_000_000_000
        } else {
            0
        }),
        gas_forwarded: Gas::from_gas(0),
        logs: Vec::new(),
        inputs: Vec::new(),
        state_changes: Vec::new(),
        reverted_changes: Vec::new(),
        gas_profile: None,
    }
}

/// A gas refund from `system`.
pub fn refund(n: u64, parent: ReceiptId, height: u64) -> ReceiptNode {
    let mut r = receipt(n, Parent::Receipt(parent), "alice", Vec::new(), Some(height));
    r.predecessor = Some("system".parse().expect("valid account"));
    r.is_refund = true;
    r.actions = vec![ActionInfo {
        kind: "Transfer".into(),
        method: None,
        args: None,
        deposit: Balance::from_yoctonear(10_780_065_332_249_300_000_000),
        gas: Gas::from_gas(0),
        detail: None,
    }];
    r.gas_attached = Gas::from_gas(0);
    r
}

/// An empty transaction from `alice` to `caller`, included at [`BASE_HEIGHT`].
pub fn tx(label: &str) -> TxNode {
    TxNode {
        hash: TxHash(CryptoHash::hash_bytes(label.as_bytes())),
        label: Some(label.into()),
        signer: account("alice"),
        receiver: Some(account("caller")),
        actions: vec![call(label, 300)],
        block_height: Some(BASE_HEIGHT),
        status: Status::Success(Outcome::Value(Value::Empty)),
        progress: Progress::Node(near_primitives::views::TxExecutionStatus::Final),
        gas_burnt: Gas::from_gas(2_000_000_000_000),
        tokens_burnt: Balance::from_yoctonear(200_000_000_000_000_000_000),
        conversion_gas_burnt: Gas::from_gas(223_182_562_500),
        first_block: Some(BASE_HEIGHT),
        last_block: Some(BASE_HEIGHT + 3),
        receipts: Vec::new(),
        state_changes: Vec::new(),
        ledger: Default::default(),
    }
}

/// Link `child` under its parent's `children` (the created edge as the model records it).
fn adopt(receipts: &mut [ReceiptNode], parent: usize, child: ReceiptId) {
    receipts[parent].children.push(child);
}

/// A transaction with about `size` receipts: `caller` calls 3 contracts in parallel and joins
/// them in a callback (the last callee fails), each callback starting the next such unit, in
/// `width` parallel chains; every receipt that burnt gas gets a refund.
pub fn fan_out(size: usize, width: usize) -> TxNode {
    let mut tx = tx("fan_out");
    let hash = tx.hash;
    let mut receipts: Vec<ReceiptNode> = Vec::with_capacity(size + 8);
    let mut n = 0u64;
    let mut next = || {
        n += 1;
        n
    };
    receipts.push(receipt(
        next(),
        Parent::Tx(hash),
        "caller",
        vec![call("start", 300)],
        Some(BASE_HEIGHT + 1),
    ));
    let mut heads: Vec<(usize, u64)> =
        (0..width.max(1)).map(|_| (0usize, BASE_HEIGHT + 1)).collect();
    let mut chain = 0;
    while receipts.len() < size {
        let (parent, height) = heads[chain];
        let caller_h = height + 1;
        let caller = receipts.len();
        let parent_id = receipts[parent].id;
        receipts.push(receipt(
            next(),
            Parent::Receipt(parent_id),
            "caller",
            vec![call("multiple_contracts", 100)],
            Some(caller_h),
        ));
        let child = receipts[caller].id;
        adopt(&mut receipts, parent, child);
        let caller_id = receipts[caller].id;
        let mut inputs = Vec::new();
        for (k, who) in ["hello", "counter", "guestbook"].iter().enumerate() {
            let at = receipts.len();
            let mut callee = receipt(
                next(),
                Parent::Receipt(caller_id),
                who,
                vec![call("work", 10)],
                Some(caller_h + 1),
            );
            if k == 2 {
                callee.status = Status::Failure(Failure {
                    action_index: Some(0),
                    kind: "FunctionCallError.ExecutionError".into(),
                    message: "Smart contract panicked: deliberate failure".into(),
                });
            }
            let status = if k == 2 {
                InputStatus::Failed
            } else {
                InputStatus::Success(Value::Json(serde_json::json!(k)))
            };
            inputs.push(InputInfo { from: Some(callee.id), index: k, status });
            receipts.push(callee);
            let child = receipts[at].id;
            adopt(&mut receipts, caller, child);
            let refund_at = receipts.len();
            receipts.push(refund(next(), receipts[at].id, caller_h + 2));
            let child = receipts[refund_at].id;
            adopt(&mut receipts, at, child);
        }
        let callback = receipts.len();
        let mut cb = receipt(
            next(),
            Parent::Receipt(caller_id),
            "caller",
            vec![call("callback", 20)],
            Some(caller_h + 2),
        );
        cb.inputs = inputs;
        cb.logs = vec!["a ok=true b ok=true c ok=false".into()];
        receipts.push(cb);
        let child = receipts[callback].id;
        adopt(&mut receipts, caller, child);
        heads[chain] = (callback, caller_h + 2);
        chain = (chain + 1) % heads.len();
    }
    receipts.sort_by_key(|r| r.block_height);
    tx.last_block = receipts.iter().filter_map(|r| r.block_height).max();
    tx.receipts = receipts;
    tx
}

/// The shape of `multiple_contracts`: caller @B+1 -> 3 callees @B+2 -> callback @B+3 (3 inputs,
/// the third failed), refunds after each.
pub fn multiple_contracts() -> TxNode {
    let mut tx = tx("multiple_contracts");
    let b = BASE_HEIGHT;
    let caller = receipt(
        1,
        Parent::Tx(tx.hash),
        "caller",
        vec![call("multiple_contracts", 300)],
        Some(b + 1),
    );
    let p = Parent::Receipt(caller.id);
    let hello = receipt(2, p, "hello", vec![call("get_greeting", 10)], Some(b + 2));
    let inc = receipt(3, p, "other", vec![call("increment", 10)], Some(b + 2));
    let mut fail = receipt(4, p, "other", vec![call("fail", 10)], Some(b + 2));
    fail.status = Status::Failure(Failure {
        action_index: Some(0),
        kind: "FunctionCallError.ExecutionError".into(),
        message: "Smart contract panicked: hello: deliberate failure".into(),
    });
    let mut cb = receipt(5, p, "caller", vec![call("multiple_callback", 20)], Some(b + 3));
    cb.inputs = vec![
        InputInfo {
            from: Some(hello.id),
            index: 0,
            status: InputStatus::Success(Value::Json("bye".into())),
        },
        InputInfo {
            from: Some(inc.id),
            index: 1,
            status: InputStatus::Success(Value::Json(1.into())),
        },
        InputInfo { from: Some(fail.id), index: 2, status: InputStatus::Failed },
    ];
    let r1 = refund(6, hello.id, b + 3);
    let r2 = refund(7, cb.id, b + 4);
    tx.receipts = vec![caller, hello, inc, fail, cb, r1, r2];
    tx
}

/// A session of `n` withdrawals racing on `xcc`, one transaction per block: transaction `k` is
/// included at `BASE_HEIGHT + k`, its `withdraw` runs a block later, transfers to `alice`, and
/// its callback runs two blocks after the withdraw. So every withdraw but the first runs inside
/// the callback window of the one before it (the timeline's benchmarks and tests). Every third
/// callback fails; every withdraw gets a gas refund.
pub fn race_session(n: usize) -> crate::model::dag::Dag {
    let transactions = (0..n as u64)
        .map(|k| {
            let mut tx = tx("race_unsafe");
            tx.hash = TxHash(CryptoHash::hash_bytes(format!("race {k}").as_bytes()));
            let b = BASE_HEIGHT + k;
            tx.block_height = Some(b);
            tx.first_block = Some(b);
            tx.last_block = Some(b + 4);
            let first = 1 + k * 10;
            let mut withdraw = receipt(
                first,
                Parent::Tx(tx.hash),
                "xcc",
                vec![call("withdraw_unsafe", 100)],
                Some(b + 1),
            );
            let p = Parent::Receipt(withdraw.id);
            let mut transfer = receipt(first + 1, p, "alice", Vec::new(), Some(b + 2));
            transfer.actions =
                vec![ActionInfo { kind: "Transfer".into(), method: None, ..call("", 0) }];
            let mut callback = receipt(
                first + 2,
                p,
                "xcc",
                vec![call("withdraw_unsafe_callback", 20)],
                Some(b + 3),
            );
            callback.inputs = vec![InputInfo {
                from: Some(transfer.id),
                index: 0,
                status: InputStatus::Success(Value::Empty),
            }];
            if k % 3 == 2 {
                callback.status = Status::Failure(Failure {
                    action_index: Some(0),
                    kind: "FunctionCallError.ExecutionError".into(),
                    message: "Smart contract panicked: xcc: balance cannot cover the payout".into(),
                });
                tx.status = callback.status.clone();
            }
            let refund = refund(first + 3, withdraw.id, b + 4);
            withdraw.children = vec![transfer.id, callback.id, refund.id];
            tx.receipts = vec![withdraw, transfer, callback, refund];
            tx
        })
        .collect();
    crate::model::dag::Dag { transactions }
}
