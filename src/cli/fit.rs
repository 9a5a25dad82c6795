//! `eisfit fit FILE... --circuit C`: fit a circuit to every selected sweep of every file, in parallel.

use super::fitargs::{load, load_error_message, FitArgs};
use super::format::{csv_number, fit_table, use_colour};
use super::plot::{check_svg_path, PlotSize};
use super::reuse::{start_line, InitFrom};
use super::spectra::PlotNames;
use super::{OutputFormat, EXIT_NOT_CONVERGED, EXIT_OK, EXIT_USAGE};
use anyhow::Context;
use eisfit::fit::FitWarning;
use eisfit::record::FitRecord;
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
    /// Write an SVG with the Nyquist, Bode and residual plots of the fit (FILE_<input>.svg for each of several
    /// spectra); points left out of the fit are drawn grey.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    #[command(flatten)]
    plot_size: super::plot::PlotSizeArg,
    /// Fit the spectra one after another in the order given, each started from the previous converged result
    /// (with automatic start values when that fails), so that an arc keeps its label from one spectrum to the
    /// next: for tracking a cell over its cycles. Files are still read in parallel. Without it, every spectrum
    /// is fitted on its own, in parallel.
    #[arg(long)]
    sequential: bool,
    /// Start from the parameters of a previous fit: the JSON of `eisfit fit --output json` (the entry of the same
    /// file and sweep, or its only entry). --init values win; parameters that ended on a bound start automatically.
    #[arg(long, value_name = "FIT.json", conflicts_with = "sequential")]
    init_from: Option<PathBuf>,
    /// Print each spectrum's automatic start values on stderr, as an --init option to edit and pass back.
    #[arg(long)]
    show_start: bool,
    /// Exit with 1 when a fit does not describe its data (misfit, structured residuals, points the circuit
    /// cannot produce), as when it does not converge.
    #[arg(long)]
    strict: bool,
}

/// A job that failed, in the JSON output: where it came from and why.
#[derive(Serialize)]
struct FailedOutput<'a> {
    file: String,
    sweep: usize,
    error: &'a str,
}

/// Outcome for one job: a (file, sweep, spectrum, report) or an error message.
struct Job {
    file: PathBuf,
    sweep: usize,
    spectrum: Option<Spectrum>,
    result: Result<FitReport, String>,
    /// With `--sequential`: whether the fit started from the previous result.
    warm_started: Option<bool>,
    /// Warnings about the file (truncated, sweeps not fitted), added to the fit's own.
    file_warnings: Vec<FitWarning>,
    /// The job's part of the output (a JSON array element, a table or a CSV row), rendered by the thread that
    /// fitted it (for a failed job: its JSON element or CSV row with the error, nothing in a table).
    rendered: Vec<u8>,
}

/// Files fitted per round. While the pool fits one round, one of its threads writes the output of the previous one
/// and then helps with the fits, so writing overlaps fitting, and a batch of any size holds only two rounds of
/// spectra and reports in memory.
const FILE_ROUND: usize = 64;

