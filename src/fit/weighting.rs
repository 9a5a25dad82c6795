//! Weighting schemes for the residuals.

use crate::spectrum::Spectrum;
use num_complex::Complex64;
use serde::{Deserialize, Serialize};

/// How the real and imaginary residuals of each point are weighted.
///
/// The fit minimises Σᵢ [w′ᵢ²(Z′ᵢ − Ẑ′ᵢ)² + w″ᵢ²(Z″ᵢ − Ẑ″ᵢ)²].
///
/// | weighting | w′ᵢ | w″ᵢ | when to use |
/// |---|---|---|---|
/// | [`Modulus`](Weighting::Modulus) (default) | 1/\|Zᵢ\| | 1/\|Zᵢ\| | most spectra: every point counts in proportion to its size, as with a constant relative error |
/// | [`Unit`](Weighting::Unit) | 1 | 1 | errors of constant absolute size; what impedance.py does by default |
/// | [`Proportional`](Weighting::Proportional) | 1/\|Z′ᵢ\| | 1/\|Z″ᵢ\| | separate relative errors on each part; over-weights points where a part crosses zero |
/// | [`Sigma`](Weighting::Sigma) | 1/σ′ᵢ | 1/σ″ᵢ | known standard deviations, attached with [`Spectrum::with_sigma`] |
/// | [`ModulusModel`](Weighting::ModulusModel) | 1/\|Ẑᵢ\| | 1/\|Ẑᵢ\| | as modulus, without the bias of weights taken from noisy data (noise of several %) |
///
/// The weights use the measured values, so they stay fixed during a fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Weighting {
    /// 1/|Zᵢ| on both parts.
    #[default]
    Modulus,
    /// No weighting.
    Unit,
    /// 1/|Z′ᵢ| and 1/|Z″ᵢ|.
    Proportional,
    /// 1/σ′ᵢ and 1/σ″ᵢ from the spectrum's standard deviations.
    Sigma,
    /// 1/|Ẑᵢ| of the fitted model instead of the measured |Zᵢ|, iterated from a modulus-weighted fit (a few
    /// reweighting rounds). Weights from the data correlate with the data's noise and bias every parameter by
    /// about −2r² at relative noise r (a few tenths of a standard error at 5–10 % noise); weights from the model
    /// do not.
    ModulusModel,
}

/// A weighting name that is not one of `modulus`, `modulus-model`, `unit` (or `none`), `proportional`, `sigma`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown weighting '{given}'; expected modulus, modulus-model, unit, proportional or sigma")]
pub struct UnknownWeighting {
    /// The name given.
    pub given: String,
}

impl std::str::FromStr for Weighting {
    type Err = UnknownWeighting;
    /// Parses a weighting name, case-insensitively.
    ///
    /// # Examples
    /// ```
    /// use eisfit::Weighting;
    /// assert_eq!("Modulus".parse::<Weighting>(), Ok(Weighting::Modulus));
    /// let e = "moduls".parse::<Weighting>().unwrap_err();
    /// assert_eq!(e.given, "moduls");
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "modulus" => Ok(Weighting::Modulus),
            "unit" | "none" => Ok(Weighting::Unit),
            "proportional" => Ok(Weighting::Proportional),
            "sigma" => Ok(Weighting::Sigma),
            "modulus-model" | "modulus_model" => Ok(Weighting::ModulusModel),
            _ => Err(UnknownWeighting { given: s.to_owned() }),
        }
    }
}

impl std::fmt::Display for Weighting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Weighting::Modulus => "modulus",
            Weighting::Unit => "unit",
            Weighting::Proportional => "proportional",
            Weighting::Sigma => "sigma",
            Weighting::ModulusModel => "modulus-model",
        })
    }
}

impl Weighting {
    /// 1/|Zᵢ| for both parts of each point, from measured or model impedances `z`, with |Z| floored at 1e-12 Ω so
    /// that a point of zero impedance keeps a finite weight. The weights of [`Weighting::Modulus`] from the data,
    /// and of [`Weighting::ModulusModel`] from the model.
    pub(crate) fn modulus_of(z: &[Complex64]) -> Vec<Complex64> {
        z.iter()
            .map(|z| {
                let w = 1.0 / z.norm().max(1e-12);
                Complex64::new(w, w)
            })
            .collect()
    }

    /// Per-point weights of the real and imaginary residual, as the parts w′ + jw″ of one complex number, or
    /// `None` for [`Weighting::Sigma`] on a spectrum without σ.
    pub(crate) fn weights(self, s: &Spectrum) -> Option<Vec<Complex64>> {
        let z = s.z();
        // A floor keeps a part that is exactly zero from getting an infinite weight.
        let floor = |v: f64, m: f64| v.abs().max(1e-12 * m).max(f64::MIN_POSITIVE);
        Some(match self {
            Weighting::Unit => vec![Complex64::new(1.0, 1.0); z.len()],
            // Model weights start from the data's; `fit` then replaces them with the model's.
            Weighting::Modulus | Weighting::ModulusModel => Weighting::modulus_of(z),
            Weighting::Proportional => z
                .iter()
                .map(|z| Complex64::new(1.0 / floor(z.re, z.norm()), 1.0 / floor(z.im, z.norm())))
                .collect(),
            Weighting::Sigma => s
                .sigma()?
                .iter()
                .map(|s| Complex64::new(1.0 / s.re, 1.0 / s.im))
                .collect(),
        })
    }
}
