//! The result of a fit: parameter estimates with uncertainties, goodness-of-fit statistics and diagnostics.

use super::adequacy::Adequacy;
use super::covariance;
use super::problem::Workspace;
use super::verdict::{Diagnostic, FitWarning, Termination};
use super::Weighting;
use crate::circuit::Circuit;
use nalgebra::DMatrix;
use num_complex::Complex64;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// One fitted parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterEstimate {
    /// Name, e.g. `CPE1.n`.
    pub name: String,
    /// Fitted (or fixed) value, SI units.
    pub value: f64,
    /// Standard error, `None` when fixed or when the Jacobian was too singular to give one.
    pub stderr: Option<f64>,
    /// 95 % confidence interval `[low, high]` from Student's t with ν = 2N − p degrees of freedom.
    pub ci95: Option<[f64; 2]>,
    /// Standard error relative to |value|, in percent.
    pub rel_err_percent: Option<f64>,
    /// SI unit as ASCII (`Ohm`, `F`, `S s^n`), empty when dimensionless.
    pub unit: String,
    /// Held fixed during the fit.
    pub fixed: bool,
    /// Ended at (within 1e-6 of the range of) one of its bounds.
    pub at_bound: bool,
}

/// Relative residual of one point: (Z − Ẑ)/|Ẑ| for each part.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Residual {
    /// Frequency in Hz.
    pub frequency_hz: f64,
    /// (Z′ − Ẑ′)/|Ẑ|.
    pub real: f64,
    /// (Z″ − Ẑ″)/|Ẑ|.
    pub imag: f64,
}

/// Everything a fit found. Its serialisation is the JSON object of the CLI contract: the termination and the
/// warnings as their sentences, the weighting by name, the matrices as arrays of rows.
///
/// Statistics, with N points, n = 2N residuals, k free parameters and ν = n − k:
/// - `chi2` = Σ rᵢ², the weighted sum of squares the fit minimised;
/// - `reduced_chi2` = χ²/ν, which is ≈ 1 when the weights are true inverse standard deviations;
/// - `pseudo_chi2` = Σ [(Z′ − Ẑ′)² + (Z″ − Ẑ″)²]/|Ẑ|², Boukamp's pseudo-χ² (Solid State Ionics 77 (1995) 247),
///   independent of the weighting used;
/// - `rmse` = √(Σ|Z − Ẑ|²/n) in Ω;
/// - `aic` = n·ln(χ²/n) + 2k and `bic` = n·ln(χ²/n) + k·ln n (Gaussian likelihood up to a constant); compare
///   them only between fits of the same data with the same weighting.
///
/// Standard errors come from Cov = s²·(JᵀWJ)⁻¹ with s² = χ²/ν, evaluated in the external parameters (so no
/// delta-method step through the bound transforms is needed: the two agree to first order and this one is
/// better conditioned near a bound).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitReport {
    /// The circuit, impedance.py notation.
    pub circuit: String,
    /// Whether the optimiser met a convergence criterion with a finite objective.
    pub converged: bool,
    /// Why the optimiser stopped.
    pub termination: Termination,
    /// Fitted parameters, in the circuit's order.
    pub parameters: Vec<ParameterEstimate>,
    /// Weighted sum of squared residuals.
    pub chi2: f64,
    /// χ²/ν.
    pub reduced_chi2: f64,
    /// Boukamp's pseudo-χ².
    pub pseudo_chi2: f64,
    /// Root-mean-square error of the real and imaginary parts, Ω.
    pub rmse: f64,
    /// Akaike information criterion.
    pub aic: f64,
    /// Bayesian information criterion.
    pub bic: f64,
    /// Number of frequencies fitted.
    pub n_points: usize,
    /// Number of free parameters.
    pub n_free: usize,
    /// Degrees of freedom ν = 2N − k.
    pub dof: usize,
    /// LM iterations (Jacobian evaluations) of the winning start.
    pub n_iterations: usize,
    /// Residual evaluations of the winning start.
    pub n_evaluations: usize,
    /// How many starts were run.
    pub n_starts: usize,
    /// How many converged starts reached the best objective (within 1e-6 relative): 0 when none converged.
    pub n_starts_at_best: usize,
    /// Weighting used.
    pub weighting: Weighting,
    /// Which covariance the standard errors, intervals and correlations come from.
    pub covariance_estimator: super::Covariance,
    /// Covariance matrix over all parameters, in the circuit's order (zero rows and columns for fixed ones),
    /// `None` when singular.
    #[serde(serialize_with = "rows")]
    pub covariance: Option<DMatrix<f64>>,
    /// Correlation matrix, as `covariance`.
    #[serde(serialize_with = "rows")]
    pub correlation: Option<DMatrix<f64>>,
    /// Per-point relative residuals.
    pub residuals: Vec<Residual>,
    /// Whether the model describes the data: misfit against the noise floor, structured residuals, points the
    /// circuit cannot produce. Its fields are keys of the JSON object (`adequate`, `misfit`, ...).
    #[serde(flatten)]
    pub adequacy: Adequacy,
    /// Diagnostics worth reading: parameters at bounds, strong correlations, unidentifiable parameters, and the
    /// signs of inadequacy.
    pub warnings: Vec<FitWarning>,
    /// The linear Kramers–Kronig verdict of the spectrum fitted, when asked for
    /// ([`FitOptions::with_kk_check`](super::FitOptions::with_kk_check)); the JSON key `kk`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kk: Option<KkCheck>,
}

