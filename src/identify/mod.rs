//! Choosing a circuit: fit every candidate of a library to a spectrum and rank them by an information criterion.
//!
//! # Method
//! 1. **Read the spectrum** once: the distribution of relaxation times ([`drt`](crate::drt())) counts its peaks,
//!    and the linear Kramers–Kronig test ([`lin_kk`](crate::lin_kk())) says whether any circuit can describe it
//!    (a failed test is reported as a warning of the ranking) and how far from it the data lie.
//! 2. **Prune**: a candidate whose circuit has a definite number of relaxations (see [`relaxations`]) more than
//!    [`PEAK_SLACK`] below the DRT's peak count cannot explain the spectrum and is not fitted. Circuits with
//!    distributed elements are always fitted: their peak count is undefined.
//! 3. **Fit** every remaining candidate with the full engine ([`fit`](crate::fit())) from automatic start values:
//!    first from the spectrum's most plausible reading only, then the best [`IdentifyOptions::with_refine`]
//!    candidates again with the engine's whole search, keeping the better of the two fits.
//! 4. **Filter** each fit as a practitioner would ([`Filters`]): converged, no parameter on a bound, CPE exponents
//!    in a plausible range, every parameter determined, no arc far outside the measured window. A failed filter
//!    is a [`Rejection`], kept with its reason.
//! 5. **Rank** by the criterion ([`Criterion`], BIC by default), accepted candidates first; weights
//!    wᵢ = exp(−Δᵢ/2)/Σ exp(−Δⱼ/2) over the accepted ones (Akaike weights for AIC, Schwarz weights for BIC).
//!
//! # Why BIC by default
//! Both criteria are −2 ln L + penalty, with the Gaussian log-likelihood of the weighted residuals: AIC charges
//! 2 per parameter, BIC ln(2N) per parameter (2N residuals). AIC estimates which model predicts new data best and
//! is known to prefer an extra element whenever it buys a little χ², however small; BIC estimates which model
//! is true, assuming one of the candidates is, and its penalty grows with the number of points, so that an
//! arc that only fits noise is not kept as more points are measured. Naming the circuit is the second question.
//! With 2N = 100 residuals BIC charges 4.6 per parameter: an extra `p(R,CPE)` (3 parameters) must lower χ² by a
//! factor exp(13.8/2N) ≈ 15 % to win.
//!
//! The whole procedure is deterministic: every fit is seeded, and the results do not depend on the order in
//! which the candidates run in parallel.
//!
//! # Examples
//! ```
//! use eisfit::identify::{identify, IdentifyOptions};
//! use eisfit::simulate::{log_frequencies, simulate, Noise};
//!
//! let truth: eisfit::Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)".parse()?;
//! let freq = log_frequencies(1e5, 0.1, 8)?;
//! let data = simulate(&truth, &[5.0, 20.0, 1e-6, 0.9, 40.0, 1e-3, 0.8], &freq, Some(Noise::new(0.005, 3)?))?;
//! let candidates = ["R0-p(R1,CPE1)", "R0-p(R1,CPE1)-p(R2,CPE2)", "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)"];
//! let options = IdentifyOptions::default().with_candidates(candidates.iter().map(|s| s.to_string()).collect());
//! let ranking = identify(&data, &options)?;
//! assert_eq!(ranking.best().unwrap().circuit, "R0-p(R1,CPE1)-p(R2,CPE2)");
//! # Ok::<(), eisfit::Error>(())
//! ```

mod filters;
mod library;

pub use filters::{Filters, Rejection, OUTSIDE_WINDOW_MAX_ERROR_PERCENT};
pub use library::{library, relaxations};

use crate::circuit::Circuit;
use crate::drt::{drt, DrtOptions};
use crate::fit::{fit, FitOptions, FitReport};
use crate::spectrum::Spectrum;
use crate::validation::{lin_kk, LinKkOptions};
use rayon::prelude::*;
use serde::Serialize;

