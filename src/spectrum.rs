//! Validated impedance spectra: frequencies in Hz and complex impedance in Ω.
//!
//! A [`Spectrum`] is the common currency of eisfit: readers produce it, the simulator writes it and the fitter
//! consumes it. Construction validates every point, so code downstream never meets a NaN, a negative frequency
//! or two arrays of different lengths.

use num_complex::Complex64;
use serde::{Deserialize, Serialize};

/// Why a set of points could not become a [`Spectrum`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SpectrumError {
    /// The frequency and impedance arrays (or the σ array) have different lengths.
    #[error("length mismatch: {frequencies} frequencies but {impedances} impedance values")]
    LengthMismatch {
        /// Number of frequencies given.
        frequencies: usize,
        /// Number of impedance values (or σ values) given.
        impedances: usize,
    },
    /// A spectrum needs at least three points to be fitted or cropped meaningfully.
    #[error("a spectrum needs at least 3 points, got {n}")]
    TooFewPoints {
        /// Number of points that remained.
        n: usize,
    },
    /// A frequency, impedance or σ value is NaN or infinite.
    #[error("point {index}: {what} is not finite ({value})")]
    NonFinite {
        /// Zero-based index of the offending point.
        index: usize,
        /// Which quantity: `"frequency"`, `"Re(Z)"`, `"Im(Z)"`, `"sigma"`.
        what: &'static str,
        /// The value found.
        value: f64,
    },
    /// A frequency is zero or negative.
    #[error("point {index}: frequency must be > 0 Hz, got {value}")]
    NonPositiveFrequency {
        /// Zero-based index of the offending point.
        index: usize,
        /// The value found.
        value: f64,
    },
    /// A standard deviation is zero or negative.
    #[error("point {index}: sigma must be > 0, got {value}")]
    NonPositiveSigma {
        /// Zero-based index of the offending point.
        index: usize,
        /// The value found.
        value: f64,
    },
    /// A frequency window with `fmin > fmax` or a non-finite/non-positive bound.
    #[error("invalid frequency window [{fmin}, {fmax}] Hz")]
    InvalidRange {
        /// Lower bound in Hz.
        fmin: f64,
        /// Upper bound in Hz.
        fmax: f64,
    },
}

/// An impedance spectrum: frequencies (Hz), complex impedances (Ω) and optional per-point standard deviations.
///
/// The imaginary part is stored with its true sign (negative for capacitive behaviour), whatever the file it came
/// from wrote. Fields are private; every constructor validates.
///
/// # Examples
/// ```
/// use eisfit::Spectrum;
/// use eisfit::num_complex::Complex64;
///
/// let s = Spectrum::new(
///     vec![1000.0, 100.0, 10.0],
///     vec![Complex64::new(10.0, -1.0), Complex64::new(12.0, -3.0), Complex64::new(15.0, -2.0)],
/// )?;
/// assert_eq!(s.len(), 3);
/// assert_eq!(s.frequency_range(), (10.0, 1000.0));
/// // Cropping that leaves fewer than 3 points is an error, not an empty spectrum.
/// assert!(s.cropped(1.0, 200.0).is_err());
/// # Ok::<(), eisfit::SpectrumError>(())
/// ```
/// ```
/// use eisfit::{Spectrum, SpectrumError};
/// use eisfit::num_complex::Complex64;
///
/// let err = Spectrum::new(vec![1.0, -2.0, 3.0], vec![Complex64::new(1.0, 0.0); 3]).unwrap_err();
/// assert!(matches!(err, SpectrumError::NonPositiveFrequency { index: 1, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SpectrumRaw", into = "SpectrumRaw")]
pub struct Spectrum {
    freq_hz: Vec<f64>,
    z: Vec<Complex64>,
    sigma: Option<Vec<Complex64>>,
}

/// Serialised layout of a spectrum (validated on the way in).
#[derive(Serialize, Deserialize)]
struct SpectrumRaw {
    frequency_hz: Vec<f64>,
    z_real_ohm: Vec<f64>,
    z_imag_ohm: Vec<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sigma_real_ohm: Option<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sigma_imag_ohm: Option<Vec<f64>>,
}

