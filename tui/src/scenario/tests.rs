use super::*;
use std::io::Write as _;

const MINIMAL: &str = r#"
title = "t"

[[account]]
name = "c"
wasm = "builtin:hello"

[[account]]
name = "alice"

[[call]]
name = "go"
signer = "alice"
receiver = "c"
method = "get_greeting"
explain = "x"
"#;

fn file_error(text: &str) -> String {
    match Scenario::parse(text, Source::File(PathBuf::from("/tmp/my.toml"))) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(err) => err.to_string(),
    }
}

#[test]
fn builtin_scenario_is_complete() {
    let scenario = Scenario::builtin().expect("built-in scenario");
    let names: Vec<&str> = scenario.accounts.iter().map(|a| a.name.as_str()).collect();
    for expected in ["hello", "counter", "guestbook", "xcc", "alice"] {
        assert!(names.contains(&expected), "missing account {expected}");
    }
    let xcc_methods = [
        "query_greeting",
        "query_greeting_low_level",
        "change_greeting",
        "batch_actions",
        "batch_failing",
        "multiple_contracts",
        "similar_contracts",
        "call_failing_with_rollback",
        "callback_panics",
        "out_of_gas",
        "chain",
        "weights",
        "joint_return",
        "forward_deposit",
    ];
    for method in xcc_methods {
        let call = scenario
            .calls
            .iter()
            .find(|c| c.method == method && c.receiver == "xcc")
            .unwrap_or_else(|| panic!("no call of xcc.{method}"));
        assert!(!call.explain.trim().is_empty(), "{method} has no explanation");
        call.resolve().expect("resolves");
    }
    let premium = scenario.calls.iter().find(|c| c.method == "add_message").expect("guestbook");
    let resolved = premium.resolve().expect("resolves");
    assert_eq!(resolved.receiver.as_str(), "guestbook.test.near");
    assert_eq!(resolved.deposit, parse_near_amount("0.01").expect("amount"));
    // Keys 1-9: the first nine calls start with the simplest pattern.
    assert_eq!(scenario.calls[0].name, "query_greeting");
    assert!(scenario.calls.len() >= 15);
    // Deposits where the contracts need them.
    for name in ["call_failing_with_rollback", "forward_deposit"] {
        let call = scenario.call(name).expect(name).resolve().expect("resolves");
        assert!(call.deposit > 0, "{name} needs a deposit");
    }
    for account in &scenario.accounts {
        let wasm = scenario.wasm(account).expect("wasm");
        match account.name.as_str() {
            "alice" | "bob" => assert!(wasm.is_none()),
            name => {
                let bytes = wasm.unwrap_or_else(|| panic!("{name} has no contract"));
                assert!(bytes.starts_with(b"\0asm"), "{name}");
                assert_eq!(Some(&*bytes), builtin_wasm(name));
            }
        }
    }
    let init = scenario.inits[0].resolve().expect("init");
    assert_eq!(init.receiver.as_str(), "xcc.test.near");
    assert_eq!(init.method, "new");
    let args: serde_json::Value = serde_json::from_slice(&init.args).expect("json");
    assert_eq!(args["hello_account"], "hello.test.near");
    assert_eq!(args["counter_account"], "counter.test.near");
    assert_eq!(args["guestbook_account"], "guestbook.test.near");
}

#[test]
fn resolves_names_and_defaults() {
    let scenario = Scenario::parse(MINIMAL, Source::BuiltIn).expect("valid");
    let call = scenario.call("go").expect("call").resolve().expect("resolves");
    assert_eq!(call.signer.as_str(), "alice.test.near");
    assert_eq!(call.receiver.as_str(), "c.test.near");
    assert_eq!(call.args, b"{}");
    assert_eq!(call.deposit, 0);
    assert_eq!(call.gas, DEFAULT_CALL_GAS);
    assert_eq!(account_id("hello").expect("id").as_str(), "hello.test.near");
    assert_eq!(account_id("x.test.near").expect("id").as_str(), "x.test.near");
    assert!(scenario.account("alice.test.near").is_some());
    assert_eq!(scenario.accounts[1].balance_yocto().expect("default"), 10 * YOCTO_PER_NEAR);
}

