//! `guestbook`: anyone can sign it; attaching at least 0.01 NEAR makes the message premium.
//!
//! nearviz reads it in parallel with hello and counter (`xcc.multiple_contracts`): the callback
//! then gets a typed `Vec<PostedMessage>` as its third promise result.

use near_sdk::json_types::U64;
use near_sdk::store::Vector;
use near_sdk::{env, log, near, AccountId, NearToken};

/// Attaching at least this much makes a message premium (0.01 NEAR).
pub const PREMIUM_PRICE: NearToken = NearToken::from_millinear(10);

/// How many messages `get_messages` returns when no `limit` is given.
pub const DEFAULT_LIMIT: u64 = 10;

/// One signed message, as stored and as returned by `get_messages`.
#[near(serializers = [borsh, json])]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostedMessage {
    pub premium: bool,
    pub sender: AccountId,
    pub text: String,
}

/// Contract state: the messages in the order they were added.
#[near(contract_state)]
pub struct GuestBook {
    messages: Vector<PostedMessage>,
}

impl Default for GuestBook {
    fn default() -> Self {
        Self { messages: Vector::new(b"m") }
    }
}

#[near]
impl GuestBook {
    /// Payable change call: stores a message from the caller, premium if >= 0.01 NEAR is attached.
    #[payable]
    pub fn add_message(&mut self, text: String) {
        let premium = env::attached_deposit() >= PREMIUM_PRICE;
        let sender = env::predecessor_account_id();
        log!("{sender} signed the guestbook{}: {text}", if premium { " (premium)" } else { "" });
        self.messages.push(PostedMessage { premium, sender, text });
    }

    /// View call: up to `limit` (default 10) messages starting at `from_index` (default 0).
    pub fn get_messages(&self, from_index: Option<U64>, limit: Option<U64>) -> Vec<PostedMessage> {
        let from = from_index.map_or(0, u64::from);
        let limit = limit.map_or(DEFAULT_LIMIT, u64::from);
        let from = usize::try_from(from).unwrap_or(usize::MAX);
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        self.messages.iter().skip(from).take(limit).cloned().collect()
    }

    /// View call: how many messages were signed.
    pub fn total_messages(&self) -> u32 {
        self.messages.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use near_sdk::test_utils::{accounts, get_logs, VMContextBuilder};
    use near_sdk::testing_env;

    fn sign(book: &mut GuestBook, who: usize, deposit: NearToken, text: &str) {
        testing_env!(VMContextBuilder::new()
            .predecessor_account_id(accounts(who))
            .attached_deposit(deposit)
            .build());
        book.add_message(text.to_owned());
    }

    #[test]
    fn premium_needs_at_least_a_hundredth_of_a_near() {
        let mut book = GuestBook::default();
        sign(&mut book, 0, NearToken::from_yoctonear(0), "free");
        sign(&mut book, 1, NearToken::from_yoctonear(PREMIUM_PRICE.as_yoctonear() - 1), "almost");
        sign(&mut book, 2, PREMIUM_PRICE, "paid");
        let premium: Vec<bool> = book.get_messages(None, None).iter().map(|m| m.premium).collect();
        assert_eq!(premium, vec![false, false, true]);
        assert_eq!(book.total_messages(), 3);
    }

    #[test]
    fn add_message_records_sender_and_logs() {
        let mut book = GuestBook::default();
        sign(&mut book, 1, PREMIUM_PRICE, "hi there");
        assert_eq!(
            book.get_messages(None, None),
            vec![PostedMessage { premium: true, sender: accounts(1), text: "hi there".to_owned() }]
        );
        assert_eq!(get_logs(), vec!["bob signed the guestbook (premium): hi there"]);
    }

    #[test]
    fn get_messages_pages_through_the_book() {
        let mut book = GuestBook::default();
        for i in 0..15 {
            sign(&mut book, 0, NearToken::from_yoctonear(0), &format!("m{i}"));
        }
        let texts = |from: Option<u64>, limit: Option<u64>| -> Vec<String> {
            book.get_messages(from.map(U64), limit.map(U64)).into_iter().map(|m| m.text).collect()
        };
        assert_eq!(texts(None, None).len(), 10);
        assert_eq!(texts(Some(13), None), vec!["m13", "m14"]);
        assert_eq!(texts(Some(2), Some(2)), vec!["m2", "m3"]);
        assert!(texts(Some(u64::MAX), Some(u64::MAX)).is_empty());
    }
}
