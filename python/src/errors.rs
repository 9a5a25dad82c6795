//! Library errors as the exceptions of `eisfit.errors`, with the library's messages.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::error::Error;

/// The message of `e` as the CLI prints it: its text, then each cause whose text is not already part of it.
pub fn message(e: &dyn Error) -> String {
    let mut msg = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        cause = c.source();
    }
    msg
}

/// An exception of class `eisfit.errors.<class>` with `msg` (a `ValueError` when that module cannot be imported,
/// as when the extension is loaded outside its package).
pub fn raise(class: &str, msg: impl Into<String>) -> PyErr {
    let msg = msg.into();
    Python::attach(|py| {
        let made = py
            .import("eisfit.errors")
            .and_then(|m| m.getattr(class))
            .and_then(|cls| cls.call1((msg.clone(),)));
        match made {
            Ok(exc) => PyErr::from_value(exc),
            Err(_) => PyValueError::new_err(msg),
        }
    })
}

/// An invalid argument (`eisfit.errors.InputError`, a `ValueError`).
pub fn input(msg: impl Into<String>) -> PyErr {
    raise("InputError", msg)
}

/// A circuit that cannot be parsed, or a parameter name it does not have.
pub fn circuit(e: &eisfit::CircuitError) -> PyErr {
    raise("CircuitError", message(e))
}

/// Points that do not make a spectrum.
pub fn spectrum(e: &eisfit::SpectrumError) -> PyErr {
    raise("SpectrumError", message(e))
}

/// A fit that cannot be run, as the class of its cause where it has one.
pub fn fit(e: &eisfit::FitError) -> PyErr {
    match e {
        eisfit::FitError::Circuit(c) => circuit(c),
        eisfit::FitError::Spectrum(s) => spectrum(s),
        other => raise("FitError", message(other)),
    }
}

/// A file that cannot be read.
pub fn read(e: &eisfit::ReadError) -> PyErr {
    raise("ReadError", message(e))
}

/// A Kramers–Kronig test that cannot be run.
pub fn kk(e: &eisfit::KkError) -> PyErr {
    raise("ValidationError", message(e))
}

/// A distribution of relaxation times that cannot be computed.
pub fn drt(e: &eisfit::DrtError) -> PyErr {
    raise("DrtError", message(e))
}

/// `msg` prefixed with the spectrum it concerns, in batches.
pub fn in_spectrum(k: usize, e: PyErr) -> PyErr {
    Python::attach(|py| {
        let text = e.value(py).to_string();
        let cls = e.get_type(py);
        match cls.call1((format!("spectrum {k}: {text}"),)) {
            Ok(exc) => PyErr::from_value(exc),
            Err(_) => e,
        }
    })
}
