//! The closed sets a state change is named by: its cause and its kind, each an enum whose
//! names are the RPC's (`StateChangeCauseView`'s and `StateChangeValueView`'s `type`), written
//! once here. `Display`, serde (the trace JSON) and `FromStr` all read the same table, so an
//! unknown name is an error and a typo does not compile.

use near_primitives::hash::CryptoHash;
use near_primitives::views::{StateChangeCauseView, StateChangeValueView};
use std::fmt;
use std::str::FromStr;

/// An enum of RPC names: `as_rpc_str`, `ALL`, `Display`, `FromStr` and serde as that string.
macro_rules! rpc_names {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($variant:ident => $rpc:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        pub enum $name {
            $($variant,)*
        }

        impl $name {
            /// Every name, in the RPC's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The name as the RPC (and the trace JSON) writes it.
            pub fn as_rpc_str(self) -> &'static str {
                match self {
                    $($name::$variant => $rpc,)*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_rpc_str())
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|x| x.as_rpc_str() == s)
                    .ok_or_else(|| format!("unknown state change {} `{s}`", $what))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_rpc_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

rpc_names! {
    /// Why a state change happened (`StateChangeCauseView`, without the hash it names).
    Cause, "cause" {
        NotWritableToDisk => "not_writable_to_disk",
        InitialState => "initial_state",
        TransactionProcessing => "transaction_processing",
        ActionReceiptProcessingStarted => "action_receipt_processing_started",
        ActionReceiptGasReward => "action_receipt_gas_reward",
        ReceiptProcessing => "receipt_processing",
        PostponedReceipt => "postponed_receipt",
        UpdatedDelayedReceipts => "updated_delayed_receipts",
        ValidatorAccountsUpdate => "validator_accounts_update",
        Migration => "migration",
        BandwidthSchedulerStateUpdate => "bandwidth_scheduler_state_update",
    }
}

rpc_names! {
    /// What a state change changed (`StateChangeValueView`'s `type`).
    ChangeKind, "kind" {
        AccountUpdate => "account_update",
        AccountDeletion => "account_deletion",
        AccessKeyUpdate => "access_key_update",
        AccessKeyDeletion => "access_key_deletion",
        GasKeyNonceUpdate => "gas_key_nonce_update",
        DataUpdate => "data_update",
        DataDeletion => "data_deletion",
        ContractCodeUpdate => "contract_code_update",
        ContractCodeDeletion => "contract_code_deletion",
    }
}

/// A cause's name and the transaction or receipt hash it names.
pub fn cause_of(cause: &StateChangeCauseView) -> (Cause, Option<CryptoHash>) {
    use StateChangeCauseView as C;
    match cause {
        C::NotWritableToDisk => (Cause::NotWritableToDisk, None),
        C::InitialState => (Cause::InitialState, None),
        C::TransactionProcessing { tx_hash } => (Cause::TransactionProcessing, Some(*tx_hash)),
        C::ActionReceiptProcessingStarted { receipt_hash } => {
            (Cause::ActionReceiptProcessingStarted, Some(*receipt_hash))
        }
        C::ActionReceiptGasReward { receipt_hash } => {
            (Cause::ActionReceiptGasReward, Some(*receipt_hash))
        }
        C::ReceiptProcessing { receipt_hash } => (Cause::ReceiptProcessing, Some(*receipt_hash)),
        C::PostponedReceipt { receipt_hash } => (Cause::PostponedReceipt, Some(*receipt_hash)),
        C::UpdatedDelayedReceipts => (Cause::UpdatedDelayedReceipts, None),
        C::ValidatorAccountsUpdate => (Cause::ValidatorAccountsUpdate, None),
        C::Migration => (Cause::Migration, None),
        C::BandwidthSchedulerStateUpdate => (Cause::BandwidthSchedulerStateUpdate, None),
    }
}

impl ChangeKind {
    /// The kind of a change value.
    pub fn of(value: &StateChangeValueView) -> ChangeKind {
        use StateChangeValueView as V;
        match value {
            V::AccountUpdate { .. } => ChangeKind::AccountUpdate,
            V::AccountDeletion { .. } => ChangeKind::AccountDeletion,
            V::AccessKeyUpdate { .. } => ChangeKind::AccessKeyUpdate,
            V::AccessKeyDeletion { .. } => ChangeKind::AccessKeyDeletion,
            V::GasKeyNonceUpdate { .. } => ChangeKind::GasKeyNonceUpdate,
            V::DataUpdate { .. } => ChangeKind::DataUpdate,
            V::DataDeletion { .. } => ChangeKind::DataDeletion,
            V::ContractCodeUpdate { .. } => ChangeKind::ContractCodeUpdate,
            V::ContractCodeDeletion { .. } => ChangeKind::ContractCodeDeletion,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names are the RPC's own: serde of the views writes the same `type`.
    #[test]
    fn names_are_the_rpcs() {
        let hash = CryptoHash::default();
        let cause = StateChangeCauseView::ReceiptProcessing { receipt_hash: hash };
        let json = serde_json::to_value(&cause).expect("cause");
        assert_eq!(json["type"], cause_of(&cause).0.as_rpc_str());
        let value = StateChangeValueView::DataDeletion {
            account_id: "a.near".parse().expect("account"),
            key: Vec::new().into(),
        };
        let json = serde_json::to_value(&value).expect("value");
        assert_eq!(json["type"], ChangeKind::of(&value).as_rpc_str());
    }

    #[test]
    fn every_name_reads_back_and_others_are_errors() {
        for c in Cause::ALL {
            assert_eq!(c.as_rpc_str().parse::<Cause>(), Ok(*c));
        }
        for k in ChangeKind::ALL {
            let json = serde_json::to_string(k).expect("kind");
            assert_eq!(serde_json::from_str::<ChangeKind>(&json).expect("kind"), *k);
        }
        assert_eq!("later".parse::<Cause>(), Err("unknown state change cause `later`".into()));
        let err = serde_json::from_str::<ChangeKind>("\"bogus\"").expect_err("bogus");
        assert!(err.to_string().contains("unknown state change kind `bogus`"), "{err}");
    }
}