/// How many DRT peaks beyond a candidate's relaxations are tolerated before it is pruned: the DRT splits a
/// broad (depressed) arc into up to two or three peaks.
pub const PEAK_SLACK: usize = 3;

/// Why a ranking could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentifyError {
    /// The candidate list is empty.
    #[error("no candidate circuits to rank")]
    NoCandidates,
    /// A candidate is not a valid circuit.
    #[error("candidate {index} ({text:?}) is not a circuit: {message}")]
    BadCandidate {
        /// 0-based position in the list.
        index: usize,
        /// The candidate as given.
        text: String,
        /// The parser's message.
        message: String,
    },
    /// The frequency window leaves no usable spectrum.
    #[error(transparent)]
    Spectrum(#[from] crate::spectrum::SpectrumError),
}

/// The information criterion that ranks the candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Criterion {
    /// Bayesian (Schwarz) information criterion, 2N·ln(χ²/2N) + k·ln(2N). The default (see the module docs).
    #[default]
    Bic,
    /// Akaike information criterion, 2N·ln(χ²/2N) + 2k.
    Aic,
}

/// Options of [`identify`]. `IdentifyOptions::default()` ranks the built-in [`library`] by BIC with the default
/// [`Filters`], fitting with the default [`FitOptions`].
#[derive(Debug, Clone, PartialEq)]
pub struct IdentifyOptions {
    candidates: Option<Vec<String>>,
    criterion: Criterion,
    filters: Filters,
    fit: FitOptions,
    refine: usize,
    prune: bool,
}

impl Default for IdentifyOptions {
    fn default() -> Self {
        IdentifyOptions {
            candidates: None,
            criterion: Criterion::Bic,
            filters: Filters::default(),
            fit: FitOptions::default(),
            refine: 4,
            prune: true,
        }
    }
}

impl IdentifyOptions {
    /// Ranks these circuits (impedance.py notation or CDC) instead of the built-in library.
    #[must_use]
    pub fn with_candidates(mut self, candidates: Vec<String>) -> Self {
        self.candidates = Some(candidates);
        self
    }

    /// The criterion (default [`Criterion::Bic`]).
    #[must_use]
    pub fn with_criterion(mut self, criterion: Criterion) -> Self {
        self.criterion = criterion;
        self
    }

    /// The physics filters (default [`Filters::default`]; [`Filters::none`] ranks on the criterion alone).
    #[must_use]
    pub fn with_filters(mut self, filters: Filters) -> Self {
        self.filters = filters;
        self
    }

    /// Options of every fit: weighting, frequency window (`with_fmin`, `with_fmax`), seed. Start values and
    /// fixed parameters apply only where a candidate has parameters of those names.
    #[must_use]
    pub fn with_fit_options(mut self, options: FitOptions) -> Self {
        self.fit = options;
        self
    }

    /// How many of the best candidates of the first pass are fitted again with the engine's full search
    /// (default 4; 0 keeps the first pass).
    #[must_use]
    pub fn with_refine(mut self, n: usize) -> Self {
        self.refine = n;
        self
    }

    /// Whether candidates with too few relaxations for the DRT's peak count are skipped (default `true`).
    #[must_use]
    pub fn with_pruning(mut self, on: bool) -> Self {
        self.prune = on;
        self
    }
}

/// One fitted candidate of a [`Ranking`].
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Candidate {
    /// The circuit, in impedance.py notation.
    pub circuit: String,
    /// Bayesian information criterion of the fit.
    pub bic: f64,
    /// Akaike information criterion of the fit.
    pub aic: f64,
    /// Akaike or Schwarz weight among the accepted candidates (0 for a rejected one).
    pub weight: f64,
    /// Weighted χ² of the fit.
    pub chi2: f64,
    /// Whether the fit converged.
    pub converged: bool,
    /// The fit (`None` when it could not be run).
    #[serde(skip)]
    pub report: Option<FitReport>,
    /// The fit's warnings, as text.
    pub warnings: Vec<String>,
    /// Why the candidate was set aside, if it was.
    pub rejection: Option<Rejection>,
}

