use clap::Parser;
use nearviz::cli::{Cli, Command};
use nearviz::commands;
use nearviz::exit::{self, ExitKind};
use std::process::ExitCode;

/// A run builds and drops millions of small values (NEAR's views, JSON, strings): a fifth of a
/// 1,000-call `run` went to glibc's malloc and free, and mimalloc takes ~15% off its wall time.
/// Built without transparent huge pages (`no_thp`), so the peak memory stays near glibc's
/// (83–87 MiB against 75 for that run; with huge pages it was 107–113).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The exit code is chosen here, from error kinds (`nearviz::exit`): 0 ok, 1 a call failed or
/// was not final, 2 bad input, 3 engine or network failure (a panic counts as one too). Commands
/// return errors; only this function prints them.
fn main() -> ExitCode {
    let cli = Cli::parse();
    std::panic::catch_unwind(|| exit::report(run(&cli), &mut std::io::stderr())).unwrap_or_else(
        |_| {
            // The panic hook has printed the message; the terminal was restored by its guard.
            ExitKind::Engine.exit_code()
        },
    )
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    if let Some(path) = &cli.live.record {
        exit::check_record_path(path)?;
    }
    if let Some(result) = run_without_tokio(cli.command.as_ref()) {
        return result;
    }
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|err| anyhow::Error::new(err).context("cannot start the async runtime"))?;
    runtime.block_on(run_async(cli.command.as_ref(), cli))
}

/// The commands that read files and need no async runtime (inspect and diff); `None` for the
/// others.
fn run_without_tokio(command: Option<&Command>) -> Option<anyhow::Result<ExitCode>> {
    match command? {
        Command::Inspect { file, format } => Some(commands::inspect::run(file, *format)),
        Command::Diff { a, b, format, gas_tolerance, txs, gas_report } => {
            Some(commands::diff::run(&commands::diff::DiffArgs {
                a,
                b,
                format: *format,
                gas_tolerance,
                txs,
                gas_report: *gas_report,
            }))
        }
        _ => None,
    }
}

/// The commands that run on tokio.
async fn run_async(command: Option<&Command>, cli: &Cli) -> anyhow::Result<ExitCode> {
    let live = &cli.live;
    match command {
        None => commands::live::run(live).await,
        Some(Command::Replay { file }) => commands::replay::run(file, live).await,
        Some(Command::Run { scenario_file, calls, all, format, gas_report }) => {
            let output = commands::run::Output { format: *format, gas_report: *gas_report };
            commands::run::run(scenario_file.as_deref(), calls, *all, output, live).await
        }
        Some(Command::Tx { hash, sender, rpc, network, format, rerun }) => {
            commands::tx::run(hash, sender, rpc.as_deref(), *network, *format, rerun, live).await
        }
        Some(Command::Serve(args)) => commands::serve::run(args, live).await,
        Some(Command::Watch(args)) => commands::watch::run(args, live).await,
        Some(other @ (Command::Inspect { .. } | Command::Diff { .. })) => {
            // `run` answers these before tokio starts; the arm keeps the match whole.
            run_without_tokio(Some(other)).unwrap_or(Ok(ExitCode::SUCCESS))
        }
    }
}