impl TryFrom<SpectrumRaw> for Spectrum {
    type Error = SpectrumError;
    fn try_from(r: SpectrumRaw) -> Result<Self, Self::Error> {
        let s = Spectrum::from_parts(r.frequency_hz, &r.z_real_ohm, &r.z_imag_ohm)?;
        match (r.sigma_real_ohm, r.sigma_imag_ohm) {
            (Some(sr), Some(si)) => {
                if sr.len() != si.len() {
                    return Err(SpectrumError::LengthMismatch {
                        frequencies: sr.len(),
                        impedances: si.len(),
                    });
                }
                let sig = sr.iter().zip(&si).map(|(&a, &b)| Complex64::new(a, b)).collect();
                s.with_sigma(sig)
            }
            _ => Ok(s),
        }
    }
}

impl From<Spectrum> for SpectrumRaw {
    fn from(s: Spectrum) -> Self {
        SpectrumRaw {
            z_real_ohm: s.z.iter().map(|z| z.re).collect(),
            z_imag_ohm: s.z.iter().map(|z| z.im).collect(),
            sigma_real_ohm: s.sigma.as_ref().map(|v| v.iter().map(|z| z.re).collect()),
            sigma_imag_ohm: s.sigma.as_ref().map(|v| v.iter().map(|z| z.im).collect()),
            frequency_hz: s.freq_hz,
        }
    }
}

fn check_finite(index: usize, what: &'static str, value: f64) -> Result<(), SpectrumError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(SpectrumError::NonFinite { index, what, value })
    }
}

impl Spectrum {
    /// Builds a spectrum from frequencies in Hz and complex impedances in Ω (true sign of the imaginary part).
    ///
    /// # Errors
    /// [`SpectrumError::LengthMismatch`], [`SpectrumError::TooFewPoints`] (fewer than 3),
    /// [`SpectrumError::NonFinite`] or [`SpectrumError::NonPositiveFrequency`], naming the first offending index.
    pub fn new(freq_hz: Vec<f64>, z: Vec<Complex64>) -> Result<Self, SpectrumError> {
        if freq_hz.len() != z.len() {
            return Err(SpectrumError::LengthMismatch {
                frequencies: freq_hz.len(),
                impedances: z.len(),
            });
        }
        if freq_hz.len() < 3 {
            return Err(SpectrumError::TooFewPoints { n: freq_hz.len() });
        }
        for (i, (&f, zi)) in freq_hz.iter().zip(&z).enumerate() {
            check_finite(i, "frequency", f)?;
            if f <= 0.0 {
                return Err(SpectrumError::NonPositiveFrequency { index: i, value: f });
            }
            check_finite(i, "Re(Z)", zi.re)?;
            check_finite(i, "Im(Z)", zi.im)?;
        }
        Ok(Spectrum {
            freq_hz,
            z,
            sigma: None,
        })
    }

    /// Builds a spectrum from separate real and imaginary parts (Ω, true sign).
    ///
    /// # Errors
    /// As [`Spectrum::new`]; also a length mismatch between `z_real` and `z_imag`.
    pub fn from_parts(freq_hz: Vec<f64>, z_real: &[f64], z_imag: &[f64]) -> Result<Self, SpectrumError> {
        if z_real.len() != z_imag.len() {
            return Err(SpectrumError::LengthMismatch {
                frequencies: z_real.len(),
                impedances: z_imag.len(),
            });
        }
        let z = z_real.iter().zip(z_imag).map(|(&a, &b)| Complex64::new(a, b)).collect();
        Spectrum::new(freq_hz, z)
    }

    /// Attaches per-point standard deviations: the real part of each entry is σ of Z′, the imaginary part σ of
    /// Z″ (both in Ω, both positive). They are used by sigma weighting in the fitter.
    ///
    /// # Errors
    /// A length mismatch, or a σ that is not finite and positive.
    pub fn with_sigma(mut self, sigma: Vec<Complex64>) -> Result<Self, SpectrumError> {
        if sigma.len() != self.len() {
            return Err(SpectrumError::LengthMismatch {
                frequencies: self.len(),
                impedances: sigma.len(),
            });
        }
        for (i, s) in sigma.iter().enumerate() {
            for v in [s.re, s.im] {
                check_finite(i, "sigma", v)?;
                if v <= 0.0 {
                    return Err(SpectrumError::NonPositiveSigma { index: i, value: v });
                }
            }
        }
        self.sigma = Some(sigma);
        Ok(self)
    }

