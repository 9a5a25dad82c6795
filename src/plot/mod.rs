//! Publication-grade SVG plots: Nyquist, Bode, residuals, a combined fit report, and Arrhenius plots.
//!
//! Measured data are drawn as markers, models and fitted lines as lines, with colours from the colour-blind-safe
//! Okabe–Ito palette and a different marker shape per series, so that overlays stay readable in greyscale. Every
//! panel has a closed frame with inward ticks, axis titles with units and a legend placed in the corner that hides
//! the fewest data points.
//!
//! * [`SpectrumPlot`] plots one or more [`Spectrum`]s, each optionally with a model curve (the
//!   caller evaluates a fitted circuit on a dense grid) and relative residuals.
//!   - [`SpectrumPlot::write_nyquist`]: Z′ against −Z″ with **equal scales** (the same Ω per unit length on both
//!     axes), so that a semicircle looks like one; values are scaled to mΩ, kΩ, MΩ, … as needed.
//!   - [`SpectrumPlot::write_bode`]: |Z| (log–log) and −φ (degrees) against frequency, in two stacked panels.
//!   - [`SpectrumPlot::write_residuals`]: relative residuals in % against frequency, with a zero line.
//!   - [`SpectrumPlot::write_report`]: all of these in one grid.
//! * [`ArrheniusPlot`] plots ln(R/T), ln(σT), ln R or ln σ against 1000/T with error bars, the fitted lines and
//!   their activation energies, with a °C scale on the top axis.
//!
//! * [`DrtPlot`] plots a distribution of relaxation times with its band and peaks.
//!
//! Each `write_*` method has a `render_*` twin that returns the SVG document as a `String`.
//!
//! # Fonts
//! The SVG contains plain `<text>` elements with the font stack Helvetica, Arial, sans-serif, resolved by the
//! program that shows or converts the file; no font files or system font libraries are needed to draw. Tick labels
//! use Unicode superscripts (10⁻³) and the typographic minus sign.
//!
//! # Examples
//! ```
//! use eisfit::plot::SpectrumPlot;
//! use eisfit::simulate::{log_frequencies, simulate, Noise};
//! use eisfit::Circuit;
//!
//! let circuit: Circuit = "R0-p(R1,CPE1)".parse()?;
//! let params = [10.0, 100.0, 1e-6, 0.9];
//! let measured = simulate(&circuit, &params, &log_frequencies(1e6, 1.0, 10)?, Some(Noise::new(0.005, 1)?))?;
//! // The model curve: the circuit evaluated on a dense grid.
//! let dense = log_frequencies(1e6, 1.0, 50)?;
//! let model = circuit.impedance(&params, &dense)?;
//!
//! let plot = SpectrumPlot::new(&measured)
//!     .with_title("R0-p(R1,CPE1)")
//!     .with_model(&dense, &model, "fit")?;
//! let path = std::env::temp_dir().join("eisfit_doc_nyquist.svg");
//! plot.write_nyquist(&path)?;
//! assert!(plot.render_bode()?.contains("|Z| / Ω"));
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), eisfit::Error>(())
//! ```

mod arrhenius;
mod axis;
mod draw;
mod drt;
mod spectrum;

use std::path::{Path, PathBuf};

pub use arrhenius::ArrheniusPlot;
pub use drt::DrtPlot;
pub use spectrum::SpectrumPlot;

use crate::circuit::Circuit;
use crate::fit::FitReport;
use crate::spectrum::Spectrum;

/// A plot of a fit: the measured spectrum as markers, the fitted circuit as a line on a dense grid (20 points per
/// decade over the range of the fitted points), and the fit's relative residuals. Points the fit left out
/// (outside the frequency window, excluded, inductive) are drawn grey and hollow, and the model is not drawn
/// beyond the fitted frequencies.
///
/// # Errors
/// [`PlotError`] when the fitted parameters do not fit `circuit` or give a non-finite model.
///
/// # Examples
/// ```
/// use eisfit::{fit, Circuit, FitOptions};
/// use eisfit::simulate::{log_frequencies, simulate};
///
/// let c: Circuit = "R0-p(R1,C1)".parse()?;
/// let s = simulate(&c, &[10.0, 100.0, 1e-6], &log_frequencies(1e5, 1.0, 10)?, None)?;
/// let report = fit(&c, &s, &FitOptions::default())?;
/// let svg = eisfit::plot::fit_plot(&s, &c, &report)?.render_report()?;
/// assert!(svg.starts_with("<svg"));
/// # Ok::<(), eisfit::Error>(())
/// ```
pub fn fit_plot<'a>(
    spectrum: &'a Spectrum,
    circuit: &Circuit,
    report: &FitReport,
) -> Result<SpectrumPlot<'a>, PlotError> {
    let rf: Vec<f64> = report.residuals.iter().map(|r| r.frequency_hz).collect();
    // The fitted points are a subsequence of the spectrum, in its order: match their frequencies in turn.
    let mut next = 0;
    let fitted: Vec<bool> = spectrum
        .freq_hz()
        .iter()
        .map(|f| {
            let hit = rf.get(next).is_some_and(|r| r.to_bits() == f.to_bits());
            next += usize::from(hit);
            hit
        })
        .collect();
    let (lo, hi) = if rf.is_empty() {
        spectrum.frequency_range()
    } else {
        rf.iter()
            .fold((f64::INFINITY, 0.0f64), |(lo, hi), &f| (lo.min(f), hi.max(f)))
    };
    let freq = dense_grid(lo, hi);
    let z = circuit
        .impedance(&report.values(), &freq)
        .map_err(|e| PlotError::InvalidModel(e.to_string()))?;
    let re: Vec<f64> = report.residuals.iter().map(|r| r.real).collect();
    let im: Vec<f64> = report.residuals.iter().map(|r| r.imag).collect();
    let plot = SpectrumPlot::new(spectrum)
        .with_model(&freq, &z, format!("fit: {}", report.circuit))?
        .with_residuals(&rf, &re, &im)?;
    // Only when every fitted point was found: otherwise (a report of another spectrum) no point is marked.
    if next == rf.len() {
        plot.with_fitted_points(&fitted)
    } else {
        Ok(plot)
    }
}

