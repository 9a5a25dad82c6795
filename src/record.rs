//! The JSON objects of the command-line contract, one per spectrum and result: what `eisfit fit`, `eisfit
//! validate` and `eisfit drt` print with `--output json`, and what the Python package's `to_dict()` returns. The CLI
//! and the bindings build them from the same types, so the two cannot drift apart.
//!
//! Each record borrows its result and adds where the spectrum came from (`file`, `sweep`). A spectrum that did
//! not come from a file (arrays handed to the Python package) has no `file` and no `sweep`, and its object
//! leaves the two keys out.
//!
//! # Examples
//! ```
//! use eisfit::record::FitRecord;
//! use eisfit::simulate::{log_frequencies, simulate};
//! use eisfit::{fit, Circuit, FitOptions};
//!
//! let circuit: Circuit = "R0-p(R1,C1)".parse()?;
//! let freq = log_frequencies(1e5, 1.0, 8)?;
//! let data = simulate(&circuit, &[10.0, 100.0, 1e-6], &freq, None)?;
//! let report = fit(&circuit, &data, &FitOptions::default())?;
//! let json = serde_json::to_value(FitRecord::new(&report).with_source("cell.csv", 0)).unwrap();
//! assert_eq!(json["file"], "cell.csv");
//! assert_eq!(json["parameters"][1]["name"], "R1");
//! # Ok::<(), eisfit::Error>(())
//! ```

use crate::circuit::Circuit;
use crate::drt::Drt;
use crate::fit::{ArcEstimate, Diagnostic, FitReport};
use crate::validation::{Immittance, LinKk};
use serde::Serialize;

/// The object of one fitted spectrum in `eisfit fit --output json`: the [`FitReport`] (its fields are keys of the
/// object), where the spectrum came from, and the warnings with their stable codes.
#[derive(Debug, Clone, Serialize)]
pub struct FitRecord<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sweep: Option<usize>,
    /// With `--sequential`: whether the fit started from the previous spectrum's result.
    #[serde(skip_serializing_if = "Option::is_none")]
    warm_started: Option<bool>,
    #[serde(flatten)]
    report: &'a FitReport,
    /// The warnings with their stable codes, next to their text in `warnings`.
    diagnostics: Vec<Diagnostic>,
    /// Effective capacitance and apex frequency of each R‖CPE, R‖C and Zarc arc ([`crate::fit::arcs`]).
    arcs: Vec<ArcEstimate>,
}

impl<'a> FitRecord<'a> {
    /// The object of `report`, without a source.
    #[must_use]
    pub fn new(report: &'a FitReport) -> Self {
        FitRecord {
            file: None,
            sweep: None,
            warm_started: None,
            report,
            diagnostics: report.diagnostics(),
            // The report names its circuit in the notation it parses from.
            arcs: report
                .circuit
                .parse::<Circuit>()
                .map(|c| crate::fit::arcs(&c, report))
                .unwrap_or_default(),
        }
    }

    /// The file and the 0-based sweep the spectrum came from.
    #[must_use]
    pub fn with_source(mut self, file: impl Into<String>, sweep: usize) -> Self {
        self.file = Some(file.into());
        self.sweep = Some(sweep);
        self
    }

    /// Whether the fit started from the previous spectrum's result (`eisfit fit --sequential`).
    #[must_use]
    pub fn with_warm_started(mut self, warm_started: Option<bool>) -> Self {
        self.warm_started = warm_started;
        self
    }
}

/// The object of one spectrum in `eisfit validate --output json`: the verdict of the linear Kramers–Kronig test
/// ([`LinKk`]) and its residuals.
#[derive(Debug, Clone, Serialize)]
pub struct LinKkRecord<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sweep: Option<usize>,
    valid: bool,
    n_rc: usize,
    mu: f64,
    pseudo_chi2: f64,
    max_abs_residual: f64,
    pseudo_chi2_sum: f64,
    noise_variance: f64,
    noise_ratio: f64,
    immittance: Immittance,
    frequency_hz: &'a [f64],
    residual_real: &'a [f64],
    residual_imag: &'a [f64],
}

impl<'a> LinKkRecord<'a> {
    /// The object of `test`, without a source.
    #[must_use]
    pub fn new(test: &'a LinKk) -> Self {
        LinKkRecord {
            file: None,
            sweep: None,
            valid: test.valid,
            n_rc: test.n_rc,
            mu: test.mu,
            pseudo_chi2: test.pseudo_chi2,
            max_abs_residual: test.max_abs_residual,
            pseudo_chi2_sum: test.pseudo_chi2_sum,
            noise_variance: test.noise_variance,
            noise_ratio: test.noise_ratio,
            immittance: test.model.immittance,
            frequency_hz: &test.freq_hz,
            residual_real: &test.residual_real,
            residual_imag: &test.residual_imag,
        }
    }

    /// The file and the 0-based sweep the spectrum came from.
    #[must_use]
    pub fn with_source(mut self, file: impl Into<String>, sweep: usize) -> Self {
        self.file = Some(file.into());
        self.sweep = Some(sweep);
        self
    }
}

/// One peak of the distribution of relaxation times in [`DrtRecord`].
#[derive(Debug, Clone, Serialize)]
struct PeakRecord {
    tau_s: f64,
    r_ohm: f64,
    freq_hz: f64,
    gamma_ohm: f64,
}

/// The object of one spectrum in `eisfit drt --output json`: the distribution of relaxation times ([`Drt`]), its
/// peaks and its credible band.
#[derive(Debug, Clone, Serialize)]
pub struct DrtRecord<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sweep: Option<usize>,
    lambda: f64,
    r_inf_ohm: f64,
    tau_s: &'a [f64],
    gamma_ohm: &'a [f64],
    peaks: Vec<PeakRecord>,
    r_pol_ohm: f64,
    inductance_h: f64,
    gamma_lower_ohm: &'a [f64],
    gamma_upper_ohm: &'a [f64],
    pseudo_chi2: f64,
}

impl<'a> DrtRecord<'a> {
    /// The object of `drt`, without a source.
    #[must_use]
    pub fn new(drt: &'a Drt) -> Self {
        DrtRecord {
            file: None,
            sweep: None,
            lambda: drt.lambda,
            r_inf_ohm: drt.r_inf_ohm,
            tau_s: &drt.tau_s,
            gamma_ohm: &drt.gamma_ohm,
            peaks: drt
                .peaks
                .iter()
                .map(|p| PeakRecord {
                    tau_s: p.tau_s,
                    r_ohm: p.r_ohm,
                    freq_hz: p.freq_hz,
                    gamma_ohm: p.gamma_ohm,
                })
                .collect(),
            r_pol_ohm: drt.r_pol_ohm,
            inductance_h: drt.inductance_h,
            gamma_lower_ohm: &drt.gamma_lower_ohm,
            gamma_upper_ohm: &drt.gamma_upper_ohm,
            pseudo_chi2: drt.pseudo_chi2,
        }
    }

    /// The file and the 0-based sweep the spectrum came from.
    #[must_use]
    pub fn with_source(mut self, file: impl Into<String>, sweep: usize) -> Self {
        self.file = Some(file.into());
        self.sweep = Some(sweep);
        self
    }
}
