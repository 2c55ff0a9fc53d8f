//! Which block of the corpus (`token_stream::JOB_TOKENS` tokens) a worker trains next.
//!
//! The order matters more than it looks: the bundled corpus is stored source by source
//! (Wikipedia, then news, then tweets), and in file order the last, low-learning-rate steps
//! of every epoch all see tweets. Measured on it with 2 threads (bench/subword_ablation.py),
//! WordSim-353 of the subword skip-gram: file order 0.34, fastText's thread offsets 0.42 (as
//! fastText), shuffled blocks 0.47 (analogies 1-2 points lower, as fastText's on shuffled
//! lines).

use crate::embed::train_config::JobOrder;
use crate::rng::Rng;

pub(super) struct Schedule {
    order: JobOrder,
    jobs_per_epoch: usize,
    threads: usize,
    total: usize,
    /// `JobOrder::Shuffle`: every epoch's permutation of the blocks, one after another.
    shuffled: Vec<u32>,
}

impl Schedule {
    pub fn new(
        order: JobOrder,
        jobs_per_epoch: usize,
        epochs: usize,
        threads: usize,
        seed: u64,
    ) -> Self {
        let jobs_per_epoch = jobs_per_epoch.max(1);
        let mut shuffled = Vec::new();
        if order == JobOrder::Shuffle {
            let mut rng = Rng::new(seed ^ 0x0005_4FF1_E000);
            shuffled.reserve(jobs_per_epoch * epochs);
            for _ in 0..epochs {
                let start = shuffled.len();
                shuffled.extend(0..jobs_per_epoch as u32);
                let epoch = &mut shuffled[start..];
                for i in (1..epoch.len()).rev() {
                    epoch.swap(i, rng.below(i as u32 + 1) as usize);
                }
            }
        }
        Self {
            order,
            jobs_per_epoch,
            threads: threads.max(1),
            total: jobs_per_epoch * epochs,
            shuffled,
        }
    }

    /// Jobs in the whole run (blocks × epochs).
    pub fn total(&self) -> usize {
        self.total
    }

    /// The block to train as the run's `claimed`-th job, which is thread `thread`'s `local`-th.
    pub fn block(&self, claimed: usize, thread: usize, local: usize) -> usize {
        match self.order {
            JobOrder::Shuffle => self.shuffled[claimed] as usize,
            JobOrder::Sequential => claimed % self.jobs_per_epoch,
            // Threads share the run's job count, as fastText's threads share its token count,
            // so a faster thread reads further from its own start.
            JobOrder::ThreadOffsets => {
                (thread * self.jobs_per_epoch / self.threads + local) % self.jobs_per_epoch
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epochs_of(schedule: &Schedule, jobs: usize, epochs: usize) -> Vec<Vec<usize>> {
        (0..epochs)
            .map(|e| {
                (0..jobs)
                    .map(|j| schedule.block(e * jobs + j, 0, e * jobs + j))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn shuffle_visits_every_block_once_per_epoch_in_a_new_order() {
        let s = Schedule::new(JobOrder::Shuffle, 50, 3, 2, 7);
        assert_eq!(s.total(), 150);
        let epochs = epochs_of(&s, 50, 3);
        for e in &epochs {
            let mut sorted = e.clone();
            sorted.sort();
            assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        }
        assert_ne!(epochs[0], epochs[1]);
        assert_ne!(epochs[0], (0..50).collect::<Vec<_>>());
        // The same seed gives the same order (one thread + one seed = the same vectors).
        let again = Schedule::new(JobOrder::Shuffle, 50, 3, 2, 7);
        assert_eq!(epochs_of(&again, 50, 3), epochs);
    }

    #[test]
    fn sequential_and_thread_offsets_follow_the_file() {
        let s = Schedule::new(JobOrder::Sequential, 10, 2, 2, 1);
        assert_eq!(s.block(13, 1, 5), 3);
        let s = Schedule::new(JobOrder::ThreadOffsets, 10, 2, 2, 1);
        assert_eq!(s.block(0, 0, 0), 0);
        assert_eq!(s.block(1, 1, 0), 5);
        // Thread 1 reads on past the end of the file into its start.
        assert_eq!(s.block(12, 1, 6), 1);
    }
}
