//! `init`: a home as `neard init --fast` leaves it for a one-node local chain: `config.json`,
//! `genesis.json` (with its `records`), `validator_key.json` and `node_key.json`.
//!
//! The genesis is neard's localnet one at protocol 86: the validator account (`test.near`)
//! holds 1,000,000,000 NEAR and stakes 50,000,000 more, the treasury account `near` holds
//! 1,000,000,000 NEAR, so the total supply is 2,050,000,000 NEAR; gas costs 1e8 yocto at least,
//! a chunk holds 1,000 Tgas and an epoch is 60 blocks.

use super::cli::InitArgs;
use super::files::{self, CONFIG_FILE, GENESIS_FILE, NODE_KEY_FILE, VALIDATOR_KEY_FILE};
use crate::exit::Failure;
use crate::scenario::ROOT_ACCOUNT;
use crate::serve::KeyFile;
use anyhow::Context;
use near_crypto::{KeyType, SecretKey};
use near_primitives::account::{AccessKey, Account, AccountContract};
use near_primitives::hash::CryptoHash;
use near_primitives::state_record::StateRecord;
use near_primitives::types::{AccountId, Balance};
use serde_json::{json, Value};
use std::path::Path;

/// 1 NEAR in yoctoNEAR.
const NEAR: u128 = 10u128.pow(24);
/// The validator's liquid balance and its stake (neard's `TESTING_INIT_BALANCE` / `_STAKE`).
const INIT_BALANCE: u128 = 1_000_000_000 * NEAR;
const INIT_STAKE: u128 = 50_000_000 * NEAR;
/// The protocol treasury account neard's localnet genesis adds.
const TREASURY: &str = "near";

/// Writes the four files into `home` (created when missing). A home that holds a
/// `config.json` already is left alone: bad input, as neard refuses it too.
pub fn init(home: &Path, args: &InitArgs) -> anyhow::Result<()> {
    if home.join(CONFIG_FILE).exists() {
        return Err(Failure::bad_input(format!(
            "{}: already initialised (config.json exists)",
            home.display()
        )));
    }
    if args.num_shards != 1 {
        return Err(Failure::bad_input(format!(
            "--num-shards {}: the embedded chain has one shard",
            args.num_shards
        )));
    }
    std::fs::create_dir_all(home)
        .with_context(|| format!("cannot create the home directory {}", home.display()))?;
    let account_id: AccountId = match &args.account_id {
        Some(id) => id.clone(),
        None => ROOT_ACCOUNT.parse().context("the root account id")?,
    };
    let seed = args.test_seed.as_deref().unwrap_or(account_id.as_str());
    let secret_key = SecretKey::from_seed(KeyType::ED25519, seed);
    let validator =
        KeyFile { account_id: account_id.clone(), public_key: secret_key.public_key(), secret_key };
    let node_secret = SecretKey::from_random(KeyType::ED25519);
    let node = json!({
        "account_id": "node",
        "public_key": node_secret.public_key(),
        "secret_key": node_secret,
    });
    let genesis = match &args.genesis {
        Some(path) => files::read_json(path)?,
        None => genesis(&validator, args.chain_id.clone().unwrap_or_else(random_chain_id))?,
    };
    files::write_json(&home.join(GENESIS_FILE), &genesis)?;
    files::write_json(&home.join(VALIDATOR_KEY_FILE), &serde_json::to_value(&validator)?)?;
    files::write_json(&home.join(NODE_KEY_FILE), &node)?;
    // config.json last: its presence says the home is complete.
    files::write_json(&home.join(CONFIG_FILE), &config())?;
    Ok(())
}

/// `test-chain-` and five base58 characters, as neard names a local chain.
fn random_chain_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let hash = CryptoHash::hash_borsh((nanos, std::process::id()));
    let text = bs58::encode(hash.as_ref()).into_string();
    format!("test-chain-{}", &text[..5])
}

/// An account record and its full-access key record.
fn account_records(id: &AccountId, key: &KeyFile, amount: u128, locked: u128) -> [StateRecord; 2] {
    let account = Account::new(
        Balance::from_yoctonear(amount),
        Balance::from_yoctonear(locked),
        AccountContract::None,
        0,
    );
    [
        StateRecord::Account { account_id: id.clone(), account },
        StateRecord::access_key(id.clone(), key.public_key.clone(), AccessKey::full_access()),
    ]
}

