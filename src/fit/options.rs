//! [`FitOptions`]: what to fit, with which weights, bounds, start values and budget.

use super::{FitError, Weighting};
use crate::circuit::Circuit;
use crate::spectrum::Spectrum;

/// Options of a fit. `FitOptions::default()` fits every parameter from automatic start values with modulus
/// weighting over the whole spectrum.
///
/// Parameter names accept both the contract's names (`CPE1.n`) and impedance.py's (`CPE1_1`).
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    pub(super) weighting: Weighting,
    pub(super) initial: Vec<(String, f64)>,
    pub(super) initial_vector: Option<Vec<f64>>,
    pub(super) fixed: Vec<(String, f64)>,
    pub(super) bounds: Vec<(String, f64, f64)>,
    pub(super) fmin: Option<f64>,
    pub(super) fmax: Option<f64>,
    pub(super) drop_inductive: bool,
    pub(super) multistart: usize,
    pub(super) multistart_forced: bool,
    pub(super) seed: u64,
    pub(super) canonical_order: bool,
    pub(super) max_evaluations: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            weighting: Weighting::Modulus,
            initial: Vec::new(),
            initial_vector: None,
            fixed: Vec::new(),
            bounds: Vec::new(),
            fmin: None,
            fmax: None,
            drop_inductive: false,
            multistart: 8,
            multistart_forced: false,
            seed: 0,
            canonical_order: true,
            max_evaluations: 4000,
        }
    }
}

impl FitOptions {
    /// The residual weighting (default [`Weighting::Modulus`]).
    #[must_use]
    pub fn with_weighting(mut self, w: Weighting) -> Self {
        self.weighting = w;
        self
    }

    /// A start value for one parameter; parameters without one get automatic start values.
    #[must_use]
    pub fn with_initial(mut self, name: impl Into<String>, value: f64) -> Self {
        self.initial.push((name.into(), value));
        self
    }

    /// Start values for every parameter, in the circuit's order (overrides automatic ones; `with_initial` still
    /// applies on top).
    #[must_use]
    pub fn with_initial_values(mut self, values: Vec<f64>) -> Self {
        self.initial_vector = Some(values);
        self
    }

    /// Holds a parameter fixed at `value`.
    #[must_use]
    pub fn with_fixed(mut self, name: impl Into<String>, value: f64) -> Self {
        self.fixed.push((name.into(), value));
        self
    }

    /// Overrides a parameter's default bounds; use ±∞ for an open side.
    #[must_use]
    pub fn with_bounds(mut self, name: impl Into<String>, lower: f64, upper: f64) -> Self {
        self.bounds.push((name.into(), lower, upper));
        self
    }

    /// Fits only points with frequency ≥ `fmin` (Hz).
    #[must_use]
    pub fn with_fmin(mut self, fmin: f64) -> Self {
        self.fmin = Some(fmin);
        self
    }

    /// Fits only points with frequency ≤ `fmax` (Hz).
    #[must_use]
    pub fn with_fmax(mut self, fmax: f64) -> Self {
        self.fmax = Some(fmax);
        self
    }

    /// Drops inductive points (Im Z > 0) before fitting.
    #[must_use]
    pub fn with_drop_inductive(mut self, drop: bool) -> Self {
        self.drop_inductive = drop;
        self
    }

    /// Runs `n` random starts in addition to the first (automatic or user) start, always; 0 runs only the first.
    ///
    /// By default up to 8 random starts run, and only when the first start leaves room for doubt (see [`fit`](super::fit())).
    #[must_use]
    pub fn with_multistart(mut self, n: usize) -> Self {
        self.multistart = n;
        self.multistart_forced = true;
        self
    }

    /// Seed of the multi-start sampler (default 0): the same seed gives the same result.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Reports interchangeable series sub-circuits in canonical order (default `true`).
    #[must_use]
    pub fn with_canonical_order(mut self, on: bool) -> Self {
        self.canonical_order = on;
        self
    }

    /// Maximum residual evaluations per start (default 4000).
    ///
    /// # Panics
    /// If `n` is 0.
    #[must_use]
    pub fn with_max_evaluations(mut self, n: usize) -> Self {
        assert!(n > 0, "max_evaluations must be > 0");
        self.max_evaluations = n;
        self
    }

    /// The part of `spectrum` these options fit: cropped to `fmin`..`fmax`, inductive points dropped if asked.
    ///
    /// # Errors
    /// [`SpectrumError`](crate::spectrum::SpectrumError) when too few points remain.
    pub fn window(&self, spectrum: &Spectrum) -> Result<Spectrum, crate::spectrum::SpectrumError> {
        prepare(spectrum, self).map_err(|e| match e {
            FitError::Spectrum(e) => e,
            // `prepare` only crops and drops points.
            _ => crate::spectrum::SpectrumError::TooFewPoints { n: 0 },
        })
    }

