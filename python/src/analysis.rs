//! `validate` (the linear Kramers–Kronig test) and `drt` (the distribution of relaxation times), each with a
//! result whose `to_dict()` is the subcommand's JSON object.

use crate::convert::{self, to_python, Source};
use crate::errors;
use eisfit::num_complex::Complex64;
use eisfit::record::{DrtRecord, LinKkRecord};
use eisfit::validation::{Immittance, RcSelection};
use eisfit::{Drt, DrtOptions, LinKk, LinKkOptions};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The verdict of the linear Kramers–Kronig test on one spectrum.
#[pyclass(frozen, module = "eisfit._eisfit")]
pub struct KkResult {
    test: LinKk,
    source: Source,
}

impl KkResult {
    fn record(&self) -> LinKkRecord<'_> {
        self.source
            .tag(LinKkRecord::new(&self.test), |r, f, s| r.with_source(f, s))
    }
}

#[pymethods]
impl KkResult {
    /// Whether the spectrum passes: its residuals are no larger than its noise.
    #[getter]
    fn valid(&self) -> bool {
        self.test.valid
    }
    /// RC elements of the test model.
    #[getter]
    fn n_rc(&self) -> usize {
        self.test.n_rc
    }
    /// Schönleber's μ (1 − negative mass / positive mass of the RC resistances).
    #[getter]
    fn mu(&self) -> f64 {
        self.test.mu
    }
    /// Pseudo-χ² per degree of freedom of the relative residuals.
    #[getter]
    fn pseudo_chi2(&self) -> f64 {
        self.test.pseudo_chi2
    }
    /// Largest relative residual, as a fraction of |Z|.
    #[getter]
    fn max_abs_residual(&self) -> f64 {
        self.test.max_abs_residual
    }
    /// Ratio of the residual variance to the spectrum's estimated noise variance.
    #[getter]
    fn noise_ratio(&self) -> f64 {
        self.test.noise_ratio
    }
    /// `"impedance"` or `"admittance"`: the form of the model kept.
    #[getter]
    fn immittance(&self) -> &'static str {
        match self.test.model.immittance {
            Immittance::Impedance => "impedance",
            Immittance::Admittance => "admittance",
        }
    }
    /// Frequencies of the residuals, Hz.
    #[getter]
    fn frequency_hz<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        convert::array(py, self.test.freq_hz.clone())
    }
    /// (Z′ − Ẑ′)/|Z| per point.
    #[getter]
    fn residual_real<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        convert::array(py, self.test.residual_real.clone())
    }
    /// (Z″ − Ẑ″)/|Z| per point.
    #[getter]
    fn residual_imag<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        convert::array(py, self.test.residual_imag.clone())
    }
    /// The test model's impedance at each frequency.
    #[getter]
    fn z_fit<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<Complex64>> {
        convert::array(py, self.test.z_fit.clone())
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
    /// The JSON object of `eisfit validate --output json`, as Python objects.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.record())
    }
    fn __repr__(&self) -> String {
        format!(
            "KkResult(valid={}, n_rc={}, mu={:.3}, pseudo_chi2={:.3e}, max_abs_residual={:.3e})",
            if self.test.valid { "True" } else { "False" },
            self.test.n_rc,
            self.test.mu,
            self.test.pseudo_chi2,
            self.test.max_abs_residual
        )
    }
}

/// The linear Kramers–Kronig test of one spectrum (cropped to `[fmin, fmax]` first).
#[pyfunction]
#[pyo3(signature = (frequency_hz, z, fmin=None, fmax=None, n_rc=None, immittance=None, file=None, sweep=None))]
#[allow(clippy::too_many_arguments)]
pub fn validate(
    py: Python<'_>,
    frequency_hz: PyReadonlyArray1<'_, f64>,
    z: PyReadonlyArray1<'_, Complex64>,
    fmin: Option<f64>,
    fmax: Option<f64>,
    n_rc: Option<usize>,
    immittance: Option<&str>,
    file: Option<String>,
    sweep: Option<usize>,
) -> PyResult<KkResult> {
    let s = convert::crop(convert::spectrum(&frequency_hz, &z, None)?, fmin, fmax)?;
    let mut options = LinKkOptions::default();
    if let Some(n) = n_rc {
        if n == 0 {
            return Err(errors::input("n_rc must be at least 1"));
        }
        options = options.with_selection(RcSelection::Fixed(n));
    }
    if let Some(i) = immittance {
        options = options.with_immittance(match i.to_ascii_lowercase().as_str() {
            "impedance" => Immittance::Impedance,
            "admittance" => Immittance::Admittance,
            other => {
                return Err(errors::input(format!(
                    "immittance must be 'impedance' or 'admittance', got '{other}'"
                )))
            }
        });
    }
    let test = py.detach(|| eisfit::lin_kk(&s, &options)).map_err(|e| errors::kk(&e))?;
    Ok(KkResult {
        test,
        source: Source::new(file, sweep),
    })
}

