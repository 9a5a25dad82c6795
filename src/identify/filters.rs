//! The physics filters a practitioner applies to a fitted candidate before believing it.

use crate::circuit::{Circuit, Node};
use crate::elements::ElementKind;
use crate::fit::FitReport;
use serde::Serialize;
use std::f64::consts::TAU;

/// Why a fitted candidate was set aside. A rejected candidate stays in the ranking, after every accepted one,
/// with weight 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rejection {
    /// The fit could not be run (too few points for its parameters, for instance).
    FitFailed {
        /// The fit's error message.
        message: String,
    },
    /// The fit did not converge, or its χ² is not finite.
    NotConverged,
    /// A free parameter ended on one of its bounds (a resistance at 0, an exponent at 1): the data ask for a
    /// simpler circuit.
    AtBound {
        /// Parameter name.
        name: String,
        /// Its value.
        value: f64,
    },
    /// A CPE exponent outside the plausible range of an interface (below it, the "arc" is a diffusion tail or
    /// an artefact of fitting noise).
    ImplausibleExponent {
        /// Parameter name.
        name: String,
        /// Its value.
        value: f64,
    },
    /// A parameter the data do not determine: no covariance (singular Jacobian) or a standard error above the
    /// limit.
    Undetermined {
        /// Parameter name (empty when the whole covariance is singular).
        name: String,
        /// Relative standard error in percent (infinite when singular).
        percent: f64,
    },
    /// An arc whose characteristic frequency lies beyond the measured window by more than the allowed margin,
    /// with a parameter whose relative standard error exceeds [`OUTSIDE_WINDOW_MAX_ERROR_PERCENT`]: the data
    /// show at most its flank, which a resistance or a capacitance alone would model.
    ArcOutsideWindow {
        /// The arc's resistor.
        name: String,
        /// Its characteristic frequency 1/(2πτ), Hz.
        freq_hz: f64,
    },
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::FitFailed { message } => write!(f, "the fit could not be run: {message}"),
            Rejection::NotConverged => f.write_str("the fit did not converge"),
            Rejection::AtBound { name, value } => write!(f, "{name} = {value:.4e} is on a bound"),
            Rejection::ImplausibleExponent { name, value } => {
                write!(f, "{name} = {value:.3} is outside the plausible range of an interface")
            }
            Rejection::Undetermined { name, percent } if name.is_empty() => {
                write!(f, "parameters not determined by the data (singular, {percent} %)")
            }
            Rejection::Undetermined { name, percent } => {
                write!(
                    f,
                    "{name} is not determined by the data (standard error {percent:.0} %)"
                )
            }
            Rejection::ArcOutsideWindow { name, freq_hz } => {
                write!(
                    f,
                    "the arc of {name} lies at {freq_hz:.3e} Hz, outside the measured window"
                )
            }
        }
    }
}

/// Settings of the physics filters. `Filters::default()` is what [`identify`](super::identify()) applies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Filters {
    pub(super) min_exponent: f64,
    pub(super) max_relative_error_percent: f64,
    pub(super) window_decades: f64,
    pub(super) reject_at_bound: bool,
}

impl Default for Filters {
    /// CPE exponents from 0.4 (below, a "CPE arc" is a diffusion-like tail), standard errors up to 100 % of the
    /// value, arcs within 2 decades of the measured window, no parameter on a bound.
    fn default() -> Self {
        Filters {
            min_exponent: 0.4,
            max_relative_error_percent: 100.0,
            window_decades: 2.0,
            reject_at_bound: true,
        }
    }
}

impl Filters {
    /// No filter at all: every converged candidate is ranked on the criterion alone.
    #[must_use]
    pub fn none() -> Self {
        Filters {
            min_exponent: 0.0,
            max_relative_error_percent: f64::INFINITY,
            window_decades: f64::INFINITY,
            reject_at_bound: false,
        }
    }

    /// Smallest plausible CPE exponent n (default 0.4).
    #[must_use]
    pub fn with_min_exponent(mut self, n: f64) -> Self {
        self.min_exponent = n;
        self
    }

    /// Largest relative standard error, in percent, of a determined parameter (default 100).
    #[must_use]
    pub fn with_max_relative_error_percent(mut self, percent: f64) -> Self {
        self.max_relative_error_percent = percent;
        self
    }

    /// How many decades beyond the measured window an arc's characteristic frequency may lie (default 2).
    #[must_use]
    pub fn with_window_decades(mut self, decades: f64) -> Self {
        self.window_decades = decades;
        self
    }

    /// Whether a parameter on a bound rejects the candidate (default `true`).
    #[must_use]
    pub fn with_reject_at_bound(mut self, on: bool) -> Self {
        self.reject_at_bound = on;
        self
    }

