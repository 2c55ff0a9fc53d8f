//! The one library error type. Every variant that comes from input says where: the file and
//! the line (text formats) or byte offset (binary formats), and what was expected there.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a file something went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// 1-based line number.
    Line(u64),
    /// 0-based byte offset.
    Byte(u64),
    /// The file as a whole (e.g. it is empty).
    Whole,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line(n) => write!(f, ":{n}"),
            Position::Byte(n) => write!(f, " (byte {n})"),
            Position::Whole => Ok(()),
        }
    }
}

/// Every error wordlens reports; input errors name the file and the line or byte.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed at the operating-system level.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file's content is not what the format allows.
    #[error("{}{at}: {message}", path.display())]
    Input {
        path: PathBuf,
        at: Position,
        message: String,
    },
    /// A setting (config key or flag) has a bad value.
    #[error("config: {key}: {message}")]
    Config { key: String, message: String },
    /// The request cannot be carried out with these arguments.
    #[error("{0}")]
    Usage(String),
    /// A server (the model hub) could not be reached, refused, or sent what it should not.
    #[error("{url}: {message}")]
    Remote { url: String, message: String },
    /// The user cancelled (Ctrl-C, or the TUI's cancel).
    #[error("cancelled")]
    Cancelled,
    /// A bug in wordlens (a worker thread panicked, a value that cannot fail to encode did):
    /// nothing the user typed or gave is at fault.
    #[error(
        "internal error: {0}. This is a bug in wordlens; please report it with the command you ran"
    )]
    Internal(String),
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// Bad input at line `line` (1-based) of `path`.
    pub fn at_line(path: impl AsRef<Path>, line: u64, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.as_ref().to_path_buf(),
            at: Position::Line(line),
            message: message.into(),
        }
    }

    /// Bad input at byte `offset` of `path`.
    pub fn at_byte(path: impl AsRef<Path>, offset: u64, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.as_ref().to_path_buf(),
            at: Position::Byte(offset),
            message: message.into(),
        }
    }

    /// Bad input in `path` as a whole.
    pub fn in_file(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.as_ref().to_path_buf(),
            at: Position::Whole,
            message: message.into(),
        }
    }

    /// A bad setting, named by its config key (`word2vec.dim`).
    pub fn config(key: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Config {
            key: key.into(),
            message: message.into(),
        }
    }

    /// A failure of the server at `url`.
    pub fn remote(url: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Remote {
            url: url.into(),
            message: message.into(),
        }
    }

    /// The process exit code for this error (see the table in docs/reference.md).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Io { .. } => 1,
            Error::Usage(_) | Error::Config { .. } => 2,
            Error::Input { .. } => 3,
            // EX_UNAVAILABLE from sysexits.h: a service is unavailable or misbehaved.
            Error::Remote { .. } => 69,
            Error::Cancelled => 130,
            // EX_SOFTWARE from sysexits.h: an internal software error.
            Error::Internal(_) => 70,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_exits_70_and_asks_for_a_bug_report() {
        let e = Error::Internal("a training thread panicked".into());
        assert_eq!(e.exit_code(), 70);
        let msg = e.to_string();
        assert!(
            msg.starts_with("internal error: a training thread panicked.")
                && msg.contains("bug")
                && msg.contains("the command you ran"),
            "{msg}"
        );
        // What the user typed stays a usage error (2).
        assert_eq!(
            Error::Usage("--folds needs at least 2".into()).exit_code(),
            2
        );
    }
}
