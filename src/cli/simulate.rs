//! `eisfit simulate`: a circuit's spectrum on a logarithmic grid, optionally with seeded noise.

use super::{parse_assignments, EXIT_OK};
use anyhow::{bail, Context};
use eisfit::simulate::{log_frequencies, proportional_sigma, simulate, Noise};
use eisfit::Circuit;
use std::io::Write;

/// Output formats of `simulate`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum SimOutput {
    /// `frequency_hz,z_real_ohm,z_imag_ohm` rows (true sign of the imaginary part).
    #[default]
    Csv,
    /// One JSON document with the circuit, the parameters and the arrays.
    Json,
}

/// Arguments of `eisfit simulate`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    eisfit simulate --circuit 'R0-p(R1,CPE1)' --params R0=10,R1=100,CPE1.Q=1e-6,CPE1.n=0.9\n  \
    eisfit simulate --circuit 'R(RQ)(RQ)' --params R0=5,R1=8,CPE0.Q=1.4e-6,CPE0.n=0.85,R2=6,CPE1.Q=1.5e-5,CPE1.n=0.9 \\\n      \
    --fmax 1e6 --fmin 1 --noise 0.005 --seed 1 > cell.csv\n  \
    eisfit simulate --circuit 'R0-p(R1,C1)' --params R0=10,R1=100,C1=1e-6 --noise 0.01 --write-sigma > sigma.csv
  \
    eisfit simulate --circuit 'R0-p(R1,C1)' --params R0=10,R1=100,C1=1e-6 --frequencies-from cell.mpt > model.csv")]
pub struct SimulateArgs {
    /// Circuit in impedance.py notation (R0-p(R1,CPE1)) or Boukamp's CDC (R(RQ)).
    #[arg(long)]
    circuit: String,
    /// Every parameter's value, as NAME=VALUE,... (names like R0, CPE1.Q, CPE1.n or CPE1_0).
    #[arg(long)]
    params: String,
    /// Lowest frequency in Hz.
    #[arg(long, default_value_t = 0.1)]
    fmin: f64,
    /// Highest frequency in Hz.
    #[arg(long, default_value_t = 1e6)]
    fmax: f64,
    /// Points per decade of the logarithmic grid.
    #[arg(long, default_value_t = 10)]
    points_per_decade: usize,
    /// Simulate at the frequencies of this spectrum file (its first sweep, in its order) instead of a logarithmic
    /// grid: a model to compare with a measurement point by point.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["fmin", "fmax", "points_per_decade"])]
    frequencies_from: Option<std::path::PathBuf>,
    /// Proportional Gaussian noise, as a relative standard deviation (0.005 = 0.5 %); 0 for none.
    #[arg(long, default_value_t = 0.0)]
    noise: f64,
    /// Seed of the noise generator (same seed, same spectrum).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Also write each point's standard deviations (columns sigma_real_ohm,sigma_imag_ohm: the --noise level times
    /// |Z'| and |Z''| of the noise-free model), for fits with --weight sigma. Needs --noise.
    #[arg(long)]
    write_sigma: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimOutput::Csv)]
    output: SimOutput,
}

/// Runs `eisfit simulate`.
pub fn run(args: SimulateArgs) -> anyhow::Result<u8> {
    let circuit: Circuit = args.circuit.parse().with_context(|| "--circuit")?;
    let params = every_parameter(&circuit, "--params", &args.params)?;
    let freq = match &args.frequencies_from {
        Some(path) => {
            let sweeps = super::fitargs::load(
                path,
                eisfit::io::ReadOptions::default(),
                eisfit::SweepSelection::Index(0),
            )?;
            sweeps
                .sweeps
                .into_iter()
                .next()
                .map(|(_, s)| s.freq_hz().to_vec())
                .with_context(|| format!("{}: no spectrum", path.display()))?
        }
        None => log_frequencies(args.fmax, args.fmin, args.points_per_decade)?,
    };
    let noise = if args.noise > 0.0 {
        Some(Noise::new(args.noise, args.seed)?)
    } else {
        Noise::new(args.noise, args.seed)?; // validates a negative or NaN level
        None
    };
    let mut spectrum = simulate(&circuit, &params, &freq, noise)?;
    if args.write_sigma {
        let Some(n) = noise else {
            bail!("--write-sigma needs --noise above 0: without noise there is no σ to write");
        };
        spectrum = spectrum.with_sigma(proportional_sigma(&circuit.impedance(&params, &freq)?, n.relative()))?;
    }
    let mut out = super::stdout();
    match args.output {
        SimOutput::Csv => {
            let sigma = spectrum.sigma();
            write!(out, "frequency_hz,z_real_ohm,z_imag_ohm")?;
            writeln!(
                out,
                "{}",
                if sigma.is_some() {
                    ",sigma_real_ohm,sigma_imag_ohm"
                } else {
                    ""
                }
            )?;
            for (k, (f, z)) in spectrum.freq_hz().iter().zip(spectrum.z()).enumerate() {
                write!(out, "{f},{},{}", z.re, z.im)?;
                match sigma.and_then(|v| v.get(k)) {
                    Some(e) => writeln!(out, ",{},{}", e.re, e.im)?,
                    None => writeln!(out)?,
                }
            }
        }
        SimOutput::Json => {
            let parameters: serde_json::Map<String, serde_json::Value> = circuit
                .param_names()
                .into_iter()
                .zip(&params)
                .map(|(n, v)| (n, serde_json::json!(v)))
                .collect();
            let mut doc = eisfit::io::spectrum_fields(&spectrum);
            doc.insert("circuit".into(), circuit.to_string().into());
            doc.insert("parameters".into(), parameters.into());
            doc.insert("noise".into(), args.noise.into());
            doc.insert("seed".into(), args.seed.into());
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(EXIT_OK)
}

/// The value of every parameter of `circuit` from `NAME=VALUE,...` given with `option`: each exactly once.
pub fn every_parameter(circuit: &Circuit, option: &str, text: &str) -> anyhow::Result<Vec<f64>> {
    let given = parse_assignments(option, text)?;
    let mut values: Vec<Option<f64>> = vec![None; circuit.n_params()];
    for (name, v) in given {
        let i = circuit.param_index(&name).context(option.to_owned())?;
        if values[i].is_some() {
            bail!("{option}: '{name}' is given twice");
        }
        values[i] = Some(v);
    }
    let missing: Vec<String> = circuit
        .params()
        .iter()
        .zip(&values)
        .filter(|(_, v)| v.is_none())
        .map(|(p, _)| p.name().to_string())
        .collect();
    if !missing.is_empty() {
        bail!("{option}: missing value(s) for {}", missing.join(", "));
    }
    Ok(values.into_iter().flatten().collect())
}
