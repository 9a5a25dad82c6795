//! The linear Kramers–Kronig test (Lin-KK): options, result and the search for the number of RC elements.

use super::voigt::{log_taus, mu, Immittance, KkFitMode, VoigtFit, VoigtModel};
use super::KkError;
use crate::spectrum::Spectrum;
use num_complex::Complex64;

/// Fewest points the test accepts: with R∞, C, L and one RC element there must be residual degrees of freedom
/// left, and the noise estimate needs second differences.
pub const MIN_POINTS: usize = 6;

/// Residuals below this rms (relative to |Z|, 0.01 %) pass whatever their structure: no impedance analyser measures
/// more accurately, and noise-free simulated spectra leave smooth approximation residuals of this size.
const ACCURACY_FLOOR: f64 = 1e-4;

/// How the number of RC elements is chosen.
#[derive(Copy, Clone, Debug, PartialEq, Default)]
#[non_exhaustive]
pub enum RcSelection {
    /// The default: the fewest elements after which adding up to as many again lowers the pseudo-χ² per degree
    /// of freedom by less than 10 % (see [`lin_kk`]). Both immittances are tried unless one is set.
    #[default]
    Auto,
    /// Schönleber's μ criterion as impedance.py's `linKK` applies it: M = 1, 2, … until μ ≤ `cutoff` (0.85 in the
    /// paper). Kept for comparison; it stops too early on many valid spectra.
    Mu {
        /// The cutoff c, in (0, 1].
        cutoff: f64,
    },
    /// Exactly this many RC elements.
    Fixed(usize),
}

/// Options of [`lin_kk`]. `LinKkOptions::default()` is the automatic test.
#[derive(Clone, Debug, PartialEq)]
pub struct LinKkOptions {
    selection: RcSelection,
    immittance: Option<Immittance>,
    fit_mode: KkFitMode,
    extension_decades: f64,
    capacitance: bool,
    inductance: bool,
    max_rc_per_decade: f64,
    max_rc: usize,
    noise_ratio_limit: f64,
    lookahead_tolerance: f64,
}

impl Default for LinKkOptions {
    fn default() -> Self {
        LinKkOptions {
            selection: RcSelection::Auto,
            immittance: None,
            fit_mode: KkFitMode::Complex,
            extension_decades: 0.25,
            capacitance: true,
            inductance: true,
            max_rc_per_decade: 5.0,
            max_rc: 100,
            noise_ratio_limit: 1.35,
            lookahead_tolerance: 0.1,
        }
    }
}

impl LinKkOptions {
    /// How the number of RC elements is chosen (default [`RcSelection::Auto`]).
    #[must_use]
    pub fn with_selection(mut self, selection: RcSelection) -> Self {
        self.selection = selection;
        self
    }

    /// Fit only this immittance (default: both in automatic mode, keeping the better; impedance otherwise).
    #[must_use]
    pub fn with_immittance(mut self, immittance: Immittance) -> Self {
        self.immittance = Some(immittance);
        self
    }

    /// Which parts of the data the linear fit uses (default [`KkFitMode::Complex`]).
    #[must_use]
    pub fn with_fit_mode(mut self, mode: KkFitMode) -> Self {
        self.fit_mode = mode;
        self
    }

    /// How far the time constants extend beyond 1/ω_max and 1/ω_min, in decades on each side (default 0.25;
    /// impedance.py uses 0).
    #[must_use]
    pub fn with_extension_decades(mut self, decades: f64) -> Self {
        self.extension_decades = decades;
        self
    }

    /// Whether the model has a series capacitance (a parallel one for the admittance); default true.
    #[must_use]
    pub fn with_capacitance(mut self, on: bool) -> Self {
        self.capacitance = on;
        self
    }

    /// Whether the model has a series inductance (a parallel one for the admittance); default true.
    #[must_use]
    pub fn with_inductance(mut self, on: bool) -> Self {
        self.inductance = on;
        self
    }

    /// The automatic search tries at most this many RC elements per decade of the τ range (default 5).
    #[must_use]
    pub fn with_max_rc_per_decade(mut self, density: f64) -> Self {
        self.max_rc_per_decade = density;
        self
    }

