// The everyday near-api-js flow against a NEAR JSON-RPC endpoint (`nearviz serve` in the tests):
// create four accounts, deploy hello, counter, guestbook and xcc, init xcc, call
// xcc.multiple_contracts (a three-way join and a callback), read the result.
//
//   node tests/node/flow.mjs <rpc url> <key file> <contract/res dir>
//
// Prints one JSON line per step on stdout; the last one is
// {"step":"done","tx":<multiple_contracts tx hash>,"result":<its value>,"ms":<total>}.
// Checks with node:assert that every receipt outcome near-api-js receives (send_tx and
// EXPERIMENTAL_tx_status) carries the node's gas profile: metadata version 3 or 4, entries whose
// gas_used are strings of digits, and a WASM_HOST_COST entry for every function call receipt.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { Account, JsonRpcProvider, KeyPair, KeyPairSigner, nearToYocto } from "near-api-js";

const [url, keyFile, resDir] = process.argv.slice(2);
if (!url || !keyFile || !resDir) {
  console.error("usage: node flow.mjs <rpc url> <key file> <contract/res dir>");
  process.exit(2);
}

const started = Date.now();
const log = (step, extra = {}) =>
  console.log(JSON.stringify({ step, ms: Date.now() - started, ...extra }));

const key = JSON.parse(await readFile(keyFile, "utf8"));
const provider = new JsonRpcProvider({ url });
const status = await provider.viewNodeStatus();
log("status", { chain_id: status.chain_id, height: status.sync_info.latest_block_height });

const root = new Account(key.account_id, provider, KeyPairSigner.fromSecretKey(key.secret_key));
const run = Date.now().toString(36);
const names = ["hello", "counter", "guestbook", "xcc"];
const accounts = {};
for (const name of names) {
  const id = `${name}-${run}.${key.account_id}`;
  const pair = KeyPair.fromRandom("ed25519");
  await root.createAccount({
    newAccountId: id,
    publicKey: pair.getPublicKey(),
    nearToTransfer: nearToYocto("10"),
  });
  accounts[name] = new Account(id, provider, new KeyPairSigner(pair));
  log("created", { account: id });
}
for (const name of names) {
  const code = await readFile(`${resDir}/${name}.wasm`);
  await accounts[name].deployContract(new Uint8Array(code));
  log("deployed", { account: accounts[name].accountId });
}
const xcc = accounts.xcc;
await xcc.callFunction({
  contractId: xcc.accountId,
  methodName: "new",
  args: {
    hello_account: accounts.hello.accountId,
    counter_account: accounts.counter.accountId,
    guestbook_account: accounts.guestbook.accountId,
  },
});
log("init");

const outcome = await root.callFunctionRaw({
  contractId: xcc.accountId,
  methodName: "multiple_contracts",
  args: {},
  gas: 300_000_000_000_000n,
});
const value = Buffer.from(outcome.status.SuccessValue ?? "", "base64").toString();
const result = value ? JSON.parse(value) : null;
const tx = outcome.transaction_outcome.id;
log("called", { tx, receipts: outcome.receipts_outcome.length });

const recorded = await provider.callFunction({
  contractId: xcc.accountId,
  method: "recorded_calls",
  args: {},
});
const withReceipts = await provider.viewTransactionStatusWithReceipts({
  txHash: tx,
  accountId: root.accountId,
  waitUntil: "FINAL",
});
// The gas profile of every receipt outcome (a refund's is empty, as on a node); the function
// calls (their receipts are in EXPERIMENTAL_tx_status' answer) have WASM_HOST_COST entries.
const calls = new Set(
  withReceipts.receipts
    .filter((r) => (r.receipt.Action?.actions ?? []).some((a) => a.FunctionCall))
    .map((r) => r.receipt_id),
);
assert.ok(calls.size >= 5, `function call receipts: ${[...calls]}`);
const profiled = (answer, what) => {
  let entries = 0;
  for (const { id, outcome } of answer.receipts_outcome) {
    const { version, gas_profile: profile } = outcome.metadata;
    // Version 3 brought the per-cost profile; a protocol-86 node answers 4 (3 plus `contracts`).
    assert.ok([3, 4].includes(version), `${what} ${id}: metadata version ${version}`);
    assert.ok(Array.isArray(profile), `${what} ${id}: gas_profile ${JSON.stringify(profile)}`);
    for (const cost of profile) {
      assert.ok(["ACTION_COST", "WASM_HOST_COST"].includes(cost.cost_category), JSON.stringify(cost));
      assert.equal(typeof cost.cost, "string", JSON.stringify(cost));
      assert.equal(typeof cost.gas_used, "string", `${what} ${id}: ${JSON.stringify(cost)}`);
      assert.match(cost.gas_used, /^[0-9]+$/, `${what} ${id}: ${JSON.stringify(cost)}`);
    }
    if (calls.has(id)) {
      assert.ok(profile.length > 0, `${what} ${id}: a function call's profile is not empty`);
      const host = profile.filter((c) => c.cost_category === "WASM_HOST_COST");
      assert.ok(host.length > 0, `${what} ${id}: no WASM_HOST_COST in ${JSON.stringify(profile)}`);
      assert.ok(profile.some((c) => c.cost === "WASM_INSTRUCTION"), `${what} ${id}`);
    }
    entries += profile.length;
  }
  return entries;
};
const gasProfileEntries = {
  send_tx: profiled(outcome, "send_tx"),
  EXPERIMENTAL_tx_status: profiled(withReceipts, "EXPERIMENTAL_tx_status"),
};
assert.ok(gasProfileEntries.send_tx > 0, "the profiles are not all empty");
log("done", {
  tx,
  result,
  recorded_calls: recorded,
  final_execution_status: withReceipts.final_execution_status,
  receipts: withReceipts.receipts.length,
  xcc: xcc.accountId,
  gas_profile_entries: gasProfileEntries,
});
