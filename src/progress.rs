//! Progress reporting and cancellation shared by all long work. The library never prints:
//! it reports to a `Progress` sink (the CLI draws a bar, the TUI sends a message) and checks a
//! `Cancel` flag between units of work.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// One progress report: `done` of `total` units of `stage`, plus named figures
/// (learning rate, loss, ...) that the sink may show.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub stage: &'a str,
    pub done: u64,
    pub total: u64,
    pub metrics: &'a [(&'a str, f64)],
}

/// Receives progress reports. Called from the thread that started the job, roughly every
/// 100 ms, never from worker threads.
pub trait Progress: Sync {
    /// Takes one report.
    fn report(&self, report: &Report<'_>);
    /// The stage is over (the bar can be cleared).
    fn finish(&self, _stage: &str) {}
    /// Something the user should know that is not an error (files a folder's read skipped).
    fn note(&self, _message: &str) {}
}

/// A sink that drops every report (tests, quiet runs).
pub struct Silent;

impl Progress for Silent {
    fn report(&self, _report: &Report<'_>) {}
}

/// A cancel flag shared between the caller and the job; cheap to clone. A child flag (one
/// job of many) is also set when its parent (quitting) is.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    own: Arc<AtomicBool>,
    /// The flags of every ancestor: cancelling any of them cancels this one.
    ancestors: Vec<Arc<AtomicBool>>,
}

impl Cancel {
    /// A flag not yet set.
    pub fn new() -> Self {
        Self::default()
    }
    /// A flag that `cancel` on it sets alone, and that cancelling `self` (or any flag `self`
    /// descends from) sets too.
    pub fn child(&self) -> Self {
        let mut ancestors = self.ancestors.clone();
        ancestors.push(self.own.clone());
        Self {
            own: Arc::new(AtomicBool::new(false)),
            ancestors,
        }
    }
    /// Sets the flag.
    pub fn cancel(&self) {
        self.own.store(true, Ordering::Relaxed);
    }
    /// Whether this flag, or one of its ancestors, is set.
    pub fn is_cancelled(&self) -> bool {
        self.own.load(Ordering::Relaxed) || self.ancestors.iter().any(|p| p.load(Ordering::Relaxed))
    }
    /// `Err(Cancelled)` once the flag is set, for use with `?` between units of work.
    pub fn check(&self) -> crate::Result<()> {
        if self.is_cancelled() {
            Err(crate::Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_is_cancelled_by_its_parent_but_not_the_other_way() {
        let quit = Cancel::new();
        let training = quit.child();
        training.cancel();
        assert!(training.is_cancelled() && !quit.is_cancelled());
        let next = quit.child();
        assert!(!next.is_cancelled());
        quit.cancel();
        assert!(next.is_cancelled() && next.clone().is_cancelled());
    }

    #[test]
    fn quitting_reaches_a_grandchild() {
        // quit → the TUI session → a training in it.
        let quit = Cancel::new();
        let session = quit.child();
        let training = session.child();
        let sibling = quit.child();
        training.cancel();
        assert!(!session.is_cancelled() && !sibling.is_cancelled());
        let training = session.child();
        session.cancel();
        assert!(training.is_cancelled() && !sibling.is_cancelled() && !quit.is_cancelled());
        let later = quit.child().child();
        quit.cancel();
        assert!(later.is_cancelled() && sibling.is_cancelled());
    }
}
