//! `eisfit._eisfit`: the extension module behind the Python package `eisfit`.
//!
//! The core crate knows nothing of Python; this crate turns numpy arrays into [`eisfit::Spectrum`]s, runs the
//! library, and hands back result objects whose `to_dict()` is the CLI's JSON object, serialised with the same
//! types ([`eisfit::record`]). The friendly signatures (keyword arguments, dtype checks, `spectrum=`) live in the
//! pure-Python package around it (`python/eisfit`); the functions here take their arguments in one fixed form.
//!
//! Errors become the exceptions of `eisfit.errors`, with the library's messages.

mod analysis;
mod convert;
mod errors;
mod fitting;
mod read;
mod result;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _eisfit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<fitting::FitPlan>()?;
    m.add_class::<result::FitResult>()?;
    m.add_class::<analysis::KkResult>()?;
    m.add_class::<analysis::DrtResult>()?;
    m.add_function(wrap_pyfunction!(fitting::fit, m)?)?;
    m.add_function(wrap_pyfunction!(fitting::fit_many, m)?)?;
    m.add_function(wrap_pyfunction!(fitting::fit_list, m)?)?;
    m.add_function(wrap_pyfunction!(fitting::simulate, m)?)?;
    m.add_function(wrap_pyfunction!(fitting::parameter_names, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::validate, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::drt, m)?)?;
    m.add_function(wrap_pyfunction!(read::read, m)?)?;
    // `identify`: when the library ranks candidate circuits, add `analysis::identify` here (spectrum arrays plus
    // the options of `eisfit identify`, returning an object whose `to_dict()` is its JSON object, serialised
    // with a record type in `eisfit::record`); `eisfit.identify` in python/eisfit/_api.py already forwards to
    // `_eisfit.identify` whenever it exists.
    Ok(())
}