/// The linear Kramers–Kronig test's verdict on a fitted spectrum: the fields of `eisfit validate`'s JSON object
/// that say whether the data are valid (see [`crate::validation::LinKk`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KkCheck {
    /// Whether the spectrum passes the test.
    pub valid: bool,
    /// Number of RC elements chosen.
    pub n_rc: usize,
    /// The μ criterion at that number.
    pub mu: f64,
    /// Pseudo-χ² per degree of freedom.
    pub pseudo_chi2: f64,
    /// Largest residual relative to |Z|.
    pub max_abs_residual: f64,
}

impl From<&crate::validation::LinKk> for KkCheck {
    fn from(k: &crate::validation::LinKk) -> Self {
        KkCheck {
            valid: k.valid,
            n_rc: k.n_rc,
            mu: k.mu,
            pseudo_chi2: k.pseudo_chi2,
            max_abs_residual: k.max_abs_residual,
        }
    }
}

/// A matrix as an array of its rows (or `null`).
fn rows<S: Serializer>(m: &Option<DMatrix<f64>>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    match m {
        None => s.serialize_none(),
        Some(m) => {
            let mut seq = s.serialize_seq(Some(m.nrows()))?;
            for r in 0..m.nrows() {
                let row: Vec<f64> = m.row(r).iter().copied().collect();
                seq.serialize_element(&row)?;
            }
            seq.end()
        }
    }
}

impl FitReport {
    /// Fitted values of all parameters, in the circuit's order.
    #[must_use]
    pub fn values(&self) -> Vec<f64> {
        self.parameters.iter().map(|p| p.value).collect()
    }

    /// The warnings with their stable codes and the names of their parameters (the JSON `diagnostics`).
    #[must_use]
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.warnings
            .iter()
            .map(|w| Diagnostic {
                code: w.code(),
                message: w.to_string(),
                parameters: w
                    .parameters()
                    .into_iter()
                    .filter_map(|i| self.parameters.get(i).map(|p| p.name.clone()))
                    .collect(),
            })
            .collect()
    }

    /// The estimate of a parameter by exact name.
    #[must_use]
    pub fn parameter(&self, name: &str) -> Option<&ParameterEstimate> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

/// Inputs to the statistics, gathered by the fitter.
pub(crate) struct StatsInput<'a> {
    pub circuit: &'a Circuit,
    pub freq_hz: &'a [f64],
    pub data: &'a [Complex64],
    /// Weights of the real and imaginary residuals, as the parts of one complex number per point.
    pub w: &'a [Complex64],
    pub params: &'a [f64],
    pub free: &'a [usize],
    pub bounds: &'a [(f64, f64)],
    /// Which covariance the standard errors come from.
    pub covariance: super::Covariance,
}

