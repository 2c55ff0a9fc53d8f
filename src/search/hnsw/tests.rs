//! Unit tests of `hnsw`.

use super::*;
use crate::kernels::normalize;
use crate::progress::Silent;

/// Clustered unit vectors (like topic-clustered documents).
fn clustered(n: usize, dim: usize) -> Vec<f32> {
    let mut rng = Rng::new(7);
    let mut uniform = || (rng.next_u64() >> 11) as f32 / (1u64 << 53) as f32 - 0.5;
    let centres: Vec<Vec<f32>> = (0..20)
        .map(|_| (0..dim).map(|_| uniform()).collect())
        .collect();
    let mut data = Vec::with_capacity(n * dim);
    for i in 0..n {
        let mut v: Vec<f32> = centres[i % 20]
            .iter()
            .map(|c| c + 0.6 * uniform())
            .collect();
        normalize(&mut v);
        data.extend(v);
    }
    data
}

fn brute(data: &[f32], dim: usize, q: &[f32], k: usize) -> Vec<u32> {
    let mut s: Vec<(u32, f32)> = data
        .chunks(dim)
        .enumerate()
        .map(|(i, r)| (i as u32, dot(q, r)))
        .collect();
    s.sort_by(|a, b| b.1.total_cmp(&a.1));
    s.into_iter().take(k).map(|x| x.0).collect()
}

#[test]
fn recall_against_brute_force_round_trip_and_damage() {
    let (n, dim) = (5000, 32);
    let data = clustered(n, dim);
    let cfg = AnnConfig::default();
    let g = Hnsw::build(&data, dim, n, &cfg, 1, &Silent, &Cancel::new()).unwrap();
    let row = |i: u32| &data[i as usize * dim..(i as usize + 1) * dim];
    let mut hits = 0;
    for qi in (0..n).step_by(25) {
        let q = row(qi as u32);
        let truth: HashSet<u32> = brute(&data, dim, q, 10).into_iter().collect();
        let got = g.search(q, 10, cfg.ef_search, row, |_| true);
        assert_eq!(got.len(), 10);
        assert!(got.windows(2).all(|w| w[0].1 >= w[1].1));
        hits += got.iter().filter(|x| truth.contains(&x.0)).count();
    }
    let recall = hits as f64 / (10 * n / 25) as f64;
    assert!(recall >= 0.95, "recall@10 {recall}");
    // A filter keeps only what it accepts.
    let thirds = g.search(row(3), 10, 200, row, |d| d % 3 == 0);
    assert!(!thirds.is_empty() && thirds.iter().all(|x| x.0 % 3 == 0));

    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ann.bin");
    g.write(&p).unwrap();
    let back = Hnsw::read(&p, n).unwrap();
    assert_eq!(
        back.search(row(9), 10, 64, row, |_| true),
        g.search(row(9), 10, 64, row, |_| true)
    );
    assert!(
        Hnsw::read(&p, n + 1)
            .unwrap_err()
            .to_string()
            .contains("rebuild")
    );
    let mut bytes = std::fs::read(&p).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(&p, &bytes).unwrap();
    assert!(
        Hnsw::read(&p, n)
            .unwrap_err()
            .to_string()
            .contains("checksum")
    );
    std::fs::write(&p, &bytes[..60]).unwrap();
    assert!(Hnsw::read(&p, n).is_err());
}
