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
    pub(super) excluded_ranges: Vec<(f64, f64)>,
    pub(super) excluded_points: Vec<usize>,
    pub(super) multistart: usize,
    pub(super) multistart_forced: bool,
    pub(super) seed: u64,
    pub(super) canonical_order: bool,
    pub(super) max_evaluations: usize,
    pub(super) covariance: Covariance,
    pub(super) kk_check: bool,
}

/// How the covariance of the estimates (standard errors, intervals, correlations) is computed.
///
/// - [`Covariance::Model`] (the default): s²·(JᵀWJ)⁻¹ with s² = χ²/ν. Right when the weights are the inverse
///   standard deviations of the noise up to one common factor; too narrow when they are not (with modulus
///   weighting and noise proportional to |Z′| and |Z″| separately, the 95 % intervals of a Randles fit cover the
///   truth about 83 % of the time).
/// - [`Covariance::Robust`]: the heteroscedasticity-consistent "sandwich" (JᵀWJ)⁻¹·(Σ r̃ᵢ² J̃ᵢᵀJ̃ᵢ)·(JᵀWJ)⁻¹
///   scaled by m/(m − k) (HC1; H. White, Econometrica 48 (1980) 817; J. G. MacKinnon, H. White, J. Econometrics
///   29 (1985) 305), with r̃ and J̃ the weighted residuals and Jacobian rows. It does not assume the weights match
///   the noise; it needs more points than parameters by a wide margin and is noisier on short spectra.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Covariance {
    /// s²·(JᵀWJ)⁻¹.
    #[default]
    Model,
    /// The sandwich estimator (HC1).
    Robust,
}

/// A covariance name that is not `model` or `robust`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown covariance '{given}'; expected model or robust")]
pub struct UnknownCovariance {
    /// The name given.
    pub given: String,
}

impl std::str::FromStr for Covariance {
    type Err = UnknownCovariance;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "model" => Ok(Covariance::Model),
            "robust" | "sandwich" => Ok(Covariance::Robust),
            _ => Err(UnknownCovariance { given: s.to_owned() }),
        }
    }
}

impl std::fmt::Display for Covariance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Covariance::Model => "model",
            Covariance::Robust => "robust",
        })
    }
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
            excluded_ranges: Vec::new(),
            excluded_points: Vec::new(),
            multistart: 8,
            multistart_forced: false,
            seed: 0,
            canonical_order: true,
            max_evaluations: 4000,
            covariance: Covariance::Model,
            kk_check: false,
        }
    }
}

impl FitOptions {
    /// How standard errors and intervals are computed (default [`Covariance::Model`]).
    ///
    /// # Examples
    /// ```
    /// use eisfit::fit::Covariance;
    /// use eisfit::FitOptions;
    /// let o = FitOptions::default().with_covariance(Covariance::Robust);
    /// # let _ = o;
    /// ```
    #[must_use]
    pub fn with_covariance(mut self, covariance: Covariance) -> Self {
        self.covariance = covariance;
        self
    }

    /// Also run the linear Kramers–Kronig test ([`crate::validation::lin_kk`], its default options) on the
    /// spectrum fitted (after `fmin`/`fmax`), and report its verdict in [`FitReport::kk`](super::FitReport::kk)
    /// (default off: it costs about a millisecond, more than many fits).
    ///
    /// # Examples
    /// ```
    /// use eisfit::simulate::{log_frequencies, simulate};
    /// use eisfit::{fit, Circuit, FitOptions};
    /// let c: Circuit = "R0-p(R1,C1)".parse()?;
    /// let data = simulate(&c, &[10.0, 100.0, 1e-6], &log_frequencies(1e5, 1.0, 8)?, None)?;
    /// let r = fit(&c, &data, &FitOptions::default().with_kk_check(true))?;
    /// assert!(r.kk.unwrap().valid);
    /// # Ok::<(), eisfit::Error>(())
    /// ```
    #[must_use]
    pub fn with_kk_check(mut self, on: bool) -> Self {
        self.kk_check = on;
        self
    }

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

    /// Leaves out the points with `low <= f <= high` (Hz), for example a mains-frequency band; may be given
    /// several times. A range with `low > high` or a NaN bound excludes nothing.
    #[must_use]
    pub fn with_excluded_range(mut self, low: f64, high: f64) -> Self {
        self.excluded_ranges.push((low, high));
        self
    }