#[test]
fn syntax_errors_name_file_and_line() {
    let err = file_error("title = \"t\"\n\n[[call]\nname = 1\n");
    assert!(err.starts_with("/tmp/my.toml:3:"), "{err}");
    let err = file_error("title = \"t\"\n[[account]]\nname = \"a\"\ncolour = \"red\"\n");
    assert!(err.starts_with("/tmp/my.toml:4"), "{err}");
    assert!(err.contains("colour"), "{err}");
    let err = file_error("[[account]]\nname = \"a\"\n");
    assert!(err.contains("title"), "{err}");
}

#[test]
fn unknown_account_reference() {
    let text = MINIMAL.replace("signer = \"alice\"", "signer = \"carol\"");
    let err = file_error(&text);
    let line = text.lines().position(|l| l.contains("carol")).expect("line") + 1;
    assert!(err.starts_with(&format!("/tmp/my.toml:{line}: ")), "{err}");
    assert!(err.contains("unknown signer `carol`"), "{err}");
    assert!(err.contains("known accounts: c, alice"), "{err}");
}

#[test]
fn duplicates_are_rejected() {
    let text = format!("{MINIMAL}\n[[account]]\nname = \"alice\"\n");
    assert!(file_error(&text).contains("account `alice` is defined twice"));
    let text = format!(
        "{MINIMAL}\n[[call]]\nname = \"go\"\nsigner = \"alice\"\nreceiver = \"c\"\nmethod = \"m\"\nexplain = \"\"\n"
    );
    let err = file_error(&text);
    assert!(err.contains("call `go` is defined twice"), "{err}");
    let line = text.lines().enumerate().filter(|(_, l)| l.contains("name = \"go\"")).nth(1);
    let line = line.expect("second").0 + 1;
    assert!(err.starts_with(&format!("/tmp/my.toml:{line}:")), "{err}");
}

#[test]
fn bad_amounts_and_names() {
    let text = MINIMAL.replace("explain = \"x\"", "explain = \"x\"\ndeposit = \"lots\"");
    let err = file_error(&text);
    assert!(err.contains("bad NEAR amount `lots`"), "{err}");
    let text = MINIMAL.replace("explain = \"x\"", "explain = \"x\"\ngas = \"300 Tgaz\"");
    assert!(file_error(&text).contains("unknown unit `Tgaz`"));
    let text = MINIMAL.replace("explain = \"x\"", "explain = \"x\"\ngas = \"0\"");
    assert!(file_error(&text).contains("gas must be more than 0"));
    let text = MINIMAL.replace("name = \"alice\"", "name = \"alice\"\nbalance = \"-3\"");
    assert!(file_error(&text).contains("account `alice`: bad NEAR amount"));
    let text = MINIMAL.replace("name = \"alice\"", "name = \"Alice.x\"");
    assert!(file_error(&text).contains("account name `Alice.x`"));
    let text = MINIMAL.replace("name = \"go\"", "name = \"go now\"");
    assert!(file_error(&text).contains("call name `go now`"));
    let text = MINIMAL.replace("explain = \"x\"", "explain = \"x\"\nargs = [1, 2]");
    assert!(file_error(&text).contains("args must be a table"));
}

#[test]
fn wasm_references() {
    let text = MINIMAL.replace("builtin:hello", "builtin:nope");
    assert!(file_error(&text).contains("unknown built-in contract `builtin:nope`"));
    let text = MINIMAL.replace("builtin:hello", "contract.wasm");
    assert!(file_error(&text).contains("wasm file not found: /tmp/contract.wasm"));
    let err = Scenario::parse(&text, Source::BuiltIn).expect_err("path in builtin");
    assert!(err.to_string().contains("can only use built-in contracts"), "{err}");
}

