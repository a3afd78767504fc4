//! Scenarios: which accounts exist with which contracts, how they are initialised, and the
//! named calls users can trigger. The built-in examples are one such TOML file
//! (`scenarios/examples.toml`) compiled into the binary; `--scenario my.toml` loads a user's own.

use serde::Deserialize;
use std::path::PathBuf;

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

/// A named call users trigger with a key.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// Short name for keys, the history and `--call NAME`.
    pub name: String,
    pub signer: String,
    pub receiver: String,
    pub method: String,
    #[serde(default)]
    pub args: serde_json::Value,
    /// NEAR amount as text (`"0.01"`), default 0.
    pub deposit: Option<String>,
    /// Gas as text (`"300 Tgas"` or a gas number), default 300 Tgas.
    pub gas: Option<String>,
    /// What to notice, for workshops (one or two sentences).
    pub explain: String,
}

/// Where a scenario came from, for resolving relative wasm paths.
#[derive(Clone, Debug)]
pub enum Source {
    BuiltIn,
    File(PathBuf),
}
