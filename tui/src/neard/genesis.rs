//! Reading a `genesis.json` as a launcher left it, and building the embedded chain from it.
//!
//! Read: the fields that change execution (`protocol_version`, `chain_id`, `epoch_length`,
//! `min_gas_price` (the genesis block's price and the lowest), `max_gas_price`,
//! `total_supply`) and every state record (`records`, or config.json's
//! `genesis_records_file`). Everything else a genesis holds is accepted and ignored.

use crate::exit::Failure;
use near_primitives::state_record::StateRecord;
use nearviz_runtime::{GenesisParams, RecordOrigin, Runtime, RuntimeOptions};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The record kinds a genesis may hold (nearcore's `StateRecord` variants).
const RECORD_KINDS: [&str; 8] = [
    "Account",
    "Data",
    "Contract",
    "AccessKey",
    "PostponedReceipt",
    "ReceivedData",
    "DelayedReceipt",
    "GasKeyNonce",
];

/// A genesis, read and checked.
#[derive(Debug)]
pub struct Genesis {
    pub path: PathBuf,
    pub protocol_version: u32,
    pub min_gas_price: u128,
    pub params: GenesisParams,
    pub records: Vec<StateRecord>,
}

impl Genesis {
    /// Reads `path`; `records_file`, when config.json names one, holds the records instead.
    pub fn read(path: &Path, records_file: Option<&Path>) -> anyhow::Result<Self> {
        let value = super::files::read_json(path)?;
        let bad = |what: String| Failure::bad_input(format!("{}: {what}", path.display()));
        let Value::Object(fields) = &value else {
            return Err(bad("not a JSON object".to_owned()));
        };
        let defaults = GenesisParams::default();
        let protocol_version = match fields.get("protocol_version") {
            None => nearviz_runtime::DEFAULT_PROTOCOL_VERSION,
            Some(v) => v
                .as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| bad(format!("field `protocol_version`: {v} is not a version")))?,
        };
        let number = |name: &str, default: u128| -> anyhow::Result<u128> {
            match fields.get(name) {
                None => Ok(default),
                Some(v) => {
                    amount(v).ok_or_else(|| bad(format!("field `{name}`: {v} is not an amount")))
                }
            }
        };
        let chain_id = match fields.get("chain_id") {
            None => defaults.chain_id.clone(),
            Some(Value::String(id)) if !id.is_empty() => id.clone(),
            Some(v) => return Err(bad(format!("field `chain_id`: {v} is not a chain id"))),
        };
        let epoch_length = number("epoch_length", u128::from(defaults.epoch_length))?;
        let params = GenesisParams {
            chain_id,
            epoch_length: u64::try_from(epoch_length)
                .ok()
                .filter(|len| *len > 0)
                .ok_or_else(|| bad(format!("field `epoch_length`: {epoch_length} blocks")))?,
            total_supply: number("total_supply", defaults.total_supply)?,
            max_gas_price: number("max_gas_price", defaults.max_gas_price)?,
        };
        let min_gas_price = number("min_gas_price", nearviz_runtime::SANDBOX_GAS_PRICE)?;
        let records = match records_file {
            Some(file) => {
                let list = super::files::read_json(file)?;
                parse_records(file, &list)?
            }
            None => match fields.get("records") {
                Some(list) => parse_records(path, list)?,
                None => {
                    return Err(bad("no `records` (and config.json names no records file)".into()))
                }
            },
        };
        Ok(Genesis { path: path.to_owned(), protocol_version, min_gas_price, params, records })
    }

    /// The embedded chain at this genesis: its numbers, then its records, written at once.
    /// A record the runtime cannot hold (a key for a missing account...) is bad input.
    pub fn runtime(self, cache_dir: Option<PathBuf>, now_ns: u64) -> anyhow::Result<Runtime> {
        let path = self.path.display().to_string();
        let options = RuntimeOptions {
            protocol_version: Some(self.protocol_version),
            gas_price: self.min_gas_price,
            cache_dir,
            genesis_timestamp_ns: now_ns,
            genesis: self.params,
            ..RuntimeOptions::default()
        };
        let mut rt = Runtime::new(options).map_err(|err| match err {
            nearviz_runtime::RuntimeError::UnsupportedProtocolVersion { .. } => {
                Failure::bad_input(format!("{path}: field `protocol_version`: {err}"))
            }
            other => anyhow::Error::new(other).context("starting the embedded runtime"),
        })?;
        rt.apply_state_records(self.records, RecordOrigin::Genesis)
            .map_err(|err| Failure::bad_input(format!("{path}: records: {err}")))?;
        Ok(rt)
    }
}

