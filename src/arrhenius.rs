//! Arrhenius analysis of a temperature series: activation energy, prefactor and predictions with standard errors.
//!
//! A thermally activated resistance (or conductivity) is linearised by taking logarithms and fitted by (weighted)
//! linear least squares against the inverse absolute temperature 1/T.
//!
//! # Formula
//! Two laws are offered ([`ArrheniusLaw`]), each for a resistance or its reciprocal, a conductivity ([`Quantity`]):
//!
//! | law | resistance | conductivity | fitted line |
//! |---|---|---|---|
//! | [`ArrheniusLaw::TPrefactor`] (default) | R = T·κ·exp(E_A/(k_B·T)) | σ = (κ/T)·exp(−E_A/(k_B·T)) | ln(R/T) resp. ln(σ·T) vs 1/T |
//! | [`ArrheniusLaw::Plain`] | R = κ·exp(E_A/(k_B·T)) | σ = κ·exp(−E_A/(k_B·T)) | ln R resp. ln σ vs 1/T |
//!
//! With y = a + b·x, x = 1/T (1/K) and y the logarithm in the last column, E_A = ±k_B·b (+ for a resistance, − for a
//! conductivity, so that E_A > 0 in the usual case) and κ = exp(a). The T-prefactor law is the one derived from
//! hopping (Nernst–Einstein) conduction. Fitting data that follow the T-prefactor law with the plain law lowers E_A by
//! about k_B·T̄ (≈ 0.025 eV near room temperature), because ln T itself has the slope −T against 1/T.
//!
//! # Statistics
//! * Without standard errors of the values, every log-value has the same weight and the covariance of (a, b) is
//!   s²·(XᵀX)⁻¹ with s² = χ²/(n − 2).
//! * With standard errors σᵢ of the values, the log-values are weighted by 1/σ_lnᵢ² with σ_lnᵢ = σᵢ/vᵢ (first order).
//!   The covariance is **also scaled by the reduced χ²**, χ²/(n − 2): the given errors set the *relative* weights,
//!   the scatter of the data sets the overall size of the uncertainties (as SciPy's `curve_fit` with
//!   `absolute_sigma=False`). If you trust your σᵢ absolutely, divide the standard errors by
//!   √[`ArrheniusFit::reduced_chi2`].
//! * The prefactor's standard error and all predictions use the delta method on the logarithm, including the
//!   covariance of slope and intercept: Var ln v(T) = Var a + x²·Var b + 2x·Cov(a, b).
//! * 95 % intervals use Student's t with ν = n − 2 degrees of freedom, not 1.96: the scale of the errors is
//!   estimated from the n − 2 residual degrees of freedom of the line, and with six temperatures t₀.₉₇₅(4) = 2.776,
//!   so ±1.96 SE would cover only about 88 %. The intervals of κ and of predictions are those of the logarithm
//!   mapped back (asymmetric, always positive).
//! * Repeated temperatures are fitted as separate points.
//!
//! Temperatures are taken as exact.
//!
//! # Examples
//! ```
//! use eisfit::arrhenius::{fit_arrhenius, ArrheniusOptions};
//! use eisfit::consts::{BOLTZMANN_EV_PER_K, ZERO_CELSIUS_K};
//!
//! // A separator resistance following R = T·κ·exp(E_A/k_B·T) with E_A = 0.28 eV, measured at −10…40 °C.
//! let t_c = [-10.0, 0.0, 10.0, 20.0, 30.0, 40.0];
//! let r: Vec<f64> = t_c
//!     .iter()
//!     .map(|t| {
//!         let t_k = t + ZERO_CELSIUS_K;
//!         t_k * 2e-6 * (0.28 / (BOLTZMANN_EV_PER_K * t_k)).exp()
//!     })
//!     .collect();
//! let fit = fit_arrhenius(&t_c, &r, None, &ArrheniusOptions::default())?;
//! assert!((fit.activation_energy_ev() - 0.28).abs() < 1e-9);
//! assert!((fit.prefactor() / 2e-6 - 1.0).abs() < 1e-6);
//! let at_25 = fit.predict(25.0)?; // in the unit of the temperatures fitted: °C by default
//! assert!(at_25.value > 0.0);
//! # Ok::<(), eisfit::arrhenius::ArrheniusError>(())
//! ```

use serde::Serialize;

use crate::consts::{BOLTZMANN_EV_PER_K, EV_TO_KJ_PER_MOL, ZERO_CELSIUS_K};

