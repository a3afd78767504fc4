//! Where a receipt's gas went: the node's gas profile (`outcome.metadata.gas_profile`), read
//! once, and its costs grouped for people (wasm execution, contract loading, storage...).
//!
//! What the profile holds, as the reference recordings show it: every cost the receipt's
//! execution burnt (`WASM_HOST_COST`: instructions, host functions, contract loading) and the
//! send fees of the receipts and actions it created (`ACTION_COST`). What it does not hold are
//! the receipt's own execution fees (action receipt creation plus each of its actions' `exec`
//! fee), so `gas_burnt = profile total + those fees`: [`GasProfile::unprofiled`] is the rest,
//! and a refund (an empty profile) burns nothing but them.

use super::dag::{ReceiptNode, TxNode};
use near_parameters::{RuntimeConfig, RuntimeConfigStore};
use near_primitives::types::Gas;
use near_primitives::views::ExecutionMetadataView;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

/// The protocol whose ext costs turn a cost's gas back into counts and bytes (the one the
/// reference recordings and the embedded runtime use; a count that does not divide exactly
/// under it is not shown).
const COUNTS_PROTOCOL: u32 = 86;

/// `cost_category` of a profile entry.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Category {
    /// `ACTION_COST`: fees of actions and receipts.
    Action,
    /// `WASM_HOST_COST`: the wasm run, its host functions and contract loading.
    WasmHost,
}

impl Category {
    pub fn as_rpc_str(self) -> &'static str {
        match self {
            Category::Action => "ACTION_COST",
            Category::WasmHost => "WASM_HOST_COST",
        }
    }

    pub fn from_rpc_str(s: &str) -> Option<Category> {
        match s {
            "ACTION_COST" => Some(Category::Action),
            "WASM_HOST_COST" => Some(Category::WasmHost),
            _ => None,
        }
    }
}

/// One entry of the profile: `STORAGE_WRITE_BASE`, 128.39 Ggas.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Cost {
    pub category: Category,
    /// The node's name, e.g. `STORAGE_WRITE_VALUE_BYTE`: shared when it is one of the
    /// protocol's ([`Cost::new`]).
    pub name: Cow<'static, str>,
    pub gas: Gas,
}

/// A receipt's gas profile, in the node's order.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct GasProfile {
    pub costs: Vec<Cost>,
}

/// What a group of costs is about.
#[derive(Clone, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub enum GroupKind {
    WasmExecution,
    ContractLoading,
    StorageRead,
    StorageWrite,
    StorageRemove,
    /// `storage_has_key` and the storage iterators.
    StorageOther,
    TrieNodes,
    /// Promise host functions, yields, and the receipts (action and data) a call created.
    Promises,
    /// An action's fees (`FUNCTION_CALL`, `TRANSFER`, ...: the `ACTION_COST` entries of one action).
    Action(String),
    Logs,
    OtherHost,
    /// Burnt but not in the profile: the receipt's own execution fees.
    Unprofiled,
}

/// How a breakdown of burnt gas reads: by group, or every single cost of the profile.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Breakdown {
    #[default]
    Groups,
    Costs,
}

impl Breakdown {
    pub fn other(self) -> Breakdown {
        match self {
            Breakdown::Groups => Breakdown::Costs,
            Breakdown::Costs => Breakdown::Groups,
        }
    }

    /// `by group`, `every cost`.
    pub fn name(self) -> &'static str {
        match self {
            Breakdown::Groups => "by group",
            Breakdown::Costs => "every cost",
        }
    }
}

/// One line of a breakdown: what burnt `gas`, named for people.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Part {
    /// `storage write ×2, 23 B`, `STORAGE_WRITE_VALUE_BYTE 12 B`, `own exec fees (unprofiled)`.
    pub label: String,
    pub gas: Gas,
    /// Burnt, but not in the profile (the receipt's own execution fees).
    pub unprofiled: bool,
}

/// A group of costs with its gas and, where the costs tell, how many operations and bytes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Group {
    pub kind: GroupKind,
    pub gas: Gas,
    pub count: Option<u64>,
    pub bytes: Option<u64>,
}

