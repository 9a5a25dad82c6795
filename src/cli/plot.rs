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

/// The image size of a plot: `paper`, `slide` or WIDTHxHEIGHT in px.
///
/// Text keeps its size in px (13 px tick labels), so the presets choose the width at which it reads well once the
/// figure is scaled to its place: `paper` 440 px for a plot one journal column wide (8.5 cm: 7 pt text) and 900 px
/// for a fit report two columns wide (17.5 cm: 7.3 pt); `slide` 480 px for a plot half a 16:9 slide wide and 960
/// px for a report across it (13 pt text). The height follows the data, as by default.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum PlotSize {
    /// The built-in sizes.
    #[default]
    Default,
    /// For a journal page.
    Paper,
    /// For a presentation slide.
    Slide,
    /// An explicit size in px.
    Pixels(u32, u32),
}

impl std::str::FromStr for PlotSize {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "default" => Ok(PlotSize::Default),
            "paper" => Ok(PlotSize::Paper),
            "slide" => Ok(PlotSize::Slide),
            other => {
                let bad = || format!("expected paper, slide or WIDTHxHEIGHT in px (e.g. 800x600), got '{s}'");
                let (w, h) = other.split_once('x').ok_or_else(bad)?;
                let px = |v: &str| v.trim().parse::<u32>().ok().filter(|v| (200..=8000).contains(v));
                match (px(w), px(h)) {
                    (Some(w), Some(h)) => Ok(PlotSize::Pixels(w, h)),
                    _ => Err(format!("{}; each side 200 to 8000 px", bad())),
                }
            }
        }
    }
}

impl PlotSize {
    /// Width in px for a single plot and for a report, by preset.
    fn widths(self) -> Option<(u32, u32)> {
        match self {
            PlotSize::Paper => Some((440, 900)),
            PlotSize::Slide => Some((480, 960)),
            _ => None,
        }
    }

    /// Applies the size to a spectrum plot; `report` when the whole fit report is drawn.
    pub fn spectrum<'a>(self, plot: SpectrumPlot<'a>, report: bool) -> SpectrumPlot<'a> {
        match (self, self.widths()) {
            (PlotSize::Pixels(w, h), _) => plot.with_size(w, h),
            (_, Some((single, full))) => plot.with_width(if report { full } else { single }),
            _ => plot,
        }
    }

    /// The size of a plot whose default is `default` (width, height) px: scaled to the preset's single-plot width.
    pub fn scaled(self, default: (u32, u32)) -> Option<(u32, u32)> {
        match (self, self.widths()) {
            (PlotSize::Pixels(w, h), _) => Some((w, h)),
            (_, Some((single, _))) => {
                let h = f64::from(default.1) * f64::from(single) / f64::from(default.0);
                Some((single, h.round() as u32))
            }
            _ => None,
        }
    }
}

/// `--plot-size`, shared by every subcommand that plots.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct PlotSizeArg {
    /// Image size of the plot: paper (text 7 pt or more at journal width: 440 px for one plot, 900 px for a fit
    /// report), slide (480 and 960 px), or WIDTHxHEIGHT in px [default: 680 px wide for one plot, 1120 px for the
    /// report, 640 × 520 for an Arrhenius plot].
    #[arg(
        long = "plot-size",
        value_name = "paper|slide|WxH",
        default_value = "default",
        hide_default_value = true
    )]
    pub size: PlotSize,
}

/// Refuses a plot file name that does not end in `.svg`: eisfit writes SVG, and SVG text in a `.png` is no picture.
pub fn check_svg_path(option: &str, path: &Path) -> anyhow::Result<()> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    if ext.as_deref() == Some("svg") {
        return Ok(());
    }
    let svg = path.with_extension("svg");
    bail!(
        "{option} {}: eisfit writes SVG plots only; name the file {} and convert it if you need a bitmap, e.g. \
         `rsvg-convert -w 2000 {} -o {}`",
        path.display(),
        svg.display(),
        svg.display(),
        path.with_extension("png").display()
    )
}

/// Which plot to write.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlotKind {
    /// Nyquist across the top, Bode magnitude and phase below it, and the residuals (when a fit is given) beside
    /// them, in one figure.
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
    eisfit plot cell.csv --circuit 'R0-p(R1,C1)' --params R0=5,R1=50,C1=2e-6 --no-fit   # overlay, no fit\n  \
    eisfit fit cell.mpt --circuit 'R(RQ)(RQ)' --output json > fit.json\n  \
    eisfit plot cell.mpt --fit fit.json --kind nyquist -o nyquist.svg")]
pub struct PlotArgs {
    /// The spectrum file (any supported format).
    file: PathBuf,
    /// A fit result written by `eisfit fit --output json`; the entry for this file and sweep is plotted.
    #[arg(long, value_name = "RESULT.json", conflicts_with = "circuit")]
    fit: Option<PathBuf>,
    /// Fit this circuit (automatic start values, or --params) and plot the fit.
    #[arg(long)]
    circuit: Option<String>,
    /// Values for --circuit, NAME=VALUE,...: with --no-fit the curve drawn as given (every parameter needed),
    /// otherwise start values of the fit.
    #[arg(long, requires = "circuit")]
    params: Option<String>,
    /// Draw --circuit with --params over the data without fitting: a preview of start values, or of published
    /// parameters.
    #[arg(long, requires = "params")]
    no_fit: bool,
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
    plot_size: super::plot::PlotSizeArg,
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
    if let Some(out) = &args.output {
        check_svg_path("--output", out)?;
    }
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
        let plot = args.plot_size.size.spectrum(plot, args.kind == PlotKind::Report);
        let out = args.output.clone().unwrap_or_else(|| args.file.with_extension("svg"));
        match args.kind {
            PlotKind::Bode => plot.write_bode(&out),
            PlotKind::Report => plot.write_report(&out),
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
        (None, Some(c)) if args.no_fit => {
            let circuit: Circuit = c.parse().context("--circuit")?;
            let values = super::simulate::every_parameter(&circuit, "--params", args.params.as_deref().unwrap_or(""))?;
            Some((circuit, values))
        }
        (None, Some(c)) => {
            let circuit: Circuit = c.parse().context("--circuit")?;
            let mut options = FitOptions::default();
            if let Some(p) = &args.params {
                for (name, v) in super::parse_assignments("--params", p)? {
                    circuit.param_index(&name).context("--params")?;
                    options = options.with_initial(name, v);
                }
            }
            let report = fit(&circuit, &spectrum, &options)?;
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
        let what = if args.no_fit { "model" } else { "fit" };
        plot = plot
            .with_model(&dense, &zm, format!("{what}: {circuit}"))?
            .with_residuals(spectrum.freq_hz(), &re, &im)?;
    } else if args.kind == PlotKind::Residuals {
        bail!("--kind residuals needs a fit: give --fit RESULT.json or --circuit");
    }
    let plot = args.plot_size.size.spectrum(plot, args.kind == PlotKind::Report);
    let out = args.output.clone().unwrap_or_else(|| args.file.with_extension("svg"));
    match args.kind {
        PlotKind::Report => plot.write_report(&out),
        PlotKind::Nyquist => plot.write_nyquist(&out),
        PlotKind::Bode => plot.write_bode(&out),
        PlotKind::Residuals => plot.write_residuals(&out),
    }
    .with_context(|| format!("writing {}", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(EXIT_OK)
}
