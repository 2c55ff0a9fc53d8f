//! Opening a search hit in the user's editor at its passage's line: `$VISUAL`, else
//! `$EDITOR`, with the `+LINE FILE` arguments vi, vim, nano, emacs, micro, helix and kakoune
//! all read. The TUI leaves the screen while the editor runs and comes back to the search.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// The editor the environment names: `$VISUAL`, else `$EDITOR` (None: neither is set).
pub fn from_env() -> Option<String> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|e| !e.trim().is_empty())
}

/// The command that opens `path` at `line` in `editor` (which may carry its own arguments,
/// as `code --wait`).
pub fn command(editor: &str, path: &Path, line: u32) -> Option<Command> {
    let mut words = editor.split_whitespace();
    let mut cmd = Command::new(words.next()?);
    cmd.args(words).arg(format!("+{}", line.max(1))).arg(path);
    Some(cmd)
}

/// The file a hit's id names in the collection at `data`: a folder's file (its id is its
/// path in the folder), or the collection file itself (a row of a CSV has no file of its own).
pub fn file_of(data: &Path, id: &str) -> PathBuf {
    if data.is_dir() {
        data.join(id)
    } else {
        data.to_path_buf()
    }
}

/// Runs `editor` on `path` at `line` and waits for it; an error names the editor when it
/// cannot start or fails.
pub fn open(editor: &str, path: &Path, line: u32) -> Result<()> {
    let mut cmd = command(editor, path, line)
        .ok_or_else(|| Error::Usage("no editor: set $VISUAL or $EDITOR".into()))?;
    let status = cmd
        .status()
        .map_err(|e| Error::Usage(format!("cannot start the editor {editor:?}: {e}")))?;
    if !status.success() {
        return Err(Error::Usage(format!(
            "the editor {editor:?} exited with {status}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_puts_the_line_before_the_file() {
        let cmd = command("code --wait", Path::new("notes/a.md"), 42).unwrap();
        assert_eq!(cmd.get_program(), "code");
        let args: Vec<_> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args, ["--wait", "+42", "notes/a.md"]);
        assert!(command("  ", Path::new("a"), 1).is_none());
        assert_eq!(file_of(Path::new("x.csv"), "row-3"), PathBuf::from("x.csv"));
    }
}
