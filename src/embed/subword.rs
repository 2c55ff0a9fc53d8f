//! fastText-style character n-grams: a word is wrapped in `<` and `>`, its n-grams of
//! `minn..=maxn` characters are hashed (FNV-1a over the bytes taken as *signed* chars, as
//! fastText does) into `bucket` rows. A word's vector is the mean of its own row and its
//! n-gram rows; a word never seen gets the mean of its n-gram rows.

use crate::floats::Floats;
use crate::kernels::axpy;

/// fastText's hash: FNV-1a, 32 bits, each byte sign-extended first.
pub fn fasttext_hash(bytes: &[u8]) -> u32 {
    let mut h: u32 = 2_166_136_261;
    for &b in bytes {
        h ^= b as i8 as i32 as u32;
        h = h.wrapping_mul(16_777_619);
    }
    h
}

/// Calls `each` with the bucket (hash mod `bucket`) of every n-gram of `word` (without the
/// brackets), in fastText's order: by start character, then by length. N-grams are whole
/// UTF-8 characters; the single characters `<` and `>` alone are skipped.
pub fn for_each_ngram(word: &str, minn: usize, maxn: usize, bucket: u64, each: impl FnMut(u64)) {
    for_each_ngram_of_bytes(word.as_bytes(), minn, maxn, bucket, each)
}

/// `for_each_ngram` on a word's raw bytes: fastText hashes bytes, so a word that is not UTF-8
/// (read lossily from an old model) keeps the n-grams it was trained with.
pub fn for_each_ngram_of_bytes(
    word: &[u8],
    minn: usize,
    maxn: usize,
    bucket: u64,
    mut each: impl FnMut(u64),
) {
    if maxn == 0 || bucket == 0 {
        return;
    }
    let mut wrapped = Vec::with_capacity(word.len() + 2);
    wrapped.push(b'<');
    wrapped.extend_from_slice(word);
    wrapped.push(b'>');
    let bytes = &wrapped;
    let continuation = |b: u8| b & 0xC0 == 0x80;
    for i in 0..bytes.len() {
        if continuation(bytes[i]) {
            continue;
        }
        let mut j = i;
        let mut n = 1;
        while j < bytes.len() && n <= maxn {
            j += 1;
            while j < bytes.len() && continuation(bytes[j]) {
                j += 1;
            }
            if n >= minn && !(n == 1 && (i == 0 || j == bytes.len())) {
                each(fasttext_hash(&bytes[i..j]) as u64 % bucket);
            }
            n += 1;
        }
    }
}

/// The n-gram rows of a subword model.
#[derive(Debug)]
pub struct Subwords {
    pub minn: usize,
    pub maxn: usize,
    /// `bucket × dim` values.
    pub buckets: Floats,
}

impl Subwords {
    /// N-gram rows held (the model's `bucket`).
    pub fn bucket_count(&self, dim: usize) -> u64 {
        self.buckets.as_slice().len().checked_div(dim).unwrap_or(0) as u64
    }

    /// The mean of `word`'s n-gram rows plus `extra` (the word's own row, when it has one);
    /// `None` when there is nothing to average.
    pub fn compose(&self, word: &str, dim: usize, extra: Option<&[f32]>) -> Option<Vec<f32>> {
        self.compose_bytes(word.as_bytes(), dim, extra)
    }

    /// `compose` on a word's raw bytes.
    pub fn compose_bytes(
        &self,
        word: &[u8],
        dim: usize,
        extra: Option<&[f32]>,
    ) -> Option<Vec<f32>> {
        let rows = self.buckets.as_slice();
        let mut v = vec![0.0f32; dim];
        let mut n = 0usize;
        if let Some(own) = extra {
            axpy(1.0, own, &mut v);
            n += 1;
        }
        for_each_ngram_of_bytes(word, self.minn, self.maxn, self.bucket_count(dim), |b| {
            let start = b as usize * dim;
            if let Some(row) = rows.get(start..start + dim) {
                axpy(1.0, row, &mut v);
                n += 1;
            }
        });
        if n == 0 {
            return None;
        }
        let inv = 1.0 / n as f32;
        v.iter_mut().for_each(|x| *x *= inv);
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ngrams(word: &str, minn: usize, maxn: usize) -> Vec<String> {
        // Recover the n-gram strings by hashing candidates: with a huge bucket the hash is
        // the identity modulo 2^32.
        let mut hashes = Vec::new();
        for_each_ngram(word, minn, maxn, 1 << 32, |h| hashes.push(h));
        let wrapped: Vec<char> = format!("<{word}>").chars().collect();
        let mut out = Vec::new();
        for h in hashes {
            'found: for i in 0..wrapped.len() {
                for j in i + 1..=wrapped.len() {
                    let s: String = wrapped[i..j].iter().collect();
                    if fasttext_hash(s.as_bytes()) as u64 == h {
                        out.push(s);
                        break 'found;
                    }
                }
            }
        }
        out
    }

    #[test]
    fn ngrams_follow_fasttext_order_and_limits() {
        assert_eq!(
            ngrams("where", 3, 4),
            [
                "<wh", "<whe", "whe", "wher", "her", "here", "ere", "ere>", "re>"
            ]
        );
        // Single characters never include the brackets on their own.
        assert_eq!(ngrams("ab", 1, 1), ["a", "b"]);
        // Whole characters, not bytes.
        assert_eq!(ngrams("é", 2, 2), ["<é", "é>"]);
        assert!(ngrams("anything", 3, 0).is_empty());
    }

    #[test]
    fn hash_sign_extends_bytes_like_fasttext() {
        // FNV-1a on plain ASCII equals the textbook value...
        assert_eq!(fasttext_hash(b"a"), 0xe40c292c);
        // ...but a byte ≥ 0x80 is XORed as 0xFFFFFFxx, unlike textbook FNV-1a (0x9ed0b6ba
        // for é's first byte alone would be the unsigned result).
        let unsigned = (2_166_136_261u32 ^ 0xC3).wrapping_mul(16_777_619);
        assert_ne!(fasttext_hash(&[0xC3]), unsigned);
        assert_eq!(
            fasttext_hash(&[0xC3]),
            (2_166_136_261u32 ^ 0xFFFF_FFC3).wrapping_mul(16_777_619)
        );
    }
}
