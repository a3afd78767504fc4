//! The sandbox engine: a real neard through near-workspaces.
