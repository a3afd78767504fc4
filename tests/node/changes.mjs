// near-api-js's state-change readers against a NEAR JSON-RPC endpoint (`nearviz serve` in the
// tests): create an account, deploy hello, call set_greeting, then read what each block changed
// with provider.blockChanges / accountChanges / contractStateChanges / contractCodeChanges /
// accessKeyChanges / singleAccessKeyChanges (EXPERIMENTAL_changes_in_block, EXPERIMENTAL_changes).
//
//   node tests/node/changes.mjs <rpc url> <key file> <contract/res dir>
//
// Checks with node:assert (exit 1 on the first mismatch) and prints one JSON line per step; the
// last one is {"step":"done",...}.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { Account, JsonRpcProvider, KeyPair, KeyPairSigner, nearToYocto } from "near-api-js";

const [url, keyFile, resDir] = process.argv.slice(2);
if (!url || !keyFile || !resDir) {
  console.error("usage: node changes.mjs <rpc url> <key file> <contract/res dir>");
  process.exit(2);
}

const log = (step, extra = {}) => console.log(JSON.stringify({ step, ...extra }));
const key = JSON.parse(await readFile(keyFile, "utf8"));
const provider = new JsonRpcProvider({ url });
const root = new Account(key.account_id, provider, KeyPairSigner.fromSecretKey(key.secret_key));

const id = `changes-${Date.now().toString(36)}.${key.account_id}`;
const pair = KeyPair.fromRandom("ed25519");
const publicKey = pair.getPublicKey().toString();
const created = await root.createAccount({
  newAccountId: id,
  publicKey: pair.getPublicKey(),
  nearToTransfer: nearToYocto("10"),
});
const account = new Account(id, provider, new KeyPairSigner(pair));
const code = await readFile(`${resDir}/hello.wasm`);
const deployed = await account.deployContract(new Uint8Array(code));
const greeting = "hi from near-api-js";
const set = await account.callFunctionRaw({
  contractId: id,
  methodName: "set_greeting",
  args: { greeting },
});
log("sent", { account: id });

const receipt = (outcome) => outcome.receipts_outcome[0];
const causes = (changes) => changes.map((c) => `${c.type} ${c.cause.type}`);

// The account's creation: the new account and its key appear at the receipt's block.
{
  const blockId = receipt(created).block_hash;
  const touched = await provider.blockChanges({ blockId });
  assert.equal(touched.block_hash, blockId);
  const mine = touched.changes.filter((c) => c.account_id === id).map((c) => c.type);
  assert.deepEqual(mine, ["account_touched", "access_key_touched"], JSON.stringify(touched));
  const keys = await provider.singleAccessKeyChanges(
    [{ account_id: id, public_key: publicKey }],
    { blockId },
  );
  assert.equal(keys.changes.length, 1, JSON.stringify(keys));
  assert.equal(keys.changes[0].type, "access_key_update");
  assert.equal(keys.changes[0].change.public_key, publicKey);
  assert.equal(keys.changes[0].change.access_key.permission, "FullAccess");
  assert.equal(keys.changes[0].cause.receipt_hash, receipt(created).id);
  log("created", { block: blockId });
}

// The deploy (signer == receiver: the receipt runs in the block that includes the transaction):
// the account, the code byte for byte, the key's nonce, in the node's trie-key order.
{
  const blockId = receipt(deployed).block_hash;
  assert.equal(deployed.transaction_outcome.block_hash, blockId);
  const touched = await provider.blockChanges({ blockId });
  const mine = touched.changes.filter((c) => c.account_id === id).map((c) => c.type);
  assert.deepEqual(
    mine,
    ["account_touched", "contract_code_touched", "access_key_touched"],
    JSON.stringify(touched),
  );
  const codes = await provider.contractCodeChanges([id], { blockId });
  assert.equal(codes.changes.length, 1, JSON.stringify(codes).slice(0, 500));
  const change = codes.changes[0];
  assert.equal(change.type, "contract_code_update");
  assert.equal(change.cause.type, "receipt_processing");
  assert.equal(change.cause.receipt_hash, receipt(deployed).id);
  assert.ok(Buffer.from(change.change.code_base64, "base64").equals(code), "the deployed bytes");
  const keys = await provider.accessKeyChanges([id], { blockId });
  assert.deepEqual(causes(keys.changes), ["access_key_update transaction_processing"]);
  assert.equal(keys.changes[0].cause.tx_hash, deployed.transaction_outcome.id);
  log("deployed", { block: blockId, code_bytes: code.length });
}

// set_greeting: the signer charged, the receipt run, the contract's gas reward, in that order;
// hello's STATE holds the new greeting; a prefix that matches nothing gives [].
{
  const blockId = receipt(set).block_hash;
  assert.equal(set.transaction_outcome.block_hash, blockId);
  const accounts = await provider.accountChanges([id, "nobody.test.near"], { blockId });
  assert.deepEqual(causes(accounts.changes), [
    "account_update transaction_processing",
    "account_update receipt_processing",
    "account_update action_receipt_gas_reward",
  ]);
  assert.equal(accounts.changes[0].cause.tx_hash, set.transaction_outcome.id);
  const data = await provider.contractStateChanges([id], { blockId });
  assert.equal(data.block_hash, blockId);
  assert.deepEqual(causes(data.changes), ["data_update receipt_processing"]);
  const change = data.changes[0];
  assert.equal(Buffer.from(change.change.key_base64, "base64").toString(), "STATE");
  const value = Buffer.from(change.change.value_base64, "base64");
  assert.ok(value.toString().includes(greeting), `STATE holds the greeting: ${value}`);
  const none = await provider.contractStateChanges([id], { blockId }, "bm9uZQ==");
  assert.deepEqual(none.changes, []);
  log("set_greeting", { block: blockId });
}

// By finality, and the node's error for a block it does not know.
const latest = await provider.blockChanges({ finality: "final" });
assert.ok(Array.isArray(latest.changes));
let unknown = null;
try {
  await provider.blockChanges({ blockId: "11111111111111111111111111111111" });
} catch (err) {
  unknown = `${err.type ?? ""} ${err.message ?? err}`;
}
assert.ok(unknown, "an unknown block must be an error");
log("done", { account: id, unknown_block_error: unknown });
