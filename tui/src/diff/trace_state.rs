//! Reading back the `state_changes`, `reverted_changes`, `ledger` and `ledger_summary` of a
//! trace JSON (`docs/trace-json.md`), so saved traces compare on state too.
//!
//! The JSON keeps what the comparison reads: the cause and kind, the account, storage keys and
//! values (base64), account amounts with their befores, storage usage, locked, code hashes, a
//! key's nonce and permission (as `FullAccess` / `FunctionCall(receiver)` / `GasKey`: a
//! function-call key's method names and allowance are not kept, nor are compared). A before
//! account keeps only its amount and storage usage (its other fields are taken from after).
//! Traces written before state changes existed have none: they read as "not recorded".

use crate::chain::BlockHash;
use crate::model::{Before, Cause, ChangeKind, ChangeValue, Ledger, LedgerRow, StateChange};
use base64::Engine as _;
use near_primitives::hash::CryptoHash;
use near_primitives::types::Balance;
use near_primitives::views::{AccessKeyPermissionView, AccessKeyView, AccountView};
use serde::Deserialize;
use serde_json::json;

/// One `StateChange` object (every kind's fields; those of other kinds are absent or null).
#[derive(Deserialize)]
pub(super) struct StateJson {
    cause: Cause,
    kind: ChangeKind,
    account: String,
    block_hash: String,
    block_height: Option<u64>,
    amount: Option<String>,
    amount_before: Option<String>,
    locked: Option<String>,
    storage_usage: Option<u64>,
    storage_usage_before: Option<u64>,
    code_hash: Option<String>,
    before_unknown: Option<BeforeUnknown>,
    key_base64: Option<String>,
    value_base64: Option<String>,
    before_base64: Option<String>,
    public_key: Option<String>,
    nonce: Option<u64>,
    permission: Option<String>,
    code_len: Option<usize>,
}

#[derive(Deserialize)]
pub(super) struct BeforeUnknown {
    known: bool,
    reason: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct LedgerRowJson {
    account: String,
    net: String,
    deposits_in: String,
    deposits_out: String,
    gas_bought: String,
    refunds: String,
    rewards: String,
    other: String,
}

#[derive(Deserialize)]
pub(super) struct LedgerSummaryJson {
    tokens_burnt: String,
    #[serde(default)]
    inferred: Vec<String>,
    #[serde(default)]
    unknown: Vec<String>,
}

fn bytes(s: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|_| format!("`{}` is not base64", crate::output::text::clip(s, 40)))
}

fn hash(s: &str) -> Result<CryptoHash, String> {
    s.parse().map_err(|_| format!("`{s}` is not a base58 hash"))
}

fn yocto(s: &str) -> Result<Balance, String> {
    s.parse().map(Balance::from_yoctonear).map_err(|_| format!("`{s}` is not a yoctoNEAR amount"))
}

fn signed(s: &str) -> Result<i128, String> {
    s.parse().map_err(|_| format!("`{s}` is not a signed yoctoNEAR amount"))
}

const NO_CODE: &str = "11111111111111111111111111111111";

fn account_view(
    amount: &str,
    locked: &str,
    code_hash: &str,
    storage: u64,
) -> Result<AccountView, String> {
    yocto(amount)?;
    yocto(locked)?;
    hash(code_hash)?;
    let v = json!({ "amount": amount, "locked": locked, "code_hash": code_hash,
                    "storage_usage": storage });
    serde_json::from_value(v).map_err(|e| format!("an account change: {e}"))
}

fn permission(p: Option<&str>) -> Result<AccessKeyPermissionView, String> {
    Ok(match p {
        Some("FullAccess") => AccessKeyPermissionView::FullAccess,
        Some("GasKey") => {
            AccessKeyPermissionView::GasKeyFullAccess { balance: Balance::ZERO, num_nonces: 0 }
        }
        Some(p) => match p.strip_prefix("FunctionCall(").and_then(|r| r.strip_suffix(')')) {
            Some(receiver) => AccessKeyPermissionView::FunctionCall {
                allowance: None,
                receiver_id: receiver.to_string(),
                method_names: Vec::new(),
            },
            None => return Err(format!("unknown access key permission `{p}`")),
        },
        None => return Err("an access key update without `permission`".into()),
    })
}

