//! Options shared by `fit` and `series`: the circuit, start values, fixed values, bounds, weighting, frequency
//! window and multi-start, and how input files are read.

use super::parse_assignments;
use anyhow::{bail, Context};
use eisfit::io::{self, Format, SweepSelection};
use eisfit::{Circuit, FitOptions, Spectrum, Weighting};
use std::path::Path;

/// Fit options on the command line.
#[derive(clap::Args, Debug, Clone)]
pub struct FitArgs {
    /// Circuit in impedance.py notation (R0-p(R1,CPE1)) or Boukamp's CDC (R(RQ)), or `auto`: the circuit
    /// `eisfit identify` ranks best (over several files, the one with the largest summed weight).
    #[arg(long)]
    pub circuit: String,
    /// Start values, NAME=VALUE,... (others are found automatically) [default: all automatic].
    #[arg(long)]
    pub init: Option<String>,
    /// Parameters held fixed, NAME=VALUE,... [default: none].
    #[arg(long)]
    pub fix: Option<String>,
    /// Bounds, NAME=LOW:HIGH,... (inf and -inf allowed) [default: R, C, Q > 0; exponents in (0, 1]].
    #[arg(long)]
    pub bounds: Option<String>,
    /// Residual weighting: modulus (1/|Z|), modulus-model (1/|Z| of the fitted model, iterated: no bias from noisy weights), unit, proportional (1/|Z'|, 1/|Z''|) or sigma (1/σ from the file's sigma_real_ohm/sigma_imag_ohm or σ(Z')/σ(Z'') columns).
    #[arg(long, default_value = "modulus")]
    pub weight: Weighting,
    /// Standard errors from the model covariance s²(JᵀWJ)⁻¹ (model), or from the sandwich estimator (robust), which holds when the weights do not match the noise.
    #[arg(long, default_value = "model")]
    pub covariance: eisfit::fit::Covariance,
    /// Also run the linear Kramers–Kronig test on each spectrum fitted (as `eisfit validate`) and report its verdict (JSON: "kk"; about a millisecond per spectrum).
    #[arg(long)]
    pub kk: bool,
    /// Fit only frequencies at or above this value, Hz [default: no limit].
    #[arg(long)]
    pub fmin: Option<f64>,
    /// Fit only frequencies at or below this value, Hz [default: no limit].
    #[arg(long)]
    pub fmax: Option<f64>,
    /// Drop inductive points (Z'' > 0) before fitting.
    #[arg(long)]
    pub drop_inductive: bool,
    /// Leave points out of the fit: frequency ranges LOW:HIGH in Hz (inclusive; an empty side is open: 45:55,
    /// 1e5:, :0.1) and point positions #K or #K-M (0-based, in file order), comma-separated, e.g.
    /// --exclude 45:55,#0-2. Plots draw them grey.
    #[arg(long, value_name = "RANGES")]
    pub exclude: Option<String>,
    /// Always run N random starts besides the first [default: up to 8, only when the first fit is doubtful].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    pub multistart: Option<u64>,
    /// Maximum residual evaluations per start (1 to 1,000,000,000).
    #[arg(long, default_value_t = 4000, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub max_evaluations: u64,
    /// Seed of the multi-start sampler (same seed, same result).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Keep interchangeable sub-circuits in the order the optimiser left them, instead of decreasing
    /// characteristic frequency.
    #[arg(long)]
    pub no_canonical_order: bool,
    /// Reader: auto (detect from the content) or a format name such as gamry-dta, biologic-mpt, zplot.
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// Which sweep of each file to fit: a 0-based index or all.
    #[arg(long, default_value = "0")]
    pub sweep: SweepSelection,
    #[command(flatten)]
    pub input: InputArgs,
}

/// How files are read, beyond `--format`: columns by position and the size limit. Shared by every subcommand
/// that reads spectra.
#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// Columns by position, for headerless or misleading tables: names among freq, omega, re, im, -im, mod,
    /// phase_deg, -phase_deg, phase_rad, -phase_rad, sweep, skip; e.g. freq,re,-im or freq,mod,phase_deg. Any
    /// header line is ignored [default: from the header, or recognised from the values].
    #[arg(long)]
    pub columns: Option<io::Columns>,
    /// Refuse input files larger than this many MiB.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub max_file_mb: u64,
}

