//! # eisfit
//!
//! Equivalent-circuit fitting of electrochemical impedance spectra (EIS): circuit notation, element library with
//! analytic derivatives, Levenberg–Marquardt fitting with honest statistics, potentiostat file readers, and the
//! Arrhenius analysis of temperature series.
#![forbid(unsafe_code)]
#![deny(clippy::float_cmp)]

pub mod consts;
mod error;
pub mod io;
pub mod spectrum;

pub use error::{Error, Result};
pub use io::{read, DataFile, Format, ReadError, SweepSelection};
pub use spectrum::{Spectrum, SpectrumError};

pub use nalgebra;
pub use num_complex;
