use clap::Parser;
use nearviz::cli::{Cli, Command};
use nearviz::commands;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Inspect { file, format }) => commands::inspect::run(file, *format),
        command => match tokio::runtime::Runtime::new() {
            Ok(runtime) => runtime.block_on(run_async(command.as_ref(), &cli)),
            Err(err) => Err(anyhow::Error::new(err).context("cannot start the async runtime")),
        },
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "nearviz: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run_async(command: Option<&Command>, cli: &Cli) -> anyhow::Result<ExitCode> {
    let live = &cli.live;
    match command {
        None => commands::live::run(live).await,
        Some(Command::Replay { file }) => commands::replay::run(file, live).await,
        Some(Command::Run { scenario_file, calls, all, format }) => {
            commands::run::run(scenario_file.as_deref(), calls, *all, *format, live).await
        }
        Some(Command::Tx { hash, sender, rpc, network, format }) => {
            commands::tx::run(hash, sender, rpc.as_deref(), *network, *format, live).await
        }
        Some(Command::Inspect { file, format }) => commands::inspect::run(file, *format),
        Some(Command::Serve(args)) => commands::serve::run(args, live).await,
        Some(Command::Watch(args)) => commands::watch::run(args, live).await,
    }
}
