//! The fixture/capture loader: any bytes either load (and their DAG builds and prints) or give
//! an error naming the file. Never a panic.
#![no_main]

#[path = "../checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::fixture(data));
