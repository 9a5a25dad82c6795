//! `fit` and `fit_many`: a [`FitPlan`] (circuit and options, checked once) applied to one
//! spectrum or to a batch in parallel with the GIL released.

use crate::convert::{self, to_vec};
use crate::errors;
use crate::result::{result, FitResult};
use eisfit::num_complex::Complex64;
use eisfit::{Circuit, FitOptions, FitReport, Spectrum, Weighting};
use numpy::{AllowTypeChange, PyArray1, PyArrayLike1, PyReadonlyArray1, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use rayon::prelude::*;

/// A circuit and the options of its fit, checked against it: every name is one of its parameters, every value a
/// number.
#[pyclass(frozen, module = "eisfit._eisfit")]
pub struct FitPlan {
    circuit: Circuit,
    options: FitOptions,
}

/// `(name, value)` pairs of a dict of numbers, each name checked against `circuit`.
fn named_values(circuit: &Circuit, what: &str, d: &Bound<'_, PyDict>) -> PyResult<Vec<(String, f64)>> {
    let mut out = Vec::with_capacity(d.len());
    for (k, v) in d.iter() {
        let name: String = k
            .extract()
            .map_err(|_| errors::input(format!("{what}: parameter names must be strings, got {k}")))?;
        circuit
            .param_index(&name)
            .map_err(|e| errors::raise("CircuitError", format!("{what}: {}", errors::message(&e))))?;
        let value: f64 = v
            .extract()
            .map_err(|_| errors::input(format!("{what}: the value of {name} must be a number, got {v}")))?;
        out.push((name, value));
    }
    Ok(out)
}

#[pymethods]
impl FitPlan {
    /// Checks a circuit and fit options. `init` is a dict name → value or a sequence of every value in the
    /// circuit's order; `fix` a dict name → value; `bounds` a dict name → (lower, upper).
    #[new]
    #[pyo3(signature = (circuit, init=None, fix=None, bounds=None, weight="modulus", fmin=None, fmax=None,
        multistart=None, seed=0, drop_inductive=false, max_evaluations=4000, canonical_order=true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        circuit: &str,
        init: Option<&Bound<'_, PyAny>>,
        fix: Option<&Bound<'_, PyDict>>,
        bounds: Option<&Bound<'_, PyDict>>,
        weight: &str,
        fmin: Option<f64>,
        fmax: Option<f64>,
        multistart: Option<usize>,
        seed: u64,
        drop_inductive: bool,
        max_evaluations: usize,
        canonical_order: bool,
    ) -> PyResult<Self> {
        let circuit: Circuit = circuit.parse().map_err(|e| errors::circuit(&e))?;
        let weighting: Weighting = weight
            .parse()
            .map_err(|e: eisfit::fit::UnknownWeighting| errors::input(e.to_string()))?;
        if max_evaluations == 0 {
            return Err(errors::input("max_evaluations must be at least 1"));
        }
        let mut o = FitOptions::default()
            .with_weighting(weighting)
            .with_seed(seed)
            .with_max_evaluations(max_evaluations)
            .with_drop_inductive(drop_inductive)
            .with_canonical_order(canonical_order);
        if let Some(init) = init {
            if let Ok(d) = init.cast::<PyDict>() {
                for (n, v) in named_values(&circuit, "init", d)? {
                    o = o.with_initial(n, v);
                }
            } else {
                let values: Vec<f64> = init.extract().map_err(|_| {
                    errors::input("init must be a dict name -> value or a sequence of numbers, one per parameter")
                })?;
                if values.len() != circuit.n_params() {
                    return Err(errors::fit(&eisfit::FitError::WrongLength {
                        expected: circuit.n_params(),
                        got: values.len(),
                    }));
                }
                o = o.with_initial_values(values);
            }
        }
        if let Some(fix) = fix {
            for (n, v) in named_values(&circuit, "fix", fix)? {
                o = o.with_fixed(n, v);
            }
        }
        if let Some(bounds) = bounds {
            for (k, v) in bounds.iter() {
                let name: String = k
                    .extract()
                    .map_err(|_| errors::input(format!("bounds: parameter names must be strings, got {k}")))?;
                circuit
                    .param_index(&name)
                    .map_err(|e| errors::raise("CircuitError", format!("bounds: {}", errors::message(&e))))?;
                let (lo, hi): (f64, f64) = v
                    .extract()
                    .map_err(|_| errors::input(format!("bounds: {name} needs (lower, upper), two numbers; got {v}")))?;
                o = o.with_bounds(name, lo, hi);
            }
        }
        if let Some(f) = fmin {
            o = o.with_fmin(f);
        }
        if let Some(f) = fmax {
            o = o.with_fmax(f);
        }
        if let Some(n) = multistart {
            o = o.with_multistart(n);
        }
        Ok(FitPlan { circuit, options: o })
    }

    /// The circuit's parameter names, in its order.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.circuit.param_names()
    }

    /// The circuit in impedance.py notation.
    #[getter]
    fn circuit(&self) -> String {
        self.circuit.to_string()
    }
}

