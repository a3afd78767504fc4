//! `hello`: the simplest contract nearviz calls into.
//!
//! It keeps one greeting, logs when it changes, and has two methods that exist only to show how
//! failures look on chain: `fail` (a panic after a state change, which the runtime reverts) and
//! `burn` (a CPU loop, to run a call out of gas or to see how gas weights split unused gas).

use near_sdk::{env, log, near};

/// The greeting a fresh deployment returns.
pub const DEFAULT_GREETING: &str = "Hello";

/// The panic message of [`Hello::fail`]; it shows up on chain as
/// `Smart contract panicked: hello: deliberate failure`.
pub const FAIL_MESSAGE: &str = "hello: deliberate failure";

/// Contract state: one greeting.
#[near(contract_state)]
pub struct Hello {
    greeting: String,
}

impl Default for Hello {
    fn default() -> Self {
        Self { greeting: DEFAULT_GREETING.to_owned() }
    }
}

#[near]
impl Hello {
    /// View call: returns the stored greeting (what a cross-contract query reads back).
    pub fn get_greeting(&self) -> String {
        self.greeting.clone()
    }

    /// Change call: stores a new greeting and logs it (what "sending information" looks like).
    pub fn set_greeting(&mut self, greeting: String) {
        log!("Saving greeting: {greeting}");
        self.greeting = greeting;
    }

    /// Changes the greeting, then panics: the receipt fails and its state change is reverted.
    pub fn fail(&mut self) {
        self.greeting = "this change is reverted".to_owned();
        env::panic_str(FAIL_MESSAGE)
    }

    /// Burns CPU for `loops` iterations and returns a checksum: with little gas it runs out of gas.
    pub fn burn(&self, loops: u64) -> u64 {
        let mut acc: u64 = 0;
        for i in 0..loops {
            acc = acc.wrapping_mul(31).wrapping_add(i ^ env::block_height());
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use near_sdk::test_utils::{get_logs, VMContextBuilder};
    use near_sdk::testing_env;

    fn fresh() -> Hello {
        testing_env!(VMContextBuilder::new().build());
        Hello::default()
    }

    #[test]
    fn default_greeting_is_hello() {
        assert_eq!(fresh().get_greeting(), "Hello");
    }

    #[test]
    fn set_greeting_stores_and_logs() {
        let mut hello = fresh();
        hello.set_greeting("howdy".to_owned());
        assert_eq!(hello.get_greeting(), "howdy");
        assert_eq!(get_logs(), vec!["Saving greeting: howdy".to_owned()]);
    }

    #[test]
    #[should_panic(expected = "hello: deliberate failure")]
    fn fail_panics_with_its_message() {
        fresh().fail();
    }

    #[test]
    fn burn_depends_on_loop_count() {
        let hello = fresh();
        assert_eq!(hello.burn(0), 0);
        assert_ne!(hello.burn(10), hello.burn(11));
    }
}
