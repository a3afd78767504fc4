use crate::common::*;
use near_primitives::views::FinalExecutionStatus;

#[test]
fn hello_get_greeting_runs_with_gas() {
    let mut r = reference_chain(Some(86));
    let tx =
        r.rt.submit(&r.alice, &r.hello, vec![function_call("get_greeting", b"", 10u64.pow(13), 0)])
            .expect("submit");
    let outcome = run_to_final(&mut r.rt, tx);
    assert_eq!(
        outcome.final_outcome.status,
        FinalExecutionStatus::SuccessValue(b"\"Hello\"".to_vec())
    );
    let first = &outcome.final_outcome.receipts_outcome[0].outcome;
    assert!(first.gas_burnt.as_gas() > 1_000_000_000_000, "{first:#?}");
}
