//! Subcommands of the `eisfit` binary. Each submodule holds one subcommand's clap arguments and its `run`.
//!
//! The binary only parses arguments, calls the library and formats output; all computation lives in the crate.

pub mod arrhenius;
pub mod drt;
pub mod energy;
pub mod fit;
pub mod fitargs;
pub mod format;
pub mod identify;
pub mod plot;
pub mod read;
pub mod reuse;
pub mod series;
pub mod simulate;
pub mod spectra;
pub mod validate;

use std::process::ExitCode;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the command ran, but at least one fit did not converge.
pub const EXIT_NOT_CONVERGED: u8 = 1;
/// Exit code: bad usage or unreadable input.
pub const EXIT_USAGE: u8 = 2;

/// How results are written to stdout.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum OutputFormat {
    /// Aligned, human-readable table.
    #[default]
    Table,
    /// One JSON document on stdout, for programs.
    Json,
    /// Comma-separated values, for spreadsheets.
    Csv,
}

/// Converts a numeric exit code into an [`ExitCode`].
pub fn exit(code: u8) -> ExitCode {
    ExitCode::from(code)
}

/// Parses a comma-separated list of `NAME=VALUE` pairs (`R0=10,CPE1.n=0.9`).
///
/// Errors name the offending item and say what was expected.
pub fn parse_assignments(option: &str, s: &str) -> anyhow::Result<Vec<(String, f64)>> {
    let mut out = Vec::new();
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let Some((name, value)) = item.split_once('=') else {
            anyhow::bail!("{option}: expected NAME=VALUE, got '{item}'");
        };
        let v: f64 = value
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{option}: '{}' is not a number (in '{item}')", value.trim()))?;
        if !v.is_finite() {
            anyhow::bail!("{option}: value of '{}' must be finite, got {v}", name.trim());
        }
        out.push((name.trim().to_string(), v));
    }
    Ok(out)
}

/// Standard output, block-buffered: stdout's own line buffering costs a system call per line of JSON or CSV,
/// which over a batch of fits took longer than the fits. Callers flush it at the end to see write errors.
/// Unlocked (each 64 KiB flush takes the lock), so `eisfit fit` can write it from a pool thread.
pub fn stdout() -> std::io::BufWriter<std::io::Stdout> {
    std::io::BufWriter::with_capacity(1 << 16, std::io::stdout())
}
