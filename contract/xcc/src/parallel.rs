//! Parallel calls: promises joined with `and`, then one callback with one input per promise.

use near_sdk::serde::Serialize;
use near_sdk::{env, log, near, Promise, PromiseError};

use crate::batch::greeting_args;
use crate::{
    ext_counter, ext_guestbook, ext_hello, PostedMessage, Xcc, XccExt, JOIN_CALLBACK_GAS,
    MAX_RESULT_LEN, NO_DEPOSIT, XCC_GAS,
};

/// The greetings `similar_contracts` sets, one batch each.
pub const SIMILAR_GREETINGS: [&str; 3] = ["hi", "howdy", "bye"];

/// What `multiple_contracts_callback` read from its three inputs (`None`: that call failed).
#[derive(Serialize, Debug, PartialEq, Eq)]
#[serde(crate = "near_sdk::serde")]
pub struct MultipleResults {
    pub greeting: Option<String>,
    pub num: Option<i8>,
    pub messages: Option<Vec<PostedMessage>>,
}

#[near]
impl Xcc {
    /// Parallel: hello.get_greeting, counter.get_num and guestbook.get_messages joined, one callback.
    pub fn multiple_contracts(&self) -> Promise {
        let hello =
            ext_hello::ext(self.hello_account.clone()).with_static_gas(XCC_GAS).get_greeting();
        let counter =
            ext_counter::ext(self.counter_account.clone()).with_static_gas(XCC_GAS).get_num();
        let guestbook = ext_guestbook::ext(self.guestbook_account.clone())
            .with_static_gas(XCC_GAS)
            .get_messages(None, None);
        hello.and(counter).and(guestbook).then(
            Self::ext(env::current_account_id())
                .with_static_gas(JOIN_CALLBACK_GAS)
                .multiple_contracts_callback(),
        )
    }

    /// Callback: three typed inputs in the order they were joined (String, i8, messages).
    #[private]
    pub fn multiple_contracts_callback(
        &self,
        #[callback_result] greeting: Result<String, PromiseError>,
        #[callback_result] num: Result<i8, PromiseError>,
        #[callback_result] messages: Result<Vec<PostedMessage>, PromiseError>,
    ) -> MultipleResults {
        let results =
            MultipleResults { greeting: greeting.ok(), num: num.ok(), messages: messages.ok() };
        log!(
            "hello: {:?}, counter: {:?}, guestbook: {:?} messages",
            results.greeting,
            results.num,
            results.messages.as_ref().map(Vec::len)
        );
        results
    }

    /// Parallel batches: three set+get batches to hello joined; the callback loops over results.
    pub fn similar_contracts(&self) -> Promise {
        let batch = |greeting: &str| {
            Promise::new(self.hello_account.clone())
                .function_call("set_greeting", greeting_args(greeting), NO_DEPOSIT, XCC_GAS)
                .function_call("get_greeting", Vec::new(), NO_DEPOSIT, XCC_GAS)
        };
        let [a, b, c] = SIMILAR_GREETINGS;
        batch(a).and(batch(b)).and(batch(c)).then(
            Self::ext(env::current_account_id())
                .with_static_gas(JOIN_CALLBACK_GAS)
                .similar_contracts_callback(),
        )
    }

    /// Callback: reads any number of inputs with `promise_results_count` and `promise_result`.
    #[private]
    pub fn similar_contracts_callback(&self) -> Vec<String> {
        let count = env::promise_results_count();
        let mut greetings = Vec::new();
        for i in 0..count {
            match env::promise_result_checked(i, MAX_RESULT_LEN) {
                Ok(bytes) => match near_sdk::serde_json::from_slice::<String>(&bytes) {
                    Ok(greeting) => {
                        log!("Result {i}: {greeting}");
                        greetings.push(greeting);
                    }
                    Err(_) => log!("Result {i}: not a string"),
                },
                Err(PromiseError::Failed) => log!("Result {i}: failed"),
                Err(_) => log!("Result {i}: longer than {MAX_RESULT_LEN} bytes"),
            }
        }
        greetings
    }
}