/// neard's localnet genesis with `validator` as its one validator.
fn genesis(validator: &KeyFile, chain_id: String) -> anyhow::Result<Value> {
    let treasury_id: AccountId = TREASURY.parse().context("the treasury account id")?;
    let treasury_secret = SecretKey::from_seed(KeyType::ED25519, TREASURY);
    let treasury = KeyFile {
        account_id: treasury_id.clone(),
        public_key: treasury_secret.public_key(),
        secret_key: treasury_secret,
    };
    let mut records = Vec::new();
    records.extend(account_records(&validator.account_id, validator, INIT_BALANCE, INIT_STAKE));
    records.extend(account_records(&treasury_id, &treasury, INIT_BALANCE, 0));
    let total_supply = INIT_BALANCE + INIT_STAKE + INIT_BALANCE;
    let now_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    Ok(json!({
        "protocol_version": nearviz_runtime::DEFAULT_PROTOCOL_VERSION,
        "genesis_time": crate::serve::rfc3339(now_ns),
        "chain_id": chain_id,
        "genesis_height": 0,
        "num_block_producer_seats": 50,
        "num_block_producer_seats_per_shard": [50],
        "avg_hidden_validator_seats_per_shard": [0],
        "dynamic_resharding": false,
        "protocol_upgrade_stake_threshold": [4, 5],
        "epoch_length": nearviz_runtime::SANDBOX_EPOCH_LENGTH,
        "gas_limit": nearviz_runtime::CHUNK_GAS_LIMIT,
        "min_gas_price": nearviz_runtime::SANDBOX_GAS_PRICE.to_string(),
        "max_gas_price": nearviz_runtime::MAX_GAS_PRICE.to_string(),
        "block_producer_kickout_threshold": 90,
        "chunk_producer_kickout_threshold": 90,
        "chunk_validator_only_kickout_threshold": 80,
        "online_min_threshold": [90, 100],
        "online_max_threshold": [99, 100],
        "gas_price_adjustment_rate": [1, 100],
        "validators": [{
            "account_id": validator.account_id,
            "public_key": validator.public_key,
            "amount": INIT_STAKE.to_string(),
        }],
        "transaction_validity_period": 100,
        "protocol_reward_rate": [1, 10],
        "max_inflation_rate": [1, 20],
        "total_supply": total_supply.to_string(),
        "num_blocks_per_year": 31_536_000,
        "protocol_treasury_account": validator.account_id,
        "fishermen_threshold": (10 * NEAR).to_string(),
        "minimum_stake_divisor": 10,
        "shard_layout": { "V0": { "num_shards": 1, "version": 0 } },
        "num_chunk_only_producer_seats": 300,
        "minimum_validators_per_shard": 1,
        "max_kickout_stake_perc": 100,
        "minimum_stake_ratio": [1, 6250],
        "use_production_config": false,
        "records": records,
    }))
}

/// The parts of neard's `config.json` a launcher merges into or nearviz reads.
fn config() -> Value {
    json!({
        "genesis_file": GENESIS_FILE,
        "genesis_records_file": null,
        "validator_key_file": VALIDATOR_KEY_FILE,
        "node_key_file": NODE_KEY_FILE,
        "rpc": {
            "addr": "0.0.0.0:3030",
            "cors_allowed_origins": ["*"],
            "limits_config": { "json_payload_max_size": 10 * 1024 * 1024 },
        },
        "network": { "addr": "0.0.0.0:24567", "boot_nodes": "" },
        "consensus": {
            "min_block_production_delay": { "secs": 0, "nanos": 100_000_000 },
            "max_block_production_delay": { "secs": 0, "nanos": 300_000_000 },
        },
        "store": { "path": null, "max_open_files": 10_000 },
        "archive": false,
        "log_summary_style": "plain",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_genesis_is_neards_localnet_one() {
        let validator = crate::serve::root_key().expect("root key");
        let genesis = genesis(&validator, "test-chain-abcde".into()).expect("genesis");
        assert_eq!(genesis["protocol_version"], 86);
        assert_eq!(genesis["epoch_length"], 60);
        assert_eq!(genesis["min_gas_price"], "100000000");
        assert_eq!(genesis["total_supply"], "2050000000000000000000000000000000");
        let records = genesis["records"].as_array().expect("records");
        assert_eq!(records.len(), 4);
        assert_eq!(records[0]["Account"]["account_id"], "test.near");
        assert_eq!(records[0]["Account"]["account"]["locked"], INIT_STAKE.to_string());
        assert_eq!(records[1]["AccessKey"]["public_key"], json!(validator.public_key));
        assert_eq!(records[1]["AccessKey"]["access_key"]["permission"], "FullAccess");
        assert!(random_chain_id().starts_with("test-chain-"));
        assert_eq!(random_chain_id().len(), "test-chain-1PgQs".len());
    }
}
