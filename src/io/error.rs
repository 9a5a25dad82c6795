//! Errors of the file readers.

use super::Format;
use crate::SpectrumError;

/// Why a file could not be read. Every variant names the file; variants about a place in a text file carry its
/// 1-based line number and say what was expected there.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The operating system could not open or read the file.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// File name as given.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file has no bytes, or only blank lines.
    #[error("{file}: the file is empty; expected an impedance spectrum")]
    Empty {
        /// File name as given.
        file: String,
    },
    /// Binary content that no reader understands, or a binary format that is recognised but not parsed.
    #[error("{file}: {detail}")]
    Binary {
        /// File name as given.
        file: String,
        /// What the file looks like and, when known, how to export it as text.
        detail: String,
    },
    /// No reader recognised the content.
    #[error(
        "{file}: unknown format: no header with a frequency column and Z', Z'' (or |Z|, phase) columns; \
         line {line} reads `{header}`{}",
        unmapped_list(unmapped)
    )]
    UnknownFormat {
        /// File name as given.
        file: String,
        /// 1-based number of the line taken as the header.
        line: usize,
        /// That line (shortened).
        header: String,
        /// Column names on that line that could not be mapped.
        unmapped: Vec<String>,
    },
    /// The file is not of the format it was read as (explicit `--format`, or a broken instance of it).
    #[error("{file}: not a valid {format} file: {detail}")]
    FormatMismatch {
        /// File name as given.
        file: String,
        /// The format that was tried.
        format: Format,
        /// What was missing.
        detail: String,
    },
    /// A cell or line does not hold what the format requires (non-numeric cell, NaN, bad count...).
    #[error("{file}:{line}: expected {expected}, found `{found}`")]
    Syntax {
        /// File name as given.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What the reader expected.
        expected: String,
        /// What it found (shortened).
        found: String,
    },
    /// A data row has a different number of fields than the rows before it.
    #[error("{file}:{line}: ragged row: expected {expected} fields, found {found}")]
    Ragged {
        /// File name as given.
        file: String,
        /// 1-based line number.
        line: usize,
        /// Number of fields expected.
        expected: usize,
        /// Number of fields found.
        found: usize,
    },
    /// A header (or table start) was found but no data follows.
    #[error("{file}:{line}: {detail}")]
    NoData {
        /// File name as given.
        file: String,
        /// 1-based line number of the header or table start.
        line: usize,
        /// What is missing.
        detail: String,
    },
    /// The file ends before the data its header announces (binary formats, positional formats).
    #[error("{file}: truncated: {detail}")]
    Truncated {
        /// File name as given.
        file: String,
        /// What was expected at the end.
        detail: String,
    },
    /// The numbers were read but do not form a valid spectrum (fewer than 3 points, zero frequency, ...).
    #[error("{file}: sweep {sweep}: {source}")]
    Spectrum {
        /// File name as given.
        file: String,
        /// 0-based sweep index.
        sweep: usize,
        /// Why the spectrum was refused.
        source: SpectrumError,
    },
    /// A sweep index beyond the sweeps the file holds.
    #[error("{file}: sweep {requested} requested, but the file holds {available} sweep(s) (0-based)")]
    NoSuchSweep {
        /// File name as given.
        file: String,
        /// The index asked for.
        requested: usize,
        /// How many sweeps there are.
        available: usize,
    },
}

fn unmapped_list(unmapped: &[String]) -> String {
    if unmapped.is_empty() {
        String::new()
    } else {
        format!("; could not map column(s): {}", unmapped.join(", "))
    }
}

impl ReadError {
    /// The name of the file the error is about.
    #[must_use]
    pub fn file(&self) -> &str {
        match self {
            ReadError::Io { file, .. }
            | ReadError::Empty { file }
            | ReadError::Binary { file, .. }
            | ReadError::UnknownFormat { file, .. }
            | ReadError::FormatMismatch { file, .. }
            | ReadError::Syntax { file, .. }
            | ReadError::Ragged { file, .. }
            | ReadError::NoData { file, .. }
            | ReadError::Truncated { file, .. }
            | ReadError::Spectrum { file, .. }
            | ReadError::NoSuchSweep { file, .. } => file,
        }
    }

    /// The 1-based line number the error points at, where there is one.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            ReadError::UnknownFormat { line, .. }
            | ReadError::Syntax { line, .. }
            | ReadError::Ragged { line, .. }
            | ReadError::NoData { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// A name given for a [`Format`](super::Format) or a [`SweepSelection`](super::SweepSelection) that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{input}`; expected one of: {expected}")]
pub struct ParseNameError {
    pub(crate) what: &'static str,
    pub(crate) input: String,
    pub(crate) expected: String,
}
