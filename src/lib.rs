//! # eisfit
//!
//! Equivalent-circuit fitting of electrochemical impedance spectra (EIS): circuit notation, element library with
//! analytic derivatives, Levenberg–Marquardt fitting with honest statistics, potentiostat file readers, and the
//! Arrhenius analysis of temperature series.
#![forbid(unsafe_code)]
#![deny(clippy::float_cmp)]

pub mod analysis;
pub mod arrhenius;
pub mod circuit;
pub mod consts;
pub mod elements;
pub mod energy;
mod error;
pub mod fit;
pub mod io;
#[cfg(feature = "plot")]
pub mod plot;
pub mod simulate;
pub mod spectrum;

pub use arrhenius::{fit_arrhenius, ArrheniusError, ArrheniusFit, ArrheniusLaw, ArrheniusOptions};
pub use circuit::{Circuit, CircuitError, Evaluator};
pub use elements::ElementKind;
pub use energy::{CellStack, EnergyDensity, EnergyError, Measured};
pub use error::{Error, Result};
pub use fit::{fit, fit_series, FitError, FitOptions, FitReport, ParameterEstimate, SeriesFit, Weighting};
pub use io::{read, DataFile, Format, ReadError, SweepSelection};
pub use spectrum::{Spectrum, SpectrumError};

pub use nalgebra;
pub use num_complex;
