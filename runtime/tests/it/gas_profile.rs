//! Where the gas went (issue 23): every receipt's `metadata.gas_profile` against the node's,
//! cost by cost, on every real-neard recording (`fixtures/reference/captures` and `state`).
//! Exact, except the trie-node costs (`TOUCHING_TRIE_NODE`, `READ_CACHED_TRIE_NODE`): the
//! node's count depends on its whole trie (`src/ext.rs`), so together they may differ by one
//! node per receipt, and the split between the two may differ. A difference names the cost.

use crate::common::reference_chain;
use crate::{fidelity, state_changes};
use near_parameters::{ExtCosts, RuntimeConfigStore};
use near_primitives::views::{CostGasUsed, FinalExecutionOutcomeWithReceiptView};
use std::collections::{BTreeMap, BTreeSet};

const TRIE_NODE_COSTS: [&str; 2] = ["TOUCHING_TRIE_NODE", "READ_CACHED_TRIE_NODE"];

/// `(category, cost) -> gas` of the costs that burnt something.
fn costs(profile: Option<&Vec<CostGasUsed>>) -> BTreeMap<(String, String), u64> {
    profile
        .into_iter()
        .flatten()
        .map(|c| ((c.cost_category.clone(), c.cost.clone()), c.gas_used.as_gas()))
        .filter(|(_, gas)| *gas > 0)
        .collect()
}

/// The gas of touching one trie node at protocol 86.
fn one_trie_node() -> u64 {
    let store = RuntimeConfigStore::new(None);
    store.get_config(86).wasm_config.ext_costs.gas_cost(ExtCosts::touching_trie_node).as_gas()
}

/// What the profiles of one transaction's receipts (in the node's order) show.
#[derive(Default)]
struct Differences {
    /// Costs that are not exact (a trie-node total off by more than one node included).
    problems: Vec<String>,
    /// Trie-node costs that differ within the documented approximation.
    trie_nodes: Vec<String>,
    receipts: usize,
}

impl Differences {
    fn add(
        &mut self,
        name: &str,
        ours: &FinalExecutionOutcomeWithReceiptView,
        theirs: &FinalExecutionOutcomeWithReceiptView,
    ) {
        let (ours, theirs) = (&ours.final_outcome, &theirs.final_outcome);
        if ours.receipts_outcome.len() != theirs.receipts_outcome.len() {
            self.problems.push(format!("{name}: the receipts differ"));
            return;
        }
        for (index, (a, b)) in
            ours.receipts_outcome.iter().zip(&theirs.receipts_outcome).enumerate()
        {
            let Some(node) = b.outcome.metadata.gas_profile.as_ref() else {
                self.problems.push(format!("{name} receipt #{index}: the node has no profile"));
                continue;
            };
            let (a, b) = (costs(a.outcome.metadata.gas_profile.as_ref()), costs(Some(node)));
            self.receipt(&format!("{name} receipt #{index}"), &a, &b);
        }
        self.receipts += theirs.receipts_outcome.len();
    }

    fn receipt(
        &mut self,
        what: &str,
        a: &BTreeMap<(String, String), u64>,
        b: &BTreeMap<(String, String), u64>,
    ) {
        let gas = |m: &BTreeMap<(String, String), u64>, k| m.get(k).copied().unwrap_or(0);
        let (mut ours_trie, mut node_trie) = (0, 0);
        for key @ (category, cost) in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
            let (x, y) = (gas(a, key), gas(b, key));
            if TRIE_NODE_COSTS.contains(&cost.as_str()) {
                (ours_trie, node_trie) = (ours_trie + x, node_trie + y);
                if x != y {
                    self.trie_nodes.push(format!("{what}: {cost}: ours {x}, node {y}"));
                }
            } else if x != y {
                self.problems.push(format!("{what}: {category} {cost}: ours {x}, node {y}"));
            }
        }
        if u64::abs_diff(ours_trie, node_trie) > one_trie_node() {
            self.problems.push(format!(
                "{what}: TOUCHING_TRIE_NODE + READ_CACHED_TRIE_NODE: ours {ours_trie}, node \
                 {node_trie}, more than one trie node apart"
            ));
        }
    }

    fn check(&self, recordings: &str) {
        eprintln!(
            "{recordings}: the gas profiles of {} receipts compared; trie nodes differ in:\n{}",
            self.receipts,
            self.trie_nodes.join("\n")
        );
        assert!(self.receipts > 0, "{recordings}: no receipts compared");
        assert!(
            self.problems.is_empty(),
            "{recordings}: gas profiles differ from the node's:\n{}",
            self.problems.join("\n")
        );
    }
}

#[test]
fn every_captured_receipts_gas_profile_is_the_nodes_cost_by_cost() {
    let mut reference = reference_chain(Some(86));
    let mut differences = Differences::default();
    for capture in fidelity::captures() {
        let ours = fidelity::replay(&mut reference, &capture);
        differences.add(&capture.method, &ours, &fidelity::parse(&capture.final_result));
    }
    differences.check("captures");
    // The documented size (runtime/README.md, Fidelity): one touching node apart in two receipts.
    assert_eq!(differences.trie_nodes.len(), 2, "{:#?}", differences.trie_nodes);
}

#[test]
fn every_state_recordings_gas_profile_is_the_nodes_cost_by_cost() {
    let mut rt = state_changes::scenario_chain();
    let mut differences = Differences::default();
    for recording in state_changes::recordings() {
        let ours = state_changes::replay(&mut rt, &recording);
        differences.add(&recording.name, &ours, &recording.outcome);
    }
    differences.check("state recordings");
}