    /// Number of points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.freq_hz.len()
    }

    /// Always `false`: a valid spectrum has at least three points. Provided for API symmetry with `len`.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.freq_hz.is_empty()
    }

    /// Frequencies in Hz, in stored order.
    #[must_use]
    pub fn freq_hz(&self) -> &[f64] {
        &self.freq_hz
    }

    /// Complex impedances in Ω (true sign of the imaginary part), in stored order.
    #[must_use]
    pub fn z(&self) -> &[Complex64] {
        &self.z
    }

    /// Per-point standard deviations (re = σ of Z′, im = σ of Z″), if any were attached.
    #[must_use]
    pub fn sigma(&self) -> Option<&[Complex64]> {
        self.sigma.as_deref()
    }

    /// Angular frequencies ω = 2πf in rad/s.
    #[must_use]
    pub fn omega(&self) -> Vec<f64> {
        self.freq_hz.iter().map(|f| std::f64::consts::TAU * f).collect()
    }

    /// Lowest and highest frequency in Hz.
    #[must_use]
    pub fn frequency_range(&self) -> (f64, f64) {
        self.freq_hz
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &f| {
                (lo.min(f), hi.max(f))
            })
    }

    /// The points where `keep` is true (positions past its end are dropped).
    ///
    /// # Errors
    /// [`SpectrumError::TooFewPoints`] when fewer than three points remain.
    ///
    /// # Examples
    /// ```
    /// # use eisfit::Spectrum;
    /// let s = Spectrum::from_parts(vec![1e3, 1e2, 1e1, 1.0], &[1.0; 4], &[-1.0; 4])?;
    /// assert_eq!(s.masked(&[true, false, true, true])?.freq_hz(), &[1e3, 1e1, 1.0]);
    /// # Ok::<(), eisfit::SpectrumError>(())
    /// ```
    pub fn masked(&self, keep: &[bool]) -> Result<Spectrum, SpectrumError> {
        self.select(|i| keep.get(i).copied().unwrap_or(false))
    }

    fn select(&self, keep: impl Fn(usize) -> bool) -> Result<Spectrum, SpectrumError> {
        let idx: Vec<usize> = (0..self.len()).filter(|&i| keep(i)).collect();
        self.pick(&idx)
    }

    fn pick(&self, idx: &[usize]) -> Result<Spectrum, SpectrumError> {
        if idx.len() < 3 {
            return Err(SpectrumError::TooFewPoints { n: idx.len() });
        }
        Ok(Spectrum {
            freq_hz: idx.iter().map(|&i| self.freq_hz[i]).collect(),
            z: idx.iter().map(|&i| self.z[i]).collect(),
            sigma: self.sigma.as_ref().map(|s| idx.iter().map(|&i| s[i]).collect()),
        })
    }

    /// A copy sorted by decreasing frequency (the usual measurement order). Equal frequencies keep their order.
    #[must_use]
    pub fn sorted_by_frequency(&self) -> Spectrum {
        let mut idx: Vec<usize> = (0..self.len()).collect();
        idx.sort_by(|&a, &b| self.freq_hz[b].total_cmp(&self.freq_hz[a]));
        // `pick` cannot fail here: the index set is the whole (valid) spectrum.
        self.pick(&idx).unwrap_or_else(|_| self.clone())
    }

    /// The points with `fmin <= f <= fmax` (Hz). Pass `0.0` or `f64::INFINITY` for an open side.
    ///
    /// # Errors
    /// [`SpectrumError::InvalidRange`] for `fmin > fmax` or NaN bounds, [`SpectrumError::TooFewPoints`] when fewer
    /// than three points remain.
    pub fn cropped(&self, fmin: f64, fmax: f64) -> Result<Spectrum, SpectrumError> {
        if fmin.is_nan() || fmax.is_nan() || fmin > fmax || fmin < 0.0 {
            return Err(SpectrumError::InvalidRange { fmin, fmax });
        }
        self.select(|i| self.freq_hz[i] >= fmin && self.freq_hz[i] <= fmax)
    }

    /// The points whose imaginary part is ≤ 0, dropping inductive points (Im Z > 0).
    ///
    /// # Errors
    /// [`SpectrumError::TooFewPoints`] when fewer than three points remain.
    pub fn without_inductive(&self) -> Result<Spectrum, SpectrumError> {
        self.select(|i| self.z[i].im <= 0.0)
    }

    /// Splits a concatenation of frequency sweeps into the individual sweeps.
    ///
    /// A new sweep starts where the sweep direction, established by the first two points of the current sweep,
    /// reverses (1 MHz → 1 Hz followed by 1 MHz → 1 Hz again, or an up sweep followed by a down sweep), unless
    /// only one point is out of order: when the point after it carries on from the point before it, the sweep
    /// goes on and the stray point stays where it is. Pieces with fewer than three points are merged into the
    /// sweep before them, so every returned spectrum is valid. A single sweep comes back as a one-element vector.
    #[must_use]
    pub fn split_sweeps(&self) -> Vec<Spectrum> {
        let f = &self.freq_hz;
        let step = |a: f64, b: f64| match b.partial_cmp(&a) {
            Some(std::cmp::Ordering::Greater) => 1i8,
            Some(std::cmp::Ordering::Less) => -1,
            _ => 0,
        };
        let mut starts = vec![0usize];
        let mut dir = 0i8; // +1 ascending, -1 descending, 0 not yet known
        for i in 1..f.len() {
            let s = step(f[i - 1], f[i]);
            if dir == 0 {
                dir = s;
                continue;
            }
            if s == 0 || s == dir {
                continue;
            }
            // One stray point: the next one continues the sweep from the point before the stray one.
            let stray = f.get(i + 1).is_some_and(|&next| step(f[i - 1], next) == dir);
            if !stray {
                starts.push(i);
                dir = 0;
            }
        }
        starts.push(f.len());
        let mut out: Vec<Spectrum> = Vec::new();
        for w in starts.windows(2) {
            let idx: Vec<usize> = (w[0]..w[1]).collect();
            match self.pick(&idx) {
                Ok(s) => out.push(s),
                Err(_) => {
                    // Too short to stand alone: append to the previous sweep, or start the first one with it.
                    if let Some(last) = out.pop() {
                        let mut merged = last;
                        merged.freq_hz.extend(idx.iter().map(|&i| self.freq_hz[i]));
                        merged.z.extend(idx.iter().map(|&i| self.z[i]));
                        if let (Some(ms), Some(s)) = (merged.sigma.as_mut(), self.sigma.as_ref()) {
                            ms.extend(idx.iter().map(|&i| s[i]));
                        }
                        out.push(merged);
                    } else {
                        return vec![self.clone()];
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(re: f64, im: f64) -> Complex64 {
        Complex64::new(re, im)
    }

    fn sample() -> Spectrum {
        Spectrum::new(
            vec![1e4, 1e3, 1e2, 1e1, 1.0],
            vec![c(1.0, -0.1), c(2.0, 0.5), c(3.0, -1.0), c(4.0, -2.0), c(5.0, -3.0)],
        )
        .unwrap()
    }

    #[test]
    fn rejects_bad_points_with_index() {
        let z = vec![c(1.0, 0.0); 3];
        assert!(matches!(
            Spectrum::new(vec![1.0, 2.0], z.clone()),
            Err(SpectrumError::LengthMismatch { .. })
        ));
        assert!(matches!(
            Spectrum::new(vec![1.0, 2.0], vec![c(1.0, 0.0); 2]),
            Err(SpectrumError::TooFewPoints { n: 2 })
        ));
        assert!(matches!(
            Spectrum::new(vec![1.0, f64::NAN, 3.0], z.clone()),
            Err(SpectrumError::NonFinite { index: 1, .. })
        ));
        assert!(matches!(
            Spectrum::new(vec![1.0, 2.0, 0.0], z.clone()),
            Err(SpectrumError::NonPositiveFrequency { index: 2, .. })
        ));
        let mut bad = z;
        bad[0] = c(1.0, f64::INFINITY);
        assert!(matches!(
            Spectrum::new(vec![1.0, 2.0, 3.0], bad),
            Err(SpectrumError::NonFinite {
                index: 0,
                what: "Im(Z)",
                ..
            })
        ));
    }

    #[test]
    fn crop_sort_and_inductive() {
        let s = sample();
        let cr = s.cropped(5.0, 2e3).unwrap();
        assert_eq!(cr.freq_hz(), &[1e3, 1e2, 1e1]);
        assert!(s.cropped(5.0, 50.0).is_err());
        assert!(matches!(s.cropped(10.0, 1.0), Err(SpectrumError::InvalidRange { .. })));
        let ni = s.without_inductive().unwrap();
        assert_eq!(ni.len(), 4);
        assert!(ni.z().iter().all(|z| z.im <= 0.0));
        let asc = Spectrum::new(vec![1.0, 10.0, 100.0], vec![c(1.0, 0.0), c(2.0, 0.0), c(3.0, 0.0)]).unwrap();
        let sorted = asc.sorted_by_frequency();
        assert_eq!(sorted.freq_hz(), &[100.0, 10.0, 1.0]);
        approx::assert_relative_eq!(sorted.z()[0].re, 3.0);
    }

    #[test]
    fn splits_repeated_sweeps() {
        let f = vec![100.0, 10.0, 1.0, 100.0, 10.0, 1.0, 0.1];
        let s = Spectrum::new(f, vec![c(1.0, -1.0); 7]).unwrap();
        let parts = s.split_sweeps();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].len(), 3);
        assert_eq!(parts[1].len(), 4);
        assert_eq!(sample().split_sweeps().len(), 1);
    }

    #[test]
    fn one_point_out_of_order_does_not_cut_a_sweep() {
        // 1 MHz → 1 Hz, 10 per decade, with one point measured out of order in the middle.
        let mut f: Vec<f64> = (0..61).map(|k| 1e6 * 10f64.powf(-f64::from(k) / 10.0)).collect();
        f.swap(30, 31);
        let s = Spectrum::new(f, vec![c(1.0, -1.0); 61]).unwrap();
        let parts = s.split_sweeps();
        assert_eq!(
            parts.len(),
            1,
            "{:?}",
            parts.iter().map(Spectrum::len).collect::<Vec<_>>()
        );
        assert_eq!(parts[0].len(), 61);
    }

    #[test]
    fn an_up_sweep_then_a_down_sweep_are_two_sweeps() {
        let f = vec![1.0, 10.0, 100.0, 1000.0, 300.0, 30.0, 3.0];
        let s = Spectrum::new(f, vec![c(1.0, -1.0); 7]).unwrap();
        let parts = s.split_sweeps();
        assert_eq!(parts.iter().map(Spectrum::len).collect::<Vec<_>>(), vec![4, 3]);
        // A repeat that starts lower than the first sweep did is still a new sweep.
        let f = vec![1e5, 1e4, 1e3, 1e2, 5e4, 1e4, 1e3];
        let s = Spectrum::new(f, vec![c(1.0, -1.0); 7]).unwrap();
        assert_eq!(
            s.split_sweeps().iter().map(Spectrum::len).collect::<Vec<_>>(),
            vec![4, 3]
        );
    }

    #[test]
    fn serde_round_trip_validates() {
        let s = sample().with_sigma(vec![c(0.1, 0.1); 5]).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        let back: Spectrum = serde_json::from_str(&json).unwrap();
        assert_eq!(back.len(), 5);
        assert!(back.sigma().is_some());
        let bad = r#"{"frequency_hz":[1,2,-3],"z_real_ohm":[1,1,1],"z_imag_ohm":[0,0,0]}"#;
        assert!(serde_json::from_str::<Spectrum>(bad).is_err());
    }
}
