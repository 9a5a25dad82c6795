//! Writers for the canonical outputs of `eisfit read`: CSV (`frequency_hz,z_real_ohm,z_imag_ohm`, optionally
//! preceded by `sweep`) and JSON (`{"file", "format", "sweeps": [...]}`), imaginary part in its true sign.

use super::{DataFile, Sweep};
use serde_json::{json, Value};
use std::io::Write;

/// Writes sweeps as CSV with the header `frequency_hz,z_real_ohm,z_imag_ohm`; with `sweep_column` each row
/// starts with the sweep's index (header `sweep,frequency_hz,...`). When every sweep carries per-point standard
/// deviations, two more columns `sigma_real_ohm,sigma_imag_ohm` follow, which the generic reader reads back.
/// Numbers round-trip exactly.
///
/// # Errors
/// Any error of the underlying writer.
pub fn write_csv<W: Write>(mut w: W, sweeps: &[&Sweep], sweep_column: bool) -> std::io::Result<()> {
    if sweep_column {
        w.write_all(b"sweep,")?;
    }
    // σ columns only when every sweep carries them, so the rows stay rectangular.
    let sigma = !sweeps.is_empty() && sweeps.iter().all(|s| s.spectrum().sigma().is_some());
    w.write_all(b"frequency_hz,z_real_ohm,z_imag_ohm")?;
    w.write_all(if sigma {
        b",sigma_real_ohm,sigma_imag_ohm\n"
    } else {
        b"\n"
    })?;
    for sweep in sweeps {
        let s = sweep.spectrum();
        for (k, (f, z)) in s.freq_hz().iter().zip(s.z()).enumerate() {
            if sweep_column {
                write!(w, "{},", sweep.index())?;
            }
            write!(w, "{f:?},{:?},{:?}", z.re, z.im)?;
            match s.sigma().filter(|_| sigma).and_then(|v| v.get(k)) {
                Some(e) => writeln!(w, ",{:?},{:?}", e.re, e.im)?,
                None => writeln!(w)?,
            }
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
            let mut v = json!({
                "index": sweep.index(),
                "n_points": s.len(),
                "frequency_hz": s.freq_hz(),
                "z_real_ohm": s.z().iter().map(|z| z.re).collect::<Vec<_>>(),
                "z_imag_ohm": s.z().iter().map(|z| z.im).collect::<Vec<_>>(),
                "metadata": sweep.metadata(),
            });
            if let (Some(sig), Some(obj)) = (s.sigma(), v.as_object_mut()) {
                obj.insert(
                    "sigma_real_ohm".into(),
                    sig.iter().map(|e| e.re).collect::<Vec<_>>().into(),
                );
                obj.insert(
                    "sigma_imag_ohm".into(),
                    sig.iter().map(|e| e.im).collect::<Vec<_>>().into(),
                );
            }
            v
        })
        .collect();
    json!({ "file": file.name(), "format": file.format(), "sweeps": sweeps })
}
