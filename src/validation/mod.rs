//! Kramers–Kronig validation of impedance spectra: the linear Kramers–Kronig test (Lin-KK).
//!
//! A spectrum of a linear, causal, stable and time-invariant system obeys the Kramers–Kronig relations. Drift
//! during the measurement, non-linearity or a system that has not reached steady state break them. [`lin_kk`]
//! fits a model that obeys them by construction (a Voigt series with fixed time constants) and judges the
//! residuals against the noise seen in the spectrum itself.
//!
//! The result's pseudo-χ² per degree of freedom and its per-point residuals also serve as a noise floor: a
//! circuit fit cannot be expected to do better than the best Kramers–Kronig-compliant model.
//!
//! # Examples
//! ```
//! use eisfit::simulate::{log_frequencies, simulate};
//! use eisfit::validation::{lin_kk, LinKkOptions, RcSelection};
//! use eisfit::Circuit;
//!
//! let circuit: Circuit = "R0-p(R1,C1)-p(R2,C2)".parse()?;
//! let freq = log_frequencies(1e5, 1.0, 10)?;
//! let z = simulate(&circuit, &[5.0, 20.0, 1e-6, 40.0, 1e-3], &freq, None)?;
//! // Two RC elements whose time constants fall between the grid's: the automatic count reaches a fit to
//! // better than 0.01 % of |Z|.
//! let kk = lin_kk(&z, &LinKkOptions::default())?;
//! assert!(kk.valid && kk.max_abs_residual < 1e-4);
//! // Too few elements leave a misfit of several per cent, which the verdict reports.
//! let few = lin_kk(&z, &LinKkOptions::default().with_selection(RcSelection::Fixed(3)))?;
//! assert_eq!(few.n_rc, 3);
//! assert!(!few.valid && few.max_abs_residual > 0.01);
//! # Ok::<(), eisfit::Error>(())
//! ```

mod lin_kk;
#[cfg(test)]
mod tests;
mod voigt;

pub(crate) use lin_kk::roughness_variance_ordered;
pub use lin_kk::{lin_kk, KkModel, LinKk, LinKkOptions, RcSelection, MIN_POINTS};
pub use voigt::{Immittance, KkFitMode};

/// Why a Kramers–Kronig test could not be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum KkError {
    /// The spectrum has too few points for the test.
    #[error("the Kramers-Kronig test needs at least {min} points, the spectrum has {n}")]
    TooFewPoints {
        /// Points in the spectrum.
        n: usize,
        /// Points needed.
        min: usize,
    },
    /// A point has Z = 0, so its relative residual (and its admittance) is undefined.
    #[error("point {index}: Z = 0, the relative residual is undefined")]
    ZeroImpedance {
        /// Zero-based index of the point.
        index: usize,
    },
    /// An option is out of its range.
    #[error("invalid Lin-KK option: {name} = {value}")]
    InvalidOption {
        /// Which option.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// No linear fit could be solved (degenerate data).
    #[error("the Lin-KK least-squares problem could not be solved (degenerate data)")]
    Singular,
}
