//! The crate-wide error type, wrapping each module's own error enum.

use crate::arrhenius::ArrheniusError;
use crate::circuit::CircuitError;
use crate::energy::EnergyError;
use crate::io::ReadError;
use crate::spectrum::SpectrumError;

/// Any error eisfit's library can return. Each variant wraps the error enum of one module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Invalid spectrum data.
    #[error(transparent)]
    Spectrum(#[from] SpectrumError),
    /// Invalid circuit string or parameter name.
    #[error(transparent)]
    Circuit(#[from] CircuitError),
    /// Invalid simulation settings.
    #[error(transparent)]
    Simulate(#[from] crate::simulate::SimulateError),
    /// A fit could not be set up.
    #[error(transparent)]
    Fit(#[from] crate::fit::FitError),
    /// A global fit of a series could not be set up.
    #[error(transparent)]
    Global(#[from] crate::fit::global::GlobalError),
    /// Invalid input to the temperature-series analysis.
    #[error(transparent)]
    Analysis(#[from] crate::analysis::AnalysisError),
    /// Invalid input to an Arrhenius fit or prediction.
    #[error(transparent)]
    Arrhenius(#[from] ArrheniusError),
    /// Invalid cell-stack description for the energy-density calculation.
    #[error(transparent)]
    Energy(#[from] EnergyError),
    /// A Kramers–Kronig test could not be run.
    #[error(transparent)]
    Kk(#[from] crate::validation::KkError),
    /// A distribution of relaxation times could not be computed.
    #[error(transparent)]
    Drt(#[from] crate::drt::DrtError),
    /// Candidate circuits could not be ranked.
    #[error(transparent)]
    Identify(#[from] crate::identify::IdentifyError),
    /// A file could not be read.
    #[error(transparent)]
    Io(#[from] ReadError),
    /// A plot could not be drawn or written.
    #[cfg(feature = "plot")]
    #[error(transparent)]
    Plot(#[from] crate::plot::PlotError),
}

/// `Result` with [`Error`] as the error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
