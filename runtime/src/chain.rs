//! The embedded chain: accounts, a mempool, blocks produced on demand, receipts scheduled the
//! way a single-shard node schedules them (NEAR-FACTS 1-2).
//!
//! ```text
//! submit(tx) ─▶ mempool ─▶ produce_block(): convert txs (up to the chunk's tx gas limit)
//!                                          local receipts run now
//!                                          delayed receipts (FIFO) run
//!                                          incoming receipts (made in the previous block) run
//!                                          past the chunk's limit: ─▶ delayed (chunk.rs)
//!                                          new receipts ─▶ incoming of the next block
//! ```

use crate::apply::{execute_action_receipt, BlockCtx};
use crate::changes::{BlockStateChanges, Recorder};
use crate::chunk::{self, ChunkRules, ChunkUsage};
use crate::config::{ChainConfig, RuntimeOptions};
use crate::error::RuntimeError;
use crate::queue::ReceiptQueue;
use crate::state::{access_key_storage, AccountRecord, State};
use crate::transactions;
use crate::vm::Vm;
use near_crypto::{InMemorySigner, KeyType, PublicKey, SecretKey, Signature, Signer};
use near_primitives::account::{AccessKey, Account, AccountContract};
use near_primitives::action::Action;
use near_primitives::congestion_info::CongestionControl;
use near_primitives::errors::InvalidTxError;
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::{Receipt, ReceiptEnum};
use near_primitives::transaction::{SignedTransaction, Transaction, TransactionV0};
use near_primitives::types::{AccountId, Balance};
use near_primitives::views::{
    BlockHeaderView, ExecutionOutcomeView, ExecutionOutcomeWithIdView, ReceiptView,
};
use std::collections::{HashMap, HashSet, VecDeque};

/// Blocks whose state changes are kept (followers read them right after each block).
pub const STATE_CHANGES_KEPT: usize = 64;

pub(crate) struct TxRecord {
    pub tx: SignedTransaction,
    /// Block that included it: `(hash, height)`.
    pub included: Option<(CryptoHash, u64)>,
    pub outcome: Option<ExecutionOutcomeView>,
    pub rejected: Option<InvalidTxError>,
}

pub(crate) struct ReceiptRecord {
    pub view: ReceiptView,
    pub outcome: ExecutionOutcomeWithIdView,
    pub height: u64,
}

/// An in-process NEAR chain with one shard and one block producer.
pub struct Runtime {
    pub(crate) config: ChainConfig,
    pub(crate) vm: Vm,
    pub(crate) state: State,
    pub(crate) options: RuntimeOptions,
    /// Boxed: a header is ~1 KB, so a plain `Vec` of 6,000 blocks is an 8 MB block that is
    /// copied whole each time it doubles.
    #[allow(clippy::vec_box)] // one ~1 KB allocation per header, never a big copy
    pub(crate) blocks: Vec<Box<BlockHeaderView>>,
    block_index: HashMap<CryptoHash, usize>,
    mempool: Vec<CryptoHash>,
    /// Receipts created in the previous block, run in this one (by id: [`ReceiptQueue`]).
    incoming: ReceiptQueue,
    /// Receipts that did not fit in their block's chunk, oldest first.
    pub(crate) delayed: ReceiptQueue,
    /// State patched since the head block (`sandbox_patch_state`): shown in the next block's
    /// state changes.
    pub(crate) patched: Recorder,
    /// Heights the next block skips (`sandbox_fast_forward`: no block at those heights).
    pub(crate) skipped_heights: u64,
    /// Gas limit and price rules of the chain.
    rules: ChunkRules,
    /// What the chunk of the block being produced has used so far.
    usage: ChunkUsage,
    /// Gas used by the head block's chunk (moves the next block's price).
    head_gas_used: u64,
    /// The shard's congestion after the head block ([`Self::measure_congestion`]): only block
    /// production changes what it measures, so submits and the next block read it from here.
    congestion: CongestionControl,
    pub(crate) txs: HashMap<CryptoHash, TxRecord>,
    pub(crate) receipts: HashMap<CryptoHash, Box<ReceiptRecord>>,
    pub(crate) receipt_tx: HashMap<CryptoHash, CryptoHash>,
    pub(crate) in_flight: HashMap<CryptoHash, usize>,
    next_nonce: HashMap<AccountId, u64>,
    total_supply: u128,
    /// The state changes of the latest [`STATE_CHANGES_KEPT`] blocks.
    state_changes: VecDeque<(CryptoHash, BlockStateChanges)>,
}

