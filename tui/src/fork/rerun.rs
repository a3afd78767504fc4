//! Re-running a real transaction on a fork (`nearviz tx HASH --rpc URL --rerun`): the chain is
//! forked at the block before the one that included it, the signed transaction is submitted
//! again (with `--patch-wasm`, over changed contracts) and followed to FINAL, reporting the same
//! events as the embedded engine, so the real run and the re-run are compared as two DAGs.
//!
//! ```text
//! real outcome ─▶ included in block H ─▶ fork at H's previous block ─▶ patches (Contract
//! records) ─▶ the signed transaction again ─▶ blocks until FINAL ─▶ events (TxSubmitted, Block,
//! StateChanges, TxPoll, TxDone) ─▶ Dag, diffed against the real one
//! ```
//! Limits: the other transactions of block H and of the blocks after it are not replayed, so a
//! receipt that reads state they changed may differ; receipts run one block after another from
//! H, as on chain when no receipt was delayed.

use super::ForkPoint;
use crate::chain::{ChainEvent, TxHash};
use crate::engine::embedded::{default_cache_dir, Tracked};
use near_primitives::action::Action;
use near_primitives::hash::CryptoHash;
use near_primitives::state_record::StateRecord;
use near_primitives::transaction::{SignedTransaction, Transaction, TransactionV0};
use near_primitives::types::AccountId;
use near_primitives::views::SignedTransactionView;
use nearviz_runtime::{RecordOrigin, Runtime, RuntimeOptions};
use std::collections::HashSet;
use std::path::Path;

/// Blocks a re-run may take before it is given up.
const MAX_BLOCKS: usize = 512;

/// `--patch-wasm ACCOUNT=FILE`: the contract `account` runs in the re-run.
#[derive(Clone, Debug)]
pub struct Patch {
    pub account: AccountId,
    pub code: Vec<u8>,
}

impl Patch {
    /// Reads `ACCOUNT=FILE` (a `.wasm` file).
    pub fn parse(spec: &str) -> Result<Patch, String> {
        let (account, file) = spec
            .split_once('=')
            .ok_or_else(|| format!("--patch-wasm `{spec}`: expected ACCOUNT=FILE"))?;
        let account: AccountId = account.trim().parse().map_err(|e| {
            format!("--patch-wasm `{spec}`: `{account}` is not an account id ({e})")
        })?;
        let path = Path::new(file.trim());
        let code = std::fs::read(path)
            .map_err(|e| format!("--patch-wasm: cannot read {}: {e}", path.display()))?;
        if !code.starts_with(b"\0asm") {
            return Err(format!("--patch-wasm: {} is not a wasm file", path.display()));
        }
        Ok(Patch { account, code })
    }
}

/// The signed transaction a view shows, to submit again. The view has no block hash, so the
/// hash differs and the signature cannot be checked again: the runtime takes it as replayed.
pub fn signed_tx(view: &SignedTransactionView) -> Result<SignedTransaction, String> {
    let actions = view
        .actions
        .iter()
        .cloned()
        .map(Action::try_from)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("transaction {}: an action cannot be re-run ({e})", view.hash))?;
    let tx = Transaction::V0(TransactionV0 {
        signer_id: view.signer_id.clone(),
        public_key: view.public_key.clone(),
        nonce: view.nonce,
        receiver_id: view.receiver_id.clone(),
        block_hash: CryptoHash::default(),
        actions,
    });
    Ok(SignedTransaction::new(view.signature.clone(), tx))
}

/// Runs `tx` on a fork at `fork` (with `patches`) until FINAL; the events of the run, its
/// transaction labelled `label`. Blocking: the fork's reads wait for the remote.
pub fn rerun(
    fork: &ForkPoint,
    tx: SignedTransaction,
    label: &str,
    patches: &[Patch],
) -> Result<Vec<ChainEvent>, String> {
    let mut options =
        RuntimeOptions { cache_dir: default_cache_dir(), ..RuntimeOptions::default() };
    fork.apply(&mut options);
    let mut rt = Runtime::new(options).map_err(|e| format!("embedded runtime: {e}"))?;
    let records = patches
        .iter()
        .map(|p| StateRecord::Contract { account_id: p.account.clone(), code: p.code.clone() })
        .collect();
    rt.apply_state_records(records, RecordOrigin::Patch)
        .map_err(|e| format!("--patch-wasm: {e}"))?;
    let sender = tx.transaction.signer_id().clone();
    let hash = rt.submit_replayed(tx).map_err(|e| format!("the re-run was refused: {e}"))?;
    let mut events = vec![ChainEvent::TxSubmitted {
        tx: TxHash(hash),
        sender: sender.clone(),
        label: label.to_owned(),
        at_ms: 0,
    }];
    let mut tracked = Tracked::new(hash, sender);
    let mut sent_blocks = HashSet::new();
    for _ in 0..MAX_BLOCKS {
        rt.produce_block();
        let (new, done) = tracked.report(&rt, &mut sent_blocks);
        events.extend(new);
        if done {
            return Ok(events);
        }
    }
    Err(format!("the re-run did not reach FINAL within {MAX_BLOCKS} blocks"))
}
