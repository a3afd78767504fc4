//! Checks a parsed scenario before anything runs: every account reference resolves, names are
//! unique, amounts parse, wasm can be found. Errors point at the line in the file.

use super::{
    account_id, parse_gas, parse_near_amount, wasm, Account, Call, Expect, Scenario, ScenarioError,
    Step, MAX_AFTER_BLOCKS, MAX_STEPS,
};
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

    /// 1-based line of the `step`-th `call = ...` of the `steps` array of the `index`-th
    /// `[[call]]`, else the `steps` line.
    fn step(&self, index: usize, step: usize) -> Option<usize> {
        let start = self.key(Table::Call, index, "steps")?;
        let mut seen = 0;
        for (number, line) in self.text.lines().enumerate().skip(start - 1) {
            if number + 1 > start && line.trim_start().starts_with('[') {
                break;
            }
            seen += step_keys(line);
            if seen > step {
                return Some(number + 1);
            }
        }
        Some(start)
    }
}

/// What stands before a step's `call =` key: its inline table's opening brace (written as an
/// escape, so that brace counters read this file's functions right) or a comma.
const BEFORE_CALL_KEY: [char; 2] = ['\x7b', ','];

/// How many `call =` keys of inline tables a line holds.
fn step_keys(line: &str) -> usize {
    let mut count = 0;
    let mut rest = line;
    while let Some(at) = rest.find("call") {
        let before = rest[..at].trim_end().chars().last();
        let after = rest[at + 4..].trim_start();
        if before.is_some_and(|c| BEFORE_CALL_KEY.contains(&c)) && after.starts_with('=') {
            count += 1;
        }
        rest = &rest[at + 4..];
    }
    count
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

    check_accounts(scenario, &lines, &fail)?;

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
        if let Some(steps) = &call.steps {
            check_sequence(scenario, call, steps, &known, &account_list).map_err(
                |(place, message)| {
                    let at = match place {
                        Place::Key(key) => line(key),
                        Place::Step(step) => lines.step(index, step),
                    };
                    fail(at, message)
                },
            )?;
            continue;
        }
        for (key, value) in
            [("signer", &call.signer), ("receiver", &call.receiver), ("method", &call.method)]
        {
            if value.is_empty() {
                return Err(fail(
                    lines.table(Table::Call, index),
                    format!(
                        "call `{name}`: `{key}` is missing (a call gives `signer`, `receiver` \
                         and `method`, or `steps`)"
                    ),
                ));
            }
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
        check_outcome_keys(scenario, call).map_err(|(key, message)| fail(line(key), message))?;
    }
    Ok(())
}

