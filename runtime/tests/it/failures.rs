//! Contracts that misbehave end as failed receipts with the node's errors, never a crash.

use crate::common::*;
use near_primitives::action::{Action, DeployContractAction, StakeAction};
use near_primitives::types::{AccountId, Balance};
use near_primitives::views::{
    ExecutionStatusView, FinalExecutionOutcomeWithReceiptView, FinalExecutionStatus,
};
use nearviz_runtime::public_key_for;

const TGAS: u64 = 10u64.pow(12);

/// `recurse` calls itself forever; `grow` asks for 100000 memory pages and traps when refused.
const MISBEHAVING_WASM: &[u8] = &[
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type () -> ()
    0x03, 0x03, 0x02, 0x00, 0x00, // two functions
    0x05, 0x03, 0x01, 0x00, 0x01, // memory 1
    0x07, 0x12, 0x02, 0x07, b'r', b'e', b'c', b'u', b'r', b's', b'e', 0x00, 0x00, 0x04, b'g', b'r',
    b'o', b'w', 0x00, 0x01, // exports
    0x0a, 0x16, 0x02, 0x04, 0x00, 0x10, 0x00, 0x0b, // recurse: call 0
    0x0f, 0x00, 0x41, 0xa0, 0x8d, 0x06, 0x40, 0x00, 0x41, 0x7f, 0x46, 0x04, 0x40, 0x00, 0x0b,
    0x0b, // grow: if memory.grow(100000) == -1 { unreachable }
];

fn failure_json(outcome: &FinalExecutionOutcomeWithReceiptView) -> String {
    outcome
        .final_outcome
        .receipts_outcome
        .iter()
        .find_map(|o| match &o.outcome.status {
            ExecutionStatusView::Failure(e) => serde_json::to_string(e).ok(),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no failed receipt in {:#?}", outcome.final_outcome.status))
}

fn call(
    r: &mut Reference,
    receiver: &AccountId,
    method: &str,
    deposit: u128,
) -> FinalExecutionOutcomeWithReceiptView {
    let (alice, receiver) = (r.alice.clone(), receiver.clone());
    let tx =
        r.rt.submit(&alice, &receiver, vec![function_call(method, b"{}", 300 * TGAS, deposit)])
            .expect("submit");
    run_to_final(&mut r.rt, tx)
}

#[test]
fn caller_failure_cases_match_the_node_semantics() {
    let mut r = reference_chain(Some(86));
    let caller = r.caller.clone();

    let joint = call(&mut r, &caller, "joint_return", 0);
    assert!(failure_json(&joint).contains("Returning joint promise is currently prohibited."));
    assert!(matches!(joint.final_outcome.status, FinalExecutionStatus::Failure(_)));

    let oog = call(&mut r, &caller, "out_of_gas", 0);
    assert!(failure_json(&oog).contains("Exceeded the prepaid gas."), "{}", failure_json(&oog));
    // The callback still runs and sees the failure; the transaction succeeds (NEAR-FACTS 8-9).
    assert_eq!(oog.final_outcome.status, FinalExecutionStatus::SuccessValue(b"false".to_vec()));

    let panics = call(&mut r, &caller, "callback_panics", 0);
    assert!(failure_json(&panics).contains("Smart contract panicked: callback: deliberate failure"));
    assert!(matches!(panics.final_outcome.status, FinalExecutionStatus::Failure(_)));

    // A batch whose third action fails reverts the whole receipt, keeping earlier logs.
    let hello = r.hello.clone();
    let before = r.rt.contract_storage(&hello, b"STATE").map(<[u8]>::to_vec);
    let batch = call(&mut r, &caller, "batch_failing", 0);
    let failed = batch
        .final_outcome
        .receipts_outcome
        .iter()
        .find(|o| matches!(o.outcome.status, ExecutionStatusView::Failure(_)))
        .expect("failed batch receipt");
    assert!(failure_json(&batch).contains("\"index\":2"));
    assert_eq!(
        failed.outcome.logs.len(),
        2,
        "logs of the actions that ran: {:?}",
        failed.outcome.logs
    );
    assert_eq!(r.rt.contract_storage(&hello, b"STATE").map(<[u8]>::to_vec), before);

    // A deposit attached to a failing call comes back to the predecessor from `system`.
    let deposit = call(&mut r, &caller, "deposit_to_failing", NEAR / 100);
    let refund = deposit.receipts.iter().any(|rc| {
        rc.predecessor_id.as_str() == "system"
            && rc.receiver_id == caller
            && format!("{:?}", rc.receipt).contains(&(NEAR / 100).to_string())
    });
    assert!(refund, "no deposit refund to the caller");
}

#[test]
fn bad_contracts_fail_their_receipt_without_crashing() {
    let mut r = reference_chain(Some(86));
    let hello = r.hello.clone();
    let missing = call(&mut r, &hello, "no_such_method", 0);
    assert!(failure_json(&missing).contains("MethodNotFound"));

    let ghost: AccountId = "nobody.test.near".parse().expect("id");
    let unknown = call(&mut r, &ghost, "anything", 0);
    assert!(failure_json(&unknown).contains("AccountDoesNotExist"));

    let alice = r.alice.clone();
    let no_code = call(&mut r, &alice, "anything", 0);
    assert!(failure_json(&no_code).contains("CodeDoesNotExist"));

    let other = r.other.clone();
    let deploy = |r: &mut Reference, code: &[u8]| {
        let tx =
            r.rt.submit(
                &other,
                &other,
                vec![Action::DeployContract(DeployContractAction { code: code.to_vec() })],
            )
            .expect("deploy");
        run_to_final(&mut r.rt, tx);
    };
    deploy(&mut r, b"definitely not wasm");
    let garbage = call(&mut r, &other, "get_greeting", 0);
    assert!(failure_json(&garbage).contains("CompilationError"), "{}", failure_json(&garbage));

    deploy(&mut r, MISBEHAVING_WASM);
    let recursion = call(&mut r, &other, "recurse", 0);
    let message = failure_json(&recursion);
    assert!(message.contains("ExecutionError"), "{message}");
    let grow = call(&mut r, &other, "grow", 0);
    assert!(failure_json(&grow).contains("unreachable"), "{}", failure_json(&grow));

    // Actions the embedded runtime does not implement fail with a clear message.
    let stake = Action::Stake(Box::new(StakeAction {
        stake: Balance::from_yoctonear(NEAR),
        public_key: public_key_for(&alice),
    }));
    // Staking locks the stake as the node does; staking more than the balance is `TriesToStake`.
    let tx = r.rt.submit(&alice, &alice, vec![stake]).expect("submit");
    let staked = run_to_final(&mut r.rt, tx);
    assert!(matches!(staked.final_outcome.status, FinalExecutionStatus::SuccessValue(_)));
    assert_eq!(r.rt.account(&alice).expect("alice").locked().as_yoctonear(), NEAR);
    let too_much = Action::Stake(Box::new(StakeAction {
        stake: Balance::from_yoctonear(u128::MAX / 2),
        public_key: public_key_for(&alice),
    }));
    let tx = r.rt.submit(&alice, &alice, vec![too_much]).expect("submit");
    let refused = run_to_final(&mut r.rt, tx);
    assert!(failure_json(&refused).contains("TriesToStake"), "{}", failure_json(&refused));
}
