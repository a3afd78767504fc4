//! Sequence calls: one scenario call that sends several transactions at chosen block offsets,
//! to put a second call inside the first one's callback window.
//!
//! ```toml
//! [[call]]
//! name = "race_unsafe"
//! steps = [
//!   { call = "deposit" },
//!   { call = "withdraw_unsafe", after_blocks = 1 },
//!   { call = "withdraw_unsafe", after_blocks = 1, expect_error = "cannot cover" },
//! ]
//! explain = "..."
//! ```
//! Each step names a plain call of the scenario (optionally with another signer or its own
//! expected outcome);
//! `after_blocks` counts from the block that included the previous step's transaction.
//! `Scenario::parse` validates the steps and links each one to a copy of the call it names, so
//! an engine needs nothing but the [`Call`]: [`Call::steps`] gives the transactions to send.

use super::{Call, Expect};
use serde::Deserialize;

/// Most steps one sequence may have.
pub const MAX_STEPS: usize = 16;

/// Largest `after_blocks` of a step (about 12 s on a sandbox at ~125 ms per block).
pub const MAX_AFTER_BLOCKS: u64 = 100;

/// One step of a sequence call, as written in the file.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The plain call this step sends, by name.
    pub call: String,
    /// Sign this step as another account than the named call's signer.
    pub signer: Option<String>,
    /// Blocks between the inclusion of the previous step's transaction and this one's
    /// (0: the same block). The first step has none: it is sent at once.
    #[serde(default)]
    pub after_blocks: u64,
    /// This step's expected outcome, instead of the named call's (with `expect_error`).
    pub expect: Option<Expect>,
    /// Text this step's error must contain, instead of the named call's.
    pub expect_error: Option<String>,
    /// The call this step sends, with `signer` and the expectation applied (set by
    /// `Scenario::parse`).
    #[serde(skip)]
    pub linked: Option<Box<Call>>,
}

/// One transaction a call sends: a plain call is one step, a sequence one per step.
#[derive(Clone, Debug, PartialEq)]
pub struct CallStep {
    /// For the history and `TxSubmitted`: the call's name for a plain call,
    /// `sequence#k` (k from 1) for the k-th step of a sequence.
    pub label: String,
    /// The plain call to send (its name is the call the step names; signer and expectation
    /// applied: [`Call::expectation`] is this step's).
    pub call: Call,
    /// Blocks after the previous step's inclusion block (0 for the first step).
    ///
    /// Both engines send a step by [`CallStep::due`]. On the embedded runtime the engine makes
    /// the blocks itself, so the step is included exactly that many blocks later. On a sandbox
    /// the node picks the block that includes it, so the offset can still slip by a block.
    pub after_blocks: u64,
}

impl CallStep {
    /// The one rule both engines send a step by: due once a transaction sent now lands in the
    /// block asked for, `previous_at + after_blocks`, at the earliest.
    ///
    /// - `head`: the newest block;
    /// - `previous_at`: the block that included the previous step or, while that is not known
    ///   yet, the block it is expected in (the head it was sent at, plus `lag`);
    /// - `lag`: blocks from sending a transaction to the earliest block that can include it
    ///   (1 on the embedded runtime: the next block it makes; more on a node, whose pipeline
    ///   takes transactions for a block before the block before it is out).
    ///
    /// So a step may be sent before the previous one is included, when the pipeline needs it.
    pub fn due(&self, head: u64, previous_at: u64, lag: u64) -> bool {
        head.saturating_add(lag) >= previous_at.saturating_add(self.after_blocks)
    }
}

impl Call {
    /// True for a call with `steps`.
    pub fn is_sequence(&self) -> bool {
        self.steps.is_some()
    }

    /// The transactions this call sends, in order, each with its block offset. A plain call
    /// is one step (offset 0) sending itself. Steps of a scenario that did not go through
    /// `Scenario::parse` (not linked) are left out.
    pub fn steps(&self) -> Vec<CallStep> {
        let Some(steps) = &self.steps else {
            return vec![CallStep {
                label: self.name.clone(),
                call: self.clone(),
                after_blocks: 0,
            }];
        };
        steps
            .iter()
            .enumerate()
            .filter_map(|(index, step)| {
                let call = step.linked.as_deref()?.clone();
                Some(CallStep {
                    label: format!("{}#{}", self.name, index + 1),
                    call,
                    after_blocks: step.after_blocks,
                })
            })
            .collect()
    }

    /// The first transaction a sequence sends (None for a plain call or an unlinked one).
    pub(super) fn first_step(&self) -> Option<&Call> {
        self.steps.as_ref()?.first()?.linked.as_deref()
    }
}

/// Links every step to a copy of the plain call it names, with the step's signer and
/// expectation (`expect`, `expect_error`: both replace the named call's) applied.
/// Runs after validation: every step names a plain call of `calls`.
pub(super) fn link(calls: &mut [Call]) {
    let plain: Vec<Call> = calls.iter().filter(|c| !c.is_sequence()).cloned().collect();
    for call in calls.iter_mut() {
        let Some(steps) = &mut call.steps else { continue };
        for step in steps {
            step.linked = plain.iter().find(|p| p.name == step.call).map(|target| {
                let mut target = target.clone();
                if let Some(signer) = &step.signer {
                    target.signer = signer.clone();
                }
                if step.expect.is_some() || step.expect_error.is_some() {
                    target.expect = step.expect;
                    target.expect_error = step.expect_error.clone();
                }
                Box::new(target)
            });
        }
    }
}
