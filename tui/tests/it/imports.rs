//! Imports run one way: `engine` -> `chain` <- `model` <- `layout` <- `ui`, with `app` holding
//! the state the ui reads. A plain test over the `crate::...` paths of every source file (in
//! `use` lines and in expressions): it fails naming the file and the path when a module reaches
//! up, so the direction is kept in CI without extra tools.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What each top-level module must not name.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("chain", &["model", "layout", "ui", "app", "engine", "cli", "commands", "output", "fixture"]),
    ("engine", &["model", "layout", "ui", "app", "cli", "commands", "output", "terminal"]),
    ("model", &["layout", "ui", "app", "engine", "cli", "commands", "output", "terminal"]),
    ("format", &["layout", "ui", "app", "engine", "cli", "commands", "output", "terminal"]),
    ("layout", &["ui", "app", "engine", "cli", "commands", "output", "terminal"]),
    ("output", &["layout", "ui", "app", "engine", "cli", "commands", "terminal"]),
    (
        "fixture",
        &["model", "layout", "ui", "app", "engine", "cli", "commands", "output", "terminal"],
    ),
    ("app", &["ui", "cli", "commands", "terminal", "output"]),
    ("ui", &["engine", "cli", "commands", "terminal", "output", "fixture"]),
];

/// What `ui` may use of `app`: the state it reads, never how it changes.
const UI_MAY_USE_FROM_APP: &[&str] =
    &["App", "Mode", "Focus", "Geometry", "EngineState", "Selected", "keymap"];

/// Imports that break the rule today, each left for a follow-up in another area (issue 9).
/// Remove an entry when its import goes; the test fails on entries that no longer match.
const ALLOWED: &[(&str, &str)] = &[];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("src readable").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `crate::a::b::{C, D}` paths in `text` (comments skipped), as `(a, rest)`.
fn crate_paths(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let tail = &rest[at + "crate::".len()..];
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            let path = tail[..end].trim_end_matches(':');
            let (first, more) = path.split_once("::").unwrap_or((path, ""));
            // `use crate::app::{App, Mode}`: the braces list what is used.
            let listed = if more.is_empty() && tail[end..].starts_with('{') {
                let inner = &tail[end + 1..];
                inner[..inner.find('}').unwrap_or(inner.len())].to_string()
            } else {
                more.to_string()
            };
            out.push((first.to_string(), listed));
            rest = &tail[end..];
        }
    }
    out
}

#[test]
fn imports_run_one_way() {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 50, "found the sources ({} files)", files.len());
    let mut broken = Vec::new();
    let mut allowed_seen = BTreeSet::new();
    for file in &files {
        let rel = file.strip_prefix(&root).expect("under src").to_string_lossy().replace('\\', "/");
        let module = rel.split(['/', '.']).next().unwrap_or("").to_string();
        let text = std::fs::read_to_string(file).expect("source readable");
        let Some((_, forbidden)) = FORBIDDEN.iter().find(|(m, _)| *m == module) else { continue };
        for (target, items) in crate_paths(&text) {
            let path = format!("crate::{target}");
            if forbidden.contains(&target.as_str()) {
                if ALLOWED.contains(&(rel.as_str(), path.as_str())) {
                    allowed_seen.insert((rel.clone(), path));
                } else {
                    broken.push(format!("{rel}: {module} imports {path}"));
                }
            }
            if module == "ui" && target == "app" {
                for item in items.split(',').map(|i| i.trim().split("::").next().unwrap_or("")) {
                    if !item.is_empty() && !UI_MAY_USE_FROM_APP.contains(&item) {
                        broken.push(format!("{rel}: ui uses app::{item} (state internals)"));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "imports against the direction:\n{}", broken.join("\n"));
    let stale: Vec<_> = ALLOWED
        .iter()
        .filter(|(f, p)| !allowed_seen.contains(&(f.to_string(), p.to_string())))
        .collect();
    assert!(stale.is_empty(), "allowed imports that are gone (drop them from ALLOWED): {stale:?}");
}

#[test]
fn the_checker_sees_paths_in_uses_and_expressions() {
    let text = "use crate::app::{App, keymap::Action};\n\
                let x = crate::ui::render(app, f); // crate::engine in a comment\n\
                use crate::model::dag::Dag;";
    let paths = crate_paths(text);
    assert_eq!(
        paths,
        vec![
            ("app".to_string(), "App, keymap::Action".to_string()),
            ("ui".to_string(), "render".to_string()),
            ("model".to_string(), "dag::Dag".to_string()),
        ]
    );
}

#[test]
fn no_import_cycles_inside_the_model_and_the_fixtures() {
    // `model::build` reads the trace, never the other way; `fixture::detect` dispatches to
    // `fixture::read` and `fixture::capture`, which never call back into it or each other's
    // dispatch.
    for (file, sibling) in
        [("model/trace.rs", "build"), ("fixture/read.rs", "capture"), ("fixture/read.rs", "detect")]
    {
        let text = std::fs::read_to_string(src().join(file)).expect("source readable");
        assert!(!text.contains(&format!("super::{sibling}")), "{file} uses super::{sibling}");
    }
}
