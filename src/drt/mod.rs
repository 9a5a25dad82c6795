//! The distribution of relaxation times (DRT) by Tikhonov regularisation with a non-negativity constraint.
//!
//! # Formula
//! Z(ω) = R∞ + jωL + ∫ γ(ln τ)/(1 + jωτ) d ln τ, with γ in Ω per unit of ln τ, so that the area under γ over
//! ln τ is the polarisation resistance R_pol and the area under one peak the resistance of that process.
//!
//! γ is piecewise linear in ln τ on an even grid that extends half a decade beyond 1/(2πf_max) and 1/(2πf_min)
//! (6 nodes per decade by default). Its node values, R∞ and L minimise
//! Σᵢ |Zᵢ − Ẑᵢ|²/|Zᵢ|² + λ·Σₖ cₖ·(Dγ)ₖ², γ ≥ 0, R∞ ≥ 0, L ≥ 0,
//! with D the second difference over the nodes (γ taken as 0 beyond the grid).
//!
//! **λ** is chosen by modified generalised cross-validation (mGCV, ρ = 2): it minimises
//! ‖r(λ)‖²/(m − ρ·tr H(λ))² on the unconstrained problem, where H is the influence matrix and m the number of
//! real values. Plain GCV (ρ = 1) is nearly unbiased on average but has a heavy tail towards too small a λ on
//! single spectra (on the shared test set it chose λ ≈ 10⁻¹² for one spectrum and returned 11 peaks for 2);
//! ρ = 2 charges each effective parameter twice and removes that tail at the cost of slightly broader peaks.
//! L-curve corners were not used: they are unstable when the curve has no clear corner, as for spectra with one
//! broad process. λ is reported relative to the mean eigenvalue of the problem in standard form, so that its value
//! does not depend on the size of Z.
//!
//! **Adaptive smoothing** (on by default): a first pass with all cₖ = 1 gives γ₁; the second pass, with λ chosen
//! again by mGCV, uses cₖ = 1/((γ̄₁ₖ/max γ₁)³ + ε), ε = 10⁻³, with γ̄₁ the first solution averaged over
//! neighbouring nodes. Read as a Bayesian prior, λ·Σ cₖ(Dγ)ₖ² makes each second difference Gaussian with its own
//! variance 1/(λcₖ); the hierarchical Bayesian DRT (Ciucci & Chen 2015; Effat & Ciucci 2017) estimates such
//! per-node scales from the data, and this pass is a one-step empirical-Bayes version of it: the scale at node k is
//! taken from the first solution as ∝ (γ̄₁ₖ/max γ₁)³ + ε. The curvature at the top of a peak is then penalised up
//! to 1/ε = 1000 times less than in the tails, so the cusp-like top of a ZARC is no longer flattened, while tails
//! where γ is small are smoothed hard and noise does not ring into spurious peaks there.
//! Plain second-difference Tikhonov flattens a ZARC (φ = 0.8) peak by about 20 % at 1 % noise, and no choice of λ
//! repairs that (even the best λ, chosen knowing the answer, leaves an L2 error of γ of 0.07–0.12 on the shared
//! set). The exponent and ε were measured on the shared DRT set (docs/benchmarks.md lists every variant tried):
//! the earlier rule 1/(γ̄/max γ + 0.02) gave L2 0.11–0.14 on single and separated ZARCs at 1 % noise, exponent 2
//! gives 0.08–0.11, exponent 3 with ε = 10⁻³ gives 0.04–0.07; exponent 4 or ε ≤ 10⁻⁴ lets noise into the
//! peak tops (0.10–0.18, and spurious peaks from exponent 6). Reweighting by the curvature of γ₁ instead of its
//! height (an ARD-like update on the second differences), more passes, and other λ criteria did not help.
//!
//! **Credible band**: at the chosen λ, the Gaussian posterior of the unconstrained problem gives a standard
//! deviation for each node; the band is γ ± 1.96σ clipped at 0. It ignores the non-negativity constraint and the
//! uncertainty of λ, so read it as an indication of which features the data support, not as an exact interval.
//!
//! # What a DRT cannot show
//! - **Inductive loops and negative features**: γ ≥ 0 cannot describe them. A series inductance (cables) is
//!   fitted as L; an inductive loop at low frequency (corrosion, adsorption with negative capacitance) is left in
//!   the residuals, which [`Drt::pseudo_chi2`] and the residual arrays show. Crop such frequencies with a
//!   frequency window, or check the spectrum with [`crate::validation::lin_kk`] first.
//! - **Capacitive tails** (blocking electrodes, diffusion without a finite length) have no finite R_pol; their γ
//!   piles up at the long-τ end of the grid.
//! - Peaks closer than about half a decade merge; a peak's shape, not only its area, depends on λ.
//!
//! # Reference
//! T. H. Wan, M. Saccoccio, C. Chen, F. Ciucci, "Influence of the Discretization Methods on the Distribution of
//! Relaxation Times Deconvolution", Electrochim. Acta 184 (2015) 483–499; G. Wahba, "Spline Models for
//! Observational Data" (SIAM 1990) for GCV; Y.-J. Kim, C. Gu, J. R. Stat. Soc. B 66 (2004) 337 for the modified
//! GCV; F. Ciucci, C. Chen, "Analysis of electrochemical impedance spectroscopy data using the distribution of
//! relaxation times: A Bayesian and hierarchical Bayesian approach", Electrochim. Acta 167 (2015) 439–454, and
//! M. B. Effat, F. Ciucci, Electrochim. Acta 247 (2017) 1117–1129, for the hierarchical prior on the penalty
//! scales.
//!
//! # Examples
//! ```
//! use eisfit::drt::{drt, DrtOptions};
//! use eisfit::simulate::{log_frequencies, simulate, Noise};
//! use eisfit::Circuit;
//!
//! // R∞ = 10 Ω and a ZARC of 50 Ω at τ0 = 10 ms.
//! let circuit: Circuit = "R0-Zarc1".parse()?;
//! let freq = log_frequencies(1e6, 1e-2, 10)?;
//! let z = simulate(&circuit, &[10.0, 50.0, 1e-2, 0.8], &freq, Some(Noise::new(0.01, 1)?))?;
//!
//! let d = drt(&z, &DrtOptions::default())?;
//! assert!((d.r_inf_ohm - 10.0).abs() < 0.5);
//! assert!((d.r_pol_ohm - 50.0).abs() < 1.0);
//! assert_eq!(d.peaks.len(), 1);
//! assert!((d.peaks[0].tau_s.log10() - (-2.0)).abs() < 0.1);
//! # Ok::<(), eisfit::Error>(())
//! ```

