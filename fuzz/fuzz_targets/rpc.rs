//! The RPC response parser (`fixture::rpc`): `EXPERIMENTAL_tx_status` / `tx` results and errors,
//! and block headers. Never a panic.
#![no_main]

#[path = "../checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::rpc(data));