impl InputArgs {
    /// Library read options with `format`.
    pub fn options(&self, format: Option<Format>) -> io::ReadOptions {
        let mut o = io::ReadOptions::default()
            .with_format(format)
            .with_max_bytes(self.max_file_mb.saturating_mul(1 << 20));
        if let Some(c) = self.columns {
            o = o.with_columns(c);
        }
        o
    }
}

impl FitArgs {
    /// The parsed circuit; errors name the option.
    pub fn circuit(&self) -> anyhow::Result<Circuit> {
        self.circuit.parse().with_context(|| "--circuit")
    }

    /// Library options for `circuit`; names are checked against it so errors come before any file is read.
    pub fn options(&self, circuit: &Circuit) -> anyhow::Result<FitOptions> {
        super::spectra::check_window(self.fmin, self.fmax)?;
        let mut o = FitOptions::default()
            .with_weighting(self.weight)
            .with_covariance(self.covariance)
            .with_kk_check(self.kk)
            .with_seed(self.seed)
            .with_max_evaluations(usize::try_from(self.max_evaluations).unwrap_or(usize::MAX));
        if let Some(s) = &self.init {
            for (n, v) in parse_assignments("--init", s)? {
                circuit.param_index(&n).context("--init")?;
                o = o.with_initial(n, v);
            }
        }
        if let Some(s) = &self.fix {
            for (n, v) in parse_assignments("--fix", s)? {
                circuit.param_index(&n).context("--fix")?;
                o = o.with_fixed(n, v);
            }
        }
        if let Some(s) = &self.bounds {
            for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                let Some((name, range)) = item.split_once('=') else {
                    bail!("--bounds: expected NAME=LOW:HIGH, got '{item}'");
                };
                let Some((lo, hi)) = range.split_once(':') else {
                    bail!("--bounds: expected LOW:HIGH after '{name}=', got '{range}'");
                };
                let num = |x: &str| -> anyhow::Result<f64> {
                    x.trim()
                        .parse::<f64>()
                        .with_context(|| format!("--bounds: '{}' is not a number (in '{item}')", x.trim()))
                };
                circuit.param_index(name.trim()).context("--bounds")?;
                o = o.with_bounds(name.trim(), num(lo)?, num(hi)?);
            }
        }
        if let Some(f) = self.fmin {
            o = o.with_fmin(f);
        }
        if let Some(f) = self.fmax {
            o = o.with_fmax(f);
        }
        if let Some(n) = self.multistart {
            o = o.with_multistart(usize::try_from(n).unwrap_or(usize::MAX));
        }
        if let Some(e) = &self.exclude {
            o = super::reuse::exclude(o, e)?;
        }
        Ok(o.with_drop_inductive(self.drop_inductive)
            .with_canonical_order(!self.no_canonical_order))
    }

    /// How files are read: the reader chosen with `--format`, `--columns` and `--max-file-mb`.
    pub fn reader(&self) -> anyhow::Result<io::ReadOptions> {
        Ok(self.input.options(Format::from_choice(&self.format)?))
    }
}

/// The selected sweeps of one file, with the warnings its reader notes and the selection give each fit of it.
pub struct Loaded {
    /// (sweep index, spectrum) for each selected sweep.
    pub sweeps: Vec<(usize, Spectrum)>,
    /// A truncated file, a table that ended early, sweeps left out by `--sweep N`.
    pub warnings: Vec<eisfit::fit::FitWarning>,
}

/// Reads `path` and returns its selected sweeps as (sweep index, spectrum), with the file's warnings.
pub fn load(path: &Path, options: io::ReadOptions, sweep: SweepSelection) -> anyhow::Result<Loaded> {
    let file = io::read_with(path, &options)?;
    let selected = file.select(sweep)?;
    let fitted = match sweep {
        SweepSelection::Index(i) => Some(i),
        SweepSelection::All => None,
    };
    let warnings = eisfit::fit::FitWarning::from_file(file.notes(), file.sweeps().len(), fitted);
    let sweeps = selected
        .into_iter()
        .map(|s| (s.index(), s.spectrum().clone()))
        .collect();
    Ok(Loaded { sweeps, warnings })
}

/// The message of an error from [`load`], naming the file: a reader's error names it itself (every
/// [`io::ReadError`] does); anything else gets it in front.
pub fn load_error_message(path: &Path, e: &anyhow::Error) -> String {
    let msg = crate::error_message(e);
    if e.downcast_ref::<io::ReadError>().is_some() {
        msg
    } else {
        format!("{}: {msg}", path.display())
    }
}
