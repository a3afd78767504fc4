//! Delegate actions (meta transactions, NEP-366): a relayer submits alice's signed delegate;
//! the call runs on a real contract with `predecessor = alice`, the relayer signs and pays.

use crate::common::{function_call, reference_chain, run_to_final, Reference};
use near_crypto::{KeyType, PublicKey, SecretKey};
use near_primitives::action::delegate::{DelegateAction, NonDelegateAction, SignedDelegateAction};
use near_primitives::action::Action;
use near_primitives::types::AccountId;
use near_primitives::views::{
    ActionView, FinalExecutionOutcomeWithReceiptView, FinalExecutionStatus, ReceiptEnumView,
};
use nearviz_runtime::{public_key_for, signer_for};

const TGAS: u64 = 10u64.pow(12);

fn relayer() -> AccountId {
    "test.near".parse().expect("relayer id")
}

fn set_greeting(text: &str) -> Action {
    let args = serde_json::json!({ "greeting": text }).to_string();
    function_call("set_greeting", args.as_bytes(), 30 * TGAS, 0)
}

/// Alice's delegate of `actions` to hello, valid for 100 blocks, with her next nonce.
fn delegate(r: &Reference, actions: Vec<Action>) -> DelegateAction {
    let key = public_key_for(&r.alice);
    let nonce = r.rt.access_key(&r.alice, &key).expect("alice's key").nonce + 1;
    DelegateAction {
        sender_id: r.alice.clone(),
        receiver_id: r.hello.clone(),
        actions: actions
            .into_iter()
            .map(|a| NonDelegateAction::try_from(a).expect("not a delegate"))
            .collect(),
        nonce,
        max_block_height: r.rt.head().height + 100,
        public_key: key,
    }
}

fn relay(
    r: &mut Reference,
    to: &AccountId,
    signed: SignedDelegateAction,
) -> FinalExecutionOutcomeWithReceiptView {
    let tx = r.rt.submit(&relayer(), to, vec![Action::Delegate(Box::new(signed))]).expect("submit");
    run_to_final(&mut r.rt, tx)
}

