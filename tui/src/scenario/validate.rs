//! Checks a parsed scenario before anything runs: every account reference resolves, names are
//! unique, amounts parse, wasm can be found. Errors point at the line in the file.

use super::{account_id, parse_gas, parse_near_amount, wasm, Scenario, ScenarioError};
use std::collections::HashSet;

/// Which array of tables an entry is in.
#[derive(Clone, Copy)]
enum Table {
    Account,
    Init,
    Call,
}

impl Table {
    fn header(self) -> &'static str {
        match self {
            Table::Account => "[[account]]",
            Table::Init => "[[init]]",
            Table::Call => "[[call]]",
        }
    }
}

/// Finds lines in the scenario text, for error messages.
struct Lines<'a> {
    text: &'a str,
}

impl Lines<'_> {
    /// 1-based line of the `index`-th `[[table]]` header.
    fn table(&self, table: Table, index: usize) -> Option<usize> {
        self.text
            .lines()
            .enumerate()
            .filter(|(_, line)| line.trim_start().starts_with(table.header()))
            .nth(index)
            .map(|(number, _)| number + 1)
    }

    /// 1-based line of `key = ...` inside the `index`-th `[[table]]`, else the header line.
    fn key(&self, table: Table, index: usize, key: &str) -> Option<usize> {
        let start = self.table(table, index)?;
        let found = self
            .text
            .lines()
            .enumerate()
            .skip(start)
            .take_while(|(_, line)| !line.trim_start().starts_with('['))
            .find(|(_, line)| {
                let line = line.trim_start();
                line.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map(|(number, _)| number + 1);
        found.or(Some(start))
    }
}

/// Returns the first problem found, pointing at its line.
pub(super) fn validate(scenario: &Scenario, text: &str) -> Result<(), ScenarioError> {
    let lines = Lines { text };
    let origin = scenario.source.describe();
    let fail = |line: Option<usize>, message: String| ScenarioError::Invalid {
        origin: origin.clone(),
        line,
        message,
    };

    if scenario.title.trim().is_empty() {
        return Err(fail(None, "the title is empty".to_owned()));
    }

    let mut names = HashSet::new();
    for (index, account) in scenario.accounts.iter().enumerate() {
        let line = |key| lines.key(Table::Account, index, key);
        let name = &account.name;
        if !is_label(name) {
            return Err(fail(
                line("name"),
                format!(
                    "account name `{name}`: use one label of lowercase letters, digits, `-` or \
                     `_` (it becomes `{name}.test.near`)"
                ),
            ));
        }
        account_id(name).map_err(|err| fail(line("name"), err.to_string()))?;
        if !names.insert(name.as_str()) {
            return Err(fail(line("name"), format!("account `{name}` is defined twice")));
        }
        if let Some(balance) = &account.balance {
            parse_near_amount(balance)
                .map_err(|err| fail(line("balance"), format!("account `{name}`: {err}")))?;
        }
        if let Some(spec) = &account.wasm {
            wasm::check(spec, &scenario.source)
                .map_err(|message| fail(line("wasm"), format!("account `{name}`: {message}")))?;
        }
    }

    let known = |reference: &str| scenario.account(reference).is_some();
    let account_list = || {
        let names: Vec<&str> = scenario.accounts.iter().map(|a| a.name.as_str()).collect();
        if names.is_empty() {
            "the scenario defines no [[account]]".to_owned()
        } else {
            format!("known accounts: {}", names.join(", "))
        }
    };

    for (index, init) in scenario.inits.iter().enumerate() {
        let line = |key| lines.key(Table::Init, index, key);
        let what = format!("init call `{}`", init.method);
        check_call_fields(
            &what,
            [("signer", &init.signer), ("receiver", &init.receiver)],
            &init.method,
            &init.args,
            &init.deposit,
            &init.gas,
            &known,
            &account_list,
        )
        .map_err(|(key, message)| fail(line(key), message))?;
    }

    let mut call_names = HashSet::new();
    for (index, call) in scenario.calls.iter().enumerate() {
        let line = |key| lines.key(Table::Call, index, key);
        let name = &call.name;
        if name.is_empty()
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return Err(fail(
                line("name"),
                format!("call name `{name}`: use letters, digits, `_`, `-` or `.` (no spaces)"),
            ));
        }
        if !call_names.insert(name.as_str()) {
            return Err(fail(line("name"), format!("call `{name}` is defined twice")));
        }
        check_call_fields(
            &format!("call `{name}`"),
            [("signer", &call.signer), ("receiver", &call.receiver)],
            &call.method,
            &call.args,
            &call.deposit,
            &call.gas,
            &known,
            &account_list,
        )
        .map_err(|(key, message)| fail(line(key), message))?;
    }
    Ok(())
}

/// Checks what init calls and calls share; the error names the offending key.
#[allow(clippy::too_many_arguments)]
fn check_call_fields(
    what: &str,
    accounts: [(&'static str, &String); 2],
    method: &str,
    args: &serde_json::Value,
    deposit: &Option<String>,
    gas: &Option<String>,
    known: &dyn Fn(&str) -> bool,
    account_list: &dyn Fn() -> String,
) -> Result<(), (&'static str, String)> {
    for (key, reference) in accounts {
        if !known(reference) {
            return Err((key, format!("{what}: unknown {key} `{reference}` ({})", account_list())));
        }
    }
    if method.trim().is_empty() {
        return Err(("method", format!("{what}: the method name is empty")));
    }
    if !matches!(args, serde_json::Value::Null | serde_json::Value::Object(_)) {
        return Err(("args", format!("{what}: args must be a table (a JSON object)")));
    }
    if let Some(deposit) = deposit {
        parse_near_amount(deposit).map_err(|err| ("deposit", format!("{what}: {err}")))?;
    }
    if let Some(gas) = gas {
        let gas = parse_gas(gas).map_err(|err| ("gas", format!("{what}: {err}")))?;
        if gas == 0 {
            return Err(("gas", format!("{what}: gas must be more than 0")));
        }
    }
    Ok(())
}

/// One account-name label: `hello`, `my-contract_2`.
fn is_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 54
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}
