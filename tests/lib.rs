//! End-to-end tests live in `tests/*.rs`; this library only holds shared helpers.
