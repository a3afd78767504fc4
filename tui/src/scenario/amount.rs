//! Amounts as people write them in scenario files: NEAR (`"0.01"`, `"1 NEAR"`, `"5 yocto"`) and
//! gas (`"300 Tgas"`, `"30000000000000"`).

use thiserror::Error;

/// Yocto per NEAR (10^24).
pub const YOCTO_PER_NEAR: u128 = 1_000_000_000_000_000_000_000_000;
/// Gas per Tgas (10^12).
pub const GAS_PER_TGAS: u64 = 1_000_000_000_000;
/// Gas attached to a call when the scenario says nothing.
pub const DEFAULT_CALL_GAS: u64 = 300 * GAS_PER_TGAS;

/// Why an amount could not be read.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("bad {what} `{text}`: {reason} (e.g. {example})")]
pub struct AmountError {
    pub what: &'static str,
    pub text: String,
    pub reason: String,
    pub example: &'static str,
}

/// Reads a NEAR amount into yoctoNEAR: `"0.01"`, `"10"`, `"1.5 NEAR"`, `"1000 yocto"`.
///
/// A bare number is in NEAR; up to 24 decimals. `yocto` (or `yoctoNEAR`) amounts are integers.
pub fn parse_near_amount(text: &str) -> Result<u128, AmountError> {
    let err = |reason: &str| AmountError {
        what: "NEAR amount",
        text: text.to_owned(),
        reason: reason.to_owned(),
        example: "\"0.01\", \"1 NEAR\" or \"1000 yocto\"",
    };
    let (number, unit) = split_unit(text);
    let scale_digits = match unit.to_ascii_lowercase().as_str() {
        "" | "near" | "n" => 24,
        "yocto" | "yoctonear" => 0,
        _ => return Err(err(&format!("unknown unit `{unit}`"))),
    };
    let value = parse_decimal(number, scale_digits).map_err(|reason| err(&reason))?;
    Ok(value)
}

/// Reads gas: `"300 Tgas"`, `"0.5 Tgas"`, `"5 Ggas"`, `"30000000000000"` (a bare number is gas).
pub fn parse_gas(text: &str) -> Result<u64, AmountError> {
    let err = |reason: &str| AmountError {
        what: "gas",
        text: text.to_owned(),
        reason: reason.to_owned(),
        example: "\"300 Tgas\" or \"30000000000000\"",
    };
    let (number, unit) = split_unit(text);
    let scale_digits = match unit.to_ascii_lowercase().as_str() {
        "" | "gas" => 0,
        "kgas" => 3,
        "mgas" => 6,
        "ggas" => 9,
        "tgas" => 12,
        "pgas" => 15,
        _ => return Err(err(&format!("unknown unit `{unit}` (use gas, Ggas, Tgas or Pgas)"))),
    };
    let value = parse_decimal(number, scale_digits).map_err(|reason| err(&reason))?;
    u64::try_from(value).map_err(|_| err("too large for a gas amount"))
}

/// Splits `"1.5 NEAR"` / `"1.5NEAR"` into the number and the unit (possibly empty).
fn split_unit(text: &str) -> (&str, &str) {
    let text = text.trim();
    let end =
        text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_')).unwrap_or(text.len());
    (text[..end].trim(), text[end..].trim())
}

/// `"1.25"` with `scale_digits = 2` -> 125. Underscores are digit separators.
fn parse_decimal(number: &str, scale_digits: u32) -> Result<u128, String> {
    let number: String = number.chars().filter(|c| *c != '_').collect();
    if number.is_empty() {
        return Err("no number".to_owned());
    }
    let (whole, fraction) = match number.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (number.as_str(), ""),
    };
    if whole.is_empty() && fraction.is_empty() {
        return Err("no digits".to_owned());
    }
    if fraction.contains('.') {
        return Err("more than one decimal point".to_owned());
    }
    let fraction_len = u32::try_from(fraction.len()).unwrap_or(u32::MAX);
    if fraction_len > scale_digits {
        return Err(if scale_digits == 0 {
            "must be a whole number in this unit".to_owned()
        } else {
            format!("at most {scale_digits} decimals")
        });
    }
    let overflow = || "too large".to_owned();
    let scale = 10u128.checked_pow(scale_digits).ok_or_else(overflow)?;
    let whole_value = if whole.is_empty() { 0 } else { digits(whole)? };
    let fraction_value = if fraction.is_empty() {
        0
    } else {
        let pad = 10u128.checked_pow(scale_digits - fraction_len).ok_or_else(overflow)?;
        digits(fraction)?.checked_mul(pad).ok_or_else(overflow)?
    };
    whole_value.checked_mul(scale).and_then(|v| v.checked_add(fraction_value)).ok_or_else(overflow)
}

