//! The serve endpoint's request parser: a POSTed body through the JSON-RPC envelope and the
//! method's params (`nearviz::serve::answer_now`), on an embedded chain with the root account and
//! a few blocks. Any bytes get a JSON-RPC answer with the request's id (or are accepted to wait
//! on the chain). Never a panic.
#![no_main]

#[path = "../checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::serve(data));
