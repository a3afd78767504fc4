//! Scenarios: which accounts exist with which contracts, how they are initialised, and the
//! named calls users can trigger. The built-in examples are one such TOML file
//! (`scenarios/examples.toml`) compiled into the binary; `--scenario my.toml` loads a user's own.
//!
//! Account names are short labels created under the sandbox root account: `hello` becomes
//! `hello.test.near`. Calls may name accounts either way.

use near_primitives::types::AccountId;
use serde::Deserialize;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

mod amount;
mod error;
mod expect;
mod steps;
mod validate;
mod wasm;

pub use amount::{
    format_near, parse_gas, parse_near_amount, AmountError, DEFAULT_CALL_GAS, GAS_PER_TGAS,
    YOCTO_PER_NEAR,
};
pub use error::ScenarioError;
pub use expect::{Expect, Expectation};
pub use steps::{CallStep, Step, MAX_AFTER_BLOCKS, MAX_STEPS};
pub use wasm::{builtin_wasm, BUILTIN_CONTRACTS};

/// The sandbox's root account: every scenario account is created under it.
pub const ROOT_ACCOUNT: &str = "test.near";

/// Balance of a scenario account when the file does not say.
pub const DEFAULT_BALANCE_NEAR: &str = "10";

/// The built-in examples, as shipped.
pub const BUILTIN_TOML: &str = include_str!("../scenarios/examples.toml");

/// A whole scenario file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Shown in the header.
    pub title: String,
    #[serde(default, rename = "account")]
    pub accounts: Vec<Account>,
    #[serde(default, rename = "init")]
    pub inits: Vec<InitCall>,
    #[serde(default, rename = "call")]
    pub calls: Vec<Call>,
    /// Where the scenario came from (set by `load`/`builtin`, not read from the file).
    #[serde(skip)]
    pub source: Source,
}

/// An account created under the root account (`hello` -> `hello.test.near`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub name: String,
    /// Contract to deploy: a path relative to the scenario file, or a built-in name
    /// (`builtin:hello`). None for plain user accounts.
    pub wasm: Option<String>,
    /// Initial balance in NEAR (`"10"`, `"0.5"`); a default when omitted.
    pub balance: Option<String>,
    /// An account of the forked network (`--fork URL`), named by its full id (`wrap.near`):
    /// not created, its state is the network's at the fork block.
    #[serde(default)]
    pub fork: bool,
}

/// A call made once after deploying, before users trigger anything (e.g. `new`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitCall {
    pub signer: String,
    pub receiver: String,
    pub method: String,
    #[serde(default)]
    pub args: serde_json::Value,
    pub deposit: Option<String>,
    pub gas: Option<String>,
}

/// A named call users trigger with a key: a plain call (`signer`, `receiver`, `method`...) or a
/// sequence of other calls (`steps`, see [`Call::steps`]).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// Short name for keys, the history and `--call NAME`.
    pub name: String,
    /// Empty for a sequence (each step's call has its own).
    #[serde(default)]
    pub signer: String,
    #[serde(default)]
    pub receiver: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub args: serde_json::Value,
    /// NEAR amount as text (`"0.01"`), default 0.
    pub deposit: Option<String>,
    /// Gas as text (`"300 Tgas"` or a gas number), default 300 Tgas.
    pub gas: Option<String>,
    /// What to notice, for workshops (one or two sentences).
    pub explain: String,
    /// A sequence: the calls this one sends, at block offsets. None for a plain call.
    #[serde(default)]
    pub steps: Option<Vec<Step>>,
    /// Only sent as a step of a sequence: left out of the calls list, keys 1-9 and `--all`.
    #[serde(default)]
    pub step_only: bool,
    /// The outcome its transaction should have (see [`Call::expectation`]); none on a sequence
    /// (its steps have theirs).
    pub expect: Option<Expect>,
    /// Text the transaction's error must contain (implies `expect = "failure"` when alone).
    pub expect_error: Option<String>,
}

/// Where a scenario came from, for resolving relative wasm paths.
#[derive(Clone, Debug, Default)]
pub enum Source {
    #[default]
    BuiltIn,
    File(PathBuf),
}

impl Source {
    /// For messages: the file path, or `built-in examples`.
    pub fn describe(&self) -> String {
        match self {
            Source::BuiltIn => "built-in examples".to_owned(),
            Source::File(path) => path.display().to_string(),
        }
    }
}

/// A call ready to sign: full account ids, argument bytes, amounts in yocto and gas.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ResolvedCall {
    pub signer: AccountId,
    pub receiver: AccountId,
    pub method: String,
    /// The JSON arguments as bytes (`{}` when the scenario gives none).
    pub args: Vec<u8>,
    pub deposit: u128,
    pub gas: u64,
}

impl Scenario {
    /// The built-in examples (hello, counter, guestbook and the cross-contract caller `xcc`).
    pub fn builtin() -> Result<Scenario, ScenarioError> {
        Self::parse(BUILTIN_TOML, Source::BuiltIn)
    }

