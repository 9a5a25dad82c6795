//! `eisfit fit FILE... --circuit C`: fit a circuit to every selected sweep of every file, in parallel.

use super::fitargs::{load, FitArgs};
use super::format::{fit_table, use_colour};
use super::{OutputFormat, EXIT_NOT_CONVERGED, EXIT_OK, EXIT_USAGE};
use anyhow::Context;
use eisfit::{fit, fit_series, Circuit, FitOptions, FitReport, Spectrum};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `eisfit fit`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    eisfit fit data/randles.csv --circuit 'R0-p(C1,R1-W1)'\n  \
    eisfit fit cell.mpt --circuit 'R(RQ)(RQ)' --fmin 1 --output json\n  \
    eisfit fit runs/*.DTA --circuit 'R0-p(R1,CPE1)-W1' --fix R0=0.5 --output csv > fits.csv\n  \
    eisfit fit data/symmetric_cell_30C.csv --circuit 'R0-p(R1,CPE1)-p(R2,CPE2)' --plot fit.svg\n  \
    eisfit fit cycle_*.mpt --circuit 'R0-p(R1,CPE1)-W1' --sequential --output csv > by_cycle.csv")]
pub struct FitCmdArgs {
    /// Files to fit (any supported potentiostat format; several files are fitted in parallel).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    fit: FitArgs,
    /// Output: table for people, json (an array, one object per spectrum) or csv (one row per spectrum).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    output: OutputFormat,
    /// Write an SVG with the Nyquist, Bode and residual plots of the fit (FILE_2.svg, ... for further spectra).
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// Fit the spectra one after another in the order given, each started from the previous converged result
    /// (with automatic start values when that fails), so that an arc keeps its label from one spectrum to the
    /// next: for tracking a cell over its cycles. Files are still read in parallel. Without it, every spectrum
    /// is fitted on its own, in parallel.
    #[arg(long)]
    sequential: bool,
}

/// One fitted spectrum in the JSON output: the report plus where it came from.
#[derive(Serialize)]
struct FitOutput<'a> {
    file: String,
    sweep: usize,
    /// With `--sequential`: whether the fit started from the previous spectrum's result.
    #[serde(skip_serializing_if = "Option::is_none")]
    warm_started: Option<bool>,
    #[serde(flatten)]
    report: &'a FitReport,
}

/// Outcome for one job: a (file, sweep, spectrum, report) or an error message.
struct Job {
    file: PathBuf,
    sweep: usize,
    spectrum: Option<Spectrum>,
    result: Result<FitReport, String>,
    /// With `--sequential`: whether the fit started from the previous result.
    warm_started: Option<bool>,
}

/// Runs `eisfit fit`.
pub fn run(args: FitCmdArgs) -> anyhow::Result<u8> {
    let circuit = args.fit.circuit()?;
    let options = args.fit.options(&circuit)?;
    let reader = args.fit.reader()?;
    let started = Instant::now();

    let progress = (args.files.len() > 3 && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(args.files.len() as u64);
        pb.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files  {elapsed}  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    });
    // Files in parallel; the results come back in input order.
    let per_file: Vec<Vec<Job>> = args
        .files
        .par_iter()
        .map(|path| {
            let jobs = fit_file(
                path,
                &circuit,
                (!args.sequential).then_some(&options),
                reader,
                args.fit.sweep,
            );
            if let Some(pb) = &progress {
                pb.inc(1);
            }
            jobs
        })
        .collect();
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    let mut jobs: Vec<Job> = per_file.into_iter().flatten().collect();
    if args.sequential {
        fit_in_order(&mut jobs, &circuit, &options);
    }

    let mut out = super::stdout();
    write_results(&mut out, &jobs, args.output)?;
    out.flush().context("writing to stdout")?;

    if let Some(plot) = &args.plot {
        let fitted: Vec<&Job> = jobs.iter().filter(|j| j.result.is_ok()).collect();
        for (k, job) in fitted.iter().enumerate() {
            let path = numbered(plot, k);
            if let (Some(s), Ok(r)) = (&job.spectrum, &job.result) {
                write_plot(&path, s, &circuit, r, &job.file)?;
                eprintln!("wrote {}", path.display());
            }
        }
    }

    let n_ok = jobs
        .iter()
        .filter(|j| matches!(&j.result, Ok(r) if r.converged))
        .count();
    let n_nc = jobs
        .iter()
        .filter(|j| matches!(&j.result, Ok(r) if !r.converged))
        .count();
    let n_err = jobs.len() - n_ok - n_nc;
    for j in jobs.iter().filter(|j| j.result.is_err()) {
        if let Err(e) = &j.result {
            eprintln!("error: {e}");
        }
    }
    eprintln!(
        "{} spectra: {n_ok} converged, {n_nc} not converged, {n_err} failed, in {:.3} s",
        jobs.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(if n_err > 0 {
        EXIT_USAGE
    } else if n_nc > 0 {
        EXIT_NOT_CONVERGED
    } else {
        EXIT_OK
    })
}

/// Reads `path` and fits each selected sweep with `options`; with `None` (sequential mode) the sweeps are only
/// read, and [`fit_in_order`] fits them afterwards.
fn fit_file(
    path: &Path,
    circuit: &Circuit,
    options: Option<&FitOptions>,
    reader: Option<eisfit::Format>,
    sweep: eisfit::SweepSelection,
) -> Vec<Job> {
    match load(path, reader, sweep) {
        Err(e) => {
            // Reader errors name the file themselves; anything else gets it in front.
            let msg = crate::error_message(&e);
            let shown = path.display().to_string();
            vec![Job {
                file: path.to_path_buf(),
                sweep: 0,
                spectrum: None,
                result: Err(if msg.contains(&shown) {
                    msg
                } else {
                    format!("{shown}: {msg}")
                }),
                warm_started: None,
            }]
        }
        Ok(sweeps) => sweeps
            .into_iter()
            .map(|(i, s)| {
                let result = match options {
                    Some(o) => fit(circuit, &s, o).map_err(|e| fit_error(path, i, &e)),
                    None => Err(String::from("not fitted")), // replaced by fit_in_order
                };
                Job {
                    file: path.to_path_buf(),
                    sweep: i,
                    spectrum: Some(s),
                    result,
                    warm_started: None,
                }
            })
            .collect(),
    }
}

fn fit_error(path: &Path, sweep: usize, e: &dyn std::fmt::Display) -> String {
    format!("{} (sweep {sweep}): {e}", path.display())
}

/// Fits the spectra of `jobs` that were read, in order, each started from the previous converged result
/// ([`fit_series`]).
fn fit_in_order(jobs: &mut [Job], circuit: &Circuit, options: &FitOptions) {
    let read: Vec<usize> = (0..jobs.len()).filter(|&k| jobs[k].spectrum.is_some()).collect();
    let spectra: Vec<Spectrum> = read.iter().filter_map(|&k| jobs[k].spectrum.clone()).collect();
    let series = fit_series(circuit, &spectra, options);
    for ((&k, result), warm) in read.iter().zip(series.fits).zip(series.warm_started) {
        let job = &mut jobs[k];
        job.result = result.map_err(|e| fit_error(&job.file, job.sweep, &e));
        job.warm_started = Some(warm);
    }
}

fn write_results(out: &mut impl Write, jobs: &[Job], format: OutputFormat) -> anyhow::Result<()> {
    match format {
        OutputFormat::Json => {
            let docs: Vec<FitOutput> = jobs
                .iter()
                .filter_map(|j| {
                    j.result.as_ref().ok().map(|r| FitOutput {
                        file: j.file.display().to_string(),
                        sweep: j.sweep,
                        warm_started: j.warm_started,
                        report: r,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &docs)?;
            writeln!(out)?;
        }
        OutputFormat::Csv => {
            let first = jobs.iter().find_map(|j| j.result.as_ref().ok());
            let mut w = csv::Writer::from_writer(out);
            let mut header = vec![
                "file",
                "sweep",
                "converged",
                "chi2",
                "reduced_chi2",
                "pseudo_chi2",
                "aic",
                "bic",
                "n_points",
                "n_iterations",
            ]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
            if let Some(r) = first {
                for p in &r.parameters {
                    header.push(p.name.clone());
                    header.push(format!("{}_stderr", p.name));
                }
            }
            w.write_record(&header)?;
            for j in jobs {
                let Ok(r) = &j.result else { continue };
                let mut row = vec![
                    j.file.display().to_string(),
                    j.sweep.to_string(),
                    r.converged.to_string(),
                    r.chi2.to_string(),
                    r.reduced_chi2.to_string(),
                    r.pseudo_chi2.to_string(),
                    r.aic.to_string(),
                    r.bic.to_string(),
                    r.n_points.to_string(),
                    r.n_iterations.to_string(),
                ];
                for p in &r.parameters {
                    row.push(p.value.to_string());
                    row.push(p.stderr.map(|s| s.to_string()).unwrap_or_default());
                }
                w.write_record(&row)?;
            }
            w.flush()?;
        }
        OutputFormat::Table => {
            let colour = use_colour();
            for (k, j) in jobs.iter().enumerate() {
                if let Ok(r) = &j.result {
                    if k > 0 {
                        writeln!(out)?;
                    }
                    let label = format!("{} (sweep {})", j.file.display(), j.sweep);
                    write!(out, "{}", fit_table(&label, r, colour))?;
                }
            }
        }
    }
    Ok(())
}

/// `fit.svg`, `fit_2.svg`, `fit_3.svg`, ...
fn numbered(path: &Path, k: usize) -> PathBuf {
    if k == 0 {
        return path.to_path_buf();
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "svg".into());
    path.with_file_name(format!("{stem}_{}.{ext}", k + 1))
}

fn write_plot(path: &Path, s: &Spectrum, circuit: &Circuit, r: &FitReport, file: &Path) -> anyhow::Result<()> {
    let plot = eisfit::plot::fit_plot(s, circuit, r)?.with_label(
        file.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    plot.write_report(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
