//! near-cli-rs (crates.io `near-cli-rs` 0.30, built with no default features) against a real
//! `nearviz serve`, set up as the README says without a terminal: the connection written into
//! near-cli's `config.toml` (`$XDG_CONFIG_HOME/near-cli/config.toml`, else
//! `~/.config/near-cli/config.toml`; near-cli has no flag or variable for another place), then
//! an account summary, a read-only call, and a signed call of `xcc.multiple_contracts` whose
//! receipts' logs and joined result near-cli prints.
//!
//! Run with `NEAR_CLI_BIN=/path/to/near cargo test -p nearviz --test it cli_near_rs:: --
//! --ignored` (`.ci/run` installs near-cli-rs into `/var/tmp/near-cli-rs` for it). A
//! `NEAR_CLI_BIN` that is missing or is not near-cli-rs fails the test.

use crate::serve_common::bounded::output_within;
use crate::serve_common::{Server, CLIENT_LIMIT};
use crate::support::cli::text;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const BIN_ENV: &str = "NEAR_CLI_BIN";

/// The connection the README gives: one table appended to near-cli-rs's config (format 5; the
/// fields left out are optional: no API key, faucet, relayer...).
fn connection_toml(url: &str) -> String {
    format!(
        "\n[network_connection.nearviz]\n\
         network_name = \"nearviz\"\n\
         rpc_url = \"{url}/\"\n\
         wallet_url = \"{url}/\"\n\
         explorer_transaction_url = \"{url}/\"\n\
         linkdrop_account_id = \"test.near\"\n"
    )
}

/// near-cli-rs from `NEAR_CLI_BIN`, with its home and config directory in a temporary
/// directory, no terminal.
struct NearCli {
    bin: PathBuf,
    home: tempfile::TempDir,
}

impl NearCli {
    /// near-cli-rs connected to `server` as the `nearviz` network, as the README sets it up:
    /// any first run writes the default config (checked to be near-cli-rs's `--version`), then
    /// the connection is appended to it.
    fn connected_to(server: &Server) -> NearCli {
        let bin = std::env::var_os(BIN_ENV).unwrap_or_else(|| {
            panic!("{BIN_ENV} is not set: point it at near-cli-rs's `near` (see .ci/run)")
        });
        let near = NearCli { bin: PathBuf::from(bin), home: tempfile::tempdir().expect("tempdir") };
        let version =
            near.command().arg("--version").output().unwrap_or_else(|err| {
                panic!("{BIN_ENV}={}: cannot run it: {err}", near.bin.display())
            });
        let said = text(&version.stdout) + &text(&version.stderr);
        assert!(
            version.status.success() && said.contains("near-cli-rs"),
            "{BIN_ENV}={} is not near-cli-rs: {said}",
            near.bin.display()
        );
        let config = near.home.path().join("config/near-cli/config.toml");
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&config)
            .unwrap_or_else(|err| panic!("near-cli-rs wrote no {}: {err}", config.display()));
        file.write_all(connection_toml(&server.url).as_bytes()).expect("append the connection");
        near
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.bin);
        command
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        command
    }

    /// `near ARGS`; fails the test unless it succeeds. Returns stdout and stderr together
    /// (near-cli-rs prints its results on both).
    fn run(&self, args: &[&str]) -> String {
        let what = format!("near {}", args.join(" "));
        let output: Output = output_within(self.command().args(args), CLIENT_LIMIT, &what);
        let said = text(&output.stdout) + &text(&output.stderr);
        assert!(output.status.success(), "near {}: {}\n{said}", args.join(" "), output.status);
        said
    }
}

/// The secret key of the root account (`test.near`) from serve's key file.
fn root_secret_key(server: &Server) -> String {
    let file = std::fs::read_to_string(&server.key_file).expect("key file");
    let key: serde_json::Value = serde_json::from_str(&file).expect("key file JSON");
    assert_eq!(key["account_id"], "test.near", "{file}");
    key["secret_key"].as_str().expect("secret_key").to_owned()
}

#[test]
#[ignore = "needs NEAR_CLI_BIN (near-cli-rs)"]
fn near_cli_rs_views_calls_and_signs_against_serve() {
    let server = Server::start(&[]);
    let near = NearCli::connected_to(&server);

    let summary = near.run(&[
        "account",
        "view-account-summary",
        "hello.test.near",
        "network-config",
        "nearviz",
        "now",
    ]);
    assert!(summary.contains("hello.test.near"), "{summary}");
    assert!(summary.contains("Native account balance"), "{summary}");

    let read = near.run(&[
        "contract",
        "call-function",
        "as-read-only",
        "hello.test.near",
        "get_greeting",
        "json-args",
        "{}",
        "network-config",
        "nearviz",
        "now",
    ]);
    assert!(read.contains("\"Hello\""), "{read}");

    let secret = root_secret_key(&server);
    let call = near.run(&[
        "contract",
        "call-function",
        "as-transaction",
        "xcc.test.near",
        "multiple_contracts",
        "json-args",
        "{}",
        "prepaid-gas",
        "300.0 Tgas",
        "attached-deposit",
        "0 NEAR",
        "sign-as",
        "test.near",
        "network-config",
        "nearviz",
        "sign-with-plaintext-private-key",
        &secret,
        "send",
    ]);
    // Every receipt's logs (the callback's reads the three joined results)...
    assert!(
        call.contains(r#"hello: Some("Hello"), counter: Some(0), guestbook: Some(0) messages"#),
        "{call}"
    );
    // ...and the joined result the callback returns.
    let result = call.replace([' ', '\n'], "");
    assert!(result.contains(r#""greeting":"Hello""#), "{call}");
    assert!(result.contains(r#""num":0"#), "{call}");
}
