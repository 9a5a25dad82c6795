//! `eisfit drt FILE...`: the distribution of relaxation times of every selected sweep of every file.

use super::format::eng;
use super::plot::check_svg_path;
use super::spectra::{read_all, short_name, PlotNames};
use super::{OutputFormat, EXIT_OK, EXIT_USAGE};
use anyhow::Context;
use eisfit::io::SweepSelection;
use eisfit::record::DrtRecord;
use eisfit::{drt, Drt, DrtOptions};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;

/// `--lambda auto|VALUE`.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum LambdaArg {
    /// Chosen by mGCV.
    Auto,
    /// This relative λ.
    Value(f64),
}

fn parse_lambda(s: &str) -> Result<LambdaArg, String> {
    if s.trim().eq_ignore_ascii_case("auto") {
        return Ok(LambdaArg::Auto);
    }
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(LambdaArg::Value(v)),
        _ => Err(format!("expected `auto` or a positive number, got '{s}'")),
    }
}

/// Arguments of `eisfit drt`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Exit codes: 0 success, 2 bad input.\n\nExamples:\n  \
    eisfit drt cell.mpt                                  peaks (tau, f, R), R_inf, R_pol, lambda\n  \
    eisfit drt cell.mpt --output json > drt.json         gamma on its tau grid, peaks, band\n  \
    eisfit drt cell.mpt --fmin 0.1 --plot drt.svg        drop the lowest frequencies, plot gamma")]
pub struct DrtArgs {
    /// Files to analyse (any supported potentiostat format).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Regularisation: `auto` (modified GCV) or a value relative to the problem's scale (as reported).
    #[arg(long, default_value = "auto", value_parser = parse_lambda)]
    lambda: LambdaArg,
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
    /// Output: table for people, json (an array, one object per spectrum) or csv (the γ curve, one row per τ).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    output: OutputFormat,
    /// Write an SVG of γ against τ with the peaks (FILE_<input>.svg for each of several spectra).
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    #[command(flatten)]
    plot_size: super::plot::PlotSizeArg,
}

/// Runs `eisfit drt`; returns 0, or 2 when a spectrum could not be read or analysed.
pub fn run(args: DrtArgs) -> anyhow::Result<u8> {
    if let Some(p) = &args.plot {
        check_svg_path("--plot", p)?;
    }
    let inputs = read_all(&args.files, &args.format, args.sweep, args.fmin, args.fmax)?;
    let options = match args.lambda {
        LambdaArg::Auto => DrtOptions::default(),
        LambdaArg::Value(v) => DrtOptions::default().with_lambda(v),
    };
    let run_one = |inp: &super::spectra::Input| {
        let s = inp.spectrum.as_ref().map_err(Clone::clone)?;
        drt(s, &options).map_err(|e| format!("{} (sweep {}): {e}", inp.file.display(), inp.sweep))
    };
    // A thread pool costs more to start than one test takes: only several spectra go in parallel.
    let results: Vec<Result<Drt, String>> = if inputs.len() > 1 {
        inputs.par_iter().map(run_one).collect()
    } else {
        inputs.iter().map(run_one).collect()
    };
    let ok: Vec<(&super::spectra::Input, &Drt)> = inputs
        .iter()
        .zip(&results)
        .filter_map(|(i, r)| r.as_ref().ok().map(|r| (i, r)))
        .collect();
    let mut out = super::stdout();
    match args.output {
        OutputFormat::Json => {
            let docs: Vec<DrtRecord> = ok
                .iter()
                .map(|(i, d)| DrtRecord::new(d).with_source(i.file.display().to_string(), i.sweep))
                .collect();
            serde_json::to_writer(&mut out, &docs)?;
            writeln!(out)?;
        }
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record([
                "file",
                "sweep",
                "tau_s",
                "gamma_ohm",
                "gamma_lower_ohm",
                "gamma_upper_ohm",
            ])?;
            for (i, d) in &ok {
                for k in 0..d.tau_s.len() {
                    w.write_record([
                        i.file.display().to_string(),
                        i.sweep.to_string(),
                        format!("{:e}", d.tau_s[k]),
                        format!("{:e}", d.gamma_ohm[k]),
                        format!("{:e}", d.gamma_lower_ohm[k]),
                        format!("{:e}", d.gamma_upper_ohm[k]),
                    ])?;
                }
            }
            w.flush()?;
        }
        OutputFormat::Table => {
            for (i, d) in &ok {
                write_table(&mut out, &format!("{} (sweep {})", i.file.display(), i.sweep), d)?;
            }
        }
    }
    out.flush().context("writing to stdout")?;
    if let Some(path) = &args.plot {
        let mut names = PlotNames::new(path, args.files.len(), args.sweep);
        for (i, d) in &ok {
            let target = names.next(&i.file, i.sweep);
            let mut plot = eisfit::plot::DrtPlot::new(d).with_title(format!("DRT, {}", short_name(&i.file)));
            if let Some((w, h)) = args.plot_size.size.scaled((640, 440)) {
                plot = plot.with_size(w, h);
            }
            plot.write(&target)
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
    Ok(if failed { EXIT_USAGE } else { EXIT_OK })
}

fn write_table(out: &mut impl Write, label: &str, d: &Drt) -> std::io::Result<()> {
    writeln!(out, "{label}:")?;
    writeln!(
        out,
        "  R_inf = {}, R_pol = {}, L = {}, lambda = {:.3e}, rms residual {:.3} %",
        eng(d.r_inf_ohm, "Ohm"),
        eng(d.r_pol_ohm, "Ohm"),
        eng(d.inductance_h, "H"),
        d.lambda,
        100.0 * d.pseudo_chi2.sqrt()
    )?;
    if d.peaks.is_empty() {
        writeln!(out, "  no peaks")?;
    }
    for (k, p) in d.peaks.iter().enumerate() {
        writeln!(
            out,
            "  peak {}: tau = {}, f = {:.4e} Hz, R = {}",
            k + 1,
            eng(p.tau_s, "s"),
            p.freq_hz,
            eng(p.r_ohm, "Ohm")
        )?;
    }
    Ok(())
}
