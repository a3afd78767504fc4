//! When things go wrong: failing callees, rollback and refund, panicking callbacks, running out
//! of gas, chains, gas weights, a rejected joint promise and a forwarded deposit.

use near_sdk::{env, log, near, AccountId, Gas, NearToken, Promise, PromiseError};

use crate::{
    ext_counter, ext_hello, Xcc, XccExt, CALLBACK_GAS, OUT_OF_GAS_GAS, OUT_OF_GAS_LOOPS,
    WEIGHTS_LOOPS, XCC_GAS,
};

#[near]
impl Xcc {
    /// Rollback: records a call and holds the deposit, calls hello.fail; the callback undoes both.
    #[payable]
    pub fn call_failing_with_rollback(&mut self) -> Promise {
        let caller = env::predecessor_account_id();
        let deposit = env::attached_deposit();
        self.recorded_calls += 1;
        log!(
            "Recorded call #{} from {caller}, holding {} yoctoNEAR",
            self.recorded_calls,
            deposit.as_yoctonear()
        );
        ext_hello::ext(self.hello_account.clone()).with_static_gas(XCC_GAS).fail().then(
            Self::ext(env::current_account_id())
                .with_static_gas(CALLBACK_GAS)
                .call_failing_with_rollback_callback(caller, deposit),
        )
    }

    /// Callback: on failure rolls the record back and refunds the deposit with a Transfer.
    #[private]
    pub fn call_failing_with_rollback_callback(
        &mut self,
        #[callback_result] result: Result<(), PromiseError>,
        caller: AccountId,
        deposit: NearToken,
    ) -> bool {
        if result.is_ok() {
            log!("hello.fail succeeded: keeping call #{}", self.recorded_calls);
            return true;
        }
        self.recorded_calls = self.recorded_calls.saturating_sub(1);
        log!(
            "hello.fail failed: rolled back the record ({} left), refunding {} yoctoNEAR to {caller}",
            self.recorded_calls,
            deposit.as_yoctonear()
        );
        if !deposit.is_zero() {
            Promise::new(caller).transfer(deposit).detach();
        }
        false
    }

    /// Failing callback: hello.get_greeting succeeds, then the callback itself panics.
    pub fn callback_panics(&self) -> Promise {
        ext_hello::ext(self.hello_account.clone()).with_static_gas(XCC_GAS).get_greeting().then(
            Self::ext(env::current_account_id())
                .with_static_gas(CALLBACK_GAS)
                .callback_panics_callback(),
        )
    }

    /// Callback: panics on purpose, so the transaction fails after the callee succeeded.
    #[private]
    pub fn callback_panics_callback(
        &self,
        #[callback_result] greeting: Result<String, PromiseError>,
    ) -> String {
        let seen = greeting.unwrap_or_else(|_| "<failed>".to_owned());
        env::panic_str(&format!("xcc: callback panics on purpose (greeting was {seen})"))
    }

    /// Out of gas: hello.burn gets only 5 Tgas (weight 0) for a huge loop; the callback sees it fail.
    pub fn out_of_gas(&self) -> Promise {
        ext_hello::ext(self.hello_account.clone())
            .with_static_gas(OUT_OF_GAS_GAS)
            .with_unused_gas_weight(0)
            .burn(OUT_OF_GAS_LOOPS)
            .then(
                Self::ext(env::current_account_id())
                    .with_static_gas(CALLBACK_GAS)
                    .out_of_gas_callback(),
            )
    }

    /// Callback: reports whether hello.burn finished (false: it ran out of gas).
    #[private]
    pub fn out_of_gas_callback(
        &self,
        #[callback_result] result: Result<u64, PromiseError>,
    ) -> bool {
        match result {
            Ok(checksum) => {
                log!("hello.burn finished with checksum {checksum}");
                true
            }
            Err(_) => {
                log!("hello.burn failed: it ran out of its {} Tgas", OUT_OF_GAS_GAS.as_tgas());
                false
            }
        }
    }

    /// Chain: counter.increment then hello.get_greeting then a callback, one block per link.
    pub fn chain(&self) -> Promise {
        ext_counter::ext(self.counter_account.clone())
            .with_static_gas(XCC_GAS)
            .increment(None)
            .then(
                ext_hello::ext(self.hello_account.clone()).with_static_gas(XCC_GAS).get_greeting(),
            )
            .then(
                Self::ext(env::current_account_id()).with_static_gas(CALLBACK_GAS).chain_callback(),
            )
    }

    /// Callback: gets only the previous link's result (the greeting), not the counter's.
    #[private]
    pub fn chain_callback(
        &self,
        #[callback_result] greeting: Result<String, PromiseError>,
    ) -> String {
        match greeting {
            Ok(greeting) => {
                log!("End of the chain: the greeting is {greeting}");
                greeting
            }
            Err(_) => {
                log!("End of the chain: hello.get_greeting failed");
                String::new()
            }
        }
    }

    /// Gas weights: two hello.burn with static gas 0 and weights 1 and 3 split the unused gas 1:3.
    pub fn weights(&self) -> Promise {
        let burn = |weight: u64| {
            ext_hello::ext(self.hello_account.clone())
                .with_static_gas(Gas::from_gas(0))
                .with_unused_gas_weight(weight)
                .burn(WEIGHTS_LOOPS)
        };
        burn(1).and(burn(3)).then(
            Self::ext(env::current_account_id())
                .with_static_gas(CALLBACK_GAS)
                .with_unused_gas_weight(0)
                .weights_callback(),
        )
    }

    /// Callback: true if both weighted calls finished.
    #[private]
    pub fn weights_callback(
        &self,
        #[callback_result] light: Result<u64, PromiseError>,
        #[callback_result] heavy: Result<u64, PromiseError>,
    ) -> bool {
        log!("weight 1 ok: {}, weight 3 ok: {}", light.is_ok(), heavy.is_ok());
        light.is_ok() && heavy.is_ok()
    }

    /// Joint return: returns hello.get_greeting AND counter.get_num with no callback (rejected).
    pub fn joint_return(&self) -> Promise {
        let hello =
            ext_hello::ext(self.hello_account.clone()).with_static_gas(XCC_GAS).get_greeting();
        let counter =
            ext_counter::ext(self.counter_account.clone()).with_static_gas(XCC_GAS).get_num();
        hello.and(counter)
    }

    /// Deposit forwarding: sends the attached deposit on to hello with a Transfer action.
    #[payable]
    pub fn forward_deposit(&mut self) -> Promise {
        let deposit = env::attached_deposit();
        log!("Forwarding {} yoctoNEAR to {}", deposit.as_yoctonear(), self.hello_account);
        Promise::new(self.hello_account.clone()).transfer(deposit)
    }
}
