//! The scenario parser: any text either makes a scenario whose calls resolve (or fail with a
//! message), or is refused with a message. Never a panic.
#![no_main]

#[path = "../checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::scenario(data));
