//! The crate-wide error type, wrapping each module's own error enum.

use crate::io::ReadError;
use crate::spectrum::SpectrumError;

/// Any error eisfit's library can return. Each variant wraps the error enum of one module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Invalid spectrum data.
    #[error(transparent)]
    Spectrum(#[from] SpectrumError),
    /// A file could not be read.
    #[error(transparent)]
    Io(#[from] ReadError),
}

/// `Result` with [`Error`] as the error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
