//! Imports run one way: `engine` -> `chain` <- `model` <- `layout` <- `ui`, with `app` holding
//! the state the ui reads; `scenario` is read by all and reads none; `serve` sits on the engines;
//! `diff` on the model. A plain test over the `crate::...` paths of every source file (in
//! `use` lines and in expressions): it fails naming the file and the path when a module reaches
//! up, so the direction is kept in CI without extra tools.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What each top-level module must not name.
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "chain",
        &[
            "model", "layout", "ui", "app", "engine", "cli", "commands", "output", "fixture",
            "serve",
        ],
    ),
    (
        "scenario",
        &[
            "chain", "engine", "serve", "model", "layout", "ui", "app", "cli", "commands",
            "output", "fixture", "terminal", "diff",
        ],
    ),
    (
        "engine",
        &["model", "layout", "ui", "app", "cli", "commands", "output", "terminal", "serve", "diff"],
    ),
    (
        "serve",
        &[
            "model", "layout", "ui", "app", "cli", "commands", "output", "terminal", "fixture",
            "diff",
        ],
    ),
    (
        "model",
        &[
            "layout", "ui", "app", "engine", "cli", "commands", "output", "terminal", "serve",
            "diff",
        ],
    ),
    (
        "format",
        &[
            "layout", "ui", "app", "engine", "cli", "commands", "output", "terminal", "serve",
            "diff",
        ],
    ),
    ("layout", &["ui", "app", "engine", "cli", "commands", "output", "terminal", "serve", "diff"]),
    ("output", &["layout", "ui", "app", "engine", "cli", "commands", "terminal", "serve"]),
    ("diff", &["layout", "ui", "app", "engine", "cli", "commands", "terminal", "serve"]),
    // The trace JSON schema sits under output and diff: it reads the model, nothing above it.
    (
        "trace_json",
        &["layout", "ui", "app", "engine", "cli", "commands", "terminal", "serve", "diff"],
    ),
    (
        "fixture",
        &[
            "model", "layout", "ui", "app", "engine", "cli", "commands", "output", "terminal",
            "serve", "diff",
        ],
    ),
    ("app", &["ui", "cli", "commands", "terminal", "output", "serve"]),
    ("ui", &["engine", "cli", "commands", "terminal", "output", "fixture", "serve"]),
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

/// `text` without its `//` comments.
fn without_comments(text: &str) -> String {
    text.lines().map(|line| line.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The `{...}` group that `text` starts with (nested groups kept whole), without the braces.
fn group(text: &str) -> &str {
    let mut depth = 0;
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 1 => return &text[1..at],
            '}' => depth -= 1,
            _ => {}
        }
    }
    &text[1.min(text.len())..]
}

/// The items of a group, split at its top-level commas: `a::{B, C}, d` is `a::{B, C}` and `d`.
fn items(group: &str) -> Vec<String> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0, 0);
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(group[start..at].to_string());
                start = at + 1;
            }
            _ => {}
        }
    }
    out.push(group[start..].to_string());
    out.into_iter()
        .map(|i| i.split_whitespace().collect::<String>())
        .filter(|i| !i.is_empty())
        .collect()
}

/// One path under `crate::` as `(a, rest)`: `app::{App, Mode}` is `("app", "App,Mode")`,
/// `model::dag::Dag` is `("model", "dag::Dag")`.
fn split_path(path: &str) -> (String, String) {
    let (first, more) = path.split_once("::").unwrap_or((path, ""));
    let more = if more.starts_with('{') { group(more) } else { more };
    (first.trim().to_string(), more.split_whitespace().collect::<String>())
}

/// `crate::a::b::{C, D}` and grouped `crate::{a, b::{C, D}}` paths in `text` (comments skipped,
/// groups may span lines), as `(a, rest)`.
fn crate_paths(text: &str) -> Vec<(String, String)> {
    let code = without_comments(text);
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let tail = &rest[at + "crate::".len()..];
        let mut end = tail
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(tail.len());
        if tail[end..].starts_with('{') {
            end = (end + group(&tail[end..]).len() + 2).min(tail.len());
        }
        let path = tail[..end].trim_end_matches(':');
        match path.strip_prefix('{') {
            Some(_) => out.extend(items(group(path)).iter().map(|item| split_path(item))),
            None => out.push(split_path(path)),
        }
        rest = &tail[end..];
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
        for (target, listed) in crate_paths(&text) {
            let path = format!("crate::{target}");
            if forbidden.contains(&target.as_str()) {
                if ALLOWED.contains(&(rel.as_str(), path.as_str())) {
                    allowed_seen.insert((rel.clone(), path));
                } else {
                    broken.push(format!("{rel}: {module} imports {path}"));
                }
            }
            if module == "ui" && target == "app" {
                for item in items(&listed).iter().map(|i| i.split("::").next().unwrap_or("")) {
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
            ("app".to_string(), "App,keymap::Action".to_string()),
            ("ui".to_string(), "render".to_string()),
            ("model".to_string(), "dag::Dag".to_string()),
        ]
    );
}

#[test]
fn the_checker_reads_grouped_and_nested_imports() {
    let text = "use crate::{fixture, model};\n\
                use crate::{\n    app::{App, keymap::{Action, Key}}, // crate::cli in a comment\n    \
                engine::rpc,\n};\n\
                use crate::output::{self, Format};";
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    };
    assert_eq!(
        crate_paths(text),
        pairs(&[
            ("fixture", ""),
            ("model", ""),
            ("app", "App,keymap::{Action,Key}"),
            ("engine", "rpc"),
            ("output", "self,Format"),
        ])
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