impl Candidate {
    fn criterion(&self, c: Criterion) -> f64 {
        match c {
            Criterion::Bic => self.bic,
            Criterion::Aic => self.aic,
        }
    }
}

/// A candidate that was not fitted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Pruned {
    /// The circuit.
    pub circuit: String,
    /// Its definite number of relaxations.
    pub relaxations: usize,
}

/// The result of [`identify`]: the candidates, best first.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Ranking {
    /// The criterion that ranked them.
    pub criterion: Criterion,
    /// Fitted candidates: accepted ones by increasing criterion, then rejected ones by increasing criterion.
    pub candidates: Vec<Candidate>,
    /// Candidates skipped because the DRT shows more peaks than they have relaxations (plus [`PEAK_SLACK`]).
    pub pruned: Vec<Pruned>,
    /// Number of peaks of the distribution of relaxation times (`None` when it could not be computed).
    pub drt_peaks: Option<usize>,
    /// Whether the spectrum passes the linear Kramers–Kronig test (`None` when it could not be run).
    pub kk_valid: Option<bool>,
    /// Warnings about the ranking as a whole.
    pub warnings: Vec<String>,
}

impl Ranking {
    /// The best accepted candidate, if any was accepted.
    #[must_use]
    pub fn best(&self) -> Option<&Candidate> {
        self.candidates.first().filter(|c| c.rejection.is_none())
    }
}

