//! One module per subcommand. Each returns its exit code when it did its work (0 ok, 1 a call
//! or transaction failed), else an error: `main` alone prints errors and maps them to exit codes
//! (`crate::exit`).

pub mod diff;
pub mod headless;
pub mod inspect;
pub mod live;
pub mod recordings;
pub mod replay;
pub mod rerun;
pub mod run;
pub mod serve;
pub mod tx;
pub mod watch;
