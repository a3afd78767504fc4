//! Where burnt gas went, as a text bar chart: one row per part (a group of costs or a single
//! cost, `model::gas_profile::Part`), largest first, with its bar, gas (in the unit `u` chose,
//! [`Figures`]) and share of the total. Pure: `ui::gas` draws the rows as they are.
//!
//! ```text
//! own exec fees (unprofiled) ████████████████████████████ 0.892 Tgas  33%
//! action FUNCTION_CALL       █████████████████████████▎   0.804 Tgas  29%
//! storage write ×1, 22 B     ██▏                          0.068 Tgas   2%
//! … 3 smaller                ▊                            0.021 Tgas  <1%
//! ```
//! Bars are block characters (eighths at the tip) scaled to the longest row, so they read
//! without colour; every part that burnt anything gets at least `▏`. When the rows do not fit,
//! the smallest parts fold into one `… N smaller` row, so the rows always add up to the total.

use crate::format::{self, GasUnit};
use crate::model::gas_profile::Part;
use near_primitives::types::Gas;

/// One row of the chart, each column already padded to its width.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ChartRow {
    pub label: String,
    pub bar: String,
    /// The part's gas in the chosen unit: `0.892 Tgas`, `891855500000 gas`, `≈0.00008 NEAR`.
    pub figure: String,
    pub share: String,
    /// Burnt but not profiled (the receipt's own execution fees).
    pub unprofiled: bool,
    /// The smallest parts, folded into this row.
    pub folded: bool,
}

/// Columns between the label, the bar, the figure and the share.
const GAP: usize = 1;
/// The share column: `100%`, `<1%`.
const SHARE_WIDTH: usize = 4;
/// The bar keeps at least this many columns; the label gives way first.
const MIN_BAR: usize = 8;
/// The label keeps at least this many columns.
const MIN_LABEL: usize = 12;

/// How the chart writes gas: in the unit `u` chose, at the gas price (yoctoNEAR per gas) of
/// what it charts, for NEAR.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Figures {
    pub unit: GasUnit,
    pub price: u128,
}

impl Figures {
    /// `gas` as `format::gas` writes it everywhere, but Tgas with the three decimals single
    /// costs need ([`tgas`]).
    pub fn of(self, gas: Gas) -> String {
        match self.unit {
            GasUnit::Tgas => tgas(gas),
            unit => format::gas(gas, unit, self.price),
        }
    }
}

/// Gas in Tgas with three decimals, the precision single costs need: `0.892 Tgas`,
/// `<0.001 Tgas` for a sliver, `0 Tgas`.
pub fn tgas(gas: Gas) -> String {
    let raw = gas.as_gas();
    if raw == 0 {
        "0 Tgas".into()
    } else if raw < 500_000_000 {
        "<0.001 Tgas".into()
    } else {
        format!("{:.3} Tgas", raw as f64 / 1e12)
    }
}

/// The chart of `parts` (largest first) out of `total`, `width` columns wide, in at most
/// `max_rows` rows (at least one), its gas written as `figures` says.
pub fn chart(
    parts: &[Part],
    total: Gas,
    (width, max_rows): (usize, usize),
    figures: Figures,
) -> Vec<ChartRow> {
    let max_rows = max_rows.max(1);
    // (label, gas, unprofiled, folded)
    let mut shown: Vec<(String, Gas, bool, bool)> =
        parts.iter().map(|p| (p.label.clone(), p.gas, p.unprofiled, false)).collect();
    if shown.len() > max_rows {
        let rest = shown.split_off(max_rows - 1);
        let gas = rest.iter().fold(Gas::ZERO, |s, r| s.saturating_add(r.1));
        shown.push((format!("… {} smaller", rest.len()), gas, false, true));
    }
    let figures: Vec<String> = shown.iter().map(|r| figures.of(r.1)).collect();
    let figure_width = figures.iter().map(|f| format::width(f)).max().unwrap_or(0);
    let longest = shown.iter().map(|r| format::width(&r.0)).max().unwrap_or(0);
    let fixed = figure_width + SHARE_WIDTH + 3 * GAP;
    let label_width =
        longest.min(width.saturating_sub(fixed + MIN_BAR)).max(MIN_LABEL.min(longest));
    let bar_width = width.saturating_sub(fixed + label_width).max(1);
    let scale = shown.iter().map(|r| r.1.as_gas()).max().unwrap_or(0);
    shown
        .into_iter()
        .zip(figures)
        .map(|((label, gas, unprofiled, folded), figure)| ChartRow {
            label: pad_right(&format::truncate(&label, label_width), label_width),
            bar: pad_right(&bar(gas.as_gas(), scale, bar_width), bar_width),
            figure: format!("{figure:>figure_width$}"),
            share: format!("{:>SHARE_WIDTH$}", format::share(gas.as_gas(), total.as_gas())),
            unprofiled,
            folded,
        })
        .collect()
}

