//! Approximate nearest neighbours for large collections: a hierarchical navigable small-world
//! graph (Malkov & Yashunin 2018) over the unit document vectors, similarity = dot product.
//! Built in parallel (one lock per neighbour list), then frozen into flat arrays and saved
//! beside the vectors. The graph stores only neighbour ids; the vectors stay in `DocVectors`.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashSet};
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, RwLock};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsutil::atomic_write;
use crate::kernels::dot;
use crate::progress::{Cancel, Progress, Report};
use crate::rng::Rng;

const MAGIC: &[u8; 8] = b"WLHNSW01";
const NONE: u32 = u32::MAX;

/// The `[search.ann]` settings of the approximate-neighbour graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnnConfig {
    /// Collections with at least this many documents get an approximate index (0: never).
    pub min_docs: usize,
    /// Neighbours per node on the upper layers (twice as many on the bottom layer).
    pub m: usize,
    /// Candidate list size while building (higher: better recall, slower build).
    pub ef_construction: usize,
    /// Candidate list size while searching (at least k).
    pub ef_search: usize,
}

impl Default for AnnConfig {
    fn default() -> Self {
        Self {
            min_docs: 50_000,
            m: 16,
            ef_construction: 100,
            ef_search: 256,
        }
    }
}

/// A candidate: similarity and node, ordered by similarity (ties by node, for determinism).
#[derive(Clone, Copy, PartialEq)]
struct Scored(f32, u32);

impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
    }
}

/// The frozen graph.
#[derive(Debug)]
pub struct Hnsw {
    m: usize,
    /// Level of each node.
    levels: Vec<u8>,
    /// Bottom-layer neighbours: `2m` slots per node, unused slots NONE.
    layer0: Vec<u32>,
    /// Upper layers: for node i with level ≥ 1, `upper_start[i]` is the first of its
    /// `level × m` slots in `upper`.
    upper_start: Vec<u32>,
    upper: Vec<u32>,
    entry: u32,
    max_level: usize,
}

/// Neighbours of `node` on `layer` read from locked lists (during the build).
type Lists = Vec<Vec<Mutex<Vec<u32>>>>;