/// Ranks candidate circuits for `spectrum` (see the [module docs](self) for the method).
///
/// # Errors
/// [`IdentifyError::NoCandidates`] for an empty list, [`IdentifyError::BadCandidate`] for a string that does not
/// parse, [`IdentifyError::Spectrum`] when the frequency window leaves too few points. A candidate whose fit
/// cannot run (more parameters than the data allow) is not an error: it is ranked as rejected.
pub fn identify(spectrum: &Spectrum, options: &IdentifyOptions) -> Result<Ranking, IdentifyError> {
    let texts = options.candidates.clone().unwrap_or_else(library);
    if texts.is_empty() {
        return Err(IdentifyError::NoCandidates);
    }
    let mut circuits = Vec::with_capacity(texts.len());
    for (index, text) in texts.iter().enumerate() {
        let c: Circuit = text
            .parse()
            .map_err(|e: crate::circuit::CircuitError| IdentifyError::BadCandidate {
                index,
                text: text.clone(),
                message: e.to_string(),
            })?;
        if !circuits.iter().any(|d: &Circuit| d.to_string() == c.to_string()) {
            circuits.push(c);
        }
    }
    let window = options.fit.window(spectrum)?;
    let f_range = window.frequency_range();
    let mut warnings = Vec::new();
    let kk = lin_kk(&window, &LinKkOptions::default()).ok();
    if let Some(kk) = &kk {
        if !kk.valid {
            warnings.push(format!(
                "the spectrum fails the Kramers-Kronig test (max residual {:.2} % of |Z|): no circuit of passive \
                 elements can describe it exactly, and the ranking is of the least bad",
                100.0 * kk.max_abs_residual
            ));
        }
    }
    let drt_peaks = drt(&window, &DrtOptions::default()).ok().map(|d| d.peaks.len());
    let mut pruned = Vec::new();
    if let (true, Some(peaks)) = (options.prune, drt_peaks) {
        circuits.retain(|c| match relaxations(c) {
            Some(n) if n + PEAK_SLACK < peaks => {
                pruned.push(Pruned {
                    circuit: c.to_string(),
                    relaxations: n,
                });
                false
            }
            _ => true,
        });
    }
    let quick = options
        .fit
        .clone()
        .with_multistart(0)
        .with_max_evaluations(QUICK_EVALUATIONS);
    let mut fits: Vec<Result<FitReport, String>> = circuits
        .par_iter()
        .map(|c| fit(c, spectrum, &quick).map_err(|e| e.to_string()))
        .collect();
    let ic = |r: &Result<FitReport, String>| match r {
        Ok(r) if r.converged => criterion_of(r, options.criterion),
        _ => f64::INFINITY,
    };
    // Warm starts: the library names the parts of its circuits alike (R0, L0, arc k is p(Rk,CPEk) or p(Rk,Ck)),
    // so the best fit so far gives every candidate that shares parameter names with it a start that already
    // models those parts; the rest is read off the spectrum as before.
    let mut done = std::collections::HashSet::new();
    for _ in 0..WARM_ROUNDS {
        let mut ranked: Vec<usize> = (0..fits.len()).filter(|&i| ic(&fits[i]).is_finite()).collect();
        ranked.sort_by(|&a, &b| ic(&fits[a]).total_cmp(&ic(&fits[b])).then(a.cmp(&b)));
        ranked.truncate(DONORS);
        let mut jobs: Vec<(usize, Vec<(String, f64)>)> = Vec::new();
        for &d in &ranked {
            let Ok(f) = &fits[d] else { continue };
            // A donor's fit gives starts once: the next round only uses donors whose fit changed.
            if !done.insert((d, f.chi2.to_bits())) {
                continue;
            }
            for (i, c) in circuits.iter().enumerate() {
                let start = warm_start(f, c);
                let mut named: Vec<&str> = start.iter().map(|(n, _)| n.as_str()).collect();
                named.sort_unstable();
                named.dedup();
                // Neighbours only: candidates that differ from the donor by about one part (an arc, a tail, an
                // inductance), so that the start is the donor's solution plus one element to place.
                if i != d && !named.is_empty() && c.n_params() <= named.len() + NEIGHBOUR_NEW_PARAMS {
                    jobs.push((i, start));
                }
            }
        }
        let warm: Vec<(usize, Result<FitReport, String>)> = jobs
            .into_par_iter()
            .filter_map(|(i, shared)| {
                let c = &circuits[i];
                let mut o = quick.clone();
                let mut any = false;
                for (name, value) in shared {
                    o = o.with_initial(name, value);
                    any = true;
                }
                any.then(|| (i, fit(c, spectrum, &o).map_err(|e| e.to_string())))
            })
            .collect();
        for (i, r) in warm {
            if better(&r, &fits[i]) {
                fits[i] = r;
            }
        }
    }
    let mut order: Vec<usize> = (0..fits.len()).collect();
    order.sort_by(|&a, &b| ic(&fits[a]).total_cmp(&ic(&fits[b])).then(a.cmp(&b)));
    let again: Vec<usize> = order.into_iter().take(options.refine).collect();
    let refined: Vec<(usize, Result<FitReport, String>)> = again
        .par_iter()
        .map(|&i| (i, fit(&circuits[i], spectrum, &options.fit).map_err(|e| e.to_string())))
        .collect();
    for (i, r) in refined {
        if better(&r, &fits[i]) {
            fits[i] = r;
        }
    }
    let mut candidates: Vec<Candidate> = circuits
        .iter()
        .zip(fits)
        .map(|(c, r)| candidate(c, r, &options.filters, f_range))
        .collect();
    let crit = options.criterion;
    candidates.sort_by(|a, b| {
        a.rejection
            .is_some()
            .cmp(&b.rejection.is_some())
            .then(a.criterion(crit).total_cmp(&b.criterion(crit)))
    });
    let best = candidates
        .iter()
        .filter(|c| c.rejection.is_none())
        .map(|c| c.criterion(crit))
        .fold(f64::INFINITY, f64::min);
    let total: f64 = candidates
        .iter()
        .filter(|c| c.rejection.is_none())
        .map(|c| (-(c.criterion(crit) - best) / 2.0).exp())
        .sum();
    for c in &mut candidates {
        c.weight = if c.rejection.is_none() && total > 0.0 {
            (-(c.criterion(crit) - best) / 2.0).exp() / total
        } else {
            0.0
        };
    }
    if !candidates.iter().any(|c| c.rejection.is_none()) {
        warnings.push("every candidate was rejected: none describes the spectrum by the filters' standards".into());
    }
    Ok(Ranking {
        criterion: crit,
        candidates,
        pruned,
        drt_peaks,
        kk_valid: kk.map(|k| k.valid),
        warnings,
    })
}

