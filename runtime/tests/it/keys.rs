//! Every key type protocol 86 accepts on chain signs transactions: ed25519 (the runtime's own
//! keys), secp256k1 and ML-DSA-65 (post-quantum signatures, protocol 85+), each added to an
//! account by an `AddKey` action, then signing a transfer.

use crate::common::{assert_success, run_to_final, NEAR};
use near_crypto::{InMemorySigner, KeyType, SecretKey};
use near_primitives::account::AccessKey;
use near_primitives::action::{Action, AddKeyAction, TransferAction};
use near_primitives::transaction::{SignedTransaction, Transaction, TransactionV0};
use near_primitives::types::{AccountId, Balance};
use nearviz_runtime::{Runtime, RuntimeOptions};

fn transfer() -> Action {
    Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(NEAR) })
}

fn signs_after_add_key(key_type: KeyType) {
    let options = RuntimeOptions { protocol_version: Some(86), ..RuntimeOptions::default() };
    let mut rt = Runtime::new(options).expect("runtime");
    let root: AccountId = "test.near".parse().expect("root id");
    rt.add_genesis_account(&root, 1_000 * NEAR).expect("root");
    let secret = SecretKey::from_seed(key_type, "keys test");
    let add = Action::AddKey(Box::new(AddKeyAction {
        public_key: secret.public_key(),
        access_key: AccessKey::full_access(),
    }));
    let usage = |rt: &Runtime| rt.account(&root).expect("root").storage_usage();
    let before = usage(&rt);
    let tx = rt.submit(&root, &root, vec![add]).expect("add key");
    run_to_final(&mut rt, tx);
    assert_success(&rt, tx, &format!("adding a {key_type} key"));
    // The trie holds an ML-DSA-65 key as its 33-byte handle: it costs what an ed25519 key does.
    let access_key = near_primitives::borsh::object_length(&AccessKey::full_access()).expect("len");
    let key_bytes = if matches!(key_type, KeyType::SECP256K1) { 65 } else { 33 };
    assert_eq!(usage(&rt) - before, (key_bytes + access_key) as u64 + 40);
    let tx = Transaction::V0(TransactionV0 {
        signer_id: root.clone(),
        public_key: secret.public_key(),
        nonce: rt.access_key(&root, &secret.public_key()).expect("the added key").nonce + 1,
        receiver_id: root.clone(),
        block_hash: rt.head().hash,
        actions: vec![transfer()],
    });
    let signer = InMemorySigner::from_secret_key(root.clone(), secret.clone());
    let signed = SignedTransaction::new(signer.sign(tx.get_hash_and_size().0.as_ref()), tx);
    let hash = rt.submit_signed(signed).expect("submit");
    run_to_final(&mut rt, hash);
    assert_success(&rt, hash, &format!("a transfer signed with a {key_type} key"));
}

#[test]
fn a_secp256k1_key_added_by_transaction_signs() {
    signs_after_add_key(KeyType::SECP256K1);
}

#[test]
fn an_ml_dsa_65_key_added_by_transaction_signs() {
    signs_after_add_key(KeyType::MLDSA65);
}

/// The runtime signs its transactions with each account's expanded key: the same signatures
/// as near-crypto's signer, which a node verifies.
#[test]
fn sign_as_makes_the_signers_signatures() {
    for name in ["alice.test.near", "xcc.test.near", "test.near", "a-much-longer-name.test.near"] {
        let account: near_primitives::types::AccountId = name.parse().expect("account");
        for data in [&b""[..], b"a transaction hash, 32 bytes long", &[7u8; 200]] {
            let ours = nearviz_runtime::sign_as(&account, data);
            assert_eq!(ours, nearviz_runtime::signer_for(&account).sign(data), "{name}");
            assert!(ours.verify(data, &nearviz_runtime::public_key_for(&account)), "{name}");
        }
    }
}
