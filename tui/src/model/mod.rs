//! The trace model: from what engines report (`chain::ChainEvent`) to the promise DAG.
//! Pure: no tokio, no ratatui.
//!
//! ```text
//! ChainEvent ──Trace::apply──▶ Trace ──Trace::dag / build──▶ Dag
//! ```

mod build;
pub mod dag;
mod decode;
pub mod gas_profile;
pub mod gas_report;
mod index;
pub mod ledger;
mod links;
pub mod state_changes;
pub mod state_value;
mod trace;
pub mod window;

pub use crate::chain::status_name;
pub use build::{build, build_tx};
pub use dag::*;
pub use decode::{action, args, failure, value};
pub use gas_profile::GasProfile;
pub use gas_report::{GasReport, GasRow};
pub use ledger::{Ledger, LedgerRow};
pub use state_changes::{Before, Cause, ChangeKind, ChangeValue, StateChange, StateLog};
pub use trace::{BlockInfo, Trace, TxTrace};
