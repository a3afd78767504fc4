//! `counter`: the NEAR counter example, an `i8` that goes up and down and logs every change.
//!
//! nearviz calls it in parallel with other contracts (`xcc.multiple_contracts`) and at the start
//! of a `then().then()` chain (`xcc.chain`). An `i8` overflows quickly: `increment` past 127
//! panics with a clear message, which makes a handy failing callee too.

use near_sdk::{env, log, near};

/// Contract state: one signed byte, starting at 0.
#[near(contract_state)]
#[derive(Default)]
pub struct Counter {
    val: i8,
}

#[near]
impl Counter {
    /// View call: returns the current number.
    pub fn get_num(&self) -> i8 {
        self.val
    }

    /// Adds `number` (default 1), logs and returns the new value; panics instead of overflowing.
    pub fn increment(&mut self, number: Option<i8>) -> i8 {
        let by = number.unwrap_or(1);
        self.val = self.val.checked_add(by).unwrap_or_else(|| {
            env::panic_str(&format!("counter: {} + {by} does not fit in an i8", self.val))
        });
        log!("Increased number to {}", self.val);
        self.val
    }

    /// Subtracts `number` (default 1), logs and returns the new value; panics instead of overflowing.
    pub fn decrement(&mut self, number: Option<i8>) -> i8 {
        let by = number.unwrap_or(1);
        self.val = self.val.checked_sub(by).unwrap_or_else(|| {
            env::panic_str(&format!("counter: {} - {by} does not fit in an i8", self.val))
        });
        log!("Decreased number to {}", self.val);
        self.val
    }

    /// Sets the number back to zero and logs it.
    pub fn reset(&mut self) {
        self.val = 0;
        log!("Reset counter to zero");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use near_sdk::test_utils::{get_logs, VMContextBuilder};
    use near_sdk::testing_env;

    fn fresh() -> Counter {
        testing_env!(VMContextBuilder::new().build());
        Counter::default()
    }

    #[test]
    fn starts_at_zero() {
        assert_eq!(fresh().get_num(), 0);
    }

    #[test]
    fn increment_and_decrement_log_each_change() {
        let mut counter = fresh();
        assert_eq!(counter.increment(None), 1);
        assert_eq!(counter.increment(Some(5)), 6);
        assert_eq!(counter.decrement(Some(10)), -4);
        assert_eq!(counter.decrement(None), -5);
        assert_eq!(counter.get_num(), -5);
        assert_eq!(
            get_logs(),
            vec![
                "Increased number to 1",
                "Increased number to 6",
                "Decreased number to -4",
                "Decreased number to -5",
            ]
        );
    }

    #[test]
    fn reset_returns_to_zero() {
        let mut counter = fresh();
        counter.increment(Some(42));
        counter.reset();
        assert_eq!(counter.get_num(), 0);
        assert_eq!(get_logs().last().map(String::as_str), Some("Reset counter to zero"));
    }

    #[test]
    #[should_panic(expected = "counter: 127 + 1 does not fit in an i8")]
    fn increment_past_max_panics() {
        let mut counter = fresh();
        counter.increment(Some(127));
        counter.increment(None);
    }

    #[test]
    #[should_panic(expected = "counter: -128 - 1 does not fit in an i8")]
    fn decrement_past_min_panics() {
        let mut counter = fresh();
        counter.decrement(Some(127));
        counter.decrement(None);
        counter.decrement(None);
    }
}
