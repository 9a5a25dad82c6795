//! Fitting a circuit to a spectrum: Levenberg–Marquardt with the analytic Jacobian, bounds by reparametrisation,
//! fixed parameters, weighting, automatic start values, a seeded multi-start, and honest statistics.
//!
//! # Method
//! The residual vector stacks the weighted real and imaginary deviations, r = [w′ᵢ(Ẑ′ᵢ − Z′ᵢ); w″ᵢ(Ẑ″ᵢ − Z″ᵢ)]
//! (see [`Weighting`]), and Levenberg–Marquardt (the `levenberg-marquardt` crate, a MINPACK port) minimises Σ r².
//! Bounded parameters are optimised in transformed coordinates: log for one-sided bounds, a scaled logistic for
//! two-sided ones, so every trial point is feasible; one iteration changes such a coordinate by at most ln 100, so
//! a parameter the start barely constrains cannot be thrown decades away in one step. The Jacobian is the
//! circuit's analytic ∂Z/∂p, chained through the transforms; no finite differences are taken. The solver is
//! handed the problem in compressed form (n + 1 rows with the same objective, gradient and JᵀJ as the 2N
//! stacked residuals, from a Cholesky factorisation of JᵀJ, or Householder QR when that is ill-conditioned), which
//! makes its iterations cheap without changing its steps.
//!
//! Without user start values, [`guess`] derives them from the spectrum's shape (high-frequency intercept, arc
//! diameters and apex frequencies, low-frequency tails), and the fit then runs from that start plus
//! `multistart` log-uniform random starts within the bounds (seeded, in parallel with rayon), keeping the best.
//!
//! By default interchangeable series sub-circuits of the same shape, such as the two `p(R,CPE)` of
//! `R0-p(R1,CPE1)-p(R2,CPE2)`, are reported in a canonical order: decreasing characteristic frequency from left to
//! right. `R1` then means the same process across a temperature series.
//!
//! # Examples
//! ```
//! use eisfit::{fit, Circuit, FitOptions};
//! use eisfit::simulate::{log_frequencies, simulate, Noise};
//!
//! let circuit: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)".parse()?;
//! let truth = [5.5, 8.2, 1.44e-6, 0.85, 6.0, 1.5e-5, 0.9];
//! let freq = log_frequencies(1e6, 1.0, 10)?;
//! let data = simulate(&circuit, &truth, &freq, Some(Noise::new(0.002, 1)?))?;
//!
//! // No start values: they are derived from the spectrum.
//! let report = fit(&circuit, &data, &FitOptions::default())?;
//! assert!(report.converged);
//! let r1 = report.parameter("R1").unwrap();
//! assert!((r1.value - 8.2).abs() < 3.0 * r1.stderr.unwrap() + 0.05);
//! # Ok::<(), eisfit::Error>(())
//! ```

mod adequacy;
mod arcs;
mod canonical;
mod covariance;
pub mod global;
pub mod guess;
mod local;
mod options;
mod problem;
mod qr;
mod report;
mod search;
mod series;
mod transform;
mod verdict;
mod weighting;

pub use adequacy::{Adequacy, MISFIT_LIMIT, RUNS_Z_LIMIT};
pub use arcs::{arcs, ArcEstimate};
pub use options::{Covariance, FitOptions, UnknownCovariance};
pub use report::{FitReport, KkCheck, ParameterEstimate, Residual};
pub use series::{fit_series, SeriesFit};
pub use verdict::{Diagnostic, FitWarning, Termination, Tolerance, WEIGHTS_MISMATCH_RATIO};
pub use weighting::{UnknownWeighting, Weighting};

use crate::circuit::{Circuit, CircuitError};
use crate::spectrum::{Spectrum, SpectrumError};
use local::{Context, LocalFit};
use options::{into_bounds, prepare, resolve};