/// Values computed from a final parameter vector.
pub(crate) struct Stats {
    pub chi2: f64,
    pub reduced_chi2: f64,
    pub pseudo_chi2: f64,
    pub rmse: f64,
    pub aic: f64,
    pub bic: f64,
    pub dof: usize,
    pub estimates: Vec<ParameterEstimate>,
    pub covariance: Option<DMatrix<f64>>,
    pub correlation: Option<DMatrix<f64>>,
    pub residuals: Vec<Residual>,
    pub warnings: Vec<FitWarning>,
    /// The largest ratio, either way, between a free parameter's robust and model standard errors (≥ 1; `None`
    /// without a covariance): far from 1 when the weights do not match the noise.
    pub se_ratio: Option<f64>,
}

#[allow(clippy::needless_range_loop)] // i indexes four parallel arrays
pub(crate) fn compute(inp: &StatsInput, ws: &mut Workspace) -> Stats {
    let n = inp.data.len();
    let np = inp.params.len();
    let k = inp.free.len();
    ws.model_at(inp.params);
    let z = &ws.z;

    let mut chi2 = 0.0;
    let mut pseudo = 0.0;
    let mut sq = 0.0;
    let mut residuals = Vec::with_capacity(n);
    for i in 0..n {
        let d = inp.data[i] - z[i];
        chi2 += (inp.w[i].re * d.re).powi(2) + (inp.w[i].im * d.im).powi(2);
        let m2 = z[i].norm_sqr().max(f64::MIN_POSITIVE);
        pseudo += d.norm_sqr() / m2;
        sq += d.norm_sqr();
        let m = m2.sqrt();
        residuals.push(Residual {
            frequency_hz: inp.freq_hz[i],
            real: d.re / m,
            imag: d.im / m,
        });
    }
    let n_res = 2 * n;
    let dof = n_res.saturating_sub(k);
    let s2 = if dof > 0 { chi2 / dof as f64 } else { f64::NAN };
    let nf = n_res as f64;
    let ln_term = nf * (chi2.max(f64::MIN_POSITIVE) / nf).ln();
    let aic = ln_term + 2.0 * k as f64;
    let bic = ln_term + k as f64 * nf.ln();

    let mut warnings = Vec::new();
    let estimate = covariance::estimate(inp, ws, s2, dof);
    let (cov_free, se_ratio) = (estimate.free, estimate.se_ratio);
    let (z, jac) = (&ws.z, &ws.jac);
    if k > 0 && dof > 0 && cov_free.is_none() {
        warnings.push(FitWarning::Undetermined);
    }

    let t95 = covariance::t_quantile_975(dof);
    let names = inp.circuit.param_names();
    let mut estimates = Vec::with_capacity(np);
    for (i, meta) in inp.circuit.params().iter().enumerate() {
        let value = inp.params[i];
        let free_pos = inp.free.iter().position(|&f| f == i);
        let stderr = match (free_pos, &cov_free) {
            (Some(c), Some(cov)) => Some(cov[(c, c)].max(0.0).sqrt()),
            _ => None,
        };
        let (lo, hi) = inp.bounds[i];
        let at_bound = free_pos.is_some() && near_bound(value, lo, hi, &jac[i * n..(i + 1) * n], z);
        if at_bound {
            warnings.push(FitWarning::AtBound {
                index: i,
                name: names[i].clone(),
                value,
                lower: lo,
                upper: hi,
            });
        }
        let rel = stderr.and_then(|s| (value.abs() > 0.0).then(|| 100.0 * s / value.abs()));
        if let Some(r) = rel {
            if r > 100.0 {
                warnings.push(FitWarning::LargeError {
                    index: i,
                    name: names[i].clone(),
                    percent: r,
                });
            }
        }
        estimates.push(ParameterEstimate {
            name: names[i].clone(),
            value,
            stderr,
            ci95: stderr.map(|s| covariance::interval_within_bounds(value, s, t95, (lo, hi))),
            rel_err_percent: rel,
            unit: meta.unit().to_string(),
            fixed: free_pos.is_none(),
            at_bound,
        });
    }

    let (covariance, correlation) = match &cov_free {
        Some(cf) => {
            let mut cov = DMatrix::<f64>::zeros(np, np);
            let mut cor = DMatrix::<f64>::zeros(np, np);
            for (a, &pa) in inp.free.iter().enumerate() {
                for (b, &pb) in inp.free.iter().enumerate() {
                    cov[(pa, pb)] = cf[(a, b)];
                    let d = (cf[(a, a)] * cf[(b, b)]).sqrt();
                    cor[(pa, pb)] = if d > 0.0 { cf[(a, b)] / d } else { 0.0 };
                }
            }
            for (a, &pa) in inp.free.iter().enumerate() {
                for &pb in &inp.free[a + 1..] {
                    if cor[(pa, pb)].abs() > 0.99 {
                        warnings.push(FitWarning::StrongCorrelation {
                            first: pa,
                            second: pb,
                            first_name: names[pa].clone(),
                            second_name: names[pb].clone(),
                            r: cor[(pa, pb)],
                        });
                    }
                }
            }
            (Some(cov), Some(cor))
        }
        None => (None, None),
    };

    Stats {
        chi2,
        reduced_chi2: s2,
        pseudo_chi2: pseudo,
        rmse: (sq / nf).sqrt(),
        aic,
        bic,
        dof,
        estimates,
        covariance,
        correlation,
        residuals,
        warnings,
        se_ratio,
    }
}