#[test]
fn loads_wasm_relative_to_the_scenario_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wasm = b"\0asm\x01\0\0\0";
    std::fs::create_dir(dir.path().join("res")).expect("mkdir");
    std::fs::write(dir.path().join("res/c.wasm"), wasm).expect("write wasm");
    std::fs::write(dir.path().join("res/not.wasm"), b"hello").expect("write");
    let path = dir.path().join("my.toml");
    let mut file = std::fs::File::create(&path).expect("create");
    let text = MINIMAL.replace("builtin:hello", "res/c.wasm");
    file.write_all(text.as_bytes()).expect("write toml");
    let scenario = Scenario::load(&path).expect("loads");
    let bytes = scenario.wasm(&scenario.accounts[0]).expect("wasm").expect("some");
    assert_eq!(&*bytes, wasm);
    assert!(scenario.wasm(&scenario.accounts[1]).expect("no wasm").is_none());

    // A file that is not wasm is refused when the scenario loads (bad input, exit 2).
    std::fs::write(&path, MINIMAL.replace("builtin:hello", "res/not.wasm")).expect("write");
    let err = Scenario::load(&path).expect_err("not wasm");
    assert!(err.to_string().contains("wasm"), "{err}");
}

#[test]
fn missing_file_is_a_clear_error() {
    let err = Scenario::load(Path::new("/nonexistent/nearviz.toml")).expect_err("missing");
    assert!(err.to_string().starts_with("cannot read scenario /nonexistent/nearviz.toml"));
}

