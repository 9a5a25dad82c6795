//! Eco Chemie / Autolab FRA `.dfr`: positional text with no labels.
//!
//! Layout: `VERSIONx.y`, the point count N, a `1`, then 9 numbers per point, one per line: f, Z′, −Z″ and six
//! zeros. Metadata lines (dates, flags) follow the points. (NOVA ASCII exports are read by the generic reader.)

use super::table::{into_sweeps, Rows};
use super::text::{number, Text};
use super::{Metadata, ReadError, Sweep};
use num_complex::Complex64;

/// Numbers stored per point in a `.dfr`.
const PER_POINT: usize = 9;

pub(crate) fn read_dfr(text: &Text<'_>) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let mut meta = Metadata::default();
    meta.insert("version", text.line(0));
    meta.set_instrument("Autolab FRA");
    let n: usize = text
        .line(1)
        .trim()
        .parse()
        .map_err(|_| text.syntax(1, "the number of points", text.line(1)))?;
    let first = 3usize;
    let need = n.saturating_mul(PER_POINT);
    if text.lines.len().saturating_sub(first) < need {
        return Err(ReadError::Truncated {
            file: text.name.to_owned(),
            detail: format!(
                "{n} points need {need} value lines after line {first}, the file has {}",
                text.lines.len().saturating_sub(first)
            ),
        });
    }
    let value = |i: usize| number(text.line(i), false).ok_or_else(|| text.syntax(i, "a number", text.line(i)));
    let mut rows = Rows::default();
    for p in 0..n {
        let base = first + p * PER_POINT;
        // The third value is −Z″.
        rows.push(value(base)?, Complex64::new(value(base + 1)?, -value(base + 2)?), 0);
    }
    let sweeps = into_sweeps(text.name, rows, &meta, &text.notes)?;
    Ok((meta, sweeps))
}