/// The key the embedded runtime signs with for `account` (derived from the account id).
pub fn signer_for(account: &AccountId) -> Signer {
    InMemorySigner::from_secret_key(account.clone(), secret_key_for(account))
}

fn secret_key_for(account: &AccountId) -> SecretKey {
    // Deriving a key is a scalar multiplication: done once per account, not per transaction.
    static KEYS: std::sync::LazyLock<std::sync::Mutex<HashMap<AccountId, SecretKey>>> =
        std::sync::LazyLock::new(Default::default);
    let derive = || SecretKey::from_seed(KeyType::ED25519, account.as_str());
    match KEYS.lock() {
        Ok(mut keys) => keys.entry(account.clone()).or_insert_with(derive).clone(),
        Err(_) => derive(),
    }
}

/// `data` signed with `account`'s key, the signature [`signer_for`] makes: the ed25519 key is
/// expanded once per account (near-crypto's `SecretKey::sign` rebuilds and checks the key pair
/// at every call, two of the three scalar multiplications of a signature).
pub fn sign_as(account: &AccountId, data: &[u8]) -> Signature {
    use ed25519_dalek::Signer as _;
    type Keys = std::sync::Mutex<HashMap<AccountId, ed25519_dalek::SigningKey>>;
    static KEYS: std::sync::LazyLock<Keys> = std::sync::LazyLock::new(Default::default);
    // The seed half of the key pair near-crypto keeps (the runtime's keys are all ed25519).
    let expand = || match secret_key_for(account) {
        SecretKey::ED25519(pair) => <[u8; 32]>::try_from(&pair.0[..32])
            .ok()
            .map(|seed| ed25519_dalek::SigningKey::from_bytes(&seed)),
        _ => None,
    };
    let key = match KEYS.lock() {
        Ok(mut keys) => match keys.get(account) {
            Some(key) => Some(key.clone()),
            None => expand().inspect(|key| {
                keys.insert(account.clone(), key.clone());
            }),
        },
        Err(_) => expand(),
    };
    match key {
        Some(key) => Signature::ED25519(key.sign(data)),
        None => signer_for(account).sign(data),
    }
}

/// The full-access public key the embedded runtime uses for `account`.
pub fn public_key_for(account: &AccountId) -> PublicKey {
    secret_key_for(account).public_key()
}

impl Runtime {
    pub fn new(options: RuntimeOptions) -> Result<Self, RuntimeError> {
        let mut config = ChainConfig::new(options.protocol_version, options.gas_price)?;
        config.chain_id.clone_from(&options.genesis.chain_id);
        config.epoch_length = options.genesis.epoch_length.max(1);
        let vm = Vm::new(
            std::sync::Arc::clone(&config.runtime.wasm_config),
            std::sync::Arc::clone(&config.runtime.fees),
            options.cache_dir.as_deref(),
        )?;
        let mut rules = ChunkRules::sandbox(options.gas_price);
        rules.max_gas_price = options.genesis.max_gas_price.max(options.gas_price);
        let total_supply = options.genesis.total_supply;
        let congestion = chunk::congestion(&config, 0, 0);
        let mut runtime = Self {
            config,
            vm,
            state: State::default(),
            options,
            blocks: Vec::new(),
            block_index: HashMap::new(),
            mempool: Vec::new(),
            incoming: ReceiptQueue::default(),
            delayed: ReceiptQueue::default(),
            patched: Recorder::default(),
            skipped_heights: 0,
            rules,
            usage: ChunkUsage::default(),
            head_gas_used: 0,
            congestion,
            txs: HashMap::new(),
            receipts: HashMap::new(),
            receipt_tx: HashMap::new(),
            in_flight: HashMap::new(),
            next_nonce: HashMap::new(),
            total_supply,
            state_changes: VecDeque::new(),
        };
        runtime.state.remote = runtime.options.remote.clone();
        let genesis = runtime.header(
            runtime.options.genesis_height,
            CryptoHash::default(),
            runtime.options.genesis_timestamp_ns,
            runtime.rules.min_gas_price,
        );
        runtime.push_block(genesis);
        Ok(runtime)
    }

    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    pub fn protocol_version(&self) -> u32 {
        self.config.protocol_version
    }