    /// Upper limit on the number of RC elements for the automatic and μ searches (default 100; the number of
    /// points limits it too).
    #[must_use]
    pub fn with_max_rc(mut self, max_rc: usize) -> Self {
        self.max_rc = max_rc;
        self
    }

    /// A spectrum is valid when its pseudo-χ² per degree of freedom is at most this multiple of the noise
    /// variance estimated from the residuals' point-to-point scatter (default 1.35).
    #[must_use]
    pub fn with_noise_ratio_limit(mut self, limit: f64) -> Self {
        self.noise_ratio_limit = limit;
        self
    }

    fn check(&self) -> Result<(), KkError> {
        let bad = |name: &'static str, value: f64| Err(KkError::InvalidOption { name, value });
        if let RcSelection::Mu { cutoff } = self.selection {
            if !(cutoff > 0.0 && cutoff <= 1.0) {
                return bad("mu cutoff", cutoff);
            }
        }
        if let RcSelection::Fixed(0) = self.selection {
            return bad("number of RC elements", 0.0);
        }
        if !(self.extension_decades.is_finite() && (0.0..=5.0).contains(&self.extension_decades)) {
            return bad("extension in decades", self.extension_decades);
        }
        if !(self.max_rc_per_decade.is_finite() && self.max_rc_per_decade >= 0.5) {
            return bad("RC elements per decade", self.max_rc_per_decade);
        }
        if self.max_rc == 0 {
            return bad("maximum number of RC elements", 0.0);
        }
        if !(self.noise_ratio_limit.is_finite() && self.noise_ratio_limit >= 1.0) {
            return bad("noise ratio limit", self.noise_ratio_limit);
        }
        Ok(())
    }
}

/// The fitted Kramers–Kronig-compliant model, in the parameters of the immittance it was fitted to.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct KkModel {
    /// The immittance the model describes.
    pub immittance: Immittance,
    /// The fixed time constants τ_k in s.
    pub time_constants_s: Vec<f64>,
    /// R_k in Ω for the impedance, G_k in S for the admittance, one per time constant.
    pub coefficients: Vec<f64>,
    /// R∞ in Ω for the impedance, G∞ in S for the admittance.
    pub offset: f64,
    /// 1/C in F⁻¹ for the impedance, C in F for the admittance; 0 without a capacitance.
    pub capacitive: f64,
    /// L in H for the impedance, 1/L in H⁻¹ for the admittance; 0 without an inductance.
    pub inductive: f64,
}

/// The result of a Lin-KK test: the verdict, the statistics and the residuals.
///
/// Residuals are (Z − Ẑ)/|Z| per point, in the order of the spectrum, whichever immittance was fitted.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct LinKk {
    /// Whether the spectrum passes: pseudo-χ² per degree of freedom within the noise ratio limit times the
    /// estimated noise variance.
    pub valid: bool,
    /// Number of RC elements used.
    pub n_rc: usize,
    /// Schönleber's μ = 1 − Σ|negative R_k| / Σ positive R_k of the chosen fit (1 when none is negative).
    pub mu: f64,
    /// Σ[(Z′ − Ẑ′)² + (Z″ − Ẑ″)²]/|Z|² divided by the degrees of freedom 2N − k (k fitted coefficients): an
    /// estimate of the relative noise variance of each part when the spectrum is valid.
    pub pseudo_chi2: f64,
    /// Boukamp's pseudo-χ², the plain sum Σ[(Z′ − Ẑ′)² + (Z″ − Ẑ″)²]/|Z|² (comparable with a fit's).
    pub pseudo_chi2_sum: f64,
    /// Relative noise variance estimated from the residuals' second differences along frequency, which white
    /// noise raises and smooth misfit barely touches.
    pub noise_variance: f64,
    /// `pseudo_chi2 / noise_variance`: about 1 for a valid spectrum, larger when smooth structure remains.
    pub noise_ratio: f64,
    /// Largest |residual| of either part.
    pub max_abs_residual: f64,
    /// Degrees of freedom 2N − k.
    pub dof: usize,
    /// Frequencies in Hz, in the order of the spectrum.
    pub freq_hz: Vec<f64>,
    /// (Z′ − Ẑ′)/|Z| per point.
    pub residual_real: Vec<f64>,
    /// (Z″ − Ẑ″)/|Z| per point.
    pub residual_imag: Vec<f64>,
    /// The model's impedance Ẑ per point.
    pub z_fit: Vec<Complex64>,
    /// The fitted model.
    pub model: KkModel,
}