    /// The weighting.
    #[must_use]
    pub fn weighting(&self) -> Weighting {
        self.weighting
    }

    /// Whether start values were given for every parameter (then no automatic guess is needed).
    pub(super) fn has_full_start(&self, circuit: &Circuit) -> bool {
        self.initial_vector
            .as_ref()
            .is_some_and(|v| v.len() == circuit.n_params())
    }
}

/// The spectrum actually fitted: cropped and without inductive points if asked.
pub(super) fn prepare(spectrum: &Spectrum, o: &FitOptions) -> Result<Spectrum, FitError> {
    let mut s = spectrum.clone();
    if o.fmin.is_some() || o.fmax.is_some() {
        s = s.cropped(o.fmin.unwrap_or(0.0), o.fmax.unwrap_or(f64::INFINITY))?;
    }
    if o.drop_inductive {
        s = s.without_inductive()?;
    }
    Ok(s)
}

/// Resolved per-parameter settings.
pub(super) struct Setup {
    pub(super) bounds: Vec<(f64, f64)>,
    pub(super) fixed: Vec<Option<f64>>,
    pub(super) user_start: Vec<Option<f64>>,
}

pub(super) fn resolve(circuit: &Circuit, o: &FitOptions) -> Result<Setup, FitError> {
    let np = circuit.n_params();
    let names = circuit.param_names();
    let mut bounds = circuit.default_bounds();
    for (name, lo, hi) in &o.bounds {
        let i = circuit.param_index(name)?;
        // Two finite bounds whose distance overflows (±1e308) would give a transform that is not finite: such a
        // side is unbounded in effect and must be written as inf.
        if lo.is_nan() || hi.is_nan() || lo >= hi || (lo.is_finite() && hi.is_finite() && !(hi - lo).is_finite()) {
            return Err(FitError::InvalidBounds {
                name: names[i].clone(),
                lower: *lo,
                upper: *hi,
            });
        }
        bounds[i] = (*lo, *hi);
    }
    let mut fixed = vec![None; np];
    for (name, v) in &o.fixed {
        let i = circuit.param_index(name)?;
        if !v.is_finite() {
            return Err(FitError::NonFiniteValue {
                name: names[i].clone(),
                value: *v,
            });
        }
        fixed[i] = Some(*v);
    }
    let mut user_start = vec![None; np];
    if let Some(v) = &o.initial_vector {
        if v.len() != np {
            return Err(FitError::WrongLength {
                expected: np,
                got: v.len(),
            });
        }
        user_start = v.iter().map(|x| Some(*x)).collect();
    }
    for (name, v) in &o.initial {
        let i = circuit.param_index(name)?;
        user_start[i] = Some(*v);
    }
    for i in 0..np {
        if let Some(v) = user_start[i] {
            if !v.is_finite() {
                return Err(FitError::NonFiniteValue {
                    name: names[i].clone(),
                    value: v,
                });
            }
            let (lo, hi) = bounds[i];
            if fixed[i].is_none() && (v <= lo || v >= hi) {
                return Err(FitError::StartOutsideBounds {
                    name: names[i].clone(),
                    value: v,
                    lower: lo,
                    upper: hi,
                });
            }
        }
    }
    Ok(Setup {
        bounds,
        fixed,
        user_start,
    })
}

/// An automatic start value brought inside user bounds that exclude it: a tenth of the way in from the bound it
/// crossed (of the range, or in log scale for a positive range), not onto the bound, where a logistic transform
/// saturates and the parameter could not move.
pub(super) fn into_bounds(v: f64, (lo, hi): (f64, f64)) -> f64 {
    if v > lo && v < hi {
        return v;
    }
    let frac = |a: f64, b: f64, t: f64| {
        if a > 0.0 && b.is_finite() {
            (a.ln() + t * (b.ln() - a.ln())).exp()
        } else {
            a + t * (b - a)
        }
    };
    match (lo.is_finite(), hi.is_finite()) {
        (true, true) if v <= lo => frac(lo, hi, 0.1),
        (true, true) => frac(lo, hi, 0.9),
        (true, false) => lo + lo.abs().max(1.0) * 0.1,
        (false, true) => hi - hi.abs().max(1.0) * 0.1,
        (false, false) => v,
    }
}

/// Moves a value that sits exactly on a bound slightly inside, so its transform is finite.
pub(super) fn nudge_inside(v: f64, (lo, hi): (f64, f64)) -> f64 {
    let span = if lo.is_finite() && hi.is_finite() {
        hi - lo
    } else {
        v.abs().max(1e-300)
    };
    let eps = 1e-6 * span;
    if lo.is_finite() && v <= lo {
        lo + eps.min(if hi.is_finite() { 0.5 * (hi - lo) } else { eps })
    } else if hi.is_finite() && v >= hi {
        hi - eps.min(if lo.is_finite() { 0.5 * (hi - lo) } else { eps })
    } else {
        v
    }
}
