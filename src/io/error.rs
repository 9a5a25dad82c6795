//! Errors of the file readers.

use super::grouping::NumberProblem;
use super::units::UnitProblem;
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
    /// A text file without a single line of numbers: not a table of a spectrum at all.
    #[error(
        "{file}: not a spectrum: none of its {lines} line(s) holds numbers (line {line} reads `{first}`); expected a \
         table with a frequency column and Z', Z'' (or |Z|, phase) columns"
    )]
    NoTable {
        /// File name as given.
        file: String,
        /// Lines in the file.
        lines: usize,
        /// 1-based number of the first line with text.
        line: usize,
        /// That line (shortened).
        first: String,
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
    /// A recognised column (frequency, impedance, phase) has a unit that cannot be converted to Hz, Ω or rad.
    #[error("{file}:{line}: column `{column}`: unit `{unit}`: {problem}")]
    Unit {
        /// File name as given.
        file: String,
        /// 1-based line number of the header.
        line: usize,
        /// The column name as written.
        column: String,
        /// The unit as written.
        unit: String,
        /// Why it was refused.
        problem: UnitProblem,
    },
    /// The numbers of a column cannot be read unambiguously (digit grouping against decimal commas).
    #[error("{file}:{line}: column {column}: `{found}`: {problem}")]
    NumberFormat {
        /// File name as given.
        file: String,
        /// 1-based line number of the first cell concerned.
        line: usize,
        /// 1-based column number.
        column: usize,
        /// The cell.
        found: String,
        /// What is wrong.
        problem: NumberProblem,
    },
    /// The file is larger than the size limit.
    #[error(
        "{file}: {size} bytes is more than the limit of {limit} bytes; raise it with --max-file-mb \
             (ReadOptions::with_max_bytes) if this really is one spectrum file"
    )]
    TooLarge {
        /// File name as given.
        file: String,
        /// Size of the file in bytes (or the bytes read before giving up, for a stream).
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The path is not a regular file (a directory, a device such as /dev/zero, a FIFO).
    #[error("{file}: not a regular file: {kind}")]
    NotAFile {
        /// File name as given.
        file: String,
        /// What it is.
        kind: FileKind,
    },
    /// Headerless columns that cannot be told apart by their values.
    #[error(
        "{file}: no header, and the columns cannot be recognised from their values: {detail}; give them with \
             --columns (for example --columns freq,re,-im or --columns freq,mod,phase_deg)"
    )]
    Columns {
        /// File name as given.
        file: String,
        /// What was ambiguous.
        detail: String,
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
    const SHOWN: usize = 20;
    match unmapped.len() {
        0 => String::new(),
        n if n <= SHOWN => format!("; could not map column(s): {}", unmapped.join(", ")),
        _ => format!(
            "; could not map column(s): {} and more",
            unmapped.get(..SHOWN).unwrap_or_default().join(", "),
        ),
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
            | ReadError::NoTable { file, .. }
            | ReadError::FormatMismatch { file, .. }
            | ReadError::Syntax { file, .. }
            | ReadError::Ragged { file, .. }
            | ReadError::NoData { file, .. }
            | ReadError::Truncated { file, .. }
            | ReadError::Spectrum { file, .. }
            | ReadError::NoSuchSweep { file, .. }
            | ReadError::Unit { file, .. }
            | ReadError::NumberFormat { file, .. }
            | ReadError::TooLarge { file, .. }
            | ReadError::NotAFile { file, .. }
            | ReadError::Columns { file, .. } => file,
        }
    }

    /// The 1-based line number the error points at, where there is one.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            ReadError::UnknownFormat { line, .. }
            | ReadError::NoTable { line, .. }
            | ReadError::Syntax { line, .. }
            | ReadError::Ragged { line, .. }
            | ReadError::NoData { line, .. }
            | ReadError::Unit { line, .. }
            | ReadError::NumberFormat { line, .. } => Some(*line),
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

/// What a path that is not a regular file is, for [`ReadError::NotAFile`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A character or block device (`/dev/zero`, a disk).
    Device,
    /// A named pipe.
    Fifo,
    /// A Unix socket.
    Socket,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    pub(crate) fn of(t: &std::fs::FileType) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_char_device() || t.is_block_device() {
                return FileKind::Device;
            }
            if t.is_fifo() {
                return FileKind::Fifo;
            }
            if t.is_socket() {
                return FileKind::Socket;
            }
        }
        if t.is_dir() {
            FileKind::Directory
        } else {
            FileKind::Other
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a directory; give the files in it, e.g. DIR/*.mpt",
            FileKind::Device => "a device",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::Socket => "a socket",
            FileKind::Other => "not a regular file",
        })
    }
}
