//! The root account's key, written where clients read it: neard's `validator_key.json` shape
//! (`account_id`, `public_key`, `secret_key`), which near-cli and near-api-js scripts load.
//!
//! The embedded runtime derives every genesis key from the account id, so this is a
//! well-known development key, like the sandbox's: never use it for anything of value.

use crate::scenario::ROOT_ACCOUNT;
use anyhow::Context;
use near_crypto::{KeyType, PublicKey, SecretKey};
use near_primitives::types::AccountId;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The contents of the key file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
    pub account_id: AccountId,
    pub public_key: PublicKey,
    pub secret_key: SecretKey,
}

/// The root account (`test.near`) and its full-access key as the embedded runtime derives it.
pub fn root_key() -> anyhow::Result<KeyFile> {
    let account_id: AccountId = ROOT_ACCOUNT.parse().context("the root account id")?;
    let secret_key = SecretKey::from_seed(KeyType::ED25519, account_id.as_str());
    let public_key = secret_key.public_key();
    debug_assert_eq!(public_key, nearviz_runtime::public_key_for(&account_id));
    Ok(KeyFile { account_id, public_key, secret_key })
}

/// Writes `key` to `path` (creating the directory), readable by the owner only on Unix.
pub fn write_key_file(path: &Path, key: &KeyFile) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    }
    let json = serde_json::to_string_pretty(key).context("encoding the key file")?;
    std::fs::write(path, json + "\n")
        .with_context(|| format!("cannot write the key file {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_has_neards_shape_and_the_runtimes_key() {
        let key = root_key().expect("root key");
        assert_eq!(key.public_key, nearviz_runtime::public_key_for(&key.account_id));
        let json: serde_json::Value = serde_json::to_value(&key).expect("json");
        assert_eq!(json["account_id"], "test.near");
        assert!(json["public_key"].as_str().is_some_and(|k| k.starts_with("ed25519:")));
        assert!(json["secret_key"].as_str().is_some_and(|k| k.starts_with("ed25519:")));
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/validator_key.json");
        write_key_file(&path, &key).expect("write");
        let back: KeyFile =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("parse");
        assert_eq!(back, key);
    }
}
