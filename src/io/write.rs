//! Writers for the canonical outputs of `eisfit read`: CSV (`frequency_hz,z_real_ohm,z_imag_ohm`, optionally
//! preceded by `sweep`) and JSON (`{"file", "format", "sweeps": [...]}`), imaginary part in its true sign.

use super::{DataFile, Sweep};
use serde_json::{json, Value};
use std::io::Write;

/// Writes sweeps as CSV with the header `frequency_hz,z_real_ohm,z_imag_ohm`; with `sweep_column` each row
/// starts with the sweep's index (header `sweep,frequency_hz,...`). Numbers round-trip exactly.
///
/// # Errors
/// Any error of the underlying writer.
pub fn write_csv<W: Write>(mut w: W, sweeps: &[&Sweep], sweep_column: bool) -> std::io::Result<()> {
    if sweep_column {
        w.write_all(b"sweep,")?;
    }
    w.write_all(b"frequency_hz,z_real_ohm,z_imag_ohm\n")?;
    for sweep in sweeps {
        let s = sweep.spectrum();
        for (f, z) in s.freq_hz().iter().zip(s.z()) {
            if sweep_column {
                write!(w, "{},", sweep.index())?;
            }
            writeln!(w, "{f:?},{:?},{:?}", z.re, z.im)?;
        }
    }
    w.flush()
}

/// The JSON document of `eisfit read --output json` for the given sweeps of `file`.
#[must_use]
pub fn to_json(file: &DataFile, sweeps: &[&Sweep]) -> Value {
    let sweeps: Vec<Value> = sweeps
        .iter()
        .map(|sweep| {
            let s = sweep.spectrum();
            json!({
                "index": sweep.index(),
                "n_points": s.len(),
                "frequency_hz": s.freq_hz(),
                "z_real_ohm": s.z().iter().map(|z| z.re).collect::<Vec<_>>(),
                "z_imag_ohm": s.z().iter().map(|z| z.im).collect::<Vec<_>>(),
                "metadata": sweep.metadata(),
            })
        })
        .collect();
    json!({ "file": file.name(), "format": file.format(), "sweeps": sweeps })
}
