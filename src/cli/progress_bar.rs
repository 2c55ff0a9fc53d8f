//! The CLI's progress sink: an indicatif bar with rate and ETA per stage (hidden when stderr
//! is not a terminal, or with --quiet).

use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wordlens::progress::{Progress, Report};

pub struct Bar {
    quiet: bool,
    current: Mutex<Option<(String, ProgressBar)>>,
}

impl Bar {
    pub fn new(quiet: bool) -> Self {
        Self {
            quiet,
            current: Mutex::new(None),
        }
    }

    fn make(&self, report: &Report<'_>) -> ProgressBar {
        let bar = if report.total > 0 {
            ProgressBar::new(report.total).with_style(
                ProgressStyle::with_template(
                    "{prefix:>16} [{bar:30}] {percent:>3}% {human_pos}/{human_len}  {per_sec}  ETA {eta}  {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            )
        } else {
            ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template(
                    "{prefix:>16} {spinner} {human_pos} tokens  {per_sec}  {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            )
        };
        if self.quiet {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_prefix(report.stage.to_string());
        bar
    }
}

impl Progress for Bar {
    fn note(&self, message: &str) {
        if !self.quiet {
            eprintln!("note: {message}");
        }
    }

    fn report(&self, report: &Report<'_>) {
        let Ok(mut current) = self.current.lock() else {
            return;
        };
        if current
            .as_ref()
            .is_none_or(|(stage, _)| stage != report.stage)
        {
            if let Some((_, old)) = current.take() {
                old.finish_and_clear();
            }
            *current = Some((report.stage.to_string(), self.make(report)));
        }
        if let Some((_, bar)) = current.as_ref() {
            bar.set_position(report.done);
            let msg: Vec<String> = report
                .metrics
                .iter()
                .filter(|(_, v)| v.is_finite())
                .map(|(k, v)| {
                    if v.fract() == 0.0 && v.abs() >= 1.0 {
                        format!("{k} {v}")
                    } else if v.abs() < 0.01 {
                        format!("{k} {v:.5}")
                    } else {
                        format!("{k} {v:.4}")
                    }
                })
                .collect();
            bar.set_message(msg.join("  "));
        }
    }

    fn finish(&self, stage: &str) {
        if let Ok(mut current) = self.current.lock()
            && current.as_ref().is_some_and(|(s, _)| s == stage)
            && let Some((_, bar)) = current.take()
        {
            bar.finish_and_clear();
        }
    }
}
