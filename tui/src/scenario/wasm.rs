//! Contract bytes for scenario accounts: `builtin:NAME` (compiled into nearviz from
//! `contract/res/NAME.wasm`) or a path relative to the scenario file.

use super::{ScenarioError, Source};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Prefix of built-in contract references (`builtin:hello`).
pub const BUILTIN_PREFIX: &str = "builtin:";

/// The example contracts shipped inside nearviz: (name, wasm bytes), built by
/// `contract/build.sh` and committed.
pub const BUILTIN_CONTRACTS: &[(&str, &[u8])] = &[
    ("hello", include_bytes!("../../../contract/res/hello.wasm")),
    ("counter", include_bytes!("../../../contract/res/counter.wasm")),
    ("guestbook", include_bytes!("../../../contract/res/guestbook.wasm")),
    ("xcc", include_bytes!("../../../contract/res/xcc.wasm")),
];

/// The bytes of a built-in contract (`hello`, `counter`, `guestbook`, `xcc`).
pub fn builtin_wasm(name: &str) -> Option<&'static [u8]> {
    BUILTIN_CONTRACTS.iter().find(|(builtin, _)| *builtin == name).map(|(_, bytes)| *bytes)
}

fn builtin_names() -> String {
    let names: Vec<String> =
        BUILTIN_CONTRACTS.iter().map(|(name, _)| format!("{BUILTIN_PREFIX}{name}")).collect();
    names.join(", ")
}

/// Where a wasm path in a scenario points: relative paths start at the scenario's directory.
fn path_of(spec: &str, source: &Source) -> Result<PathBuf, String> {
    match source {
        Source::BuiltIn => Err(format!(
            "`{spec}`: the built-in scenario can only use built-in contracts ({})",
            builtin_names()
        )),
        Source::File(file) => {
            let base = file.parent().unwrap_or_else(|| Path::new(""));
            Ok(base.join(spec))
        }
    }
}

/// Checks at load time that a wasm reference can be resolved (the error is a message).
pub(super) fn check(spec: &str, source: &Source) -> Result<(), String> {
    if let Some(name) = spec.strip_prefix(BUILTIN_PREFIX) {
        if builtin_wasm(name).is_some() {
            return Ok(());
        }
        return Err(format!("unknown built-in contract `{spec}` (built-in: {})", builtin_names()));
    }
    let path = path_of(spec, source)?;
    if !path.is_file() {
        return Err(format!("wasm file not found: {}", path.display()));
    }
    // A file that is not wasm is bad input too, found here rather than when deploying.
    let mut magic = [0u8; 4];
    let read =
        std::fs::File::open(&path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic));
    match read {
        Ok(()) if &magic == b"\0asm" => Ok(()),
        Ok(()) => Err(format!("{} is not a wasm module (no \\0asm header)", path.display())),
        Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => {
            Err(format!("{} is not a wasm module (shorter than its header)", path.display()))
        }
        Err(err) => Err(format!("cannot read wasm {}: {err}", path.display())),
    }
}

/// The bytes to deploy for `account` (checked to start with the wasm magic number).
pub(super) fn resolve(
    account: &str,
    spec: &str,
    source: &Source,
) -> Result<Cow<'static, [u8]>, ScenarioError> {
    let invalid = |message: String| ScenarioError::Invalid {
        origin: source.describe(),
        line: None,
        message: format!("account `{account}`: {message}"),
    };
    let bytes: Cow<'static, [u8]> = match spec.strip_prefix(BUILTIN_PREFIX) {
        Some(name) => Cow::Borrowed(builtin_wasm(name).ok_or_else(|| {
            invalid(format!("unknown built-in contract `{spec}` (built-in: {})", builtin_names()))
        })?),
        None => {
            let path = path_of(spec, source).map_err(invalid)?;
            let bytes = std::fs::read(&path).map_err(|source| ScenarioError::Wasm {
                account: account.to_owned(),
                path: path.clone(),
                source,
            })?;
            Cow::Owned(bytes)
        }
    };
    if !bytes.starts_with(b"\0asm") {
        return Err(invalid(format!("`{spec}` is not a wasm module (no \\0asm header)")));
    }
    Ok(bytes)
}
