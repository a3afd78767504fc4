//! A fork of a chain the scenario already ran on (a `nearviz serve`, say) has the scenario's own
//! accounts, and creating them again fails. Each one the fork has with the code the scenario
//! would deploy is driven as the network's, as `fork = true` would. Its init calls are run only
//! if it has no contract state at the fork block yet (an init writes the contract's first state,
//! and runs once). One the fork has with other code is bad input, named.

use super::ForkPoint;
use crate::exit::Failure;
use crate::scenario::{account_id, Scenario};
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;

impl ForkPoint {
    /// `scenario` with each of its own accounts that the fork already has, with the scenario's
    /// code (or none, for a plain account), turned into a forked account, and the init calls to
    /// those that already have state dropped.
    pub fn adopt_existing(&self, mut scenario: Scenario) -> anyhow::Result<Scenario> {
        let remote = |e: nearviz_runtime::RemoteError| Failure::engine(e.to_string());
        let mut adopted: Vec<AccountId> = Vec::new();
        let mut initialised: Vec<AccountId> = Vec::new();
        for account in scenario.accounts.iter().filter(|account| !account.fork) {
            let id = account.account_id()?;
            let Some(found) = self.remote.0.account(&id).map_err(remote)? else { continue };
            let code = scenario.wasm(account)?;
            let wanted =
                code.map_or_else(CryptoHash::default, |code| CryptoHash::hash_bytes(&code));
            if found.code_hash != wanted {
                return Err(Failure::bad_input(format!(
                    "account {id} already exists on {} at block #{} with other code (hash {}): \
                     fork a chain without it, or name it `{id}` with `fork = true` in a scenario \
                     to drive that copy",
                    self.url, self.header.height, found.code_hash
                )));
            }
            // A state too large to list is a state.
            if self.remote.0.data_under(&id, b"").map_or(true, |items| !items.is_empty()) {
                initialised.push(id.clone());
            }
            adopted.push(id);
        }
        for account in &mut scenario.accounts {
            if account.account_id().is_ok_and(|id| adopted.contains(&id)) {
                account.fork = true;
            }
        }
        scenario.inits.retain(|init| {
            account_id(&init.receiver).map_or(true, |receiver| !initialised.contains(&receiver))
        });
        Ok(scenario)
    }
}