fn change(c: StateJson) -> Result<StateChange, String> {
    use ChangeKind as K;
    let kind = c.kind;
    let unknown = c.before_unknown.filter(|b| !b.known).map(|b| b.reason);
    let value = match kind {
        K::AccountUpdate | K::AccountDeletion => {
            let locked = c.locked.as_deref().unwrap_or("0");
            let code = c.code_hash.as_deref().unwrap_or(NO_CODE);
            let after = match (kind, &c.amount) {
                (K::AccountUpdate, Some(amount)) => {
                    Some(account_view(amount, locked, code, c.storage_usage.unwrap_or(0))?)
                }
                (K::AccountUpdate, None) => return Err("an account update without `amount`".into()),
                _ => None,
            };
            let before = match (unknown, &c.amount_before) {
                (Some(reason), _) => Before::Unknown(reason),
                (None, Some(amount)) => Before::Known(Some(account_view(
                    amount,
                    locked,
                    code,
                    c.storage_usage_before.unwrap_or(0),
                )?)),
                (None, None) => Before::Known(None),
            };
            ChangeValue::Account { after, before }
        }
        K::DataUpdate | K::DataDeletion => {
            let key = bytes(c.key_base64.as_deref().ok_or("a data change without `key_base64`")?)?;
            let after = c.value_base64.as_deref().map(bytes).transpose()?;
            if kind == K::DataUpdate && after.is_none() {
                return Err("a data update without `value_base64`".into());
            }
            let before = match (unknown, &c.before_base64) {
                (Some(reason), _) => Before::Unknown(reason),
                (None, Some(b)) => Before::Known(Some(bytes(b)?)),
                (None, None) => Before::Known(None),
            };
            ChangeValue::Data { key, after, before }
        }
        K::AccessKeyUpdate | K::AccessKeyDeletion => {
            let public_key = c.public_key.ok_or("an access key change without `public_key`")?;
            let after = if kind == K::AccessKeyUpdate {
                let nonce = c.nonce.ok_or("an access key update without `nonce`")?;
                Some(AccessKeyView { nonce, permission: permission(c.permission.as_deref())? })
            } else {
                None
            };
            ChangeValue::AccessKey { public_key, after, before: Before::Unknown(None) }
        }
        K::ContractCodeUpdate | K::ContractCodeDeletion => ChangeValue::ContractCode {
            code_hash: c.code_hash.as_deref().map(hash).transpose()?,
            len: c.code_len.unwrap_or(0),
        },
        K::GasKeyNonceUpdate => ChangeValue::Other,
    };
    Ok(StateChange {
        cause: c.cause,
        kind,
        account: c.account.parse().map_err(|e| format!("`{}`: {e}", c.account))?,
        block: BlockHash(hash(&c.block_hash)?),
        block_height: c.block_height,
        value,
    })
}

/// A `state_changes` or `reverted_changes` list; the error is one line.
pub(super) fn changes(list: Vec<StateJson>) -> Result<Vec<StateChange>, String> {
    list.into_iter().map(change).collect::<Result<_, _>>().map_err(|e| format!("state change: {e}"))
}

/// The `ledger` rows and `ledger_summary` (absent in traces without state: an empty ledger).
pub(super) fn ledger(
    rows: Vec<LedgerRowJson>,
    summary: Option<LedgerSummaryJson>,
) -> Result<Ledger, String> {
    let rows = rows
        .into_iter()
        .map(|r| {
            Ok(LedgerRow {
                account: r.account.parse().map_err(|e| format!("`{}`: {e}", r.account))?,
                net: signed(&r.net)?,
                deposits_in: signed(&r.deposits_in)?,
                deposits_out: signed(&r.deposits_out)?,
                gas_bought: signed(&r.gas_bought)?,
                refunds: signed(&r.refunds)?,
                rewards: signed(&r.rewards)?,
                other: signed(&r.other)?,
            })
        })
        .collect::<Result<_, String>>()
        .map_err(|e| format!("ledger: {e}"))?;
    let (tokens_burnt, inferred, unknown) = match summary {
        Some(s) => {
            (signed(&s.tokens_burnt).map_err(|e| format!("ledger: {e}"))?, s.inferred, s.unknown)
        }
        None => (0, Vec::new(), Vec::new()),
    };
    Ok(Ledger { rows, tokens_burnt, inferred, unknown })
}