impl GasProfile {
    /// The profile of an outcome; `None` when the node did not profile it (a transaction
    /// outcome, metadata version 1).
    pub fn of(metadata: &ExecutionMetadataView) -> Option<GasProfile> {
        let costs = metadata.gas_profile.as_ref()?;
        let costs = costs
            .iter()
            .filter_map(|c| {
                Some(Cost::new(Category::from_rpc_str(&c.cost_category)?, &c.cost, c.gas_used))
            })
            .collect();
        Some(GasProfile { costs })
    }

    /// The sum of every cost.
    pub fn total(&self) -> Gas {
        self.costs.iter().fold(Gas::ZERO, |sum, c| sum.saturating_add(c.gas))
    }

    /// Burnt but not profiled: the receipt's own execution fees (see the module doc).
    pub fn unprofiled(&self, gas_burnt: Gas) -> Gas {
        gas_burnt.saturating_sub(self.total())
    }

    /// The gas of the cost named `name` (0 when absent).
    pub fn gas_of(&self, name: &str) -> Gas {
        self.costs.iter().filter(|c| c.name == name).fold(Gas::ZERO, |s, c| s.saturating_add(c.gas))
    }

    /// Every cost, largest first, then the unprofiled rest of `gas_burnt` (when there is one)
    /// as `(None, gas)`.
    pub fn by_size(&self, gas_burnt: Gas) -> Vec<(Option<&Cost>, Gas)> {
        let mut out: Vec<(Option<&Cost>, Gas)> =
            self.costs.iter().map(|c| (Some(c), c.gas)).collect();
        let rest = self.unprofiled(gas_burnt);
        if rest > Gas::ZERO {
            out.push((None, rest));
        }
        out.sort_by_key(|c| std::cmp::Reverse(c.1));
        out
    }

    /// The profiles of several receipts as one: the same cost of each added up, in the order
    /// the costs first appear.
    pub fn merged<'a>(profiles: impl IntoIterator<Item = &'a GasProfile>) -> GasProfile {
        let mut costs: Vec<Cost> = Vec::new();
        let mut at: HashMap<(Category, &str), usize> = HashMap::new();
        for c in profiles.into_iter().flat_map(|p| &p.costs) {
            match at.get(&(c.category, c.name.as_ref())) {
                Some(&i) => costs[i].gas = costs[i].gas.saturating_add(c.gas),
                None => {
                    at.insert((c.category, c.name.as_ref()), costs.len());
                    costs.push(c.clone());
                }
            }
        }
        GasProfile { costs }
    }

    /// Where `gas_burnt` went, largest first: the groups, or every cost (with its count or
    /// bytes where they divide exactly); the unprofiled rest is a part too.
    pub fn parts(&self, gas_burnt: Gas, breakdown: Breakdown) -> Vec<Part> {
        let unprofiled = GroupKind::Unprofiled;
        match breakdown {
            Breakdown::Groups => self
                .groups(gas_burnt)
                .into_iter()
                .map(|g| Part { label: g.label(), gas: g.gas, unprofiled: g.kind == unprofiled })
                .collect(),
            Breakdown::Costs => self
                .by_size(gas_burnt)
                .into_iter()
                .map(|(cost, gas)| match cost {
                    Some(c) => Part { label: c.label(), gas, unprofiled: false },
                    None => Part { label: unprofiled.name(), gas, unprofiled: true },
                })
                .collect(),
        }
    }

    /// The costs grouped, largest first; the unprofiled rest of `gas_burnt` is a group too.
    pub fn groups(&self, gas_burnt: Gas) -> Vec<Group> {
        let mut sums: HashMap<GroupKind, Gas> = HashMap::new();
        for c in &self.costs {
            let gas = sums.entry(kind_of(c)).or_insert(Gas::ZERO);
            *gas = gas.saturating_add(c.gas);
        }
        let rest = self.unprofiled(gas_burnt);
        if rest > Gas::ZERO {
            sums.insert(GroupKind::Unprofiled, rest);
        }
        let mut groups: Vec<Group> = sums
            .into_iter()
            .map(|(kind, gas)| {
                let (count, bytes) = self.counts(&kind);
                Group { kind, gas, count, bytes }
            })
            .collect();
        groups.sort_by(|a, b| b.gas.cmp(&a.gas).then_with(|| a.kind.cmp(&b.kind)));
        groups
    }

    /// How many operations and bytes a group's costs stand for, when they divide exactly.
    fn counts(&self, kind: &GroupKind) -> (Option<u64>, Option<u64>) {
        let (bases, bytes): (&[&str], &[&str]) = match kind {
            GroupKind::StorageRead => {
                (&["STORAGE_READ_BASE"], &["STORAGE_READ_KEY_BYTE", "STORAGE_READ_VALUE_BYTE"])
            }
            GroupKind::StorageWrite => {
                (&["STORAGE_WRITE_BASE"], &["STORAGE_WRITE_KEY_BYTE", "STORAGE_WRITE_VALUE_BYTE"])
            }
            GroupKind::StorageRemove => (
                &["STORAGE_REMOVE_BASE"],
                &["STORAGE_REMOVE_KEY_BYTE", "STORAGE_REMOVE_RET_VALUE_BYTE"],
            ),
            GroupKind::Logs => (&["LOG_BASE"], &["LOG_BYTE"]),
            GroupKind::TrieNodes => (&["TOUCHING_TRIE_NODE", "READ_CACHED_TRIE_NODE"], &[]),
            _ => return (None, None),
        };
        let units = |names: &[&str]| -> Option<u64> {
            names.iter().try_fold(0u64, |sum, name| Some(sum + units(self.gas_of(name), name)?))
        };
        let count = units(bases);
        let bytes = if bytes.is_empty() { None } else { units(bytes) };
        (count, bytes)
    }
}