    /// The first reason to reject `report` (a fit of `circuit` over `f_range` = (lowest, highest) Hz), if any.
    pub(super) fn judge(&self, circuit: &Circuit, report: &FitReport, f_range: (f64, f64)) -> Option<Rejection> {
        if !report.converged || !report.chi2.is_finite() {
            return Some(Rejection::NotConverged);
        }
        let free = || report.parameters.iter().filter(|p| !p.fixed);
        if self.reject_at_bound {
            if let Some(p) = free().find(|p| p.at_bound) {
                return Some(Rejection::AtBound {
                    name: p.name.clone(),
                    value: p.value,
                });
            }
        }
        for (p, meta) in report.parameters.iter().zip(circuit.params()) {
            if meta.kind() == ElementKind::Cpe && meta.symbol() == "n" && p.value < self.min_exponent {
                return Some(Rejection::ImplausibleExponent {
                    name: p.name.clone(),
                    value: p.value,
                });
            }
        }
        if self.max_relative_error_percent.is_finite() {
            if report.covariance.is_none() && report.n_free > 0 {
                return Some(Rejection::Undetermined {
                    name: String::new(),
                    percent: f64::INFINITY,
                });
            }
            let worst = free()
                .map(|p| (p, p.rel_err_percent.unwrap_or(f64::INFINITY)))
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((p, percent)) = worst {
                if percent.is_nan() || percent > self.max_relative_error_percent {
                    return Some(Rejection::Undetermined {
                        name: p.name.clone(),
                        percent,
                    });
                }
            }
        }
        if self.window_decades.is_finite() {
            let values = report.values();
            let margin = 10f64.powf(self.window_decades);
            let (lo, hi) = (f_range.0 / margin, f_range.1 * margin);
            for (name, freq_hz, members) in arc_frequencies(circuit, &values) {
                // Beyond the window the data show only the arc's flank; believed only when the flank pins down
                // every parameter of the arc.
                let loose = members.iter().any(|&i| {
                    report.parameters[i]
                        .rel_err_percent
                        .is_none_or(|e| e.is_nan() || e > OUTSIDE_WINDOW_MAX_ERROR_PERCENT)
                });
                if (freq_hz.is_nan() || freq_hz < lo || freq_hz > hi) && loose {
                    return Some(Rejection::ArcOutsideWindow { name, freq_hz });
                }
            }
        }
        None
    }
}

/// Largest relative standard error, in percent, of the parameters of an arc outside the window for it to be
/// believed: its flank must determine it well, not merely at all.
pub const OUTSIDE_WINDOW_MAX_ERROR_PERCENT: f64 = 10.0;

/// An arc's resistor label, characteristic frequency (Hz) and the indices of its parameters.
type ArcFrequency = (String, f64, Vec<usize>);

/// Characteristic frequencies of the simple arcs of a circuit: every parallel group of exactly one resistor and
/// one capacitor (τ = RC) or CPE (τ = (RQ)^(1/n)), anywhere in the tree, with the resistor's label.
pub(super) fn arc_frequencies(circuit: &Circuit, values: &[f64]) -> Vec<ArcFrequency> {
    let mut out = Vec::new();
    collect_arcs(circuit.root(), circuit, values, &mut out);
    out
}

fn collect_arcs(node: &Node, circuit: &Circuit, values: &[f64], out: &mut Vec<ArcFrequency>) {
    match node {
        Node::Element(_) => {}
        Node::Series(cs) => cs.iter().for_each(|c| collect_arcs(c, circuit, values, out)),
        Node::Parallel(cs) => {
            let label_of = |kind: ElementKind| {
                cs.iter().find_map(|c| match c {
                    Node::Element(e) if e.kind() == kind => Some(e.label().to_string()),
                    _ => None,
                })
            };
            let mut members = Vec::new();
            let mut value = |name: String| {
                circuit.param_index(&name).ok().map(|i| {
                    members.push(i);
                    values[i]
                })
            };
            if cs.len() == 2 {
                if let Some(r_label) = label_of(ElementKind::R) {
                    let r = value(r_label.clone());
                    let tau = if let Some(c) = label_of(ElementKind::C) {
                        r.zip(value(c)).map(|(r, c)| r * c)
                    } else if let Some(q) = label_of(ElementKind::Cpe) {
                        let qv = value(format!("{q}.Q"));
                        let nv = value(format!("{q}.n"));
                        r.zip(qv).zip(nv).map(|((r, q), n)| (r * q).powf(1.0 / n))
                    } else {
                        None
                    };
                    if let Some(tau) = tau {
                        out.push((r_label, 1.0 / (TAU * tau), members));
                    }
                }
            }
            cs.iter().for_each(|c| collect_arcs(c, circuit, values, out));
        }
    }
}
