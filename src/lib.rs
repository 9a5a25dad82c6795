//! # eisfit
//!
//! Equivalent-circuit fitting of electrochemical impedance spectra (EIS): circuit notation, an element library
//! with analytic derivatives, Levenberg–Marquardt fitting with automatic start values and honest statistics,
//! readers for the files potentiostats write, and the Arrhenius analysis of temperature series.
//!
//! # The workflow
//! 1. **Read** a spectrum with [`io::read`] (BioLogic, Gamry, ZPlot, Autolab, ... detected by content), or build
//!    a [`Spectrum`] from arrays, or simulate one with [`simulate`].
//! 2. **Describe** the model as a [`Circuit`], in impedance.py notation (`R0-p(R1,CPE1)`) or Boukamp's CDC
//!    (`R(RQ)`). Each element's formula is in [`elements`].
//! 3. **Fit** it with [`fit()`] and [`FitOptions`]; no start values are needed. The [`FitReport`] holds the values,
//!    standard errors, 95 % intervals, correlations, χ², pseudo-χ², AIC/BIC, residuals and warnings, and says
//!    whether the fit converged.
//! 4. **Analyse**: derive quantities across a temperature series with [`analysis`], fit the Arrhenius law with
//!    [`arrhenius`], compute a stack's energy density with [`energy`], and plot with `plot` (feature `plot`).
//!
//! # Formula
//! The fit minimises χ² = Σᵢ [w′ᵢ²(Z′ᵢ − Ẑ′ᵢ(p))² + w″ᵢ²(Z″ᵢ − Ẑ″ᵢ(p))²] over the parameters p, with the weights of
//! [`Weighting`] (1/|Zᵢ| by default), and reports Cov(p) = s²·(JᵀWJ)⁻¹ with s² = χ²/(2N − k).
//!
//! # Example: parse, synthesise, fit and check
//! ```
//! use eisfit::simulate::{log_frequencies, simulate, Noise};
//! use eisfit::{fit, Circuit, FitOptions};
//!
//! // A symmetric cell: bulk resistance, grain-boundary arc and interface arc.
//! let circuit: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)".parse()?;
//! let truth = [5.47, 8.21, 1.44e-6, 0.85, 5.97, 1.50e-5, 0.90];
//!
//! // Synthesise a measurement: 1 MHz to 1 Hz, 10 points per decade, 0.5 % noise.
//! let freq = log_frequencies(1e6, 1.0, 10)?;
//! let measured = simulate(&circuit, &truth, &freq, Some(Noise::new(0.005, 7)?))?;
//!
//! // Fit without start values.
//! let report = fit(&circuit, &measured, &FitOptions::default())?;
//! assert!(report.converged);
//!
//! // Check: every true value lies within four standard errors of its estimate.
//! for (p, t) in report.parameters.iter().zip(truth) {
//!     let err = p.stderr.expect("a well-determined fit has errors");
//!     assert!((p.value - t).abs() < 4.0 * err, "{}: {} ± {err} vs {t}", p.name, p.value);
//! }
//! println!("{report}");
//! # Ok::<(), eisfit::Error>(())
//! ```
//!
//! # Example: read a potentiostat export, fit, report
//! [`io::read`] takes a path; [`io::read_from`] takes any reader and a name, here an export held in memory. The
//! format is detected from the content.
//! ```
//! use eisfit::{fit, io, Circuit, FitOptions};
//!
//! // A tab-separated export with a units row, Z″ stored as −Z″, and a decimal comma (any layout of the formats
//! // table reads the same way: `io::read("cell.mpt")?`).
//! let mut text = String::from("Freq\tZ'\t-Z''\nHz\tOhm\tOhm\n");
//! let circuit: Circuit = "R0-p(R1,C1)".parse()?;
//! let freq = eisfit::simulate::log_frequencies(1e5, 1.0, 8)?;
//! for (f, z) in freq.iter().zip(circuit.impedance(&[10.0, 100.0, 1e-6], &freq)?) {
//!     text += &format!("{f}\t{}\t{}\n", z.re, -z.im).replace('.', ",");
//! }
//! let file = io::read_from(text.as_bytes(), "cell.txt", None)?;
//! let spectrum = file.sweeps()[0].spectrum();
//! assert_eq!(spectrum.len(), freq.len());
//!
//! let report = fit(&circuit, spectrum, &FitOptions::default())?;
//! assert!(report.converged);
//! let r1 = report.parameter("R1").expect("R1 is in the circuit");
//! assert!((r1.value - 100.0).abs() < 1e-6 * 100.0);
//! println!("{report}"); // values ± errors with units, χ², AIC/BIC, warnings
//! # Ok::<(), eisfit::Error>(())
//! ```
//!
//! # Features
//! - `cli` (default): the `eisfit` binary and its dependencies (clap, anyhow, indicatif).
//! - `plot` (default): SVG plots with plotters, in the `plot` module.
#![forbid(unsafe_code)]
#![deny(clippy::float_cmp)]

pub mod analysis;
pub mod arrhenius;
pub mod circuit;
pub mod consts;
pub mod drt;
pub mod elements;
pub mod energy;
mod error;
pub mod fit;
pub mod identify;
pub mod io;
#[cfg(feature = "plot")]
pub mod plot;
pub mod record;
pub mod simulate;
pub mod spectrum;
pub mod validation;

pub use arrhenius::{fit_arrhenius, ArrheniusError, ArrheniusFit, ArrheniusLaw, ArrheniusOptions};
pub use circuit::{Circuit, CircuitError, Evaluator};
pub use drt::{drt, Drt, DrtError, DrtOptions, DrtPeak};
pub use elements::ElementKind;
pub use energy::{CellStack, EnergyDensity, EnergyError, Measured};
pub use error::{Error, Result};
pub use fit::{fit, fit_series, FitError, FitOptions, FitReport, ParameterEstimate, SeriesFit, Weighting};
pub use identify::{identify, IdentifyError, IdentifyOptions, Ranking};
pub use io::{read, DataFile, Format, ReadError, SweepSelection};
pub use spectrum::{Spectrum, SpectrumError};
pub use validation::{lin_kk, KkError, LinKk, LinKkOptions};

pub use nalgebra;
pub use num_complex;