impl Cost {
    /// A cost named `name`: one of the protocol's names is not copied (a 1,000-call run holds
    /// ~75,000 costs of ~60 names).
    pub fn new(category: Category, name: &str, gas: Gas) -> Cost {
        let name = match protocol_names().get(name) {
            Some(&known) => Cow::Borrowed(known),
            None => Cow::Owned(name.to_owned()),
        };
        Cost { category, name, gas }
    }

    /// `STORAGE_WRITE_BASE ×2`, `STORAGE_WRITE_VALUE_BYTE 12 B`, `WASM_INSTRUCTION`: the node's
    /// name, and how many operations or bytes it charged when that divides exactly.
    pub fn label(&self) -> String {
        match units(self.gas, &self.name) {
            Some(n) if self.name.ends_with("_BYTE") || self.name.ends_with("_BYTES") => {
                format!("{} {n} B", self.name)
            }
            Some(n) => format!("{} ×{n}", self.name),
            None => self.name.to_string(),
        }
    }
}

/// How many times the unit cost of `name` fits in `gas`, when exactly.
fn units(gas: Gas, name: &str) -> Option<u64> {
    let unit = *unit_costs().get(name)?;
    let gas = gas.as_gas();
    (unit > 0 && gas.is_multiple_of(unit)).then_some(gas / unit)
}

/// Gas of receipts whose outcome carries no profile (an engine that does not profile).
pub const NOT_PROFILED: &str = "not profiled by the engine";

/// Where the gas of `receipts` went, added up: the parts, largest first, and the gas they
/// burnt in all. A receipt without a profile counts whole, as [`NOT_PROFILED`].
pub fn parts_of<'a>(
    receipts: impl IntoIterator<Item = &'a ReceiptNode>,
    breakdown: Breakdown,
) -> (Vec<Part>, Gas) {
    let (mut profiled, mut burnt, mut missing) = (Vec::new(), Gas::ZERO, Gas::ZERO);
    for r in receipts {
        match &r.gas_profile {
            Some(p) => {
                profiled.push(p);
                burnt = burnt.saturating_add(r.gas_burnt);
            }
            None => missing = missing.saturating_add(r.gas_burnt),
        }
    }
    let mut parts = GasProfile::merged(profiled).parts(burnt, breakdown);
    if missing > Gas::ZERO {
        parts.push(Part { label: NOT_PROFILED.into(), gas: missing, unprofiled: true });
        parts.sort_by_key(|p| std::cmp::Reverse(p.gas));
    }
    (parts, burnt.saturating_add(missing))
}

