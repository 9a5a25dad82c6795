//! The report of the series workflow: fits, derived quantities, conductivities and Arrhenius fits; it serialises
//! to the `eisfit series` JSON document.

use crate::arrhenius::{ArrheniusFit, ArrheniusWarning};
use crate::fit::FitReport;
use serde::Serialize;

/// The fit of one spectrum of the series.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesFitEntry {
    /// The point's label (file name).
    pub file: String,
    /// The sweep of the file that was fitted.
    pub sweep: usize,
    /// Temperature in °C.
    pub temperature_c: f64,
    /// Whether the fit started from the previous temperature's result.
    pub warm_started: bool,
    /// The fit, or why it could not run.
    #[serde(flatten)]
    pub outcome: FitOutcome,
}

impl SeriesFitEntry {
    /// The file, with the sweep when it is not the first (`cell.DTA (sweep 1)`): how reports name the entry.
    #[must_use]
    pub fn name(&self) -> String {
        sweep_name(&self.file, self.sweep)
    }
}

pub(super) fn sweep_name(label: &str, sweep: usize) -> String {
    if sweep == 0 {
        label.to_owned()
    } else {
        format!("{label} (sweep {sweep})")
    }
}

/// A fit report or the error that prevented the fit.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum FitOutcome {
    /// The fit ran (check `converged`).
    Report(Box<FitReport>),
    /// The fit could not be set up.
    Error {
        /// Why (serialised as its message).
        error: crate::fit::FitError,
    },
}

/// A derived quantity at one temperature.
#[derive(Debug, Clone, Serialize)]
pub struct QuantityValue {
    /// Name of the combination.
    pub name: String,
    /// Temperature in °C.
    pub temperature_c: f64,
    /// Value in Ω.
    pub value_ohm: f64,
    /// Standard error in Ω.
    pub stderr_ohm: Option<f64>,
    /// Areal value in Ω·cm², when an area is known.
    pub areal_ohm_cm2: Option<f64>,
    /// Its standard error: the fit's error combined with the area's uncertainty, when one is given.
    pub areal_stderr_ohm_cm2: Option<f64>,
    /// The part of the standard error that comes from the fit alone (the area taken as exact); the Arrhenius fit
    /// is weighted by it.
    pub areal_stderr_from_fit_ohm_cm2: Option<f64>,
}

/// The Arrhenius fit of one quantity.
#[derive(Debug, Clone, Serialize)]
pub struct ArrheniusEntry {
    /// Name of the quantity.
    pub quantity: String,
    /// E_A in eV.
    pub activation_energy_ev: f64,
    /// Its standard error.
    pub activation_energy_ev_stderr: f64,
    /// Its 95 % confidence interval, E_A ± t₀.₉₇₅(ν)·SE with ν = n − 2.
    pub activation_energy_ev_ci95: [f64; 2],
    /// E_A in kJ/mol.
    pub activation_energy_kj_per_mol: f64,
    /// Prefactor κ, in the units of the fitted values (Ω·cm²/K for areal values with the T-prefactor law).
    pub prefactor: f64,
    /// Its standard error; for areal values it includes the series-wide area's uncertainty, which scales κ but
    /// not E_A.
    pub prefactor_stderr: f64,
    /// R² of the linearised fit.
    pub r_squared: f64,
    /// Number of temperatures.
    pub n_points: usize,
    /// Residual degrees of freedom of the line, n − 2.
    pub degrees_of_freedom: usize,
    /// Whether the fit was on areal values (Ω·cm²) rather than Ω.
    pub areal: bool,
    /// What the Arrhenius fit noticed (temperatures that look like kelvin, a negative E_A, repeated
    /// temperatures); also in the report's `warnings` as text.
    pub warnings: Vec<ArrheniusWarning>,
    /// The full fit, for predictions and plots.
    #[serde(skip)]
    pub fit: ArrheniusFit,
    /// Temperatures (K) and values used, for plots.
    #[serde(skip)]
    pub data: (Vec<f64>, Vec<f64>, Option<Vec<f64>>),
}

/// Conductivity at one temperature.
#[derive(Debug, Clone, Serialize)]
pub struct ConductivityValue {
    /// Name of the quantity it was derived from.
    pub quantity: String,
    /// Temperature in °C.
    pub temperature_c: f64,
    /// σ in S/cm.
    pub sigma_s_per_cm: f64,
    /// Its standard error: the fit's error combined with the uncertainties of area and thickness, when given.
    pub sigma_stderr_s_per_cm: Option<f64>,
    /// The part of the standard error that comes from the fit alone.
    pub sigma_stderr_from_fit_s_per_cm: Option<f64>,
}

/// Everything the series analysis produced; serialises to the `eisfit series` JSON document.
#[derive(Debug, Clone, Serialize)]
pub struct TemperatureSeriesReport {
    /// The fits, in increasing temperature.
    pub fits: Vec<SeriesFitEntry>,
    /// Derived quantities per temperature.
    pub quantities: Vec<QuantityValue>,
    /// Arrhenius fits per quantity (those with at least 3 converged temperatures).
    pub arrhenius: Vec<ArrheniusEntry>,
    /// Conductivities per temperature.
    pub conductivity: Vec<ConductivityValue>,
    /// Problems met along the way (a fit that failed, a quantity without enough points for Arrhenius).
    pub warnings: Vec<String>,
}
