//! A forked chain: the reference chain is the remote (read through its own views, as a node's
//! `query` answers), and the same calls on the fork and on an identical plain chain give the
//! same outcomes, logs, gas and state. Writes stay local, reads happen once, an account the
//! remote does not have does not exist, and a read the remote cannot answer fails the receipt.

use crate::common::*;
use near_primitives::types::AccountId;
use near_primitives::views::{
    AccessKeyInfoView, AccountView, FinalExecutionOutcomeWithReceiptView, FinalExecutionStatus,
};
use nearviz_runtime::{Remote, RemoteError, RemoteState, Runtime, RuntimeOptions, StorageItems};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The reference chain as a remote, counting the storage reads it answers.
struct Source {
    rt: Mutex<Runtime>,
    data_reads: AtomicUsize,
    account_reads: AtomicUsize,
    /// Storage reads fail with this message.
    failing: Option<String>,
}

impl Source {
    fn rt(&self) -> std::sync::MutexGuard<'_, Runtime> {
        self.rt.lock().expect("source runtime")
    }
}

impl RemoteState for Source {
    fn account(&self, id: &AccountId) -> Result<Option<AccountView>, RemoteError> {
        self.account_reads.fetch_add(1, Ordering::SeqCst);
        Ok(self.rt().view_account(id).ok())
    }

    fn access_keys(&self, id: &AccountId) -> Result<Vec<AccessKeyInfoView>, RemoteError> {
        Ok(self.rt().view_access_key_list(id).map(|list| list.keys).unwrap_or_default())
    }

    fn code(&self, id: &AccountId) -> Result<Option<Vec<u8>>, RemoteError> {
        Ok(self.rt().view_code(id).ok().map(|view| view.code))
    }

    fn data(&self, id: &AccountId, key: &[u8]) -> Result<Option<Vec<u8>>, RemoteError> {
        if let Some(message) = &self.failing {
            return Err(RemoteError(message.clone()));
        }
        self.data_reads.fetch_add(1, Ordering::SeqCst);
        Ok(self.data_under(id, key)?.into_iter().find(|(k, _)| k == key).map(|(_, v)| v))
    }

    fn data_under(&self, id: &AccountId, prefix: &[u8]) -> Result<StorageItems, RemoteError> {
        let state = self.rt().view_state(id, prefix).map_err(|e| RemoteError(e.to_string()))?;
        Ok(state.values.into_iter().map(|item| (item.key.into(), item.value.into())).collect())
    }
}

/// The accounts of the reference chain the tests call.
struct Ids {
    hello: AccountId,
    caller: AccountId,
    alice: AccountId,
}

/// A fork of a fresh reference chain at its head, and the source it reads.
fn fork(failing: Option<&str>) -> (Runtime, Arc<Source>, Ids) {
    let Reference { rt, hello, caller, alice, .. } = reference_chain(Some(86));
    let head = rt.head().clone();
    let remote = Arc::new(Source {
        rt: Mutex::new(rt),
        data_reads: AtomicUsize::new(0),
        account_reads: AtomicUsize::new(0),
        failing: failing.map(str::to_owned),
    });
    let options = RuntimeOptions {
        protocol_version: Some(86),
        genesis_height: head.height,
        genesis_timestamp_ns: head.timestamp_nanosec,
        remote: Some(Remote(Arc::clone(&remote) as Arc<dyn RemoteState>)),
        ..RuntimeOptions::default()
    };
    let forked = Runtime::new(options).expect("forked runtime");
    (forked, remote, Ids { hello, caller, alice })
}

fn call(
    rt: &mut Runtime,
    ids: &Ids,
    receiver: &AccountId,
    method: &str,
    args: &str,
) -> FinalExecutionOutcomeWithReceiptView {
    let action = function_call(method, args.as_bytes(), 300 * 10u64.pow(12), 0);
    let tx = rt.submit(&ids.alice, receiver, vec![action]).expect("submit");
    run_to_final(rt, tx)
}

/// What must match between two runs of the same call: per receipt, its executor, status,
/// logs and gas.
fn shape(outcome: &FinalExecutionOutcomeWithReceiptView) -> Vec<String> {
    let fo = &outcome.final_outcome;
    let mut lines = vec![format!("{:?}", fo.status)];
    for receipt in &fo.receipts_outcome {
        let o = &receipt.outcome;
        let status = match &o.status {
            near_primitives::views::ExecutionStatusView::SuccessReceiptId(_) => "receipt".into(),
            other => format!("{other:?}"),
        };
        lines.push(format!("{} {status} {:?} {}", o.executor_id, o.logs, o.gas_burnt.as_gas()));
    }
    lines
}

#[test]
fn calls_on_a_fork_match_the_same_calls_on_the_source() {
    let (mut forked, remote, r) = fork(None);
    let mut plain = reference_chain(Some(86));
    assert_eq!(forked.head().height, plain.rt.head().height, "the fork starts at the block");
    for (receiver, method, args) in [
        (&r.hello, "set_greeting", r#"{"greeting":"forked"}"#),
        (&r.hello, "get_greeting", ""),
        (&r.caller, "query_greeting", "{}"),
        (&r.caller, "batch_actions", "{}"),
        (&r.caller, "multiple_contracts", "{}"),
        (&r.caller, "call_failing", "{}"),
    ] {
        let on_fork = call(&mut forked, &r, receiver, method, args);
        let on_plain = call(&mut plain.rt, &r, receiver, method, args);
        assert_eq!(shape(&on_fork), shape(&on_plain), "{method}");
    }
    assert_eq!(
        forked.view_state(&r.hello, b"").expect("fork state").values,
        plain.rt.view_state(&r.hello, b"").expect("plain state").values
    );
    assert_eq!(forked.view_account(&r.alice), plain.rt.view_account(&r.alice));
    // Writes stayed local: the source still has its greeting.
    let source = remote.rt().call_view(&r.hello, "get_greeting", b"").expect("source view");
    assert_eq!(source.result, b"\"Hello\"".to_vec());
    // Each key was read once, each account once.
    let reads = remote.data_reads.load(Ordering::SeqCst);
    call(&mut forked, &r, &r.hello, "get_greeting", "");
    assert_eq!(remote.data_reads.load(Ordering::SeqCst), reads, "a key held is not read again");
    let accounts = remote.account_reads.load(Ordering::SeqCst);
    assert!(accounts <= 4, "{accounts} account reads for 4 accounts");
}

#[test]
fn an_account_the_remote_does_not_have_does_not_exist() {
    let (mut forked, _remote, r) = fork(None);
    let nobody: AccountId = "nobody.test.near".parse().expect("id");
    let outcome = call(&mut forked, &r, &nobody, "get_greeting", "");
    let FinalExecutionStatus::Failure(err) = outcome.final_outcome.status else {
        panic!("a call to a missing account succeeded");
    };
    assert!(format!("{err:?}").contains("AccountDoesNotExist"), "{err:?}");
    assert!(forked.view_account(&nobody).is_err());
}

#[test]
fn a_read_the_remote_cannot_answer_fails_the_receipt_with_its_message() {
    let (mut forked, _remote, r) =
        fork(Some("the node no longer keeps block #9: use an archival node"));
    let outcome = call(&mut forked, &r, &r.hello, "get_greeting", "");
    let FinalExecutionStatus::Failure(err) = outcome.final_outcome.status else {
        panic!("a read the remote could not answer succeeded");
    };
    let text = format!("{err:?}");
    assert!(text.contains("remote state of") && text.contains("archival node"), "{text}");
}
