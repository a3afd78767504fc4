//! One module per subcommand. Each returns the process exit code: 0 ok, 1 failed, 2 bad input.

pub mod diff;
pub mod inspect;
pub mod live;
pub mod replay;
pub mod run;
pub mod serve;
pub mod tx;
pub mod watch;
