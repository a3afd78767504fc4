use clap::Parser;
use nearviz::cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = cli;
    ExitCode::SUCCESS
}