    /// The chain's chunk gas limit and gas price rules (the sandbox genesis values).
    pub fn chunk_rules(&self) -> &ChunkRules {
        &self.rules
    }

    /// Receipts waiting in the delayed-receipts queue (they did not fit in their block).
    pub fn delayed_receipts(&self) -> usize {
        self.delayed.len()
    }

    /// Creates an account directly in the state (like a genesis record), with the runtime's
    /// full-access key for it.
    pub fn add_genesis_account(
        &mut self,
        id: &AccountId,
        balance: u128,
    ) -> Result<PublicKey, RuntimeError> {
        if self.state.accounts.contains_key(id) {
            return Err(RuntimeError::AccountExists(id.clone()));
        }
        let fees = &self.config.runtime.fees.storage_usage_config;
        let public_key = public_key_for(id);
        let key = AccessKey::full_access();
        let usage = fees.num_bytes_account
            + access_key_storage(&public_key, &key, fees.num_extra_bytes_record);
        let account = Account::new(
            Balance::from_yoctonear(balance),
            Balance::ZERO,
            AccountContract::None,
            usage,
        );
        let mut record = AccountRecord::new(account);
        record.access_keys.insert(public_key.clone(), key);
        self.state.accounts.insert(id.clone(), record);
        Ok(public_key)
    }

    /// An account's on-chain record (balance, storage usage, contract).
    pub fn account(&self, id: &AccountId) -> Option<&Account> {
        self.state.account(id).map(|r| &r.account)
    }

    /// An access key of an account (nonce, permission, allowance left).
    pub fn access_key(
        &self,
        id: &AccountId,
        key: &PublicKey,
    ) -> Option<&near_primitives::account::AccessKey> {
        self.state.account(id)?.access_keys.get(key)
    }

    /// A value of a contract's storage.
    pub fn contract_storage(&self, id: &AccountId, key: &[u8]) -> Option<&[u8]> {
        self.state.account(id)?.data.get(key).map(Vec::as_slice)
    }

    /// Signs `actions` from `signer` to `receiver` with the runtime's key for `signer` and
    /// queues the transaction for the next block. Returns its hash.
    pub fn submit(
        &mut self,
        signer: &AccountId,
        receiver: &AccountId,
        actions: Vec<Action>,
    ) -> Result<CryptoHash, RuntimeError> {
        let key = public_key_for(signer);
        self.state.load(signer).map_err(RuntimeError::Remote)?;
        let record = self
            .state
            .account(signer)
            .ok_or_else(|| RuntimeError::UnknownAccount(signer.clone()))?;
        let key_nonce = record
            .access_keys
            .get(&key)
            .map(|k| k.nonce)
            .ok_or_else(|| RuntimeError::NoSigningKey { account: signer.clone() })?;
        let nonce = self.next_nonce.get(signer).copied().unwrap_or(0).max(key_nonce) + 1;
        let tx = Transaction::V0(TransactionV0 {
            signer_id: signer.clone(),
            public_key: key,
            nonce,
            receiver_id: receiver.clone(),
            block_hash: self.head().hash,
            actions,
        });
        let signature = sign_as(signer, tx.get_hash_and_size().0.as_ref());
        let signed = SignedTransaction::new(signature, tx);
        // Signed just now with the account's key: nothing to verify.
        let hash = self.queue(signed)?;
        self.next_nonce.insert(signer.clone(), nonce);
        Ok(hash)
    }

    /// Queues an already signed transaction (checked now and again when included).
    pub fn submit_signed(&mut self, tx: SignedTransaction) -> Result<CryptoHash, RuntimeError> {
        if !tx.signature.verify(tx.get_hash().as_ref(), tx.transaction.public_key()) {
            return Err(RuntimeError::InvalidTransaction(InvalidTxError::InvalidSignature));
        }
        self.queue(tx)
    }

