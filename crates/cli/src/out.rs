//! Standard output for every command. Commands print through `out!` and
//! `outln!`, which write and flush and keep the first error instead of
//! panicking (`println!` panics when the reader of a pipe has gone, as in
//! `drawdown check | head -1`). Once a write has failed, later output is
//! dropped; `main` then ends the run: quietly, with the command's own exit
//! status, when the pipe was closed (the reader wanted no more), with an
//! error and status 1 for any other failure (a full disk).

use std::io::Write;
use std::process::ExitCode;
use std::sync::Mutex;

/// The first write error, if any.
static FAILED: Mutex<Option<std::io::Error>> = Mutex::new(None);

/// Writes `text` to standard output and flushes it; an error is kept for `finish`.
pub fn write_str(text: &str) {
    let mut failed = FAILED.lock().unwrap_or_else(|e| e.into_inner());
    if failed.is_some() {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        *failed = Some(e);
    }
}

/// The exit status of a run that returned `code`, given how its output went.
pub fn finish(code: ExitCode) -> ExitCode {
    match FAILED.lock().unwrap_or_else(|e| e.into_inner()).take() {
        None => code,
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Some(e) => {
            eprintln!("error: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}

/// `print!` that does not panic on a closed pipe (see the module's doc).
macro_rules! out {
    ($($arg:tt)*) => { $crate::out::write_str(&format!($($arg)*)) };
}

/// `println!` that does not panic on a closed pipe (see the module's doc).
macro_rules! outln {
    () => { $crate::out::write_str("\n") };
    ($($arg:tt)*) => { $crate::out::write_str(&format!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use {out, outln};