mod basis;
mod peaks;
mod solve;
#[cfg(test)]
mod tests;

pub use peaks::DrtPeak;

use crate::spectrum::Spectrum;
use basis::Grid;
use nalgebra::{DMatrix, DVector};
use solve::{LambdaChoice, Problem};

/// ε of the adaptive penalty weights 1/((γ̄/γ_max)^p + ε): the largest ratio of penalty weights is 1/ε.
const ADAPTIVE_FLOOR: f64 = 1e-3;

/// The exponent p of the adaptive penalty weights 1/((γ̄/γ_max)^p + ε).
const ADAPTIVE_POWER: f64 = 3.0;

/// Fewest points [`drt`] accepts.
pub const MIN_POINTS: usize = 5;

/// Why a DRT could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DrtError {
    /// The spectrum has too few points.
    #[error("the DRT needs at least {min} points, the spectrum has {n}")]
    TooFewPoints {
        /// Points in the spectrum.
        n: usize,
        /// Points needed.
        min: usize,
    },
    /// A point has Z = 0, so its relative weight is undefined.
    #[error("point {index}: Z = 0, its weight 1/|Z| is undefined")]
    ZeroImpedance {
        /// Zero-based index of the point.
        index: usize,
    },
    /// An option is out of its range.
    #[error("invalid DRT option: {name} = {value}")]
    InvalidOption {
        /// Which option.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// The regularised problem could not be solved (degenerate data).
    #[error("the DRT least-squares problem could not be solved (degenerate data)")]
    Singular,
}

/// Options of [`drt`]. `DrtOptions::default()` chooses λ by mGCV.
#[derive(Clone, Debug, PartialEq)]
pub struct DrtOptions {
    lambda: Option<f64>,
    rho: f64,
    nodes_per_decade: f64,
    extension_decades: f64,
    inductance: bool,
    min_prominence: f64,
    adaptive: bool,
}

impl Default for DrtOptions {
    fn default() -> Self {
        DrtOptions {
            lambda: None,
            rho: 2.0,
            nodes_per_decade: 6.0,
            extension_decades: 0.5,
            inductance: true,
            min_prominence: 0.05,
            adaptive: true,
        }
    }
}

impl DrtOptions {
    /// Use this λ (relative, as reported in [`Drt::lambda`]) instead of choosing it automatically.
    #[must_use]
    pub fn with_lambda(mut self, lambda: f64) -> Self {
        self.lambda = Some(lambda);
        self
    }

    /// The factor ρ of modified GCV, ‖r‖²/(m − ρ·tr H)² (default 2; 1 is plain GCV).
    #[must_use]
    pub fn with_gcv_rho(mut self, rho: f64) -> Self {
        self.rho = rho;
        self
    }

    /// Grid nodes per decade of τ (default 10).
    #[must_use]
    pub fn with_nodes_per_decade(mut self, n: f64) -> Self {
        self.nodes_per_decade = n;
        self
    }

