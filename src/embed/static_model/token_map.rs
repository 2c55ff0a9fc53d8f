//! Token text → id for the tokenizers' inner loop (a word looked up per word of every text):
//! keys of up to 16 bytes are kept inside the table, as two zero-padded words, so a lookup
//! reads one slot and compares two integers, where a map of boxed strings follows a pointer
//! to the key and calls `memcmp`. Longer keys go to an ordinary map.

use rustc_hash::FxHashMap;

const INLINE: usize = 16;

#[derive(Clone, Copy, Default)]
struct Slot {
    words: [u64; 2],
    /// Key length + 1; 0 marks an empty slot.
    len: u32,
    id: u32,
}

pub(super) struct TokenMap {
    slots: Vec<Slot>,
    mask: usize,
    long: FxHashMap<Box<str>, u32>,
    len: usize,
}

fn pack(key: &[u8]) -> [u64; 2] {
    let mut bytes = [0u8; INLINE];
    bytes[..key.len()].copy_from_slice(key);
    let (lo, hi) = bytes.split_at(8);
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
    [word(lo), word(hi)]
}

fn slot_of(words: [u64; 2], len: usize, mask: usize) -> usize {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let h = (words[0].wrapping_mul(K) ^ words[1].rotate_left(29) ^ len as u64).wrapping_mul(K);
    (h >> 32) as usize & mask
}

impl TokenMap {
    /// The map of `entries`; a key given twice keeps its last id (as a map built in order).
    pub fn new<'a>(entries: impl Iterator<Item = (&'a str, u32)>) -> Self {
        let capacity = (entries.size_hint().0 * 2).next_power_of_two().max(16);
        let mut map = Self {
            slots: vec![Slot::default(); capacity],
            mask: capacity - 1,
            long: FxHashMap::default(),
            len: 0,
        };
        for (key, id) in entries {
            map.insert(key, id);
        }
        map
    }

    fn insert(&mut self, key: &str, id: u32) {
        if key.len() > INLINE {
            if self.long.insert(key.into(), id).is_none() {
                self.len += 1;
            }
            return;
        }
        // At most half full, so that a probe for a missing key soon meets an empty slot.
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let words = pack(key.as_bytes());
        let len = key.len() as u32 + 1;
        let mut i = slot_of(words, key.len(), self.mask);
        loop {
            let slot = &mut self.slots[i];
            if slot.len == 0 {
                *slot = Slot { words, len, id };
                self.len += 1;
                return;
            }
            if slot.len == len && slot.words == words {
                slot.id = id;
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Twice the slots, the inline keys placed again.
    fn grow(&mut self) {
        let capacity = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); capacity]);
        self.mask = capacity - 1;
        for slot in old.into_iter().filter(|s| s.len > 0) {
            let mut i = slot_of(slot.words, slot.len as usize - 1, self.mask);
            while self.slots[i].len != 0 {
                i = (i + 1) & self.mask;
            }
            self.slots[i] = slot;
        }
    }

    /// The id of `key`.
    #[inline]
    pub fn get(&self, key: &str) -> Option<u32> {
        if key.len() > INLINE {
            return self.long.get(key).copied();
        }
        let words = pack(key.as_bytes());
        let len = key.len() as u32 + 1;
        let mut i = slot_of(words, key.len(), self.mask);
        loop {
            let slot = &self.slots[i];
            if slot.len == len && slot.words == words {
                return Some(slot.id);
            }
            if slot.len == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Distinct keys.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_key_short_and_long_and_nothing_else() {
        let keys: Vec<String> = (0..5000)
            .map(|i| match i % 4 {
                0 => format!("w{i}"),
                1 => format!("##{i}ing"),
                2 => format!("a-rather-long-token-number-{i}"),
                _ => format!("日本{i}"),
            })
            .chain(["".to_string(), "0123456789abcdef".to_string()])
            .collect();
        let map = TokenMap::new(keys.iter().enumerate().map(|(i, k)| (k.as_str(), i as u32)));
        assert_eq!(map.len(), keys.len());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(map.get(k), Some(i as u32), "{k}");
        }
        for missing in [
            "w1",
            "##0ing",
            "0123456789abcde",
            "0123456789abcdef0",
            "w0\0",
        ] {
            assert_eq!(map.get(missing), None, "{missing}");
        }
        // A key given twice keeps its last id.
        let twice = TokenMap::new([("a", 1), ("a", 2)].into_iter());
        // A size hint far below the entries: the table grows.
        let grown = TokenMap::new(keys.iter().map(|k| (k.as_str(), 7)).filter(|_| true));
        assert!(keys.iter().all(|k| grown.get(k) == Some(7)));
        assert_eq!((twice.get("a"), twice.len()), (Some(2), 1));
    }
}
