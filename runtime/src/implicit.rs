//! Implicit accounts: a lone Transfer (not a refund) to a NEAR-implicit (64 hex) or
//! ETH-implicit (`0x` + 40 hex) id that does not exist creates it, as on the node.

use crate::actions::{ActionEnv, ActionResult};
use crate::state::{access_key_storage, AccountRecord};
use near_crypto::PublicKey;
use near_primitives::account::Account;
use near_primitives::account::{AccessKey, AccountContract};
use near_primitives::action::TransferAction;
use near_primitives::types::{AccountId, Balance};
use near_primitives_core::account::id::AccountType;

/// A lone Transfer (not a refund) to a NEAR- or ETH-implicit id that does not exist creates it.
pub fn implicit_creation_allowed(env: &ActionEnv<'_>, account_id: &AccountId) -> bool {
    let lone = env.info.actions.len() == 1;
    let is_refund = env.receipt.predecessor_id().is_system();
    let kind = account_id.get_account_type();
    let allowed = match kind {
        AccountType::NearImplicitAccount => true,
        AccountType::EthImplicitAccount => env.config.runtime.wasm_config.eth_implicit_accounts,
        _ => false,
    };
    lone && !is_refund && allowed
}

/// `Transfer` to an implicit id that does not exist: it creates the account. A NEAR-implicit
/// id gets the full-access key its name encodes; an ETH-implicit id gets no key (the node also
/// attaches its wallet contract, which the embedded runtime does not have).
pub fn action_implicit_account_creation_transfer(
    env: &mut ActionEnv<'_>,
    transfer: &TransferAction,
    account: &mut Option<AccountRecord>,
    _result: &mut ActionResult,
) {
    let account_id = env.receipt.receiver_id();
    let deposit = transfer.deposit;
    let storage = &env.config.runtime.fees.storage_usage_config;
    let mut record = AccountRecord::new(Account::new(
        deposit,
        Balance::ZERO,
        AccountContract::None,
        storage.num_bytes_account,
    ));
    if account_id.get_account_type() == AccountType::NearImplicitAccount {
        let key = hex_to_ed25519(account_id.as_str());
        if let Some(public_key) = key {
            let mut access_key = AccessKey::full_access();
            access_key.nonce = env.block_height.saturating_sub(1) * 1_000_000;
            let extra = storage.num_extra_bytes_record;
            let usage = record.account.storage_usage()
                + access_key_storage(&public_key, &access_key, extra);
            record.account.set_storage_usage(usage);
            record.access_keys.insert(public_key, access_key);
        }
    }
    *account = Some(record);
}

fn hex_to_ed25519(id: &str) -> Option<PublicKey> {
    let bytes: Option<Vec<u8>> = (0..id.len())
        .step_by(2)
        .map(|i| id.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect();
    let bytes: [u8; 32] = bytes?.try_into().ok()?;
    Some(PublicKey::ED25519(near_crypto::ED25519PublicKey(bytes)))
}
