//! Synthetic spectra: a circuit evaluated on a logarithmic frequency grid, with optional seeded noise.
//!
//! Noise is proportional and Gaussian, applied independently to the real and imaginary parts:
//! Z′ ← Z′·(1 + r·N(0,1)), Z″ ← Z″·(1 + r·N(0,1)). The generator is ChaCha8 seeded with the given seed, so the same
//! seed gives the same spectrum on every platform and release.
//!
//! # Examples
//! ```
//! use eisfit::{Circuit, simulate::{log_frequencies, simulate, Noise}};
//!
//! let circuit: Circuit = "R0-p(R1,CPE1)".parse()?;
//! let freq = log_frequencies(1e6, 1.0, 10)?; // 61 points, 1 MHz down to 1 Hz
//! let clean = simulate(&circuit, &[10.0, 100.0, 1e-6, 0.9], &freq, None)?;
//! let noisy = simulate(&circuit, &[10.0, 100.0, 1e-6, 0.9], &freq, Some(Noise::new(0.005, 42)?))?;
//! assert_eq!(clean.len(), 61);
//! assert!((noisy.z()[0].re / clean.z()[0].re - 1.0).abs() < 0.05);
//! # Ok::<(), eisfit::Error>(())
//! ```

use crate::circuit::Circuit;
use crate::spectrum::Spectrum;
use num_complex::Complex64;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

/// Errors from building a frequency grid or a noise model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SimulateError {
    /// Frequencies must be finite and positive, with `fmin < fmax`.
    #[error("invalid frequency range: fmax = {fmax} Hz, fmin = {fmin} Hz (need 0 < fmin < fmax)")]
    InvalidRange {
        /// Highest frequency asked for.
        fmax: f64,
        /// Lowest frequency asked for.
        fmin: f64,
    },
    /// At least one point per decade is needed.
    #[error("points per decade must be at least 1, got {0}")]
    InvalidDensity(usize),
    /// The grid would have more points than is sensible.
    #[error("the grid would have {0} points; at most 1,000,000 are allowed")]
    TooManyPoints(usize),
    /// The relative noise level must be finite and ≥ 0.
    #[error("relative noise must be finite and >= 0, got {0}")]
    InvalidNoise(f64),
    /// The circuit could not be evaluated with the parameters given (their number, or a value out of its domain).
    #[error(transparent)]
    Circuit(#[from] crate::circuit::CircuitError),
    /// The simulated impedances do not make a valid spectrum (a non-finite value).
    #[error(transparent)]
    Spectrum(#[from] crate::spectrum::SpectrumError),
}

/// Seeded, proportional Gaussian noise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    relative: f64,
    seed: u64,
}

impl Noise {
    /// Relative standard deviation `relative` (0.005 = 0.5 %) and the generator's seed.
    ///
    /// # Errors
    /// [`SimulateError::InvalidNoise`] for a negative or non-finite level.
    pub fn new(relative: f64, seed: u64) -> Result<Noise, SimulateError> {
        if !relative.is_finite() || relative < 0.0 {
            return Err(SimulateError::InvalidNoise(relative));
        }
        Ok(Noise { relative, seed })
    }

    /// The relative standard deviation.
    #[must_use]
    pub fn relative(&self) -> f64 {
        self.relative
    }

    /// The seed.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.seed
    }
}

/// A logarithmic grid from `fmax` down to `fmin` (Hz, both included), with `points_per_decade` points per decade.
///
/// The number of points is `round(decades · points_per_decade) + 1`, so 1 MHz to 1 Hz at 10 per decade gives 61.
///
/// # Errors
/// [`SimulateError::InvalidRange`], [`SimulateError::InvalidDensity`], [`SimulateError::TooManyPoints`].
pub fn log_frequencies(fmax: f64, fmin: f64, points_per_decade: usize) -> Result<Vec<f64>, SimulateError> {
    if !(fmin.is_finite() && fmax.is_finite() && fmin > 0.0 && fmin < fmax) {
        return Err(SimulateError::InvalidRange { fmax, fmin });
    }
    if points_per_decade == 0 {
        return Err(SimulateError::InvalidDensity(0));
    }
    let decades = (fmax / fmin).log10();
    let steps = (decades * points_per_decade as f64).round();
    if steps > 1e6 {
        return Err(SimulateError::TooManyPoints(steps as usize));
    }
    let n = (steps as usize).max(2);
    let (lmax, lmin) = (fmax.log10(), fmin.log10());
    Ok((0..=n)
        .map(|i| {
            if i == n {
                fmin // exact end points, free of rounding in the power
            } else {
                10f64.powf(lmax - (lmax - lmin) * i as f64 / n as f64)
            }
        })
        .collect())
}

