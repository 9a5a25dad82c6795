//! The `eisfit` command-line tool: a thin shell over the library.

use clap::{Parser, Subcommand};

/// Fit equivalent circuits to electrochemical impedance spectra.
#[derive(Parser)]
#[command(name = "eisfit", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {}

fn main() {
    let cli = Cli::parse();
    match cli.command {}
}
