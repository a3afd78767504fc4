//! `state_changes`, `reverted_changes`, `ledger` and `ledger_summary` of the trace JSON,
//! written from and read back to the model, so saved traces compare on state too.
//!
//! The JSON keeps what the comparison reads: the cause and kind, the account, storage keys and
//! values (base64), account amounts with their befores, storage usage, locked, code hashes, a
//! key's nonce and permission (as `FullAccess` / `FunctionCall(receiver)` / `GasKey`: a
//! function-call key's method names and allowance are not kept, nor are compared). A before
//! account keeps only its amount and storage usage (its other fields are taken from after).
//! Traces written before state changes existed have none: they read as "not recorded". A
//! change's place in its block (`position`) is written when known; traces written before it was
//! kept read as "unknown", so `model::window` falls back to its strict rule for them.

use super::hash;
use crate::chain::BlockHash;
use crate::model::state_value::{base64, summary};
use crate::model::{Before, Cause, ChangeKind, ChangeValue, Ledger, LedgerRow, StateChange};
use base64::Engine as _;
use near_primitives::types::Balance;
use near_primitives::views::{AccessKeyPermissionView, AccessKeyView, AccountView};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;

/// A field one kind writes (`Some`, its value possibly `null`) and the others leave out (`None`).
type Field<T> = Option<Option<T>>;

/// Reads a field that is there (even `null`) as written.
fn written<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Field<T>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// One state change. After the common fields, each kind writes its own, in this order:
/// - accounts: `amount` .. `code_hash`, `before_unknown`;
/// - data: `key_base64` .. `value` (`key` and `value` are readable summaries, not read back);
/// - access keys: `public_key`, `nonce`, `permission`;
/// - code: `code_hash`, `code_len`.
#[derive(Serialize, Deserialize)]
pub struct StateChangeJson {
    pub cause: Cause,
    pub kind: ChangeKind,
    pub account: String,
    pub block_hash: String,
    pub block_height: Option<u64>,
    /// Its place in the block's change list ([`StateChange::position`]); left out when unknown,
    /// and absent from traces written before it was kept (read as unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub amount: Field<String>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub amount_before: Field<String>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub locked: Field<String>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub storage_usage: Field<u64>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub storage_usage_before: Field<u64>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub code_hash: Field<String>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub key_base64: Field<String>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub value_base64: Field<String>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub before_base64: Field<String>,
    /// `null`, or `{"known": false, "reason": ..}` when the before is not known.
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub before_unknown: Field<BeforeUnknownJson>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub key: Field<String>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub value: Field<String>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub public_key: Field<String>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub nonce: Field<u64>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub permission: Field<String>,
    #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
    pub code_len: Field<usize>,
}

#[derive(Serialize, Deserialize)]
pub struct BeforeUnknownJson {
    pub known: bool,
    pub reason: Option<String>,
}

/// `"ledger"`: one object per account (signed yoctoNEAR amounts as decimal strings).
#[derive(Serialize, Deserialize)]
pub struct LedgerRowJson {
    pub account: String,
    pub net: String,
    pub deposits_in: String,
    pub deposits_out: String,
    pub gas_bought: String,
    pub refunds: String,
    pub rewards: String,
    pub other: String,
}

/// `"ledger_summary"`: what the rows do not say.
#[derive(Serialize, Deserialize)]
pub struct LedgerSummaryJson {
    pub tokens_burnt: String,
    /// `sum(net) + tokens_burnt`, derived: not read back.
    #[serde(default)]
    pub imbalance: String,
    #[serde(default)]
    pub inferred: Vec<String>,
    #[serde(default)]
    pub unknown: Vec<String>,
}

impl StateChangeJson {
    /// A `state_changes` or `reverted_changes` list.
    pub fn list(changes: &[StateChange]) -> Vec<StateChangeJson> {
        changes.iter().map(StateChangeJson::of).collect()
    }

