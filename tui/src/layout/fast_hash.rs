//! A small, fast hasher for the layout's maps: their keys are node indices, heights and receipt
//! ids (already random), built per layout and never exposed to input an attacker chooses, so
//! SipHash's protection buys nothing and was a tenth of a 10,000-receipt layout.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fold>>;
pub(crate) type FastSet<K> = HashSet<K, BuildHasherDefault<Fold>>;

/// Folds each word in: rotate, xor, multiply by an odd constant (the multiply spreads every
/// bit of the word to the high bits the table uses).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fold(u64);

impl Fold {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

impl Hasher for Fold {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::FastMap;

    #[test]
    fn maps_keyed_by_receipt_ids_and_indices_work() {
        let mut ids: FastMap<crate::chain::ReceiptId, usize> = FastMap::default();
        for i in 0..1000u64 {
            let id = near_primitives::hash::CryptoHash::hash_borsh(i);
            ids.insert(crate::chain::ReceiptId(id), i as usize);
        }
        assert_eq!(ids.len(), 1000);
        let id = near_primitives::hash::CryptoHash::hash_borsh(7u64);
        assert_eq!(ids.get(&crate::chain::ReceiptId(id)), Some(&7));
        let pairs: FastMap<(usize, bool), u16> = (0..100).map(|i| ((i, i % 2 == 0), 1)).collect();
        assert_eq!(pairs.len(), 100);
    }
}