/// Runs the linear Kramers–Kronig test of Schönleber et al. on a spectrum.
///
/// A Voigt series with M time constants spaced evenly in log τ, from 1/ω_max to 1/ω_min extended by
/// [`LinKkOptions::with_extension_decades`], plus R∞, a series capacitance and an inductance, is fitted by
/// linear least squares with weights 1/|Z|. Every such model obeys the Kramers–Kronig relations, so what it
/// cannot reproduce is not Kramers–Kronig compliant. In the admittance form the same is done for Y = 1/Z with
/// series-RC branches in parallel, which suits spectra with a negative resistance or a dominant capacitance.
///
/// # Formula
/// Ẑ(ω) = R∞ + Σₖ Rₖ/(1 + jωτₖ) + 1/(jωC) + jωL, residuals rᵢ = (Zᵢ − Ẑᵢ)/|Zᵢ|,
/// pseudo-χ² = Σᵢ |rᵢ|² / (2N − k).
///
/// **Number of RC elements** ([`RcSelection::Auto`]): s²(M) is the pseudo-χ² per degree of freedom with M
/// elements. M is the smallest value from 2 up for which no M′ in (M, 2M] lowers s² by more than 10 %, at most
/// 5 per decade of the τ range and one per point. Schönleber's μ criterion (the fit's negative resistances
/// against its positive ones) is reported but not used: on spectra that need many elements it stops far too
/// early and leaves residuals of several per cent on valid data. Both immittances are fitted and the one with the
/// smaller s² is kept.
///
/// **Verdict**: white noise gives second differences dᵢ = rᵢ₋₁ − 2rᵢ + rᵢ₊₁ of variance 6σ², while a smooth
/// non-Kramers–Kronig signature (drift) barely changes them. The spectrum is valid when s² ≤ 1.35·σ̂², with
/// σ̂² = Σ|dᵢ|²/(12(N − 2)) over the points sorted by frequency, or when the rms residual is below 0.01 % (the
/// accuracy of the best analysers; noise-free simulations leave smooth residuals of that size).
///
/// # Reference
/// M. Schönleber, D. Klotz, E. Ivers-Tiffée, "A Method for Improving the Robustness of linear Kramers-Kronig
/// Validity Tests", Electrochim. Acta 131 (2014) 20–27, doi:10.1016/j.electacta.2014.01.034.
/// B. A. Boukamp, "A Linear Kronig-Kramers Transform Test for Immittance Data Validation", J. Electrochem. Soc.
/// 142 (1995) 1885–1894.
///
/// # Errors
/// [`KkError::TooFewPoints`] for fewer than [`MIN_POINTS`] points, [`KkError::ZeroImpedance`] when a point has
/// Z = 0, [`KkError::InvalidOption`] for an option out of range, [`KkError::Singular`] when no fit could be
/// solved.
///
/// # Examples
/// ```
/// use eisfit::simulate::{log_frequencies, simulate, Noise};
/// use eisfit::validation::{lin_kk, LinKkOptions};
/// use eisfit::Circuit;
///
/// let circuit: Circuit = "R0-p(R1,CPE1)".parse()?;
/// let freq = log_frequencies(1e5, 0.1, 10)?;
/// let z = simulate(&circuit, &[10.0, 100.0, 1e-5, 0.85], &freq, Some(Noise::new(0.005, 3)?))?;
///
/// let kk = lin_kk(&z, &LinKkOptions::default())?;
/// assert!(kk.valid);
/// // The residuals are at the noise level: 0.5 % of |Z| in each part.
/// assert!((kk.pseudo_chi2.sqrt() - 0.005).abs() < 0.0015);
/// # Ok::<(), eisfit::Error>(())
/// ```
pub fn lin_kk(spectrum: &Spectrum, options: &LinKkOptions) -> Result<LinKk, KkError> {
    options.check()?;
    let n = spectrum.len();
    if n < MIN_POINTS {
        return Err(KkError::TooFewPoints { n, min: MIN_POINTS });
    }
    if let Some(index) = spectrum.z().iter().position(|z| z.norm_sqr() <= 0.0) {
        return Err(KkError::ZeroImpedance { index });
    }
    let omega = spectrum.omega();
    let z = spectrum.z();
    let y: Vec<Complex64> = z.iter().map(|z| z.inv()).collect();
    let (f_lo, f_hi) = spectrum.frequency_range();
    let ext = 10f64.powf(options.extension_decades);
    let tau_min = 1.0 / (std::f64::consts::TAU * f_hi * ext);
    let tau_max = ext / (std::f64::consts::TAU * f_lo);
    let n_extra = usize::from(options.capacitance) + usize::from(options.inductance);
    // At least one residual degree of freedom, and never more elements than points.
    let max_by_points = (2 * n - 2 - n_extra).min(n);
    let search = Search {
        omega: &omega,
        z,
        y: &y,
        tau_min,
        tau_max,
        options,
    };
    let reps: Vec<Immittance> = match (options.immittance, options.selection) {
        (Some(r), _) => vec![r],
        (None, RcSelection::Auto) => vec![Immittance::Impedance, Immittance::Admittance],
        (None, _) => vec![Immittance::Impedance],
    };
    let decades = (tau_max / tau_min).log10();
    // Truncation, not rounding up: the density is an upper limit.
    let max_by_density = (options.max_rc_per_decade * decades) as usize;
    let m_max = max_by_points.min(options.max_rc).min(max_by_density.max(2)).max(1);
    let mut best: Option<(VoigtModel, VoigtFit)> = None;
    for rep in reps {
        let chosen = match options.selection {
            RcSelection::Fixed(m) => search.fit(rep, m.min(max_by_points.max(1))),
            RcSelection::Mu { cutoff } => search.by_mu(rep, cutoff, max_by_points.min(options.max_rc)),
            RcSelection::Auto => search.auto(rep, m_max),
        };
        let Some((model, fit)) = chosen else { continue };
        let better = best.as_ref().is_none_or(|(_, b)| per_dof(&fit, n) < per_dof(b, n));
        if better {
            best = Some((model, fit));
        }
    }
    let (model, fit) = best.ok_or(KkError::Singular)?;
    Ok(report(spectrum, &omega, &model, &fit, options))
}

