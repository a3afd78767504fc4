//! Expected outcomes (`expect`, `expect_error`) with the real binary on the embedded runtime:
//! `nearviz run` exits 1 only when an outcome differs from what its call declares, one line
//! each on stderr naming the call and how; the built-in scenario declares its intentional
//! failures, so `run --all` exits 0 on a correct chain.

use crate::support::cli::{text, Home};
use nearviz::scenario::BUILTIN_TOML;
use std::process::Output;

/// `callback_panics`'s declaration in the built-in scenario.
const DECLARED: &str = "expect_error = \"xcc: callback panics on purpose\"\n";

fn run(home: &Home, args: &[&str]) -> Output {
    home.nearviz().args(args).output().expect("run nearviz")
}

/// Runs the built-in scenario with `DECLARED` replaced by `declaration`, sending `calls`.
fn run_declaring(declaration: &str, calls: &[&str]) -> Output {
    assert!(BUILTIN_TOML.contains(DECLARED), "the built-in scenario changed");
    let home = Home::new();
    let path = home.path("ci.toml");
    std::fs::write(&path, BUILTIN_TOML.replace(DECLARED, declaration)).expect("write");
    let mut args = vec!["run", path.to_str().expect("utf-8"), "--engine", "embedded"];
    for call in calls {
        args.extend(["--call", call]);
    }
    run(&home, &args)
}

/// The `nearviz: ` lines of stderr.
fn errors(out: &Output) -> Vec<String> {
    text(&out.stderr).lines().filter(|l| l.starts_with("nearviz: ")).map(str::to_owned).collect()
}

#[test]
fn the_builtin_scenario_runs_all_as_expected() {
    let home = Home::new();
    let out = run(&home, &["run", "--all", "--engine", "embedded"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(errors(&out), Vec::<String>::new());
    let progress = text(&out.stderr);
    // Every listed call ran, the step-only ones only inside the races.
    for call in ["callback_panics", "joint_return", "race_unsafe", "race_safe"] {
        assert!(progress.contains(&format!("→ {call}\n")), "{call}: {progress}");
    }
    for step_only in ["deposit", "withdraw_unsafe", "withdraw_safe"] {
        assert!(!progress.contains(&format!("→ {step_only}\n")), "{step_only}: {progress}");
    }
}

#[test]
fn a_call_expecting_success_that_fails_exits_1_naming_the_call_and_the_error() {
    let out = run_declaring("", &["query_greeting", "callback_panics"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let errors = errors(&out);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "nearviz: call `callback_panics`: expected success, but the transaction failed: "
        ),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("xcc: callback panics on purpose"), "{}", errors[0]);
    assert!(!out.stdout.is_empty(), "the DAG is still printed");
}

#[test]
fn an_error_text_that_does_not_match_exits_1() {
    let out = run_declaring("expect_error = \"out of cheese\"\n", &["callback_panics"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let errors = errors(&out);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "nearviz: call `callback_panics`: expected failure with an error containing \
             `out of cheese`, but the transaction failed: "
        ),
        "{}",
        errors[0]
    );
    let any = run_declaring("expect = \"any\"\n", &["callback_panics"]);
    assert_eq!(any.status.code(), Some(0), "{}", text(&any.stderr));
}

#[test]
fn each_unexpected_outcome_is_one_line() {
    let out = run_declaring(
        "expect = \"success\"\n",
        &["callback_panics", "query_greeting", "callback_panics"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let lines = errors(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    for line in &lines {
        assert!(line.starts_with("nearviz: call `callback_panics`: expected success"), "{line}");
    }
    // A success where a failure was declared.
    let text_of = BUILTIN_TOML.replace(
        "method = \"query_greeting\"\n",
        "method = \"query_greeting\"\nexpect = \"failure\"\n",
    );
    let home = Home::new();
    let path = home.path("ci.toml");
    std::fs::write(&path, text_of).expect("write");
    let path = path.to_str().expect("utf-8");
    let out = run(&home, &["run", path, "--call", "query_greeting", "--engine", "embedded"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        errors(&out),
        ["nearviz: call `query_greeting`: expected failure, but it succeeded"]
    );
}

#[test]
fn step_only_calls_are_not_run_on_their_own() {
    let home = Home::new();
    let out = run(&home, &["run", "--call", "withdraw_unsafe", "--engine", "embedded"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let errors = errors(&out);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "nearviz: `withdraw_unsafe` is step_only: the sequences naming it send it (calls: "
        ),
        "{}",
        errors[0]
    );
}
