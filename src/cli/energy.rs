//! `eisfit energy`: volumetric and gravimetric energy density of a cell stack with a sodium- or lithium-metal
//! anode.

use std::io::Write;

use anyhow::Context;
use eisfit::energy::{AnodeMetal, CellStack, Measured};

use super::{OutputFormat, EXIT_OK};

/// Printed after the options by `eisfit energy --help`.
const AFTER_HELP: &str = "\
Every number accepts VALUE or VALUE:STDERR, e.g. --separator-um 50:4; the uncertainties
are propagated to first order, taking the inputs as independent.

Examples:
  # The study's cell 1 at its measured capacity (about 239 Wh/l and 118 Wh/kg)
  eisfit energy --voltage 3.4 --capacity-mah-cm2 2.14 --anode-reservoir-um 36 \\
      --separator-um 50 --cathode-um 200 --cathode-porosity 0.63
  # A lithium-metal anode (density 0.534 g/cm³, 3862 mAh/g)
  eisfit energy --anode-metal lithium --voltage 3.8 --capacity-mah-cm2 3 --anode-reservoir-um 20 \\
      --separator-um 20 --cathode-um 80 --cathode-porosity 0.3
  # Anode-free, with uncertainties, as JSON
  eisfit energy --voltage 3.4 --capacity-mah-cm2 2.5:0.1 --anode-reservoir-um 0 \\
      --separator-um 50:4 --cathode-um 95:5 --cathode-porosity 0.30:0.02 --output json";

/// Arguments of `eisfit energy`. Every number is `VALUE` or `VALUE:STDERR` (a standard uncertainty).
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct EnergyArgs {
    /// Average discharge voltage, V.
    #[arg(long, value_name = "V[:SE]")]
    pub voltage: Measured,
    /// Areal capacity, mAh/cm² (plates C/q/ρ_anode cm of metal on charge; q = 1166 mAh/g for sodium, 3862 for
    /// lithium).
    #[arg(long, value_name = "C[:SE]")]
    pub capacity_mah_cm2: Measured,
    /// The anode metal: sodium or lithium. Sets the specific capacity and the default anode density.
    #[arg(long, value_name = "METAL", default_value = "sodium")]
    pub anode_metal: AnodeMetal,
    /// Metal present in the discharged state, µm (0 for anode-free).
    #[arg(long, value_name = "D[:SE]")]
    pub anode_reservoir_um: Measured,
    /// Separator thickness, µm.
    #[arg(long, value_name = "D[:SE]")]
    pub separator_um: Measured,
    /// Cathode thickness, µm.
    #[arg(long, value_name = "D[:SE]")]
    pub cathode_um: Measured,
    /// Cathode porosity as a fraction in [0, 1) (0.63, not 63), filled with electrolyte.
    #[arg(long, value_name = "P[:SE]")]
    pub cathode_porosity: Measured,
    /// Density of the metal anode, g/cm³ [default: the metal's, 0.968 for sodium, 0.534 for lithium].
    #[arg(long, value_name = "RHO[:SE]")]
    pub rho_anode: Option<Measured>,
    /// Density of the separator, g/cm³.
    #[arg(long, value_name = "RHO[:SE]", default_value = "3.3")]
    pub rho_separator: Measured,
    /// Density of the cathode's solid phase, g/cm³.
    #[arg(long, value_name = "RHO[:SE]", default_value = "3.05")]
    pub rho_cathode_solid: Measured,
    /// Density of the liquid electrolyte in the cathode pores, g/cm³.
    #[arg(long, value_name = "RHO[:SE]", default_value = "1.38")]
    pub rho_electrolyte: Measured,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub output: OutputFormat,
}

/// Runs `eisfit energy`; returns the exit code.
///
/// # Errors
/// An input out of its physical range (exit code 2).
pub fn run(args: EnergyArgs) -> anyhow::Result<u8> {
    let p = args.cathode_porosity.value;
    if (1.0..=100.0).contains(&p) {
        anyhow::bail!(
            "--cathode-porosity {p}: the cathode porosity is given as a fraction in [0, 1): {} for {p} %",
            p / 100.0
        );
    }
    let mut stack = CellStack::new(args.voltage, args.capacity_mah_cm2)
        .with_anode_metal(args.anode_metal)
        .with_anode_reservoir_um(args.anode_reservoir_um)
        .with_separator_um(args.separator_um)
        .with_cathode_um(args.cathode_um)
        .with_cathode_porosity(args.cathode_porosity)
        .with_rho_separator(args.rho_separator)
        .with_rho_cathode_solid(args.rho_cathode_solid)
        .with_rho_electrolyte(args.rho_electrolyte);
    if let Some(rho) = args.rho_anode {
        stack = stack.with_rho_anode(rho);
    }
    let e = stack.energy_density().context("invalid cell stack")?;
    let mut out = super::stdout();
    match args.output {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &e)?;
            writeln!(out)?;
        }
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.serialize(e)?;
            w.flush()?;
        }
        OutputFormat::Table => writeln!(out, "{e}")?,
    }
    out.flush()?;
    Ok(EXIT_OK)
}
