// near-workspaces 5 (npm), unchanged, against the sandbox binary NEAR_SANDBOX_BINARY_PATH names
// (nearviz's near-sandbox): the core flow of a contract's test, one JSON line per check.
// Run by tui/tests/workspaces_js.rs: node flow.mjs CONTRACTS_DIR
import { Worker, ONE_NEAR } from "near-workspaces";
import { join } from "node:path";

const res = process.argv[2];
const say = (check, value) => console.log(JSON.stringify({ check, value }));
const worker = await Worker.init();
try {
  const root = worker.rootAccount;
  say("root", root.accountId);
  const hello = await root.devDeploy(join(res, "hello.wasm"));
  const counter = await root.devDeploy(join(res, "counter.wasm"));
  const guestbook = await root.devDeploy(join(res, "guestbook.wasm"));
  const xcc = await root.devDeploy(join(res, "xcc.wasm"), {
    method: "new",
    args: { hello_account: hello.accountId, counter_account: counter.accountId, guestbook_account: guestbook.accountId },
  });
  const alice = await root.createSubAccount("alice", { initialBalance: 10n * ONE_NEAR });
  say("alice", alice.accountId);
  const set = await alice.callRaw(hello, "set_greeting", { greeting: "hi" });
  say("set_logs", set.logs);
  say("greeting", await hello.view("get_greeting", {}));
  const changed = await alice.callRaw(xcc, "change_greeting", { greeting: "howdy" }, { gas: 300_000_000_000_000n });
  say("change_greeting", { value: changed.parseResult(), logs: changed.logs, receipts: changed.result.receipts_outcome.length });
  say("batch_actions", await alice.call(xcc, "batch_actions", {}, { gas: 300_000_000_000_000n }));
  const failed = await alice.callRaw(hello, "fail", {});
  say("fail", { failed: failed.failed, messages: failed.receiptFailureMessages });
  const bob = await root.createSubAccount("bob", { initialBalance: ONE_NEAR });
  const sent = await alice.transfer(bob, ONE_NEAR);
  say("transfer", { gas_burnt: sent.gas_burnt, bob: (await bob.availableBalance()).toString() });
  const gone = await bob.delete(alice.accountId);
  say("deleted", { ok: gone.succeeded, exists: await bob.exists() });
} finally {
  await worker.tearDown();
}