/// Runs `eisfit fit`.
pub fn run(mut args: FitCmdArgs) -> anyhow::Result<u8> {
    if args.fit.circuit.trim().eq_ignore_ascii_case("auto") {
        args.fit.circuit = super::identify::choose_for_fit(&args.files, &args.fit)?;
    }
    let circuit = args.fit.circuit()?;
    let options = args.fit.options(&circuit)?;
    let reader = args.fit.reader()?;
    if let Some(p) = &args.plot {
        check_svg_path("--plot", p)?;
    }
    let given_starts: Vec<(String, f64)> = [("--init", &args.fit.init), ("--fix", &args.fit.fix)]
        .into_iter()
        .filter_map(|(o, s)| s.as_ref().map(|s| super::parse_assignments(o, s)))
        .collect::<anyhow::Result<Vec<_>>>()?
        .concat();
    let init_from = match &args.init_from {
        Some(p) => {
            let given: Vec<String> = given_starts.iter().map(|(n, _)| n.clone()).collect();
            Some(InitFrom::read(p, &circuit, &given)?)
        }
        None => None,
    };
    let mut plot_names = args
        .plot
        .as_ref()
        .map(|p| PlotNames::new(p, args.files.len(), args.fit.sweep));
    let started = Instant::now();
    let colour = use_colour();

    let progress = (args.files.len() > 3 && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(args.files.len() as u64);
        pb.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files  {elapsed}  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    });
    // Files in parallel; the results come back in input order. Each is rendered where it was fitted.
    let fit_files = |files: &[PathBuf], options: Option<&FitOptions>| -> anyhow::Result<Vec<Job>> {
        let per_file: Vec<Vec<Job>> = files
            .par_iter()
            .map(|path| {
                let mut jobs = fit_file(path, &circuit, options, init_from.as_ref(), reader, args.fit.sweep);
                if options.is_some() {
                    for j in &mut jobs {
                        render(j, args.output, colour, &circuit)?;
                    }
                }
                if let Some(pb) = &progress {
                    pb.inc(1);
                }
                Ok(jobs)
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(per_file.into_iter().flatten().collect())
    };

    let mut out = super::stdout();
    let mut output = Output::new(args.output, circuit.param_names());
    let mut summary = Summary::default();
    let mut emit = |jobs: &[Job], out: &mut std::io::BufWriter<std::io::Stdout>| {
        let mut body = |out: &mut std::io::BufWriter<std::io::Stdout>| {
            if args.show_start {
                for job in jobs {
                    if let Some(s) = &job.spectrum {
                        let mut given = init_from
                            .as_ref()
                            .map(|f| f.starts(&job.file, job.sweep))
                            .unwrap_or_default();
                        given.extend(given_starts.iter().cloned());
                        let line = start_line(&circuit, s, &options, &given);
                        eprintln!("start values for {} (sweep {}): {line}", job.file.display(), job.sweep);
                    }
                }
            }
            output.write(out, jobs)?;
            summary.count(jobs);
            if let Some(names) = &mut plot_names {
                for job in jobs {
                    if let (Some(s), Ok(r)) = (&job.spectrum, &job.result) {
                        let path = names.next(&job.file, job.sweep);
                        summary.plotted += 1;
                        // A plot that cannot be written is that job's failure, not the batch's.
                        match write_plot(&path, s, &circuit, r, &job.file, args.plot_size.size) {
                            Ok(()) => eprintln!("wrote {}", path.display()),
                            Err(e) => summary.plot_errors.push(format!("{}: {e:#}", job.file.display())),
                        }
                    }
                }
            }
            anyhow::Ok(())
        };
        match &progress {
            // The bar is on a terminal: hide it while this round goes out, so the two do not interleave.
            Some(pb) => pb.suspend(|| {
                body(out)?;
                out.flush().context("writing to stdout")
            }),
            None => body(out),
        }
    };
    if args.sequential {
        // Every spectrum first (read in parallel), then the fits in order, then the output.
        let mut jobs = fit_files(&args.files, None)?;
        fit_in_order(&mut jobs, &circuit, &options);
        jobs.par_iter_mut()
            .try_for_each(|j| render(j, args.output, colour, &circuit))?;
        emit(&jobs, &mut out)?;
    } else {
        let mut done: Vec<Job> = Vec::new();
        for round in args.files.chunks(FILE_ROUND) {
            let mut next: anyhow::Result<Vec<Job>> = Ok(Vec::new());
            // One pool thread writes the last round while the others fit this one, and joins them when it is
            // done: the writer is one of the pool's threads, not an extra one competing with them for the cores.
            let written = rayon::scope(|scope| {
                scope.spawn(|_| next = fit_files(round, Some(&options)));
                emit(&done, &mut out)
            });
            written?;
            done = next?;
        }
        emit(&done, &mut out)?;
    }
    if let Some(pb) = &progress {
        pb.finish_and_clear();
    }
    output.finish(&mut out)?;
    out.flush().context("writing to stdout")?;

    for e in &summary.errors {
        eprintln!("error: {e}");
    }
    for e in &summary.plot_errors {
        eprintln!("error: plot of {e}");
    }
    let n_err = summary.errors.len();
    let (n_ok, n_nc) = (summary.converged, summary.not_converged);
    let inadequate = match summary.inadequate {
        0 => String::new(),
        k => format!(" ({k} of them do not describe their data)"),
    };
    let plots = match summary.plot_errors.len() {
        0 => String::new(),
        k => format!(", {k} plot(s) not written"),
    };
    eprintln!(
        "{}: {n_ok} converged{inadequate}, {n_nc} not converged, {n_err} failed{plots}, in {:.3} s",
        super::spectra::count_spectra(n_ok + n_nc + n_err),
        started.elapsed().as_secs_f64()
    );
    Ok(if n_err > 0 || !summary.plot_errors.is_empty() {
        EXIT_USAGE
    } else if n_nc > 0 || (args.strict && summary.inadequate > 0) {
        EXIT_NOT_CONVERGED
    } else {
        EXIT_OK
    })
}

/// Counts over the jobs written so far.
#[derive(Default)]
struct Summary {
    converged: usize,
    not_converged: usize,
    /// Converged fits that do not describe their data.
    inadequate: usize,
    errors: Vec<String>,
    /// Plots written or attempted.
    plotted: usize,
    /// Plots that could not be written, each that spectrum's failure (exit code 2).
    plot_errors: Vec<String>,
}

impl Summary {
    fn count(&mut self, jobs: &[Job]) {
        for j in jobs {
            match &j.result {
                Ok(r) if r.converged => {
                    self.converged += 1;
                    if !r.adequacy.adequate {
                        self.inadequate += 1;
                    }
                }
                Ok(_) => self.not_converged += 1,
                Err(e) => self.errors.push(e.clone()),
            }
        }
    }
}

/// Reads `path` and fits each selected sweep with `options`; with `None` (sequential mode) the sweeps are only
/// read, and [`fit_in_order`] fits them afterwards.
fn fit_file(
    path: &Path,
    circuit: &Circuit,
    options: Option<&FitOptions>,
    init_from: Option<&InitFrom>,
    reader: eisfit::io::ReadOptions,
    sweep: eisfit::SweepSelection,
) -> Vec<Job> {
    match load(path, reader, sweep) {
        Err(e) => {
            vec![Job {
                file: path.to_path_buf(),
                sweep: 0,
                spectrum: None,
                result: Err(load_error_message(path, &e)),
                warm_started: None,
                file_warnings: Vec::new(),
                rendered: Vec::new(),
            }]
        }
        Ok(loaded) => loaded
            .sweeps
            .into_iter()
            .map(|(i, s)| {
                let result = match (options, init_from) {
                    (Some(o), Some(from)) => from
                        .options(o, path, i)
                        .and_then(|o| fit(circuit, &s, &o).map_err(|e| fit_error(path, i, &e))),
                    (Some(o), None) => fit(circuit, &s, o).map_err(|e| fit_error(path, i, &e)),
                    (None, _) => Err(String::from("not fitted")), // replaced by fit_in_order
                }
                .map(|r| with_file_warnings(r, &loaded.warnings));
                Job {
                    file: path.to_path_buf(),
                    sweep: i,
                    spectrum: Some(s),
                    result,
                    warm_started: None,
                    file_warnings: loaded.warnings.clone(),
                    rendered: Vec::new(),
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
        job.result = result
            .map(|r| with_file_warnings(r, &job.file_warnings))
            .map_err(|e| fit_error(&job.file, job.sweep, &e));
        job.warm_started = Some(warm);
    }
}

/// Adds the warnings about the file a spectrum came from to its fit's own.
fn with_file_warnings(mut report: FitReport, warnings: &[FitWarning]) -> FitReport {
    report.warnings.extend(warnings.iter().cloned());
    report
}

/// The CSV columns before the parameters.
const CSV_COLUMNS: [&str; 10] = [
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
];

/// Renders a fitted job's part of the output into `job.rendered`: its JSON array element, its table, or its CSV
/// row (without the header). A failed job renders nothing.
fn render(job: &mut Job, format: OutputFormat, colour: bool, circuit: &Circuit) -> anyhow::Result<()> {
    let n_params = circuit.n_params();
    let mut buf = std::mem::take(&mut job.rendered);
    buf.clear();
    if let Err(e) = &job.result {
        match format {
            OutputFormat::Json => json_element(
                &FailedOutput {
                    file: job.file.display().to_string(),
                    sweep: job.sweep,
                    error: e,
                },
                &mut buf,
            )?,
            OutputFormat::Csv => {
                // The file, its sweep, empty cells, and the error in the last column.
                let mut row = vec![String::new(); CSV_COLUMNS.len() + 2 * n_params + 3];
                row[0] = job.file.display().to_string();
                row[1] = job.sweep.to_string();
                if let Some(last) = row.last_mut() {
                    last.clone_from(e);
                }
                buf = csv_record(&row, buf)?;
            }
            OutputFormat::Table => {}
        }
    }
    if let Ok(r) = &job.result {
        match format {
            OutputFormat::Json => {
                // About 100 bytes per point (the residuals), 250 per parameter and 48 per entry of the two
                // matrices: one allocation instead of a dozen doublings and copies.
                let np = r.parameters.len();
                buf.reserve(1024 + 100 * r.residuals.len() + 250 * np + 48 * np * np);
                json_element(
                    &FitRecord::new(r)
                        .with_source(job.file.display().to_string(), job.sweep)
                        .with_warm_started(job.warm_started),
                    &mut buf,
                )?
            }
            OutputFormat::Table => {
                let label = format!("{} (sweep {})", job.file.display(), job.sweep);
                buf.extend_from_slice(fit_table(&label, r, &eisfit::fit::arcs(circuit, r), colour).as_bytes());
            }
            OutputFormat::Csv => {
                let mut row = vec![
                    job.file.display().to_string(),
                    job.sweep.to_string(),
                    r.converged.to_string(),
                    csv_number(r.chi2),
                    csv_number(r.reduced_chi2),
                    csv_number(r.pseudo_chi2),
                    csv_number(r.aic),
                    csv_number(r.bic),
                    r.n_points.to_string(),
                    r.n_iterations.to_string(),
                ];
                for p in &r.parameters {
                    row.push(csv_number(p.value));
                    row.push(p.stderr.map(csv_number).unwrap_or_default());
                }
                row.push(r.adequacy.adequate.to_string());
                row.push(r.warnings.iter().map(|w| w.code()).collect::<Vec<_>>().join(";"));
                row.push(String::new());
                buf = csv_record(&row, buf)?;
            }
        }
    }
    job.rendered = buf;
    Ok(())
}

/// One CSV record, as `csv::Writer` writes it, appended to `buf`.
fn csv_record(fields: &[String], buf: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(buf);
    w.write_record(fields)?;
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("rendering CSV: {}", e.error()))
}

/// The output stream of `eisfit fit`, written a round of jobs at a time, in input order.
struct Output {
    format: OutputFormat,
    json: JsonArray,
    /// The circuit's parameter names: the CSV columns after the fixed ones.
    names: Vec<String>,
    /// CSV: whether the header is out (it is written before the first row).
    csv_header: bool,
    /// Jobs seen, failed ones included (a table after the first job is preceded by a blank line).
    seen: usize,
}

impl Output {
    fn new(format: OutputFormat, names: Vec<String>) -> Self {
        Output {
            format,
            names,
            json: JsonArray::default(),
            csv_header: false,
            seen: 0,
        }
    }

    fn write(&mut self, out: &mut impl Write, jobs: &[Job]) -> anyhow::Result<()> {
        for j in jobs {
            let k = self.seen;
            self.seen += 1;
            match self.format {
                // A failed job is an element of its own ({"file", "sweep", "error"}), so that a program can line
                // the results up with the inputs.
                OutputFormat::Json => self.json.push(out, &j.rendered)?,
                OutputFormat::Table => {
                    // Failed jobs are reported on stderr with the summary.
                    if j.result.is_err() {
                        continue;
                    }
                    if k > 0 {
                        writeln!(out)?;
                    }
                    out.write_all(&j.rendered)?;
                }
                OutputFormat::Csv => {
                    if !self.csv_header {
                        self.header(out)?;
                    }
                    out.write_all(&j.rendered)?;
                }
            }
        }
        Ok(())
    }

    fn header(&mut self, out: &mut impl Write) -> anyhow::Result<()> {
        let mut header: Vec<String> = CSV_COLUMNS.iter().map(|c| (*c).to_string()).collect();
        for name in &self.names {
            header.push(name.clone());
            header.push(format!("{name}_stderr"));
        }
        header.push("adequate".to_string());
        header.push("warnings".to_string());
        header.push("error".to_string());
        out.write_all(&csv_record(&header, Vec::new())?)?;
        self.csv_header = true;
        Ok(())
    }

    fn finish(mut self, out: &mut impl Write) -> anyhow::Result<()> {
        match self.format {
            OutputFormat::Json => self.json.finish(out)?,
            OutputFormat::Csv if !self.csv_header => self.header(out)?,
            _ => {}
        }
        Ok(())
    }
}

/// Writes elements made by [`json_element`] as a JSON array with one element per line: `[`, then each fit on a
/// line of its own (followed by a comma but the last), then `]` and a line break. A batch's output stays
/// line-oriented (`grep`, `head`, `wc -l` see one fit per line) and a third smaller than pretty-printed JSON.
#[derive(Default)]
struct JsonArray {
    started: bool,
}

impl JsonArray {
    fn push(&mut self, out: &mut impl Write, element: &[u8]) -> std::io::Result<()> {
        out.write_all(if self.started { b",\n" } else { b"[\n" })?;
        self.started = true;
        out.write_all(element)
    }

    fn finish(self, out: &mut impl Write) -> std::io::Result<()> {
        out.write_all(if self.started { b"\n]\n" } else { b"[]\n" })
    }
}

/// Writes `value` as one element of the JSON array into `buf` (cleared first): compact JSON, on one line, since
/// serde_json escapes every line break inside strings.
fn json_element(value: &impl Serialize, buf: &mut Vec<u8>) -> serde_json::Result<()> {
    buf.clear();
    serde_json::to_writer(buf, value)
}

fn write_plot(
    path: &Path,
    s: &Spectrum,
    circuit: &Circuit,
    r: &FitReport,
    file: &Path,
    size: PlotSize,
) -> anyhow::Result<()> {
    let plot = eisfit::plot::fit_plot(s, circuit, r)?.with_label(
        file.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    let plot = size.spectrum(plot, true);
    plot.write_report(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our JSON array of `values` is one document equal to the array of `values`: `[`, each value on a line of
    /// its own as serde_json writes it compactly, and `]`.
    fn check_layout(values: &[impl Serialize]) {
        let mut ours = Vec::new();
        let mut array = JsonArray::default();
        for v in values {
            let mut buf = Vec::new();
            json_element(v, &mut buf).unwrap();
            array.push(&mut ours, &buf).unwrap();
        }
        array.finish(&mut ours).unwrap();
        let ours = String::from_utf8(ours).unwrap();
        let serde: Vec<String> = values.iter().map(|v| serde_json::to_string(v).unwrap()).collect();
        // Both texts go through the same parser (serde_json's default one is not exact in the last digit).
        let parsed: serde_json::Value = serde_json::from_str(&ours).unwrap();
        let whole: serde_json::Value = serde_json::from_str(&serde_json::to_string(values).unwrap()).unwrap();
        assert!(parsed == whole, "the document is not the array of the values");
        let lines: Vec<&str> = ours.lines().collect();
        if serde.is_empty() {
            assert_eq!(ours, "[]\n");
            return;
        }
        assert!(ours.ends_with("\n]\n"));
        assert_eq!(lines.len(), serde.len() + 2);
        assert_eq!((lines[0], lines[lines.len() - 1]), ("[", "]"));
        for (k, (line, element)) in lines[1..lines.len() - 1].iter().zip(&serde).enumerate() {
            let expected = if k + 1 < serde.len() {
                format!("{element},")
            } else {
                element.clone()
            };
            assert_eq!(*line, expected);
        }
    }

    #[test]
    fn json_array_has_one_element_per_line() {
        let doc = serde_json::json!({
            "file": "a\nb \"quoted\" \\ path",
            "parameters": [{"name": "R0", "value": 1.5, "stderr": null}, {"name": "n", "value": 0.9}],
            "empty_list": [],
            "empty_map": {},
            "nested": {"matrix": [[1.0, -0.5], [-0.5, 1.0]]},
            "converged": true
        });
        for values in [
            vec![],
            vec![doc.clone()],
            vec![doc.clone(), serde_json::json!({"x": 1}), doc],
        ] {
            check_layout(&values);
        }
    }

    #[test]
    fn fit_reports_are_written_one_per_line() {
        let circuit: Circuit = "R0-p(R1,CPE1)".parse().unwrap();
        let f = eisfit::simulate::log_frequencies(1e5, 1.0, 8).unwrap();
        let z = circuit.impedance(&[10.0, 100.0, 1e-5, 0.9], &f).unwrap();
        let (re, im): (Vec<f64>, Vec<f64>) = z.iter().map(|z| (z.re * 1.01, z.im)).unzip();
        let s = Spectrum::from_parts(f, &re, &im).unwrap();
        let r = fit(&circuit, &s, &FitOptions::default()).unwrap();
        let docs: Vec<FitRecord> = ["a.csv", "b\"c.csv"]
            .iter()
            .map(|name| FitRecord::new(&r).with_source(*name, 1).with_warm_started(Some(true)))
            .collect();
        check_layout(&docs);
    }
}
