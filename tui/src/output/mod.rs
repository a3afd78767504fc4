//! Headless output of a DAG: tree, json, dot, mermaid.