    /// How far the τ grid extends beyond 1/(2πf_max) and 1/(2πf_min), in decades on each side (default 1).
    #[must_use]
    pub fn with_extension_decades(mut self, decades: f64) -> Self {
        self.extension_decades = decades;
        self
    }

    /// Whether to fit a series inductance L ≥ 0 (default true).
    #[must_use]
    pub fn with_inductance(mut self, on: bool) -> Self {
        self.inductance = on;
        self
    }

    /// Peaks are reported when their prominence is at least this fraction of the highest γ (default 0.05).
    #[must_use]
    pub fn with_min_prominence(mut self, fraction: f64) -> Self {
        self.min_prominence = fraction;
        self
    }

    /// Whether to refine the solution with penalty weights from a first pass (default true; see the module docs).
    #[must_use]
    pub fn with_adaptive_smoothing(mut self, on: bool) -> Self {
        self.adaptive = on;
        self
    }

    fn check(&self) -> Result<(), DrtError> {
        let bad = |name: &'static str, value: f64| Err(DrtError::InvalidOption { name, value });
        if let Some(l) = self.lambda {
            if !(l.is_finite() && l > 0.0) {
                return bad("lambda", l);
            }
        }
        if !(self.rho.is_finite() && (1.0..=10.0).contains(&self.rho)) {
            return bad("GCV rho", self.rho);
        }
        if !(self.nodes_per_decade.is_finite() && (1.0..=50.0).contains(&self.nodes_per_decade)) {
            return bad("nodes per decade", self.nodes_per_decade);
        }
        if !(self.extension_decades.is_finite() && (0.0..=5.0).contains(&self.extension_decades)) {
            return bad("extension in decades", self.extension_decades);
        }
        if !(self.min_prominence.is_finite() && (0.0..1.0).contains(&self.min_prominence)) {
            return bad("minimum peak prominence", self.min_prominence);
        }
        Ok(())
    }
}

/// A distribution of relaxation times: γ on its grid, R∞, L, λ, the peaks and the residuals.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Drt {
    /// The regularisation parameter used, relative to the problem's scale.
    pub lambda: f64,
    /// R∞ in Ω.
    pub r_inf_ohm: f64,
    /// Series inductance in H (0 when not fitted).
    pub inductance_h: f64,
    /// Grid time constants in s, increasing.
    pub tau_s: Vec<f64>,
    /// γ at each grid node in Ω (per unit of ln τ); linear in ln τ between nodes.
    pub gamma_ohm: Vec<f64>,
    /// Lower edge of the approximate 95 % credible band of γ (see the module docs).
    pub gamma_lower_ohm: Vec<f64>,
    /// Upper edge of the approximate 95 % credible band of γ.
    pub gamma_upper_ohm: Vec<f64>,
    /// Area under γ over ln τ: the polarisation resistance in Ω.
    pub r_pol_ohm: f64,
    /// The processes, by increasing τ.
    pub peaks: Vec<DrtPeak>,
    /// Σ|Z − Ẑ|²/|Z|² / (2N − effective number of parameters).
    pub pseudo_chi2: f64,
    /// Effective number of parameters (trace of the influence matrix, R∞ and L included).
    pub effective_params: f64,
    /// Frequencies in Hz, in the order of the spectrum.
    pub freq_hz: Vec<f64>,
    /// (Z′ − Ẑ′)/|Z| per point.
    pub residual_real: Vec<f64>,
    /// (Z″ − Ẑ″)/|Z| per point.
    pub residual_imag: Vec<f64>,
}