/// Why a fit could not be run. (A fit that runs but does not converge is not an error: see
/// [`FitReport::converged`].)
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// A parameter name in the options is not in the circuit.
    #[error(transparent)]
    Circuit(#[from] CircuitError),
    /// Cropping or dropping points left too few.
    #[error(transparent)]
    Spectrum(#[from] SpectrumError),
    /// A start value lies outside its bounds, or on one: the fit works inside the open interval, where a start on
    /// a bound (R = 0, n = 1) cannot move.
    #[error(
        "start value of {name} = {value} is outside its bounds ({lower}, {upper}); start strictly inside them, \
         or fix the parameter"
    )]
    StartOutsideBounds {
        /// Parameter name.
        name: String,
        /// Start value.
        value: f64,
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
    /// Bounds with lower ≥ upper, NaN, or a finite range too wide for f64.
    #[error(
        "invalid bounds for {name}: ({lower}, {upper}); need lower < upper, and inf or -inf for an unbounded side"
    )]
    InvalidBounds {
        /// Parameter name.
        name: String,
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
    /// A start or fixed value that is not finite.
    #[error("value of {name} must be finite, got {value}")]
    NonFiniteValue {
        /// Parameter name.
        name: String,
        /// The value.
        value: f64,
    },
    /// No more residuals than free parameters: no degree of freedom is left for χ²/ν and the standard errors.
    #[error(
        "{points} points give {} residuals, and a fit needs more than its {free} free parameters", 2 * points
    )]
    TooFewPoints {
        /// Points in the fitted range.
        points: usize,
        /// Free parameters.
        free: usize,
    },
    /// The frequency window, the excluded points and dropping inductive points left fewer than three points.
    #[error("{selection} of {total} points; a fit needs at least 3")]
    TooFewSelected {
        /// Each selection step and the points it left, e.g. `the frequency window [1e9, inf] Hz leaves 0`.
        selection: String,
        /// Points in the spectrum before the selection.
        total: usize,
    },
    /// Sigma weighting on a spectrum without standard deviations.
    #[error("sigma weighting needs per-point standard deviations, and this spectrum has none")]
    MissingSigma,
    /// The start vector has the wrong length.
    #[error("expected {expected} start values, got {got}")]
    WrongLength {
        /// The circuit's parameter count.
        expected: usize,
        /// Values given.
        got: usize,
    },
}

/// A fit error serialises as its message (the `error` field of the CLI's JSON).
impl serde::Serialize for FitError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Fits `circuit` to `spectrum`.
///
/// Without start values for every parameter, the missing ones come from [`guess::initial_guesses`]: usually one
/// start, a few when the spectrum can be read in more than one way (which arc is which, where a tail begins). The
/// fit runs from each, in parallel, and the best leads. When it does not converge, ends with a parameter on a
/// bound, or leaves parameters undetermined (a singular Jacobian), up to 8 further starts, drawn log-uniformly
/// around it within the bounds, run in parallel and the best converged objective wins;
/// [`FitOptions::with_multistart`] sets their number and makes them run always. [`FitReport::n_starts`] and [`FitReport::n_starts_at_best`] say how many ran and how many found the best.
///
/// # Errors
/// [`FitError`] for unknown parameter names, invalid bounds, start values outside their bounds, too few points,
/// or sigma weighting without σ. A fit that runs but does not converge is returned as `Ok` with
/// `converged == false`.
pub fn fit(circuit: &Circuit, spectrum: &Spectrum, options: &FitOptions) -> Result<FitReport, FitError> {
    let data = prepare(spectrum, options)?;
    let setup = resolve(circuit, options)?;
    let np = circuit.n_params();
    let free: Vec<usize> = (0..np).filter(|&i| setup.fixed[i].is_none()).collect();
    if 2 * data.len() <= free.len() {
        return Err(FitError::TooFewPoints {
            points: data.len(),
            free: free.len(),
        });
    }
    let w = options.weighting.weights(&data).ok_or(FitError::MissingSigma)?;
    let floor = noise_floor(&data, options.weighting);
    let mut ctx = Context::new(circuit, &data, w, free, setup.bounds.clone(), floor);
    ctx.covariance = options.covariance;

    // The first starts: user values where given, guessed values elsewhere, fixed values where fixed; one per
    // candidate reading of the spectrum (see `guess::initial_guesses`).
    let user_complete = options.has_full_start(circuit) || setup.user_start.iter().all(Option::is_some);
    let guessed = if user_complete {
        vec![vec![0.0; np]]
    } else {
        guess::initial_guesses(circuit, &data)
    };
    let mut firsts: Vec<Vec<f64>> = Vec::with_capacity(guessed.len());
    for g in &guessed {
        let s: Vec<f64> = (0..np)
            .map(|i| {
                setup.fixed[i]
                    .or(setup.user_start[i])
                    .unwrap_or_else(|| into_bounds(g[i], setup.bounds[i]))
            })
            .collect();
        if !firsts.contains(&s) {
            firsts.push(s);
        }
    }
    let plan = search::Plan {
        random_starts: options.multistart,
        forced: options.multistart_forced,
        seed: options.seed,
        budget: options.max_evaluations,
    };
    let mut outcome = search::run(&ctx, &firsts, &plan);
    if options.weighting == Weighting::ModulusModel {
        if let Some((reweighted, refit)) = reweight_by_model(&ctx, &outcome.best, options.max_evaluations) {
            ctx = reweighted;
            outcome.best = refit;
            outcome.stats = None;
        }
    }
    let best = outcome.best;
    let converged = best.converged();
    let mut params = best.params;
    let moved = options.canonical_order && canonical::reorder(circuit, &mut params, &setup.fixed, &setup.bounds);
    let stats = match outcome.stats {
        Some(s) if !moved => s,
        _ => ctx.stats(&params),
    };
    let (adequacy, signs) = ctx.adequacy(&stats);
    let mut warnings = stats.warnings;
    warnings.extend(signs);
    // Weights that do not match the noise show as robust errors far from the model's; only on an adequate fit,
    // where the residuals are noise and not a misfit.
    if let (Some(ratio), true, Covariance::Model) = (stats.se_ratio, adequacy.adequate, options.covariance) {
        if ratio > WEIGHTS_MISMATCH_RATIO {
            warnings.push(FitWarning::WeightsMismatch { ratio });
        }
    }
    if !converged {
        warnings.insert(
            0,
            FitWarning::NotConverged {
                termination: best.termination,
            },
        );
    }
    Ok(FitReport {
        circuit: circuit.to_string(),
        converged,
        termination: best.termination,
        parameters: stats.estimates,
        chi2: stats.chi2,
        reduced_chi2: stats.reduced_chi2,
        pseudo_chi2: stats.pseudo_chi2,
        rmse: stats.rmse,
        aic: stats.aic,
        bic: stats.bic,
        n_points: data.len(),
        n_free: ctx.free.len(),
        dof: stats.dof,
        n_iterations: best.n_iterations,
        n_evaluations: best.n_evaluations,
        n_starts: outcome.n_starts,
        n_starts_at_best: outcome.n_at_best,
        weighting: options.weighting,
        covariance_estimator: options.covariance,
        covariance: stats.covariance,
        correlation: stats.correlation,
        residuals: stats.residuals,
        adequacy,
        warnings,
        kk: options.kk_check.then(|| kk_check(&data)).flatten(),
    })
}