impl Hnsw {
    /// Nodes in the graph.
    pub fn len(&self) -> usize {
        self.levels.len()
    }
    /// Whether the graph is empty.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    fn neighbors(&self, node: u32, layer: usize) -> &[u32] {
        let n = node as usize;
        let list = if layer == 0 {
            &self.layer0[n * 2 * self.m..(n + 1) * 2 * self.m]
        } else {
            let start = self.upper_start[n] as usize + (layer - 1) * self.m;
            &self.upper[start..start + self.m]
        };
        let used = list.iter().position(|&x| x == NONE).unwrap_or(list.len());
        &list[..used]
    }

    /// Builds the graph over `count` rows of `data` (unit vectors of dimension `dim`).
    pub fn build(
        data: &[f32],
        dim: usize,
        count: usize,
        config: &AnnConfig,
        seed: u64,
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<Self> {
        let m = config.m.clamp(2, 64);
        let row = |i: u32| &data[i as usize * dim..(i as usize + 1) * dim];
        // Levels drawn as floor(−ln U · 1/ln m), capped so they fit a byte.
        let mut rng = Rng::new(seed);
        let ml = 1.0 / (m as f64).ln();
        let levels: Vec<u8> = (0..count)
            .map(|_| {
                let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                ((-(u.max(1e-12)).ln() * ml).floor() as usize).min(16) as u8
            })
            .collect();
        let lists: Lists = levels
            .iter()
            .map(|&l| (0..=l as usize).map(|_| Mutex::new(Vec::new())).collect())
            .collect();
        let entry = RwLock::new((0u32, levels.first().copied().unwrap_or(0) as usize));
        let done = std::sync::atomic::AtomicU64::new(0);
        let builder = Builder {
            m,
            ef: config.ef_construction.max(m),
            row: &row,
            lists: &lists,
        };
        let step = 10_000;
        for start in (1..count).step_by(step) {
            cancel.check()?;
            let end = (start + step).min(count);
            (start..end).into_par_iter().for_each(|q| {
                builder.insert(q as u32, levels[q] as usize, &entry);
            });
            done.store(end as u64, std::sync::atomic::Ordering::Relaxed);
            progress.report(&Report {
                stage: "approximate index",
                done: end as u64,
                total: count as u64,
                metrics: &[],
            });
        }
        progress.finish("approximate index");
        let (entry, max_level) = *entry.read().map_err(|_| poisoned())?;
        Self::freeze(m, levels, lists, entry, max_level)
    }

    fn freeze(
        m: usize,
        levels: Vec<u8>,
        lists: Lists,
        entry: u32,
        max_level: usize,
    ) -> Result<Self> {
        let n = levels.len();
        let mut layer0 = vec![NONE; n * 2 * m];
        let mut upper_start = vec![0u32; n];
        let mut upper = Vec::new();
        for (i, node) in lists.into_iter().enumerate() {
            for (layer, list) in node.into_iter().enumerate() {
                let list = list.into_inner().map_err(|_| poisoned())?;
                if layer == 0 {
                    for (slot, &x) in layer0[i * 2 * m..].iter_mut().zip(list.iter().take(2 * m)) {
                        *slot = x;
                    }
                } else {
                    if layer == 1 {
                        upper_start[i] = upper.len() as u32;
                    }
                    let mut slots = vec![NONE; m];
                    for (slot, &x) in slots.iter_mut().zip(list.iter().take(m)) {
                        *slot = x;
                    }
                    upper.extend(slots);
                }
            }
        }
        Ok(Self {
            m,
            levels,
            layer0,
            upper_start,
            upper,
            entry,
            max_level,
        })
    }

    /// The `k` nodes most similar to the unit vector `q` that `keep` accepts, best first.
    /// `row` gives a node's vector. Fewer than `k` when the filter rejects most candidates.
    pub fn search<'a>(
        &self,
        q: &[f32],
        k: usize,
        ef: usize,
        row: impl Fn(u32) -> &'a [f32],
        keep: impl Fn(u32) -> bool,
    ) -> Vec<(u32, f32)> {
        if self.is_empty() || k == 0 {
            return Vec::new();
        }
        let mut cur = Scored(dot(q, row(self.entry)), self.entry);
        for layer in (1..=self.max_level).rev() {
            cur = greedy(cur, q, &row, |n| self.neighbors(n, layer).to_vec());
        }
        let found = search_layer(q, &[cur], ef.max(k), &row, |n| {
            self.neighbors(n, 0).to_vec()
        });
        found
            .into_iter()
            .filter(|s| keep(s.1))
            .take(k)
            .map(|s| (s.1, s.0))
            .collect()
    }

    /// Writes the graph to `path`, atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut body = Vec::new();
        let words: [u64; 5] = [
            self.len() as u64,
            self.m as u64,
            self.entry as u64,
            self.max_level as u64,
            self.upper.len() as u64,
        ];
        words.iter().for_each(|w| body.extend(w.to_le_bytes()));
        body.extend(&self.levels);
        for list in [&self.layer0, &self.upper_start, &self.upper] {
            list.iter().for_each(|x| body.extend(x.to_le_bytes()));
        }
        let crc = crc32fast::hash(&body);
        atomic_write(path, |w| {
            w.write_all(MAGIC)?;
            w.write_all(&crc.to_le_bytes())?;
            w.write_all(&body)
        })
    }

    /// Reads a graph over `expected` documents, checking every size against the file length
    /// before allocating, the checksum, and that every neighbour id is a node.
    pub fn read(path: &Path, expected: usize) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let bad = |at: usize, what: String| Error::at_byte(path, at as u64, what);
        if bytes.len() < 12 + 40 || &bytes[..8] != MAGIC {
            return Err(bad(0, "not a wordlens approximate-index file".into()));
        }
        let body = &bytes[12..];
        if crc32fast::hash(body) != u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) {
            return Err(bad(8, "checksum mismatch: rebuild the index".into()));
        }
        let word = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&body[i * 8..i * 8 + 8]);
            u64::from_le_bytes(b)
        };
        let (n, m, entry, max_level, upper_len) = (word(0), word(1), word(2), word(3), word(4));
        if n as usize != expected {
            return Err(bad(
                12,
                format!("{n} nodes but the vectors file holds {expected}: rebuild the index"),
            ));
        }
        if !(2..=64).contains(&m) || max_level > 16 || (n > 0 && entry >= n) {
            return Err(bad(
                20,
                format!("implausible header (m {m}, top level {max_level}, entry {entry})"),
            ));
        }
        let need = 40u64
            .saturating_add(n)
            .saturating_add(n.saturating_mul(2 * m + 1).saturating_mul(4))
            .saturating_add(upper_len.saturating_mul(4));
        if need != body.len() as u64 {
            return Err(bad(
                12,
                format!("header implies {need} bytes, the file holds {}", body.len()),
            ));
        }
        let (n, m) = (n as usize, m as usize);
        let levels = body[40..40 + n].to_vec();
        let u32s = |from: usize, count: usize| -> Vec<u32> {
            body[from..from + count * 4]
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()
        };
        let at0 = 40 + n;
        let layer0 = u32s(at0, n * 2 * m);
        let upper_start = u32s(at0 + n * 2 * m * 4, n);
        let upper = u32s(at0 + n * (2 * m + 1) * 4, upper_len as usize);
        let in_range = |x: &u32| *x == NONE || (*x as usize) < n;
        let starts_fit = levels
            .iter()
            .zip(&upper_start)
            .all(|(&l, &s)| l == 0 || (s as usize).saturating_add(l as usize * m) <= upper.len());
        if !layer0.iter().all(in_range) || !upper.iter().all(in_range) || !starts_fit {
            return Err(bad(
                at0,
                "neighbour lists point outside the graph: rebuild the index".into(),
            ));
        }
        Ok(Self {
            m,
            levels,
            layer0,
            upper_start,
            upper,
            entry: entry as u32,
            max_level: max_level as usize,
        })
    }
}

