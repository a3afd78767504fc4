//! `nearviz tx HASH --sender ACCOUNT --rpc URL --rerun [--gas-tolerance 1%] [--patch-wasm
//! ACCOUNT=FILE]...`: the real transaction, followed to FINAL as `nearviz tx` does, then run
//! again on a fork at the block before it (`crate::fork::rerun`), and the `diff` of the real
//! run (A) against the re-run (B). Exit 0 equal within the tolerance, 1 different, 2 bad input,
//! 3 the RPC or the runtime failed.

use super::tx::{explain, meta, watch, Target};
use crate::chain::{BlockHash, ChainEvent, TxStatusReply};
use crate::cli::RerunArgs;
use crate::diff::{self, Tolerance};
use crate::engine::rpc::{FollowOptions, RpcClient};
use crate::exit::{ExitKind, Failure, Interrupts};
use crate::fixture::Recorder;
use crate::fork::rerun::{self, Patch};
use crate::fork::{self, ForkBlock};
use crate::model::Trace;
use anyhow::Context;
use near_primitives::views::FinalExecutionOutcomeView;
use std::io::Write;
use std::process::ExitCode;

pub async fn run(
    target: &Target,
    args: &RerunArgs,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let tolerance = Tolerance::parse(&args.gas_tolerance).map_err(Failure::bad_input)?;
    let patches: Vec<Patch> = args
        .patch_wasm
        .iter()
        .map(|spec| Patch::parse(spec))
        .collect::<Result<_, _>>()
        .map_err(Failure::bad_input)?;
    let mut interrupts = Interrupts::listen();
    let real = tokio::select! {
        real = follow(target) => real?,
        signal = interrupts.next() => {
            return Err(Failure::failed(format!("interrupted by {signal} while following {}", target.tx)));
        }
    };
    let outcome = final_outcome(&real).ok_or_else(|| {
        Failure::engine(format!("transaction {} has no final outcome to re-run", target.tx))
    })?;
    let client = RpcClient::new(&target.url)?;
    let included = client
        .block_header(BlockHash(outcome.transaction_outcome.block_hash))
        .await
        .context("the block that included the transaction")?;
    let fork = fork::open(&target.url, ForkBlock::Hash(included.prev_hash), None).await?;
    let tx = rerun::signed_tx(&outcome.transaction).map_err(Failure::bad_input)?;
    let label = target.tx.to_string();
    let forked = fork.clone();
    let rerun = tokio::task::spawn_blocking(move || rerun::rerun(&forked, tx, &label, &patches))
        .await
        .context("the re-run stopped")?
        .map_err(Failure::engine)?;
    let a = Trace::from_events(real).dag();
    let b = Trace::from_events(rerun).dag();
    let report = diff::diff(&a, &b, tolerance);
    let names = (
        format!("{} (on chain, block #{})", target.url, included.height),
        format!("re-run on the embedded runtime ({})", fork.describe()),
    );
    diff::text::write(&report, &names.0, &names.1, out)
        .and_then(|()| out.flush())
        .context("cannot write the comparison")?;
    Ok(if report.is_equal() { ExitCode::SUCCESS } else { ExitKind::Failed.exit_code() })
}

/// The real transaction's events, followed to FINAL.
async fn follow(target: &Target) -> anyhow::Result<Vec<ChainEvent>> {
    let client = RpcClient::new(&target.url)?;
    let mut recorder = Recorder::new(meta(target));
    if let Err(err) = watch(&client, target, FollowOptions::viewer(), &mut recorder).await {
        return Err(explain(&client, target, err).await);
    }
    Ok(recorder.events().iter().map(|timed| timed.event.clone()).collect())
}

/// The last outcome the node reported.
fn final_outcome(events: &[ChainEvent]) -> Option<FinalExecutionOutcomeView> {
    events.iter().rev().find_map(|event| match event {
        ChainEvent::TxPoll(poll) => match &poll.reply {
            TxStatusReply::Known { outcome: Some(outcome), .. } => {
                Some(outcome.final_outcome.clone())
            }
            _ => None,
        },
        _ => None,
    })
}