fn failure(outcome: &FinalExecutionOutcomeWithReceiptView) -> String {
    match &outcome.final_outcome.status {
        FinalExecutionStatus::Failure(e) => serde_json::to_string(e).expect("json"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn a_relayed_delegate_runs_the_call_as_alice_paid_by_the_relayer() {
    let mut r = reference_chain(Some(86));
    let alice_before = r.rt.account(&r.alice).expect("alice").amount();
    let relayer_before = r.rt.account(&relayer()).expect("relayer").amount();
    let action = delegate(&r, vec![set_greeting("relayed")]);
    let nonce = action.nonce;
    let signed = SignedDelegateAction::sign(&signer_for(&r.alice), action);
    let alice = r.alice.clone();
    let out = relay(&mut r, &alice, signed);
    assert!(
        matches!(out.final_outcome.status, FinalExecutionStatus::SuccessValue(_)),
        "{:?}",
        out.final_outcome.status
    );
    // The inner receipt: alice -> hello, signed by the relayer, with the call.
    let inner =
        out.receipts.iter().find(|r2| r2.receiver_id == r.hello).expect("a receipt to hello");
    assert_eq!(inner.predecessor_id, r.alice);
    let ReceiptEnumView::Action { signer_id, actions, .. } = &inner.receipt else {
        panic!("an action receipt")
    };
    assert_eq!(signer_id, &relayer());
    assert!(
        matches!(&actions[..], [ActionView::FunctionCall { method_name, .. }] if method_name == "set_greeting")
    );
    let call = out
        .final_outcome
        .receipts_outcome
        .iter()
        .find(|o| o.id == inner.receipt_id)
        .expect("the call's outcome");
    assert_eq!(call.outcome.logs, vec!["Saving greeting: relayed".to_string()]);
    // The delegate ran on alice, predecessor the relayer; it created the inner receipt.
    let first = &out.final_outcome.receipts_outcome[0];
    assert_eq!(first.outcome.executor_id, r.alice);
    assert!(first.outcome.receipt_ids.contains(&inner.receipt_id));
    // Alice paid nothing; the relayer paid all the gas; her key's nonce moved on.
    assert_eq!(r.rt.account(&r.alice).expect("alice").amount(), alice_before);
    assert!(r.rt.account(&relayer()).expect("relayer").amount() < relayer_before);
    let key = r.rt.access_key(&r.alice, &public_key_for(&r.alice)).expect("key");
    assert_eq!(key.nonce, nonce);
    // Gas refunds go to the relayer (the signer).
    for receipt in &out.receipts {
        if receipt.predecessor_id.is_system() {
            assert_eq!(receipt.receiver_id, relayer());
        }
    }
    let greeting = r.rt.call_view(&r.hello, "get_greeting", b"{}").expect("view");
    assert_eq!(greeting.result, b"\"relayed\"".to_vec());
    // The relayer's transaction burnt the delegate's send fee plus the inner call's send fee.
    let fees = &r.rt.config().runtime.fees;
    let tx_gas = out.final_outcome.transaction_outcome.outcome.gas_burnt.as_gas();
    let delegate_send =
        fees.fee(near_parameters::ActionCosts::delegate).send_fee(false).gas.as_gas();
    assert!(tx_gas > delegate_send, "{tx_gas} <= {delegate_send}");
}

fn fails_with(r: &mut Reference, to: &AccountId, signed: SignedDelegateAction, kind: &str) {
    let out = relay(r, to, signed);
    let error = failure(&out);
    assert!(error.contains(kind), "{error} does not contain {kind}");
    assert!(error.contains("\"index\":0"), "{error}");
}

#[test]
fn each_failed_check_gives_the_nodes_error() {
    let mut r = reference_chain(Some(86));
    let alice = r.alice.clone();
    // Signed by the wrong key.
    let action = delegate(&r, vec![set_greeting("x")]);
    let signed = SignedDelegateAction::sign(&signer_for(&r.other), action);
    fails_with(&mut r, &alice, signed, "DelegateActionInvalidSignature");
    // Expired: valid up to a block already passed when it runs.
    let mut action = delegate(&r, vec![set_greeting("x")]);
    action.max_block_height = r.rt.head().height;
    let signed = SignedDelegateAction::sign(&signer_for(&r.alice), action);
    fails_with(&mut r, &alice, signed, "DelegateActionExpired");
    // Relayed to another account than the sender.
    let other = r.other.clone();
    let action = delegate(&r, vec![set_greeting("x")]);
    let signed = SignedDelegateAction::sign(&signer_for(&r.alice), action);
    fails_with(&mut r, &other, signed, "DelegateActionSenderDoesNotMatchTxReceiver");
    // A key alice does not have.
    let stranger = SecretKey::from_seed(KeyType::ED25519, "stranger");
    let mut action = delegate(&r, vec![set_greeting("x")]);
    action.public_key = stranger.public_key();
    let signer = near_crypto::InMemorySigner::from_secret_key(alice.clone(), stranger);
    let signed = SignedDelegateAction::sign(&signer, action);
    fails_with(&mut r, &alice, signed, "AccessKeyNotFound");
    // A nonce already used, and one beyond height * 1e6.
    let mut action = delegate(&r, vec![set_greeting("x")]);
    action.nonce = 0;
    let signed = SignedDelegateAction::sign(&signer_for(&r.alice), action);
    fails_with(&mut r, &alice, signed, "DelegateActionInvalidNonce");
    let mut action = delegate(&r, vec![set_greeting("x")]);
    action.nonce = u64::MAX / 2;
    let signed = SignedDelegateAction::sign(&signer_for(&r.alice), action);
    fails_with(&mut r, &alice, signed, "DelegateActionNonceTooLarge");
    // Nothing ran: the greeting is not "x".
    let greeting = r.rt.call_view(&r.hello, "get_greeting", b"{}").expect("view");
    assert_ne!(greeting.result, b"\"x\"".to_vec());
}

#[test]
fn a_function_call_key_only_relays_its_own_calls() {
    let mut r = reference_chain(Some(86));
    let alice = r.alice.clone();
    let key = SecretKey::from_seed(KeyType::ED25519, "alice-fc");
    let permission = near_primitives::account::AccessKeyPermission::FunctionCall(
        near_primitives::account::FunctionCallPermission {
            allowance: None,
            receiver_id: r.other.to_string(),
            method_names: vec![],
        },
    );
    let add = Action::AddKey(Box::new(near_primitives::action::AddKeyAction {
        public_key: key.public_key(),
        access_key: near_primitives::account::AccessKey { nonce: 0, permission },
    }));
    let tx = r.rt.submit(&alice, &alice, vec![add]).expect("add key");
    run_to_final(&mut r.rt, tx);
    let fc_key: PublicKey = key.public_key();
    let nonce = r.rt.access_key(&alice, &fc_key).expect("fc key").nonce + 1;
    let mut action = delegate(&r, vec![set_greeting("x")]);
    action.public_key = fc_key;
    action.nonce = nonce;
    let signer = near_crypto::InMemorySigner::from_secret_key(alice.clone(), key);
    let signed = SignedDelegateAction::sign(&signer, action);
    fails_with(&mut r, &alice, signed, "ReceiverMismatch");
}

#[test]
fn two_delegates_in_one_transaction_are_rejected() {
    let mut r = reference_chain(Some(86));
    let first =
        SignedDelegateAction::sign(&signer_for(&r.alice), delegate(&r, vec![set_greeting("a")]));
    let second = first.clone();
    let alice = r.alice.clone();
    let actions = vec![Action::Delegate(Box::new(first)), Action::Delegate(Box::new(second))];
    let error = r.rt.submit(&relayer(), &alice, actions).expect_err("rejected");
    // The node's `ActionsValidationError::DelegateActionMustBeOnlyOne`, in its words.
    assert!(error.to_string().contains("ony one DelegateAction"), "{error}");
}