fn digits(text: &str) -> Result<u128, String> {
    if !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("`{text}` is not a number"));
    }
    text.parse::<u128>().map_err(|_| "too large".to_owned())
}

/// `1500000000000000000000000` -> `"1.5 NEAR"`; for messages and the UI.
pub fn format_near(yocto: u128) -> String {
    let whole = yocto / YOCTO_PER_NEAR;
    let fraction = yocto % YOCTO_PER_NEAR;
    if fraction == 0 {
        return format!("{whole} NEAR");
    }
    let fraction = format!("{fraction:024}");
    format!("{whole}.{} NEAR", fraction.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_amounts() {
        assert_eq!(parse_near_amount("0.01"), Ok(10_000_000_000_000_000_000_000));
        assert_eq!(parse_near_amount("10"), Ok(10 * YOCTO_PER_NEAR));
        assert_eq!(parse_near_amount(" 1.5 NEAR "), Ok(15 * YOCTO_PER_NEAR / 10));
        assert_eq!(parse_near_amount("1near"), Ok(YOCTO_PER_NEAR));
        assert_eq!(parse_near_amount(".5"), Ok(YOCTO_PER_NEAR / 2));
        assert_eq!(parse_near_amount("1000 yocto"), Ok(1000));
        assert_eq!(parse_near_amount("0.000000000000000000000001"), Ok(1));
        assert_eq!(parse_near_amount("1_000"), Ok(1000 * YOCTO_PER_NEAR));
        assert_eq!(parse_near_amount("0"), Ok(0));
    }

    #[test]
    fn bad_near_amounts() {
        for bad in [
            "",
            "abc",
            "-1",
            "1.2.3",
            ".",
            "1 ETH",
            "0.0000000000000000000000001",
            "1.5 yocto",
            "999999999999999999",
            "1e3",
        ] {
            let err = parse_near_amount(bad).expect_err(bad);
            assert!(err.to_string().contains("bad NEAR amount"), "{err}");
        }
        let err = parse_near_amount("1.5 yocto").expect_err("fraction of yocto");
        assert!(err.reason.contains("whole number"), "{err}");
    }

    #[test]
    fn gas_amounts() {
        assert_eq!(parse_gas("300 Tgas"), Ok(300_000_000_000_000));
        assert_eq!(parse_gas("30000000000000"), Ok(30_000_000_000_000));
        assert_eq!(parse_gas("0.5 Tgas"), Ok(500_000_000_000));
        assert_eq!(parse_gas("5ggas"), Ok(5_000_000_000));
        assert_eq!(parse_gas("1 PGas"), Ok(1_000_000_000_000_000));
        assert_eq!(parse_gas("10 gas"), Ok(10));
        assert_eq!(parse_gas("300_000_000_000_000"), Ok(DEFAULT_CALL_GAS));
    }

    #[test]
    fn bad_gas() {
        for bad in
            ["", "Tgas", "1.5", "1 NEAR", "99999999999 Tgas", "-5 Tgas", "0.0000000000001 Tgas"]
        {
            let err = parse_gas(bad).expect_err(bad);
            assert!(err.to_string().starts_with("bad gas"), "{err}");
        }
    }

    #[test]
    fn formats_near() {
        assert_eq!(format_near(YOCTO_PER_NEAR), "1 NEAR");
        assert_eq!(format_near(10_000_000_000_000_000_000_000), "0.01 NEAR");
        assert_eq!(format_near(0), "0 NEAR");
    }
}