    pub fn of(c: &StateChange) -> StateChangeJson {
        let mut o = StateChangeJson {
            cause: c.cause,
            kind: c.kind,
            account: c.account.to_string(),
            block_hash: c.block.to_string(),
            block_height: c.block_height,
            position: c.position,
            amount: None,
            amount_before: None,
            locked: None,
            storage_usage: None,
            storage_usage_before: None,
            code_hash: None,
            key_base64: None,
            value_base64: None,
            before_base64: None,
            before_unknown: None,
            key: None,
            value: None,
            public_key: None,
            nonce: None,
            permission: None,
            code_len: None,
        };
        let unknown = |reason: &Option<String>| {
            Some(Some(BeforeUnknownJson { known: false, reason: reason.clone() }))
        };
        let yocto = |b: Balance| b.as_yoctonear().to_string();
        match &c.value {
            ChangeValue::Account { after, before } => {
                let (was, before_unknown) = match before {
                    Before::Known(b) => (b.as_ref(), Some(None)),
                    Before::Unknown(reason) => (None, unknown(reason)),
                };
                o.amount = Some(after.as_ref().map(|a| yocto(a.amount)));
                o.amount_before = Some(was.map(|a| yocto(a.amount)));
                o.locked = Some(after.as_ref().map(|a| yocto(a.locked)));
                o.storage_usage = Some(after.as_ref().map(|a| a.storage_usage));
                o.storage_usage_before = Some(was.map(|a| a.storage_usage));
                o.code_hash = Some(after.as_ref().map(|a| a.code_hash.to_string()));
                o.before_unknown = before_unknown;
            }
            ChangeValue::Data { key, after, before } => {
                o.key_base64 = Some(Some(base64(key)));
                o.value_base64 = Some(after.as_deref().map(base64));
                (o.before_base64, o.before_unknown) = match before {
                    Before::Known(b) => (Some(b.as_deref().map(base64)), Some(None)),
                    Before::Unknown(reason) => (Some(None), unknown(reason)),
                };
                o.key = Some(Some(summary(key)));
                o.value = Some(after.as_deref().map(summary));
            }
            ChangeValue::AccessKey { public_key, after, .. } => {
                o.public_key = Some(Some(public_key.clone()));
                o.nonce = Some(after.as_ref().map(|k| k.nonce));
                o.permission = Some(after.as_ref().map(|k| permission_name(&k.permission)));
            }
            ChangeValue::ContractCode { code_hash, len } => {
                o.code_hash = Some(code_hash.map(|h| h.to_string()));
                o.code_len = Some(Some(*len));
            }
            ChangeValue::Other => {}
        }
        o
    }
}

/// A key's permission as the JSON writes it: `FullAccess`, `FunctionCall(receiver)`, `GasKey`.
pub fn permission_name(p: &AccessKeyPermissionView) -> String {
    match p {
        AccessKeyPermissionView::FullAccess => "FullAccess".to_string(),
        AccessKeyPermissionView::FunctionCall { receiver_id, .. } => {
            format!("FunctionCall({receiver_id})")
        }
        _ => "GasKey".to_string(),
    }
}

/// The reverse of `permission_name` (a function-call key without its methods and allowance).
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

fn bytes(s: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|_| format!("`{}` is not base64", crate::output::text::clip(s, 40)))
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
    super::yocto(amount)?;
    super::yocto(locked)?;
    hash(code_hash)?;
    let v = json!({ "amount": amount, "locked": locked, "code_hash": code_hash,
                    "storage_usage": storage });
    serde_json::from_value(v).map_err(|e| format!("an account change: {e}"))
}

