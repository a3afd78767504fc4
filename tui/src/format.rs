//! Text for people, one way everywhere: gas in the chosen unit, NEAR amounts, short ids and
//! accounts, values. Pure string helpers for the layout (node labels), the TUI panes and the
//! text outputs, so the same receipt reads the same in each.

use crate::model::dag::{Args, Value};
use near_primitives::types::{Balance, Gas};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How gas figures are shown (`u` cycles through them).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum GasUnit {
    /// Teragas, `2.74 Tgas`.
    #[default]
    Tgas,
    /// Raw gas units, `2740827516066 gas`.
    Gas,
    /// What the gas costs in NEAR at the gas price (`≈` when the price is inferred).
    Near,
}

impl GasUnit {
    pub fn next(self) -> Self {
        match self {
            Self::Tgas => Self::Gas,
            Self::Gas => Self::Near,
            Self::Near => Self::Tgas,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Tgas => "Tgas",
            Self::Gas => "gas",
            Self::Near => "NEAR",
        }
    }
}

/// The sandbox and mainnet minimum gas price (yoctoNEAR per gas) when nothing better is known.
pub const DEFAULT_GAS_PRICE: u128 = 100_000_000;

const YOCTO_PER_NEAR: u128 = 1_000_000_000_000_000_000_000_000;

/// Gas in `unit`; `price` is yoctoNEAR per gas (used for [`GasUnit::Near`]).
pub fn gas(amount: Gas, unit: GasUnit, price: u128) -> String {
    let raw = amount.as_gas();
    match unit {
        GasUnit::Tgas => tgas(raw),
        GasUnit::Gas => format!("{raw} gas"),
        GasUnit::Near => format!("≈{}", near(Balance::from_yoctonear(u128::from(raw) * price))),
    }
}

fn tgas(raw: u64) -> String {
    let t = raw as f64 / 1e12;
    if raw == 0 {
        "0 Tgas".to_string()
    } else if t >= 100.0 {
        format!("{t:.0} Tgas")
    } else if t >= 10.0 {
        format!("{t:.1} Tgas")
    } else {
        format!("{t:.2} Tgas")
    }
}

/// `part` as a share of `total`: `43%`, `<1%` for a sliver, `0%` for none.
pub fn share(part: u64, total: u64) -> String {
    if part == 0 || total == 0 {
        return "0%".to_string();
    }
    let pct = part as f64 * 100.0 / total as f64;
    if pct < 1.0 {
        "<1%".to_string()
    } else {
        format!("{pct:.0}%")
    }
}

/// A NEAR amount with 5 significant decimals: `1 NEAR`, `0.00012 NEAR`, `0 NEAR`.
pub fn near(amount: Balance) -> String {
    let yocto = amount.as_yoctonear();
    if yocto == 0 {
        return "0 NEAR".to_string();
    }
    let whole = yocto / YOCTO_PER_NEAR;
    let frac = yocto % YOCTO_PER_NEAR;
    let mut digits = format!("{frac:024}");
    let first = digits.find(|c| c != '0').unwrap_or(digits.len());
    digits.truncate((first + 5).min(24));
    let shown = digits.trim_end_matches('0');
    if shown.is_empty() {
        format!("{whole} NEAR")
    } else {
        format!("{whole}.{shown} NEAR")
    }
}

/// A signed NEAR amount: `+1 NEAR`, `−0.00012 NEAR`, `0 NEAR`.
pub fn near_signed(yocto: i128) -> String {
    let abs = near(Balance::from_yoctonear(yocto.unsigned_abs()));
    match yocto.signum() {
        1 => format!("+{abs}"),
        -1 => format!("−{abs}"),
        _ => abs,
    }
}

/// The DAG's state mark of a receipt: `Δ2` (storage, key or code writes), `↺1` (writes the
/// embedded runtime rolled back), both, or `None`.
pub fn state_mark(writes: usize, reverted: usize) -> Option<String> {
    match (writes, reverted) {
        (0, 0) => None,
        (w, 0) => Some(format!("Δ{w}")),
        (0, r) => Some(format!("↺{r}")),
        (w, r) => Some(format!("Δ{w}↺{r}")),
    }
}

/// How many characters of a base58 id [`short_id`] keeps.
pub const SHORT_ID_CHARS: usize = 6;

