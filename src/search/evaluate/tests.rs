//! Unit tests of `evaluate`.

use super::*;

#[test]
fn metrics_by_hand() {
    let rel: HashMap<u32, u32> = HashMap::from([(7, 1), (9, 1)]);
    let s = score_ranking(
        &[3, 7, 5, 9],
        |d| rel.get(&d).copied().unwrap_or(0),
        &[1, 1],
    );
    let Scores {
        rr,
        ndcg,
        r1,
        r10,
        r100,
        p10,
    } = s;
    assert!((p10 - 0.2).abs() < 1e-12);
    assert!((rr - 0.5).abs() < 1e-12);
    assert_eq!(r1, 0.0);
    assert_eq!(r10, 1.0);
    assert_eq!(r100, 1.0);
    let expected = (1.0 / 3f64.log2() + 1.0 / 5f64.log2()) / (1.0 + 1.0 / 3f64.log2());
    assert!((ndcg - expected).abs() < 1e-12);
}