/// Evaluates `circuit` with `params` at `freq_hz`, adding `noise` if given.
///
/// # Errors
/// A wrong number of parameters, or a spectrum that fails validation (for example non-finite impedances from
/// parameters outside an element's domain).
pub fn simulate(
    circuit: &Circuit,
    params: &[f64],
    freq_hz: &[f64],
    noise: Option<Noise>,
) -> Result<Spectrum, SimulateError> {
    let mut z = circuit.impedance(params, freq_hz)?;
    if let Some(noise) = noise {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(noise.seed);
        for zi in &mut z {
            let a: f64 = StandardNormal.sample(&mut rng);
            let b: f64 = StandardNormal.sample(&mut rng);
            *zi = Complex64::new(zi.re * (1.0 + noise.relative * a), zi.im * (1.0 + noise.relative * b));
        }
    }
    Ok(Spectrum::new(freq_hz.to_vec(), z)?)
}

/// The standard deviations of [`Noise`] at the noise-free impedances `z`: `relative·|Z′|` for the real part and
/// `relative·|Z″|` for the imaginary part, each at least `relative·10⁻⁶·|Z|` so that a part that vanishes (the
/// imaginary part of a resistor) keeps a finite weight. Attach them with [`Spectrum::with_sigma`] to fit with
/// [`Weighting::Sigma`](crate::Weighting::Sigma).
///
/// # Examples
/// ```
/// use eisfit::simulate::{log_frequencies, proportional_sigma, simulate, Noise};
/// use eisfit::Circuit;
///
/// let c: Circuit = "R0-p(R1,C1)".parse()?;
/// let (p, f) = ([10.0, 100.0, 1e-6], log_frequencies(1e5, 1.0, 10)?);
/// let noise = Noise::new(0.01, 1)?;
/// let sigma = proportional_sigma(&c.impedance(&p, &f)?, noise.relative());
/// let data = simulate(&c, &p, &f, Some(noise))?.with_sigma(sigma)?;
/// assert!(data.sigma().is_some());
/// # Ok::<(), eisfit::Error>(())
/// ```
#[must_use]
pub fn proportional_sigma(z: &[Complex64], relative: f64) -> Vec<Complex64> {
    z.iter()
        .map(|zi| {
            let floor = relative * 1e-6 * zi.norm();
            Complex64::new((relative * zi.re.abs()).max(floor), (relative * zi.im.abs()).max(floor))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn grid_has_the_documented_size_and_ends() {
        let f = log_frequencies(1e6, 1.0, 10).unwrap();
        assert_eq!(f.len(), 61);
        assert_relative_eq!(f[0], 1e6);
        assert_relative_eq!(f[60], 1.0);
        assert_relative_eq!(f[10], 1e5, max_relative = 1e-12);
        assert!(f.windows(2).all(|w| w[0] > w[1]));
        assert!(log_frequencies(1.0, 1e6, 10).is_err());
        assert!(log_frequencies(1e6, 0.0, 10).is_err());
        assert!(log_frequencies(1e6, 1.0, 0).is_err());
        assert!(log_frequencies(1e300, 1e-300, 10_000).is_err());
    }

    #[test]
    fn noise_is_seeded_and_proportional() {
        let c: Circuit = "R0-p(R1,C1)".parse().unwrap();
        let f = log_frequencies(1e5, 1e-1, 20).unwrap();
        let p = [10.0, 100.0, 1e-5];
        let clean = simulate(&c, &p, &f, None).unwrap();
        let a = simulate(&c, &p, &f, Some(Noise::new(0.01, 7).unwrap())).unwrap();
        let b = simulate(&c, &p, &f, Some(Noise::new(0.01, 7).unwrap())).unwrap();
        let d = simulate(&c, &p, &f, Some(Noise::new(0.01, 8).unwrap())).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, d);
        // The relative deviations have a standard deviation near 1 %.
        let dev: Vec<f64> = a.z().iter().zip(clean.z()).map(|(x, y)| x.re / y.re - 1.0).collect();
        let sd = (dev.iter().map(|d| d * d).sum::<f64>() / dev.len() as f64).sqrt();
        assert!(sd > 0.005 && sd < 0.015, "sd = {sd}");
        assert!(Noise::new(-1.0, 0).is_err());
    }
}
