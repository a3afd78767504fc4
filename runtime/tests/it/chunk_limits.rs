//! Chunk limits (issue 11): a flood of calls sent in one block runs over several blocks, in
//! order, each chunk stopping after the receipt that crosses its 1,000 Tgas limit; the gas
//! price rises block after block while chunks are over half full, falls back to the minimum
//! afterwards, and every outcome burns at the price of the block before its own.

use crate::common::{function_call, NEAR};
use near_primitives::action::{Action, DeployContractAction};
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use near_primitives::views::{FinalExecutionStatus, TxExecutionStatus};
use nearviz_runtime::{Runtime, RuntimeOptions, TxStatus, CHUNK_GAS_LIMIT};
use std::collections::HashMap;

/// `burn` spends its attached gas in a loop until less than 5 Tgas is left, then returns: a
/// successful call that burns nearly all it was given.
const BURNER: &str = include_str!("../../../tui/scenarios/res/burner.wat");

const TGAS: u64 = 1_000_000_000_000;
const CALLS: usize = 20;

fn id(name: &str) -> AccountId {
    name.parse().expect("account id")
}

struct Flood {
    rt: Runtime,
    signer: AccountId,
    txs: Vec<CryptoHash>,
    /// The signer's balance before the flood.
    before: u128,
}

fn flood() -> Flood {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    let burner = id("burner.test.near");
    let signer = id("flood.test.near");
    rt.add_genesis_account(&burner, 100 * NEAR).expect("burner");
    rt.add_genesis_account(&signer, 100 * NEAR).expect("signer");
    let code = wat::parse_str(BURNER).expect("wat");
    let deploy = Action::DeployContract(DeployContractAction { code });
    rt.submit(&burner, &burner, vec![deploy]).expect("deploy");
    rt.produce_block();
    rt.produce_block();
    assert!(rt.is_idle());
    let before = rt.account(&signer).expect("signer").amount().as_yoctonear();
    let txs = (0..CALLS)
        .map(|_| {
            let call = function_call("burn", b"", 300 * TGAS, 0);
            rt.submit(&signer, &burner, vec![call]).expect("burn call")
        })
        .collect();
    Flood { rt, signer, txs, before }
}

fn run_until_idle(rt: &mut Runtime) {
    for _ in 0..100 {
        rt.produce_block();
        if rt.is_idle() {
            // A few empty blocks, for the price to come down and statuses to be final.
            for _ in 0..8 {
                rt.produce_block();
            }
            return;
        }
    }
    panic!("the flood did not drain");
}

/// The block height of each block hash the flood touched.
fn height_of(rt: &Runtime, hash: &CryptoHash) -> u64 {
    rt.block(hash).expect("block of an outcome").height
}

