//! JSON-RPC access to a NEAR node: polling `EXPERIMENTAL_tx_status` and blocks into `ChainEvent`s.
