//! The chunk's limits and the gas price under load, as a single-shard node applies them
//! (issue 11; nearcore `runtime/runtime/src/lib.rs` `process_receipts`,
//! `core/primitives/src/block.rs` `compute_next_gas_price`, the `neard init` genesis).
//!
//! ```text
//! block H:  price = header(H-1).gas_price        (what burnt gas costs in H)
//!           txs converted while their gas < the transaction limit (500 Tgas, less when
//!             delayed receipts pile up), the rest wait in the mempool; none at all when the
//!             shard is congested (ShardCongested)
//!           local receipts ─┐ each runs while the chunk's compute < its limit (1,000 Tgas);
//!           delayed (FIFO) ─┤ the receipt that crosses the limit still runs; the others go to
//!           incoming ───────┘ the back of the delayed-receipts queue, in order
//!           header(H).gas_price = next_price(header(H-1).gas_price, gas used in H-1)
//! ```

use crate::config::ChainConfig;
use near_parameters::ActionCosts;
use near_primitives::action::Action;
use near_primitives::congestion_info::{
    CongestionControl, CongestionInfo, CongestionInfoV1, RejectTransactionReason,
    ShardAcceptsTransactions,
};
use near_primitives::errors::InvalidTxError;
use near_primitives::profile_data_v3::ProfileDataV3;
use near_primitives::receipt::{Receipt, ReceiptEnum};

/// The chunk gas limit of a `neard init` (localnet / sandbox) genesis: 1,000 Tgas. The compute
/// limit is the same number (nearcore: "for now compute limit always matches the gas limit").
pub const CHUNK_GAS_LIMIT: u64 = 1_000_000_000_000_000;

/// `max_gas_price` of a `neard init` genesis (yoctoNEAR per gas).
pub const MAX_GAS_PRICE: u128 = 10_000_000_000_000_000_000_000;

/// `gas_price_adjustment_rate` of a `neard init` genesis: 1/100.
pub const GAS_PRICE_ADJUSTMENT_RATE: (u128, u128) = (1, 100);

/// The chain's price and limit rules (genesis values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkRules {
    /// Gas (and compute) a chunk may use before the rest waits for later blocks.
    pub gas_limit: u64,
    /// Lowest block gas price: the genesis price.
    pub min_gas_price: u128,
    pub max_gas_price: u128,
    /// `(numerator, denominator)` of the adjustment rate.
    pub adjustment_rate: (u128, u128),
}

impl ChunkRules {
    /// The sandbox's rules with `min_gas_price` as the genesis (and lowest) price.
    pub fn sandbox(min_gas_price: u128) -> Self {
        Self {
            gas_limit: CHUNK_GAS_LIMIT,
            min_gas_price,
            max_gas_price: MAX_GAS_PRICE.max(min_gas_price),
            adjustment_rate: GAS_PRICE_ADJUSTMENT_RATE,
        }
    }

    /// The price of the next block:
    /// `price × (1 + rate × (gas_used / gas_limit − 1/2))`, rounded down and clamped to
    /// `[min, max]`. A block that used `gas_used` moves the price of the block after it.
    pub fn next_gas_price(&self, price: u128, gas_used: u64) -> u128 {
        if self.gas_limit == 0 {
            return price;
        }
        let (rate_num, rate_den) = self.adjustment_rate;
        let used = u128::from(gas_used);
        let limit = u128::from(self.gas_limit);
        // price × (2·den·limit + 2·num·used − num·limit) / (2·den·limit); never negative
        // while num ≤ den.
        let numerator = 2 * rate_den * limit + 2 * rate_num * used - rate_num * limit;
        let denominator = 2 * rate_den * limit;
        let next = mul_div(price, numerator, denominator);
        next.clamp(self.min_gas_price, self.max_gas_price)
    }
}

/// `a × b / c` rounded down, without overflowing when `a × b` exceeds 128 bits (prices up to
/// 1e22 times numerators around 2e17).
fn mul_div(a: u128, b: u128, c: u128) -> u128 {
    let (q, r) = (a / c, a % c);
    // a·b/c = q·b + r·b/c, and r < c keeps r·b within range for the values used here.
    q.saturating_mul(b).saturating_add(r.saturating_mul(b) / c)
}

