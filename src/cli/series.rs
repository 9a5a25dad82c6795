//! `eisfit series MANIFEST.csv --circuit C`: fit a temperature series, derive quantities, areal resistances and
//! conductivity, and fit the Arrhenius law to each quantity.

use super::arrhenius::LawArg;
use super::fitargs::{load, FitArgs};
use super::format::{column_reference, csv_number, eng_pm_like, use_colour};
use super::{OutputFormat, EXIT_NOT_CONVERGED, EXIT_OK};
use anyhow::{bail, Context};
use eisfit::analysis::{
    analyze_temperature_series, Combination, FitOutcome, SeriesPoint, TemperatureSeriesOptions, TemperatureSeriesReport,
};
use eisfit::arrhenius::ArrheniusLaw;
use eisfit::fit::global::{fit_global_from, GlobalFit, GlobalOptions};
use eisfit::Measured;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `eisfit series`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "MANIFEST.csv has the columns file,temperature_c (paths relative to the manifest), and \
    optionally area_cm2 and thickness_um per row.\n\nExamples:\n  \
    eisfit series data/nzsp_series/manifest.csv --circuit 'R0-p(R1,CPE1)-p(R2,CPE2)-CPE3' \\\n      \
    --combine 'separator=R0+R1' --combine 'interface=0.5*R2' --area-cm2 0.5027 --thickness-um 110:5\n  \
    eisfit series manifest.csv --circuit 'R(RQ)(RQ)Q' --combine bulk=R1 --output json --plot arrhenius.svg"
)]
pub struct SeriesArgs {
    /// CSV manifest listing the spectra and their temperatures (°C).
    manifest: PathBuf,
    #[command(flatten)]
    fit: FitArgs,
    /// A quantity to derive from each fit, NAME=EXPR with EXPR a sum of parameters with optional factors
    /// (separator=R0+R1, interface=0.5*R2); repeatable.
    #[arg(long, value_name = "NAME=EXPR")]
    combine: Vec<String>,
    /// Electrode area in cm², for areal resistances, optionally with its standard uncertainty (0.5027:0.01), which
    /// the areal values, σ and the prefactors then carry (a manifest column area_cm2 overrides it per row).
    #[arg(long, value_name = "A[:SE]")]
    area_cm2: Option<Measured>,
    /// Separator thickness in µm, for the conductivity σ = d/(R·A), optionally with its standard uncertainty
    /// (110:5), which σ then carries (a column thickness_um overrides it).
    #[arg(long, value_name = "D[:SE]")]
    thickness_um: Option<Measured>,
    /// The quantity whose conductivity is reported [default: the first --combine].
    #[arg(long)]
    conductivity_of: Option<String>,
    /// Arrhenius law: t-prefactor (R = T·κ·exp(E_A/k_BT)) or plain (R = κ·exp(E_A/k_BT)).
    #[arg(long, value_enum, default_value_t = LawArg::TPrefactor)]
    law: LawArg,
    /// Output: table for people, json (one document) or csv (one row per temperature).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    output: OutputFormat,
    /// Write the Arrhenius plot of the quantities as SVG.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    #[command(flatten)]
    plot_size: super::plot::PlotSizeArg,
    /// Also fit every spectrum in one least-squares problem (after the per-spectrum fits, which give its start
    /// values): parameters free per spectrum unless --shared or --arrhenius.
    #[arg(long)]
    global: bool,
    /// With --global: parameters with one value common to all spectra (CPE1.n,CPE2.n).
    #[arg(long, value_name = "NAME,...", value_delimiter = ',', requires = "global")]
    shared: Vec<String>,
    /// With --global: parameters tied across temperatures by the --law, so that their E_A and κ are fitted
    /// directly from the spectra (R1,R2).
    #[arg(long, value_name = "NAME,...", value_delimiter = ',', requires = "global")]
    arrhenius: Vec<String>,
}

/// The JSON document: the series report, plus the global fit with --global.
#[derive(serde::Serialize)]
struct JsonOut<'a> {
    #[serde(flatten)]
    report: &'a TemperatureSeriesReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    global: Option<&'a GlobalFit>,
}

struct Row {
    file: String,
    temperature_c: f64,
    area_cm2: Option<f64>,
    thickness_um: Option<f64>,
}