/// Whether a parameter sits on a bound.
///
/// Two-sided bounds: within 1e-6 of the range from either end. A one-sided bound (the 0 of a resistance,
/// capacitance, CPE Q or time constant) has no range to compare with, and a collapsed parameter stops anywhere
/// between 1e-300 and 1e-20 depending on where LM gives up. It is on its bound when moving it the rest of the way
/// there would change no point's impedance by more than 1e-9 of its modulus, to first order (`dz` is ∂Z/∂p at
/// every frequency, `z` the model): the data then cannot tell it from the bound.
pub(crate) fn near_bound(v: f64, lo: f64, hi: f64, dz: &[Complex64], z: &[Complex64]) -> bool {
    if lo.is_finite() && hi.is_finite() {
        let r = hi - lo;
        return (v - lo) <= 1e-6 * r || (hi - v) <= 1e-6 * r;
    }
    (lo.is_finite() && near_bound_within(v, lo, dz, z, 1e-9))
        || (hi.is_finite() && near_bound_within(v, hi, dz, z, 1e-9))
}

/// Whether `v` is on the one-sided bound `bound`: within 1e-12 of it relative, or so close that moving it there
/// would change no point's impedance by more than `effect` of its modulus, to first order (`dz` is ∂Z/∂p at every
/// frequency, `z` the model).
pub(crate) fn near_bound_within(v: f64, bound: f64, dz: &[Complex64], z: &[Complex64], effect: f64) -> bool {
    let dist = (v - bound).abs();
    dist <= 1e-12 * bound.abs().max(1e-300)
        || dz
            .iter()
            .zip(z)
            .all(|(d, m)| d.norm() * dist <= effect * m.norm().max(f64::MIN_POSITIVE))
}

impl fmt::Display for FitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}  {}  ({}, {} iterations, {} points)",
            self.circuit,
            if self.converged { "converged" } else { "NOT CONVERGED" },
            self.termination,
            self.n_iterations,
            self.n_points
        )?;
        for p in &self.parameters {
            let err = match (p.fixed, p.stderr, p.rel_err_percent) {
                (true, _, _) => "fixed".to_string(),
                // Above 100 % the data do not determine the value (the large_error warning).
                (false, Some(s), Some(r)) if r > 100.0 => format!("± {s:.3e} (undetermined)"),
                (false, Some(s), Some(r)) => format!("± {s:.3e} ({r:.2} %)"),
                (false, Some(s), None) => format!("± {s:.3e}"),
                (false, None, _) => "± n/a".to_string(),
            };
            writeln!(
                f,
                "  {:<12} {:>13.6e} {:<8} {}{}",
                p.name,
                p.value,
                p.unit,
                err,
                if p.at_bound { "  [at bound]" } else { "" }
            )?;
        }
        writeln!(
            f,
            "  chi2 = {:.4e}, reduced chi2 = {:.4e}, pseudo chi2 = {:.4e}, AIC = {:.2}, BIC = {:.2}",
            self.chi2, self.reduced_chi2, self.pseudo_chi2, self.aic, self.bic
        )?;
        for w in &self.warnings {
            writeln!(f, "  warning: {w}")?;
        }
        Ok(())
    }
}
