//! Simple cross-contract calls: one call to hello, one callback back to xcc.

use near_sdk::{env, log, near, Promise, PromiseError};

use crate::{ext_hello, Xcc, XccExt, CALLBACK_GAS, NO_DEPOSIT, XCC_GAS};

#[near]
impl Xcc {
    /// Query with a high-level `#[ext_contract]` call: hello.get_greeting, then a callback.
    pub fn query_greeting(&self) -> Promise {
        ext_hello::ext(self.hello_account.clone()).with_static_gas(XCC_GAS).get_greeting().then(
            Self::ext(env::current_account_id())
                .with_static_gas(CALLBACK_GAS)
                .query_greeting_callback(),
        )
    }

    /// The same query with the low-level API: `Promise::new(..).function_call(..)`.
    pub fn query_greeting_low_level(&self) -> Promise {
        Promise::new(self.hello_account.clone())
            .function_call("get_greeting", Vec::new(), NO_DEPOSIT, XCC_GAS)
            .then(Promise::new(env::current_account_id()).function_call(
                "query_greeting_callback",
                Vec::new(),
                NO_DEPOSIT,
                CALLBACK_GAS,
            ))
    }

    /// Callback: reads hello's greeting from the promise result (empty if the call failed).
    #[private]
    pub fn query_greeting_callback(
        &self,
        #[callback_result] greeting: Result<String, PromiseError>,
    ) -> String {
        match greeting {
            Ok(greeting) => {
                log!("The greeting is {greeting}");
                greeting
            }
            Err(_) => {
                log!("hello.get_greeting failed");
                String::new()
            }
        }
    }

    /// Send information: hello.set_greeting(greeting), then a callback that reports success.
    pub fn change_greeting(&self, greeting: String) -> Promise {
        ext_hello::ext(self.hello_account.clone())
            .with_static_gas(XCC_GAS)
            .set_greeting(greeting)
            .then(
                Self::ext(env::current_account_id())
                    .with_static_gas(CALLBACK_GAS)
                    .change_greeting_callback(),
            )
    }

    /// Callback: true if hello stored the greeting, false if set_greeting failed.
    #[private]
    pub fn change_greeting_callback(
        &self,
        #[callback_result] result: Result<(), PromiseError>,
    ) -> bool {
        let ok = result.is_ok();
        if ok {
            log!("hello.set_greeting succeeded");
        } else {
            log!("hello.set_greeting failed");
        }
        ok
    }
}