/// Where a transaction's gas went: its receipts' parts and converting the transaction to its
/// first receipt (which no profile holds), largest first, and the gas burnt in all.
pub fn tx_parts(tx: &TxNode, breakdown: Breakdown) -> (Vec<Part>, Gas) {
    let (mut parts, burnt) = parts_of(&tx.receipts, breakdown);
    let conversion = tx.conversion_gas_burnt;
    if conversion > Gas::ZERO {
        parts.push(Part { label: CONVERSION.into(), gas: conversion, unprofiled: true });
        parts.sort_by_key(|p| std::cmp::Reverse(p.gas));
    }
    (parts, burnt.saturating_add(conversion))
}

/// The transaction's conversion to its first receipt.
pub const CONVERSION: &str = "converting the transaction";

/// The runtime config of [`COUNTS_PROTOCOL`].
fn counts_config() -> &'static RuntimeConfig {
    static CONFIG: OnceLock<Arc<RuntimeConfig>> = OnceLock::new();
    CONFIG.get_or_init(|| Arc::clone(RuntimeConfigStore::new(None).get_config(COUNTS_PROTOCOL)))
}

/// A cost's name in a profile: its variant's name in capitals, as nearcore writes it.
fn profile_name(cost: impl std::fmt::Debug) -> String {
    format!("{cost:?}").to_ascii_uppercase()
}

/// The ext costs of [`COUNTS_PROTOCOL`] by their profile name.
fn unit_costs() -> &'static HashMap<String, u64> {
    static COSTS: OnceLock<HashMap<String, u64>> = OnceLock::new();
    COSTS.get_or_init(|| {
        let costs = &counts_config().wasm_config.ext_costs.costs;
        costs.iter().map(|(cost, value)| (profile_name(cost), value.gas.as_gas())).collect()
    })
}

/// Every name a profile of [`COUNTS_PROTOCOL`] can hold, each kept once for the process.
fn protocol_names() -> &'static HashSet<&'static str> {
    static NAMES: OnceLock<HashSet<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let config = counts_config();
        let ext = config.wasm_config.ext_costs.costs.iter().map(|(cost, _)| profile_name(cost));
        let actions = config.fees.action_fees.iter().map(|(cost, _)| profile_name(cost));
        let wasm = std::iter::once("WASM_INSTRUCTION".to_owned());
        // Leaked once: a fixed set of ~100 short names, alive as long as the process.
        ext.chain(actions).chain(wasm).map(|name| &*Box::leak(name.into_boxed_str())).collect()
    })
}

/// The group a cost belongs to.
pub fn kind_of(c: &Cost) -> GroupKind {
    let n = c.name.as_ref();
    if c.category == Category::Action {
        return match n {
            "NEW_ACTION_RECEIPT" | "NEW_DATA_RECEIPT_BASE" | "NEW_DATA_RECEIPT_BYTE" => {
                GroupKind::Promises
            }
            _ => GroupKind::Action(action_name(n)),
        };
    }
    match n {
        "WASM_INSTRUCTION" => GroupKind::WasmExecution,
        "TOUCHING_TRIE_NODE" | "READ_CACHED_TRIE_NODE" => GroupKind::TrieNodes,
        _ if n.starts_with("CONTRACT_LOADING") => GroupKind::ContractLoading,
        _ if n.starts_with("STORAGE_READ") => GroupKind::StorageRead,
        _ if n.starts_with("STORAGE_WRITE") => GroupKind::StorageWrite,
        _ if n.starts_with("STORAGE_REMOVE") => GroupKind::StorageRemove,
        _ if n.starts_with("STORAGE_") => GroupKind::StorageOther,
        _ if n.starts_with("PROMISE_") || n.starts_with("YIELD_") => GroupKind::Promises,
        _ if n.starts_with("LOG_") => GroupKind::Logs,
        _ => GroupKind::OtherHost,
    }
}

