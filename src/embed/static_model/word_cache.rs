//! Ids of `▁word`s already tokenized, kept for the next time the word comes: a map shared by
//! the threads, in shards so that they rarely wait for each other, bounded so that a stream of
//! new words cannot grow it without end. (A lock-free per-thread cache in front of it for the
//! frequent words was measured: no gain on the tweets, so it is not here.)

use std::sync::RwLock;

use rustc_hash::{FxBuildHasher, FxHashMap};

pub(super) struct WordCache {
    shards: Vec<Shard>,
}

type Shard = RwLock<FxHashMap<Box<str>, Box<[u32]>>>;

const SHARDS: usize = 16;
/// Words kept per shard (about 260,000 in all).
const PER_SHARD: usize = 1 << 14;
/// Room made at the start, so that filling a shard rehashes it less often (a fresh map's
/// growth was 1 % of embedding the tweets).
const SHARD_START: usize = 1 << 12;

impl WordCache {
    pub fn new() -> Self {
        Self {
            shards: (0..SHARDS)
                .map(|_| {
                    RwLock::new(FxHashMap::with_capacity_and_hasher(
                        SHARD_START,
                        FxBuildHasher,
                    ))
                })
                .collect(),
        }
    }

    /// Appends the ids of `word` to `out`, from the cache or from `tokenize`. None when
    /// tokenizing fails (or a lock was poisoned): the caller takes the full pipeline.
    pub fn extend(
        &self,
        word: &str,
        out: &mut Vec<u32>,
        tokenize: impl FnOnce(&str, &mut Vec<u32>) -> Option<()>,
    ) -> Option<()> {
        // FNV-1a over the bytes: only to pick a shard.
        let h = word.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        });
        let shard = &self.shards[(h % SHARDS as u64) as usize];
        if let Some(ids) = shard.read().ok()?.get(word) {
            out.extend_from_slice(ids);
            return Some(());
        }
        let start = out.len();
        tokenize(word, out)?;
        let mut map = shard.write().ok()?;
        if map.len() < PER_SHARD {
            map.insert(word.into(), out[start..].into());
        }
        Some(())
    }
}
