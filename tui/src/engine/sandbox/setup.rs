//! The scenario on a running node, through near-workspaces: readable sub-accounts of the root
//! (`hello.test.near`), contracts deployed, init calls made, and scenario calls sent.
//!
//! Independent steps run concurrently: every account is one transaction from the root
//! (CreateAccount + Transfer + AddKey + DeployContract), all in flight at once; then every init
//! call at once. Transactions are *sent* one after the other (milliseconds each) so that
//! near-workspaces hands out each signer's nonces in order; they *execute* together.

use super::error::SandboxError;
use super::node::Node;
use crate::chain::TxHash;
use crate::scenario::{format_near, ResolvedCall, Scenario, ROOT_ACCOUNT};
use near_primitives::hash::CryptoHash;
use near_workspaces::network::{Sandbox, ValidatorKey};
use near_workspaces::operations::TransactionStatus;
use near_workspaces::types::{AccessKey, Gas, KeyType, NearToken, SecretKey};
use near_workspaces::{Account, AccountId, Worker};
use std::collections::HashMap;
use std::task::Poll;
use std::time::Duration;

/// How long one set-up transaction may take.
const SETUP_TX_TIMEOUT: Duration = Duration::from_secs(30);
/// How often set-up transactions are checked (blocks come every ~125 ms).
const SETUP_POLL: Duration = Duration::from_millis(30);

/// The scenario's accounts on the node, with their keys, ready to sign calls.
pub struct Deployment {
    worker: Worker<Sandbox>,
    signers: HashMap<AccountId, Account>,
    pub timings: SetupTimings,
}

/// How long set-up took (for `benches/boot.rs` and the log).
#[derive(Clone, Copy, Debug, Default)]
pub struct SetupTimings {
    /// Every account created, funded and deployed (all in flight together).
    pub accounts: Duration,
    /// Every init call executed.
    pub init: Duration,
}

/// near-workspaces connected to `node` (no process of its own: nearviz owns neard).
pub async fn connect(node: &Node) -> Result<Worker<Sandbox>, SandboxError> {
    near_workspaces::sandbox()
        .rpc_addr(&node.rpc_url)
        .validator_key(ValidatorKey::HomeDir(node.home().to_owned()))
        .await
        .map_err(|err| SandboxError::setup("connecting near-workspaces", err))
}

impl Deployment {
    /// Creates every account, deploys, then runs the init calls; `progress` gets one line per step.
    pub async fn create(
        worker: Worker<Sandbox>,
        scenario: &Scenario,
        progress: &(dyn Fn(String) + Sync),
    ) -> Result<Deployment, SandboxError> {
        let root = worker
            .root_account()
            .map_err(|err| SandboxError::setup("reading the root key", err))?;
        if root.id().as_str() != ROOT_ACCOUNT {
            return Err(SandboxError::setup(
                "checking the root account",
                format!("the node's root is {}, scenarios need {ROOT_ACCOUNT}", root.id()),
            ));
        }

        let started = std::time::Instant::now();
        let mut signers = HashMap::new();
        let mut pending = Vec::new();
        for account in &scenario.accounts {
            let id = account.account_id().map_err(|err| SandboxError::setup(&account.name, err))?;
            let balance =
                account.balance_yocto().map_err(|err| SandboxError::setup(&account.name, err))?;
            let wasm =
                scenario.wasm(account).map_err(|err| SandboxError::setup(&account.name, err))?;
            let key = SecretKey::from_random(KeyType::ED25519);
            let mut tx = root
                .batch(&id)
                .create_account()
                .transfer(NearToken::from_yoctonear(balance))
                .add_key(key.public_key(), AccessKey::full_access());
            let step = match &wasm {
                Some(code) => {
                    tx = tx.deploy(code);
                    format!(
                        "creating {id} ({}) with {} KB of wasm",
                        format_near(balance),
                        code.len() / 1024
                    )
                }
                None => format!("creating {id} ({})", format_near(balance)),
            };
            progress(format!("{step}…"));
            let status =
                tx.transact_async().await.map_err(|err| SandboxError::setup(&step, err))?;
            pending.push((step, status));
            signers.insert(id.clone(), Account::from_secret_key(id, key, &worker));
        }
        wait_all(pending).await?;
        let accounts = started.elapsed();

        let mut deployment = Deployment {
            worker,
            signers,
            timings: SetupTimings { accounts, ..Default::default() },
        };
        let mut pending = Vec::new();
        for init in &scenario.inits {
            let step = format!("init {}.{}", init.receiver, init.method);
            let call = init.resolve().map_err(|err| SandboxError::setup(&step, err))?;
            progress(format!("{step}…"));
            let status =
                deployment.submit(&call).await.map_err(|err| SandboxError::setup(&step, err))?;
            pending.push((step, status));
        }
        wait_all(pending).await?;
        deployment.timings.init = started.elapsed() - accounts;
        Ok(deployment)
    }

    /// Sends `call` without waiting for it (`transact_async`): its hash once the node has it.
    pub async fn send(&self, call: &ResolvedCall) -> Result<TxHash, String> {
        let status = self.submit(call).await?;
        Ok(TxHash(CryptoHash(status.hash().0)))
    }

    async fn submit(&self, call: &ResolvedCall) -> Result<TransactionStatus, String> {
        let signer = self
            .signers
            .get(&call.signer)
            .ok_or_else(|| format!("no key for signer {}", call.signer))?;
        signer
            .call(&call.receiver, &call.method)
            .args(call.args.clone())
            .deposit(NearToken::from_yoctonear(call.deposit))
            .gas(Gas::from_gas(call.gas))
            .transact_async()
            .await
            .map_err(|err| err.to_string())
    }

    /// The near-workspaces worker (for tests and tools that want more than the scenario).
    pub fn worker(&self) -> &Worker<Sandbox> {
        &self.worker
    }
}

/// Waits for every set-up transaction at once; the first failure names its step.
async fn wait_all(pending: Vec<(String, TransactionStatus)>) -> Result<(), SandboxError> {
    let waits = pending.iter().map(|(step, status)| wait_one(step, status));
    futures::future::try_join_all(waits).await.map(|_| ())
}

async fn wait_one(step: &str, status: &TransactionStatus) -> Result<(), SandboxError> {
    let deadline = tokio::time::Instant::now() + SETUP_TX_TIMEOUT;
    loop {
        match status.status().await {
            Ok(Poll::Ready(result)) => {
                return result
                    .into_result()
                    .map(|_| ())
                    .map_err(|err| SandboxError::setup(step, err))
            }
            Ok(Poll::Pending) => {}
            Err(err) => return Err(SandboxError::setup(step, err)),
        }
        if tokio::time::Instant::now() >= deadline {
            let secs = SETUP_TX_TIMEOUT.as_secs();
            return Err(SandboxError::setup(step, format!("not executed within {secs} s")));
        }
        tokio::time::sleep(SETUP_POLL).await;
    }
}