/// `text` and spaces up to `width` columns.
fn pad_right(text: &str, width: usize) -> String {
    let pad = width.saturating_sub(format::width(text));
    format!("{text}{}", " ".repeat(pad))
}

/// A bar of `value` out of `scale` over `width` columns, in eighths of a column.
fn bar(value: u64, scale: u64, width: usize) -> String {
    const TIPS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    if value == 0 || scale == 0 {
        return String::new();
    }
    let eighths =
        (u128::from(value) * (width as u128) * 8 + u128::from(scale) / 2) / u128::from(scale);
    let eighths = usize::try_from(eighths).unwrap_or(usize::MAX).clamp(1, width * 8);
    format!("{}{}", "█".repeat(eighths / 8), TIPS[eighths % 8])
}

#[cfg(test)]
mod tests {
    use super::*;

    const TGAS: Figures = Figures { unit: GasUnit::Tgas, price: 0 };

    fn part(label: &str, gas: u64) -> Part {
        Part { label: label.into(), gas: Gas::from_gas(gas), unprofiled: false }
    }

    #[test]
    fn bars_scale_to_the_longest_and_a_sliver_shows() {
        assert_eq!(bar(8, 8, 4), "████");
        assert_eq!(bar(4, 8, 4), "██");
        assert_eq!(bar(5, 8, 4), "██▌");
        assert_eq!(bar(1, 1_000_000, 4), "▏");
        assert_eq!(bar(0, 8, 4), "");
    }

    #[test]
    fn columns_align_and_small_parts_fold_into_one_row() {
        let parts = [
            part("wasm execution", 3_000_000_000_000),
            part("storage write ×2, 23 B", 1_000_000_000_000),
            part("logs ×1, 10 B", 10_000_000_000),
            part("trie nodes ×3", 5_000_000_000),
        ];
        let total = Gas::from_gas(4_015_000_000_000);
        let rows = chart(&parts, total, (60, 3), TGAS);
        let lines: Vec<String> = rows
            .iter()
            .map(|r| format!("{} {} {} {}", r.label, r.bar, r.figure, r.share))
            .collect();
        assert_eq!(
            lines,
            [
                "wasm execution         █████████████████████ 3.000 Tgas  75%",
                "storage write ×2, 23 B ███████               1.000 Tgas  25%",
                "… 2 smaller            ▏                     0.015 Tgas  <1%",
            ]
        );
        assert!(rows[2].folded && !rows[0].folded);
        assert!(lines.iter().all(|l| format::width(l) == 60), "{lines:#?}");
    }

    #[test]
    fn a_long_label_is_cut_with_an_ellipsis_when_narrow() {
        let parts = [part("STORAGE_WRITE_EVICTED_BYTE 23 B", 1_000)];
        let rows = chart(&parts, Gas::from_gas(1_000), (40, 5), TGAS);
        assert!(rows[0].label.ends_with('…'), "{:?}", rows[0].label);
        assert_eq!(format::width(&rows[0].bar), MIN_BAR);
        assert_eq!(tgas(Gas::from_gas(1_000)), "<0.001 Tgas");
        assert_eq!(tgas(Gas::from_gas(891_855_500_000)), "0.892 Tgas");
    }

    #[test]
    fn figures_follow_the_unit_and_keep_their_column() {
        let parts = [part("wasm execution", 3_000_000_000_000), part("logs ×1, 10 B", 5_000)];
        let total = Gas::from_gas(3_000_000_005_000);
        let gas = Figures { unit: GasUnit::Gas, price: 100_000_000 };
        let rows = chart(&parts, total, (60, 5), gas);
        assert_eq!(rows[0].figure, "3000000000000 gas");
        assert_eq!(rows[1].figure, "         5000 gas");
        let near = Figures { unit: GasUnit::Near, ..gas };
        assert_eq!(near.of(Gas::from_gas(3_000_000_000_000)), "≈0.0003 NEAR");
        assert_eq!(TGAS.of(Gas::from_gas(5_000)), "<0.001 Tgas");
        for unit in [gas, near] {
            let rows = chart(&parts, total, (60, 5), unit);
            let widths: Vec<usize> = rows
                .iter()
                .map(|r| format::width(&format!("{} {} {} {}", r.label, r.bar, r.figure, r.share)))
                .collect();
            assert_eq!(widths, [60, 60], "{rows:#?}");
        }
    }
}