/// Rounds of warm starts from the best fit so far (see [`identify`]).
const WARM_ROUNDS: usize = 2;

/// Most parameters a warm-started candidate may have beyond those its donor's fit gives starts for.
const NEIGHBOUR_NEW_PARAMS: usize = 3;

/// How many of the best fits so far give warm starts in each round.
const DONORS: usize = 2;

/// Residual evaluations of one fit before the refinement (the first start of the engine gets at most this).
const QUICK_EVALUATIONS: usize = 1500;

/// Start values for `recipient` from a fit of another candidate: every parameter of the same name, and each
/// arc k's capacitor from the donor's arc k whatever its kind: a capacitance C starts a CPE at Q = C, n = 0.98,
/// and a CPE starts a capacitance at its equivalent C = (Q·R^(1−n))^(1/n) (Brug et al., J. Electroanal. Chem.
/// 176 (1984) 275, for a CPE in parallel with R).
fn warm_start(donor: &FitReport, recipient: &Circuit) -> Vec<(String, f64)> {
    let value = |name: &str| donor.parameter(name).map(|p| p.value).filter(|v| v.is_finite());
    let mut out = Vec::new();
    for name in recipient.param_names() {
        if let Some(v) = value(&name) {
            out.push((name, v));
            continue;
        }
        if let Some(k) = name.strip_prefix("CPE").and_then(|r| r.strip_suffix(".Q")) {
            if let Some(c) = value(&format!("C{k}")) {
                out.push((name.clone(), c));
                out.push((format!("CPE{k}.n"), 0.98));
            }
        } else if let Some(k) = name.strip_prefix('C').filter(|k| k.chars().all(|c| c.is_ascii_digit())) {
            let (q, n, r) = (
                value(&format!("CPE{k}.Q")),
                value(&format!("CPE{k}.n")),
                value(&format!("R{k}")),
            );
            if let (Some(q), Some(n), Some(r)) = (q, n, r) {
                let c = (q * r.powf(1.0 - n)).powf(1.0 / n);
                if c.is_finite() && c > 0.0 {
                    out.push((name, c));
                }
            }
        }
    }
    out
}

/// Whether a new fit of the same candidate is better than the old: converged where the old was not, or a lower χ².
fn better(new: &Result<FitReport, String>, old: &Result<FitReport, String>) -> bool {
    match (new, old) {
        (Ok(new), Ok(old)) => {
            (new.converged && !old.converged) || (new.converged == old.converged && new.chi2 < old.chi2)
        }
        (Ok(_), Err(_)) => true,
        _ => false,
    }
}

fn criterion_of(r: &FitReport, c: Criterion) -> f64 {
    match c {
        Criterion::Bic => r.bic,
        Criterion::Aic => r.aic,
    }
}

/// A fit (or its error) as a judged candidate.
fn candidate(circuit: &Circuit, fit: Result<FitReport, String>, filters: &Filters, f_range: (f64, f64)) -> Candidate {
    match fit {
        Err(message) => Candidate {
            circuit: circuit.to_string(),
            bic: f64::INFINITY,
            aic: f64::INFINITY,
            weight: 0.0,
            chi2: f64::INFINITY,
            converged: false,
            report: None,
            warnings: Vec::new(),
            rejection: Some(Rejection::FitFailed { message }),
        },
        Ok(r) => {
            let rejection = filters.judge(circuit, &r, f_range);
            let finite = |v: f64| if v.is_finite() { v } else { f64::INFINITY };
            Candidate {
                circuit: circuit.to_string(),
                bic: finite(r.bic),
                aic: finite(r.aic),
                weight: 0.0,
                chi2: r.chi2,
                converged: r.converged,
                warnings: r.warnings.iter().map(ToString::to_string).collect(),
                report: Some(r),
                rejection,
            }
        }
    }
}

#[cfg(test)]
mod tests;
