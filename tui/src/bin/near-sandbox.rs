//! `near-sandbox`: nearviz's embedded runtime started with neard's command line, for
//! `NEAR_SANDBOX_BIN_PATH` (Rust near-workspaces) and `NEAR_SANDBOX_BINARY_PATH` (npm).
//! The exit code follows `nearviz::exit`: 0 ok, 2 bad input, 3 engine failure.

use clap::Parser;
use nearviz::exit;
use nearviz::neard::{self, NeardCli};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = NeardCli::parse();
    match neard::main(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "near-sandbox: {err:#}");
            exit::classify(&err).exit_code()
        }
    }
}