impl StateChangeJson {
    fn into_change(self) -> Result<StateChange, String> {
        use ChangeKind as K;
        let kind = self.kind;
        let unknown = self.before_unknown.flatten().filter(|b| !b.known).map(|b| b.reason);
        let code_hash = self.code_hash.flatten();
        let value = match kind {
            K::AccountUpdate | K::AccountDeletion => {
                let locked = self.locked.flatten();
                let locked = locked.as_deref().unwrap_or("0");
                let code = code_hash.as_deref().unwrap_or(NO_CODE);
                let after = match (kind, self.amount.flatten()) {
                    (K::AccountUpdate, Some(amount)) => Some(account_view(
                        &amount,
                        locked,
                        code,
                        self.storage_usage.flatten().unwrap_or(0),
                    )?),
                    (K::AccountUpdate, None) => {
                        return Err("an account update without `amount`".into())
                    }
                    _ => None,
                };
                let before = match (unknown, self.amount_before.flatten()) {
                    (Some(reason), _) => Before::Unknown(reason),
                    (None, Some(amount)) => Before::Known(Some(account_view(
                        &amount,
                        locked,
                        code,
                        self.storage_usage_before.flatten().unwrap_or(0),
                    )?)),
                    (None, None) => Before::Known(None),
                };
                ChangeValue::Account { after, before }
            }
            K::DataUpdate | K::DataDeletion => {
                let key = self.key_base64.flatten().ok_or("a data change without `key_base64`")?;
                let key = bytes(&key)?;
                let after = self.value_base64.flatten().as_deref().map(bytes).transpose()?;
                if kind == K::DataUpdate && after.is_none() {
                    return Err("a data update without `value_base64`".into());
                }
                let before = match (unknown, self.before_base64.flatten()) {
                    (Some(reason), _) => Before::Unknown(reason),
                    (None, Some(b)) => Before::Known(Some(bytes(&b)?)),
                    (None, None) => Before::Known(None),
                };
                ChangeValue::Data { key, after, before }
            }
            K::AccessKeyUpdate | K::AccessKeyDeletion => {
                let public_key =
                    self.public_key.flatten().ok_or("an access key change without `public_key`")?;
                let after = if kind == K::AccessKeyUpdate {
                    let nonce =
                        self.nonce.flatten().ok_or("an access key update without `nonce`")?;
                    let permission = permission(self.permission.flatten().as_deref())?;
                    Some(AccessKeyView { nonce, permission })
                } else {
                    None
                };
                ChangeValue::AccessKey { public_key, after, before: Before::Unknown(None) }
            }
            K::ContractCodeUpdate | K::ContractCodeDeletion => ChangeValue::ContractCode {
                code_hash: code_hash.as_deref().map(hash).transpose()?,
                len: self.code_len.flatten().unwrap_or(0),
            },
            K::GasKeyNonceUpdate => ChangeValue::Other,
        };
        Ok(StateChange {
            cause: self.cause,
            kind,
            account: self.account.parse().map_err(|e| format!("`{}`: {e}", self.account))?,
            block: BlockHash(hash(&self.block_hash)?),
            block_height: self.block_height,
            position: self.position,
            value,
        })
    }
}

/// A `state_changes` or `reverted_changes` list; the error is one line.
pub(super) fn changes(list: Vec<StateChangeJson>) -> Result<Vec<StateChange>, String> {
    let changes = list.into_iter().map(StateChangeJson::into_change);
    changes.collect::<Result<_, _>>().map_err(|e| format!("state change: {e}"))
}

impl LedgerRowJson {
    pub fn of(r: &LedgerRow) -> LedgerRowJson {
        let s = |v: i128| v.to_string();
        LedgerRowJson {
            account: r.account.to_string(),
            net: s(r.net),
            deposits_in: s(r.deposits_in),
            deposits_out: s(r.deposits_out),
            gas_bought: s(r.gas_bought),
            refunds: s(r.refunds),
            rewards: s(r.rewards),
            other: s(r.other),
        }
    }

    fn into_row(self) -> Result<LedgerRow, String> {
        Ok(LedgerRow {
            account: self.account.parse().map_err(|e| format!("`{}`: {e}", self.account))?,
            net: signed(&self.net)?,
            deposits_in: signed(&self.deposits_in)?,
            deposits_out: signed(&self.deposits_out)?,
            gas_bought: signed(&self.gas_bought)?,
            refunds: signed(&self.refunds)?,
            rewards: signed(&self.rewards)?,
            other: signed(&self.other)?,
        })
    }
}

impl LedgerSummaryJson {
    pub fn of(l: &Ledger) -> LedgerSummaryJson {
        LedgerSummaryJson {
            tokens_burnt: l.tokens_burnt.to_string(),
            imbalance: l.imbalance().to_string(),
            inferred: l.inferred.clone(),
            unknown: l.unknown.clone(),
        }
    }
}

/// The `ledger` rows and `ledger_summary` (absent in traces without state: an empty ledger).
pub(super) fn ledger(
    rows: Vec<LedgerRowJson>,
    summary: Option<LedgerSummaryJson>,
) -> Result<Ledger, String> {
    let rows = rows.into_iter().map(LedgerRowJson::into_row);
    let rows = rows.collect::<Result<_, String>>().map_err(|e| format!("ledger: {e}"))?;
    let (tokens_burnt, inferred, unknown) = match summary {
        Some(s) => {
            (signed(&s.tokens_burnt).map_err(|e| format!("ledger: {e}"))?, s.inferred, s.unknown)
        }
        None => (0, Vec::new(), Vec::new()),
    };
    Ok(Ledger { rows, tokens_burnt, inferred, unknown })
}