/// The first characters of a base58 id: `DRrdwg…`.
pub fn short_id(id: &impl std::fmt::Display) -> String {
    let text = id.to_string();
    match text.char_indices().nth(SHORT_ID_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// How an empty return value is spelled.
pub const EMPTY: &str = "(no value)";

/// An account without the session's common suffix (`.test.near`), middle-elided to `max` columns.
pub fn account(name: &str, strip_suffix: Option<&str>, max: usize) -> String {
    let base = match strip_suffix {
        Some(suffix) if name.len() > suffix.len() && name.ends_with(suffix) => {
            &name[..name.len() - suffix.len()]
        }
        _ => name,
    };
    if let Some(tail) = dev_account_tail(base) {
        return truncate(&format!("dev…{tail}"), max);
    }
    elide_middle(base, max)
}

/// `dev-20261124022257-87892471554044` (near-workspaces' generated accounts) -> `4044`: the
/// digits that tell such accounts apart.
fn dev_account_tail(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("dev-")?;
    let (stamp, serial) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(stamp) && digits(serial) && serial.len() > 4).then(|| &serial[serial.len() - 4..])
}

/// The suffix accounts of a session share after the signer's first label: `alice.test.near` ->
/// `.test.near`. `None` for top-level accounts.
pub fn common_suffix(signer: &str) -> Option<String> {
    signer.find('.').map(|dot| signer[dot..].to_string())
}

/// Cut `text` to `max` display columns, ending with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max.saturating_sub(1) {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Keep the start and the end: `dev-2026…554044`.
pub fn elide_middle(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if text.width() <= max || max < 5 || chars.len() != text.width() {
        return truncate(text, max);
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// A returned value on one line: JSON compact, bytes as `<12 bytes>`, empty as [`EMPTY`].
pub fn value(v: &Value) -> String {
    match v {
        Value::Empty => EMPTY.to_string(),
        Value::Json(json) => json.to_string(),
        Value::Bytes { len, .. } => format!("<{len} bytes>"),
    }
}

/// Call arguments on one line.
pub fn args(a: &Args) -> String {
    match a {
        Args::Json(json) => json.to_string(),
        Args::Bytes { len: 0, .. } => "(no args)".to_string(),
        Args::Bytes { len, .. } => format!("<{len} bytes>"),
    }
}

/// Width of `text` in terminal columns.
pub fn width(text: &str) -> usize {
    text.width()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tgas_has_sensible_precision() {
        assert_eq!(gas(Gas::from_gas(2_740_827_516_066), GasUnit::Tgas, 1), "2.74 Tgas");
        assert_eq!(gas(Gas::from_gas(20_000_000_000_000), GasUnit::Tgas, 1), "20.0 Tgas");
        assert_eq!(gas(Gas::from_gas(300_000_000_000_000), GasUnit::Tgas, 1), "300 Tgas");
        assert_eq!(gas(Gas::from_gas(5), GasUnit::Gas, 1), "5 gas");
    }

    #[test]
    fn gas_in_near_uses_the_price() {
        // 1 Tgas at 1e9 yocto/gas = 1e21 yocto = 0.001 NEAR.
        let s = gas(Gas::from_gas(1_000_000_000_000), GasUnit::Near, 1_000_000_000);
        assert_eq!(s, "≈0.001 NEAR");
    }

    #[test]
    fn near_amounts() {
        assert_eq!(near(Balance::from_yoctonear(0)), "0 NEAR");
        assert_eq!(near(Balance::from_yoctonear(YOCTO_PER_NEAR * 3)), "3 NEAR");
        assert_eq!(near(Balance::from_yoctonear(121_000_000_000_000_000_000)), "0.000121 NEAR");
        assert_eq!(near(Balance::from_yoctonear(10_780_065_332_249_300_000_000)), "0.01078 NEAR");
        assert_eq!(near(Balance::from_yoctonear(274_082_751_606_600_000_000)), "0.00027408 NEAR");
    }

    #[test]
    fn signed_amounts_and_state_marks() {
        assert_eq!(near_signed(YOCTO_PER_NEAR as i128), "+1 NEAR");
        assert_eq!(near_signed(-121_000_000_000_000_000_000), "−0.000121 NEAR");
        assert_eq!(near_signed(0), "0 NEAR");
        assert_eq!(state_mark(0, 0), None);
        assert_eq!(state_mark(2, 0).as_deref(), Some("Δ2"));
        assert_eq!(state_mark(0, 1).as_deref(), Some("↺1"));
        assert_eq!(state_mark(1, 1).as_deref(), Some("Δ1↺1"));
    }

    #[test]
    fn accounts_are_shortened() {
        let sfx = common_suffix("alice.test.near");
        assert_eq!(sfx.as_deref(), Some(".test.near"));
        assert_eq!(account("hello.test.near", sfx.as_deref(), 20), "hello");
        assert_eq!(
            account("dev-20261124022257-87892471554044.test.near", sfx.as_deref(), 12),
            "dev…4044"
        );
        assert_eq!(account("averyveryverylongname.test.near", sfx.as_deref(), 12), "avery…ngname");
        assert_eq!(account("system", sfx.as_deref(), 20), "system");
    }

    #[test]
    fn short_ids_and_empty_values_have_one_spelling() {
        assert_eq!(short_id(&"DRrdwgeHt1kZ"), "DRrdwg…");
        assert_eq!(short_id(&"abc"), "abc");
        assert_eq!(value(&Value::Empty), "(no value)");
    }

    #[test]
    fn truncation_respects_width() {
        assert_eq!(truncate("multiple_contracts", 8), "multipl…");
        assert_eq!(truncate("abc", 8), "abc");
        assert_eq!(width(&truncate("✔✔✔✔✔", 3)), 3);
    }
}
