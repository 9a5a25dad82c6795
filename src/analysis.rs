//! The temperature-series workflow: fit every spectrum, combine fitted resistances into physical quantities,
//! convert them to areal resistances and conductivities, and fit the Arrhenius law to each, carrying the
//! uncertainties through every step.
//!
//! This is the analysis of a symmetric-cell study in one call: with `R0-p(R1,CPE1)-p(R2,CPE2)` fitted at each
//! temperature, `separator = R0 + R1` and `interface = 0.5*R2` (one of two identical interfaces) give, with the
//! electrode area and separator thickness, the areal resistances, the conductivity σ = d/(R·A), and activation
//! energies.
//!
//! # Uncertainties
//! A combination Σ aᵢ·pᵢ has variance Σᵢⱼ aᵢ·aⱼ·Cov(pᵢ, pⱼ) from the fit's covariance matrix, so correlated
//! parameters (R0 and R1 often are) are handled correctly. Areal values scale by the area; σ = d/(R·A) carries the
//! relative error of R. The Arrhenius fits are weighted by these errors.
//!
//! # Examples
//! ```
//! use eisfit::analysis::{analyze_temperature_series, Combination, SeriesPoint, TemperatureSeriesOptions};
//! use eisfit::simulate::{log_frequencies, simulate, Noise};
//! use eisfit::{Circuit, FitOptions};
//!
//! let circuit: Circuit = "R0-p(R1,CPE1)".parse()?;
//! let f = log_frequencies(1e6, 1.0, 10)?;
//! let kb = eisfit::consts::BOLTZMANN_EV_PER_K;
//! let points = [0.0, 20.0, 40.0, 60.0]
//!     .iter()
//!     .enumerate()
//!     .map(|(i, &tc)| {
//!         let t = tc + 273.15;
//!         let r = 1e-3 * t * (0.3 / (kb * t)).exp(); // R = T·κ·exp(Ea/kT), Ea = 0.3 eV
//!         let s = simulate(&circuit, &[2.0, r, 1e-6, 0.9], &f, Some(Noise::new(0.002, i as u64)?))?;
//!         Ok(SeriesPoint::new(format!("{tc} C"), tc, s))
//!     })
//!     .collect::<Result<Vec<_>, eisfit::Error>>()?;
//! let options = TemperatureSeriesOptions::default()
//!     .with_combination("bulk=R1".parse::<Combination>()?)
//!     .with_area_cm2(0.5);
//! let report = analyze_temperature_series(&circuit, &points, &FitOptions::default(), &options)?;
//! let ea = &report.arrhenius[0];
//! assert!((ea.activation_energy_ev - 0.3).abs() < 3.0 * ea.activation_energy_ev_stderr + 0.002);
//! # Ok::<(), eisfit::Error>(())
//! ```

use crate::arrhenius::{fit_arrhenius, ArrheniusLaw, ArrheniusOptions};
use crate::circuit::Circuit;
use crate::energy::Measured;
use crate::fit::{fit_series, FitOptions};
use crate::spectrum::Spectrum;

mod combination;
mod report;
pub use combination::Combination;
use report::sweep_name;
pub use report::{
    ArrheniusEntry, ConductivityValue, FitOutcome, QuantityValue, SeriesFitEntry, TemperatureSeriesReport,
};

/// Errors of the series workflow.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// A `NAME=EXPR` combination that does not parse.
    #[error("invalid combination '{text}': {reason}")]
    InvalidCombination {
        /// The text given.
        text: String,
        /// What was wrong and what was expected.
        reason: String,
    },
    /// A combination names a parameter the circuit does not have.
    #[error("combination '{combination}': {source}")]
    UnknownParameter {
        /// Name of the combination.
        combination: String,
        /// The circuit's error, listing its parameters.
        source: crate::circuit::CircuitError,
    },
    /// A series needs at least one spectrum.
    #[error("the series has no spectra")]
    Empty,
    /// An area, thickness or temperature that is not finite and positive (or, for temperatures, above 0 K).
    #[error("{what} must be finite and positive, got {value}")]
    InvalidValue {
        /// Which input.
        what: String,
        /// The value.
        value: f64,
    },
    /// `conductivity_of` names no combination.
    #[error("--conductivity-of '{0}' is not one of the combinations")]
    UnknownQuantity(String),
}