/// What the chunk being applied has used so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChunkUsage {
    pub gas: u64,
    pub compute: u64,
}

impl ChunkUsage {
    pub fn add(&mut self, gas: u64, compute: u64) {
        self.gas = self.gas.saturating_add(gas);
        self.compute = self.compute.saturating_add(compute);
    }

    /// True once the chunk's compute reached `limit`: no further receipt runs in this block
    /// (the receipt that crossed the limit has run).
    pub fn is_full(&self, limit: u64) -> bool {
        self.compute >= limit
    }
}

/// The compute a receipt used: its gas, except where a cost's compute differs from its gas:
/// host functions (storage reads and writes, trie nodes: `wasm_*` parameters with a `compute`
/// value, from the receipt's profile) and contract deployment (`action_deploy_contract`
/// execution: 20 Tgas of compute, ~100× its gas, since protocol 84) among the actions that ran.
pub fn compute_usage(
    config: &ChainConfig,
    gas_burnt: u64,
    profile: &ProfileDataV3,
    actions_run: &[Action],
) -> u64 {
    let ext_costs = &config.runtime.wasm_config.ext_costs;
    let mut compute = gas_burnt;
    for (cost, gas) in profile.wasm_ext_profile.iter() {
        let gas = gas.as_gas();
        let unit_gas = cost.gas(ext_costs).as_gas();
        if gas == 0 || unit_gas == 0 {
            continue;
        }
        let scaled = u128::from(gas) * u128::from(cost.compute(ext_costs)) / u128::from(unit_gas);
        let scaled = u64::try_from(scaled).unwrap_or(u64::MAX);
        compute = compute.saturating_sub(gas).saturating_add(scaled);
    }
    let fees = &config.runtime.fees;
    for action in actions_run {
        if let Action::DeployContract(deploy) = action {
            let bytes = deploy.code.len() as u64;
            for (cost, times) in
                [(ActionCosts::deploy_contract_base, 1), (ActionCosts::deploy_contract_byte, bytes)]
            {
                let exec = fees.fee(cost).exec_fee();
                let extra = exec.compute.saturating_sub(exec.gas.as_gas());
                compute = compute.saturating_add(extra.saturating_mul(times));
            }
        }
    }
    compute
}

/// The gas a delayed receipt stands for in the shard's congestion info: for an action receipt,
/// its exec fees plus the gas attached to its calls; data receipts count nothing.
pub fn congestion_gas(config: &ChainConfig, receipt: &Receipt) -> u64 {
    let actions = match receipt.receipt() {
        ReceiptEnum::Action(a) => &a.actions,
        ReceiptEnum::ActionV2(a) => &a.actions,
        _ => return 0,
    };
    let fees = &config.runtime.fees;
    crate::fees::receipt_exec_fee(fees)
        .saturating_add(crate::fees::total_exec_fees(
            &config.runtime,
            actions,
            receipt.receiver_id(),
        ))
        .saturating_add(crate::fees::prepaid_gas(actions))
}

/// The shard's congestion as the next chunk sees it (nearcore's `CongestionControl`, used as
/// is): incoming congestion from the delayed receipts' gas, memory congestion from the bytes of
/// receipts waiting in state (delayed and postponed). One shard has no outgoing buffers and no
/// missed chunks.
pub fn congestion(
    config: &ChainConfig,
    delayed_gas: u128,
    receipt_bytes: u64,
) -> CongestionControl {
    let info = CongestionInfo::V1(CongestionInfoV1 {
        delayed_receipts_gas: delayed_gas,
        buffered_receipts_gas: 0,
        receipt_bytes,
        allowed_shard: 0,
    });
    CongestionControl::new(config.runtime.congestion_control_config, info, 0)
}

