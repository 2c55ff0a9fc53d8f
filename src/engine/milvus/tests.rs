//! Unit tests of `milvus`.

use super::*;

#[test]
fn texts_are_cut_at_a_character_boundary() {
    assert_eq!(cut_at("abc", 5), ("abc", false));
    assert_eq!(cut_at("aé", 2), ("a", true));
    assert_eq!(cut_at("aéb", 3), ("aé", true));
}
