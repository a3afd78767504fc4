//! Rules of the node (issue 11) the embedded runtime follows, each through a real receipt.

use crate::common::{assert_success, run_to_final, NEAR};
use near_parameters::ActionCosts;
use near_primitives::action::{Action, CreateAccountAction, TransferAction};
use near_primitives::types::{AccountId, Balance};
use near_primitives::views::ReceiptEnumView;
use nearviz_runtime::{Runtime, RuntimeOptions, DEFAULT_PROTOCOL_VERSION, SANDBOX_GAS_PRICE};

fn id(name: &str) -> AccountId {
    name.parse().expect("account id")
}

#[test]
fn the_default_protocol_is_86_the_one_modelled_completely() {
    let rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    assert_eq!(DEFAULT_PROTOCOL_VERSION, 86);
    assert_eq!(rt.protocol_version(), 86);
    assert_eq!(rt.head().latest_protocol_version, 86, "the header says which");
}

/// Protocol 85+: a receipt that creates an account pays the account creation charge (less the
/// create-account gas it burnt) out of its gas refund, and the charge counts in `tokens_burnt`.
#[test]
fn creating_an_account_pays_the_creation_charge_out_of_the_refund() {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    let root = id("test.near");
    rt.add_genesis_account(&root, 1_000 * NEAR).expect("root");
    let actions = vec![
        Action::CreateAccount(CreateAccountAction {}),
        Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(NEAR) }),
    ];
    let tx = rt.submit(&root, &id("new.test.near"), actions).expect("submit");
    let outcome = run_to_final(&mut rt, tx);
    assert_success(&rt, tx, "creating an account");
    let fo = &outcome.final_outcome;
    let created = &fo.receipts_outcome[0].outcome;
    let config = &rt.config().runtime;
    let charge = config.account_creation_charge.as_yoctonear();
    let create_gas = config.fees.fee(ActionCosts::create_account).exec_fee().gas.as_gas();
    let extra = charge - u128::from(create_gas) * SANDBOX_GAS_PRICE;
    assert_eq!(
        created.tokens_burnt.as_yoctonear(),
        u128::from(created.gas_burnt.as_gas()) * SANDBOX_GAS_PRICE + extra,
        "tokens burnt include the creation charge"
    );
    // The refund is the price difference of the burnt gas (bought at 1e9, burnt at 1e8) less
    // the charge; no gas was left unused (no function call).
    let purchase = rt.config().receipt_gas_price();
    let surplus = (purchase - SANDBOX_GAS_PRICE) * u128::from(created.gas_burnt.as_gas());
    let refund = outcome
        .receipts
        .iter()
        .find(|r| r.predecessor_id.is_system())
        .map(|r| match &r.receipt {
            ReceiptEnumView::Action { actions, .. } => format!("{actions:?}"),
            other => format!("{other:?}"),
        })
        .expect("a gas refund");
    assert!(
        refund.contains(&(surplus - extra).to_string()),
        "refund {refund}, expected {}",
        surplus - extra
    );
    let account = rt.account(&id("new.test.near")).expect("created");
    assert_eq!(account.amount().as_yoctonear(), NEAR);
}

/// `metadata.contracts`: one entry per action (the receiver's contract before it ran), `null`
/// for the actions after the one that failed.
#[test]
fn metadata_has_one_entry_per_action_null_for_those_that_did_not_run() {
    let mut r = crate::common::reference_chain(Some(86));
    let (alice, hello) = (r.alice.clone(), r.hello.clone());
    let actions = vec![
        Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(1) }),
        crate::common::function_call("no_such_method", b"{}", 10u64.pow(13), 0),
        Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(1) }),
    ];
    let tx = r.rt.submit(&alice, &hello, actions).expect("submit");
    let outcome = run_to_final(&mut r.rt, tx);
    let failed = &outcome.final_outcome.receipts_outcome[0].outcome;
    let json = serde_json::to_value(&failed.metadata).expect("json");
    let contracts = json["contracts"].as_array().expect("contracts");
    assert_eq!(contracts.len(), 3, "{json}");
    assert!(!contracts[0].is_null() && !contracts[1].is_null(), "{json}");
    assert!(contracts[2].is_null(), "the third action did not run: {json}");
    assert_eq!(json["version"], 4);
}