/// MINIMAL plus a second plain call and a sequence of both.
fn with_sequence(steps: &str) -> String {
    format!(
        "{MINIMAL}
[[call]]
name = \"set\"
signer = \"alice\"
receiver = \"c\"
method = \"set_greeting\"
args = {{ greeting = \"hi\" }}
deposit = \"0.5\"
explain = \"y\"

[[call]]
name = \"both\"
steps = {steps}
explain = \"z\"
"
    )
}

#[test]
fn a_sequence_resolves_its_steps_with_offsets_and_signers() {
    let text = with_sequence(
        r#"[{ call = "go" }, { call = "set", after_blocks = 2, signer = "c" }, { call = "go", after_blocks = 0 }]"#,
    );
    let scenario =
        Scenario::parse(&text, Source::File(PathBuf::from("/tmp/my.toml"))).expect("valid");
    let both = scenario.call("both").expect("sequence");
    assert!(both.is_sequence());
    let steps = both.steps();
    let summary: Vec<(&str, &str, &str, u64)> = steps
        .iter()
        .map(|s| (s.label.as_str(), s.call.name.as_str(), s.call.signer.as_str(), s.after_blocks))
        .collect();
    assert_eq!(
        summary,
        [("both#1", "go", "alice", 0), ("both#2", "set", "c", 2), ("both#3", "go", "alice", 0)]
    );
    // Each step is a plain call that resolves on its own, with the named call's fields.
    let set = steps[1].call.resolve().expect("resolves");
    assert_eq!(set.signer.as_str(), "c.test.near");
    assert_eq!(set.method, "set_greeting");
    assert_eq!(set.args, br#"{"greeting":"hi"}"#);
    assert_eq!(set.deposit, YOCTO_PER_NEAR / 2);
    assert!(steps.iter().all(|s| !s.call.is_sequence()));
    // `resolve` on the sequence itself gives its first step (engines that send one transaction).
    assert_eq!(both.resolve().expect("first step"), steps[0].call.resolve().expect("go"));
    // A plain call is one step sending itself.
    let go = scenario.call("go").expect("plain");
    assert_eq!(go.steps(), [CallStep { label: "go".into(), call: go.clone(), after_blocks: 0 }]);
}

/// The error for `steps`, which must name the file and the line holding `needle`.
fn step_error(steps: &str, needle: &str) -> String {
    let text = with_sequence(steps);
    let err = file_error(&text);
    let line = text.lines().position(|l| l.contains(needle)).expect("needle in the text") + 1;
    assert!(err.starts_with(&format!("/tmp/my.toml:{line}: ")), "line {line} expected: {err}");
    err
}

#[test]
fn bad_steps_are_named_with_their_line() {
    let err = step_error(r#"[{ call = "go" }, { call = "nope", after_blocks = 1 }]"#, "steps =");
    assert!(
        err.contains("call `both`, step 2: no call named `nope` (plain calls: go, set)"),
        "{err}"
    );
    let err = step_error(r#"[{ call = "both" }]"#, "steps =");
    assert!(err.contains("step 1: a sequence cannot include itself"), "{err}");
    let err = step_error(r#"[{ call = "go", after_blocks = 1 }]"#, "steps =");
    assert!(err.contains("step 1: the first step is sent at once"), "{err}");
    let err = step_error(r#"[{ call = "go" }, { call = "go", after_blocks = 101 }]"#, "steps =");
    assert!(err.contains("step 2: after_blocks = 101 is more than 100"), "{err}");
    let err = step_error(r#"[{ call = "go" }, { call = "go", signer = "zed" }]"#, "steps =");
    assert!(err.contains("step 2: unknown signer `zed` (known accounts: c, alice)"), "{err}");
    let err = step_error("[]", "steps =");
    assert!(err.contains("call `both`: `steps` is empty"), "{err}");
    let many = vec![r#"{ call = "go" }"#; MAX_STEPS + 1].join(", ");
    let err = step_error(&format!("[{many}]"), "steps =");
    assert!(err.contains("17 steps, at most 16"), "{err}");
}

#[test]
fn multi_line_steps_point_at_the_step() {
    let steps = "[\n  { call = \"go\" },\n  { call = \"set\", after_blocks = 1 },\n  { call = \"gone\", after_blocks = 1 },\n]";
    let err = step_error(steps, "\"gone\"");
    assert!(err.contains("step 3: no call named `gone`"), "{err}");
}

#[test]
fn sequences_do_not_nest_or_carry_call_fields() {
    let nested = format!(
        "{}\n[[call]]\nname = \"outer\"\nsteps = [{{ call = \"both\" }}]\nexplain = \"\"\n",
        with_sequence(r#"[{ call = "go" }]"#)
    );
    let err = file_error(&nested);
    let line = nested.lines().position(|l| l.contains("call = \"both\"")).expect("line") + 1;
    assert!(err.starts_with(&format!("/tmp/my.toml:{line}: ")), "{err}");
    assert!(err.contains("`both` is itself a sequence: steps name plain calls (no nesting)"));

    let text = with_sequence(r#"[{ call = "go" }]"#)
        .replace("name = \"both\"", "name = \"both\"\nmethod = \"m\"");
    let err = file_error(&text);
    let line = text.lines().position(|l| l == "method = \"m\"").expect("line") + 1;
    assert!(err.starts_with(&format!("/tmp/my.toml:{line}: ")), "{err}");
    assert!(err.contains("call `both` has steps: `method` belongs to the calls its steps name"));

    let text = with_sequence(r#"[{ call = "go", wait = 3 }]"#);
    assert!(file_error(&text).contains("unknown field `wait`"));
    let text = with_sequence(r#"[{ call = "go" }, { call = "go", after_blocks = -1 }]"#);
    let err = file_error(&text);
    assert!(err.contains("invalid value: integer `-1`"), "{err}");
}

#[test]
fn a_plain_call_needs_signer_receiver_and_method() {
    let text = MINIMAL.replace("method = \"get_greeting\"\n", "");
    let err = file_error(&text);
    let line = text.lines().position(|l| l == "[[call]]").expect("line") + 1;
    assert!(err.starts_with(&format!("/tmp/my.toml:{line}: ")), "{err}");
    assert!(err.contains("call `go`: `method` is missing (a call gives `signer`, `receiver` and `method`, or `steps`)"), "{err}");
}

#[test]
fn builtin_races_deposit_then_send_two_withdraws_one_block_apart() {
    let scenario = Scenario::builtin().expect("built-in scenario");
    for (race, method, error) in [
        ("race_unsafe", "withdraw_unsafe", "cannot cover the 1 NEAR already paid out"),
        ("race_safe", "withdraw_safe", "has 0 yoctoNEAR, cannot withdraw 1 NEAR"),
    ] {
        let call = scenario.call(race).expect(race);
        let steps = call.steps();
        let labels: Vec<&str> = steps.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, [format!("{race}#1"), format!("{race}#2"), format!("{race}#3")]);
        let deposit = steps[0].call.resolve().expect("resolves");
        assert_eq!(
            (deposit.receiver.as_str(), deposit.method.as_str()),
            ("xcc.test.near", "deposit")
        );
        assert_eq!(deposit.deposit, YOCTO_PER_NEAR);
        // The deposit (included at B) runs at B+1; the first withdraw, included at B+1, at B+2.
        assert_eq!(steps[1].after_blocks, 1, "{race}: the deposit has run first");
        assert_eq!(steps[2].after_blocks, 1, "{race}: the second lands inside the window");
        for step in &steps[1..] {
            let resolved = step.call.resolve().expect("resolves");
            assert_eq!(resolved.method, method);
            assert_eq!(resolved.signer.as_str(), "alice.test.near");
            let args: serde_json::Value = serde_json::from_slice(&resolved.args).expect("json");
            assert_eq!(args["amount"], YOCTO_PER_NEAR.to_string(), "the whole deposit, twice");
        }
        assert_eq!(steps[1].call.expectation(), Expectation::default());
        let second = steps[2].call.expectation();
        assert_eq!((second.expect, second.error.as_deref()), (Expect::Failure, Some(error)));
        assert!(call.explain.contains("window"), "{race}: the notes tell the story");
    }
    // The calls the races send are theirs alone: not listed, not on a key.
    let listed: Vec<String> = scenario.listed_calls().into_iter().map(|c| c.name).collect();
    for step_only in ["deposit", "withdraw_unsafe", "withdraw_safe"] {
        assert!(scenario.call(step_only).is_some_and(|c| c.step_only), "{step_only}");
        assert!(!listed.iter().any(|name| name == step_only), "{step_only} is listed");
    }
    // The calls users already know keep their keys.
    assert_eq!(listed[..3], ["query_greeting", "change_greeting", "batch_actions"]);
}

#[test]
fn expectations_are_checked_where_they_are_written() {
    let text = MINIMAL.replace("explain = \"x\"", "explain = \"x\"\nexpect = \"maybe\"");
    assert!(file_error(&text).contains("unknown variant `maybe`"), "{}", file_error(&text));
    let text = MINIMAL.replace(
        "explain = \"x\"",
        "explain = \"x\"\nexpect = \"success\"\nexpect_error = \"boom\"",
    );
    let err = file_error(&text);
    assert!(err.contains("call `go`: `expect_error` with expect = \"success\""), "{err}");
    let text = with_sequence(r#"[{ call = "go", expect = "success", expect_error = "x" }]"#);
    assert!(file_error(&text).contains("call `both`, step 1: `expect_error` with"));
    let text = with_sequence(r#"[{ call = "go" }]"#)
        .replace("name = \"both\"", "name = \"both\"\nexpect = \"any\"");
    assert!(file_error(&text).contains("call `both` has steps: `expect` belongs to the calls"));
    let text = MINIMAL.replace("explain = \"x\"", "explain = \"x\"\nstep_only = true");
    assert!(file_error(&text).contains("call `go` is step_only, but no sequence's steps name it"));

    let text = with_sequence(r#"[{ call = "go", expect = "any" }, { call = "go" }]"#)
        .replace("explain = \"x\"", "explain = \"x\"\nexpect_error = \"boom\"");
    let scenario = Scenario::parse(&text, Source::BuiltIn).expect("valid");
    let go = scenario.call("go").expect("go").expectation();
    assert_eq!((go.expect, go.error.as_deref()), (Expect::Failure, Some("boom")));
    let steps = scenario.call("both").expect("both").steps();
    assert_eq!(steps[0].call.expectation(), Expectation::new(Some(Expect::Any), None));
    assert_eq!(steps[1].call.expectation(), go, "a step without its own takes the call's");
}
