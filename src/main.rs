//! The `eisfit` command-line tool: a thin shell over the library.
//!
//! Exit codes: 0 success; 1 the command ran but at least one fit did not converge; 2 bad usage or unreadable input.

mod cli;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Fit equivalent circuits to electrochemical impedance spectra.
#[derive(Parser)]
#[command(name = "eisfit", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read a potentiostat file and show its format, sweeps, points, frequency range and metadata.
    Read(cli::read::ReadArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<u8> = match cli.command {
        Command::Read(args) => cli::read::run(args),
    };
    match result {
        Ok(code) => cli::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            cli::exit(cli::EXIT_USAGE)
        }
    }
}