fn read_manifest(path: &Path) -> anyhow::Result<Vec<Row>> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_path(path)
        .with_context(|| format!("{}: cannot open the manifest", path.display()))?;
    let headers = rdr
        .headers()
        .with_context(|| format!("{}: no header line", path.display()))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(fc), Some(tc)) = (col("file"), col("temperature_c")) else {
        bail!(
            "{}: the manifest needs the columns file,temperature_c (found: {})",
            path.display(),
            headers.iter().collect::<Vec<_>>().join(",")
        );
    };
    let (ac, dc) = (col("area_cm2"), col("thickness_um"));
    let mut rows = Vec::new();
    for (k, rec) in rdr.records().enumerate() {
        let line = k + 2;
        let rec = rec.with_context(|| format!("{}: line {line}", path.display()))?;
        let num = |c: Option<usize>, what: &str| -> anyhow::Result<Option<f64>> {
            match c.and_then(|c| rec.get(c)).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => s
                    .parse::<f64>()
                    .map(Some)
                    .map_err(|_| anyhow::anyhow!("{}: line {line}: {what} '{s}' is not a number", path.display())),
            }
        };
        let file = rec.get(fc).unwrap_or("").to_string();
        if file.is_empty() {
            bail!("{}: line {line}: empty file name", path.display());
        }
        let Some(t) = num(Some(tc), "temperature_c")? else {
            bail!("{}: line {line}: missing temperature_c", path.display());
        };
        rows.push(Row {
            file,
            temperature_c: t,
            area_cm2: num(ac, "area_cm2")?,
            thickness_um: num(dc, "thickness_um")?,
        });
    }
    if rows.is_empty() {
        bail!("{}: the manifest lists no spectra", path.display());
    }
    Ok(rows)
}

/// σ = d/(R·A) needs an area wherever a thickness is given: a thickness without any area is an error, not a
/// conductivity silently left out.
fn check_conductivity_inputs(args: &SeriesArgs, rows: &[Row]) -> anyhow::Result<()> {
    let thickness = args.thickness_um.is_some() || rows.iter().any(|r| r.thickness_um.is_some());
    let area = args.area_cm2.is_some() || rows.iter().any(|r| r.area_cm2.is_some());
    if thickness && !area {
        bail!(
            "a thickness is given (--thickness-um or the manifest's thickness_um column) but no electrode area: the \
             conductivity σ = d/(R·A) needs --area-cm2 (or an area_cm2 column in the manifest)"
        );
    }
    if thickness && args.combine.is_empty() {
        bail!(
            "a thickness is given but no quantity to take the conductivity of: add --combine NAME=EXPR \
             (e.g. --combine bulk=R1), and --conductivity-of NAME to choose among several"
        );
    }
    Ok(())
}

/// Runs `eisfit series`.
pub fn run(args: SeriesArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let circuit = args.fit.circuit()?;
    let fit_options = args.fit.options(&circuit)?;
    let reader = args.fit.reader()?;
    let mut opts = TemperatureSeriesOptions::default().with_law(match args.law {
        LawArg::TPrefactor => ArrheniusLaw::TPrefactor,
        LawArg::Plain => ArrheniusLaw::Plain,
    });
    for c in &args.combine {
        opts = opts.with_combination(c.parse::<Combination>().context("--combine")?);
    }
    if let Some(a) = args.area_cm2 {
        opts = opts.with_area_cm2(a);
    }
    if let Some(d) = args.thickness_um {
        opts = opts.with_thickness_um(d);
    }
    if let Some(q) = &args.conductivity_of {
        opts = opts.with_conductivity_of(q.clone());
    }

    if let Some(p) = &args.plot {
        super::plot::check_svg_path("--plot", p)?;
    }
    let rows = read_manifest(&args.manifest)?;
    check_conductivity_inputs(&args, &rows)?;
    let base = args.manifest.parent().unwrap_or(Path::new("."));
    let mut points = Vec::with_capacity(rows.len());
    for row in &rows {
        let path = base.join(&row.file);
        let loaded = load(&path, reader, args.fit.sweep)?;
        for w in &loaded.warnings {
            eprintln!("{}: warning: {w}", path.display());
        }
        for (i, s) in loaded.sweeps {
            let mut p = SeriesPoint::new(row.file.clone(), row.temperature_c, s).with_sweep(i);
            if let Some(a) = row.area_cm2 {
                p = p.with_area_cm2(a);
            }
            if let Some(d) = row.thickness_um {
                p = p.with_thickness_um(d);
            }
            points.push(p);
        }
    }
    let report = analyze_temperature_series(&circuit, &points, &fit_options, &opts)?;
    let global = if args.global {
        Some(run_global(&args, &circuit, &fit_options, &points, &report)?)
    } else {
        None
    };

    let mut out = super::stdout();
    match args.output {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(
                &mut out,
                &JsonOut {
                    report: &report,
                    global: global.as_ref(),
                },
            )?;
            writeln!(out)?;
        }
        OutputFormat::Csv => write_csv(&mut out, &report)?,
        OutputFormat::Table => {
            write_table(&mut out, &report)?;
            if let Some(g) = &global {
                write_global(&mut out, g)?;
            }
        }
    }
    out.flush().context("writing to stdout")?;

    if let Some(path) = &args.plot {
        let mut plot = eisfit::plot::ArrheniusPlot::new();
        for a in &report.arrhenius {
            let (t, v, e) = &a.data;
            plot = plot.with_series(&a.quantity, t, v, e.as_deref(), &a.fit)?;
        }
        if report.arrhenius.is_empty() {
            eprintln!("warning: no Arrhenius fit to plot (give --combine and at least 3 temperatures)");
        } else {
            let unit = if report.arrhenius.iter().all(|a| a.areal) {
                "Ω·cm²"
            } else {
                "Ω"
            };
            let (y, t_unit) = match args.law {
                LawArg::TPrefactor => ("ln(R/T)", ", T in K"),
                LawArg::Plain => ("ln R", ""),
            };
            if let Some((w, h)) = args.plot_size.size.scaled((640, 520)) {
                plot = plot.with_size(w, h);
            }
            plot.with_y_title(format!("{y}   (R in {unit}{t_unit})"))
                .write(path)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
    }

    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let n = report.fits.len();
    let n_ok = report
        .fits
        .iter()
        .filter(|f| matches!(&f.outcome, FitOutcome::Report(r) if r.converged))
        .count();
    eprintln!(
        "{}: {n_ok} converged, {} not, in {:.3} s",
        super::spectra::count_spectra(n),
        n - n_ok,
        started.elapsed().as_secs_f64()
    );
    let global_ok = global.as_ref().is_none_or(|g| g.converged);
    if !global_ok {
        eprintln!("warning: the global fit did not converge");
    }
    Ok(if n_ok == n && global_ok {
        EXIT_OK
    } else {
        EXIT_NOT_CONVERGED
    })
}

