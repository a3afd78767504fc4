//! Runs `hello.get_greeting` on a fresh embedded chain and prints the outcome as JSON (also
//! used to measure what the VM adds to a release binary).

use near_primitives::account::{AccessKey, AccessKeyPermission};
use near_primitives::action::{
    Action, AddKeyAction, CreateAccountAction, DeployContractAction, FunctionCallAction,
    TransferAction,
};
use near_primitives::types::{AccountId, Balance, Gas};
use nearviz_runtime::{public_key_for, Runtime, RuntimeOptions, TxStatus};
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let wasm_path = std::env::args().nth(1).ok_or("usage: reference_call <hello.wasm>")?;
    let code = std::fs::read(&wasm_path)?;
    let mut rt = Runtime::new(RuntimeOptions::default())?;
    let root: AccountId = "test.near".parse()?;
    let hello: AccountId = "hello.test.near".parse()?;
    rt.add_genesis_account(&root, 10u128.pow(30))?;
    let actions = vec![
        Action::CreateAccount(CreateAccountAction {}),
        Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(10u128.pow(25)) }),
        Action::AddKey(Box::new(AddKeyAction {
            public_key: public_key_for(&hello),
            access_key: AccessKey { nonce: 0, permission: AccessKeyPermission::FullAccess },
        })),
        Action::DeployContract(DeployContractAction { code }),
    ];
    rt.submit(&root, &hello, actions)?;
    let call = Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: "get_greeting".into(),
        args: Vec::new(),
        gas: Gas::from_teragas(30),
        deposit: Balance::ZERO,
    }));
    for _ in 0..4 {
        rt.produce_block();
    }
    let tx = rt.submit(&root, &hello, vec![call])?;
    for _ in 0..6 {
        rt.produce_block();
    }
    let mut out = std::io::stdout().lock();
    match rt.tx_status(&tx) {
        TxStatus::Known { outcome, .. } => {
            writeln!(out, "{}", serde_json::to_string_pretty(&outcome)?)?
        }
        other => writeln!(out, "{other:?}")?,
    }
    Ok(())
}
