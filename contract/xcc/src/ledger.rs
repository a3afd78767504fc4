//! The callback window: a deposit ledger and the two withdraws NEAR's security docs compare.
//!
//! Between a call and its callback other transactions run, and they may call the same method
//! again. `withdraw_unsafe` pays first and deducts in the callback, so a second withdraw that
//! lands inside the first one's window passes the balance check again and is paid twice.
//! `withdraw_safe` deducts first and re-credits only if the transfer failed: the second
//! withdraw fails its check.
//!
//! The ledger lives in its own storage keys, `balance:<account>` (a borsh `u128` of yoctoNEAR),
//! outside the [`Xcc`] struct: `new` and the state every other method reads stay as they were,
//! and a state viewer shows the key in plain text.

use near_sdk::{env, log, near, require, AccountId, NearToken, Promise, PromiseError};

use crate::{Xcc, XccExt, CALLBACK_GAS};

/// Storage key prefix of a depositor's balance.
pub const BALANCE_PREFIX: &[u8] = b"balance:";

fn balance_key(account: &AccountId) -> Vec<u8> {
    [BALANCE_PREFIX, account.as_bytes()].concat()
}

/// The recorded balance of `account` (0 when it never deposited).
fn read_balance(account: &AccountId) -> NearToken {
    let yocto = env::storage_read(&balance_key(account))
        .and_then(|bytes| <[u8; 16]>::try_from(bytes.as_slice()).ok())
        .map_or(0, u128::from_le_bytes);
    NearToken::from_yoctonear(yocto)
}

fn write_balance(account: &AccountId, balance: NearToken) {
    env::storage_write(&balance_key(account), &balance.as_yoctonear().to_le_bytes());
}

/// `1 NEAR`, `0.5 NEAR`, `12 yoctoNEAR`: amounts as the logs and panics show them.
pub fn show(amount: NearToken) -> String {
    let yocto = amount.as_yoctonear();
    let one = NearToken::from_near(1).as_yoctonear();
    let micro = one / 1_000_000;
    let below_micro = yocto % micro;
    if yocto == 0 || below_micro != 0 {
        return format!("{yocto} yoctoNEAR");
    }
    let whole = yocto / one;
    let millionths = (yocto % one) / micro;
    if millionths == 0 {
        format!("{whole} NEAR")
    } else {
        let fraction = format!("{millionths:06}");
        format!("{whole}.{} NEAR", fraction.trim_end_matches('0'))
    }
}

#[near]
impl Xcc {
    /// Deposit ledger: credits the attached NEAR to the caller's recorded balance and returns
    /// the new balance. Teaches: state that callbacks must keep consistent with real money.
    #[payable]
    pub fn deposit(&mut self) -> NearToken {
        let account = env::predecessor_account_id();
        let amount = env::attached_deposit();
        require!(!amount.is_zero(), "xcc: attach the NEAR to deposit");
        let balance = read_balance(&account).saturating_add(amount);
        write_balance(&account, balance);
        log!("Deposited {} for {account}: balance {}", show(amount), show(balance));
        balance
    }

    /// View: the recorded balance of `account_id` in yoctoNEAR (0 if it never deposited).
    pub fn balance_of(&self, account_id: AccountId) -> NearToken {
        read_balance(&account_id)
    }

    /// The race the docs warn about: checks the balance, pays the caller, and deducts only in
    /// the callback. A second withdraw that runs before that callback (inside the window) sees
    /// the old balance, passes the check and is paid too: the contract pays out twice.
    pub fn withdraw_unsafe(&mut self, amount: NearToken) -> Promise {
        let account = env::predecessor_account_id();
        let balance = read_balance(&account);
        require!(
            balance >= amount,
            format!("xcc: {account} has {}, cannot withdraw {}", show(balance), show(amount))
        );
        log!(
            "Paying {} to {account}; the ledger still says {} until the callback",
            show(amount),
            show(balance)
        );
        Promise::new(account.clone()).transfer(amount).then(
            Self::ext(env::current_account_id())
                .with_static_gas(CALLBACK_GAS)
                .withdraw_unsafe_callback(account, amount),
        )
    }

    /// Callback of `withdraw_unsafe`: deducts now, after the money left. If another withdraw
    /// was paid in between, the recorded balance cannot cover this one: it panics, too late.
    #[private]
    pub fn withdraw_unsafe_callback(
        &mut self,
        #[callback_result] paid: Result<(), PromiseError>,
        account: AccountId,
        amount: NearToken,
    ) -> NearToken {
        let balance = read_balance(&account);
        if paid.is_err() {
            log!("The transfer to {account} failed: nothing to deduct");
            return balance;
        }
        let Some(left) = balance.checked_sub(amount) else {
            env::panic_str(&format!(
                "xcc: {account}'s recorded balance {} cannot cover the {} already paid out",
                show(balance),
                show(amount)
            ))
        };
        write_balance(&account, left);
        log!("Deducted {} from {account} after paying: balance {}", show(amount), show(left));
        left
    }

    /// The fix: checks and deducts first, then pays. A second withdraw inside the window sees
    /// the deducted balance and fails its check; the callback re-credits only a failed transfer.
    pub fn withdraw_safe(&mut self, amount: NearToken) -> Promise {
        let account = env::predecessor_account_id();
        let balance = read_balance(&account);
        let Some(left) = balance.checked_sub(amount) else {
            env::panic_str(&format!(
                "xcc: {account} has {}, cannot withdraw {}",
                show(balance),
                show(amount)
            ))
        };
        write_balance(&account, left);
        log!("Deducted {} from {account} before paying: balance {}", show(amount), show(left));
        Promise::new(account.clone()).transfer(amount).then(
            Self::ext(env::current_account_id())
                .with_static_gas(CALLBACK_GAS)
                .withdraw_safe_callback(account, amount),
        )
    }

    /// Callback of `withdraw_safe`: nothing to do when the transfer arrived; re-credits the
    /// amount when it failed (nothing rolls back by itself). True if the money was paid.
    #[private]
    pub fn withdraw_safe_callback(
        &mut self,
        #[callback_result] paid: Result<(), PromiseError>,
        account: AccountId,
        amount: NearToken,
    ) -> bool {
        if paid.is_ok() {
            log!("Paid {} to {account}", show(amount));
            return true;
        }
        let balance = read_balance(&account).saturating_add(amount);
        write_balance(&account, balance);
        log!(
            "The transfer to {account} failed: re-credited {}, balance {}",
            show(amount),
            show(balance)
        );
        false
    }
}
