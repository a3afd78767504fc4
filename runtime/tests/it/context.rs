//! What a contract sees of the chain, as on a sandbox: 60-block epochs from height 1 (a
//! sandbox at height 148 is in the epoch that started at 121) and a `test-chain-…` id.

use crate::common::{function_call, reference_chain, run_to_final};
use near_primitives::action::{Action, DeployContractAction};
use near_primitives::views::FinalExecutionStatus;

const EPOCH_WAT: &str = r#"
(module
  (import "env" "epoch_height" (func $epoch_height (result i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (memory 1)
  (func (export "epoch")
    (i64.store (i32.const 0) (call $epoch_height))
    (call $value_return (i64.const 8) (i64.const 0))))
"#;

fn epoch_from(value: &[u8]) -> u64 {
    u64::from_le_bytes(value.try_into().expect("8 bytes"))
}

#[test]
fn a_contract_sees_the_sandbox_epoch_height() {
    let mut r = reference_chain(Some(86));
    let code = wat::parse_str(EPOCH_WAT).expect("wat");
    let alice = r.alice.clone();
    let tx =
        r.rt.submit(&alice, &alice, vec![Action::DeployContract(DeployContractAction { code })])
            .expect("deploy");
    run_to_final(&mut r.rt, tx);
    let config = r.rt.config().clone();
    assert_eq!(config.epoch_length, 60);
    assert_eq!(config.epoch_height(1), 1);
    assert_eq!(config.epoch_height(60), 1);
    assert_eq!(config.epoch_height(61), 2);
    assert_eq!(config.epoch_start_height(148), 121);
    assert_eq!(config.epoch_height(148), 3);
    assert!(config.chain_id.starts_with("test-chain-"), "{}", config.chain_id);
    assert_eq!(config.chain_id.len(), "test-chain-1PgQs".len());
    // Run the contract until the chain has passed into its third epoch.
    let mut seen = Vec::new();
    while r.rt.head().height < 130 {
        let tx =
            r.rt.submit(&alice, &alice, vec![function_call("epoch", b"", 10u64.pow(13), 0)])
                .expect("call");
        let out = run_to_final(&mut r.rt, tx);
        let FinalExecutionStatus::SuccessValue(value) = &out.final_outcome.status else {
            panic!("{:?}", out.final_outcome.status)
        };
        let receipt = &out.final_outcome.receipts_outcome[0];
        let height = r.rt.block(&receipt.block_hash).expect("block").height;
        assert_eq!(epoch_from(value), config.epoch_height(height), "at height {height}");
        seen.push(epoch_from(value));
    }
    assert!(seen.contains(&1) || seen.contains(&2), "{seen:?}");
    assert!(seen.contains(&3), "{seen:?}");
    // A view sees the head's epoch too.
    let view = r.rt.call_view(&alice, "epoch", b"").expect("view");
    assert_eq!(epoch_from(&view.result), config.epoch_height(r.rt.head().height));
}
