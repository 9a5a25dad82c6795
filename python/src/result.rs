//! The result of a fit as a Python object: the library's report, readable attribute by attribute, with
//! `predict` and the CLI's JSON object.

use crate::convert::{self, to_vec, Source};
use crate::errors;
use eisfit::num_complex::Complex64;
use eisfit::record::FitRecord;
use eisfit::{Circuit, FitReport, ParameterEstimate};
use numpy::{AllowTypeChange, PyArray1, PyArray2, PyArrayLike1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The result of one fit: the library's [`FitReport`], the circuit (for `predict`) and where the spectrum came
/// from.
#[pyclass(frozen, module = "eisfit._eisfit")]
pub struct FitResult {
    report: FitReport,
    circuit: Circuit,
    source: Source,
}

impl FitResult {
    fn record(&self) -> FitRecord<'_> {
        self.source
            .tag(FitRecord::new(&self.report), |r, f, s| r.with_source(f, s))
    }

    /// A dict from each parameter's name to `value(parameter)`, in the circuit's order.
    fn by_name<'py, T: IntoPyObject<'py>>(
        &self,
        py: Python<'py>,
        value: impl Fn(&ParameterEstimate) -> T,
    ) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for p in &self.report.parameters {
            d.set_item(&p.name, value(p))?;
        }
        Ok(d)
    }
}

#[pymethods]
impl FitResult {
    /// Whether the optimiser met a convergence criterion.
    #[getter]
    fn converged(&self) -> bool {
        self.report.converged
    }
    /// Why the optimiser stopped, as a sentence.
    #[getter]
    fn termination(&self) -> String {
        self.report.termination.to_string()
    }
    /// The circuit, impedance.py notation.
    #[getter]
    fn circuit(&self) -> String {
        self.report.circuit.clone()
    }
    /// Parameter names, in the circuit's order.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.report.parameters.iter().map(|p| p.name.clone()).collect()
    }
    /// Fitted values by name (SI units), in the circuit's order.
    #[getter]
    fn parameters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.by_name(py, |p| p.value)
    }
    /// Standard errors by name; None for fixed parameters and where the Jacobian gives none.
    #[getter]
    fn stderr<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.by_name(py, |p| p.stderr)
    }
    /// Units by name (`Ohm`, `F`, `S s^n`, empty when dimensionless).
    #[getter]
    fn units<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.by_name(py, |p| p.unit.clone())
    }
    /// Fitted values as an array, in the circuit's order.
    #[getter]
    fn values<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        convert::array(py, self.report.values())
    }
    /// Standard errors as an array (NaN where there is none), in the circuit's order.
    #[getter]
    fn stderr_values<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        let v = self
            .report
            .parameters
            .iter()
            .map(|p| p.stderr.unwrap_or(f64::NAN))
            .collect();
        convert::array(py, v)
    }
    /// Covariance matrix over all parameters (zero rows and columns for fixed ones), or None when singular.
    #[getter]
    fn covariance<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyArray2<f64>>>> {
        self.report
            .covariance
            .as_ref()
            .map(|m| {
                let rows: Vec<Vec<f64>> = (0..m.nrows()).map(|r| m.row(r).iter().copied().collect()).collect();
                PyArray2::from_vec2(py, &rows).map_err(|e| errors::input(e.to_string()))
            })
            .transpose()
    }
    /// Weighted sum of squared residuals.
    #[getter]
    fn chi2(&self) -> f64 {
        self.report.chi2
    }
    /// χ² per degree of freedom.
    #[getter]
    fn reduced_chi2(&self) -> f64 {
        self.report.reduced_chi2
    }
    /// Boukamp's pseudo-χ².
    #[getter]
    fn pseudo_chi2(&self) -> f64 {
        self.report.pseudo_chi2
    }
    /// Root-mean-square error of the real and imaginary parts, Ω.
    #[getter]
    fn rmse(&self) -> f64 {
        self.report.rmse
    }
    /// Akaike information criterion.
    #[getter]
    fn aic(&self) -> f64 {
        self.report.aic
    }
    /// Bayesian information criterion.
    #[getter]
    fn bic(&self) -> f64 {
        self.report.bic
    }
    /// Points fitted.
    #[getter]
    fn n_points(&self) -> usize {
        self.report.n_points
    }
    /// Levenberg–Marquardt iterations of the winning start.
    #[getter]
    fn n_iterations(&self) -> usize {
        self.report.n_iterations
    }
    /// Starts run.
    #[getter]
    fn n_starts(&self) -> usize {
        self.report.n_starts
    }
    /// Whether the model describes the data (misfit, structured residuals, impossible points).
    #[getter]
    fn adequate(&self) -> bool {
        self.report.adequacy.adequate
    }
    /// The warnings, as sentences.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.report.warnings.iter().map(ToString::to_string).collect()
    }
    /// The warnings' stable codes.
    #[getter]
    fn warning_codes(&self) -> Vec<String> {
        self.report.warnings.iter().map(|w| w.code().to_string()).collect()
    }
    /// The file the spectrum came from, or None.
    #[getter]
    fn file(&self) -> Option<String> {
        self.source.file.clone()
    }
    /// The 0-based sweep of that file, or None.
    #[getter]
    fn sweep(&self) -> Option<usize> {
        self.source.sweep
    }
    /// The fitted circuit's impedance (complex, Ω) at `frequency_hz`.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        frequency_hz: PyArrayLike1<'py, f64, AllowTypeChange>,
    ) -> PyResult<Bound<'py, PyArray1<Complex64>>> {
        let f = to_vec(&frequency_hz);
        let z = self
            .circuit
            .impedance(&self.report.values(), &f)
            .map_err(|e| errors::circuit(&e))?;
        Ok(convert::array(py, z))
    }
    /// The JSON object of `eisfit fit --output json`, as text.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.record()).map_err(|e| errors::input(format!("serialising the result: {e}")))
    }
    /// The JSON object of `eisfit fit --output json`, as Python objects.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_python(py, &self.record())
    }
    fn __str__(&self) -> String {
        self.report.to_string()
    }
    fn __repr__(&self) -> String {
        let params: Vec<String> = self
            .report
            .parameters
            .iter()
            .map(|p| format!("{}={:.6e}", p.name, p.value))
            .collect();
        format!(
            "FitResult(circuit='{}', converged={}, {}, chi2={:.4e})",
            self.report.circuit,
            if self.report.converged { "True" } else { "False" },
            params.join(", "),
            self.report.chi2
        )
    }
}

/// A result object for `report`.
pub fn result(circuit: &Circuit, report: FitReport, file: Option<String>, sweep: Option<usize>) -> FitResult {
    FitResult {
        report,
        circuit: circuit.clone(),
        source: Source::new(file, sweep),
    }
}
