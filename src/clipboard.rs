//! Putting text on the clipboard: inside tmux through `tmux load-buffer -w -`, elsewhere the
//! OSC 52 escape sequence the terminal loop writes (over SSH and through tmux too). The text
//! itself (citation, Markdown, the paragraph pair) comes from the core's `export`.

use crate::text::sanitize;
use base64::Engine as _;

/// The OSC 52 escape sequence that puts `text` on the clipboard: `ESC ] 52 ; c ; <base64>
/// BEL`. Any text is safe inside, being base64. With `tmux`, wrapped in tmux's passthrough
/// (`ESC P tmux; ... ESC \`, the inner ESC doubled) so it reaches the outer terminal (tmux
/// needs `set -g allow-passthrough on`, or `set -g set-clipboard on` for the plain form).
pub fn osc52(text: &str, tmux: bool) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    if tmux {
        format!("\x1bPtmux;\x1b\x1b]52;c;{b64}\x07\x1b\\")
    } else {
        format!("\x1b]52;c;{b64}\x07")
    }
}

/// [`osc52`], wrapped for tmux when `$TMUX` is set (and not empty).
pub fn osc52_env(text: &str) -> String {
    osc52(text, std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()))
}

/// How a copy reached the clipboard, for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Copied {
    /// Loaded into tmux's paste buffer with `tmux load-buffer -w -`, which also hands it to
    /// the outer terminal's clipboard (tmux 3.2 and later, with tmux's default settings).
    TmuxBuffer,
    /// Loaded into tmux's paste buffer only: this tmux is older than 3.2 (no `-w`).
    TmuxBufferOnly,
    /// Outside tmux: this OSC 52 sequence is to be written to the terminal, which puts the
    /// text on the clipboard if it allows programs to (most do; some ask, some refuse).
    Osc52(String),
}

impl Copied {
    /// The status-bar report: what was done with `what` ("citation", "paragraph pair"...).
    pub fn report(&self, what: &str) -> String {
        match self {
            Copied::TmuxBuffer => format!("copied the {what} (tmux buffer and clipboard)"),
            Copied::TmuxBufferOnly => format!("copied the {what} (tmux buffer only: tmux < 3.2)"),
            Copied::Osc52(_) => format!("sent the {what} to the terminal's clipboard (OSC 52)"),
        }
    }
}

/// Puts `text` on the clipboard: inside tmux (`tmux` is `$TMUX`, set and not empty) by
/// piping it to `<program> load-buffer -w -` (`program` is `tmux`, replaceable in tests), so
/// it works with tmux's default settings, where an OSC 52 from a program would be dropped;
/// elsewhere by an OSC 52 sequence for the caller to write. An error says why nothing was
/// copied, for the status bar.
pub fn copy_to_clipboard(text: &str, tmux: bool, program: &str) -> Result<Copied, String> {
    if !tmux {
        return Ok(Copied::Osc52(osc52(text, false)));
    }
    match load_buffer(text, program, true) {
        Ok(()) => Ok(Copied::TmuxBuffer),
        // tmux before 3.2 has no `-w`: the buffer alone, said so
        Err(first) => match load_buffer(text, program, false) {
            Ok(()) => Ok(Copied::TmuxBufferOnly),
            Err(_) => Err(format!("nothing copied: tmux load-buffer failed ({first})")),
        },
    }
}

/// [`copy_to_clipboard`] as the environment says: `$TMUX` and the `tmux` on the `PATH`.
pub fn copy_env(text: &str) -> Result<Copied, String> {
    copy_to_clipboard(text, std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()), "tmux")
}

fn load_buffer(text: &str, program: &str, to_clipboard: bool) -> Result<(), String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(program);
    cmd.arg("load-buffer");
    if to_clipboard {
        cmd.arg("-w");
    }
    cmd.arg("-").stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("{program}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // a broken pipe shows as the exit status below
        let _ = stdin.write_all(text.as_bytes());
    }
    let out = child.wait_with_output().map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let err = sanitize(err.trim());
        Err(if err.is_empty() { out.status.to_string() } else { err.into_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for tmux: a script that records its arguments and stdin, failing when its
    /// arguments contain `fail_on` (an `-w` an old tmux does not know, or everything).
    #[cfg(unix)]
    fn fake_tmux(dir: &std::path::Path, fail_on: &str) -> String {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join("tmux");
        let script = format!(
            "#!/bin/sh\ncase \"$*\" in *{fail_on}*) echo 'unknown flag -w' >&2; exit 1;; esac\n\
             echo \"$*\" > {d}/args\ncat > {d}/buffer\n",
            d = dir.display()
        );
        std::fs::write(&p, script).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p.display().to_string()
    }

    #[cfg(unix)]
    #[test]
    fn copy_in_tmux_loads_the_buffer_and_says_what_was_done() {
        let dir = tempfile::tempdir().unwrap();
        let text = "Renmin Ribao, 5 June 1958, p. 1. 人民日报";
        let prog = fake_tmux(dir.path(), "NEVER");
        let got = copy_to_clipboard(text, true, &prog).unwrap();
        assert_eq!(got, Copied::TmuxBuffer);
        assert_eq!(std::fs::read_to_string(dir.path().join("buffer")).unwrap(), text);
        assert_eq!(std::fs::read_to_string(dir.path().join("args")).unwrap().trim(), "load-buffer -w -");
        assert!(got.report("citation").contains("tmux buffer"));
        // tmux < 3.2: no -w, the buffer alone, and the report says so
        let dir = tempfile::tempdir().unwrap();
        let prog = fake_tmux(dir.path(), "-w");
        let got = copy_to_clipboard(text, true, &prog).unwrap();
        assert_eq!(got, Copied::TmuxBufferOnly);
        assert_eq!(std::fs::read_to_string(dir.path().join("buffer")).unwrap(), text);
        // tmux failing or missing: an error, never "copied"
        let dir = tempfile::tempdir().unwrap();
        let prog = fake_tmux(dir.path(), "load");
        let err = copy_to_clipboard(text, true, &prog).unwrap_err();
        assert!(err.starts_with("nothing copied") && err.contains("unknown flag"), "{err}");
        let err = copy_to_clipboard(text, true, "/nonexistent/tmux").unwrap_err();
        assert!(err.starts_with("nothing copied"), "{err}");
        // outside tmux: the plain OSC 52 sequence, to be written by the terminal loop
        assert_eq!(
            copy_to_clipboard("hi", false, "/nonexistent/tmux"),
            Ok(Copied::Osc52(osc52("hi", false)))
        );
        assert!(!Copied::Osc52(String::new()).report("citation").starts_with("copied"));
    }

    #[test]
    fn osc52_encodes_and_wraps() {
        assert_eq!(osc52("hi", false), "\x1b]52;c;aGk=\x07");
        assert_eq!(osc52("hi", true), "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\");
        let s = osc52("\x1b[31m人民\x07", false);
        assert_eq!(s.matches('\x1b').count(), 1);
        assert_eq!(s.matches('\x07').count(), 1);
    }
}
