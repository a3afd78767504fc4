//! What a call expects of its transaction's outcome: `expect = "success" | "failure" | "any"`,
//! optionally `expect_error = "text"` that the error must contain. `nearviz run` exits 1 only
//! when an outcome differs from its expectation, so a scenario file is a test for CI.
//!
//! ```toml
//! [[call]]
//! name = "callback_panics"
//! ...
//! expect_error = "xcc: the callback panics on purpose"   # implies expect = "failure"
//! ```
//! A sequence's steps take the expectation of the call they name; a step may set its own.

use serde::Deserialize;

/// The outcome a call (or a step) expects.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// The transaction reaches FINAL and succeeds (the default).
    #[default]
    Success,
    /// The transaction fails, is not sent, or does not reach FINAL.
    Failure,
    /// Either.
    Any,
}

impl Expect {
    fn describe(self) -> &'static str {
        match self {
            Expect::Success => "success",
            Expect::Failure => "failure",
            Expect::Any => "any outcome",
        }
    }
}

/// A call's expectation, resolved: `expect` (default success, failure when only `expect_error`
/// is given) and the text its error must contain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expectation {
    pub expect: Expect,
    pub error: Option<String>,
}

impl Expectation {
    /// From the file's keys: `expect_error` alone means `expect = "failure"`.
    pub fn new(expect: Option<Expect>, error: Option<String>) -> Self {
        let expect =
            expect.unwrap_or(if error.is_some() { Expect::Failure } else { Expect::Success });
        Expectation { expect, error }
    }

    /// `Err(how)` when `outcome` (`Err(error)`: failed, not sent or not final) differs from
    /// this expectation, in one line: `expected failure, but it succeeded`.
    pub fn check(&self, outcome: &Result<(), String>) -> Result<(), String> {
        match (self.expect, outcome) {
            (Expect::Success, Err(error)) => Err(format!("expected success, but {error}")),
            (Expect::Failure, Ok(())) => {
                let containing = self.containing();
                Err(format!("expected failure{containing}, but it succeeded"))
            }
            (Expect::Failure | Expect::Any, Err(error)) => match &self.error {
                Some(text) if !error.contains(text.as_str()) => Err(format!(
                    "expected {}{}, but {error}",
                    self.expect.describe(),
                    self.containing()
                )),
                _ => Ok(()),
            },
            (Expect::Success | Expect::Any, Ok(())) => Ok(()),
        }
    }

    fn containing(&self) -> String {
        self.error
            .as_ref()
            .map(|text| format!(" with an error containing `{text}`"))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_against_expectations() {
        let failed = Err("the transaction failed: boom".to_owned());
        let success = Expectation::default();
        assert_eq!(success.check(&Ok(())), Ok(()));
        assert_eq!(
            success.check(&failed),
            Err("expected success, but the transaction failed: boom".to_owned())
        );
        let boom = Expectation::new(None, Some("boom".to_owned()));
        assert_eq!(boom.expect, Expect::Failure);
        assert_eq!(boom.check(&failed), Ok(()));
        assert_eq!(
            boom.check(&Ok(())),
            Err("expected failure with an error containing `boom`, but it succeeded".to_owned())
        );
        let bang = Expectation::new(Some(Expect::Any), Some("bang".to_owned()));
        assert_eq!(bang.check(&Ok(())), Ok(()));
        assert_eq!(
            bang.check(&failed),
            Err("expected any outcome with an error containing `bang`, but the transaction \
                 failed: boom"
                .to_owned())
        );
        let failure = Expectation::new(Some(Expect::Failure), None);
        assert_eq!(failure.check(&failed), Ok(()));
        assert!(failure.check(&Ok(())).is_err());
    }
}
