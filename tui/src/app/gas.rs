//! Where the gas went: the chart under the DAG (`b`; `B` by group or every cost) and the
//! session's gas report (`m`), a screen of its own. `App::update` is still the only writer:
//! these are its helpers, and `gas_report_action` runs the keys the keymap binds on the report.

use super::keymap::Action;
use super::view::GasReportView;
use super::{App, Focus, Pane, Screen, Selected};
use crate::model::gas_report::calls_of;
use crate::model::GasReport;

impl App {
    /// The gas report's place (its selected method).
    pub fn gas_report_view(&self) -> &GasReportView {
        &self.gas_report
    }

    /// The session's gas report, as `nearviz run --gas-report` prints it.
    pub fn session_gas_report(&self) -> GasReport {
        GasReport::of(self.tracker.dag())
    }

    /// `b` shows or hides the chart under the DAG; `B` switches it between groups and every
    /// cost (and shows it).
    pub(super) fn gas_pane(&mut self, action: Action) {
        let dag = self.view.dag_mut();
        if action == Action::GasBreakdown {
            dag.gas = dag.gas.other();
            dag.pane = Pane::Gas;
            self.status = Some(format!("gas chart: {}", dag.gas.name()));
            return;
        }
        dag.pane = if dag.pane == Pane::Gas { Pane::Details } else { Pane::Gas };
        self.status = Some(
            if dag.pane == Pane::Gas {
                "where the gas went · B: by group / every cost"
            } else {
                "details"
            }
            .into(),
        );
    }

    /// Open the gas report on the open transaction's first call (or where it was).
    pub(super) fn open_gas_report(&mut self) {
        let report = self.session_gas_report();
        if self.gas_report.cursor >= report.rows.len() {
            self.gas_report.cursor = 0;
        }
        if let Some(key) = self.selected_receipt().and_then(crate::model::gas_report::method_key) {
            if let Some(i) = report.rows.iter().position(|r| r.method == key) {
                self.gas_report.cursor = i;
            }
        }
        self.view.screen = Screen::GasReport(*self.view.dag());
        self.status = Some(format!(
            "gas report: {} method{} · enter opens the costliest call",
            report.rows.len(),
            if report.rows.len() == 1 { "" } else { "s" }
        ));
    }

    fn close_gas_report(&mut self) {
        self.view.screen = Screen::Dag(*self.view.dag());
    }

    /// An action the keymap binds on the gas report (the app-wide ones excepted).
    pub(super) fn gas_report_action(&mut self, action: Action) {
        let rows = self.session_gas_report().rows.len();
        let last = rows.saturating_sub(1);
        let page = usize::from(self.geometry.gas_report.height.max(2) - 1);
        let cursor = self.gas_report.cursor.min(last);
        self.gas_report.cursor = match action {
            Action::Up => cursor.saturating_sub(1),
            Action::Down => (cursor + 1).min(last),
            Action::PageUp => cursor.saturating_sub(page),
            Action::PageDown => (cursor + page).min(last),
            Action::First => 0,
            Action::Last => last,
            Action::GasBreakdown => {
                let dag = self.view.dag_mut();
                dag.gas = dag.gas.other();
                self.status = Some(format!("gas chart: {}", dag.gas.name()));
                cursor
            }
            Action::CycleGasUnit => {
                self.dag_option(action);
                cursor
            }
            Action::Back => {
                self.close_gas_report();
                cursor
            }
            Action::Activate => {
                self.open_costliest_call(cursor);
                cursor
            }
            _ => cursor,
        };
    }

    /// A click on a method selects it (a second click opens its costliest call).
    pub(super) fn click_gas_report(&mut self, row: u16) {
        let area = self.geometry.gas_report;
        let index = self.geometry.gas_report_first + usize::from(row.saturating_sub(area.y));
        if index >= self.session_gas_report().rows.len() {
            return;
        }
        if index == self.gas_report.cursor {
            self.open_costliest_call(index);
        } else {
            self.gas_report.cursor = index;
        }
    }

    /// Open the DAG of the method's costliest call, that receipt selected and its gas chart
    /// under it.
    fn open_costliest_call(&mut self, row: usize) {
        let report = self.session_gas_report();
        let Some(method) = report.rows.get(row).map(|r| r.method.clone()) else { return };
        let dag = self.tracker.dag();
        let costliest = calls_of(dag, &method).into_iter().max_by_key(|(_, r)| r.gas_burnt);
        let Some((tx, receipt)) = costliest else { return };
        let (hash, id) = (tx.hash, receipt.id);
        let Some(index) = dag.transactions.iter().position(|t| t.hash == hash) else { return };
        self.close_gas_report();
        self.open_index(index);
        self.focus = Focus::Dag;
        self.selected = Selected::Receipt(id);
        self.keep_selection_visible();
        self.ensure_visible();
        self.view.dag_mut().pane = Pane::Gas;
        self.status = Some(format!("the costliest call of {method}"));
    }
}