/// A grid of 20 frequencies per decade (20 to 2000 in all) from `hi` down to `lo` (Hz), for smooth model curves.
///
/// # Examples
/// ```
/// let f = eisfit::plot::dense_grid(1.0, 1e4);
/// assert_eq!(f.len(), 81);
/// assert!((f[0] - 1e4).abs() < 1e-9 && (f[80] - 1.0).abs() < 1e-12);
/// ```
#[must_use]
pub fn dense_grid(lo: f64, hi: f64) -> Vec<f64> {
    let decades = (hi / lo).log10().max(0.1);
    let n = ((decades * 20.0).ceil() as usize).clamp(20, 2000);
    (0..=n).map(|i| hi * (lo / hi).powf(i as f64 / n as f64)).collect()
}

/// Why a plot could not be made or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// Two arrays that belong together have different lengths.
    #[error("{what}: {found} values for {expected} frequencies or temperatures")]
    LengthMismatch {
        /// Which input: `"model"`, `"real residuals"`, `"imaginary residuals"`, `"values"`, `"standard errors"`.
        what: &'static str,
        /// Number of frequencies (or temperatures).
        expected: usize,
        /// Number of values found.
        found: usize,
    },
    /// An input array is empty.
    #[error("{what}: no points")]
    Empty {
        /// Which input.
        what: &'static str,
    },
    /// A value is NaN or infinite.
    #[error("{what}: point {index} is not finite ({value})")]
    NonFinite {
        /// Which input.
        what: &'static str,
        /// Zero-based index of the offending point.
        index: usize,
        /// The value found.
        value: f64,
    },
    /// A frequency or temperature is zero or negative, or a value that must be positive is not.
    #[error("{what}: point {index} must be > 0, got {value}")]
    NonPositive {
        /// Which input.
        what: &'static str,
        /// Zero-based index of the offending point.
        index: usize,
        /// The value found.
        value: f64,
    },
    /// The fitted parameters could not be evaluated on the circuit.
    #[error("cannot evaluate the fitted model: {0}")]
    InvalidModel(String),
    /// A residual plot was asked for, but no series has residuals.
    #[error("no residuals to plot: add them with SpectrumPlot::with_residuals")]
    NoResiduals,
    /// An Arrhenius plot without any series.
    #[error("nothing to plot: add a series with ArrheniusPlot::with_series")]
    NoSeries,
    /// An Arrhenius series was fitted with a different law or quantity than the first, so the y axes differ.
    #[error("series {label:?} was fitted with a different law or quantity than the first series")]
    MixedLaws {
        /// The label of the offending series.
        label: String,
    },
    /// The data span a range too wide to compute with (a difference of values overflows).
    #[error("the {what} values span too wide a range to plot")]
    RangeOverflow {
        /// Which axis.
        what: &'static str,
    },
    /// The drawing backend failed.
    #[error("rendering failed: {0}")]
    Render(String),
    /// The SVG file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file that could not be written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Checks that `values` are all finite and, with `positive`, greater than zero.
fn check_values(what: &'static str, values: impl IntoIterator<Item = f64>, positive: bool) -> Result<(), PlotError> {
    for (index, value) in values.into_iter().enumerate() {
        if !value.is_finite() {
            return Err(PlotError::NonFinite { what, index, value });
        }
        if positive && value <= 0.0 {
            return Err(PlotError::NonPositive { what, index, value });
        }
    }
    Ok(())
}

/// Checks that an array has `expected` entries.
fn check_len(what: &'static str, expected: usize, found: usize) -> Result<(), PlotError> {
    if found == expected {
        Ok(())
    } else {
        Err(PlotError::LengthMismatch { what, expected, found })
    }
}

/// Writes an SVG document to `path`.
fn write_svg(path: &Path, svg: &str) -> Result<(), PlotError> {
    std::fs::write(path, svg).map_err(|source| PlotError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Clamps a requested image size to 200…8000 px a side.
fn clamp_size(width: u32, height: u32) -> (u32, u32) {
    (width.clamp(200, 8000), height.clamp(200, 8000))
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_layout;
