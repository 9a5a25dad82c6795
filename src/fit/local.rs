//! One local run: Levenberg–Marquardt from one start, in chunks, with the checks that make its verdict true.
//!
//! The solver's own stopping tests can fire where the objective is not stationary, and a parameter that creeps
//! towards a bound can use up any budget. A local run therefore hands the solver a chunk of its budget at a time
//! and looks at the point it returns:
//! - **Stationarity.** A point the solver calls converged is checked: the cosine between the residual vector and
//!   each Jacobian column must be below [`STATIONARY_COSINE`], except for parameters saturated on a bound. When it
//!   is not (the step test `xtol` fires after trial steps were refused, on parameters that the start barely
//!   constrains), the run continues with an isotropic trust region in the transformed coordinates, where the
//!   step cap and the trust region agree.
//! - **Bounds.** When a chunk ends with parameters saturated on a bound and the objective still falling towards
//!   it, those parameters are put on the bound (see [`saturation`]) and the others polished; the constrained
//!   minimum is then reported as [`Termination::AtBound`].
//! - **Finiteness.** A non-finite objective or parameter is never reported as converged.

use super::adequacy::{self, Adequacy};
use super::options::{nudge_inside, Covariance};
use super::problem::{Problem, Workspace};
use super::report::{self, near_bound_within};
use super::transform::Transform;
use super::verdict::{FitWarning, Termination};
use crate::circuit::Circuit;
use crate::spectrum::Spectrum;
use crate::validation::{lin_kk, Immittance, LinKkOptions};
use levenberg_marquardt::LevenbergMarquardt;
use nalgebra::DVector;
use num_complex::Complex64;

/// Largest cosine between the residual vector and a Jacobian column at a point called stationary. A full
/// Gauss–Newton step along that column alone would lower χ² by the square of it (relative), so 1e-3 leaves at
/// most 1e-6 on the table per column, while the false stops this check exists for have cosines near 1.
pub(super) const STATIONARY_COSINE: f64 = 1e-3;

/// Residual norm, relative to the weighted data's, below which a fit is exact to the precision of f64 data and
/// stationary whatever the direction of its rounding-level residuals.
const EXACT_FIT: f64 = 1e-12;

/// Residual evaluations per free parameter (plus one) that the solver gets in one chunk.
const CHUNK_PER_PARAMETER: usize = 30;

/// Relative decrease of χ² over a whole chunk below which a stationary run has stalled (see
/// [`Termination::Stalled`]).
const STALLED: f64 = 1e-6;

/// A two-sided parameter within this fraction of its range from a bound is saturated there.
const SATURATED_FRACTION: f64 = 1e-4;

/// A one-sided parameter is saturated on its bound when moving it the rest of the way changes no point's
/// impedance by more than this fraction of its modulus (to first order).
const SATURATED_EFFECT: f64 = 1e-6;

/// Outcome of one local run.
#[derive(Debug, Clone)]
pub(super) struct LocalFit {
    /// Every parameter, external values.
    pub(super) params: Vec<f64>,
    /// χ² at `params`.
    pub(super) objective: f64,
    pub(super) termination: Termination,
    /// Jacobian evaluations.
    pub(super) n_iterations: usize,
    /// Residual evaluations.
    pub(super) n_evaluations: usize,
}

impl LocalFit {
    /// Whether the run converged with a finite objective.
    pub(super) fn converged(&self) -> bool {
        self.objective.is_finite() && self.termination.is_converged()
    }
}

/// Everything a local run needs that does not change between starts.
pub(super) struct Context<'a> {
    pub(super) circuit: &'a Circuit,
    pub(super) spectrum: &'a Spectrum,
    /// The weights of each point's real and imaginary residual, as the parts of one complex number.
    pub(super) w: Vec<Complex64>,
    /// Indices of the free parameters.
    pub(super) free: Vec<usize>,
    /// Bounds of every parameter.
    pub(super) bounds: Vec<(f64, f64)>,
    /// The RMS relative deviation the data show by themselves, when known beforehand (σ from the file).
    pub(super) noise_floor: Option<f64>,
    /// The RMS relative residual per degree of freedom of a Kramers–Kronig fit of the spectrum, computed the
    /// first time a fit's misfit asks for it.
    kk_floor: std::sync::OnceLock<Option<f64>>,
    /// Buffers of finished local runs, reused by the next run or the statistics on any thread.
    spare: std::sync::Mutex<Vec<Workspace>>,
    /// Which covariance the statistics report.
    pub(super) covariance: Covariance,
}

