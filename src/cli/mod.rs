//! Subcommands of the `eisfit` binary. Each submodule holds one subcommand's clap arguments and its `run`.
//!
//! The binary only parses arguments, calls the library and formats output; all computation lives in the crate.

use std::process::ExitCode;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the command ran, but at least one fit did not converge.
#[allow(dead_code)] // used by `fit` and `series`
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

pub mod read;