/// An amount as a genesis writes it: a decimal string, or a plain JSON number.
fn amount(value: &Value) -> Option<u128> {
    match value {
        Value::String(text) => text.parse().ok(),
        Value::Number(n) => n.as_u64().map(u128::from),
        _ => None,
    }
}

/// Each record of `list`, its kind checked first so an unknown one is named as such.
fn parse_records(path: &Path, list: &Value) -> anyhow::Result<Vec<StateRecord>> {
    let bad = |what: String| Failure::bad_input(format!("{}: {what}", path.display()));
    let Value::Array(items) = list else {
        return Err(bad("`records` is not a list".to_owned()));
    };
    let mut records = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let kind = match item {
            Value::Object(map) if map.len() == 1 => map.keys().next().cloned().unwrap_or_default(),
            _ => return Err(bad(format!("records[{i}]: not a record (one kind, one value)"))),
        };
        if !RECORD_KINDS.contains(&kind.as_str()) {
            return Err(bad(format!("records[{i}]: unknown record kind `{kind}`")));
        }
        let record = serde_json::from_value(item.clone())
            .map_err(|err| bad(format!("records[{i}] ({kind}): {err}")))?;
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn write(dir: &Path, value: &Value) -> PathBuf {
        let path = dir.join("genesis.json");
        std::fs::write(&path, value.to_string()).expect("write");
        path
    }

    #[test]
    fn the_fields_that_matter_are_read_and_the_rest_ignored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(
            dir.path(),
            &json!({
                "protocol_version": 85, "chain_id": "localnet", "epoch_length": 10,
                "min_gas_price": "200000000", "max_gas_price": "300000000",
                "total_supply": "1000", "anything": {"else": 1},
                "records": [{"Account": {"account_id": "a.near", "account": {
                    "amount": "10", "locked": "0", "code_hash": "11111111111111111111111111111111",
                    "storage_usage": 182}}}],
            }),
        );
        let genesis = Genesis::read(&path, None).expect("read");
        assert_eq!(genesis.protocol_version, 85);
        assert_eq!(genesis.min_gas_price, 200_000_000);
        assert_eq!(genesis.params.chain_id, "localnet");
        assert_eq!(genesis.params.epoch_length, 10);
        assert_eq!(genesis.params.max_gas_price, 300_000_000);
        assert_eq!(genesis.params.total_supply, 1000);
        assert_eq!(genesis.records.len(), 1);
    }

    #[test]
    fn bad_genesis_errors_name_the_file_and_the_field() {
        let dir = tempfile::tempdir().expect("tempdir");
        let unknown = write(dir.path(), &json!({"records": [{"Bogus": {}}]}));
        let err = Genesis::read(&unknown, None).expect_err("unknown kind").to_string();
        assert!(err.ends_with("genesis.json: records[0]: unknown record kind `Bogus`"), "{err}");
        let epoch = write(dir.path(), &json!({"epoch_length": "x", "records": []}));
        let err = Genesis::read(&epoch, None).expect_err("bad epoch").to_string();
        assert!(err.contains("field `epoch_length`"), "{err}");
        let err = Genesis::read(&dir.path().join("nope.json"), None).expect_err("missing");
        assert!(err.to_string().contains("nope.json: cannot read it"), "{err}");
        assert_eq!(crate::exit::classify(&err), crate::exit::ExitKind::BadInput);
    }
}
