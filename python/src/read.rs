//! `read`: every sweep of a potentiostat file as arrays, with its metadata and the reader's notes.

use crate::convert;
use crate::errors;
use eisfit::io::{self, Format};
use eisfit::num_complex::Complex64;
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Reads `path` (format detected from the content unless `format` names one) and returns one dict per sweep with
/// `file`, `format`, `sweep`, `frequency_hz`, `z`, `sigma` (or None), `metadata` (JSON text) and `notes`.
#[pyfunction]
#[pyo3(signature = (path, format=None))]
pub fn read<'py>(py: Python<'py>, path: std::path::PathBuf, format: Option<&str>) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let format = match format {
        None => None,
        Some(f) => Format::from_choice(f).map_err(|e| errors::input(errors::message(&e)))?,
    };
    let file = py
        .detach(|| io::read_with(&path, &io::ReadOptions::default().with_format(format)))
        .map_err(|e| errors::read(&e))?;
    let notes: Vec<String> = file.notes().iter().map(ToString::to_string).collect();
    let mut out = Vec::with_capacity(file.sweeps().len());
    for sweep in file.sweeps() {
        let s = sweep.spectrum();
        let d = PyDict::new(py);
        d.set_item("file", path.display().to_string())?;
        d.set_item("format", file.format().name())?;
        d.set_item("sweep", sweep.index())?;
        d.set_item("frequency_hz", convert::array(py, s.freq_hz().to_vec()))?;
        d.set_item("z", convert::array(py, s.z().to_vec()))?;
        let sigma: Option<Bound<'py, PyArray1<Complex64>>> = s.sigma().map(|v| convert::array(py, v.to_vec()));
        d.set_item("sigma", sigma)?;
        let meta = serde_json::to_string(sweep.metadata())
            .map_err(|e| errors::input(format!("serialising the metadata: {e}")))?;
        d.set_item("metadata", convert::json_to_python(py, &meta)?)?;
        d.set_item("notes", notes.clone())?;
        out.push(d);
    }
    Ok(out)
}
