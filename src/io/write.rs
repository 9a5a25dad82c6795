//! Writers for the canonical outputs of `eisfit read`: CSV (`frequency_hz,z_real_ohm,z_imag_ohm`, optionally
//! preceded by `sweep`) and JSON (`{"file", "format", "sweeps": [...]}`), imaginary part in its true sign.

use super::{DataFile, Sweep};
use crate::spectrum::Spectrum;
use serde_json::{json, Map, Value};
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

/// The canonical JSON fields of a spectrum: `frequency_hz`, `z_real_ohm`, `z_imag_ohm` (true sign) and, when it
/// carries standard deviations, `sigma_real_ohm` and `sigma_imag_ohm`.
///
/// # Examples
/// ```
/// use eisfit::{io, Spectrum};
/// let s = Spectrum::from_parts(vec![1e3, 1e2, 1e1], &[1.0, 2.0, 3.0], &[-0.5, -1.0, -0.2])?;
/// let fields = io::spectrum_fields(&s);
/// assert_eq!(fields["z_imag_ohm"][1], -1.0);
/// assert!(!fields.contains_key("sigma_real_ohm"));
/// # Ok::<(), eisfit::Error>(())
/// ```
#[must_use]
pub fn spectrum_fields(s: &Spectrum) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("frequency_hz".into(), s.freq_hz().into());
    m.insert(
        "z_real_ohm".into(),
        s.z().iter().map(|z| z.re).collect::<Vec<_>>().into(),
    );
    m.insert(
        "z_imag_ohm".into(),
        s.z().iter().map(|z| z.im).collect::<Vec<_>>().into(),
    );
    if let Some(sig) = s.sigma() {
        m.insert(
            "sigma_real_ohm".into(),
            sig.iter().map(|e| e.re).collect::<Vec<_>>().into(),
        );
        m.insert(
            "sigma_imag_ohm".into(),
            sig.iter().map(|e| e.im).collect::<Vec<_>>().into(),
        );
    }
    m
}

/// The JSON document of `eisfit read --output json` for the given sweeps of `file`. When the reader left notes,
/// a `notes` array follows: one object per [`ReadNote`](super::ReadNote) with its `kind`, fields, `message` and
/// `warning`.
#[must_use]
pub fn to_json(file: &DataFile, sweeps: &[&Sweep]) -> Value {
    let sweeps: Vec<Value> = sweeps
        .iter()
        .map(|sweep| {
            let s = sweep.spectrum();
            let mut m = spectrum_fields(s);
            m.insert("index".into(), sweep.index().into());
            m.insert("n_points".into(), s.len().into());
            m.insert("metadata".into(), json!(sweep.metadata()));
            Value::Object(m)
        })
        .collect();
    let mut doc = json!({ "file": file.name(), "format": file.format(), "sweeps": sweeps });
    if !file.notes().is_empty() {
        let notes: Vec<Value> = file
            .notes()
            .iter()
            .map(|n| {
                let mut v = json!(n);
                if let Value::Object(m) = &mut v {
                    m.insert("message".into(), n.to_string().into());
                    m.insert("warning".into(), n.is_warning().into());
                }
                v
            })
            .collect();
        if let Value::Object(m) = &mut doc {
            m.insert("notes".into(), notes.into());
        }
    }
    doc
}
