//! The RPC response parser (`fixture::rpc`): `EXPERIMENTAL_tx_status` / `tx` results and errors,
//! and block headers. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = nearviz::fixture::rpc::tx_result(text);
    let _ = nearviz::fixture::rpc::header(text);
});
