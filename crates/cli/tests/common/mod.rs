//! Helpers shared by the tests that run the `drawdown` binary.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// The toy scenario used across the engine and CLI tests.
pub fn toy() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/fixtures/toy.toml").display().to_string()
}

/// Runs the binary: (exit code, stdout, stderr).
pub fn drawdown(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_drawdown")).args(args).output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Runs the binary, asserts success and parses its JSON output.
pub fn json(args: &[&str]) -> Value {
    let (code, out, err) = drawdown(args);
    assert_eq!(code, 0, "stderr: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}