/// The gas the chunk may spend converting new transactions: `max_tx_gas` (500 Tgas) without
/// congestion, down to `min_tx_gas` (20 Tgas) as the delayed receipts' gas approaches
/// `max_congestion_incoming_gas` (400 PGas).
pub fn tx_gas_limit(congestion: &CongestionControl) -> u64 {
    congestion.process_tx_limit().as_gas()
}

/// Why the shard refuses new transactions to it, if it does: its congestion level reached
/// `reject_tx_congestion_threshold` (0.8), e.g. 320 PGas of delayed receipts.
pub fn rejects_transactions(congestion: &CongestionControl) -> Option<InvalidTxError> {
    match congestion.shard_accepts_transactions() {
        ShardAcceptsTransactions::Yes => None,
        ShardAcceptsTransactions::No(reason) => Some(match reason {
            RejectTransactionReason::IncomingCongestion { congestion_level }
            | RejectTransactionReason::OutgoingCongestion { congestion_level }
            | RejectTransactionReason::MemoryCongestion { congestion_level } => {
                InvalidTxError::ShardCongested { shard_id: 0, congestion_level }
            }
            RejectTransactionReason::MissedChunks { missed_chunks } => {
                InvalidTxError::ShardStuck { shard_id: 0, missed_chunks }
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_price_moves_by_the_formula_and_stays_within_bounds() {
        let rules = ChunkRules::sandbox(100_000_000);
        // Full chunk: +0.5 % per block; empty chunk: −0.5 %, not below the minimum.
        assert_eq!(rules.next_gas_price(100_000_000, CHUNK_GAS_LIMIT), 100_500_000);
        assert_eq!(rules.next_gas_price(100_500_000, 0), 100_000_000);
        assert_eq!(rules.next_gas_price(200_000_000, 0), 199_000_000);
        // Half full: unchanged.
        assert_eq!(rules.next_gas_price(123_456_789, CHUNK_GAS_LIMIT / 2), 123_456_789);
        // Three quarters: +0.25 %, rounded down.
        assert_eq!(rules.next_gas_price(100_000_001, CHUNK_GAS_LIMIT * 3 / 4), 100_250_001);
        assert_eq!(rules.next_gas_price(MAX_GAS_PRICE, CHUNK_GAS_LIMIT), MAX_GAS_PRICE);
    }

    #[test]
    fn the_transaction_limit_shrinks_with_delayed_gas_and_a_congested_shard_refuses() {
        let config = ChainConfig::new(None, 100_000_000).expect("config");
        let full = config.runtime.congestion_control_config.max_congestion_incoming_gas.as_gas();
        let full = u128::from(full);
        let calm = congestion(&config, 0, 0);
        assert_eq!(tx_gas_limit(&calm), 500_000_000_000_000);
        assert!(rejects_transactions(&calm).is_none());
        assert_eq!(tx_gas_limit(&congestion(&config, full, 0)), 20_000_000_000_000);
        let half = congestion(&config, full / 2, 0);
        assert_eq!(tx_gas_limit(&half), 260_000_000_000_000);
        assert!(rejects_transactions(&half).is_none());
        let congested = congestion(&config, full * 8 / 10, 0);
        let error = rejects_transactions(&congested).expect("refused at 0.8");
        assert_eq!(
            error.to_string(),
            "Shard 0 is currently at congestion level 0.800 and rejects new transactions."
        );
    }

    #[test]
    fn a_deployment_costs_more_compute_than_gas() {
        use near_primitives::action::DeployContractAction;
        let config = ChainConfig::new(None, 100_000_000).expect("config");
        let deploy = Action::DeployContract(DeployContractAction { code: vec![0; 1000] });
        let profile = ProfileDataV3::default();
        // Protocol 86: 20 Tgas of compute for the base (184.77 Ggas of gas), 250 Mgas per byte
        // (64.57 Mgas of gas).
        let extra = (20_000_000_000_000 - 184_765_750_000) + 1000 * (250_000_000 - 64_572_944);
        assert_eq!(compute_usage(&config, 1_000, &profile, &[deploy]), 1_000 + extra);
        assert_eq!(compute_usage(&config, 1_000, &profile, &[]), 1_000);
    }
}