/// Fits one spectrum, the GIL released while it runs.
#[pyfunction]
#[pyo3(signature = (plan, frequency_hz, z, sigma=None, file=None, sweep=None))]
pub fn fit(
    py: Python<'_>,
    plan: &FitPlan,
    frequency_hz: PyReadonlyArray1<'_, f64>,
    z: PyReadonlyArray1<'_, Complex64>,
    sigma: Option<PyReadonlyArray1<'_, Complex64>>,
    file: Option<String>,
    sweep: Option<usize>,
) -> PyResult<FitResult> {
    let s = convert::spectrum(&frequency_hz, &z, sigma.as_ref())?;
    let report = py
        .detach(|| eisfit::fit(&plan.circuit, &s, &plan.options))
        .map_err(|e| errors::fit(&e))?;
    Ok(result(&plan.circuit, report, file, sweep))
}

/// The outcome of one spectrum of a batch: a report, or the exception to raise (or return as None).
type Outcome = Result<FitReport, BatchError>;

/// Why one spectrum of a batch was not fitted.
enum BatchError {
    Spectrum(eisfit::SpectrumError),
    Fit(eisfit::FitError),
}

impl BatchError {
    fn into_py(self, k: usize) -> PyErr {
        errors::in_spectrum(
            k,
            match self {
                BatchError::Spectrum(e) => errors::spectrum(&e),
                BatchError::Fit(e) => errors::fit(&e),
            },
        )
    }
}

/// The results in input order: a list of FitResult, with None for a failed spectrum when `keep_going`, else the
/// first failure raised.
fn collect(
    py: Python<'_>,
    plan: &FitPlan,
    outcomes: Vec<Outcome>,
    sources: Option<Vec<(Option<String>, Option<usize>)>>,
    keep_going: bool,
) -> PyResult<Py<PyList>> {
    let list = PyList::empty(py);
    for (k, o) in outcomes.into_iter().enumerate() {
        let (file, sweep) = sources.as_ref().and_then(|s| s.get(k).cloned()).unwrap_or((None, None));
        match o {
            Ok(r) => list.append(Py::new(py, result(&plan.circuit, r, file, sweep))?)?,
            Err(_) if keep_going => list.append(py.None())?,
            Err(e) => return Err(e.into_py(k)),
        }
    }
    Ok(list.unbind())
}

/// Fits every row of `z` (2-D complex, one spectrum per row) in parallel, the GIL released. `frequency_hz` is
/// 1-D (shared by every row) or 2-D (one row per spectrum, the shape of `z`).
#[pyfunction]
#[pyo3(signature = (plan, frequency_hz, z, keep_going=false))]
pub fn fit_many(
    py: Python<'_>,
    plan: &FitPlan,
    frequency_hz: PyReadonlyArrayDyn<'_, f64>,
    z: PyReadonlyArrayDyn<'_, Complex64>,
    keep_going: bool,
) -> PyResult<Py<PyList>> {
    if z.ndim() != 2 {
        return Err(errors::input(format!(
            "fit_many needs z as a 2-D array, one spectrum per row; got {} dimension(s) with shape {:?} \
             (for one spectrum use eisfit.fit, or z[None, :] for a batch of one)",
            z.ndim(),
            z.shape()
        )));
    }
    let (n, m) = (z.shape()[0], z.shape()[1]);
    let shared = match frequency_hz.ndim() {
        1 if frequency_hz.shape()[0] == m => true,
        2 if frequency_hz.shape() == z.shape() => false,
        _ => {
            return Err(errors::input(format!(
                "fit_many needs frequency_hz of shape ({m},) (shared) or {:?} (one row per spectrum), the \
                 shape of z being {:?}; got {:?}",
                [n, m],
                [n, m],
                frequency_hz.shape()
            )))
        }
    };
    let f = frequency_hz.as_array();
    let zv = z.as_array();
    let outcomes: Vec<Outcome> = py.detach(|| {
        let f_shared: Vec<f64> = if shared {
            f.iter().copied().collect()
        } else {
            Vec::new()
        };
        (0..n)
            .into_par_iter()
            .map(|k| {
                let freq = if shared {
                    f_shared.clone()
                } else {
                    f.index_axis(numpy::ndarray::Axis(0), k).iter().copied().collect()
                };
                let row: Vec<Complex64> = zv.index_axis(numpy::ndarray::Axis(0), k).iter().copied().collect();
                let s = Spectrum::new(freq, row).map_err(BatchError::Spectrum)?;
                eisfit::fit(&plan.circuit, &s, &plan.options).map_err(BatchError::Fit)
            })
            .collect()
    });
    collect(py, plan, outcomes, None, keep_going)
}