/// One spectrum of a series with its temperature and, optionally, its own area and thickness.
#[derive(Debug, Clone)]
pub struct SeriesPoint {
    label: String,
    sweep: usize,
    temperature_c: f64,
    spectrum: Spectrum,
    area_cm2: Option<f64>,
    thickness_um: Option<f64>,
}

impl SeriesPoint {
    /// A spectrum measured at `temperature_c` (°C); `label` names it in reports (usually the file name).
    #[must_use]
    pub fn new(label: impl Into<String>, temperature_c: f64, spectrum: Spectrum) -> Self {
        SeriesPoint {
            label: label.into(),
            sweep: 0,
            temperature_c,
            spectrum,
            area_cm2: None,
            thickness_um: None,
        }
    }

    /// The index of this spectrum's sweep in its file (default 0), reported as `sweep`.
    #[must_use]
    pub fn with_sweep(mut self, sweep: usize) -> Self {
        self.sweep = sweep;
        self
    }

    /// This spectrum's electrode area in cm² (overrides the series-wide area).
    #[must_use]
    pub fn with_area_cm2(mut self, a: f64) -> Self {
        self.area_cm2 = Some(a);
        self
    }

    /// This spectrum's separator thickness in µm (overrides the series-wide thickness).
    #[must_use]
    pub fn with_thickness_um(mut self, d: f64) -> Self {
        self.thickness_um = Some(d);
        self
    }

    /// The label.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The sweep index.
    #[must_use]
    pub fn sweep(&self) -> usize {
        self.sweep
    }

    /// The label, with the sweep when it is not the first: how warnings name the point.
    fn name(&self) -> String {
        sweep_name(&self.label, self.sweep)
    }

    /// The temperature in °C.
    #[must_use]
    pub fn temperature_c(&self) -> f64 {
        self.temperature_c
    }

    /// The spectrum.
    #[must_use]
    pub fn spectrum(&self) -> &Spectrum {
        &self.spectrum
    }
}

/// Options of [`analyze_temperature_series`].
#[derive(Debug, Clone, Default)]
pub struct TemperatureSeriesOptions {
    combinations: Vec<Combination>,
    area_cm2: Option<Measured>,
    thickness_um: Option<Measured>,
    conductivity_of: Option<String>,
    law: ArrheniusLaw,
}

impl TemperatureSeriesOptions {
    /// Adds a quantity to derive from each fit.
    #[must_use]
    pub fn with_combination(mut self, c: Combination) -> Self {
        self.combinations.push(c);
        self
    }

    /// Electrode area in cm², for areal resistances: a number, or a [`Measured`] value with its standard
    /// uncertainty, which the areal resistances, the conductivity and the Arrhenius prefactors then carry.
    ///
    /// # Examples
    /// ```
    /// use eisfit::analysis::TemperatureSeriesOptions;
    /// use eisfit::Measured;
    ///
    /// let exact = TemperatureSeriesOptions::default().with_area_cm2(0.5027);
    /// let known_to_2_percent = TemperatureSeriesOptions::default().with_area_cm2(Measured::new(0.5, 0.01));
    /// # let _ = (exact, known_to_2_percent);
    /// ```
    #[must_use]
    pub fn with_area_cm2(mut self, a: impl Into<Measured>) -> Self {
        self.area_cm2 = Some(a.into());
        self
    }

    /// Separator thickness in µm, for the conductivity: a number, or a [`Measured`] value whose uncertainty the
    /// conductivity then carries (`Measured::new(110.0, 5.0)` for 110 ± 5 µm).
    #[must_use]
    pub fn with_thickness_um(mut self, d: impl Into<Measured>) -> Self {
        self.thickness_um = Some(d.into());
        self
    }

    /// The quantity whose conductivity is reported (default: the first combination, when a thickness is known).
    #[must_use]
    pub fn with_conductivity_of(mut self, name: impl Into<String>) -> Self {
        self.conductivity_of = Some(name.into());
        self
    }

    /// The Arrhenius law (default: the T-prefactor law R = T·κ·exp(E_A/k_BT)).
    #[must_use]
    pub fn with_law(mut self, law: ArrheniusLaw) -> Self {
        self.law = law;
        self
    }
}

fn positive(what: &str, v: Option<f64>) -> Result<Option<f64>, AnalysisError> {
    match v {
        Some(x) if !(x.is_finite() && x > 0.0) => Err(AnalysisError::InvalidValue {
            what: what.to_string(),
            value: x,
        }),
        other => Ok(other),
    }
}

