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
    /// Fit a circuit to one or more spectra (any supported file format), in parallel.
    Fit(cli::fit::FitCmdArgs),
    /// Plot a spectrum as SVG (Nyquist, Bode, residuals), with a fit from a JSON result or a circuit.
    Plot(cli::plot::PlotArgs),
    /// Fit a temperature series, derive areal resistances and conductivity, and fit the Arrhenius law.
    Series(cli::series::SeriesArgs),
    /// Simulate a circuit's spectrum on a logarithmic frequency grid, optionally with seeded noise.
    Simulate(cli::simulate::SimulateArgs),
    /// Fit an Arrhenius law to a table of resistances or conductivities against temperature.
    Arrhenius(cli::arrhenius::ArrheniusArgs),
    /// Volumetric and gravimetric energy density of a cell stack with a sodium-metal anode.
    Energy(cli::energy::EnergyArgs),
    /// Read a potentiostat file and show its format, sweeps, points, frequency range and metadata.
    Read(cli::read::ReadArgs),
    /// Linear Kramers-Kronig test (Lin-KK): are the spectra valid (linear, causal, stable)?
    Validate(cli::validate::ValidateArgs),
    /// Distribution of relaxation times (DRT) by Tikhonov regularisation: peaks, resistances, R_inf.
    Drt(cli::drt::DrtArgs),
    /// Rank candidate circuits for each spectrum by an information criterion, with physics filters.
    Identify(cli::identify::IdentifyArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<u8> = match cli.command {
        Command::Fit(args) => cli::fit::run(args),
        Command::Series(args) => cli::series::run(args),
        Command::Plot(args) => cli::plot::run(args),
        Command::Simulate(args) => cli::simulate::run(args),
        Command::Arrhenius(args) => cli::arrhenius::run(args),
        Command::Energy(args) => cli::energy::run(args),
        Command::Read(args) => cli::read::run(args),
        Command::Validate(args) => cli::validate::run(args),
        Command::Drt(args) => cli::drt::run(args),
        Command::Identify(args) => cli::identify::run(args),
    };
    match result {
        Ok(code) => cli::exit(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                // The reader of our output went away (`eisfit read ... | head`): not an error of ours.
                return cli::exit(cli::EXIT_OK);
            }
            eprintln!("error: {}", error_message(&e));
            cli::exit(cli::EXIT_USAGE)
        }
    }
}

/// The error and its causes, each cause added only when its text is not already part of the message (errors that
/// embed their source in their own text would otherwise repeat it).
fn error_message(e: &anyhow::Error) -> String {
    let mut msg = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    msg
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
