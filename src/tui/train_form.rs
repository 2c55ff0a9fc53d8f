//! The Train tab's form: its fields in order, how each shows its value and how h/l change it.
//! The key handling, the view and the tests name fields by this enum, never by position.

use crate::embed::train_config::{Model, TrainConfig};

/// One setting of the Train tab's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainField {
    Model,
    Dim,
    Window,
    Negative,
    Epochs,
    MinCount,
    LearningRate,
    Sample,
}

impl TrainField {
    /// The fields top to bottom.
    pub const ALL: [TrainField; 8] = [
        TrainField::Model,
        TrainField::Dim,
        TrainField::Window,
        TrainField::Negative,
        TrainField::Epochs,
        TrainField::MinCount,
        TrainField::LearningRate,
        TrainField::Sample,
    ];

    /// The label the form shows.
    pub fn label(self) -> &'static str {
        match self {
            TrainField::Model => "model",
            TrainField::Dim => "dim",
            TrainField::Window => "window",
            TrainField::Negative => "negative",
            TrainField::Epochs => "epochs",
            TrainField::MinCount => "min_count",
            TrainField::LearningRate => "lr",
            TrainField::Sample => "sample",
        }
    }

    /// The field `by` rows down (up when negative), stopping at the first and last.
    pub fn moved(self, by: isize) -> TrainField {
        let at = Self::ALL.iter().position(|f| *f == self).unwrap_or(0) as isize;
        Self::ALL[(at + by).clamp(0, Self::ALL.len() as isize - 1) as usize]
    }

    /// The value as the form shows it (GloVe has no word2vec rate or sampling).
    pub fn value(self, c: &TrainConfig) -> String {
        let glove = c.model == Model::Glove;
        match self {
            TrainField::Model => c.model.name().to_string(),
            TrainField::Dim => c.dim.to_string(),
            TrainField::Window => c.window.to_string(),
            TrainField::Negative => c.negative.to_string(),
            TrainField::Epochs => c.epochs.to_string(),
            TrainField::MinCount => c.min_count.to_string(),
            TrainField::LearningRate if glove => "[glove] eta".to_string(),
            TrainField::LearningRate => c.model_learning_rate().to_string(),
            TrainField::Sample if glove => "–".to_string(),
            TrainField::Sample => c.sampling().to_string(),
        }
    }

    /// Moves the setting `step` notches (h/l): within bounds, rates along a ladder.
    pub fn change(self, c: &mut TrainConfig, step: i64) {
        let bump = |v: usize, by: i64, lo: usize, hi: usize| {
            (v as i64 + by).clamp(lo as i64, hi as i64) as usize
        };
        match self {
            TrainField::Model => {
                const CYCLE: [Model; 5] = [
                    Model::Skipgram,
                    Model::Cbow,
                    Model::FasttextSkipgram,
                    Model::FasttextCbow,
                    Model::Glove,
                ];
                let at = CYCLE.iter().position(|m| *m == c.model).unwrap_or(0) as i64;
                c.model = CYCLE[(at + step).rem_euclid(CYCLE.len() as i64) as usize];
            }
            TrainField::Dim => c.dim = bump(c.dim, step * 50, 50, 500),
            TrainField::Window => c.window = bump(c.window, step, 1, 20),
            TrainField::Negative => c.negative = bump(c.negative, step, 1, 30),
            TrainField::Epochs => c.epochs = bump(c.epochs, step, 1, 50),
            TrainField::MinCount => c.min_count = bump(c.min_count as usize, step, 1, 100) as u64,
            // GloVe's learning rate is [glove] eta; these two are word2vec's and fastText's.
            TrainField::LearningRate | TrainField::Sample if c.model == Model::Glove => {}
            TrainField::LearningRate => {
                const LADDER: [f64; 7] = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2];
                let lr = along(&LADDER, c.model_learning_rate() as f64, step) as f32;
                c.set_learning_rate(lr);
                c.min_learning_rate = c.min_learning_rate.min(lr);
            }
            TrainField::Sample => {
                const LADDER: [f64; 5] = [0.0, 1e-5, 1e-4, 1e-3, 1e-2];
                c.set_sampling(along(&LADDER, c.sampling(), step));
            }
        }
    }
}

/// The ladder value `step` rungs from the one nearest `current`.
fn along(ladder: &[f64], current: f64, step: i64) -> f64 {
    let nearest = (0..ladder.len())
        .min_by(|&a, &b| {
            (ladder[a] - current)
                .abs()
                .total_cmp(&(ladder[b] - current).abs())
        })
        .unwrap_or(0) as i64;
    ladder[(nearest + step).clamp(0, ladder.len() as i64 - 1) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_stops_at_the_ends_and_labels_are_distinct() {
        assert_eq!(TrainField::Model.moved(-1), TrainField::Model);
        assert_eq!(TrainField::Model.moved(6), TrainField::LearningRate);
        assert_eq!(TrainField::LearningRate.moved(5), TrainField::Sample);
        let mut labels: Vec<_> = TrainField::ALL.iter().map(|f| f.label()).collect();
        labels.dedup();
        assert_eq!(labels.len(), TrainField::ALL.len());
    }

    #[test]
    fn glove_has_no_word2vec_rate_or_sampling_to_change() {
        let mut c = TrainConfig {
            model: Model::Glove,
            ..TrainConfig::default()
        };
        let before = c.clone();
        TrainField::LearningRate.change(&mut c, 1);
        TrainField::Sample.change(&mut c, -1);
        assert_eq!(c, before);
        assert_eq!(TrainField::Sample.value(&c), "–");
    }
}