/// The global fit, started from the per-spectrum fits of `report` (which are in increasing temperature).
fn run_global(
    args: &SeriesArgs,
    circuit: &eisfit::Circuit,
    fit_options: &eisfit::FitOptions,
    points: &[SeriesPoint],
    report: &TemperatureSeriesReport,
) -> anyhow::Result<GlobalFit> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| points[a].temperature_c().total_cmp(&points[b].temperature_c()));
    let mut spectra = Vec::with_capacity(points.len());
    let mut temps = Vec::with_capacity(points.len());
    let mut starts = Vec::with_capacity(points.len());
    for (&i, entry) in order.iter().zip(&report.fits) {
        match &entry.outcome {
            FitOutcome::Report(r) => starts.push((**r).clone()),
            FitOutcome::Error { error } => bail!(
                "--global: {} has no per-spectrum fit to start from: {error}",
                entry.name()
            ),
        }
        spectra.push(points[i].spectrum().clone());
        temps.push(points[i].temperature_c());
    }
    let mut options = GlobalOptions::default().with_law(match args.law {
        LawArg::TPrefactor => ArrheniusLaw::TPrefactor,
        LawArg::Plain => ArrheniusLaw::Plain,
    });
    for n in &args.shared {
        options = options.with_shared(n.trim());
    }
    for n in &args.arrhenius {
        options = options.with_arrhenius(n.trim());
    }
    fit_global_from(circuit, &spectra, &temps, &starts, fit_options, &options).context("--global")
}

fn write_global(out: &mut impl Write, g: &GlobalFit) -> anyhow::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "global fit: {}, {} points, {} parameters, {} iterations, {}",
        super::spectra::count_spectra(g.spectra.len()),
        g.n_points,
        g.n_parameters,
        g.n_iterations,
        if g.converged { "converged" } else { "NOT CONVERGED" }
    )?;
    for p in &g.parameters {
        let se = p.stderr.map_or_else(|| "—".to_owned(), |s| format!("{s:.4e}"));
        writeln!(out, "  {:<16} {:>14.6e} ± {:<11} {}", p.name, p.value, se, p.unit)?;
    }
    writeln!(out, "  χ² = {:.4e}   reduced χ² = {:.4e}", g.chi2, g.reduced_chi2)?;
    Ok(())
}

