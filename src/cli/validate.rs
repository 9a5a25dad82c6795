//! `eisfit validate FILE...`: the linear Kramers–Kronig test of every selected sweep of every file.

use super::plot::check_svg_path;
use super::spectra::{read_all, short_name, PlotNames};
use super::{OutputFormat, EXIT_NOT_CONVERGED, EXIT_OK, EXIT_USAGE};
use anyhow::Context;
use eisfit::io::SweepSelection;
use eisfit::record::LinKkRecord;
use eisfit::validation::{Immittance, RcSelection};
use eisfit::{lin_kk, LinKk, LinKkOptions};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `eisfit validate`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exit codes: 0 every spectrum valid, 1 at least one is not, 2 bad input.\n\nExamples:\n  \
    eisfit validate cell.mpt                              valid or not, with the statistics\n  \
    eisfit validate run_*.DTA --sweep all --output json   every sweep of every file, residuals included\n  \
    eisfit validate cell.mpt --fmin 0.1 --plot kk.svg     drop the lowest frequencies, plot the residuals"
)]
pub struct ValidateArgs {
    /// Files to test (any supported potentiostat format).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Lowest frequency to use, in Hz.
    #[arg(long)]
    fmin: Option<f64>,
    /// Highest frequency to use, in Hz.
    #[arg(long)]
    fmax: Option<f64>,
    /// Which sweep: a 0-based index or `all`.
    #[arg(long, default_value = "0")]
    sweep: SweepSelection,
    /// Reader: `auto` (detect) or a format name.
    #[arg(long, default_value = "auto")]
    format: String,
    /// Use exactly N RC elements instead of choosing the number automatically.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000))]
    n_rc: Option<u64>,
    /// Test the impedance or the admittance only (default: both, keeping the better fit).
    #[arg(long, value_enum)]
    immittance: Option<ImmittanceArg>,
    /// Output: table for people, json (an array, one object per spectrum, residuals included) or csv (one row
    /// per spectrum).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    output: OutputFormat,
    /// Write an SVG of the residuals (FILE_<input>.svg for each of several spectra).
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    #[command(flatten)]
    plot_size: super::plot::PlotSizeArg,
}

/// `--immittance`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ImmittanceArg {
    /// Z: a Voigt series.
    Impedance,
    /// Y = 1/Z: series-RC branches in parallel.
    Admittance,
}

/// Runs `eisfit validate`; returns 0 when every spectrum is valid, 1 when one is not, 2 when one could not be
/// tested.
pub fn run(args: ValidateArgs) -> anyhow::Result<u8> {
    if let Some(p) = &args.plot {
        check_svg_path("--plot", p)?;
    }
    let inputs = read_all(&args.files, &args.format, args.sweep, args.fmin, args.fmax)?;
    let mut options = LinKkOptions::default();
    if let Some(n) = args.n_rc {
        options = options.with_selection(RcSelection::Fixed(usize::try_from(n).unwrap_or(usize::MAX)));
    }
    if let Some(i) = args.immittance {
        options = options.with_immittance(match i {
            ImmittanceArg::Impedance => Immittance::Impedance,
            ImmittanceArg::Admittance => Immittance::Admittance,
        });
    }
    let run_one = |inp: &super::spectra::Input| {
        let s = inp.spectrum.as_ref().map_err(Clone::clone)?;
        lin_kk(s, &options).map_err(|e| format!("{} (sweep {}): {e}", inp.file.display(), inp.sweep))
    };
    // A thread pool costs more to start than one test takes: only several spectra go in parallel.
    let results: Vec<Result<LinKk, String>> = if inputs.len() > 1 {
        inputs.par_iter().map(run_one).collect()
    } else {
        inputs.iter().map(run_one).collect()
    };
    let mut out = super::stdout();
    let ok: Vec<(&super::spectra::Input, &LinKk)> = inputs
        .iter()
        .zip(&results)
        .filter_map(|(i, r)| r.as_ref().ok().map(|r| (i, r)))
        .collect();
    match args.output {
        OutputFormat::Json => {
            let docs: Vec<LinKkRecord> = ok
                .iter()
                .map(|(i, r)| LinKkRecord::new(r).with_source(i.file.display().to_string(), i.sweep))
                .collect();
            serde_json::to_writer(&mut out, &docs)?;
            writeln!(out)?;
        }
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record([
                "file",
                "sweep",
                "valid",
                "n_rc",
                "mu",
                "pseudo_chi2",
                "max_abs_residual",
                "noise_ratio",
                "immittance",
            ])?;
            for (i, r) in &ok {
                w.write_record([
                    i.file.display().to_string(),
                    i.sweep.to_string(),
                    r.valid.to_string(),
                    r.n_rc.to_string(),
                    format!("{:?}", r.mu),
                    format!("{:e}", r.pseudo_chi2),
                    format!("{:e}", r.max_abs_residual),
                    format!("{:?}", r.noise_ratio),
                    immittance_name(r.model.immittance).to_string(),
                ])?;
            }
            w.flush()?;
        }
        OutputFormat::Table => {
            for (i, r) in &ok {
                write_table(&mut out, &format!("{} (sweep {})", i.file.display(), i.sweep), r)?;
            }
        }
    }
    out.flush().context("writing to stdout")?;
    if let Some(path) = &args.plot {
        let mut names = PlotNames::new(path, args.files.len(), args.sweep);
        for (i, r) in &ok {
            let target = names.next(&i.file, i.sweep);
            let s = i.spectrum.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
            let plot = eisfit::plot::SpectrumPlot::new(s)
                .with_label(short_name(&i.file))
                .with_title(format!("Lin-KK residuals, {} RC ({})", r.n_rc, verdict(r)))
                .with_residuals(&r.freq_hz, &r.residual_real, &r.residual_imag)?;
            args.plot_size
                .size
                .spectrum(plot, false)
                .write_residuals(&target)
                .with_context(|| format!("writing {}", target.display()))?;
            eprintln!("wrote {}", target.display());
        }
    }
    let mut failed = false;
    for r in &results {
        if let Err(e) = r {
            eprintln!("error: {e}");
            failed = true;
        }
    }
    Ok(if failed {
        EXIT_USAGE
    } else if ok.iter().any(|(_, r)| !r.valid) {
        EXIT_NOT_CONVERGED
    } else {
        EXIT_OK
    })
}

fn immittance_name(i: Immittance) -> &'static str {
    match i {
        Immittance::Impedance => "impedance",
        Immittance::Admittance => "admittance",
    }
}

fn verdict(r: &LinKk) -> &'static str {
    if r.valid {
        "valid"
    } else {
        "NOT valid"
    }
}

fn write_table(out: &mut impl Write, label: &str, r: &LinKk) -> std::io::Result<()> {
    writeln!(out, "{label}: {}", verdict(r))?;
    writeln!(
        out,
        "  {} RC elements ({} form), mu = {:.3}",
        r.n_rc,
        immittance_name(r.model.immittance),
        r.mu
    )?;
    writeln!(
        out,
        "  pseudo-chi2/dof = {:.3e} (rms residual {:.3} %), noise estimate {:.3} %, ratio {:.2}",
        r.pseudo_chi2,
        100.0 * r.pseudo_chi2.sqrt(),
        100.0 * r.noise_variance.sqrt(),
        r.noise_ratio
    )?;
    writeln!(out, "  max |residual| = {:.3} % of |Z|", 100.0 * r.max_abs_residual)?;
    if !r.valid {
        writeln!(
            out,
            "  the residuals have smooth structure beyond the noise: drift, non-linearity or an unsteady system"
        )?;
    }
    Ok(())
}