/// What [`Context::inspect`] finds at a point.
struct Inspection {
    /// χ² there.
    objective: f64,
    /// The largest cosine between the residuals and the Jacobian column of an active, unsaturated parameter.
    max_cosine: f64,
    /// Active parameters saturated on a bound with χ² falling towards it: (parameter index, bound value).
    falling_onto_bound: Vec<(usize, f64)>,
}

impl<'a> Context<'a> {
    pub(super) fn new(
        circuit: &'a Circuit,
        spectrum: &'a Spectrum,
        w: Vec<Complex64>,
        free: Vec<usize>,
        bounds: Vec<(f64, f64)>,
        noise_floor: Option<f64>,
    ) -> Self {
        Context {
            circuit,
            spectrum,
            w,
            free,
            bounds,
            noise_floor,
            kk_floor: std::sync::OnceLock::new(),
            spare: std::sync::Mutex::new(Vec::new()),
            covariance: Covariance::Model,
        }
    }

    /// The same problem with other weights (model-based reweighting).
    pub(super) fn with_weights(&self, w: Vec<Complex64>) -> Context<'a> {
        let mut c = Context::new(
            self.circuit,
            self.spectrum,
            w,
            self.free.clone(),
            self.bounds.clone(),
            self.noise_floor,
        );
        c.covariance = self.covariance;
        c
    }

    /// A workspace for `nx` free parameters: a spare one when there is one, else a new one.
    fn workspace(&self, nx: usize) -> Workspace {
        let spare = self.spare.lock().ok().and_then(|mut v| {
            let k = v.iter().position(|w| w.nx() == nx)?;
            Some(v.swap_remove(k))
        });
        spare.unwrap_or_else(|| Workspace::new(self.circuit, self.spectrum.freq_hz(), nx))
    }

    /// Keeps `ws` for the next run.
    fn give_back(&self, ws: Workspace) {
        if let Ok(mut v) = self.spare.lock() {
            v.push(ws);
        }
    }

    /// The statistics of the fitted spectrum at `params`.
    pub(super) fn stats(&self, params: &[f64]) -> report::Stats {
        let mut ws = self.workspace(self.free.len());
        let stats = report::compute(
            &report::StatsInput {
                circuit: self.circuit,
                freq_hz: self.spectrum.freq_hz(),
                data: self.spectrum.z(),
                w: &self.w,
                params,
                free: &self.free,
                bounds: &self.bounds,
                covariance: self.covariance,
            },
            &mut ws,
        );
        self.give_back(ws);
        stats
    }

    /// The adequacy verdict of a fit with statistics `stats` (see [`adequacy`](super::adequacy)).
    pub(super) fn adequacy(&self, stats: &report::Stats) -> (Adequacy, Vec<FitWarning>) {
        let mut by_freq: Vec<&report::Residual> = stats.residuals.iter().collect();
        by_freq.sort_by(|a, b| a.frequency_hz.total_cmp(&b.frequency_hz));
        let signs: Vec<(f64, f64)> = by_freq.iter().map(|r| (r.real, r.imag)).collect();
        let rms = adequacy::rms_relative(stats.pseudo_chi2, self.spectrum.len());
        let floor = self.noise_floor.or_else(|| {
            let white = adequacy::white_noise_rms(&signs)?;
            if rms <= adequacy::KK_CHECK_ABOVE * white {
                return Some(white);
            }
            let kk = *self.kk_floor.get_or_init(|| {
                let options = LinKkOptions::default().with_immittance(Immittance::Impedance);
                lin_kk(self.spectrum, &options)
                    .ok()
                    .map(|kk| kk.pseudo_chi2.sqrt())
                    .filter(|f| f.is_finite())
            });
            Some(kk.map_or(white, |k| k.max(white)))
        });
        adequacy::judge(self.circuit, self.spectrum, &signs, rms, floor)
    }

    /// A local run from `start` (every parameter, external values) with at most `budget` residual evaluations.
    pub(super) fn local(&self, start: &[f64], budget: usize) -> LocalFit {
        let mut full: Vec<f64> = start.to_vec();
        for &i in &self.free {
            full[i] = nudge_inside(full[i], self.bounds[i]);
        }
        let mut active = self.free.clone();
        let mut on_bound = false;
        let mut isotropic = false;
        let (mut n_iterations, mut n_evaluations) = (0, 0);
        let budget = budget.max(1);
        let mut previous = f64::INFINITY;
        loop {
            let chunk = (budget - n_evaluations).min(CHUNK_PER_PARAMETER * (active.len() + 1));
            let run = self.solve(&full, &active, isotropic, chunk);
            n_iterations += run.n_iterations;
            n_evaluations += run.n_evaluations.max(1);
            full = run.params;
            let finish = |termination: Termination, objective: f64, params: Vec<f64>| LocalFit {
                params,
                objective,
                termination,
                n_iterations,
                n_evaluations,
            };
            if !run.objective.is_finite() || full.iter().any(|v| !v.is_finite()) {
                let t = match run.termination {
                    t @ (Termination::NonFinite(_) | Termination::Failed(_)) => t,
                    _ => Termination::NonFinite("the objective or the parameters"),
                };
                return finish(t, run.objective, full);
            }
            let out_of_budget = n_evaluations >= budget;
            let look = self.inspect(&full, &active);
            if run.termination.is_converged() {
                if look.max_cosine <= STATIONARY_COSINE {
                    let t = if on_bound {
                        Termination::AtBound
                    } else {
                        run.termination
                    };
                    return finish(t, look.objective, full);
                }
                if out_of_budget {
                    return finish(Termination::NotStationary, look.objective, full);
                }
                if !isotropic {
                    // The solver's trust region, scaled by the Jacobian's column norms at the start, refused the
                    // steps this point needs: go on with one that treats every transformed coordinate alike.
                    isotropic = true;
                    continue;
                }
                if look.falling_onto_bound.is_empty() {
                    return finish(Termination::NotStationary, look.objective, full);
                }
            } else if !matches!(run.termination, Termination::MaxEvaluations) {
                return finish(run.termination, run.objective, full);
            } else if out_of_budget {
                return finish(Termination::MaxEvaluations, look.objective, full);
            } else if look.falling_onto_bound.is_empty()
                && look.max_cosine <= STATIONARY_COSINE
                && previous - look.objective <= STALLED * previous
            {
                // A whole chunk at a stationary point moved χ² by less than STALLED: a flat valley the solver
                // crawls along, where the rest of the budget would buy nothing the parameters' errors can see.
                return finish(Termination::Stalled, look.objective, full);
            }
            previous = look.objective;
            // Parameters creeping onto a bound go onto it; the others are polished in the next chunk.
            for &(i, bound) in &look.falling_onto_bound {
                full[i] = bound;
                active.retain(|&a| a != i);
                on_bound = true;
            }
            if active.is_empty() {
                let objective = self.inspect(&full, &active).objective;
                return finish(Termination::AtBound, objective, full);
            }
        }
    }

    /// One chunk of Levenberg–Marquardt over the parameters `active` (a subset of the free ones), from `full`.
    fn solve(&self, full: &[f64], active: &[usize], isotropic: bool, budget: usize) -> LocalFit {
        let transforms: Vec<Transform> = active
            .iter()
            .map(|&i| Transform::for_bounds(self.bounds[i].0, self.bounds[i].1))
            .collect();
        let x0 = DVector::from_iterator(
            active.len(),
            active.iter().zip(&transforms).map(|(&i, t)| t.to_internal(full[i])),
        );
        let problem = Problem::new(
            self.workspace(active.len()),
            self.spectrum.z(),
            &self.w,
            full,
            active,
            &transforms,
            x0,
        );
        let n = active.len().max(1);
        let lm = LevenbergMarquardt::new()
            .with_ftol(1e-12)
            .with_xtol(1e-10)
            .with_gtol(1e-12)
            .with_scale_diag(!isotropic)
            .with_patience(budget.div_ceil(n + 1).max(1));
        let (problem, report) = problem.minimize(&lm);
        let (n_iterations, n_evaluations) = (problem.n_jacobians.get(), problem.n_residuals.get());
        let (params, ws) = problem.finish();
        self.give_back(ws);
        LocalFit {
            params,
            objective: 2.0 * report.objective_function,
            termination: Termination::from_solver(&report.termination),
            n_iterations,
            n_evaluations,
        }
    }

    /// χ², the stationarity of the active parameters and the saturated ones at `full`.
    fn inspect(&self, full: &[f64], active: &[usize]) -> Inspection {
        let mut ws = self.workspace(self.free.len());
        ws.model_at(full);
        let n = self.spectrum.len();
        let data = self.spectrum.z();
        let (z, jac) = (&ws.z, &ws.jac);
        let (mut objective, mut scale) = (0.0, 0.0);
        for ((m, d), w) in z.iter().zip(data).zip(&self.w) {
            objective += (w.re * (m.re - d.re)).powi(2) + (w.im * (m.im - d.im)).powi(2);
            scale += (w.re * d.re).powi(2) + (w.im * d.im).powi(2);
        }
        let r_norm = objective.sqrt();
        // Residuals at the rounding level of the data have no direction worth following.
        let exact = r_norm <= EXACT_FIT * scale.sqrt();
        let mut max_cosine: f64 = 0.0;
        let mut falling_onto_bound = Vec::new();
        for &i in active {
            let dz = &jac[i * n..(i + 1) * n];
            // ½ ∂χ²/∂p and the norm of the weighted column, in external coordinates: the cosine is the same in
            // the transformed ones, which only scale the column.
            let (mut g, mut col) = (0.0, 0.0);
            for (((m, d), w), dzi) in z.iter().zip(data).zip(&self.w).zip(dz) {
                let (jr, ji) = (w.re * dzi.re, w.im * dzi.im);
                g += jr * w.re * (m.re - d.re) + ji * w.im * (m.im - d.im);
                col += jr * jr + ji * ji;
            }
            let (lo, hi) = self.bounds[i];
            let mut sat = saturation(full[i], (lo, hi), dz, z);
            if let Some((bound, _)) = sat.filter(|(b, _)| b.is_finite() && !(lo.is_finite() && hi.is_finite())) {
                // The first-order test is only valid near the bound: a huge resistance in parallel with a
                // capacitor also has a derivative that is nil, far from its bound. Check the model on the bound.
                let mut at = full.to_vec();
                at[i] = bound;
                let mut z_at = vec![Complex64::new(0.0, 0.0); n];
                ws.ev.impedance(&at, &mut z_at);
                let same = z_at
                    .iter()
                    .zip(z.iter())
                    .all(|(a, m)| (a - m).norm() <= SATURATED_EFFECT * m.norm().max(f64::MIN_POSITIVE));
                if !same {
                    sat = open_ended(full[i], (lo, hi), dz, z);
                }
            }
            match sat {
                // χ² falls towards the bound when the gradient has the sign of the distance from it.
                Some((bound, put_at)) if g * (full[i] - bound) > 0.0 => falling_onto_bound.push((i, put_at)),
                Some(_) => {}
                None if exact => {}
                None => {
                    let denom = col.sqrt() * r_norm;
                    if denom > 0.0 && denom.is_finite() {
                        max_cosine = max_cosine.max(g.abs() / denom);
                    } else if !g.is_finite() {
                        max_cosine = f64::INFINITY;
                    }
                }
            }
        }
        self.give_back(ws);
        Inspection {
            objective,
            max_cosine,
            falling_onto_bound,
        }
    }
}

