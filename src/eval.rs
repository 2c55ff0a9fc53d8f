//! Metrics and statistics shared by classification and search.

pub mod metrics;
pub mod significance;
