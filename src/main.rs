//! Parses arguments, runs the library, maps errors to exit codes. No logic lives here.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let cancel = wordlens::progress::Cancel::new();
    let on_signal = cancel.clone();
    // First Ctrl-C asks running work to stop cleanly; the work returns `Cancelled`.
    let _ = ctrlc::set_handler(move || on_signal.cancel());
    match cli::run(cli, cancel) {
        Ok(()) => ExitCode::SUCCESS,
        Err(wordlens::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wordlens: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