fn measured(what: &str, v: Option<Measured>) -> Result<Option<Measured>, AnalysisError> {
    positive(what, v.map(|m| m.value))?;
    match v {
        Some(m) if !(m.stderr.is_finite() && m.stderr >= 0.0) => Err(AnalysisError::InvalidValue {
            what: format!("{what} uncertainty"),
            value: m.stderr,
        }),
        other => Ok(other),
    }
}

/// Relative uncertainty of a measured value (0 for an exact one).
fn rel(m: Measured) -> f64 {
    m.stderr / m.value
}

/// Runs the whole series analysis (see the [module docs](self)).
///
/// Spectra are fitted in increasing temperature, each started from the previous result
/// ([`fit_series`]). Quantities come only from converged fits.
///
/// # Errors
/// [`AnalysisError`] for an empty series, invalid areas, thicknesses or temperatures, a combination naming an
/// unknown parameter, or an unknown `conductivity_of`. Fits that fail or do not converge are reported in the
/// result, not as errors.
pub fn analyze_temperature_series(
    circuit: &Circuit,
    points: &[SeriesPoint],
    fit_options: &FitOptions,
    options: &TemperatureSeriesOptions,
) -> Result<TemperatureSeriesReport, AnalysisError> {
    if points.is_empty() {
        return Err(AnalysisError::Empty);
    }
    measured("area", options.area_cm2)?;
    measured("thickness", options.thickness_um)?;
    for p in points {
        positive(&format!("{}: area", p.name()), p.area_cm2)?;
        positive(&format!("{}: thickness", p.name()), p.thickness_um)?;
        if !(p.temperature_c.is_finite() && p.temperature_c > -273.15) {
            return Err(AnalysisError::InvalidValue {
                what: format!("{}: temperature (°C, above absolute zero)", p.name()),
                value: p.temperature_c,
            });
        }
    }
    for c in &options.combinations {
        for (_, name) in c.terms() {
            circuit
                .param_index(name)
                .map_err(|source| AnalysisError::UnknownParameter {
                    combination: c.name().to_owned(),
                    source,
                })?;
        }
    }
    let sigma_of = match &options.conductivity_of {
        Some(n) => {
            if !options.combinations.iter().any(|c| c.name() == n) {
                return Err(AnalysisError::UnknownQuantity(n.clone()));
            }
            Some(n.clone())
        }
        None => options.combinations.first().map(|c| c.name().to_owned()),
    };

    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| points[a].temperature_c.total_cmp(&points[b].temperature_c));
    let sorted: Vec<&SeriesPoint> = order.iter().map(|&i| &points[i]).collect();
    let spectra: Vec<Spectrum> = sorted.iter().map(|p| p.spectrum.clone()).collect();
    let series = fit_series(circuit, &spectra, fit_options);

    let mut report = TemperatureSeriesReport {
        fits: Vec::new(),
        quantities: Vec::new(),
        arrhenius: Vec::new(),
        conductivity: Vec::new(),
        warnings: Vec::new(),
    };
    for ((p, outcome), warm) in sorted.iter().zip(series.fits).zip(series.warm_started) {
        let area = p.area_cm2.map(Measured::exact).or(options.area_cm2);
        let thickness = p.thickness_um.map(Measured::exact).or(options.thickness_um);
        match outcome {
            Ok(r) => {
                if r.converged {
                    for c in &options.combinations {
                        let (v, s) = c.evaluate(circuit, &r)?;
                        // Relative errors add in quadrature: R from the fit, A and d from the user's uncertainties.
                        let r_rel = s.map(|s| s / v.abs());
                        let a_rel = area.map_or(0.0, rel);
                        report.quantities.push(QuantityValue {
                            name: c.name().to_owned(),
                            temperature_c: p.temperature_c,
                            value_ohm: v,
                            stderr_ohm: s,
                            areal_ohm_cm2: area.map(|a| v * a.value),
                            areal_stderr_ohm_cm2: area
                                .and_then(|a| r_rel.map(|e| (v * a.value).abs() * e.hypot(a_rel))),
                            areal_stderr_from_fit_ohm_cm2: area.and_then(|a| s.map(|s| s * a.value)),
                        });
                        if let (Some(a), Some(d), true) = (area, thickness, sigma_of.as_deref() == Some(c.name())) {
                            // σ = d / (R·A), with d in cm.
                            let sigma = d.value * 1e-4 / (v * a.value);
                            report.conductivity.push(ConductivityValue {
                                quantity: c.name().to_owned(),
                                temperature_c: p.temperature_c,
                                sigma_s_per_cm: sigma,
                                sigma_stderr_s_per_cm: r_rel.map(|e| sigma.abs() * e.hypot(a_rel).hypot(rel(d))),
                                sigma_stderr_from_fit_s_per_cm: r_rel.map(|e| sigma.abs() * e),
                            });
                        }
                    }
                } else {
                    report.warnings.push(format!(
                        "{} ({} °C): the fit did not converge; left out of the quantities",
                        p.name(),
                        p.temperature_c
                    ));
                }
                report.fits.push(SeriesFitEntry {
                    file: p.label.clone(),
                    sweep: p.sweep,
                    temperature_c: p.temperature_c,
                    warm_started: warm,
                    outcome: FitOutcome::Report(Box::new(r)),
                });
            }
            Err(e) => {
                report
                    .warnings
                    .push(format!("{} ({} °C): {e}", p.name(), p.temperature_c));
                report.fits.push(SeriesFitEntry {
                    file: p.label.clone(),
                    sweep: p.sweep,
                    temperature_c: p.temperature_c,
                    warm_started: warm,
                    outcome: FitOutcome::Error { error: e },
                });
            }
        }
    }

    let arr_opts = ArrheniusOptions::default().with_law(options.law);
    for c in &options.combinations {
        let q: Vec<&QuantityValue> = report.quantities.iter().filter(|q| q.name == c.name()).collect();
        let areal = q.iter().all(|q| q.areal_ohm_cm2.is_some());
        let t: Vec<f64> = q.iter().map(|q| q.temperature_c).collect();
        let v: Vec<f64> = q
            .iter()
            .map(|q| {
                if areal {
                    q.areal_ohm_cm2.unwrap_or(q.value_ohm)
                } else {
                    q.value_ohm
                }
            })
            .collect();
        // why: the area's uncertainty scales every point alike; it moves κ, not E_A, so the weights and the line's
        // errors use the fits' errors alone and the area enters the prefactor's error below.
        let e: Option<Vec<f64>> = q
            .iter()
            .map(|q| {
                if areal {
                    q.areal_stderr_from_fit_ohm_cm2
                } else {
                    q.stderr_ohm
                }
            })
            .collect::<Option<Vec<f64>>>()
            .filter(|e| e.iter().all(|x| *x > 0.0 && x.is_finite()));
        if q.len() < 3 {
            report.warnings.push(format!(
                "{}: {} converged temperatures, at least 3 are needed for an Arrhenius fit",
                c.name(),
                q.len()
            ));
            continue;
        }
        // A series-wide area's uncertainty is common to every point (per-row areas are taken as exact).
        let area_rel = if areal { options.area_cm2.map_or(0.0, rel) } else { 0.0 };
        match fit_arrhenius(&t, &v, e.as_deref(), &arr_opts) {
            Ok(fit) => {
                for w in fit.warnings() {
                    report.warnings.push(format!("{}: {w}", c.name()));
                }
                report.arrhenius.push(ArrheniusEntry {
                    quantity: c.name().to_owned(),
                    activation_energy_ev: fit.activation_energy_ev(),
                    activation_energy_ev_stderr: fit.activation_energy_ev_stderr(),
                    activation_energy_ev_ci95: fit.activation_energy_ev_ci95(),
                    activation_energy_kj_per_mol: fit.activation_energy_kj_per_mol(),
                    prefactor: fit.prefactor(),
                    prefactor_stderr: fit.prefactor() * (fit.prefactor_stderr() / fit.prefactor()).hypot(area_rel),
                    r_squared: fit.r_squared(),
                    n_points: fit.n_points(),
                    degrees_of_freedom: fit.degrees_of_freedom(),
                    areal,
                    warnings: fit.warnings().to_vec(),
                    data: (t.iter().map(|t| t + crate::consts::ZERO_CELSIUS_K).collect(), v, e),
                    fit,
                });
            }
            Err(err) => report
                .warnings
                .push(format!("{}: Arrhenius fit failed: {err}", c.name())),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests;
