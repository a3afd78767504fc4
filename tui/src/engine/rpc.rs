//! JSON-RPC access to a NEAR node: polling `EXPERIMENTAL_tx_status` and blocks into `ChainEvent`s.
//!
//! ```text
//! RpcClient (raw JSON-RPC, block cache) ──▶ response (raw JSON ─▶ views: the one parser)
//!      │
//!      ├─ follow_tx: one transaction until FINAL (the sandbox engine runs one per call),
//!      │   with its blocks' state changes (state_changes) and receipts not run yet (receipts)
//!      └─ viewer: the read-only engine of `nearviz tx` (watch_tx + spawn_tx_viewer)
//! ```

pub mod client;
pub mod follow;
pub mod receipts;
pub mod response;
pub mod state_changes;
pub mod viewer;

pub use client::{RpcClient, RpcError};
pub use follow::{follow_tx, FollowError, FollowOptions};
pub use response::{block_header, tx_status_reply, ResponseError};
pub use viewer::{spawn_tx_viewer, spawn_tx_viewer_with, watch_tx};

/// A public NEAR network (`--network`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum Network {
    Testnet,
    Mainnet,
}

/// NEAR's public RPC endpoint of a network (docs.near.org/api/rpc/setup).
pub fn network_url(network: Network) -> &'static str {
    match network {
        Network::Testnet => "https://rpc.testnet.near.org",
        Network::Mainnet => "https://rpc.mainnet.near.org",
    }
}