#[test]
fn a_flood_runs_over_several_blocks_in_order_within_the_chunk_limit() {
    let Flood { mut rt, txs, .. } = flood();
    run_until_idle(&mut rt);
    let mut included = None;
    let mut first_receipt_heights = Vec::new();
    for tx in &txs {
        let TxStatus::Known { status, outcome } = rt.tx_status(tx) else {
            panic!("tx {tx} unknown");
        };
        assert_eq!(status, TxExecutionStatus::Final);
        assert!(
            matches!(outcome.final_outcome.status, FinalExecutionStatus::SuccessValue(_)),
            "{:?}",
            outcome.final_outcome.status
        );
        let tx_height = height_of(&rt, &outcome.final_outcome.transaction_outcome.block_hash);
        assert_eq!(*included.get_or_insert(tx_height), tx_height, "all sent in one block");
        let call = &outcome.final_outcome.receipts_outcome[0];
        assert!(call.outcome.gas_burnt.as_gas() > 290 * TGAS, "burn burns its gas");
        first_receipt_heights.push(height_of(&rt, &call.block_hash));
    }
    let included = included.expect("some transaction");
    // FIFO: a call sent later never runs before one sent earlier.
    assert!(
        first_receipt_heights.windows(2).all(|w| w[0] <= w[1]),
        "receipts run in the order they were sent: {first_receipt_heights:?}"
    );
    // ~300 Tgas each, 1,000 Tgas per chunk: four calls per block (the fourth crosses the
    // limit and still runs), so 20 calls take five blocks, the first at B+1.
    let mut per_block: HashMap<u64, usize> = HashMap::new();
    for h in &first_receipt_heights {
        *per_block.entry(*h).or_default() += 1;
    }
    let expected: HashMap<u64, usize> = (1..=5).map(|k| (included + k, 4)).collect();
    assert_eq!(per_block, expected, "calls per block: {first_receipt_heights:?}");
    // Each busy chunk stops right after the receipt that crossed the limit: it used at least
    // the limit, and less than the limit before its last receipt.
    let mut gas_at: HashMap<u64, Vec<u64>> = HashMap::new();
    for tx in &txs {
        let TxStatus::Known { outcome, .. } = rt.tx_status(tx) else { panic!("unknown") };
        for o in &outcome.final_outcome.receipts_outcome {
            gas_at
                .entry(height_of(&rt, &o.block_hash))
                .or_default()
                .push(o.outcome.gas_burnt.as_gas());
        }
    }
    for height in included + 1..included + 5 {
        let used = rt.block_contents(height).gas_used;
        let gas = &gas_at[&height];
        assert_eq!(gas.iter().sum::<u64>(), used, "block {height}: all its gas is the flood's");
        let largest = gas.iter().copied().max().unwrap_or(0);
        assert!(used >= CHUNK_GAS_LIMIT, "block {height} is full: {used}");
        assert!(used - largest < CHUNK_GAS_LIMIT, "block {height}: nothing ran after the limit");
    }
}

#[test]
fn the_committed_burner_wasm_is_the_wat() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tui/scenarios/res/burner.wasm");
    let committed = std::fs::read(path).expect("burner.wasm");
    let built = wat::parse_str(BURNER).expect("wat");
    assert_eq!(committed, built, "rebuild burner.wasm: wat2wasm burner.wat -o burner.wasm");
}

#[test]
fn the_gas_price_follows_the_load_and_every_outcome_burns_at_its_block_price() {
    let Flood { mut rt, signer, txs, before } = flood();
    let rules = *rt.chunk_rules();
    run_until_idle(&mut rt);
    let head = rt.head().height;
    let price = |h: u64| rt.block_at(h).expect("block").gas_price.as_yoctonear();
    // The node's formula, block after block: a block's price follows the gas its parent used.
    let mut rose = 0;
    for h in 1..=head {
        let parent_used = rt.block_contents(h - 1).gas_used;
        let expected = rules.next_gas_price(price(h - 1), parent_used);
        assert_eq!(price(h), expected, "price of block {h}");
        if parent_used > CHUNK_GAS_LIMIT / 2 {
            assert!(price(h) > price(h - 1), "block {h} follows a busy chunk: the price rises");
            rose += 1;
        }
    }
    assert!(rose >= 5, "the price rose for {rose} blocks");
    assert!((1..=head).map(price).max() > Some(rules.min_gas_price), "the flood raised the price");
    assert_eq!(price(head), rules.min_gas_price, "the price falls back to the minimum");
    // Tokens burnt = gas × the price the block ran at (its parent's price), for the
    // transactions and every receipt but refunds (which burn no tokens).
    let mut total_burnt = 0u128;
    for tx in &txs {
        let TxStatus::Known { outcome, .. } = rt.tx_status(tx) else { panic!("unknown") };
        let fo = &outcome.final_outcome;
        for (o, is_refund) in std::iter::once((&fo.transaction_outcome, false)).chain(
            fo.receipts_outcome
                .iter()
                .zip(&outcome.receipts)
                .map(|(o, r)| (o, r.predecessor_id.is_system())),
        ) {
            let h = height_of(&rt, &o.block_hash);
            let expected =
                if is_refund { 0 } else { u128::from(o.outcome.gas_burnt.as_gas()) * price(h - 1) };
            assert_eq!(o.outcome.tokens_burnt.as_yoctonear(), expected, "outcome {} at {h}", o.id);
            total_burnt += expected;
        }
    }
    // Refunds priced right: the signer paid exactly what its transactions and receipts burnt
    // (gas bought at the purchase price, unused gas and the price difference given back).
    let after = rt.account(&signer).expect("signer").amount().as_yoctonear();
    assert_eq!(before - after, total_burnt, "the signer's cost = tokens burnt");
}

