//! Classification: multinomial logistic regression over bag-of-words, document vectors or
//! both; the fitted pipeline, its file format, and the with-vs-without-embeddings comparison.

pub mod compare;
pub mod disagreements;
pub mod label_file;
pub mod lbfgs;
pub mod logreg;
pub mod model_file;
pub mod pipeline;
pub mod tune;

pub use logreg::{LogReg, LogRegConfig};
pub use pipeline::{FeatureKind, Pipeline};
