//! Which protocol version runs, and the chain-level numbers a sandbox node would use.

use crate::error::RuntimeError;
use near_parameters::{RuntimeConfig, RuntimeConfigStore};
use near_primitives::types::ProtocolVersion;
use near_primitives::version::PROTOCOL_VERSION;
use std::path::PathBuf;
use std::sync::Arc;

/// The block gas price of a fresh sandbox (its genesis `min_gas_price`), in yoctoNEAR per gas.
pub const SANDBOX_GAS_PRICE: u128 = 100_000_000;

/// The chain id contracts and the `status` view see. A sandbox's is `test-chain-` and five
/// random characters (e.g. `test-chain-1PgQs`); the embedded chain's is fixed, same shape.
pub const SANDBOX_CHAIN_ID: &str = "test-chain-nrviz";

/// Blocks per epoch of a sandbox (`neard init`'s localnet genesis: `FAST_EPOCH_LENGTH`).
/// Epochs start at heights 1, 61, 121, ... (a sandbox at height 148 reports
/// `epoch_start_height` 121).
pub const SANDBOX_EPOCH_LENGTH: u64 = 60;

/// Total supply of a fresh sandbox's genesis block (yoctoNEAR).
pub const SANDBOX_TOTAL_SUPPLY: u128 = 2_050_000_000 * 10u128.pow(24);

/// Oldest protocol version the embedded runtime accepts (Wasmtime became NEAR's VM at 84).
pub const MIN_PROTOCOL_VERSION: ProtocolVersion = 84;

/// The protocol version the runtime models completely (a fresh sandbox's, and the version of
/// the reference recordings); the default. Later versions change rules not modelled here
/// (87: no contract reward; 88: empty method names rejected, ...).
pub const DEFAULT_PROTOCOL_VERSION: ProtocolVersion = 86;

/// How to build a [`crate::Runtime`].
#[derive(Clone, Debug)]
pub struct RuntimeOptions {
    /// Protocol version whose fees and limits apply; `None` = [`DEFAULT_PROTOCOL_VERSION`].
    pub protocol_version: Option<ProtocolVersion>,
    /// Block gas price in yoctoNEAR per gas (the sandbox uses 1e8).
    pub gas_price: u128,
    /// Directory for compiled contracts (reused across runs); `None` = a temporary directory.
    pub cache_dir: Option<PathBuf>,
    /// Timestamp of the first block, in nanoseconds since the epoch.
    pub genesis_timestamp_ns: u64,
    /// Nanoseconds added to the timestamp per block (the sandbox produces one every ~125 ms).
    pub block_interval_ns: u64,
    /// The rest of a genesis: chain id, epoch length, total supply, highest gas price.
    pub genesis: GenesisParams,
    /// Height of the first block: 0, or the forked block's height.
    pub genesis_height: u64,
    /// A forked chain: what it does not hold is read from this remote ([`crate::RemoteState`]).
    pub remote: Option<crate::Remote>,
}

/// Chain-level numbers a `genesis.json` sets (`Default`: a fresh sandbox's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenesisParams {
    pub chain_id: String,
    pub epoch_length: u64,
    /// Total supply at genesis (yoctoNEAR); burnt gas lowers it block by block.
    pub total_supply: u128,
    /// Highest block gas price (`max_gas_price`); the lowest is [`RuntimeOptions::gas_price`].
    pub max_gas_price: u128,
}

impl Default for GenesisParams {
    fn default() -> Self {
        Self {
            chain_id: SANDBOX_CHAIN_ID.to_owned(),
            epoch_length: SANDBOX_EPOCH_LENGTH,
            total_supply: SANDBOX_TOTAL_SUPPLY,
            max_gas_price: crate::chunk::MAX_GAS_PRICE,
        }
    }
}

impl Default for RuntimeOptions {
    fn default() -> Self {
        Self {
            protocol_version: None,
            gas_price: SANDBOX_GAS_PRICE,
            cache_dir: None,
            genesis_timestamp_ns: 1_700_000_000_000_000_000,
            block_interval_ns: 125_000_000,
            genesis: GenesisParams::default(),
            genesis_height: 0,
            remote: None,
        }
    }
}

/// The latest protocol version the linked NEAR crates know as stable.
pub fn latest_protocol_version() -> ProtocolVersion {
    PROTOCOL_VERSION
}

/// Fees, limits and prices in force.
#[derive(Clone)]
pub struct ChainConfig {
    pub protocol_version: ProtocolVersion,
    pub runtime: Arc<RuntimeConfig>,
    /// Block gas price (yocto per gas): what burnt gas costs.
    pub gas_price: u128,
    /// [`SANDBOX_CHAIN_ID`] unless the genesis says otherwise.
    pub chain_id: String,
    /// [`SANDBOX_EPOCH_LENGTH`] unless the genesis says otherwise.
    pub epoch_length: u64,
}

impl ChainConfig {
    pub fn new(
        protocol_version: Option<ProtocolVersion>,
        gas_price: u128,
    ) -> Result<Self, RuntimeError> {
        let latest = latest_protocol_version();
        let protocol_version = protocol_version.unwrap_or(DEFAULT_PROTOCOL_VERSION);
        if !(MIN_PROTOCOL_VERSION..=latest).contains(&protocol_version) {
            return Err(RuntimeError::UnsupportedProtocolVersion {
                requested: protocol_version,
                min: MIN_PROTOCOL_VERSION,
                max: latest,
            });
        }
        let store = RuntimeConfigStore::new(None);
        let runtime = Arc::clone(store.get_config(protocol_version));
        Ok(Self {
            protocol_version,
            runtime,
            gas_price,
            chain_id: SANDBOX_CHAIN_ID.to_string(),
            epoch_length: SANDBOX_EPOCH_LENGTH,
        })
    }

    /// The epoch height a contract sees at block `height`: 1 for the first epoch (blocks 1 to
    /// `epoch_length`; the genesis block too), then one more per epoch.
    pub fn epoch_height(&self, height: u64) -> u64 {
        1 + height.saturating_sub(1) / self.epoch_length.max(1)
    }

    /// The first block of the epoch `height` is in.
    pub fn epoch_start_height(&self, height: u64) -> u64 {
        let length = self.epoch_length.max(1);
        1 + height.saturating_sub(1) / length * length
    }

    /// The price attached gas is bought at: the block price, but at least
    /// `min_gas_purchase_price` (protocol 85+); the difference is refunded on burn.
    pub fn receipt_gas_price(&self) -> u128 {
        self.gas_price.max(self.runtime.min_gas_purchase_price.as_yoctonear())
    }
}
