//! What the screen shows, as one value: one screen (the DAG, the timeline or the gas report),
//! the DAG screen's own settings, and the help over it or not. `App` holds one [`View`]; the keymap's context
//! reads it, so a key works (and is advertised) only on the screen in view.
//!
//! The screens exclude each other; the pane under the DAG, its size, the workshop notes and the
//! raw values are settings of the DAG screen, kept while another screen shows; the help is
//! drawn over any screen and takes every key while it shows.

pub use crate::model::gas_profile::Breakdown;

/// What shows below the DAG.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Pane {
    /// The selected node's details.
    Details,
    /// The open transaction's ledger (`L`).
    Ledger,
    /// Where the selected receipt's gas went (`b`), as a bar chart.
    Gas,
}

/// The DAG screen's settings.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DagView {
    pub pane: Pane,
    /// The pane enlarged (`enter`): it splits the screen with the DAG.
    pub big: bool,
    /// Workshop notes beside the DAG (`w`).
    pub notes: bool,
    /// State values raw (`v`): base64, exact yoctoNEAR, instead of readable.
    pub raw_values: bool,
    /// Gas charts by group or every single cost (`B`), in the pane and in the gas report.
    pub gas: Breakdown,
}

/// The screen in view.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Screen {
    /// The open transaction's DAG, with its pane (and notes) around it.
    Dag(DagView),
    /// Every transaction of the session on one block axis (`t`), in place of the DAG, its pane
    /// and notes; the DAG screen comes back as it was when it closes.
    Timeline(DagView),
    /// The session's gas report (`m`): calls and min / median / max gas per method, and where
    /// the selected method's gas went; in place of the DAG, like the timeline.
    GasReport(DagView),
}

/// Everything that decides what shows and which keys work.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct View {
    pub screen: Screen,
    /// The help over the screen, at this page (`?`).
    pub help: Option<u16>,
}

impl View {
    /// The DAG screen, details below it; workshop notes on or off.
    pub fn new(notes: bool) -> Self {
        let dag = DagView {
            pane: Pane::Details,
            big: false,
            notes,
            raw_values: false,
            gas: Breakdown::Groups,
        };
        View { screen: Screen::Dag(dag), help: None }
    }

    /// The DAG screen's settings (kept while the timeline shows).
    pub fn dag(&self) -> &DagView {
        match &self.screen {
            Screen::Dag(dag) | Screen::Timeline(dag) | Screen::GasReport(dag) => dag,
        }
    }

    pub(super) fn dag_mut(&mut self) -> &mut DagView {
        match &mut self.screen {
            Screen::Dag(dag) | Screen::Timeline(dag) | Screen::GasReport(dag) => dag,
        }
    }

    pub fn timeline(&self) -> bool {
        matches!(self.screen, Screen::Timeline(_))
    }

    pub fn gas_report(&self) -> bool {
        matches!(self.screen, Screen::GasReport(_))
    }
}

/// Where the gas report is: the selected method.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct GasReportView {
    /// The selected row (an index in `model::GasReport::rows`).
    pub cursor: usize,
}
