//! What a reader did that the user should know: typed notes on a [`DataFile`](super::DataFile).

use super::options::Columns;
use serde::Serialize;
use std::cell::RefCell;

/// Something a reader decided or noticed while reading a file: how it split or reordered sweeps, a table that
/// ended early, a sign it flipped, columns it recognised by their values. Notes never change what was read
/// silently: every decision that is not written in the file itself gives one.
///
/// `Display` gives a one-line message; [`ReadNote::is_warning`] tells what deserves attention. In JSON each note is
/// an object with a `kind` (the variant in snake case), its fields and a `message`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReadNote {
    /// The frequency sweep restarts inside the file, so the rows were split into several sweeps.
    SplitAtRestarts {
        /// Index of the first sweep made by the split.
        first_sweep: usize,
        /// How many sweeps the split made.
        sweeps: usize,
    },
    /// The rows were not in frequency order but no frequency repeats: read as one sweep, sorted by decreasing
    /// frequency.
    Sorted {
        /// Index of the sweep.
        sweep: usize,
        /// How many monotone runs the rows formed in file order.
        runs: usize,
    },
    /// Runs over overlapping frequency ranges, each starting at a new frequency (a measurement stitched from
    /// several ranges): merged into one sweep, sorted by decreasing frequency.
    Stitched {
        /// Index of the sweep.
        sweep: usize,
        /// How many runs were merged.
        runs: usize,
    },
    /// A table ended at a line that still looks like data (a row of another shape): rows after it were not read.
    TableEndedEarly {
        /// 1-based line where reading stopped.
        line: usize,
        /// Data rows read before it.
        rows: usize,
    },
    /// Blank lines inside a table were skipped because the data resumes after them in the same shape.
    BlankLinesInTable {
        /// 1-based line of the first blank line.
        line: usize,
    },
    /// A Gamry table row without its leading TAB was read as a row of the table.
    RowWithoutLeadingTab {
        /// 1-based line of the row.
        line: usize,
    },
    /// The file announces more points than it holds.
    Truncated {
        /// Points the header announces.
        declared: usize,
        /// Points read.
        read: usize,
    },
    /// A headerless file's columns were recognised from their values (which column is the frequency, Cartesian or
    /// polar impedance, sign of the imaginary part).
    ColumnsByShape {
        /// The columns as `--columns` would give them.
        columns: Columns,
    },
    /// A headerless file's imaginary column is mostly positive where the spectrum is capacitive: read as −Z″.
    ImaginarySignFlipped {
        /// 1-based column number.
        column: usize,
    },
    /// A column used digit grouping (`1,000`): commas were read as thousands separators, not decimal commas.
    DigitGrouping {
        /// 1-based column number.
        column: usize,
    },
    /// The file mixes UTF-8 lines with lines in another encoding: each line was decoded on its own (UTF-8 where
    /// valid, Windows-1252 otherwise), so that a `kΩ` in the header stays `kΩ`.
    MixedEncoding {
        /// 1-based number of the first line that is not valid UTF-8.
        first_line: usize,
        /// How many lines are not valid UTF-8.
        lines: usize,
    },
}

impl ReadNote {
    /// True for notes that may mean data was misread or lost (a table that ended early, a truncated file, a
    /// sign or column layout inferred from the values); false for notes that only describe what was done.
    #[must_use]
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            ReadNote::TableEndedEarly { .. }
                | ReadNote::Truncated { .. }
                | ReadNote::ColumnsByShape { .. }
                | ReadNote::ImaginarySignFlipped { .. }
                | ReadNote::SplitAtRestarts { .. }
                | ReadNote::Stitched { .. }
                | ReadNote::Sorted { .. }
        )
    }
}

impl std::fmt::Display for ReadNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadNote::SplitAtRestarts { first_sweep, sweeps } => write!(
                f,
                "the frequency sweep restarts: rows split into {sweeps} sweeps ({first_sweep}..{}); \
                 use --sweep N or --sweep all",
                first_sweep + sweeps - 1
            ),
            ReadNote::Sorted { sweep, runs } => write!(
                f,
                "sweep {sweep}: rows not in frequency order ({runs} runs) and no frequency repeats: \
                 read as one sweep, sorted by decreasing frequency"
            ),
            ReadNote::Stitched { sweep, runs } => write!(
                f,
                "sweep {sweep}: {runs} runs over overlapping frequency ranges, each starting at a new frequency: \
                 merged as one stitched sweep, sorted by decreasing frequency"
            ),
            ReadNote::TableEndedEarly { line, rows } => write!(
                f,
                "line {line}: the table ends at a line that still looks like data; {rows} rows read, the rest \
                 ignored"
            ),
            ReadNote::BlankLinesInTable { line } => {
                write!(
                    f,
                    "line {line}: blank line(s) inside the table skipped; the data resume after them"
                )
            }
            ReadNote::RowWithoutLeadingTab { line } => {
                write!(f, "line {line}: table row without its leading TAB read as a row")
            }
            ReadNote::Truncated { declared, read } => {
                write!(f, "truncated: the file announces {declared} points but holds {read}")
            }
            ReadNote::ColumnsByShape { columns } => write!(
                f,
                "no header: columns recognised from their values as `{columns}`; give --columns to override"
            ),
            ReadNote::ImaginarySignFlipped { column } => write!(
                f,
                "no header: column {column} is positive where the spectrum is capacitive, read as -Z''"
            ),
            ReadNote::DigitGrouping { column } => {
                write!(f, "column {column}: commas read as digit grouping (1,000 = 1000)")
            }
            ReadNote::MixedEncoding { first_line, lines } => write!(
                f,
                "{lines} line(s) are not UTF-8 (first: line {first_line}): decoded as Windows-1252 line by line, \
                 the rest as UTF-8"
            ),
        }
    }
}

/// Notes collected while reading, shared by the readers through `&Text` (or passed to binary readers).
#[derive(Debug, Default)]
pub(crate) struct Notes(RefCell<Vec<ReadNote>>);

impl Notes {
    pub(crate) fn push(&self, note: ReadNote) {
        let mut v = self.0.borrow_mut();
        if !v.contains(&note) {
            v.push(note);
        }
    }
    pub(crate) fn take(&self) -> Vec<ReadNote> {
        std::mem::take(&mut *self.0.borrow_mut())
    }
}