/// Why an Arrhenius fit or prediction could not be made. Indices are zero-based positions in the input slices.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ArrheniusError {
    /// A straight line with standard errors needs at least three points.
    #[error("an Arrhenius fit needs at least 3 points, got {n}")]
    TooFewPoints {
        /// Number of points given.
        n: usize,
    },
    /// The values (or their standard errors) do not have one entry per temperature.
    #[error("length mismatch: {temperatures} temperatures but {found} {what}")]
    LengthMismatch {
        /// `"values"` or `"standard errors"`.
        what: &'static str,
        /// Number of temperatures.
        temperatures: usize,
        /// Number of entries found.
        found: usize,
    },
    /// A temperature, value or standard error is NaN or infinite.
    #[error("point {index}: {what} is not finite ({value})")]
    NonFinite {
        /// Index of the offending point.
        index: usize,
        /// `"temperature"`, `"value"` or `"standard error"`.
        what: &'static str,
        /// The value found.
        value: f64,
    },
    /// A resistance or conductivity is zero or negative, so it has no logarithm.
    #[error("point {index}: value must be > 0, got {value}")]
    NonPositiveValue {
        /// Index of the offending point.
        index: usize,
        /// The value found.
        value: f64,
    },
    /// A temperature is at or below absolute zero.
    #[error("point {index}: temperature {value} {unit} is at or below absolute zero")]
    NonPositiveTemperature {
        /// Index of the offending point.
        index: usize,
        /// The temperature as given.
        value: f64,
        /// Its unit, `"°C"` or `"K"`.
        unit: &'static str,
    },
    /// Two points share a temperature. No longer returned by [`fit_arrhenius`], which fits repeated temperatures
    /// as separate points (with an [`ArrheniusWarning::RepeatedTemperature`]); kept for compatibility.
    #[error("points {first} and {second} have the same temperature ({temperature_k} K)")]
    DuplicateTemperature {
        /// Index of the first point.
        first: usize,
        /// Index of the second point.
        second: usize,
        /// The shared temperature in K.
        temperature_k: f64,
    },
    /// A standard error is zero or negative.
    #[error("point {index}: standard error must be > 0, got {value}")]
    NonPositiveStderr {
        /// Index of the offending point.
        index: usize,
        /// The value found.
        value: f64,
    },
    /// Every point has the same temperature (or all but one do not differ), so no slope can be fitted.
    #[error("an Arrhenius fit needs at least 2 different temperatures, got {distinct}")]
    TooFewTemperatures {
        /// Number of different temperatures.
        distinct: usize,
    },
    /// The input is finite but so extreme that the fit's result is not (E_A, κ or a standard error came out NaN or
    /// infinite); nothing trustworthy can be reported.
    #[error("the fit's {what} is not finite ({value}): the input values or temperatures are too extreme")]
    NonFiniteResult {
        /// `"activation energy"`, `"prefactor"` or `"standard error"`.
        what: &'static str,
        /// The value found.
        value: f64,
    },
    /// A prediction was asked for at a temperature that is not finite and above absolute zero.
    #[error("cannot predict at {temperature_k} K: the temperature must be finite and > 0 K")]
    InvalidPredictionTemperature {
        /// The temperature asked for, in K.
        temperature_k: f64,
    },
}

impl ArrheniusError {
    /// The index of the offending input point, if the error is about one point (for a duplicate temperature, the
    /// later of the two).
    #[must_use]
    pub fn index(&self) -> Option<usize> {
        match self {
            Self::NonFinite { index, .. }
            | Self::NonPositiveValue { index, .. }
            | Self::NonPositiveTemperature { index, .. }
            | Self::NonPositiveStderr { index, .. } => Some(*index),
            Self::DuplicateTemperature { second, .. } => Some(*second),
            _ => None,
        }
    }
}

/// Which temperature dependence is fitted. See the module docs for the formulas.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArrheniusLaw {
    /// R = T·κ·exp(E_A/(k_B·T)), σ = (κ/T)·exp(−E_A/(k_B·T)): the ln(R/T) or ln(σT) vs 1/T line.
    #[default]
    TPrefactor,
    /// R = κ·exp(E_A/(k_B·T)), σ = κ·exp(−E_A/(k_B·T)): the ln R or ln σ vs 1/T line.
    Plain,
}

/// Whether the values fall (resistance) or rise (conductivity) with temperature.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quantity {
    /// A resistance (or areal resistance, or any quantity ∝ exp(+E_A/k_BT)).
    #[default]
    Resistance,
    /// A conductivity (or conductance, or any quantity ∝ exp(−E_A/k_BT)).
    Conductivity,
}

