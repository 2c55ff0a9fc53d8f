//! Distilling a static model from an encoder (placeholder, filled below).
