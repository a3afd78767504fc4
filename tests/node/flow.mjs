// The everyday near-api-js flow against a NEAR JSON-RPC endpoint (`nearviz serve` in the tests):
// create four accounts, deploy hello, counter, guestbook and xcc, init xcc, call
// xcc.multiple_contracts (a three-way join and a callback), read the result.
//
//   node tests/node/flow.mjs <rpc url> <key file> <contract/res dir>
//
// Prints one JSON line per step on stdout; the last one is
// {"step":"done","tx":<multiple_contracts tx hash>,"result":<its value>,"ms":<total>}.

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
log("done", {
  tx,
  result,
  recorded_calls: recorded,
  final_execution_status: withReceipts.final_execution_status,
  receipts: withReceipts.receipts.length,
  xcc: xcc.accountId,
});