    /// Queues a transaction that already ran on another chain, to run it again (a re-run of a
    /// real transaction on a fork): its signature is not checked, as the block hash it was
    /// signed over is not part of the views it is rebuilt from. Every other check applies.
    pub fn submit_replayed(&mut self, tx: SignedTransaction) -> Result<CryptoHash, RuntimeError> {
        self.queue(tx)
    }

    /// Checks a transaction whose signature is known good and queues it.
    fn queue(&mut self, tx: SignedTransaction) -> Result<CryptoHash, RuntimeError> {
        self.state.load(tx.transaction.signer_id()).map_err(RuntimeError::Remote)?;
        transactions::check(&self.config, &self.state, &tx)
            .map_err(RuntimeError::InvalidTransaction)?;
        // A congested shard refuses new transactions to it (the node's RPC checks it too).
        if let Some(error) = chunk::rejects_transactions(&self.congestion) {
            return Err(RuntimeError::InvalidTransaction(error));
        }
        let hash = tx.get_hash();
        if self.txs.contains_key(&hash) {
            return Err(RuntimeError::AlreadySent(hash));
        }
        self.txs.insert(hash, TxRecord { tx, included: None, outcome: None, rejected: None });
        self.mempool.push(hash);
        Ok(hash)
    }

    /// The latest block.
    pub fn head(&self) -> &BlockHeaderView {
        // There is always the genesis block.
        &self.blocks[self.blocks.len() - 1]
    }

    /// The chain's first block: its genesis, at height 0 or (a fork) the forked block's.
    pub fn first_block(&self) -> &BlockHeaderView {
        // There is always the genesis block.
        &self.blocks[0]
    }

    pub fn block(&self, hash: &CryptoHash) -> Option<&BlockHeaderView> {
        self.block_index.get(hash).and_then(|i| self.blocks.get(*i)).map(AsRef::as_ref)
    }

    /// What block `hash` did to state, as `EXPERIMENTAL_changes` reports it, with the values
    /// before the block and what failed receipts reverted. `None` for a block older than the
    /// latest [`STATE_CHANGES_KEPT`] (or unknown).
    pub fn state_changes(&self, hash: &CryptoHash) -> Option<&BlockStateChanges> {
        self.state_changes.iter().rev().find(|(h, _)| h == hash).map(|(_, changes)| changes)
    }

    /// The state changes of the latest blocks, oldest first.
    pub(crate) fn kept_state_changes(&self) -> &VecDeque<(CryptoHash, BlockStateChanges)> {
        &self.state_changes
    }

    /// The block at `height`; `None` for a height the chain skipped (fast-forward).
    pub fn block_at(&self, height: u64) -> Option<&BlockHeaderView> {
        let index = self.blocks.binary_search_by_key(&height, |b| b.height).ok()?;
        self.blocks.get(index).map(AsRef::as_ref)
    }

    /// True when `id` is a refund receipt (from `system`) not executed yet.
    pub(crate) fn is_pending_refund(&self, id: &CryptoHash) -> bool {
        self.queued(id).is_some_and(|r| r.predecessor_id().is_system())
    }

    /// A receipt that runs in the next block or waits in the delayed queue, by id.
    fn queued(&self, id: &CryptoHash) -> Option<&Receipt> {
        self.incoming.get(id).or_else(|| self.delayed.get(id))
    }

    /// A receipt created and not executed yet: one that runs in the next block, or one
    /// postponed until its input data arrives (NEAR-FACTS 2).
    pub(crate) fn pending_receipt(&self, id: &CryptoHash) -> Option<&Receipt> {
        self.queued(id)
            .or_else(|| self.state.postponed.get(id).map(|p| &p.receipt))
            .or_else(|| self.state.yields.pending(id))
    }

    /// Yielded receipts waiting for `promise_yield_resume` or their timeout. They do not make
    /// the chain busy ([`Self::is_idle`]): they wait for a transaction from outside.
    pub fn yields_waiting(&self) -> usize {
        self.state.yields.waiting()
    }