    /// Leaves out the points at these 0-based positions of the spectrum as given to the fit (file order);
    /// positions past its end are ignored.
    #[must_use]
    pub fn with_excluded_points(mut self, indices: impl IntoIterator<Item = usize>) -> Self {
        self.excluded_points.extend(indices);
        self
    }

    /// Which points of `spectrum` the fit uses: inside the frequency window, not excluded, and not inductive
    /// when inductive points are dropped. The fit itself refuses a selection of fewer than three points.
    ///
    /// # Examples
    /// ```
    /// use eisfit::{FitOptions, Spectrum};
    /// let s = Spectrum::from_parts(vec![1e3, 1e2, 1e1, 1.0], &[1.0, 2.0, 3.0, 4.0], &[-1.0, -1.0, 0.5, -1.0])?;
    /// let used = FitOptions::default().with_fmin(5.0).with_drop_inductive(true).fitted_points(&s);
    /// assert_eq!(used, vec![true, true, false, false]);
    /// # Ok::<(), eisfit::SpectrumError>(())
    /// ```
    #[must_use]
    pub fn fitted_points(&self, spectrum: &Spectrum) -> Vec<bool> {
        self.stages(spectrum)
            .last()
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| vec![true; spectrum.len()])
    }

    /// The selections applied one after the other, each with what it is called in an error and the points left
    /// after it.
    fn stages(&self, spectrum: &Spectrum) -> Vec<(String, Vec<bool>)> {
        let (f, z) = (spectrum.freq_hz(), spectrum.z());
        let mut keep = vec![true; f.len()];
        let mut out = Vec::new();
        if self.fmin.is_some() || self.fmax.is_some() {
            let (lo, hi) = (self.fmin.unwrap_or(0.0), self.fmax.unwrap_or(f64::INFINITY));
            for (k, &fk) in keep.iter_mut().zip(f) {
                *k = *k && fk >= lo && fk <= hi;
            }
            out.push((
                format!("the frequency window [{}, {}] Hz", hz(lo), hz(hi)),
                keep.clone(),
            ));
        }
        if !self.excluded_ranges.is_empty() || !self.excluded_points.is_empty() {
            for (i, k) in keep.iter_mut().enumerate() {
                let in_range = self.excluded_ranges.iter().any(|&(lo, hi)| f[i] >= lo && f[i] <= hi);
                *k = *k && !in_range && !self.excluded_points.contains(&i);
            }
            out.push(("excluding points".to_string(), keep.clone()));
        }
        if self.drop_inductive {
            for (k, zk) in keep.iter_mut().zip(z) {
                *k = *k && zk.im <= 0.0;
            }
            out.push(("dropping inductive points".to_string(), keep.clone()));
        }
        out
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
///
/// A window with `fmin > fmax` is [`SpectrumError::InvalidRange`](crate::SpectrumError::InvalidRange); a selection
/// that leaves fewer than three points is [`FitError::TooFewSelected`], naming each step and what it left.
pub(super) fn prepare(spectrum: &Spectrum, o: &FitOptions) -> Result<Spectrum, FitError> {
    if o.fmin.is_some() || o.fmax.is_some() {
        // Validates the window itself (NaN, fmin > fmax) with the spectrum's own error.
        spectrum
            .cropped(o.fmin.unwrap_or(0.0), o.fmax.unwrap_or(f64::INFINITY))
            .or_else(|e| match e {
                crate::SpectrumError::TooFewPoints { .. } => Ok(spectrum.clone()),
                other => Err(other),
            })?;
    }
    let stages = o.stages(spectrum);
    let Some((_, keep)) = stages.last() else {
        return Ok(spectrum.clone());
    };
    let kept = keep.iter().filter(|&&k| k).count();
    if kept < 3 {
        let steps: Vec<String> = stages
            .iter()
            .map(|(what, m)| format!("{what} leaves {}", m.iter().filter(|&&k| k).count()))
            .collect();
        return Err(FitError::TooFewSelected {
            selection: steps.join(", then "),
            total: spectrum.len(),
        });
    }
    Ok(spectrum.masked(keep)?)
}

/// A frequency for a message: plain for everyday values, scientific for very large or small ones.
fn hz(f: f64) -> String {
    if f.is_finite() && f > 0.0 && !(1e-3..1e5).contains(&f) {
        format!("{f:e}")
    } else {
        format!("{f}")
    }
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