/// `FUNCTION_CALL_BASE` → `FUNCTION_CALL`, `ADD_FULL_ACCESS_KEY` → `ADD_KEY`.
fn action_name(cost: &str) -> String {
    if cost.starts_with("ADD_") && cost.contains("KEY") {
        return "ADD_KEY".to_string();
    }
    let mut name = cost;
    for suffix in ["_BASE", "_BYTE", "_PER_BYTE"] {
        name = name.strip_suffix(suffix).unwrap_or(name);
    }
    name.to_string()
}

impl GroupKind {
    /// `storage write`, `action FUNCTION_CALL`, `not profiled (own execution fees)`.
    pub fn name(&self) -> String {
        match self {
            GroupKind::WasmExecution => "wasm execution".into(),
            GroupKind::ContractLoading => "contract loading".into(),
            GroupKind::StorageRead => "storage read".into(),
            GroupKind::StorageWrite => "storage write".into(),
            GroupKind::StorageRemove => "storage remove".into(),
            GroupKind::StorageOther => "storage has_key/iter".into(),
            GroupKind::TrieNodes => "trie nodes".into(),
            GroupKind::Promises => "promises & receipts".into(),
            GroupKind::Action(name) => format!("action {name}"),
            GroupKind::Logs => "logs".into(),
            GroupKind::OtherHost => "other host functions".into(),
            GroupKind::Unprofiled => "own exec fees (unprofiled)".into(),
        }
    }
}

