//! The integration tests of the `nearviz` crate, as one test binary (`cargo nextest run -p
//! nearviz --test it`): one module per area, so the crate is linked once instead of once per
//! file. Run one module with a filter, e.g. `cargo nextest run -p nearviz --test it ui_sizes::`.
//!
//! Shared helpers: `support` (loopback JSON-RPC node, captures, screens, state node),
//! `model_common` (the reference captures and `inspect`), `serve_common` (a real `nearviz serve`
//! and a raw HTTP client). Insta snapshots live in `snapshots/`, named `it__<module>__<name>.snap`.

mod model_common;
mod serve_common;
mod support;
// The one tmux harness of the end-to-end tests (`e2e_*`, `rpc_tx_tui`).
mod tmux;

mod cli_near_rs;
mod diff_cli;
mod diff_gas;
mod diff_matching;
mod diff_report;
mod diff_state;
mod diff_trace_json;
mod e2e_exit;
mod e2e_fork;
mod e2e_gas;
mod e2e_live;
mod e2e_replay;
mod e2e_small;
mod e2e_timeline;
mod fixture_fuzz;
mod flood_run;
mod fork_errors;
mod fork_rerun;
mod fork_serve;
mod imports;
mod model_captures;
mod model_formats;
mod model_gas;
mod model_partial;
mod model_pending;
mod model_polls;
mod model_snapshots;
mod neard_cli;
mod neard_npm;
mod pending_embedded;
mod record_dir;
mod reliab_exit;
mod reliab_fuzz;
mod reliab_record;
mod reliab_sandbox;
mod rpc_follow;
mod rpc_pending;
mod rpc_response;
mod rpc_tx_command;
mod rpc_tx_tui;
mod rpc_viewer;
mod run_cli;
mod run_expect;
mod run_json;
mod serve_async_tx;
mod serve_changes;
mod serve_flow;
mod serve_invalid_tx;
mod serve_past;
mod serve_rpc;
mod serve_sandbox;
mod serve_watch;
mod state_embedded;
mod state_model;
mod state_rpc;
mod steps_engine;
mod steps_run;
mod ui_gas;
mod ui_live;
mod ui_pending;
mod ui_replay;
mod ui_sizes;
mod ui_state;
mod ui_timeline;
mod ui_workshop;
mod window_race;
mod yield_run;