/// The unit of the temperatures passed to [`fit_arrhenius`].
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub enum TemperatureUnit {
    /// Degrees Celsius (converted with 0 °C = 273.15 K).
    #[default]
    Celsius,
    /// Kelvin.
    Kelvin,
}

impl TemperatureUnit {
    /// Converts a temperature in this unit to kelvin.
    #[must_use]
    pub fn to_kelvin(self, t: f64) -> f64 {
        match self {
            Self::Celsius => t + ZERO_CELSIUS_K,
            Self::Kelvin => t,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Self::Celsius => "°C",
            Self::Kelvin => "K",
        }
    }
}

/// Options of [`fit_arrhenius`]: the law, the kind of quantity and the temperature unit.
///
/// # Examples
/// ```
/// use eisfit::arrhenius::{ArrheniusLaw, ArrheniusOptions, Quantity, TemperatureUnit};
///
/// let opts = ArrheniusOptions::default()
///     .with_law(ArrheniusLaw::Plain)
///     .with_quantity(Quantity::Conductivity)
///     .with_temperature_unit(TemperatureUnit::Kelvin);
/// assert_eq!(opts.law(), ArrheniusLaw::Plain);
/// ```
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct ArrheniusOptions {
    law: ArrheniusLaw,
    quantity: Quantity,
    temperature_unit: TemperatureUnit,
}

impl ArrheniusOptions {
    /// Sets the law (default [`ArrheniusLaw::TPrefactor`]).
    #[must_use]
    pub fn with_law(mut self, law: ArrheniusLaw) -> Self {
        self.law = law;
        self
    }

    /// Sets the kind of quantity (default [`Quantity::Resistance`]).
    #[must_use]
    pub fn with_quantity(mut self, quantity: Quantity) -> Self {
        self.quantity = quantity;
        self
    }

    /// Sets the unit of the input temperatures (default [`TemperatureUnit::Celsius`]).
    #[must_use]
    pub fn with_temperature_unit(mut self, unit: TemperatureUnit) -> Self {
        self.temperature_unit = unit;
        self
    }

    /// The law to fit.
    #[must_use]
    pub fn law(&self) -> ArrheniusLaw {
        self.law
    }

    /// The kind of quantity.
    #[must_use]
    pub fn quantity(&self) -> Quantity {
        self.quantity
    }

    /// The unit of the input temperatures.
    #[must_use]
    pub fn temperature_unit(&self) -> TemperatureUnit {
        self.temperature_unit
    }
}

