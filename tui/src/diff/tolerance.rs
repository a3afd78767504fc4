//! `--gas-tolerance`: how far apart two gas-determined amounts may be and still count as equal.
//!
//! Written as a percentage (`1%`, `0.5%`) or `0` (exact). Compared in integers, relative to the
//! first run (the baseline): `|b - a| * 100 <= pct * a`, so a difference of exactly the tolerance
//! is still equal and no float rounding moves the edge.

use std::fmt;

/// At most this many decimals (`0.000001%`): keeps the integer arithmetic inside `u128`.
const MAX_DECIMALS: u32 = 6;

/// A relative tolerance: `percent_scaled / 10^decimals` percent.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Tolerance {
    percent_scaled: u128,
    decimals: u32,
}

impl Tolerance {
    /// No difference allowed.
    pub const EXACT: Tolerance = Tolerance { percent_scaled: 0, decimals: 0 };

    /// Parses `1%`, `0.5%`, `0`, `0%`. The error is one line, for the user.
    pub fn parse(text: &str) -> Result<Tolerance, String> {
        let bad = |why: &str| format!("--gas-tolerance `{text}`: {why}");
        let trimmed = text.trim();
        let number = match trimmed.strip_suffix('%') {
            Some(n) => n.trim_end(),
            None if trimmed.chars().all(|c| c == '0' || c == '.') && !trimmed.is_empty() => trimmed,
            None => return Err(bad("write a percentage such as 1% or 0.5%, or 0 for exact")),
        };
        let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            return Err(bad("write a percentage such as 1% or 0.5%, or 0 for exact"));
        }
        let decimals = u32::try_from(frac.len()).unwrap_or(u32::MAX);
        if decimals > MAX_DECIMALS {
            return Err(bad(&format!("at most {MAX_DECIMALS} decimals")));
        }
        let digits = format!("{whole}{frac}");
        let percent_scaled: u128 =
            if digits.is_empty() { 0 } else { digits.parse().map_err(|_| bad("too large"))? };
        if percent_scaled > 1_000_000 * 10u128.pow(decimals) {
            return Err(bad("at most 1000000%"));
        }
        Ok(Tolerance { percent_scaled, decimals })
    }

    pub fn is_exact(&self) -> bool {
        self.percent_scaled == 0
    }

    /// Whether `b` is within this tolerance of the baseline `a`.
    pub fn allows(&self, a: u128, b: u128) -> bool {
        let diff = a.abs_diff(b);
        if diff == 0 {
            return true;
        }
        // diff * 100 * 10^decimals <= percent_scaled * a. Both sides fit u128 for any real gas
        // or yoctoNEAR amount; beyond that (hostile input) the same inequality in f64.
        let scale = 100 * 10u128.pow(self.decimals);
        match (diff.checked_mul(scale), self.percent_scaled.checked_mul(a)) {
            (Some(lhs), Some(rhs)) => lhs <= rhs,
            _ => (diff as f64) * (scale as f64) <= (self.percent_scaled as f64) * (a as f64),
        }
    }
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_exact() {
            return f.write_str("0");
        }
        let scale = 10u128.pow(self.decimals);
        let whole = self.percent_scaled / scale;
        let frac = self.percent_scaled % scale;
        if frac == 0 {
            write!(f, "{whole}%")
        } else {
            let digits = format!("{frac:0width$}", width = self.decimals as usize);
            write!(f, "{whole}.{}%", digits.trim_end_matches('0'))
        }
    }
}

/// `b - a` relative to `|a|`, in percent (`None` when `a` is 0 and `b` is not).
pub fn percent(a: i128, b: i128) -> Option<f64> {
    if a == b {
        Some(0.0)
    } else if a == 0 {
        None
    } else {
        Some((b as f64 - a as f64) * 100.0 / (a as f64).abs())
    }
}
