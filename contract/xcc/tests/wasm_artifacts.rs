//! Checks the committed contract/res/*.wasm: they import only host functions a protocol-86 node
//! provides (contract/allowed-imports.txt) and export every method nearviz calls.
//!
//! The files are rebuilt byte-identical by `contract/build.sh --check`; this test reads them
//! with a small wasm section reader, so it needs no wasm toolchain.

use std::collections::BTreeSet;
use std::path::PathBuf;

fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join(relative)
}

fn read(relative: &str) -> Vec<u8> {
    let path = repo_path(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Reads a wasm module's imports (`module.name`) and exported names.
#[derive(Debug, Default)]
struct Interface {
    imports: BTreeSet<String>,
    exports: BTreeSet<String>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> u8 {
        let b = *self.bytes.get(self.pos).expect("wasm ends inside a section");
        self.pos += 1;
        b
    }

    fn leb_u32(&mut self) -> u32 {
        let mut result = 0u32;
        for shift in (0..35).step_by(7) {
            let b = self.byte();
            result |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return result;
            }
        }
        panic!("LEB128 number longer than 5 bytes");
    }

    fn take(&mut self, len: usize) -> &'a [u8] {
        let slice = &self.bytes[self.pos..self.pos + len];
        self.pos += len;
        slice
    }

    fn name(&mut self) -> String {
        let len = self.leb_u32() as usize;
        String::from_utf8(self.take(len).to_vec()).expect("wasm names are UTF-8")
    }

    fn limits(&mut self) {
        let flags = self.byte();
        self.leb_u32();
        if flags & 1 == 1 {
            self.leb_u32();
        }
    }
}

fn interface(wasm: &[u8]) -> Interface {
    assert_eq!(&wasm[..8], b"\0asm\x01\0\0\0", "not a wasm 1.0 module");
    let mut r = Reader { bytes: wasm, pos: 8 };
    let mut found = Interface::default();
    while r.pos < wasm.len() {
        let id = r.byte();
        let size = r.leb_u32() as usize;
        let end = r.pos + size;
        match id {
            2 => {
                for _ in 0..r.leb_u32() {
                    let module = r.name();
                    let name = r.name();
                    match r.byte() {
                        0 => {
                            r.leb_u32();
                        }
                        1 => {
                            r.byte();
                            r.limits();
                        }
                        2 => r.limits(),
                        3 => {
                            r.byte();
                            r.byte();
                        }
                        kind => panic!("unknown import kind {kind}"),
                    }
                    found.imports.insert(format!("{module}.{name}"));
                }
            }
            7 => {
                for _ in 0..r.leb_u32() {
                    found.exports.insert(r.name());
                    r.byte();
                    r.leb_u32();
                }
            }
            _ => {}
        }
        r.pos = end;
    }
    found
}

fn allowed_imports() -> BTreeSet<String> {
    let text = String::from_utf8(read("contract/allowed-imports.txt")).expect("UTF-8");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| format!("env.{l}"))
        .collect()
}

const CONTRACTS: [(&str, &[&str]); 4] = [
    ("hello", &["get_greeting", "set_greeting", "fail", "burn"]),
    ("counter", &["get_num", "increment", "decrement", "reset"]),
    ("guestbook", &["add_message", "get_messages", "total_messages"]),
    (
        "xcc",
        &[
            "new",
            "query_greeting",
            "query_greeting_low_level",
            "query_greeting_callback",
            "change_greeting",
            "change_greeting_callback",
            "batch_actions",
            "batch_actions_callback",
            "batch_failing",
            "batch_failing_callback",
            "multiple_contracts",
            "multiple_contracts_callback",
            "similar_contracts",
            "similar_contracts_callback",
            "call_failing_with_rollback",
            "call_failing_with_rollback_callback",
            "callback_panics",
            "callback_panics_callback",
            "out_of_gas",
            "out_of_gas_callback",
            "chain",
            "chain_callback",
            "weights",
            "weights_callback",
            "joint_return",
            "forward_deposit",
            "recorded_calls",
            "deposit",
            "balance_of",
            "withdraw_unsafe",
            "withdraw_unsafe_callback",
            "withdraw_safe",
            "withdraw_safe_callback",
        ],
    ),
];

#[test]
fn contracts_import_only_allowed_host_functions() {
    let allowed = allowed_imports();
    for (name, _) in CONTRACTS {
        let found = interface(&read(&format!("contract/res/{name}.wasm")));
        assert!(!found.imports.is_empty(), "{name}.wasm imports nothing: not a contract build");
        let extra: Vec<_> = found.imports.difference(&allowed).collect();
        assert!(
            extra.is_empty(),
            "contract/res/{name}.wasm imports host functions outside contract/allowed-imports.txt \
             (a protocol-86 node may reject them): {extra:?}"
        );
    }
}

#[test]
fn contracts_export_every_method() {
    for (name, methods) in CONTRACTS {
        let found = interface(&read(&format!("contract/res/{name}.wasm")));
        for method in methods {
            assert!(found.exports.contains(*method), "{name}.wasm does not export {method}");
        }
        assert!(found.exports.contains("memory"), "{name}.wasm exports no memory");
    }
}

#[test]
fn reference_contracts_fit_the_allow_list() {
    // The reference wasm ran on a real protocol-86 node: the allow-list must cover them, and
    // the reader must see the imports wasm-objdump shows for them.
    let allowed = allowed_imports();
    for file in ["hello", "caller"] {
        let found = interface(&read(&format!("fixtures/reference/wasm/{file}.wasm")));
        assert!(found.imports.contains("env.storage_write"), "{file}: {:?}", found.imports);
        let extra: Vec<_> = found.imports.difference(&allowed).collect();
        assert!(extra.is_empty(), "reference {file}.wasm imports {extra:?}");
    }
}

#[test]
fn allow_list_rejects_newer_host_functions() {
    let allowed = allowed_imports();
    for newer in ["env.promise_set_refund_to", "env.promise_batch_action_transfer_to_gas_key"] {
        assert!(!allowed.contains(newer), "{newer} must not be allowed");
    }
}