/// Fits a list of spectra, each a tuple `(frequency_hz, z, sigma or None, file or None, sweep or None)`, in
/// parallel, the GIL released.
#[pyfunction]
#[pyo3(signature = (plan, spectra, keep_going=false))]
pub fn fit_list(
    py: Python<'_>,
    plan: &FitPlan,
    spectra: Vec<Bound<'_, PyTuple>>,
    keep_going: bool,
) -> PyResult<Py<PyList>> {
    let mut built: Vec<Result<Spectrum, PyErr>> = Vec::with_capacity(spectra.len());
    let mut sources = Vec::with_capacity(spectra.len());
    for (k, t) in spectra.iter().enumerate() {
        type Item<'py> = (
            PyReadonlyArray1<'py, f64>,
            PyReadonlyArray1<'py, Complex64>,
            Option<PyReadonlyArray1<'py, Complex64>>,
            Option<String>,
            Option<usize>,
        );
        let (f, z, sigma, file, sweep): Item<'_> = t
            .extract()
            .map_err(|e: PyErr| errors::in_spectrum(k, errors::input(e.value(py).to_string())))?;
        built.push(convert::spectrum(&f, &z, sigma.as_ref()));
        sources.push((file, sweep));
    }
    let mut ready: Vec<Option<Spectrum>> = Vec::with_capacity(built.len());
    for (k, b) in built.into_iter().enumerate() {
        match b {
            Ok(s) => ready.push(Some(s)),
            Err(_) if keep_going => ready.push(None),
            Err(e) => return Err(errors::in_spectrum(k, e)),
        }
    }
    let reports: Vec<Option<Result<FitReport, eisfit::FitError>>> = py.detach(|| {
        ready
            .par_iter()
            .map(|s| s.as_ref().map(|s| eisfit::fit(&plan.circuit, s, &plan.options)))
            .collect()
    });
    let outcomes: Vec<Outcome> = reports
        .into_iter()
        .map(|r| match r {
            Some(r) => r.map_err(BatchError::Fit),
            // Only with keep_going: the spectrum could not be built, and its slot becomes None.
            None => Err(BatchError::Spectrum(eisfit::SpectrumError::TooFewPoints { n: 0 })),
        })
        .collect();
    collect(py, plan, outcomes, Some(sources), keep_going)
}

/// The impedance (complex, Ω) of `circuit` with parameter `values` (a sequence in the circuit's order, or a dict
/// name → value naming every parameter) at `frequency_hz`.
#[pyfunction]
pub fn simulate<'py>(
    py: Python<'py>,
    circuit: &str,
    values: &Bound<'py, PyAny>,
    frequency_hz: PyArrayLike1<'py, f64, AllowTypeChange>,
) -> PyResult<Bound<'py, PyArray1<Complex64>>> {
    let c: Circuit = circuit.parse().map_err(|e| errors::circuit(&e))?;
    let p: Vec<f64> = if let Ok(d) = values.cast::<PyDict>() {
        let mut p = vec![f64::NAN; c.n_params()];
        for (n, v) in named_values(&c, "parameters", d)? {
            let i = c.param_index(&n).map_err(|e| errors::circuit(&e))?;
            p[i] = v;
        }
        if let Some(i) = p.iter().position(|v| v.is_nan()) {
            return Err(errors::input(format!(
                "parameters: no value for {}",
                c.param_names()[i]
            )));
        }
        p
    } else {
        values
            .extract()
            .map_err(|_| errors::input("parameters must be a dict name -> value or a sequence of numbers"))?
    };
    if p.len() != c.n_params() {
        return Err(errors::fit(&eisfit::FitError::WrongLength {
            expected: c.n_params(),
            got: p.len(),
        }));
    }
    let z = c
        .impedance(&p, &to_vec(&frequency_hz))
        .map_err(|e| errors::circuit(&e))?;
    Ok(convert::array(py, z))
}

/// The parameters of `circuit`, in its order: `(name, element label, index within the element, unit)`.
#[pyfunction]
pub fn parameter_names(circuit: &str) -> PyResult<Vec<(String, String, usize, String)>> {
    let c: Circuit = circuit.parse().map_err(|e| errors::circuit(&e))?;
    Ok(c.params()
        .iter()
        .map(|p| {
            let label = c
                .elements()
                .get(p.element())
                .map(|e| e.label().to_string())
                .unwrap_or_default();
            (p.name().to_string(), label, p.index_in_element(), p.unit().to_string())
        })
        .collect())
}