#[test]
fn delayed_receipts_are_pending_until_they_run() {
    let Flood { mut rt, txs, .. } = flood();
    rt.produce_block(); // includes the flood
    rt.produce_block(); // runs four calls, delays the rest
    assert_eq!(rt.delayed_receipts(), CALLS - 4);
    assert!(!rt.is_idle());
    let last = txs[CALLS - 1];
    let TxStatus::Known { status, outcome } = rt.tx_status(&last) else { panic!("unknown") };
    assert_eq!(status, TxExecutionStatus::Included, "the last call has not run yet");
    let pending = rt.pending_receipt_views(&outcome);
    assert_eq!(pending.len(), 1, "its receipt is known, waiting in the delayed queue");
    assert!(rt.receipt_view(&pending[0].receipt_id).is_some());
}

/// The call receipt of `tx` and the receipts its outcome names that have not run yet.
fn call_and_pending(rt: &Runtime, tx: &CryptoHash) -> (CryptoHash, Vec<CryptoHash>) {
    let TxStatus::Known { outcome, .. } = rt.tx_status(tx) else { panic!("tx {tx} unknown") };
    let call = outcome.final_outcome.transaction_outcome.outcome.receipt_ids[0];
    let pending = rt.pending_receipt_views(&outcome).iter().map(|v| v.receipt_id).collect();
    (call, pending)
}

/// Delayed receipts are indexed by id: each waiting call is found by its id, and the calls that
/// leave the queue (oldest first) stop being pending while the ones behind them still are.
#[test]
fn delayed_receipts_are_found_by_id_and_leave_the_pending_views_in_order() {
    let Flood { mut rt, txs, .. } = flood();
    rt.produce_block(); // includes the flood
    rt.produce_block(); // runs calls 0-3, delays 4-19
    assert_eq!(rt.delayed_receipts(), CALLS - 4);
    for tx in &txs[4..] {
        let (call, pending) = call_and_pending(&rt, tx);
        assert_eq!(pending, vec![call], "the call waits in the delayed queue");
        assert_eq!(rt.receipt_view(&call).map(|v| v.receipt_id), Some(call));
    }
    rt.produce_block(); // the four oldest delayed calls (4-7) run
    for (k, tx) in txs.iter().enumerate().skip(4) {
        let (call, pending) = call_and_pending(&rt, tx);
        assert_eq!(pending.contains(&call), k >= 8, "call {k}: pending {pending:?}");
    }
}

