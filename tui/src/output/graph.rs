//! `--format dot` and `--format mermaid`: graphs for slides and docs. Created edges are solid,
//! data edges (callback inputs, labelled `#i` with the value) dashed; refunds dotted and grey.

use super::{state_changes, text};
use crate::model::{Dag, InputStatus, Parent, ReceiptNode, Status, TxNode};
use std::io::{self, Write};

fn receipt_label(r: &ReceiptNode) -> Vec<String> {
    let receiver = r.receiver.as_ref().map_or("?".to_string(), |a| a.to_string());
    if r.is_refund {
        let amount = r.actions.first().map(|a| text::near(a.deposit)).unwrap_or_default();
        return vec![format!("{} refund {amount}", text::offset(r).trim()), receiver];
    }
    let mut lines = vec![
        format!("{} {receiver}", text::offset(r).trim()),
        text::clip(&text::actions(&r.actions), 48),
        text::clip(&text::status(&r.status), 48),
    ];
    lines.extend(state_changes::mark(r));
    lines
}

fn tx_label(t: &TxNode) -> Vec<String> {
    let receiver = t.receiver.as_ref().map_or("?".to_string(), |a| a.to_string());
    let mut lines = vec![format!("tx {}", text::short_id(&t.hash))];
    if let Some(l) = &t.label {
        lines.push(l.clone());
    }
    lines.push(format!("{} → {receiver}", t.signer));
    lines.push(text::clip(&text::status(&t.status), 48));
    lines
}

fn input_label(index: usize, s: &InputStatus) -> String {
    text::clip(&format!("#{index} {}", text::input(s)), 32)
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', " ")
}

fn dot_color(s: &Status) -> &'static str {
    match s {
        Status::Pending => "gray50",
        Status::Waiting { .. } => "orange",
        Status::Success(_) => "darkgreen",
        Status::Failure(_) => "red",
    }
}

/// Graphviz DOT.
pub fn write_dot(dag: &Dag, w: &mut impl Write) -> io::Result<()> {
    writeln!(w, "digraph nearviz {{")?;
    writeln!(w, "  rankdir=TB;")?;
    writeln!(w, "  node [shape=box, style=rounded, fontname=\"monospace\"];")?;
    for (i, t) in dag.transactions.iter().enumerate() {
        writeln!(w, "  subgraph cluster_{i} {{")?;
        writeln!(w, "    label=\"{}\";", dot_escape(&format!("tx {}", t.hash)))?;
        let label = tx_label(t).iter().map(|l| dot_escape(l)).collect::<Vec<_>>().join("\\n");
        writeln!(w, "    \"{}\" [label=\"{label}\", shape=box, style=bold];", t.hash)?;
        for r in &t.receipts {
            let label =
                receipt_label(r).iter().map(|l| dot_escape(l)).collect::<Vec<_>>().join("\\n");
            let style = match (r.is_refund, state_changes::mark(r).is_some()) {
                (true, _) => ", style=\"rounded,dotted\", fontcolor=gray50",
                (false, true) => ", penwidth=2, fillcolor=lightyellow, style=\"rounded,filled\"",
                (false, false) => "",
            };
            writeln!(
                w,
                "    \"{}\" [label=\"{label}\", color={}{style}];",
                r.id,
                dot_color(&r.status)
            )?;
        }
        for r in &t.receipts {
            let from = match r.parent {
                Parent::Tx(h) => h.to_string(),
                Parent::Receipt(p) => p.to_string(),
            };
            let style = if r.is_refund { " [style=dotted, color=gray50]" } else { "" };
            writeln!(w, "    \"{from}\" -> \"{}\"{style};", r.id)?;
            for input in &r.inputs {
                if let Some(src) = input.from {
                    writeln!(
                        w,
                        "    \"{src}\" -> \"{}\" [style=dashed, color=blue, fontcolor=blue, label=\"{}\"];",
                        r.id,
                        dot_escape(&input_label(input.index, &input.status))
                    )?;
                }
            }
        }
        writeln!(w, "  }}")?;
    }
    writeln!(w, "}}")
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;").replace('\n', " ")
}

/// Mermaid flowchart.
pub fn write_mermaid(dag: &Dag, w: &mut impl Write) -> io::Result<()> {
    writeln!(w, "flowchart TD")?;
    for (i, t) in dag.transactions.iter().enumerate() {
        let tx_node = format!("t{i}");
        let label = tx_label(t).iter().map(|l| mermaid_escape(l)).collect::<Vec<_>>().join("<br/>");
        writeln!(w, "  {tx_node}[\"{label}\"]")?;
        let node = |id: &crate::chain::ReceiptId| {
            t.receipts.iter().position(|r| r.id == *id).map(|j| format!("t{i}r{j}"))
        };
        for (j, r) in t.receipts.iter().enumerate() {
            let label = receipt_label(r)
                .iter()
                .map(|l| mermaid_escape(l))
                .collect::<Vec<_>>()
                .join("<br/>");
            writeln!(w, "  t{i}r{j}(\"{label}\")")?;
            let class = match (&r.status, r.is_refund) {
                (_, true) => "refund",
                (Status::Pending, _) => "pending",
                (Status::Waiting { .. }, _) => "waiting",
                (Status::Success(_), _) => "success",
                (Status::Failure(_), _) => "failure",
            };
            writeln!(w, "  class t{i}r{j} {class}")?;
            if state_changes::mark(r).is_some() {
                writeln!(w, "  style t{i}r{j} fill:#ffd,stroke-width:3px")?;
            }
        }
        for (j, r) in t.receipts.iter().enumerate() {
            let from = match r.parent {
                Parent::Tx(_) => Some(tx_node.clone()),
                Parent::Receipt(p) => node(&p),
            };
            if let Some(from) = from {
                let arrow = if r.is_refund { "-.->" } else { "-->" };
                writeln!(w, "  {from} {arrow} t{i}r{j}")?;
            }
            for input in &r.inputs {
                if let Some(src) = input.from.as_ref().and_then(node) {
                    let label = mermaid_escape(&input_label(input.index, &input.status));
                    writeln!(w, "  {src} == \"{label}\" ==> t{i}r{j}")?;
                }
            }
        }
    }
    writeln!(w, "  classDef success stroke:#2a2")?;
    writeln!(w, "  classDef failure stroke:#d22")?;
    writeln!(w, "  classDef waiting stroke:#e90")?;
    writeln!(w, "  classDef pending stroke:#888,stroke-dasharray:4")?;
    writeln!(w, "  classDef refund color:#888,stroke:#bbb,stroke-dasharray:2")
}
