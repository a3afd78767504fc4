//! The scenario parser: any text either makes a scenario whose calls resolve (or fail with a
//! message), or is refused with a message. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nearviz::scenario::{Scenario, Source};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Scenario::parse(text, Source::File("fuzzed.toml".into())) {
        Ok(scenario) => {
            for call in &scenario.calls {
                let _ = call.resolve();
            }
            for account in &scenario.accounts {
                let _ = account.account_id();
                let _ = account.balance_yocto();
            }
        }
        Err(err) => assert!(!err.to_string().is_empty()),
    }
});
