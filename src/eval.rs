//! Metrics and statistics shared by classification and search.

pub mod calibration;
pub mod metrics;
pub mod significance;
