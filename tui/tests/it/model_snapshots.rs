//! insta snapshots of the text outputs of a few captures: any change to what people see in
//! their terminal, slides or docs shows up in review.

use crate::model_common::*;
use nearviz::cli::Format;

fn output(name: &str, format: Format) -> String {
    let (ok, out, err) = inspect(&capture(name), format);
    assert!(ok, "{err}");
    out
}

#[test]
fn tree_of_multiple_contracts() {
    insta::assert_snapshot!("tree_multiple_contracts", output("multiple_contracts", Format::Tree));
}

#[test]
fn tree_of_call_failing() {
    insta::assert_snapshot!("tree_call_failing", output("call_failing", Format::Tree));
}

#[test]
fn dot_of_query_greeting() {
    insta::assert_snapshot!("dot_query_greeting", output("query_greeting", Format::Dot));
}

#[test]
fn mermaid_of_batch_actions() {
    insta::assert_snapshot!("mermaid_batch_actions", output("batch_actions", Format::Mermaid));
}