/// Fits an Arrhenius law to values (resistances or conductivities) measured at the given temperatures.
///
/// `stderr`, if given, holds one standard error per value (same unit as the values) and switches on weighted
/// least squares; see the module docs for how the standard errors are computed.
///
/// # Errors
/// [`ArrheniusError`] for fewer than 3 points or 2 different temperatures, length mismatches, non-finite input,
/// values or standard errors that are not positive, and temperatures at or below absolute zero, naming the first
/// offending point; [`ArrheniusError::NonFiniteResult`] when extreme (finite) input gives a result that is not
/// finite.
///
/// Repeated temperatures are fitted as separate points. What the fit noticed (temperatures that look like kelvin
/// in a °C column, a resistance with a negative E_A, repeated temperatures) is in [`ArrheniusFit::warnings`].
///
/// # Examples
/// Conductivities in K with standard errors (weighted fit); the bad point at 320 K carries a large error bar and
/// barely moves the result:
/// ```
/// use eisfit::arrhenius::{fit_arrhenius, ArrheniusError, ArrheniusOptions, Quantity, TemperatureUnit};
///
/// let t_k = [260.0, 280.0, 300.0, 320.0];
/// let kb = eisfit::consts::BOLTZMANN_EV_PER_K;
/// let mut sigma: Vec<f64> = t_k.iter().map(|t| 1e3 / t * (-0.35 / (kb * t)).exp()).collect();
/// sigma[3] *= 1.3;
/// let errors: Vec<f64> = sigma.iter().zip([0.01, 0.01, 0.01, 1.0]).map(|(s, rel)| s * rel).collect();
/// let opts = ArrheniusOptions::default()
///     .with_quantity(Quantity::Conductivity)
///     .with_temperature_unit(TemperatureUnit::Kelvin);
/// let fit = fit_arrhenius(&t_k, &sigma, Some(&errors), &opts)?;
/// assert!((fit.activation_energy_ev() - 0.35).abs() < 0.002);
///
/// // All points at one temperature: no slope can be fitted.
/// let err = fit_arrhenius(&[260.0, 260.0, 260.0], &[1.0, 2.0, 3.0], None, &opts).unwrap_err();
/// assert!(matches!(err, ArrheniusError::TooFewTemperatures { distinct: 1 }));
/// # Ok::<(), ArrheniusError>(())
/// ```
pub fn fit_arrhenius(
    temperatures: &[f64],
    values: &[f64],
    stderr: Option<&[f64]>,
    options: &ArrheniusOptions,
) -> Result<ArrheniusFit, ArrheniusError> {
    let n = temperatures.len();
    if values.len() != n {
        return Err(ArrheniusError::LengthMismatch {
            what: "values",
            temperatures: n,
            found: values.len(),
        });
    }
    if let Some(s) = stderr {
        if s.len() != n {
            return Err(ArrheniusError::LengthMismatch {
                what: "standard errors",
                temperatures: n,
                found: s.len(),
            });
        }
    }
    if n < 3 {
        return Err(ArrheniusError::TooFewPoints { n });
    }
    let unit = options.temperature_unit;
    let mut t_k = Vec::with_capacity(n);
    for i in 0..n {
        let finite = |what, value: f64| {
            if value.is_finite() {
                Ok(())
            } else {
                Err(ArrheniusError::NonFinite { index: i, what, value })
            }
        };
        finite("temperature", temperatures[i])?;
        finite("value", values[i])?;
        let tk = unit.to_kelvin(temperatures[i]);
        if tk <= 0.0 {
            return Err(ArrheniusError::NonPositiveTemperature {
                index: i,
                value: temperatures[i],
                unit: unit.symbol(),
            });
        }
        if values[i] <= 0.0 {
            return Err(ArrheniusError::NonPositiveValue {
                index: i,
                value: values[i],
            });
        }
        if let Some(s) = stderr {
            finite("standard error", s[i])?;
            if s[i] <= 0.0 {
                return Err(ArrheniusError::NonPositiveStderr { index: i, value: s[i] });
            }
        }
        t_k.push(tk);
    }
    let warnings = warnings::input_warnings(temperatures, &t_k, options);
    let distinct = count_distinct(&t_k);
    if distinct < 2 {
        return Err(ArrheniusError::TooFewTemperatures { distinct });
    }

    let x: Vec<f64> = t_k.iter().map(|t| 1.0 / t).collect();
    let y: Vec<f64> = t_k
        .iter()
        .zip(values)
        .map(|(&t, &v)| linearise(options.law, options.quantity, t, v))
        .collect();
    // First-order error of a logarithm: σ_ln v = σ_v / v. The ±ln T shift of the T-prefactor law is exact.
    let w: Vec<f64> = match stderr {
        Some(s) => s.iter().zip(values).map(|(&e, &v)| (v / e).powi(2)).collect(),
        None => vec![1.0; n],
    };
    let line = weighted_line(&x, &y, &w);

    let sign = match options.quantity {
        Quantity::Resistance => 1.0,
        Quantity::Conductivity => -1.0,
    };
    let ea = sign * BOLTZMANN_EV_PER_K * line.slope;
    let ea_se = BOLTZMANN_EV_PER_K * line.var_slope.sqrt();
    let prefactor = line.intercept.exp();
    let prefactor_se = prefactor * line.var_intercept.sqrt();
    for (what, value) in [
        ("activation energy", ea),
        ("standard error", ea_se),
        ("prefactor", prefactor),
        ("standard error", prefactor_se),
        ("covariance", line.covariance),
        ("χ²", line.chi2),
    ] {
        if !value.is_finite() {
            return Err(ArrheniusError::NonFiniteResult { what, value });
        }
    }
    let dof = n - 2;
    let t95 = t_quantile_975(dof);
    let mut warnings = warnings;
    warnings.extend(warnings::result_warnings(ea, options.quantity));
    Ok(ArrheniusFit {
        law: options.law,
        quantity: options.quantity,
        temperature_unit: options.temperature_unit(),
        activation_energy_ev: ea,
        activation_energy_ev_stderr: ea_se,
        activation_energy_kj_per_mol: ea * EV_TO_KJ_PER_MOL,
        activation_energy_kj_per_mol_stderr: ea_se * EV_TO_KJ_PER_MOL,
        prefactor,
        // Delta method: d exp(a)/da = exp(a).
        prefactor_stderr: prefactor_se,
        // The interval of κ is that of ln κ mapped back: asymmetric, and never below zero.
        prefactor_ci95: [
            (line.intercept - t95 * line.var_intercept.sqrt()).exp(),
            (line.intercept + t95 * line.var_intercept.sqrt()).exp(),
        ],
        activation_energy_ev_ci95: [ea - t95 * ea_se, ea + t95 * ea_se],
        dof,
        t_quantile_975: t95,
        warnings,
        r_squared: line.r_squared,
        n_points: n,
        weighted: stderr.is_some(),
        slope_k: line.slope,
        intercept: line.intercept,
        slope_stderr_k: line.var_slope.sqrt(),
        intercept_stderr: line.var_intercept.sqrt(),
        slope_intercept_covariance: line.covariance,
        chi2: line.chi2,
        reduced_chi2: line.chi2 / (n - 2) as f64,
    })
}

