// near-api-js's typed error for an invalid transaction against a NEAR JSON-RPC endpoint
// (`nearviz serve` in the tests): a transfer beyond the balance throws NotEnoughBalanceError,
// read from the node's INVALID_TRANSACTION answer (`data.TxExecutionError.InvalidTxError`).
//
//   node tests/node/invalid_tx.mjs <rpc url> <key file> <contract/res dir>
//
// Then the same transfer sent without waiting (`sendTransactionAsync`: `send_tx` with
// `wait_until: NONE`) answers as neard does, unchecked (`{"final_execution_status":"NONE"}`),
// and the dropped transaction's status throws UnknownTransactionError.
//
// Checks with node:assert (exit 1 on the first mismatch); the last line printed is
// {"step":"done","error":<class name>,"message":<its message>,"async_error":<class name>}.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import {
  Account,
  actions,
  baseEncode,
  JsonRpcProvider,
  KeyPair,
  KeyPairSigner,
  nearToYocto,
} from "near-api-js";

const [url, keyFile] = process.argv.slice(2);
if (!url || !keyFile) {
  console.error("usage: node invalid_tx.mjs <rpc url> <key file> <contract/res dir>");
  process.exit(2);
}

const key = JSON.parse(await readFile(keyFile, "utf8"));
const provider = new JsonRpcProvider({ url });
const root = new Account(key.account_id, provider, KeyPairSigner.fromSecretKey(key.secret_key));
const id = `poor-${Date.now().toString(36)}.${key.account_id}`;
const pair = KeyPair.fromRandom("ed25519");
await root.createAccount({
  newAccountId: id,
  publicKey: pair.getPublicKey(),
  nearToTransfer: nearToYocto("10"),
});
const poor = new Account(id, provider, new KeyPairSigner(pair));
const { amount } = await provider.viewAccount({ accountId: id });

let error;
try {
  await poor.transfer({ receiverId: key.account_id, amount: nearToYocto("1000") });
} catch (e) {
  error = e;
}
assert.ok(error, "a transfer of 1000 NEAR from 10 NEAR was accepted");
assert.equal(error.constructor.name, "NotEnoughBalanceError", String(error?.stack ?? error));
assert.equal(error.signerId, id);
assert.equal(error.balance, amount);
assert.ok(error.cost > BigInt(nearToYocto("1000")), `cost ${error.cost}`);

const signed = await poor.createSignedTransaction({
  receiverId: key.account_id,
  actions: [actions.transfer(BigInt(nearToYocto("1000")))],
});
const sent = await provider.sendTransactionAsync(signed);
assert.deepEqual(sent, { final_execution_status: "NONE" });
const txHash = baseEncode(createHash("sha256").update(signed.transaction.encode()).digest());
let unknown;
try {
  await provider.viewTransactionStatus({ txHash, accountId: id, waitUntil: "NONE" });
} catch (e) {
  unknown = e;
}
assert.ok(unknown, "the dropped transaction has a status");
assert.equal(unknown.constructor.name, "UnknownTransactionError", String(unknown?.stack ?? unknown));
assert.equal((await provider.viewAccount({ accountId: id })).amount, amount);

console.log(
  JSON.stringify({
    step: "done",
    error: error.constructor.name,
    message: error.message,
    async_error: unknown.constructor.name,
  }),
);
