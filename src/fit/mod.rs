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

mod canonical;
pub mod global;
pub mod guess;
mod options;
mod problem;
mod qr;
mod report;
mod series;
mod transform;
mod weighting;

pub use options::FitOptions;
pub use report::{FitReport, ParameterEstimate, Residual};
pub use series::{fit_series, SeriesFit};
pub use weighting::Weighting;

use crate::circuit::{Circuit, CircuitError};
use crate::spectrum::{Spectrum, SpectrumError};
use levenberg_marquardt::{LevenbergMarquardt, TerminationReason};
use nalgebra::DVector;
use options::{into_bounds, nudge_inside, prepare, resolve};
use problem::{Problem, Workspace};
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use transform::Transform;

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

/// Outcome of one local LM run.
struct LocalFit {
    params: Vec<f64>,
    objective: f64,
    termination: TerminationReason,
    n_iterations: usize,
    n_evaluations: usize,
}

/// Everything a local run needs that does not change between starts.
struct Context<'a> {
    circuit: &'a Circuit,
    spectrum: &'a Spectrum,
    /// The weights of each point's real and imaginary residual, as the parts of one complex number.
    w: Vec<num_complex::Complex64>,
    free: Vec<usize>,
    transforms: Vec<Transform>,
    bounds: Vec<(f64, f64)>,
    max_evaluations: usize,
    /// Buffers of finished local runs, reused by the next run or the statistics on any thread.
    spare: std::sync::Mutex<Vec<Workspace>>,
}

impl Context<'_> {
    /// A workspace for this circuit and spectrum: a spare one when there is one, else a new one.
    fn workspace(&self) -> Workspace {
        let spare = self.spare.lock().ok().and_then(|mut v| v.pop());
        spare.unwrap_or_else(|| Workspace::new(self.circuit, self.spectrum.freq_hz(), self.free.len()))
    }

    /// Keeps `ws` for the next run.
    fn give_back(&self, ws: Workspace) {
        if let Ok(mut v) = self.spare.lock() {
            v.push(ws);
        }
    }

    /// The statistics of the fitted spectrum at `params`.
    fn stats(&self, params: &[f64]) -> report::Stats {
        let mut ws = self.workspace();
        let stats = report::compute(
            &report::StatsInput {
                circuit: self.circuit,
                freq_hz: self.spectrum.freq_hz(),
                data: self.spectrum.z(),
                w: &self.w,
                params,
                free: &self.free,
                bounds: &self.bounds,
            },
            &mut ws,
        );
        self.give_back(ws);
        stats
    }

    fn local(&self, start: &[f64]) -> LocalFit {
        self.local_with_budget(start, self.max_evaluations)
    }

    /// A local run with at most `budget` residual evaluations.
    fn local_with_budget(&self, start: &[f64], budget: usize) -> LocalFit {
        let full: Vec<f64> = start
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                if self.free.contains(&i) {
                    nudge_inside(v, self.bounds[i])
                } else {
                    v
                }
            })
            .collect();
        let x0 = DVector::from_iterator(
            self.free.len(),
            self.free
                .iter()
                .zip(&self.transforms)
                .map(|(&i, t)| t.to_internal(full[i])),
        );
        let problem = Problem::new(
            self.workspace(),
            self.spectrum.z(),
            &self.w,
            &full,
            &self.free,
            &self.transforms,
            x0,
        );
        let n = self.free.len().max(1);
        let lm = LevenbergMarquardt::new()
            .with_ftol(1e-12)
            .with_xtol(1e-10)
            .with_gtol(1e-12)
            .with_patience(budget.div_ceil(n + 1).max(1));
        let (problem, report) = problem.minimize(&lm);
        let (n_iterations, n_evaluations) = (problem.n_jacobians.get(), problem.n_residuals.get());
        let (params, ws) = problem.finish();
        self.give_back(ws);
        LocalFit {
            params,
            objective: 2.0 * report.objective_function,
            termination: report.termination,
            n_iterations,
            n_evaluations,
        }
    }
}

fn termination_text(t: &TerminationReason) -> String {
    match t {
        TerminationReason::Converged { ftol, xtol } => match (ftol, xtol) {
            (true, true) => "converged (ftol and xtol)".into(),
            (true, false) => "converged (ftol)".into(),
            _ => "converged (xtol)".into(),
        },
        TerminationReason::Orthogonal => "converged (gtol: gradient orthogonal to residuals)".into(),
        TerminationReason::ResidualsZero => "converged (residuals are zero)".into(),
        TerminationReason::LostPatience => "stopped: maximum number of evaluations reached".into(),
        TerminationReason::NoImprovementPossible(what) => format!("converged to machine precision ({what})"),
        TerminationReason::Numerical(what) => format!("failed: non-finite values in {what}"),
        TerminationReason::User(what) => format!("failed: {what} could not be evaluated"),
        other => format!("failed: {other:?}"),
    }
}

