//! numpy arrays in and out: copies into the library's types, whatever the arrays' strides.

use crate::errors;
use eisfit::num_complex::Complex64;
use eisfit::Spectrum;
use numpy::{PyArray1, PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::prelude::*;

/// The values of a 1-D array, contiguous or not.
pub fn to_vec<T: numpy::Element + Copy>(a: &PyReadonlyArray1<'_, T>) -> Vec<T> {
    match a.as_slice() {
        Ok(s) => s.to_vec(),
        Err(_) => a.as_array().iter().copied().collect(),
    }
}

/// A spectrum from frequencies (Hz), complex impedances (Ω) and optional complex σ (σ of Z′ + j·σ of Z″).
pub fn spectrum(
    frequency_hz: &PyReadonlyArray1<'_, f64>,
    z: &PyReadonlyArray1<'_, Complex64>,
    sigma: Option<&PyReadonlyArray1<'_, Complex64>>,
) -> PyResult<Spectrum> {
    let (nf, nz) = (frequency_hz.len(), z.len());
    if nf != nz {
        return Err(errors::spectrum(&eisfit::SpectrumError::LengthMismatch {
            frequencies: nf,
            impedances: nz,
        }));
    }
    let s = Spectrum::new(to_vec(frequency_hz), to_vec(z)).map_err(|e| errors::spectrum(&e))?;
    match sigma {
        None => Ok(s),
        Some(sig) => s.with_sigma(to_vec(sig)).map_err(|e| errors::spectrum(&e)),
    }
}

/// A new 1-D numpy array holding `v`.
pub fn array<'py, T: numpy::Element>(py: Python<'py>, v: Vec<T>) -> Bound<'py, PyArray1<T>> {
    PyArray1::from_vec(py, v)
}

/// `s` parsed as JSON into Python objects (dicts, lists, floats, None for NaN), with Python's `json` module.
pub fn json_to_python<'py>(py: Python<'py>, s: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (s,))
}

/// `value` serialised as JSON and parsed into Python objects.
pub fn to_python<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| errors::input(format!("serialising the result: {e}")))?;
    json_to_python(py, &text)
}

/// A frequency window `[fmin, fmax]` applied to `s` (either side open when `None`), with a message that says
/// how many points it leaves.
pub fn crop(s: Spectrum, fmin: Option<f64>, fmax: Option<f64>) -> PyResult<Spectrum> {
    for (name, v) in [("fmin", fmin), ("fmax", fmax)] {
        if let Some(v) = v {
            if !(v.is_finite() && v > 0.0) {
                return Err(errors::input(format!(
                    "{name} must be a positive frequency in Hz, got {v}"
                )));
            }
        }
    }
    if fmin.is_none() && fmax.is_none() {
        return Ok(s);
    }
    let (lo, hi) = (fmin.unwrap_or(0.0), fmax.unwrap_or(f64::INFINITY));
    let kept = s.freq_hz().iter().filter(|&&f| f >= lo && f <= hi).count();
    s.cropped(lo, hi).map_err(|e| match e {
        eisfit::SpectrumError::TooFewPoints { .. } => errors::raise(
            "SpectrumError",
            format!(
                "the frequency window [{lo}, {hi}] Hz leaves {kept} of {} points",
                s.len()
            ),
        ),
        other => errors::spectrum(&other),
    })
}

/// Where a spectrum came from: a file and its 0-based sweep, or nothing (arrays).
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// The file, as given to `read`.
    pub file: Option<String>,
    /// The sweep within it.
    pub sweep: Option<usize>,
}

impl Source {
    /// A source from the optional file and sweep the Python side passes.
    pub fn new(file: Option<String>, sweep: Option<usize>) -> Self {
        Source { file, sweep }
    }

    /// `record` with this source set by `with_source` (one of the records' `with_source`), unchanged without a
    /// file.
    pub fn tag<R>(&self, record: R, with_source: fn(R, String, usize) -> R) -> R {
        match &self.file {
            Some(f) => with_source(record, f.clone(), self.sweep.unwrap_or(0)),
            None => record,
        }
    }
}