fn write_table(out: &mut impl Write, r: &TemperatureSeriesReport) -> anyhow::Result<()> {
    let colour = use_colour();
    writeln!(
        out,
        "{:>8}  {:<28}  {:<16}  {:>5}  {:>11}",
        "T / °C", "file", "fit", "iter", "χ²"
    )?;
    for f in &r.fits {
        let name = f.name();
        match &f.outcome {
            FitOutcome::Report(rep) => {
                let status = match (rep.converged, colour) {
                    (true, _) => if f.warm_started {
                        "converged (warm)"
                    } else {
                        "converged"
                    }
                    .to_string(),
                    (false, true) => "\x1b[1;31mNOT CONVERGED\x1b[0m".to_string(),
                    (false, false) => "NOT CONVERGED".to_string(),
                };
                writeln!(
                    out,
                    "{:>8.2}  {:<28}  {:<16}  {:>5}  {:>11.4e}",
                    f.temperature_c, name, status, rep.n_iterations, rep.chi2
                )?;
            }
            FitOutcome::Error { error } => writeln!(out, "{:>8.2}  {:<28}  error: {error}", f.temperature_c, name)?,
        }
    }
    if !r.quantities.is_empty() {
        writeln!(out)?;
        writeln!(out, "{:<14}  {:>8}  {:>26}  {:>30}", "quantity", "T / °C", "R", "R·A")?;
        // One prefix per column where the column allows it, so that the rows line up.
        let r_ref = column_reference(r.quantities.iter().map(|q| q.value_ohm));
        let a_ref = column_reference(r.quantities.iter().filter_map(|q| q.areal_ohm_cm2));
        for q in &r.quantities {
            let areal = q
                .areal_ohm_cm2
                .map(|a| eng_pm_like(a, q.areal_stderr_ohm_cm2, "Ω·cm²", a_ref.unwrap_or(a)))
                .unwrap_or_default();
            writeln!(
                out,
                "{:<14}  {:>8.2}  {:>26}  {:>30}",
                q.name,
                q.temperature_c,
                eng_pm_like(q.value_ohm, q.stderr_ohm, "Ohm", r_ref.unwrap_or(q.value_ohm)),
                areal
            )?;
        }
    }
    if !r.conductivity.is_empty() {
        writeln!(out)?;
        writeln!(out, "conductivity of {}:", r.conductivity[0].quantity)?;
        let s_ref = column_reference(r.conductivity.iter().map(|c| c.sigma_s_per_cm));
        for c in &r.conductivity {
            writeln!(
                out,
                "  {:>8.2} °C   σ = {}",
                c.temperature_c,
                eng_pm_like(
                    c.sigma_s_per_cm,
                    c.sigma_stderr_s_per_cm,
                    "S/cm",
                    s_ref.unwrap_or(c.sigma_s_per_cm)
                )
            )?;
        }
    }
    if !r.arrhenius.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Arrhenius fits ({} law):",
            match r.arrhenius[0].fit.law() {
                ArrheniusLaw::TPrefactor => "R = T·κ·exp(E_A/k_B·T)",
                ArrheniusLaw::Plain => "R = κ·exp(E_A/k_B·T)",
            }
        )?;
        for a in &r.arrhenius {
            writeln!(
                out,
                "  {:<14}  E_A = {:.4} ± {:.4} eV  95 % CI [{:.4}, {:.4}]  ({:.2} kJ/mol)   R² = {:.5}   {} points",
                a.quantity,
                a.activation_energy_ev,
                a.activation_energy_ev_stderr,
                a.activation_energy_ev_ci95[0],
                a.activation_energy_ev_ci95[1],
                a.activation_energy_kj_per_mol,
                a.r_squared,
                a.n_points
            )?;
        }
    }
    Ok(())
}

fn write_csv(out: &mut impl Write, r: &TemperatureSeriesReport) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "quantity",
        "temperature_c",
        "value_ohm",
        "stderr_ohm",
        "areal_ohm_cm2",
        "areal_stderr_ohm_cm2",
        "sigma_s_per_cm",
        "sigma_stderr_s_per_cm",
    ])?;
    let opt = |v: Option<f64>| v.map(csv_number).unwrap_or_default();
    for q in &r.quantities {
        let sigma = r
            .conductivity
            .iter()
            .find(|c| c.quantity == q.name && (c.temperature_c - q.temperature_c).abs() < 1e-9);
        w.write_record([
            q.name.clone(),
            csv_number(q.temperature_c),
            csv_number(q.value_ohm),
            opt(q.stderr_ohm),
            opt(q.areal_ohm_cm2),
            opt(q.areal_stderr_ohm_cm2),
            opt(sigma.map(|c| c.sigma_s_per_cm)),
            opt(sigma.and_then(|c| c.sigma_stderr_s_per_cm)),
        ])?;
    }
    w.flush()?;
    Ok(())
}
