//! Batches: several function calls to one receiver in ONE promise (one receipt, one outcome).

use near_sdk::serde_json::json;
use near_sdk::{env, log, near, Promise, PromiseError};

use crate::{Xcc, XccExt, CALLBACK_GAS, NO_DEPOSIT, XCC_GAS};

/// JSON arguments for `hello.set_greeting`.
pub(crate) fn greeting_args(greeting: &str) -> Vec<u8> {
    json!({ "greeting": greeting }).to_string().into_bytes()
}

#[near]
impl Xcc {
    /// Batch: one receipt to hello with set("hi"), get, set("bye"), get; the callback sees the last.
    pub fn batch_actions(&self) -> Promise {
        Promise::new(self.hello_account.clone())
            .function_call("set_greeting", greeting_args("hi"), NO_DEPOSIT, XCC_GAS)
            .function_call("get_greeting", Vec::new(), NO_DEPOSIT, XCC_GAS)
            .function_call("set_greeting", greeting_args("bye"), NO_DEPOSIT, XCC_GAS)
            .function_call("get_greeting", Vec::new(), NO_DEPOSIT, XCC_GAS)
            .then(
                Self::ext(env::current_account_id())
                    .with_static_gas(CALLBACK_GAS)
                    .batch_actions_callback(),
            )
    }

    /// Callback: a batch returns only its last action's result (here the greeting "bye").
    #[private]
    pub fn batch_actions_callback(
        &self,
        #[callback_result] last: Result<String, PromiseError>,
    ) -> String {
        match last {
            Ok(greeting) => {
                log!("The batch's last result is {greeting}");
                greeting
            }
            Err(_) => {
                log!("The batch failed and was reverted");
                String::new()
            }
        }
    }

    /// Failing batch: set("batch"), fail, get in one receipt; fail reverts the whole batch.
    pub fn batch_failing(&self) -> Promise {
        Promise::new(self.hello_account.clone())
            .function_call("set_greeting", greeting_args("batch"), NO_DEPOSIT, XCC_GAS)
            .function_call("fail", Vec::new(), NO_DEPOSIT, XCC_GAS)
            .function_call("get_greeting", Vec::new(), NO_DEPOSIT, XCC_GAS)
            .then(
                Self::ext(env::current_account_id())
                    .with_static_gas(CALLBACK_GAS)
                    .batch_failing_callback(),
            )
    }

    /// Callback: sees the failed batch and logs that set_greeting("batch") was reverted with it.
    #[private]
    pub fn batch_failing_callback(
        &self,
        #[callback_result] last: Result<String, PromiseError>,
    ) -> bool {
        match last {
            Ok(greeting) => {
                log!("The batch unexpectedly succeeded: greeting is {greeting}");
                true
            }
            Err(_) => {
                log!("The batch failed: all its actions reverted, set_greeting(\"batch\") too");
                false
            }
        }
    }
}
