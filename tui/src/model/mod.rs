//! The trace model: from what engines report (`chain::ChainEvent`) to the promise DAG.
//! Pure: no tokio, no ratatui.
//!
//! ```text
//! ChainEvent ──Trace::apply──▶ Trace ──Trace::dag / build──▶ Dag
//! ```

mod build;
pub mod dag;
mod decode;
mod index;
mod links;
mod trace;
pub mod window;

pub use build::{build, build_tx};
pub use dag::*;
pub use decode::{action, args, failure, value};
pub use trace::{status_name, BlockInfo, Trace, TxTrace};