/// y = ln of the law's linear form: ln(R/T), ln R, ln(σT) or ln σ.
pub(crate) fn linearise(law: ArrheniusLaw, quantity: Quantity, t_k: f64, v: f64) -> f64 {
    match (law, quantity) {
        (ArrheniusLaw::TPrefactor, Quantity::Resistance) => (v / t_k).ln(),
        (ArrheniusLaw::TPrefactor, Quantity::Conductivity) => (v * t_k).ln(),
        (ArrheniusLaw::Plain, _) => v.ln(),
    }
}

/// Inverse of [`linearise`]: the value whose linearised form is `y` at `t_k`.
fn delinearise(law: ArrheniusLaw, quantity: Quantity, t_k: f64, y: f64) -> f64 {
    match (law, quantity) {
        (ArrheniusLaw::TPrefactor, Quantity::Resistance) => t_k * y.exp(),
        (ArrheniusLaw::TPrefactor, Quantity::Conductivity) => y.exp() / t_k,
        (ArrheniusLaw::Plain, _) => y.exp(),
    }
}

/// The number of different temperatures (equal to a few ulps counts as equal: °C → K conversion rounds).
fn count_distinct(t_k: &[f64]) -> usize {
    let mut sorted = t_k.to_vec();
    sorted.sort_by(f64::total_cmp);
    1 + sorted
        .windows(2)
        .filter(|p| (p[1] - p[0]).abs() > 1e-12 * p[1].abs())
        .count()
}

/// The 97.5 % quantile of Student's t with `dof` degrees of freedom: the factor of a two-sided 95 % interval.
/// `dof` ≥ 1 here (a fit has at least 3 points and 2 parameters).
pub(crate) fn t_quantile_975(dof: usize) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, dof.max(1) as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(f64::NAN)
}

/// A weighted straight line y = intercept + slope·x with its (reduced-χ²-scaled) covariance.
struct Line {
    slope: f64,
    intercept: f64,
    var_slope: f64,
    var_intercept: f64,
    covariance: f64,
    chi2: f64,
    r_squared: f64,
}

fn weighted_line(x: &[f64], y: &[f64], w: &[f64]) -> Line {
    let sw: f64 = w.iter().sum();
    let xm = w.iter().zip(x).map(|(w, x)| w * x).sum::<f64>() / sw;
    let ym = w.iter().zip(y).map(|(w, y)| w * y).sum::<f64>() / sw;
    // why: centring on the weighted means avoids the cancellation of Σwx² − (Σwx)²/Σw, which is severe here because
    // 1/T varies by only ~20 % over a typical series.
    let mut sxx = 0.0;
    let mut sxy = 0.0;
    let mut syy = 0.0;
    for i in 0..x.len() {
        let (dx, dy) = (x[i] - xm, y[i] - ym);
        sxx += w[i] * dx * dx;
        sxy += w[i] * dx * dy;
        syy += w[i] * dy * dy;
    }
    let slope = sxy / sxx;
    let intercept = ym - slope * xm;
    let chi2: f64 = (0..x.len())
        .map(|i| w[i] * (y[i] - intercept - slope * x[i]).powi(2))
        .sum();
    let s2 = chi2 / (x.len() - 2) as f64;
    // Unscaled covariance of (a, b) about the centred form: Var b = 1/Sxx, Var a = 1/Σw + x̄²/Sxx, Cov = −x̄/Sxx.
    let var_slope = s2 / sxx;
    Line {
        slope,
        intercept,
        var_slope,
        var_intercept: s2 * (1.0 / sw + xm * xm / sxx),
        covariance: -s2 * xm / sxx,
        chi2,
        // A flat, exactly fitted line (syy = 0) explains everything there is to explain.
        r_squared: if syy > 0.0 { 1.0 - chi2 / syy } else { 1.0 },
    }
}

mod report;
mod warnings;

pub use report::{ArrheniusFit, Prediction};
pub use warnings::{kelvin_lookalike, ArrheniusWarning};

#[cfg(test)]
mod tests;