impl Group {
    /// `storage write ×2, 23 B`, `trie nodes ×4`, `wasm execution`.
    pub fn label(&self) -> String {
        let mut out = self.kind.name();
        if let Some(n) = self.count {
            out.push_str(&format!(" ×{n}"));
        }
        if let Some(b) = self.bytes {
            out.push_str(&format!(", {b} B"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use near_primitives::views::CostGasUsed;

    #[test]
    fn protocol_cost_names_are_shared_and_others_kept() {
        let gas = Gas::from_gas(1);
        for name in
            ["WASM_INSTRUCTION", "STORAGE_WRITE_BASE", "FUNCTION_CALL_BASE", "NEW_ACTION_RECEIPT"]
        {
            let known = Cost::new(Category::WasmHost, name, gas);
            assert!(matches!(known.name, Cow::Borrowed(n) if n == name), "{name}");
        }
        let other = Cost::new(Category::WasmHost, "SOMETHING_NEW", gas);
        assert!(matches!(other.name, Cow::Owned(ref n) if n == "SOMETHING_NEW"));
    }

    fn cost(category: &str, name: &str, gas: u64) -> CostGasUsed {
        CostGasUsed {
            cost_category: category.into(),
            cost: name.into(),
            gas_used: Gas::from_gas(gas),
        }
    }

    fn profile(costs: Vec<CostGasUsed>) -> GasProfile {
        let metadata =
            ExecutionMetadataView { version: 3, gas_profile: Some(costs), contracts: None };
        GasProfile::of(&metadata).expect("a profile")
    }

    #[test]
    fn no_profile_is_none_and_an_empty_one_is_empty() {
        let v1 = ExecutionMetadataView { version: 1, gas_profile: None, contracts: None };
        assert_eq!(GasProfile::of(&v1), None);
        let empty = profile(Vec::new());
        assert_eq!(empty.total(), Gas::ZERO);
        // A refund: everything it burnt is its own execution fees.
        let burnt = Gas::from_gas(223_182_562_500);
        let groups = empty.groups(burnt);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].kind, GroupKind::Unprofiled);
        assert_eq!(groups[0].gas, burnt);
    }

    /// Storage writes count operations and bytes with protocol 86's ext costs.
    #[test]
    fn groups_count_storage_and_logs() {
        let p = profile(vec![
            cost("ACTION_COST", "FUNCTION_CALL_BASE", 1_000_000_000_000),
            cost("ACTION_COST", "FUNCTION_CALL_BYTE", 4_006_938_893),
            cost("ACTION_COST", "NEW_ACTION_RECEIPT", 289_092_464_624),
            cost("WASM_HOST_COST", "LOG_BASE", 7_086_626_100),
            cost("WASM_HOST_COST", "LOG_BYTE", 514_752_849),
            cost("WASM_HOST_COST", "STORAGE_WRITE_BASE", 128_393_472_000),
            cost("WASM_HOST_COST", "STORAGE_WRITE_EVICTED_BYTE", 802_932_675),
            cost("WASM_HOST_COST", "STORAGE_WRITE_KEY_BYTE", 704_828_670),
            cost("WASM_HOST_COST", "STORAGE_WRITE_VALUE_BYTE", 403_241_007),
            cost("WASM_HOST_COST", "WASM_INSTRUCTION", 31_756_736_088),
        ]);
        let groups = p.groups(p.total());
        let names: Vec<String> = groups.iter().map(Group::label).collect();
        assert_eq!(
            names,
            [
                "action FUNCTION_CALL",
                "promises & receipts",
                "storage write ×2, 23 B",
                "wasm execution",
                "logs ×2, 39 B",
            ]
        );
        let write = &groups[2];
        assert_eq!(write.gas.as_gas(), 128_393_472_000 + 802_932_675 + 704_828_670 + 403_241_007);
    }

    #[test]
    fn parts_name_every_cost_with_its_count_and_bytes() {
        let p = profile(vec![
            cost("WASM_HOST_COST", "STORAGE_WRITE_BASE", 128_393_472_000),
            cost("WASM_HOST_COST", "STORAGE_WRITE_VALUE_BYTE", 403_241_007),
            cost("WASM_HOST_COST", "WASM_INSTRUCTION", 31_756_736_088),
        ]);
        let burnt = p.total().saturating_add(Gas::from_gas(1_000));
        let parts = p.parts(burnt, Breakdown::Costs);
        let labels: Vec<&str> = parts.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "STORAGE_WRITE_BASE ×2",
                "WASM_INSTRUCTION",
                "STORAGE_WRITE_VALUE_BYTE 13 B",
                "own exec fees (unprofiled)",
            ]
        );
        assert!(parts[3].unprofiled && !parts[0].unprofiled);
        let sum = parts.iter().fold(Gas::ZERO, |s, p| s.saturating_add(p.gas));
        assert_eq!(sum, burnt, "the parts add up to the gas burnt");
        let groups = p.parts(burnt, Breakdown::Groups);
        assert_eq!(groups[0].label, "storage write ×2, 13 B");
        assert_eq!(groups.iter().fold(Gas::ZERO, |s, p| s.saturating_add(p.gas)), burnt);
    }

    #[test]
    fn merged_profiles_add_the_same_cost_up() {
        let a = profile(vec![
            cost("WASM_HOST_COST", "BASE", 5),
            cost("ACTION_COST", "NEW_ACTION_RECEIPT", 7),
        ]);
        let b = profile(vec![
            cost("WASM_HOST_COST", "WASM_INSTRUCTION", 20),
            cost("WASM_HOST_COST", "BASE", 1),
        ]);
        let m = GasProfile::merged([&a, &b]);
        let costs: Vec<(&str, u64)> =
            m.costs.iter().map(|c| (c.name.as_ref(), c.gas.as_gas())).collect();
        assert_eq!(costs, [("BASE", 6), ("NEW_ACTION_RECEIPT", 7), ("WASM_INSTRUCTION", 20)]);
    }

    #[test]
    fn by_size_puts_the_largest_first_and_the_rest_in() {
        let p = profile(vec![
            cost("WASM_HOST_COST", "BASE", 5),
            cost("WASM_HOST_COST", "WASM_INSTRUCTION", 20),
        ]);
        let sizes: Vec<(Option<&str>, u64)> = p
            .by_size(Gas::from_gas(35))
            .iter()
            .map(|(c, g)| (c.map(|c| c.name.as_ref()), g.as_gas()))
            .collect();
        assert_eq!(sizes, [(Some("WASM_INSTRUCTION"), 20), (None, 10), (Some("BASE"), 5)]);
    }
}
