//! The session: every chain event seen, folded into the trace model, and the DAG built from it.

use crate::chain::ChainEvent;
use crate::model::dag::Dag;
use crate::model::Trace;
use std::collections::BTreeMap;

/// Block headers kept for the `ms/block` figure.
const CLOCK_BLOCKS: usize = 32;

#[derive(Default)]
pub struct Session {
    trace: Trace,
    dag: Dag,
    dirty: bool,
    /// Recent block heights and their timestamps (ns).
    clock: BTreeMap<u64, u64>,
    events: usize,
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// Take one event into account; the DAG is rebuilt by the next [`Session::refresh`].
    pub fn apply(&mut self, event: ChainEvent) {
        if let ChainEvent::Block(header) = &event {
            self.clock.insert(header.height, header.timestamp_nanosec);
            while self.clock.len() > CLOCK_BLOCKS {
                self.clock.pop_first();
            }
        }
        self.trace.apply(event);
        self.events += 1;
        self.dirty = true;
    }

    /// Rebuild the DAG if events arrived since the last call; true when it changed.
    pub fn refresh(&mut self) -> bool {
        if !self.dirty {
            return false;
        }
        self.dag = self.trace.dag();
        self.dirty = false;
        true
    }

    pub fn dag(&self) -> &Dag {
        &self.dag
    }

    /// Replace the DAG directly (tests and tools that build a DAG by hand).
    pub fn set_dag(&mut self, dag: Dag) {
        self.dag = dag;
        self.dirty = false;
    }

    /// The highest block reported.
    pub fn head(&self) -> Option<u64> {
        self.trace.head().or_else(|| self.clock.keys().next_back().copied())
    }

    /// Average milliseconds per block over the recent headers.
    pub fn ms_per_block(&self) -> Option<u64> {
        let (&h0, &t0) = self.clock.iter().next()?;
        let (&h1, &t1) = self.clock.iter().next_back()?;
        (h1 > h0 && t1 >= t0).then(|| (t1 - t0) / (h1 - h0) / 1_000_000)
    }

    /// How many events were applied.
    pub fn events(&self) -> usize {
        self.events
    }
}