/// The distribution of relaxation times of one spectrum.
#[pyclass(frozen, module = "eisfit._eisfit")]
pub struct DrtResult {
    drt: Drt,
    source: Source,
}

impl DrtResult {
    fn record(&self) -> DrtRecord<'_> {
        self.source
            .tag(DrtRecord::new(&self.drt), |r, f, s| r.with_source(f, s))
    }
}

#[pymethods]
impl DrtResult {
    /// The regularisation parameter used (relative to the problem's scale).
    #[getter]
    fn lambda_(&self) -> f64 {
        self.drt.lambda
    }
    /// High-frequency resistance R∞, Ω.
    #[getter]
    fn r_inf_ohm(&self) -> f64 {
        self.drt.r_inf_ohm
    }
    /// Polarisation resistance (the area under γ), Ω.
    #[getter]
    fn r_pol_ohm(&self) -> f64 {
        self.drt.r_pol_ohm
    }
    /// Series inductance, H.
    #[getter]
    fn inductance_h(&self) -> f64 {
        self.drt.inductance_h
    }
    /// The τ grid, s.
    #[getter]
    fn tau_s<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        convert::array(py, self.drt.tau_s.clone())
    }
    /// γ(ln τ) on the grid, Ω per unit of ln τ.
    #[getter]
    fn gamma_ohm<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        convert::array(py, self.drt.gamma_ohm.clone())
    }
    /// Lower edge of γ's credible band.
    #[getter]
    fn gamma_lower_ohm<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        convert::array(py, self.drt.gamma_lower_ohm.clone())
    }
    /// Upper edge of γ's credible band.
    #[getter]
    fn gamma_upper_ohm<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        convert::array(py, self.drt.gamma_upper_ohm.clone())
    }
    /// The peaks, each a dict with `tau_s`, `r_ohm`, `freq_hz`, `gamma_ohm`.
    #[getter]
    fn peaks<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.drt
            .peaks
            .iter()
            .map(|p| {
                let d = PyDict::new(py);
                d.set_item("tau_s", p.tau_s)?;
                d.set_item("r_ohm", p.r_ohm)?;
                d.set_item("freq_hz", p.freq_hz)?;
                d.set_item("gamma_ohm", p.gamma_ohm)?;
                Ok(d)
            })
            .collect()
    }
    /// Pseudo-χ² of the DRT model's fit to the spectrum.
    #[getter]
    fn pseudo_chi2(&self) -> f64 {
        self.drt.pseudo_chi2
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
    /// The JSON object of `eisfit drt --output json`, as Python objects.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.record())
    }
    fn __repr__(&self) -> String {
        format!(
            "DrtResult(r_inf_ohm={:.6e}, r_pol_ohm={:.6e}, n_peaks={}, lambda_={:.3e})",
            self.drt.r_inf_ohm,
            self.drt.r_pol_ohm,
            self.drt.peaks.len(),
            self.drt.lambda
        )
    }
}

/// The distribution of relaxation times of one spectrum (cropped to `[fmin, fmax]` first); `lam` None chooses λ
/// automatically.
#[pyfunction]
#[pyo3(signature = (frequency_hz, z, lam=None, fmin=None, fmax=None, file=None, sweep=None))]
#[allow(clippy::too_many_arguments)]
pub fn drt(
    py: Python<'_>,
    frequency_hz: PyReadonlyArray1<'_, f64>,
    z: PyReadonlyArray1<'_, Complex64>,
    lam: Option<f64>,
    fmin: Option<f64>,
    fmax: Option<f64>,
    file: Option<String>,
    sweep: Option<usize>,
) -> PyResult<DrtResult> {
    let s = convert::crop(convert::spectrum(&frequency_hz, &z, None)?, fmin, fmax)?;
    let options = match lam {
        None => DrtOptions::default(),
        Some(v) if v.is_finite() && v > 0.0 => DrtOptions::default().with_lambda(v),
        Some(v) => {
            return Err(errors::input(format!(
                "lam must be 'auto' or a positive number, got {v}"
            )))
        }
    };
    let drt = py.detach(|| eisfit::drt(&s, &options)).map_err(|e| errors::drt(&e))?;
    Ok(DrtResult {
        drt,
        source: Source::new(file, sweep),
    })
}