    /// True when no transaction waits and no receipt is in flight.
    pub fn is_idle(&self) -> bool {
        self.mempool.is_empty()
            && self.incoming.is_empty()
            && self.delayed.is_empty()
            && self.state.postponed.is_empty()
    }

    /// Produces the next block: includes the mempool, runs local receipts, the delayed
    /// receipts, then the receipts created in the previous block, until the chunk is full.
    pub fn produce_block(&mut self) -> &BlockHeaderView {
        let timestamp = self.head().timestamp_nanosec + self.options.block_interval_ns;
        self.produce_block_at(timestamp)
    }

    /// Like [`Self::produce_block`] with a given timestamp (nanoseconds; kept increasing).
    pub fn produce_block_at(&mut self, timestamp_ns: u64) -> &BlockHeaderView {
        let prev = self.head().clone();
        let height = prev.height + 1 + std::mem::take(&mut self.skipped_heights);
        let timestamp_ns = timestamp_ns.max(prev.timestamp_nanosec + 1);
        let hash = CryptoHash::hash_borsh((prev.hash, height, timestamp_ns));
        let mut block = BlockCtx {
            height,
            timestamp_ns,
            random_seed: CryptoHash::hash_bytes(hash.as_ref()),
            written: HashSet::new(),
            changes: std::mem::take(&mut self.patched),
        };
        // Burnt gas costs the previous header's price in this block (`config.gas_price`).
        self.config.gas_price = prev.gas_price.as_yoctonear();
        self.usage = ChunkUsage::default();
        let tx_limit = chunk::tx_gas_limit(&self.congestion);
        let refused = chunk::rejects_transactions(&self.congestion);
        let mut tx_gas = 0u64;
        let mut outgoing = Vec::new();
        let mut local = Vec::new();
        let mut waiting = Vec::new();
        for tx_hash in std::mem::take(&mut self.mempool) {
            if tx_gas >= tx_limit {
                waiting.push(tx_hash);
                continue;
            }
            let Some(record) = self.txs.get_mut(&tx_hash) else { continue };
            if let Some(error) = &refused {
                record.rejected = Some(error.clone());
                continue;
            }
            let converted = transactions::convert(
                &self.config,
                &mut self.state,
                &record.tx,
                height,
                &mut block.changes,
            );
            match converted {
                Ok((receipt, outcome)) => {
                    let gas = outcome.gas_burnt.as_gas();
                    tx_gas = tx_gas.saturating_add(gas);
                    self.usage.add(gas, gas);
                    self.total_supply =
                        self.total_supply.saturating_sub(outcome.tokens_burnt.as_yoctonear());
                    record.included = Some((hash, height));
                    record.outcome = Some(outcome);
                    self.receipt_tx.insert(*receipt.receipt_id(), tx_hash);
                    self.in_flight.insert(tx_hash, 1);
                    if receipt.receiver_id() == receipt.predecessor_id() {
                        local.push(receipt);
                    } else {
                        outgoing.push(receipt);
                    }
                }
                Err(reason) => record.rejected = Some(reason),
            }
        }
        self.mempool = waiting;
        let limit = self.rules.gas_limit;
        // Local receipts, then the delayed ones (oldest first), then the incoming ones; once the
        // chunk is full the rest wait in the delayed queue, in this order.
        for receipt in local {
            self.run_or_delay(receipt, &mut block, hash, &mut outgoing);
        }
        while !self.usage.is_full(limit) {
            let Some(receipt) = self.delayed.pop_front() else { break };
            self.process(receipt, &mut block, hash, &mut outgoing);
        }
        for receipt in std::mem::take(&mut self.incoming) {
            self.run_or_delay(receipt, &mut block, hash, &mut outgoing);
        }
        // Yields not resumed by the end of their expiry block time out (resumed next block).
        outgoing.extend(self.state.yields.expire(height));
        self.incoming = outgoing.into_iter().collect();
        if self.state_changes.len() >= STATE_CHANGES_KEPT {
            self.state_changes.pop_front();
        }
        self.state_changes.push_back((hash, block.changes.finish()));
        // This block's price follows the load of the block before it (a chunk reports the gas
        // its predecessor used); the next block burns at this price.
        let price = self.rules.next_gas_price(prev.gas_price.as_yoctonear(), self.head_gas_used);
        self.head_gas_used = self.usage.gas;
        self.config.gas_price = price;
        let header = self.header(height, prev.hash, timestamp_ns, price);
        self.push_block(header);
        self.congestion = self.measure_congestion();
        self.head()
    }