/// Account names are unique labels, balances parse, wasm can be found.
fn check_accounts(
    scenario: &Scenario,
    lines: &Lines,
    fail: &dyn Fn(Option<usize>, String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let mut names = HashSet::new();
    for (index, account) in scenario.accounts.iter().enumerate() {
        let line = |key| lines.key(Table::Account, index, key);
        let name = &account.name;
        if account.fork {
            check_forked(account).map_err(|message| fail(line("fork"), message))?;
            if !names.insert(name.as_str()) {
                return Err(fail(line("name"), format!("account `{name}` is defined twice")));
            }
            continue;
        }
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
    Ok(())
}

/// A forked account (`fork = true`) is the network's: a full account id, nothing to create.
fn check_forked(account: &Account) -> Result<(), String> {
    let name = &account.name;
    if let Err(err) = name.parse::<near_primitives::types::AccountId>() {
        return Err(format!("forked account `{name}` is not a NEAR account id ({err})"));
    }
    if account.wasm.is_some() || account.balance.is_some() {
        return Err(format!(
            "forked account `{name}`: its code and balance are the network's (no `wasm` or \
             `balance`)"
        ));
    }
    Ok(())
}

/// A plain call's `expect`, `expect_error` and `step_only`: a step-only call is named by a
/// sequence's step.
fn check_outcome_keys(scenario: &Scenario, call: &Call) -> Result<(), (&'static str, String)> {
    let name = &call.name;
    check_expectation(&format!("call `{name}`"), call.expect, &call.expect_error)
        .map_err(|message| ("expect_error", message))?;
    let named = |step: &Step| step.call == *name;
    if call.step_only && !scenario.calls.iter().flat_map(|c| c.steps.iter().flatten()).any(named) {
        return Err((
            "step_only",
            format!("call `{name}` is step_only, but no sequence's steps name it"),
        ));
    }
    Ok(())
}

/// `expect_error` needs an outcome that may fail.
fn check_expectation(
    what: &str,
    expect: Option<Expect>,
    error: &Option<String>,
) -> Result<(), String> {
    match (expect, error) {
        (Some(Expect::Success), Some(_)) => Err(format!(
            "{what}: `expect_error` with expect = \"success\" (use \"failure\" or \"any\")"
        )),
        (_, Some(text)) if text.is_empty() => Err(format!("{what}: `expect_error` is empty")),
        _ => Ok(()),
    }
}

/// Where a sequence's problem is: a key of its `[[call]]`, or one of its steps.
enum Place {
    Key(&'static str),
    Step(usize),
}

/// A sequence names plain calls of the scenario, known signers and bounded offsets, and sets
/// none of a plain call's own fields.
fn check_sequence(
    scenario: &Scenario,
    call: &Call,
    steps: &[Step],
    known: &dyn Fn(&str) -> bool,
    account_list: &dyn Fn() -> String,
) -> Result<(), (Place, String)> {
    let name = &call.name;
    let own = [
        ("signer", !call.signer.is_empty()),
        ("receiver", !call.receiver.is_empty()),
        ("method", !call.method.is_empty()),
        ("args", !call.args.is_null()),
        ("deposit", call.deposit.is_some()),
        ("gas", call.gas.is_some()),
        ("expect", call.expect.is_some()),
        ("expect_error", call.expect_error.is_some()),
        ("step_only", call.step_only),
    ];
    if let Some((key, _)) = own.iter().find(|(_, set)| *set) {
        return Err((
            Place::Key(key),
            format!(
                "call `{name}` has steps: `{key}` belongs to the calls its steps name \
                 (a step may set its own `signer`, `expect` and `expect_error`)"
            ),
        ));
    }
    if steps.is_empty() {
        return Err((Place::Key("steps"), format!("call `{name}`: `steps` is empty")));
    }
    if steps.len() > MAX_STEPS {
        return Err((
            Place::Key("steps"),
            format!("call `{name}`: {} steps, at most {MAX_STEPS}", steps.len()),
        ));
    }
    for (k, step) in steps.iter().enumerate() {
        let what = format!("call `{name}`, step {}", k + 1);
        let fail = |message: String| Err((Place::Step(k), format!("{what}: {message}")));
        if step.call == *name {
            return fail("a sequence cannot include itself".to_owned());
        }
        let Some(target) = scenario.call(&step.call) else {
            let plain: Vec<&str> = scenario
                .calls
                .iter()
                .filter(|c| c.steps.is_none())
                .map(|c| c.name.as_str())
                .collect();
            return fail(format!(
                "no call named `{}` (plain calls: {})",
                step.call,
                plain.join(", ")
            ));
        };
        if target.steps.is_some() {
            return fail(format!(
                "`{}` is itself a sequence: steps name plain calls (no nesting)",
                step.call
            ));
        }
        if let Some(signer) = &step.signer {
            if !known(signer) {
                return fail(format!("unknown signer `{signer}` ({})", account_list()));
            }
        }
        if k == 0 && step.after_blocks != 0 {
            return fail(
                "the first step is sent at once: `after_blocks` counts from the previous \
                 step's inclusion"
                    .to_owned(),
            );
        }
        if step.after_blocks > MAX_AFTER_BLOCKS {
            return fail(format!(
                "after_blocks = {} is more than {MAX_AFTER_BLOCKS}",
                step.after_blocks
            ));
        }
        check_expectation(&what, step.expect, &step.expect_error)
            .map_err(|message| (Place::Step(k), message))?;
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