fn is_converged(t: &TerminationReason, objective: f64) -> bool {
    // Reaching machine precision before the tolerances is a converged fit too: the minimum is as exact as f64
    // can resolve it.
    objective.is_finite() && (t.was_successful() || matches!(t, TerminationReason::NoImprovementPossible(_)))
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
    let transforms: Vec<Transform> = free
        .iter()
        .map(|&i| Transform::for_bounds(setup.bounds[i].0, setup.bounds[i].1))
        .collect();
    let ctx = Context {
        circuit,
        spectrum: &data,
        w,
        free,
        transforms,
        bounds: setup.bounds.clone(),
        max_evaluations: options.max_evaluations,
        spare: std::sync::Mutex::new(Vec::new()),
    };

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
    let score = |r: &LocalFit| {
        if is_converged(&r.termination, r.objective) {
            r.objective
        } else {
            f64::INFINITY
        }
    };
    // The first reading runs first, with the full budget. The alternatives then get a short one: from a start in
    // the right basin LM converges in a few tens of evaluations. When the first reading converged cleanly, an
    // alternative gets at most twice the evaluations the first needed: one that needs many more is rarely the
    // better minimum, and without the cap it set the cost of the whole fit (the 12-parameter cathode spectrum:
    // 24 evaluations for the first reading, 278 for the second, which ended 37 times worse).
    let mut runs: Vec<LocalFit> = vec![ctx.local(&firsts[0])];
    // Judging the first run needs its statistics (an SVD): only when alternatives or a doubt-driven multi-start
    // depend on it. They are kept, and reported as they are when the first run wins unchanged.
    let judge = firsts.len() > 1 || (options.multistart > 0 && !options.multistart_forced && !ctx.free.is_empty());
    let first_stats =
        (judge && is_converged(&runs[0].termination, runs[0].objective)).then(|| ctx.stats(&runs[0].params));
    let first_sound = first_stats.as_ref().is_some_and(report::Stats::is_clean);
    if firsts.len() > 1 {
        let full = options.max_evaluations.min(20 * (ctx.free.len() + 1));
        let budget = if first_sound {
            full.min((2 * runs[0].n_evaluations).max(2 * (ctx.free.len() + 1)))
        } else {
            full
        };
        let alts: Vec<LocalFit> = firsts[1..]
            .par_iter()
            .map(|s| ctx.local_with_budget(s, budget))
            .collect();
        runs.extend(alts);
    }
    // The best first start leads: doubt and the random starts are judged around it.
    let lead = (0..runs.len())
        .min_by(|&a, &b| {
            score(&runs[a])
                .total_cmp(&score(&runs[b]))
                .then(runs[a].objective.total_cmp(&runs[b].objective))
        })
        .unwrap_or(0);
    // Extra starts when asked for, or when the lead leaves room for doubt: it did not converge, or it ended with
    // a parameter on a bound or with parameters the data do not determine, the usual signs of a wrong basin.
    let doubtful = if lead == 0 {
        !first_sound
    } else {
        !is_converged(&runs[lead].termination, runs[lead].objective) || !ctx.stats(&runs[lead].params).is_clean()
    };
    if options.multistart > 0 && !ctx.free.is_empty() && (options.multistart_forced || doubtful) {
        let starts = random_starts(&firsts[lead], &ctx, options.multistart, options.seed);
        let extra: Vec<LocalFit> = starts.par_iter().map(|s| ctx.local(s)).collect();
        runs.extend(extra);
    }
    let n_starts = runs.len();
    let min_score = runs.iter().map(score).fold(f64::INFINITY, f64::min);
    // The earliest start within 1e-9 of the best objective wins ties, so that a good first start keeps its
    // iteration count in the report; with no converged start, the lowest objective.
    let best_idx = if min_score.is_finite() {
        runs.iter()
            .position(|r| score(r) <= min_score + 1e-9 * min_score.abs())
            .unwrap_or(0)
    } else {
        (0..runs.len())
            .min_by(|&a, &b| runs[a].objective.total_cmp(&runs[b].objective))
            .unwrap_or(0)
    };
    let best_obj = runs[best_idx].objective;
    let n_at_best = runs
        .iter()
        .filter(|r| {
            is_converged(&r.termination, r.objective)
                && (r.objective - best_obj).abs() <= 1e-6 * best_obj.abs().max(1e-300)
        })
        .count();
    let best = runs.swap_remove(best_idx);

    let mut params = best.params;
    let moved = options.canonical_order && canonical::reorder(circuit, &mut params, &setup.fixed, &setup.bounds);
    let stats = match first_stats {
        Some(s) if best_idx == 0 && !moved => s,
        _ => ctx.stats(&params),
    };
    let converged = is_converged(&best.termination, best.objective);
    let mut warnings = stats.warnings;
    if !converged {
        warnings.insert(
            0,
            format!("the fit did not converge: {}", termination_text(&best.termination)),
        );
    }
    Ok(FitReport {
        circuit: circuit.to_string(),
        converged,
        termination: termination_text(&best.termination),
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
        n_starts,
        n_starts_at_best: n_at_best,
        weighting: options.weighting.to_string(),
        covariance: stats.covariance,
        correlation: stats.correlation,
        residuals: stats.residuals,
        warnings,
    })
}

/// Random starts: each free parameter drawn log-uniformly within a window around the first start (two decades
/// each way, clipped to the bounds) or uniformly for two-sided bounds.
fn random_starts(first: &[f64], ctx: &Context, n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let mut s = first.to_vec();
            for &i in &ctx.free {
                let (lo, hi) = ctx.bounds[i];
                let v = first[i];
                s[i] = if lo.is_finite() && hi.is_finite() {
                    let a = lo + 0.02 * (hi - lo);
                    let b = hi - 0.02 * (hi - lo);
                    // Never an empty or non-finite range (bounds are validated, but the sampler must not panic).
                    if a < b && (b - a).is_finite() {
                        rng.random_range(a..b)
                    } else {
                        v
                    }
                } else if v > 0.0 && lo >= 0.0 {
                    let l = v.ln();
                    let span = 2.0 * std::f64::consts::LN_10;
                    (l + rng.random_range(-span..span)).exp()
                } else {
                    v + v.abs().max(1.0) * rng.random_range(-1.0..1.0)
                };
            }
            s
        })
        .collect()
}

#[cfg(test)]
mod tests;
