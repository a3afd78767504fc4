//! Access-key actions: `AddKey` and `DeleteKey`, with the storage each key takes.

use super::{not_modelled, ActionEnv, ActionResult};
use crate::state::{access_key_storage, AccountRecord};
use near_primitives::account::AccessKeyPermission;
use near_primitives::action::{AddKeyAction, DeleteKeyAction};
use near_primitives::errors::ActionErrorKind;

/// `AddKey`: a full-access or function-call key (gas keys are not modelled); its nonce starts
/// at `(height - 1) * 1e6`, as on a node.
pub fn action_add_key(
    env: &mut ActionEnv<'_>,
    add: &AddKeyAction,
    record: &mut AccountRecord,
    result: &mut ActionResult,
) {
    if record.access_keys.contains_key(&add.public_key) {
        return result.fail(ActionErrorKind::AddKeyAlreadyExists {
            account_id: env.receipt.receiver_id().clone(),
            public_key: Box::new(add.public_key.clone()),
        });
    }
    if !matches!(
        add.access_key.permission,
        AccessKeyPermission::FullAccess | AccessKeyPermission::FunctionCall(_)
    ) {
        return result.fail(not_modelled("AddKey with a gas key", env.config.protocol_version));
    }
    let mut key = add.access_key.clone();
    key.nonce = env.block_height.saturating_sub(1) * 1_000_000;
    let extra = env.config.runtime.fees.storage_usage_config.num_extra_bytes_record;
    let usage = record.account.storage_usage() + access_key_storage(&add.public_key, &key, extra);
    record.account.set_storage_usage(usage);
    record.access_keys.insert(add.public_key.clone(), key);
}

/// `DeleteKey`: the key must exist; its storage is freed.
pub fn action_delete_key(
    env: &mut ActionEnv<'_>,
    delete: &DeleteKeyAction,
    record: &mut AccountRecord,
    result: &mut ActionResult,
) {
    let public_key = &delete.public_key;
    let Some(key) = record.access_keys.remove(public_key) else {
        return result.fail(ActionErrorKind::DeleteKeyDoesNotExist {
            account_id: env.receipt.receiver_id().clone(),
            public_key: Box::new(public_key.clone()),
        });
    };
    let extra = env.config.runtime.fees.storage_usage_config.num_extra_bytes_record;
    let usage =
        record.account.storage_usage().saturating_sub(access_key_storage(public_key, &key, extra));
    record.account.set_storage_usage(usage);
}
