//! `eisfit plot FILE [--fit RESULT.json | --circuit C]`: SVG plots of a spectrum, with a fit if one is given.

use super::fitargs::{load, InputArgs};
use super::EXIT_OK;
use anyhow::{bail, Context};
use eisfit::io::{Format, SweepSelection};
use eisfit::num_complex::Complex64;
use eisfit::plot::SpectrumPlot;
use eisfit::{fit, Circuit, FitOptions};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Which plot to write.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlotKind {
    /// Nyquist, Bode magnitude and phase, and residuals (when a fit is given) in one figure.
    Report,
    /// Nyquist plot only (equal axis scales, −Z″ up).
    Nyquist,
    /// Bode magnitude and phase.
    Bode,
    /// Relative residuals of the fit.
    Residuals,
}

/// Arguments of `eisfit plot`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    eisfit plot data/randles.csv                                  # the data alone\n  \
    eisfit plot data/randles.csv --circuit 'R0-p(C1,R1-W1)'        # fit, then plot data and fit\n  \
    eisfit fit cell.mpt --circuit 'R(RQ)(RQ)' --output json > fit.json\n  \
    eisfit plot cell.mpt --fit fit.json --kind nyquist -o nyquist.svg")]
pub struct PlotArgs {
    /// The spectrum file (any supported format).
    file: PathBuf,
    /// A fit result written by `eisfit fit --output json`; the entry for this file and sweep is plotted.
    #[arg(long, value_name = "RESULT.json", conflicts_with = "circuit")]
    fit: Option<PathBuf>,
    /// Fit this circuit (automatic start values) and plot the fit.
    #[arg(long)]
    circuit: Option<String>,
    /// Which plot.
    #[arg(long, value_enum, default_value_t = PlotKind::Report)]
    kind: PlotKind,
    /// Output SVG [default: the input file name with .svg].
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Reader: auto or a format name.
    #[arg(long, default_value = "auto")]
    format: String,
    /// Which sweep: a 0-based index, or `all` to overlay every sweep of the file (data only).
    #[arg(long, default_value = "0")]
    sweep: SweepSelection,
    #[command(flatten)]
    input: InputArgs,
}

/// Circuit and parameter values of the entry in a fit JSON that matches `file` and `sweep` (or the only entry).
fn fit_from_json(path: &Path, file: &Path, sweep: usize) -> anyhow::Result<(Circuit, Vec<f64>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let doc: Value = serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
    let entries: Vec<&Value> = match &doc {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) => vec![&doc],
        _ => bail!(
            "{}: expected the JSON written by `eisfit fit --output json`",
            path.display()
        ),
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let matches = |e: &&&Value| {
        e["file"].as_str().is_some_and(|f| f.ends_with(&name)) && e["sweep"].as_u64().unwrap_or(0) == sweep as u64
    };
    let entry = match entries.iter().find(matches) {
        Some(e) => *e,
        None if entries.len() == 1 => entries[0],
        None => bail!(
            "{}: no fit for {} (sweep {sweep}) among {} entries",
            path.display(),
            name,
            entries.len()
        ),
    };
    let circuit: Circuit = entry["circuit"]
        .as_str()
        .with_context(|| format!("{}: the fit has no \"circuit\"", path.display()))?
        .parse()
        .with_context(|| format!("{}: \"circuit\"", path.display()))?;
    let mut values = vec![f64::NAN; circuit.n_params()];
    for p in entry["parameters"].as_array().into_iter().flatten() {
        let (Some(n), Some(v)) = (p["name"].as_str(), p["value"].as_f64()) else {
            bail!("{}: a parameter without name or value", path.display());
        };
        values[circuit.param_index(n).with_context(|| path.display().to_string())?] = v;
    }
    if values.iter().any(|v| v.is_nan()) {
        bail!("{}: the fit does not give every parameter of {circuit}", path.display());
    }
    Ok((circuit, values))
}

/// Runs `eisfit plot`.
pub fn run(args: PlotArgs) -> anyhow::Result<u8> {
    let format = Format::from_choice(&args.format)?;
    let mut sweeps = load(&args.file, args.input.options(format), args.sweep)?.sweeps;
    let label = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if sweeps.len() > 1 {
        if args.fit.is_some() || args.circuit.is_some() {
            bail!(
                "{}: a fit is plotted for one sweep at a time; give --sweep N (the file has {} sweeps)",
                args.file.display(),
                sweeps.len()
            );
        }
        if args.kind == PlotKind::Residuals {
            bail!("--kind residuals needs a fit: give --fit RESULT.json or --circuit, and --sweep N");
        }
        let mut plot = SpectrumPlot::new(&sweeps[0].1).with_label(format!("{label} (sweep {})", sweeps[0].0));
        for (i, s) in &sweeps[1..] {
            plot = plot.with_spectrum(s, format!("sweep {i}"));
        }
        let out = args.output.clone().unwrap_or_else(|| args.file.with_extension("svg"));
        match args.kind {
            PlotKind::Bode => plot.write_bode(&out),
            _ => plot.write_nyquist(&out),
        }
        .with_context(|| format!("writing {}", out.display()))?;
        eprintln!("wrote {} ({} sweeps)", out.display(), sweeps.len());
        return Ok(EXIT_OK);
    }
    let Some((sweep, spectrum)) = sweeps.pop() else {
        bail!("{}: no sweep {:?}", args.file.display(), args.sweep);
    };
    let model: Option<(Circuit, Vec<f64>)> = match (&args.fit, &args.circuit) {
        (Some(json), _) => Some(fit_from_json(json, &args.file, sweep)?),
        (None, Some(c)) => {
            let circuit: Circuit = c.parse().context("--circuit")?;
            let report = fit(&circuit, &spectrum, &FitOptions::default())?;
            if !report.converged {
                eprintln!(
                    "warning: the fit did not converge ({}); plotting it anyway",
                    report.termination
                );
            }
            let v = report.values();
            Some((circuit, v))
        }
        (None, None) => None,
    };
    let mut plot = SpectrumPlot::new(&spectrum).with_label(label);
    if let Some((circuit, values)) = &model {
        let (lo, hi) = spectrum.frequency_range();
        let n = (((hi / lo).log10() * 20.0).ceil() as usize).clamp(20, 2000);
        let dense: Vec<f64> = (0..=n).map(|i| hi * (lo / hi).powf(i as f64 / n as f64)).collect();
        let zm = circuit.impedance(values, &dense)?;
        let at_data = circuit.impedance(values, spectrum.freq_hz())?;
        let rel = |d: &Complex64, m: &Complex64| (d - m) / m.norm();
        let re: Vec<f64> = spectrum.z().iter().zip(&at_data).map(|(d, m)| rel(d, m).re).collect();
        let im: Vec<f64> = spectrum.z().iter().zip(&at_data).map(|(d, m)| rel(d, m).im).collect();
        plot = plot
            .with_model(&dense, &zm, format!("fit: {circuit}"))?
            .with_residuals(spectrum.freq_hz(), &re, &im)?;
    } else if args.kind == PlotKind::Residuals {
        bail!("--kind residuals needs a fit: give --fit RESULT.json or --circuit");
    }
    let out = args.output.clone().unwrap_or_else(|| args.file.with_extension("svg"));
    match args.kind {
        PlotKind::Report if model.is_some() => plot.write_report(&out),
        PlotKind::Report | PlotKind::Nyquist => plot.write_nyquist(&out),
        PlotKind::Bode => plot.write_bode(&out),
        PlotKind::Residuals => plot.write_residuals(&out),
    }
    .with_context(|| format!("writing {}", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(EXIT_OK)
}
