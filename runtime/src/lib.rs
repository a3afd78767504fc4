//! An in-process NEAR runtime: runs contracts on near-vm-runner with NEAR's fees and
//! schedules receipts block by block, reporting the same RPC views a node returns.