/// Computes the DRT of a spectrum (see the [module docs](self) for the method and its limits).
///
/// # Errors
/// [`DrtError::TooFewPoints`] for fewer than [`MIN_POINTS`] points, [`DrtError::ZeroImpedance`] for a point with
/// Z = 0, [`DrtError::InvalidOption`] for an option out of range, [`DrtError::Singular`] when the problem cannot
/// be solved.
///
/// # Examples
/// ```
/// use eisfit::drt::{drt, DrtOptions};
/// use eisfit::simulate::{log_frequencies, simulate};
/// use eisfit::Circuit;
///
/// // Two arcs two decades apart: two peaks whose areas are the two resistances.
/// let c: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)".parse()?;
/// let f = log_frequencies(1e6, 1e-2, 10)?;
/// let z = simulate(&c, &[5.0, 40.0, 1e-6, 0.9, 60.0, 1e-3, 0.9], &f, None)?;
/// let d = drt(&z, &DrtOptions::default())?;
/// assert_eq!(d.peaks.len(), 2);
/// assert!((d.peaks[0].r_ohm - 40.0).abs() < 2.0 && (d.peaks[1].r_ohm - 60.0).abs() < 2.0);
/// # Ok::<(), eisfit::Error>(())
/// ```
pub fn drt(spectrum: &Spectrum, options: &DrtOptions) -> Result<Drt, DrtError> {
    options.check()?;
    let n = spectrum.len();
    if n < MIN_POINTS {
        return Err(DrtError::TooFewPoints { n, min: MIN_POINTS });
    }
    if let Some(index) = spectrum.z().iter().position(|z| z.norm_sqr() <= 0.0) {
        return Err(DrtError::ZeroImpedance { index });
    }
    let (f_lo, f_hi) = spectrum.frequency_range();
    let ext = 10f64.powf(options.extension_decades);
    let grid = Grid::new(
        1.0 / (std::f64::consts::TAU * f_hi * ext),
        ext / (std::f64::consts::TAU * f_lo),
        options.nodes_per_decade,
    );
    let m = grid.len();
    let p = 1 + usize::from(options.inductance);
    let omega = spectrum.omega();
    let z = spectrum.z();
    let rows = 2 * n;
    let mut a = DMatrix::<f64>::zeros(rows, m);
    let mut e = DMatrix::<f64>::zeros(rows, p);
    let mut b = DVector::<f64>::zeros(rows);
    let mut kernel = Vec::new();
    for (i, (&w, &zi)) in omega.iter().zip(z).enumerate() {
        let wt = 1.0 / zi.norm();
        grid.kernel_row(w, &mut kernel);
        for (j, k) in kernel.iter().enumerate() {
            a[(2 * i, j)] = k.re * wt;
            a[(2 * i + 1, j)] = k.im * wt;
        }
        e[(2 * i, 0)] = wt;
        if options.inductance {
            // L in units of 1/ω_max keeps the column at the scale of the others.
            e[(2 * i + 1, 1)] = w / (std::f64::consts::TAU * f_hi) * wt;
        }
        b[2 * i] = zi.re * wt;
        b[2 * i + 1] = zi.im * wt;
    }
    let mut problem = Problem {
        a,
        e,
        b,
        penalty_weights: vec![1.0; m],
    };
    let choice = match options.lambda {
        Some(l) => LambdaChoice::Fixed(l),
        None => LambdaChoice::Gcv { rho: options.rho },
    };
    let pre = problem.prepare();
    let mut sol = problem.solve(&pre, choice).ok_or(DrtError::Singular)?;
    if options.adaptive {
        // Second pass: smooth hard where γ is small and lightly where it is large, c_k = 1/((γ̄_k/γ_max)³ + ε),
        // with γ̄ the first solution averaged over neighbouring nodes (see the module docs). Flat tails stop
        // ringing into spurious peaks, and the tops of peaks are flattened less.
        let top = sol.gamma.iter().fold(0.0f64, |a, &v| a.max(v));
        if top > 0.0 {
            problem.penalty_weights = (0..m)
                .map(|k| {
                    let lo = k.saturating_sub(1);
                    let hi = (k + 1).min(m - 1);
                    let avg = sol.gamma[lo..=hi].iter().sum::<f64>() / (hi - lo + 1) as f64;
                    1.0 / ((avg / top).powf(ADAPTIVE_POWER) + ADAPTIVE_FLOOR)
                })
                .collect();
            sol = problem.solve(&pre, choice).ok_or(DrtError::Singular)?;
        }
    }
    let r_inf = sol.extra[0];
    let inductance = if options.inductance {
        sol.extra[1] / (std::f64::consts::TAU * f_hi)
    } else {
        0.0
    };
    // Residuals relative to |Z|: the weighted residuals of the solve, real and imaginary rows interleaved.
    let res_re: Vec<f64> = sol.residual.iter().step_by(2).copied().collect();
    let res_im: Vec<f64> = sol.residual.iter().skip(1).step_by(2).copied().collect();
    let sum = sol.residual.norm_squared();
    let band = |sign: f64| -> Vec<f64> {
        sol.gamma
            .iter()
            .zip(&sol.gamma_sd)
            .map(|(g, s)| (g + sign * 1.96 * s).max(0.0))
            .collect()
    };
    Ok(Drt {
        lambda: sol.lambda_rel,
        r_inf_ohm: r_inf,
        inductance_h: inductance,
        tau_s: grid.u.iter().map(|u| u.exp()).collect(),
        gamma_lower_ohm: band(-1.0),
        gamma_upper_ohm: band(1.0),
        r_pol_ohm: grid.integral(&sol.gamma),
        peaks: peaks::find_peaks(&grid, &sol.gamma, options.min_prominence),
        pseudo_chi2: sum / (rows as f64 - sol.effective_params).max(1.0),
        effective_params: sol.effective_params,
        freq_hz: spectrum.freq_hz().to_vec(),
        residual_real: res_re,
        residual_imag: res_im,
        gamma_ohm: sol.gamma,
    })
}