    /// The shard's congestion: the gas of the delayed receipts, the bytes of the receipts
    /// waiting in state (delayed and postponed).
    fn measure_congestion(&self) -> CongestionControl {
        let gas = self.delayed.iter().map(|r| u128::from(chunk::congestion_gas(&self.config, r)));
        let waiting = self.delayed.iter().chain(self.state.postponed.values().map(|p| &p.receipt));
        let bytes = waiting.map(|r| borsh::object_length(r).unwrap_or(0) as u64);
        chunk::congestion(&self.config, gas.sum(), bytes.sum())
    }

    /// Runs `receipt` in this block while the chunk has room; otherwise it waits at the back of
    /// the delayed-receipts queue.
    fn run_or_delay(
        &mut self,
        receipt: Receipt,
        block: &mut BlockCtx,
        block_hash: CryptoHash,
        out: &mut Vec<Receipt>,
    ) {
        if self.usage.is_full(self.rules.gas_limit) {
            self.delayed.push_back(receipt);
        } else {
            self.process(receipt, block, block_hash, out);
        }
    }

    fn process(
        &mut self,
        receipt: Receipt,
        block: &mut BlockCtx,
        block_hash: CryptoHash,
        out: &mut Vec<Receipt>,
    ) {
        let receiver = receipt.receiver_id().clone();
        let tx = self.receipt_tx.get(receipt.receipt_id()).copied();
        let ready = match receipt.receipt() {
            ReceiptEnum::PromiseResume(data) => {
                self.done_with(tx);
                match crate::yields::resume(&mut self.state, &receiver, data) {
                    Some(yielded) => yielded,
                    None => return,
                }
            }
            ReceiptEnum::Data(data) => {
                let key = (receiver.clone(), data.data_id);
                self.state.received_data.insert(key.clone(), data.data.clone());
                self.done_with(tx);
                let Some(waiting) = self.state.waiting_for.remove(&key) else { return };
                let Some(postponed) = self.state.postponed.get_mut(&waiting) else { return };
                postponed.missing = postponed.missing.saturating_sub(1);
                if postponed.missing > 0 {
                    return;
                }
                match self.state.postponed.remove(&waiting) {
                    Some(p) => p.receipt,
                    None => return,
                }
            }
            ReceiptEnum::Action(_) | ReceiptEnum::ActionV2(_) => {
                match self.state.hold_until_inputs(receipt) {
                    Some(ready) => ready,
                    None => return,
                }
            }
            _ => {
                self.done_with(tx);
                return;
            }
        };
        self.execute(ready, block, block_hash, out);
    }

    fn done_with(&mut self, tx: Option<CryptoHash>) {
        if let Some(count) = tx.and_then(|tx| self.in_flight.get_mut(&tx)) {
            *count = count.saturating_sub(1);
        }
    }