/// `read` reads an absent key until less than 5 Tgas is left: storage reads cost about 2.7×
/// more compute than gas (`wasm_storage_read_base`: 56 Ggas of gas, 159 Ggas of compute).
const READER: &str = r#"
(module
  (import "env" "prepaid_gas" (func (result i64)))
  (import "env" "used_gas" (func (result i64)))
  (import "env" "storage_read" (func (param i64 i64 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "k")
  (func (export "read")
    (loop
      (drop (call 2 (i64.const 1) (i64.const 0) (i64.const 0)))
      (br_if 0 (i64.lt_u (i64.add (call 1) (i64.const 5000000000000)) (call 0))))))
"#;

#[test]
fn compute_not_gas_fills_the_chunk() {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    let reader = id("reader.test.near");
    let signer = id("flood.test.near");
    rt.add_genesis_account(&reader, 100 * NEAR).expect("reader");
    rt.add_genesis_account(&signer, 100 * NEAR).expect("signer");
    let code = wat::parse_str(READER).expect("wat");
    rt.submit(&reader, &reader, vec![Action::DeployContract(DeployContractAction { code })])
        .expect("deploy");
    rt.produce_block();
    let txs: Vec<_> = (0..3)
        .map(|_| {
            let call = function_call("read", b"", 300 * TGAS, 0);
            rt.submit(&signer, &reader, vec![call]).expect("read call")
        })
        .collect();
    run_until_idle(&mut rt);
    let heights: Vec<u64> = txs
        .iter()
        .map(|tx| {
            let TxStatus::Known { outcome, .. } = rt.tx_status(tx) else { panic!("unknown") };
            let call = &outcome.final_outcome.receipts_outcome[0];
            assert!(call.outcome.gas_burnt.as_gas() > 290 * TGAS);
            height_of(&rt, &call.block_hash)
        })
        .collect();
    // ~295 Tgas of gas but ~800 Tgas of compute each: two calls fill a chunk although their
    // gas (~590 Tgas) is far below the limit.
    assert_eq!(heights[0], heights[1], "{heights:?}");
    assert_eq!(heights[2], heights[1] + 1, "the third waits for the next chunk: {heights:?}");
    let used = rt.block_contents(heights[0]).gas_used;
    assert!(used < CHUNK_GAS_LIMIT * 7 / 10, "gas alone would not fill the chunk: {used}");
}

#[test]
fn a_block_converts_transactions_up_to_the_transaction_gas_limit() {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    let signer = id("flood.test.near");
    let receiver = id("sink.test.near");
    rt.add_genesis_account(&signer, 1_000 * NEAR).expect("signer");
    rt.add_genesis_account(&receiver, NEAR).expect("receiver");
    // 1 MB of arguments: ~48 Tgas to convert each transaction (function_call_byte, not sir).
    let args = vec![b'x'; 1_000_000];
    let txs: Vec<_> = (0..12)
        .map(|_| {
            let call = function_call("sink", &args, 10 * TGAS, 0);
            rt.submit(&signer, &receiver, vec![call]).expect("call")
        })
        .collect();
    rt.produce_block();
    let included: Vec<Option<u64>> =
        txs.iter().map(|tx| rt.tx_block(tx).map(|(_, height)| height)).collect();
    // 500 Tgas of conversions per chunk: the eleventh crosses it (and is included), the
    // twelfth waits for the next block.
    let converted = rt.block_contents(1).gas_used;
    assert!(converted >= 500 * TGAS, "{converted}");
    assert_eq!(included[..11], [Some(1); 11], "{included:?}");
    assert_eq!(included[11], None, "the last waits in the mempool");
    rt.produce_block();
    assert_eq!(rt.tx_block(&txs[11]).map(|(_, h)| h), Some(2));
}

#[test]
fn a_shard_congested_with_delayed_receipts_refuses_new_transactions() {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    let reader = id("reader.test.near");
    let signer = id("whale.test.near");
    rt.add_genesis_account(&reader, 100 * NEAR).expect("reader");
    rt.add_genesis_account(&signer, 1_000 * NEAR).expect("whale");
    let code = wat::parse_str(READER).expect("wat");
    rt.submit(&reader, &reader, vec![Action::DeployContract(DeployContractAction { code })])
        .expect("deploy");
    rt.produce_block();
    // Delayed receipts count their attached gas (300 Tgas each): at 0.8 × 400 PGas of them the
    // shard refuses new transactions. (The storage reads fill chunks fast: a quick test.)
    let mut last = None;
    for _ in 0..1_100 {
        let call = function_call("read", b"", 300 * TGAS, 0);
        last = Some(rt.submit(&signer, &reader, vec![call]).expect("read call"));
    }
    let last = last.expect("sent");
    let mut refused = None;
    for _ in 0..30 {
        rt.produce_block();
        let call = function_call("read", b"", 300 * TGAS, 0);
        if let Err(error) = rt.submit(&signer, &reader, vec![call]) {
            refused = Some(error.to_string());
            break;
        }
    }
    let refused = refused.expect("the shard became congested");
    assert!(
        refused.contains("Shard 0 is currently at congestion level")
            && refused.contains("rejects new transactions"),
        "{refused}"
    );
    assert!(rt.delayed_receipts() >= 1_066, "{} delayed", rt.delayed_receipts());
    assert!(rt.tx_block(&last).is_some(), "the earlier transactions were all included");
}