fn per_dof(fit: &VoigtFit, n: usize) -> f64 {
    fit.sum_sq / (2 * n).saturating_sub(fit.n_params).max(1) as f64
}

/// The data and settings shared by the fits of one test.
struct Search<'a> {
    omega: &'a [f64],
    z: &'a [Complex64],
    y: &'a [Complex64],
    tau_min: f64,
    tau_max: f64,
    options: &'a LinKkOptions,
}

impl Search<'_> {
    fn fit(&self, immittance: Immittance, m: usize) -> Option<(VoigtModel, VoigtFit)> {
        let model = VoigtModel {
            immittance,
            taus: log_taus(self.tau_min, self.tau_max, m),
            capacitance: self.options.capacitance,
            inductance: self.options.inductance,
        };
        let data = match immittance {
            Immittance::Impedance => self.z,
            Immittance::Admittance => self.y,
        };
        let fit = model.fit(self.omega, data, self.options.fit_mode)?;
        fit.sum_sq.is_finite().then_some((model, fit))
    }

    /// impedance.py's loop: M = 1, 2, … until μ ≤ cutoff or M = `m_max`.
    fn by_mu(&self, immittance: Immittance, cutoff: f64, m_max: usize) -> Option<(VoigtModel, VoigtFit)> {
        let mut last = None;
        for m in 1..=m_max.max(1) {
            let Some((model, fit)) = self.fit(immittance, m) else {
                continue;
            };
            let stop = mu(&fit.coefficients) <= cutoff;
            last = Some((model, fit));
            if stop {
                break;
            }
        }
        last
    }

    /// The smallest M ≥ 2 whose s² is within the lookahead tolerance of the best s² for M′ in (M, max(2M, M + 2)].
    fn auto(&self, immittance: Immittance, m_max: usize) -> Option<(VoigtModel, VoigtFit)> {
        let n = self.z.len();
        let m_lo = 2.min(m_max);
        // s²(M) for M = m_lo..=m_max, computed as the lookahead window needs them.
        let mut s2: Vec<f64> = Vec::new();
        let at = |m: usize, s2: &mut Vec<f64>| -> f64 {
            while s2.len() <= m - m_lo {
                let mm = m_lo + s2.len();
                let v = self.fit(immittance, mm).map_or(f64::INFINITY, |(_, f)| per_dof(&f, n));
                s2.push(v);
            }
            s2[m - m_lo]
        };
        let tol = 1.0 + self.options.lookahead_tolerance;
        let mut chosen = m_max;
        for m in m_lo..=m_max {
            let here = at(m, &mut s2);
            let end = (2 * m).max(m + 2).min(m_max);
            let mut later = f64::INFINITY;
            for k in m + 1..=end {
                later = later.min(at(k, &mut s2));
            }
            if here.is_finite() && (here <= tol * later || m == m_max) {
                chosen = m;
                break;
            }
        }
        self.fit(immittance, chosen)
    }
}

