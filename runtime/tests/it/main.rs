//! The embedded runtime's integration tests, one binary (issue 9: one link per crate).
//! Each module was its own test file; `common` and `shape` are their shared helpers.

mod common;
mod shape;

mod chunk_limits;
mod context;
mod delegate;
mod delete_account;
mod epochs;
mod failures;
mod fast_forward;
mod fidelity;
mod fork;
mod gas_profile;
mod global;
mod hostile;
mod instant;
mod keys;
mod new_receipts;
mod node_rules;
mod node_rules_tx;
mod pending;
mod progress;
mod records;
mod smoke;
mod state_changes;
mod yield_resume;
