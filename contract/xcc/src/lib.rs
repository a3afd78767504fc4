//! `xcc`: the cross-contract caller, one method per pattern the NEAR docs teach.
//!
//! Every public method starts a different promise shape towards `hello`, `counter` and
//! `guestbook`, so nearviz can draw it: a simple call with a callback ([`simple`]), batches
//! ([`batch`]), parallel calls joined into one callback ([`parallel`]), the ways things go
//! wrong ([`failures`]) and the race between a call and its callback ([`ledger`]: a deposit
//! ledger with an unsafe and a safe withdraw). Callbacks are `#[private]`: only xcc itself may
//! call them.

use near_sdk::json_types::U64;
use near_sdk::{ext_contract, near, AccountId, Gas, NearToken, PanicOnDefault};

pub mod batch;
pub mod failures;
pub mod ledger;
pub mod parallel;
pub mod simple;

#[cfg(test)]
mod tests;

/// Gas attached to each cross-contract function call (the reference caller uses the same).
pub const XCC_GAS: Gas = Gas::from_tgas(10);
/// Gas attached to a callback with one input.
pub const CALLBACK_GAS: Gas = Gas::from_tgas(10);
/// Gas attached to a callback that reads three inputs.
pub const JOIN_CALLBACK_GAS: Gas = Gas::from_tgas(20);
/// Gas given to `hello.burn` in `out_of_gas`: far too little for its loop.
pub const OUT_OF_GAS_GAS: Gas = Gas::from_tgas(5);
/// Loop count for `out_of_gas`: would take far more than 5 Tgas.
pub const OUT_OF_GAS_LOOPS: u64 = 1_000_000_000_000;
/// Loop count for `weights`: finishes well within the gas each call gets.
pub const WEIGHTS_LOOPS: u64 = 1_000;
/// Callback results are read with this bound, so a huge result cannot burn all the gas.
pub const MAX_RESULT_LEN: usize = 4 * 1024;
pub(crate) const NO_DEPOSIT: NearToken = NearToken::from_yoctonear(0);

/// A guestbook message as `guestbook.get_messages` returns it (mirrors `guestbook::PostedMessage`;
/// xcc does not link the guestbook crate, which would export its methods from xcc's wasm).
#[near(serializers = [json])]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostedMessage {
    pub premium: bool,
    pub sender: AccountId,
    pub text: String,
}

/// The hello contract's interface, for high-level calls (`ext_hello::ext(account).get_greeting()`).
#[ext_contract(ext_hello)]
pub trait HelloContract {
    fn get_greeting(&self) -> String;
    fn set_greeting(&mut self, greeting: String);
    fn fail(&mut self);
    fn burn(&self, loops: u64) -> u64;
}

/// The counter contract's interface.
#[ext_contract(ext_counter)]
pub trait CounterContract {
    fn get_num(&self) -> i8;
    fn increment(&mut self, number: Option<i8>) -> i8;
}

/// The guestbook contract's interface.
#[ext_contract(ext_guestbook)]
pub trait GuestbookContract {
    fn get_messages(&self, from_index: Option<U64>, limit: Option<U64>) -> Vec<PostedMessage>;
}

/// Contract state: who to call, and one number `call_failing_with_rollback` changes.
#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct Xcc {
    hello_account: AccountId,
    counter_account: AccountId,
    guestbook_account: AccountId,
    /// Calls recorded by `call_failing_with_rollback`; its callback undoes a record on failure.
    recorded_calls: u32,
}

#[near]
impl Xcc {
    /// Initialises xcc with the three accounts it calls (deploy-and-init, once).
    #[init]
    pub fn new(
        hello_account: AccountId,
        counter_account: AccountId,
        guestbook_account: AccountId,
    ) -> Self {
        Self { hello_account, counter_account, guestbook_account, recorded_calls: 0 }
    }

    /// View call: how many `call_failing_with_rollback` records survived (failures roll back).
    pub fn recorded_calls(&self) -> u32 {
        self.recorded_calls
    }
}
