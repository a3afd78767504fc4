//! Chain-level answers in the node's JSON shapes: `status`, `block`, `chunk`, the genesis and
//! protocol configs. The embedded chain has one shard, one chunk per block and one validator
//! (the root account).

use super::errors::Reply;
use super::params::{parse, resolve_block};
use super::time::rfc3339;
use super::Context;
use crate::scenario::ROOT_ACCOUNT;
use near_jsonrpc_primitives::errors::RpcError;
use near_jsonrpc_primitives::types::chunks::{ChunkReference, RpcChunkError, RpcChunkRequest};
use near_primitives::hash::CryptoHash;
use near_primitives::types::BlockReference;
use near_primitives::views::BlockHeaderView;
use nearviz_runtime::Runtime;
use serde_json::{json, Value};

/// The chunk hash of block `block` (one chunk per block).
pub fn chunk_hash(block: &CryptoHash) -> CryptoHash {
    CryptoHash::hash_borsh(("nearviz chunk", block))
}

pub fn status(rt: &Runtime, ctx: &Context) -> Value {
    let head = rt.head();
    let genesis = rt.first_block();
    let root_key = super::keyfile::root_key().ok().map(|k| k.public_key);
    json!({
        "version": { "version": env!("CARGO_PKG_VERSION"), "build": "nearviz", "commit": "", "rustc_version": "" },
        "chain_id": rt.config().chain_id,
        "protocol_version": rt.protocol_version(),
        "latest_protocol_version": rt.protocol_version(),
        "rpc_addr": ctx.addr.to_string(),
        "validators": [{ "account_id": ROOT_ACCOUNT }],
        "sync_info": {
            "latest_block_hash": head.hash,
            "latest_block_height": head.height,
            "latest_state_root": head.prev_state_root,
            "latest_block_time": rfc3339(head.timestamp_nanosec),
            "syncing": false,
            "earliest_block_hash": genesis.hash,
            "earliest_block_height": genesis.height,
            "earliest_block_time": rfc3339(genesis.timestamp_nanosec),
            "epoch_id": head.epoch_id,
            "epoch_start_height": rt.config().epoch_start_height(head.height),
        },
        "validator_account_id": ROOT_ACCOUNT,
        "validator_public_key": root_key,
        "node_public_key": root_key,
        "node_key": null,
        "uptime_sec": ctx.started.elapsed().as_secs(),
        "genesis_hash": genesis.hash,
        "detailed_debug_status": null,
    })
}

/// A block: its header and its one chunk's header.
pub fn block(rt: &Runtime, header: &BlockHeaderView) -> Value {
    json!({
        "author": ROOT_ACCOUNT,
        "header": header,
        "chunks": [chunk_header(rt, header)],
    })
}

fn chunk_header(rt: &Runtime, header: &BlockHeaderView) -> Value {
    let contents = rt.block_contents(header.height);
    json!({
        "chunk_hash": chunk_hash(&header.hash),
        "prev_block_hash": header.prev_hash,
        "outcome_root": CryptoHash::default(),
        "prev_state_root": header.prev_state_root,
        "encoded_merkle_root": CryptoHash::default(),
        "encoded_length": 0,
        "height_created": header.height,
        "height_included": header.height,
        "shard_id": 0,
        "gas_used": contents.gas_used,
        "gas_limit": rt.chunk_rules().gas_limit,
        "rent_paid": "0",
        "validator_reward": "0",
        "balance_burnt": contents.tokens_burnt.to_string(),
        "outgoing_receipts_root": CryptoHash::default(),
        "tx_root": CryptoHash::default(),
        "validator_proposals": [],
        "congestion_info": null,
        "bandwidth_requests": null,
        "signature": header.signature,
    })
}

/// `chunk` by `{chunk_id}` or `{block_id, shard_id: 0}`: the transactions the block included
/// and the receipts it executed.
pub fn chunk(rt: &Runtime, params: Value) -> Reply {
    let request: RpcChunkRequest = parse(params)?;
    let header = match request.chunk_reference {
        ChunkReference::BlockShardId { block_id, shard_id } => {
            if shard_id != near_primitives::types::ShardId::new(0) {
                return Err(RpcChunkError::InvalidShardId { shard_id }.into());
            }
            resolve_block(rt, &BlockReference::BlockId(block_id.clone())).ok_or_else(|| {
                RpcError::from(RpcChunkError::UnknownBlock {
                    error_message: format!("{block_id:?}"),
                })
            })?
        }
        ChunkReference::ChunkHash { chunk_id } => (0..=rt.head().height)
            .rev()
            .filter_map(|h| rt.block_at(h))
            .find(|b| chunk_hash(&b.hash) == chunk_id)
            .ok_or_else(|| {
                RpcError::from(RpcChunkError::UnknownChunk { chunk_hash: chunk_id.into() })
            })?,
    };
    let contents = rt.block_contents(header.height);
    Ok(json!({
        "author": ROOT_ACCOUNT,
        "header": chunk_header(rt, header),
        "transactions": contents.transactions,
        "receipts": contents.receipts,
    }))
}

pub fn genesis_config(rt: &Runtime) -> Value {
    let genesis_time = rfc3339(rt.first_block().timestamp_nanosec);
    json!({
        "protocol_version": rt.protocol_version(),
        "genesis_time": genesis_time,
        "chain_id": rt.config().chain_id,
        "genesis_height": 0,
        "num_block_producer_seats": 1,
        "num_block_producer_seats_per_shard": [1],
        "avg_hidden_validator_seats_per_shard": [0],
        "dynamic_resharding": false,
        "epoch_length": rt.config().epoch_length,
        "gas_limit": rt.chunk_rules().gas_limit,
        "min_gas_price": rt.chunk_rules().min_gas_price.to_string(),
        "max_gas_price": rt.chunk_rules().max_gas_price.to_string(),
        "block_producer_kickout_threshold": 90,
        "chunk_producer_kickout_threshold": 90,
        "gas_price_adjustment_rate": [1, 100],
        "validators": [{
            "account_id": ROOT_ACCOUNT,
            "public_key": super::keyfile::root_key().ok().map(|k| k.public_key),
            "amount": "0",
        }],
        "transaction_validity_period": 100,
        "protocol_reward_rate": [1, 10],
        "max_inflation_rate": [1, 20],
        "total_supply": rt.first_block().total_supply.as_yoctonear().to_string(),
        "num_blocks_per_year": 31_536_000,
        "protocol_treasury_account": ROOT_ACCOUNT,
        "fishermen_threshold": "0",
        "minimum_stake_divisor": 10,
        "shard_layout": { "V0": { "num_shards": 1, "version": 0 } },
        "minimum_stake_ratio": [1, 6250],
    })
}

pub fn protocol_config(rt: &Runtime) -> Reply {
    let mut config = genesis_config(rt);
    if let Value::Object(map) = &mut config {
        let runtime_config =
            rt.runtime_config_view().map_err(|e| RpcError::serialization_error(e.to_string()))?;
        map.insert("runtime_config".into(), runtime_config);
        map.remove("validators");
        map.remove("total_supply");
    }
    Ok(config)
}
