//! The node's rules for implicit accounts and transactions (issue 11), through real receipts.

use crate::common::{reference_chain, run_to_final, NEAR};
use near_crypto::{KeyType, SecretKey, Signer};
use near_primitives::account::{AccessKey, AccessKeyPermission, FunctionCallPermission};
use near_primitives::action::{
    Action, AddKeyAction, CreateAccountAction, DeleteAccountAction, TransferAction,
};
use near_primitives::transaction::{SignedTransaction, Transaction, TransactionV0};
use near_primitives::types::{AccountId, Balance};
use near_primitives::views::{ExecutionStatusView, FinalExecutionStatus, ReceiptEnumView};
use nearviz_runtime::{Runtime, RuntimeError, TxStatus};

const TGAS: u64 = 10u64.pow(12);

fn transfer(amount: u128) -> Action {
    Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(amount) })
}

fn failure(outcome: &near_primitives::views::FinalExecutionOutcomeWithReceiptView) -> String {
    match &outcome.final_outcome.status {
        FinalExecutionStatus::Failure(e) => serde_json::to_string(e).expect("json"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// A lone Transfer to a NEAR-implicit id creates the account with the key its name encodes and
/// pays the create-account and add-key fees; a second transfer pays them again.
#[test]
fn a_transfer_to_a_near_implicit_id_creates_the_account() {
    let mut r = reference_chain(Some(86));
    let alice = r.alice.clone();
    let key = SecretKey::from_seed(KeyType::ED25519, "implicit").public_key();
    let implicit: AccountId = hex(key.key_data()).parse().expect("implicit id");
    let named = r.hello.clone();
    let to_named = r.rt.submit(&alice, &named, vec![transfer(NEAR)]).expect("submit");
    let named_out = run_to_final(&mut r.rt, to_named);
    let tx = r.rt.submit(&alice, &implicit, vec![transfer(NEAR)]).expect("submit");
    let first = run_to_final(&mut r.rt, tx);
    assert!(matches!(first.final_outcome.status, FinalExecutionStatus::SuccessValue(_)));
    let account = r.rt.account(&implicit).expect("created");
    assert_eq!(account.amount().as_yoctonear(), NEAR);
    // Send side: transfer + create_account + add_full_access_key.
    let fees = &r.rt.config().runtime.fees;
    let extra_send = fees
        .fee(near_parameters::ActionCosts::create_account)
        .send_fee(false)
        .gas
        .as_gas()
        + fees.fee(near_parameters::ActionCosts::add_full_access_key).send_fee(false).gas.as_gas();
    let tx_gas = |o: &near_primitives::views::FinalExecutionOutcomeWithReceiptView| {
        o.final_outcome.transaction_outcome.outcome.gas_burnt.as_gas()
    };
    assert_eq!(tx_gas(&first), tx_gas(&named_out) + extra_send);
    // The created account can sign with its key.
    let back = SignedTransaction::new(
        near_crypto::InMemorySigner::from_secret_key(
            implicit.clone(),
            SecretKey::from_seed(KeyType::ED25519, "implicit"),
        )
        .sign(
            Transaction::V0(TransactionV0 {
                signer_id: implicit.clone(),
                public_key: key.clone(),
                nonce: r.rt.head().height * 1_000_000 + 1,
                receiver_id: alice.clone(),
                block_hash: r.rt.head().hash,
                actions: vec![transfer(1)],
            })
            .get_hash_and_size()
            .0
            .as_ref(),
        ),
        Transaction::V0(TransactionV0 {
            signer_id: implicit.clone(),
            public_key: key,
            nonce: r.rt.head().height * 1_000_000 + 1,
            receiver_id: alice.clone(),
            block_hash: r.rt.head().hash,
            actions: vec![transfer(1)],
        }),
    );
    let back = r.rt.submit_signed(back).expect("the implicit key signs");
    run_to_final(&mut r.rt, back);
    // Every transfer to an implicit id pays the extra fees, even when the account exists.
    let again = r.rt.submit(&alice, &implicit, vec![transfer(NEAR)]).expect("submit");
    let second = run_to_final(&mut r.rt, again);
    assert_eq!(tx_gas(&second), tx_gas(&first));
}

#[test]
fn an_eth_implicit_transfer_creates_it_and_create_account_on_implicit_ids_fails() {
    let mut r = reference_chain(Some(86));
    let alice = r.alice.clone();
    let eth: AccountId = "0x1234567890abcdef1234567890abcdef12345678".parse().expect("eth id");
    let tx = r.rt.submit(&alice, &eth, vec![transfer(NEAR)]).expect("submit");
    run_to_final(&mut r.rt, tx);
    assert_eq!(r.rt.account(&eth).expect("created").amount().as_yoctonear(), NEAR);
    // Transfer with another action: no implicit creation.
    let other: AccountId = "0xabcdefabcdefabcdefabcdefabcdefabcdefabcd".parse().expect("eth id");
    let actions = vec![Action::CreateAccount(CreateAccountAction {}), transfer(NEAR)];
    let tx = r.rt.submit(&alice, &other, actions).expect("submit");
    let out = run_to_final(&mut r.rt, tx);
    assert!(failure(&out).contains("OnlyImplicitAccountCreationAllowed"), "{}", failure(&out));
    assert!(r.rt.account(&other).is_none());
}

/// Transactions: no actions is valid; an action after DeleteAccount is `DeleteActionMustBeFinal`.
#[test]
fn transactions_are_validated_like_the_node() {
    let mut r = reference_chain(Some(86));
    let (alice, hello) = (r.alice.clone(), r.hello.clone());
    let empty = r.rt.submit(&alice, &hello, vec![]).expect("no actions is valid");
    let out = run_to_final(&mut r.rt, empty);
    assert!(matches!(out.final_outcome.status, FinalExecutionStatus::SuccessValue(_)));
    let actions = vec![
        Action::DeleteAccount(DeleteAccountAction { beneficiary_id: alice.clone() }),
        transfer(1),
    ];
    let err = r.rt.submit(&alice, &alice, actions).expect_err("invalid");
    assert!(
        matches!(&err, RuntimeError::InvalidTransaction(m) if m.to_string().contains("delete action must be the last")),
        "{err}"
    );
}

/// A function-call key pays out of its allowance, gets the gas refund back into it, and is
/// refused with `NotEnoughAllowance` when the allowance is too small.
#[test]
fn function_call_key_allowance_is_charged_refunded_and_enforced() {
    let mut r = reference_chain(Some(86));
    let (alice, hello) = (r.alice.clone(), r.hello.clone());
    let secret = SecretKey::from_seed(KeyType::ED25519, "fc-key");
    let allowance = NEAR / 10;
    let add = |allowance: u128, seed: &str| {
        Action::AddKey(Box::new(AddKeyAction {
            public_key: SecretKey::from_seed(KeyType::ED25519, seed).public_key(),
            access_key: AccessKey {
                nonce: 0,
                permission: AccessKeyPermission::FunctionCall(FunctionCallPermission {
                    allowance: Some(Balance::from_yoctonear(allowance)),
                    receiver_id: hello.to_string(),
                    method_names: vec![],
                }),
            },
        }))
    };
    let tx =
        r.rt.submit(&alice, &alice, vec![add(allowance, "fc-key"), add(1, "poor")])
            .expect("add keys");
    run_to_final(&mut r.rt, tx);
    let call = crate::common::function_call("get_greeting", b"{}", 30 * TGAS, 0);
    let sign = |rt: &Runtime, seed: &str, nonce: u64| {
        let secret = SecretKey::from_seed(KeyType::ED25519, seed);
        let tx = Transaction::V0(TransactionV0 {
            signer_id: alice.clone(),
            public_key: secret.public_key(),
            nonce,
            receiver_id: hello.clone(),
            block_hash: rt.head().hash,
            actions: vec![call.clone()],
        });
        let signer: Signer = near_crypto::InMemorySigner::from_secret_key(alice.clone(), secret);
        SignedTransaction::new(signer.sign(tx.get_hash_and_size().0.as_ref()), tx)
    };
    let nonce = r.rt.head().height * 1_000_000 + 1;
    let hash = r.rt.submit_signed(sign(&r.rt, "fc-key", nonce)).expect("within allowance");
    let out = run_to_final(&mut r.rt, hash);
    let refund: u128 = out
        .receipts
        .iter()
        .filter(|rc| rc.predecessor_id.is_system())
        .filter_map(|rc| match &rc.receipt {
            ReceiptEnumView::Action { actions, .. } => match actions.first() {
                Some(near_primitives::views::ActionView::Transfer { deposit }) => {
                    Some(deposit.as_yoctonear())
                }
                _ => None,
            },
            _ => None,
        })
        .sum();
    assert!(refund > 0, "a gas refund");
    let cost = rt_cost(&out);
    let key = r.rt.access_key(&alice, &secret.public_key()).expect("key");
    let AccessKeyPermission::FunctionCall(p) = &key.permission else { panic!("fc key") };
    assert_eq!(p.allowance.map(|a| a.as_yoctonear()), Some(allowance - cost + refund));
    assert!(matches!(r.rt.tx_status(&hash), TxStatus::Known { .. }));
    let err = r.rt.submit_signed(sign(&r.rt, "poor", nonce)).expect_err("not enough allowance");
    assert!(err.to_string().contains("does not have enough balance"), "{err}");
    assert!(out
        .final_outcome
        .receipts_outcome
        .iter()
        .all(|o| !matches!(o.outcome.status, ExecutionStatusView::Failure(_))));
}

/// What the signer was charged at conversion: burnt send fees + prepaid gas at the purchase
/// price (no deposit).
fn rt_cost(out: &near_primitives::views::FinalExecutionOutcomeWithReceiptView) -> u128 {
    let to = &out.final_outcome.transaction_outcome.outcome;
    let prepaid = match &out.receipts[0].receipt {
        ReceiptEnumView::Action { actions, gas_price, .. } => {
            let fees = near_parameters::RuntimeConfigStore::new(None);
            let config = fees.get_config(86);
            let exec = config
                .fees
                .fee(near_parameters::ActionCosts::new_action_receipt)
                .exec_fee()
                .gas
                .as_gas();
            let call: u64 = actions
                .iter()
                .map(|a| match a {
                    near_primitives::views::ActionView::FunctionCall {
                        gas,
                        method_name,
                        args,
                        ..
                    } => {
                        gas.as_gas()
                            + config
                                .fees
                                .fee(near_parameters::ActionCosts::function_call_base)
                                .exec_fee()
                                .gas
                                .as_gas()
                            + config
                                .fees
                                .fee(near_parameters::ActionCosts::function_call_byte)
                                .exec_fee()
                                .gas
                                .as_gas()
                                * (method_name.len() + args.len()) as u64
                    }
                    _ => 0,
                })
                .sum();
            u128::from(exec + call) * gas_price.as_yoctonear()
        }
        _ => 0,
    };
    to.tokens_burnt.as_yoctonear() + prepaid
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
