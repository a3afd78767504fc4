//! Short human renderings shared by the text outputs (tree, dot, mermaid) and usable by the TUI.

use crate::model::{ActionInfo, Args, Failure, InputStatus, Outcome, ReceiptNode, Status, Value};
use near_primitives::types::Gas;

pub use crate::format::{near, short_id};

/// `2.74 Tgas`, the way the TUI writes gas ([`crate::format::gas`]).
pub fn tgas(gas: Gas) -> String {
    crate::format::gas(gas, crate::format::GasUnit::Tgas, 0)
}

/// `43%` of `total` (`<1%` for a sliver, `0%` for none).
pub fn share(part: Gas, total: Gas) -> String {
    crate::format::share(part.as_gas(), total.as_gas())
}

/// At most `max` characters, with `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

pub fn value(v: &Value) -> String {
    match v {
        Value::Json(_) => clip(&crate::format::value(v), 60),
        _ => crate::format::value(v),
    }
}

pub fn args(a: &Option<Args>) -> String {
    match a {
        None => String::new(),
        Some(Args::Json(j)) => clip(&j.to_string(), 60),
        Some(Args::Bytes { len: 0, .. }) => String::new(),
        Some(Args::Bytes { len, .. }) => format!("<{len} bytes>"),
    }
}

/// `get_greeting({"a":1})`, `Transfer 1 NEAR`, `AddKey ed25519:… FullAccess`.
pub fn action(a: &ActionInfo) -> String {
    let mut s = match &a.method {
        Some(m) => format!("{m}({})", args(&a.args)),
        None => a.kind.clone(),
    };
    if a.deposit.as_yoctonear() > 0 {
        s.push_str(&format!(" + {}", near(a.deposit)));
    }
    if let Some(d) = &a.detail {
        s.push(' ');
        s.push_str(&clip(d, 80));
    }
    s
}

pub fn actions(list: &[ActionInfo]) -> String {
    match list {
        [] => "?".into(),
        [one] => action(one),
        many => format!("batch[{}]", many.iter().map(action).collect::<Vec<_>>().join(", ")),
    }
}

pub fn failure(f: &Failure) -> String {
    match f.action_index {
        Some(i) => format!("action #{i} {}: {}", f.kind, f.message),
        None => format!("{}: {}", f.kind, f.message),
    }
}

/// `✓ "Hello"`, `✗ action #0 …`, `… pending`, `⧗ waiting 1/3`.
pub fn status(s: &Status) -> String {
    match s {
        Status::Pending => "… pending".into(),
        Status::Waiting { arrived, total } => format!("⧗ waiting {arrived}/{total} inputs"),
        Status::Success(Outcome::Value(v)) => format!("✓ {}", value(v)),
        Status::Success(Outcome::Receipt(r)) => format!("✓ → {}", short_id(r)),
        Status::Failure(f) => format!("✗ {}", failure(f)),
    }
}

pub fn input(s: &InputStatus) -> String {
    match s {
        InputStatus::Pending => "pending".into(),
        InputStatus::Success(v) => value(v),
        InputStatus::Failed => "Failed".into(),
        InputStatus::Arrived => "arrived".into(),
    }
}

/// `B+2`, or `B+?` when the block is unknown, `—` when not executed.
pub fn offset(r: &ReceiptNode) -> String {
    match (r.block_offset, r.block_height, &r.status) {
        (Some(o), _, _) => format!("B+{o}"),
        (None, Some(h), _) => format!("#{h}"),
        (None, None, Status::Pending | Status::Waiting { .. }) => "  —".into(),
        (None, None, _) => "B+?".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_well() {
        use near_primitives::types::Balance;
        assert_eq!(near(Balance::from_yoctonear(274082751606600000000)), "0.00027408 NEAR");
        assert_eq!(near(Balance::from_yoctonear(10u128.pow(24))), "1 NEAR");
        assert_eq!(tgas(Gas::from_gas(2_740_827_516_066)), "2.74 Tgas");
        assert_eq!(short_id(&"DRrdwgeHt1kZ"), "DRrdwg…");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