/// The linear Kramers–Kronig verdict of the spectrum fitted, with `eisfit validate`'s default options; `None`
/// when the test cannot run (too few points).
fn kk_check(data: &Spectrum) -> Option<KkCheck> {
    let kk = crate::validation::lin_kk(data, &crate::validation::LinKkOptions::default()).ok()?;
    Some(KkCheck::from(&kk))
}

/// Rounds of model-based reweighting at most ([`Weighting::ModulusModel`]).
const MODEL_REWEIGHT_ROUNDS: usize = 4;

/// Relative change of every parameter below which the reweighting has converged.
const MODEL_REWEIGHT_TOL: f64 = 1e-6;

/// Refits from `best` with weights 1/|Ẑ| of the model at the current parameters until they stop changing
/// ([`Weighting::ModulusModel`]); `None` when the model cannot be evaluated there.
fn reweight_by_model<'a>(ctx: &Context<'a>, best: &LocalFit, budget: usize) -> Option<(Context<'a>, LocalFit)> {
    let mut current: Option<(Context<'a>, LocalFit)> = None;
    for _ in 0..MODEL_REWEIGHT_ROUNDS {
        let from = current.as_ref().map_or(best, |(_, f)| f);
        let z = ctx.circuit.impedance(&from.params, ctx.spectrum.freq_hz()).ok()?;
        if z.iter().any(|z| !z.is_finite()) {
            return current;
        }
        let next_ctx = ctx.with_weights(Weighting::modulus_of(&z));
        let refit = next_ctx.local(&from.params, budget);
        let settled = refit
            .params
            .iter()
            .zip(&from.params)
            .all(|(a, b)| (a - b).abs() <= MODEL_REWEIGHT_TOL * a.abs().max(b.abs()).max(f64::MIN_POSITIVE));
        current = Some((next_ctx, refit));
        if settled {
            break;
        }
    }
    current
}

/// The noise floor of a spectrum, as an RMS relative deviation: σ/|Z| when the fit is weighted by the file's σ.
fn noise_floor(data: &Spectrum, weighting: Weighting) -> Option<f64> {
    match (weighting, data.sigma()) {
        (Weighting::Sigma, Some(sigma)) => {
            let ms: f64 = sigma
                .iter()
                .zip(data.z())
                .map(|(s, z)| (s.re * s.re + s.im * s.im) / z.norm_sqr().max(f64::MIN_POSITIVE))
                .sum::<f64>()
                / (2 * data.len()) as f64;
            Some(ms.sqrt())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