fn poisoned() -> Error {
    Error::Internal("a thread building the approximate index panicked".into())
}

/// Shared state of a parallel build.
struct Builder<'a, R: Fn(u32) -> &'a [f32] + Sync> {
    m: usize,
    ef: usize,
    row: &'a R,
    lists: &'a Lists,
}

impl<'a, R: Fn(u32) -> &'a [f32] + Sync> Builder<'a, R> {
    fn list(&self, node: u32, layer: usize) -> Vec<u32> {
        self.lists[node as usize]
            .get(layer)
            .and_then(|l| l.lock().ok().map(|g| g.clone()))
            .unwrap_or_default()
    }

    fn insert(&self, q: u32, level: usize, entry: &RwLock<(u32, usize)>) {
        let Ok(guard) = entry.read() else { return };
        let (ep, top) = *guard;
        drop(guard);
        let v = (self.row)(q);
        let mut cur = Scored(dot(v, (self.row)(ep)), ep);
        for layer in (level + 1..=top).rev() {
            cur = greedy(cur, v, self.row, |n| self.list(n, layer));
        }
        let mut starts = vec![cur];
        for layer in (0..=level.min(top)).rev() {
            let found = search_layer(v, &starts, self.ef, self.row, |n| self.list(n, layer));
            let max = if layer == 0 { 2 * self.m } else { self.m };
            let chosen = select(&found, self.m, self.row);
            if let Ok(mut mine) = self.lists[q as usize][layer].lock() {
                *mine = chosen.iter().map(|s| s.1).collect();
            }
            for s in &chosen {
                self.link(s.1, q, layer, max);
            }
            starts = found;
        }
        if level > top
            && let Ok(mut e) = entry.write()
            && level > e.1
        {
            *e = (q, level);
        }
    }

    /// Adds `q` to `node`'s list on `layer`, pruning by the heuristic when it overflows.
    fn link(&self, node: u32, q: u32, layer: usize, max: usize) {
        let Some(lock) = self.lists[node as usize].get(layer) else {
            return;
        };
        let Ok(mut list) = lock.lock() else { return };
        if list.contains(&q) {
            return;
        }
        list.push(q);
        if list.len() > max {
            let base = (self.row)(node);
            let mut scored: Vec<Scored> = list
                .iter()
                .map(|&x| Scored(dot(base, (self.row)(x)), x))
                .collect();
            scored.sort_by(|a, b| b.cmp(a));
            *list = select(&scored, max, self.row).iter().map(|s| s.1).collect();
        }
    }
}

/// Greedy walk to the most similar node on one layer.
fn greedy<'a>(
    mut cur: Scored,
    q: &[f32],
    row: &impl Fn(u32) -> &'a [f32],
    neighbors: impl Fn(u32) -> Vec<u32>,
) -> Scored {
    loop {
        let mut moved = false;
        for n in neighbors(cur.1) {
            let s = Scored(dot(q, row(n)), n);
            if s > cur {
                cur = s;
                moved = true;
            }
        }
        if !moved {
            return cur;
        }
    }
}

/// Beam search on one layer: the `ef` most similar nodes reachable from `starts`, best first.
fn search_layer<'a>(
    q: &[f32],
    starts: &[Scored],
    ef: usize,
    row: &impl Fn(u32) -> &'a [f32],
    neighbors: impl Fn(u32) -> Vec<u32>,
) -> Vec<Scored> {
    let mut visited: HashSet<u32> = starts.iter().map(|s| s.1).collect();
    let mut frontier: BinaryHeap<Scored> = starts.iter().copied().collect();
    // Min-heap of the best `ef` so far (its top is the worst kept).
    let mut best: BinaryHeap<Reverse<Scored>> = starts.iter().map(|&s| Reverse(s)).collect();
    while let Some(c) = frontier.pop() {
        if best.len() >= ef && best.peek().is_some_and(|w| c < w.0) {
            break;
        }
        for n in neighbors(c.1) {
            if !visited.insert(n) {
                continue;
            }
            let s = Scored(dot(q, row(n)), n);
            if best.len() < ef || best.peek().is_some_and(|w| s > w.0) {
                frontier.push(s);
                best.push(Reverse(s));
                if best.len() > ef {
                    best.pop();
                }
            }
        }
    }
    let mut out: Vec<Scored> = best.into_iter().map(|r| r.0).collect();
    out.sort_by(|a, b| b.cmp(a));
    out
}

/// The neighbour-selection heuristic: walk candidates best first, keep one only if it is more
/// similar to the query than to every neighbour kept so far (spreads links across clusters).
fn select<'a>(candidates: &[Scored], max: usize, row: &impl Fn(u32) -> &'a [f32]) -> Vec<Scored> {
    let mut kept: Vec<Scored> = Vec::with_capacity(max);
    for &c in candidates {
        if kept.len() >= max {
            break;
        }
        let v = row(c.1);
        if kept.iter().all(|k| dot(v, row(k.1)) < c.0) {
            kept.push(c);
        }
    }
    kept
}

#[cfg(test)]
mod tests;
