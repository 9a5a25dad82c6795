//! Fitting an ordered series of spectra (temperatures, cycles), each started from the previous result.

use super::{fit, FitError, FitOptions, FitReport};
use crate::circuit::Circuit;
use crate::spectrum::Spectrum;
use serde::Serialize;

/// The fits of a series, in input order.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesFit {
    /// One result per spectrum: a report, or the error that prevented the fit.
    pub fits: Vec<Result<FitReport, FitError>>,
    /// For each spectrum, whether its fit was started from the previous result (`true`) or from automatic start
    /// values (`false`: the first spectrum, or a warm start that did not converge).
    pub warm_started: Vec<bool>,
}

/// No parameter on a bound, and a standard error for every free parameter.
fn clean(r: &FitReport) -> bool {
    r.parameters
        .iter()
        .all(|p| !p.at_bound && (p.fixed || p.stderr.is_some()))
}

/// Fits `spectra` in order. The first is fitted with `options`; each next one starts from the previous converged
/// parameters (no extra random starts). When that warm start does not converge, the spectrum is fitted again with
/// `options` as given (automatic start values and multi-start), which is reported in
/// [`SeriesFit::warm_started`]. A warm start that converged but left a parameter on a bound or undetermined is
/// compared with such a fresh fit, and the lower χ² is kept.
///
/// This is the workflow of a temperature series or of tracking resistances over cycles: neighbouring spectra
/// have similar parameters, and starting from the neighbour keeps the labelling of the arcs consistent.
///
/// # Examples
/// ```
/// use eisfit::{fit_series, Circuit, FitOptions};
/// use eisfit::simulate::{log_frequencies, simulate};
///
/// let c: Circuit = "R0-p(R1,CPE1)".parse()?;
/// let f = log_frequencies(1e6, 1.0, 8)?;
/// let spectra: Vec<_> = [100.0, 60.0, 35.0]
///     .iter()
///     .map(|&r| simulate(&c, &[5.0, r, 1e-6, 0.9], &f, None))
///     .collect::<Result<_, _>>()?;
/// let series = fit_series(&c, &spectra, &FitOptions::default());
/// assert_eq!(series.warm_started, [false, true, true]);
/// let r1 = series.fits[2].as_ref().unwrap().parameter("R1").unwrap().value;
/// assert!((r1 - 35.0).abs() < 1e-6);
/// # Ok::<(), eisfit::Error>(())
/// ```
#[must_use]
pub fn fit_series(circuit: &Circuit, spectra: &[Spectrum], options: &FitOptions) -> SeriesFit {
    let mut fits = Vec::with_capacity(spectra.len());
    let mut warm = Vec::with_capacity(spectra.len());
    let mut previous: Option<Vec<f64>> = None;
    for s in spectra {
        let attempt: Option<Result<FitReport, FitError>> = previous.as_ref().map(|p| {
            // The previous result replaces every start value, the user's named ones included: those are for the
            // first spectrum, and pinning later ones to them would undo the warm start.
            let mut o = options.clone().with_initial_values(p.clone()).with_multistart(0);
            o.initial.clear();
            fit(circuit, s, &o)
        });
        let (result, was_warm) = match attempt {
            // A clean warm start is kept as it is: it converged, no parameter sits on a bound, and every
            // parameter has an error.
            Some(Ok(r)) if r.converged && clean(&r) => (Ok(r), true),
            // A doubtful warm start competes with a fresh automatic fit; the lower χ² wins.
            Some(Ok(r)) if r.converged => match fit(circuit, s, options) {
                Ok(fresh) if fresh.converged && fresh.chi2 < r.chi2 => (Ok(fresh), false),
                _ => (Ok(r), true),
            },
            _ => (fit(circuit, s, options), false),
        };
        if let Ok(r) = &result {
            if r.converged {
                previous = Some(r.values());
            }
        }
        fits.push(result);
        warm.push(was_warm);
    }
    SeriesFit {
        fits,
        warm_started: warm,
    }
}