    fn execute(
        &mut self,
        receipt: Receipt,
        block: &mut BlockCtx,
        block_hash: CryptoHash,
        out: &mut Vec<Receipt>,
    ) {
        let id = *receipt.receipt_id();
        let tx = self.receipt_tx.get(&id).copied();
        let Some(executed) =
            execute_action_receipt(&self.config, &self.vm, &mut self.state, block, &receipt)
        else {
            self.done_with(tx);
            return;
        };
        self.total_supply =
            self.total_supply.saturating_sub(executed.outcome.tokens_burnt.as_yoctonear());
        self.usage.add(executed.outcome.gas_burnt.as_gas(), executed.compute_usage);
        self.done_with(tx);
        let yield_timeout =
            self.config.runtime.wasm_config.limit_config.yield_timeout_length_in_blocks;
        let mut instant = Vec::new();
        for new in executed.new_receipts {
            if let Some(tx) = tx {
                self.receipt_tx.insert(*new.receipt_id(), tx);
                *self.in_flight.entry(tx).or_insert(0) += 1;
            }
            // A yielded receipt is held at once (an instant receipt with no outcome) until it is
            // resumed or times out.
            if self.state.yields.hold(&new, block.height, yield_timeout) {
                continue;
            }
            if is_instant(&new) {
                instant.push(new);
            } else {
                out.push(new);
            }
        }
        let outcome = ExecutionOutcomeWithIdView {
            proof: Vec::new(),
            block_hash,
            id,
            outcome: executed.outcome,
        };
        // Boxed: the map's table stays small when it grows (10,000 receipts are 10,000 views).
        let record = ReceiptRecord { view: receipt.into(), outcome, height: block.height };
        self.receipts.insert(id, Box::new(record));
        // Instant receipts run in this block, straight after the receipt that created them.
        for now in instant {
            self.execute(now, block, block_hash, out);
        }
    }

    fn header(
        &self,
        height: u64,
        prev_hash: CryptoHash,
        timestamp_ns: u64,
        gas_price: u128,
    ) -> BlockHeaderView {
        let hash = if height == 0 {
            CryptoHash::hash_bytes(b"nearviz embedded genesis")
        } else {
            CryptoHash::hash_borsh((prev_hash, height, timestamp_ns))
        };
        // Final: two blocks back in the chain, doomslug-final: one (one validator).
        let position = self.blocks.len();
        let hash_at = |i: usize| self.blocks.get(i).map_or(CryptoHash::default(), |b| b.hash);
        let (epoch_id, next_epoch_id) = self.epoch_ids_after_head(height);
        BlockHeaderView {
            height,
            prev_height: self.blocks.last().map(|b| b.height),
            epoch_id,
            next_epoch_id,
            hash,
            prev_hash,
            prev_state_root: CryptoHash::default(),
            block_body_hash: None,
            chunk_receipts_root: CryptoHash::default(),
            chunk_headers_root: CryptoHash::default(),
            chunk_tx_root: CryptoHash::default(),
            outcome_root: CryptoHash::default(),
            chunks_included: 1,
            challenges_root: CryptoHash::default(),
            timestamp: timestamp_ns,
            timestamp_nanosec: timestamp_ns,
            random_value: CryptoHash::hash_bytes(hash.as_ref()),
            validator_proposals: Vec::new(),
            chunk_mask: vec![true],
            gas_price: Balance::from_yoctonear(gas_price),
            block_ordinal: Some(position as u64 + 1),
            rent_paid: Balance::ZERO,
            validator_reward: Balance::ZERO,
            total_supply: Balance::from_yoctonear(self.total_supply),
            challenges_result: Vec::new(),
            last_final_block: hash_at(position.saturating_sub(2)),
            last_ds_final_block: hash_at(position.saturating_sub(1)),
            next_bp_hash: CryptoHash::default(),
            block_merkle_root: CryptoHash::default(),
            epoch_sync_data_hash: None,
            approvals: Vec::new(),
            signature: Signature::empty(KeyType::ED25519),
            latest_protocol_version: self.config.protocol_version,
            chunk_endorsements: None,
            shard_split: None,
            prev_last_certified_block_epoch_id: None,
            spice_chunk_endorsement_stats: None,
            chunk_execution_root: None,
        }
    }

    fn push_block(&mut self, header: BlockHeaderView) {
        self.block_index.insert(header.hash, self.blocks.len());
        self.blocks.push(Box::new(header));
    }
}

/// An action receipt with a single `DeleteAccount` and no inputs: the node runs it at once.
fn is_instant(receipt: &Receipt) -> bool {
    let (inputs, actions) = match receipt.receipt() {
        ReceiptEnum::Action(a) => (&a.input_data_ids, &a.actions),
        ReceiptEnum::ActionV2(a) => (&a.input_data_ids, &a.actions),
        _ => return false,
    };
    inputs.is_empty()
        && matches!(actions.as_slice(), [near_primitives::action::Action::DeleteAccount(_)])
}