    /// Reads and validates a scenario file; wasm paths are relative to the file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ScenarioError::Io { path: path.to_owned(), source })?;
        Self::parse(&text, Source::File(path.to_owned()))
    }

    /// `load(path)` when given a path, else `builtin()`.
    pub fn load_or_builtin(path: Option<&Path>) -> Result<Scenario, ScenarioError> {
        match path {
            Some(path) => Self::load(path),
            None => Self::builtin(),
        }
    }

    /// Parses and validates scenario TOML; `source` names it in errors and anchors wasm paths.
    pub fn parse(text: &str, source: Source) -> Result<Scenario, ScenarioError> {
        let mut scenario: Scenario = toml::from_str(text).map_err(|err| {
            let (line, column) = err.span().map(|span| line_column(text, span.start)).unzip();
            ScenarioError::Syntax {
                origin: source.describe(),
                line,
                column,
                message: err.message().trim().to_owned(),
            }
        })?;
        scenario.source = source;
        validate::validate(&scenario, text)?;
        steps::link(&mut scenario.calls);
        Ok(scenario)
    }

    /// The calls users trigger (the calls list, keys 1-9, `--all`): all but the `step_only`
    /// ones.
    pub fn listed_calls(&self) -> Vec<Call> {
        self.calls.iter().filter(|call| !call.step_only).cloned().collect()
    }

    /// The call named `name`.
    pub fn call(&self, name: &str) -> Option<&Call> {
        self.calls.iter().find(|call| call.name == name)
    }

    /// The scenario account an account reference (`alice` or `alice.test.near`) names.
    pub fn account(&self, reference: &str) -> Option<&Account> {
        let short = reference.strip_suffix(&format!(".{ROOT_ACCOUNT}")).unwrap_or(reference);
        self.accounts.iter().find(|account| account.name == short || account.name == reference)
    }

    /// The accounts of the forked network it names (`fork = true`).
    pub fn forked_accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.iter().filter(|account| account.fork)
    }

    /// The contract bytes to deploy on `account`: built-in bytes or the file's content.
    pub fn wasm(&self, account: &Account) -> Result<Option<Cow<'static, [u8]>>, ScenarioError> {
        match &account.wasm {
            None => Ok(None),
            Some(spec) => wasm::resolve(&account.name, spec, &self.source).map(Some),
        }
    }
}

impl Account {
    /// `hello` -> `hello.test.near`.
    pub fn account_id(&self) -> Result<AccountId, ScenarioError> {
        account_id(&self.name)
    }

    /// The initial balance in yocto (default 10 NEAR).
    pub fn balance_yocto(&self) -> Result<u128, ScenarioError> {
        let text = self.balance.as_deref().unwrap_or(DEFAULT_BALANCE_NEAR);
        Ok(parse_near_amount(text)?)
    }
}

impl Call {
    /// The outcome this call's transaction should have: `expect` (default success; failure
    /// when only `expect_error` is given) and the text its error must contain.
    pub fn expectation(&self) -> Expectation {
        Expectation::new(self.expect, self.expect_error.clone())
    }

    /// Full ids, argument bytes and amounts, ready to sign. For a sequence: its first step
    /// only (an engine that sends sequences uses [`Call::steps`]).
    pub fn resolve(&self) -> Result<ResolvedCall, ScenarioError> {
        if self.is_sequence() {
            return match self.first_step() {
                Some(first) => first.resolve(),
                None => Err(ScenarioError::Invalid {
                    origin: String::new(),
                    line: None,
                    message: format!("call `{}`: its steps are not linked to calls", self.name),
                }),
            };
        }
        resolve(&self.signer, &self.receiver, &self.method, &self.args, &self.deposit, &self.gas)
    }
}

impl InitCall {
    /// Full ids, argument bytes and amounts, ready to sign.
    pub fn resolve(&self) -> Result<ResolvedCall, ScenarioError> {
        resolve(&self.signer, &self.receiver, &self.method, &self.args, &self.deposit, &self.gas)
    }
}

fn resolve(
    signer: &str,
    receiver: &str,
    method: &str,
    args: &serde_json::Value,
    deposit: &Option<String>,
    gas: &Option<String>,
) -> Result<ResolvedCall, ScenarioError> {
    let args = match args {
        serde_json::Value::Null => b"{}".to_vec(),
        value => serde_json::to_vec(value).map_err(|err| ScenarioError::Invalid {
            origin: String::new(),
            line: None,
            message: format!("arguments of `{method}` cannot be encoded: {err}"),
        })?,
    };
    Ok(ResolvedCall {
        signer: account_id(signer)?,
        receiver: account_id(receiver)?,
        method: method.to_owned(),
        args,
        deposit: deposit.as_deref().map(parse_near_amount).transpose()?.unwrap_or(0),
        gas: gas.as_deref().map(parse_gas).transpose()?.unwrap_or(DEFAULT_CALL_GAS),
    })
}

/// An account reference as a full id: `alice` -> `alice.test.near`; full ids (with a dot:
/// `alice.test.near`, a forked `wrap.near`) and the root itself are kept.
pub fn account_id(reference: &str) -> Result<AccountId, ScenarioError> {
    let full = if reference == ROOT_ACCOUNT || reference.contains('.') {
        reference.to_owned()
    } else {
        format!("{reference}.{ROOT_ACCOUNT}")
    };
    full.parse::<AccountId>().map_err(|err| ScenarioError::Invalid {
        origin: String::new(),
        line: None,
        message: format!("`{reference}` is not a valid account name ({err})"),
    })
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests;