/// Residuals relative to |Z|, the statistics and the verdict of the chosen fit.
fn report(spectrum: &Spectrum, omega: &[f64], model: &VoigtModel, fit: &VoigtFit, options: &LinKkOptions) -> LinKk {
    let n = spectrum.len();
    let z = spectrum.z();
    let z_fit: Vec<Complex64> = omega
        .iter()
        .map(|&w| {
            let x = model.eval(fit, w);
            match model.immittance {
                Immittance::Impedance => x,
                Immittance::Admittance => x.inv(),
            }
        })
        .collect();
    let r: Vec<Complex64> = z.iter().zip(&z_fit).map(|(z, zf)| (z - zf) / z.norm()).collect();
    let sum: f64 = r.iter().map(Complex64::norm_sqr).sum();
    let dof = (2 * n).saturating_sub(fit.n_params).max(1);
    let pseudo_chi2 = sum / dof as f64;
    let noise_variance = roughness_variance(spectrum.freq_hz(), &r);
    let noise_ratio = if noise_variance > 0.0 {
        pseudo_chi2 / noise_variance
    } else if pseudo_chi2 > 0.0 {
        f64::INFINITY
    } else {
        1.0
    };
    let valid =
        pseudo_chi2 <= options.noise_ratio_limit * noise_variance || pseudo_chi2 <= ACCURACY_FLOOR * ACCURACY_FLOOR;
    let max_abs_residual = r.iter().fold(0.0f64, |m, v| m.max(v.re.abs()).max(v.im.abs()));
    LinKk {
        valid,
        n_rc: model.taus.len(),
        mu: mu(&fit.coefficients),
        pseudo_chi2,
        pseudo_chi2_sum: sum,
        noise_variance,
        noise_ratio,
        max_abs_residual,
        dof,
        freq_hz: spectrum.freq_hz().to_vec(),
        residual_real: r.iter().map(|v| v.re).collect(),
        residual_imag: r.iter().map(|v| v.im).collect(),
        z_fit,
        model: KkModel {
            immittance: model.immittance,
            time_constants_s: model.taus.clone(),
            coefficients: fit.coefficients.clone(),
            offset: fit.offset,
            capacitive: fit.cap_coefficient,
            inductive: fit.ind_coefficient,
        },
    }
}

/// σ̂² = Σ|rᵢ₋₁ − 2rᵢ + rᵢ₊₁|² / (12(N − 2)) over the points sorted by frequency: white noise of variance σ² in
/// each part gives second differences of variance 6σ² per part.
pub(crate) fn roughness_variance(freq_hz: &[f64], r: &[Complex64]) -> f64 {
    let mut idx: Vec<usize> = (0..r.len()).collect();
    idx.sort_by(|&a, &b| freq_hz[a].total_cmp(&freq_hz[b]));
    let sorted: Vec<Complex64> = idx.iter().map(|&i| r[i]).collect();
    roughness_variance_ordered(&sorted)
}

/// [`roughness_variance`] of residuals already in frequency order (0 below three points).
pub(crate) fn roughness_variance_ordered(r: &[Complex64]) -> f64 {
    if r.len() < 3 {
        return 0.0;
    }
    let sum: f64 = r.windows(3).map(|w| (w[0] - 2.0 * w[1] + w[2]).norm_sqr()).sum();
    sum / (12.0 * (r.len() - 2) as f64)
}