/// The bound a parameter is saturated on, if any, and the value to put it at: a two-sided parameter within
/// [`SATURATED_FRACTION`] of its range from a bound goes onto the bound; a one-sided one whose remaining distance
/// changes no point's impedance by more than [`SATURATED_EFFECT`] stays where it is, since its effect is already
/// nil and the bound itself (a zero resistance or capacitance) may not be a finite model.
fn saturation(v: f64, (lo, hi): (f64, f64), dz: &[Complex64], z: &[Complex64]) -> Option<(f64, f64)> {
    if lo.is_finite() && hi.is_finite() {
        let range = hi - lo;
        if v - lo <= SATURATED_FRACTION * range {
            return Some((lo, lo));
        }
        if hi - v <= SATURATED_FRACTION * range {
            return Some((hi, hi));
        }
        return None;
    }
    let toward = if lo.is_finite() { lo } else { hi };
    if toward.is_finite() && near_bound_within(v, toward, dz, z, SATURATED_EFFECT) {
        return Some((toward, v));
    }
    open_ended(v, (lo, hi), dz, z)
}

/// A parameter saturated towards the open end of its range: a relative change of it changes no point's
/// impedance by more than [`SATURATED_EFFECT`] (a resistance in parallel grown so large that it is an open
/// circuit). Returns that end (±∞) and the current value, where it stays.
fn open_ended(v: f64, (lo, hi): (f64, f64), dz: &[Complex64], z: &[Complex64]) -> Option<(f64, f64)> {
    let end = match (lo.is_finite(), hi.is_finite()) {
        (true, false) => f64::INFINITY,
        (false, true) => f64::NEG_INFINITY,
        _ => return None,
    };
    let nil = dz
        .iter()
        .zip(z)
        .all(|(d, m)| (v * d).norm() <= SATURATED_EFFECT * m.norm().max(f64::MIN_POSITIVE));
    nil.then_some((end, v))
}
