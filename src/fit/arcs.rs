//! The arcs of a fitted circuit: effective capacitance and apex frequency of every resistor in parallel with a
//! CPE or a capacitor, and of every Zarc, the standard way to tell a bulk arc (pF) from a grain-boundary (nF) or
//! an interface arc (µF).
//!
//! # Formula
//! For R‖CPE, with Z_CPE = 1/(Q(jω)^n), the arc's time constant is τ = (R·Q)^(1/n); its apex (the maximum of −Z″)
//! lies at f = 1/(2πτ), and the effective capacitance is C_eff = τ/R = (R·Q)^(1/n)/R (G. J. Brug et al., J.
//! Electroanal. Chem. 176 (1984) 275; C. H. Hsu and F. Mansfeld, Corrosion 57 (2001) 747, whose
//! C = 1/(R·ω_max) is the same quantity). R‖C is the case n = 1 (C_eff = C), and a Zarc with R and τ gives
//! C_eff = τ/R.
//!
//! Standard errors follow from the fit's covariance to first order (delta method on ln C_eff and ln f).

use std::f64::consts::PI;

use serde::Serialize;

use super::FitReport;
use crate::circuit::{Circuit, Node};
use crate::elements::ElementKind;

/// One arc of a fitted circuit: a resistor in parallel with a CPE or a capacitor, or a Zarc.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArcEstimate {
    /// The resistance's parameter name (`R1`, or `Zarc1.R`).
    pub resistor: String,
    /// The capacitive element's label (`CPE1`, `C1`, or `Zarc1`).
    pub capacitor: String,
    /// Effective capacitance C_eff in F.
    pub c_eff_f: f64,
    /// Its standard error in F, when the fit has a covariance.
    pub c_eff_stderr_f: Option<f64>,
    /// Apex frequency of the arc (the maximum of −Z″), in Hz.
    pub apex_frequency_hz: f64,
    /// Its standard error in Hz, when the fit has a covariance.
    pub apex_frequency_stderr_hz: Option<f64>,
}

/// The arcs of `circuit` with the fitted values of `report`, in the order they appear in the circuit.
///
/// # Examples
/// ```
/// use eisfit::{fit, Circuit, FitOptions};
/// use eisfit::simulate::{log_frequencies, simulate};
///
/// let c: Circuit = "R0-p(R1,CPE1)".parse()?;
/// let s = simulate(&c, &[10.0, 1e4, 1e-9, 0.9], &log_frequencies(1e7, 1.0, 10)?, None)?;
/// let report = fit(&c, &s, &FitOptions::default())?;
/// let arcs = eisfit::fit::arcs(&c, &report);
/// // C_eff = (R·Q)^(1/n)/R: a bulk-like arc of some hundred pF.
/// let expected = (1e4f64 * 1e-9).powf(1.0 / 0.9) / 1e4;
/// assert!((arcs[0].c_eff_f / expected - 1.0).abs() < 1e-6);
/// # Ok::<(), eisfit::Error>(())
/// ```
#[must_use]
pub fn arcs(circuit: &Circuit, report: &FitReport) -> Vec<ArcEstimate> {
    let values = report.values();
    if values.len() != circuit.n_params() {
        return Vec::new();
    }
    let mut out = Vec::new();
    collect(circuit.root(), circuit, &values, report, &mut out);
    out
}

/// The index of parameter `symbol` of the element labelled `label`.
fn index(circuit: &Circuit, label: &str, symbol: &str) -> Option<usize> {
    circuit
        .params()
        .iter()
        .position(|p| p.symbol() == symbol && circuit.elements().get(p.element()).is_some_and(|e| e.label() == label))
}

fn collect(node: &Node, circuit: &Circuit, values: &[f64], report: &FitReport, out: &mut Vec<ArcEstimate>) {
    match node {
        Node::Element(e) if e.kind() == ElementKind::Zarc => {
            let (Some(r), Some(t)) = (index(circuit, e.label(), "R"), index(circuit, e.label(), "tau")) else {
                return;
            };
            // ln τ/R and ln 1/(2πτ): gradients in (R, τ).
            let (rv, tv) = (values[r], values[t]);
            let c = [(r, -1.0 / rv), (t, 1.0 / tv)];
            let f = [(t, -1.0 / tv)];
            push(
                out,
                report,
                (circuit.params()[r].name(), e.label()),
                (tv / rv, &c),
                (1.0 / (2.0 * PI * tv), &f),
            );
        }
        Node::Element(_) => {}
        Node::Series(children) => children.iter().for_each(|n| collect(n, circuit, values, report, out)),
        Node::Parallel(children) => {
            if let [Node::Element(a), Node::Element(b)] = children.as_slice() {
                let (res, cap) = if a.kind() == ElementKind::R { (a, b) } else { (b, a) };
                if res.kind() == ElementKind::R {
                    arc_of(res.label(), cap, circuit, values, report, out);
                }
            }
            children.iter().for_each(|n| collect(n, circuit, values, report, out));
        }
    }
}

/// R‖CPE or R‖C.
fn arc_of(
    res: &str,
    cap: &crate::circuit::Element,
    circuit: &Circuit,
    values: &[f64],
    report: &FitReport,
    out: &mut Vec<ArcEstimate>,
) {
    let Some(r) = index(circuit, res, "R") else {
        return;
    };
    let rv = values[r];
    match cap.kind() {
        ElementKind::Cpe => {
            let (Some(q), Some(n)) = (index(circuit, cap.label(), "Q"), index(circuit, cap.label(), "n")) else {
                return;
            };
            let (qv, nv) = (values[q], values[n]);
            // ln τ = (ln R + ln Q)/n; ln C_eff = ln τ − ln R; ln f = −ln 2π − ln τ.
            let ln_rq = rv.ln() + qv.ln();
            let tau = (ln_rq / nv).exp();
            let c = [
                (r, (1.0 / nv - 1.0) / rv),
                (q, 1.0 / (nv * qv)),
                (n, -ln_rq / (nv * nv)),
            ];
            let f = [(r, -1.0 / (nv * rv)), (q, -1.0 / (nv * qv)), (n, ln_rq / (nv * nv))];
            push(
                out,
                report,
                (circuit.params()[r].name(), cap.label()),
                (tau / rv, &c),
                (1.0 / (2.0 * PI * tau), &f),
            );
        }
        ElementKind::C => {
            let Some(ci) = index(circuit, cap.label(), "C") else {
                return;
            };
            let cv = values[ci];
            let f = [(r, -1.0 / rv), (ci, -1.0 / cv)];
            push(
                out,
                report,
                (circuit.params()[r].name(), cap.label()),
                (cv, &[(ci, 1.0 / cv)]),
                (1.0 / (2.0 * PI * rv * cv), &f),
            );
        }
        _ => {}
    }
}

/// Adds the arc of `(resistor, capacitor)` whose C_eff and apex frequency have the given values and gradients of
/// their logarithms (parameter index, ∂ln x/∂p).
fn push(
    out: &mut Vec<ArcEstimate>,
    report: &FitReport,
    (resistor, capacitor): (&str, &str),
    (c_eff, c_grad): (f64, &[(usize, f64)]),
    (apex, f_grad): (f64, &[(usize, f64)]),
) {
    if !(c_eff.is_finite() && apex.is_finite() && c_eff > 0.0) {
        return;
    }
    // σ(ln x)² = gᵀΣg; σ(x) = x·σ(ln x).
    let stderr = |x: f64, g: &[(usize, f64)]| {
        let cov = report.covariance.as_ref()?;
        let mut var = 0.0;
        for &(i, gi) in g {
            for &(j, gj) in g {
                var += gi * gj * cov.get((i, j)).copied()?;
            }
        }
        (var.is_finite() && var >= 0.0).then(|| x * var.sqrt())
    };
    out.push(ArcEstimate {
        resistor: resistor.to_owned(),
        capacitor: capacitor.to_owned(),
        c_eff_f: c_eff,
        c_eff_stderr_f: stderr(c_eff, c_grad),
        apex_frequency_hz: apex,
        apex_frequency_stderr_hz: stderr(apex, f_grad),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fit::{fit, FitOptions};
    use crate::simulate::{log_frequencies, simulate, Noise};

    /// The apex found by evaluating the circuit on a fine grid: the frequency of the largest −Z″ of the arc alone.
    fn numeric_apex(circuit: &str, params: &[f64]) -> f64 {
        let c: Circuit = circuit.parse().unwrap();
        let f = log_frequencies(1e9, 1e-3, 4000).unwrap();
        let z = c.impedance(params, &f).unwrap();
        let (k, _) = z.iter().enumerate().fold(
            (0, f64::NEG_INFINITY),
            |(bk, bv), (k, z)| if -z.im > bv { (k, -z.im) } else { (bk, bv) },
        );
        f[k]
    }

    #[test]
    fn apex_and_effective_capacitance_match_the_arc_itself() {
        let cases: [(&str, &str, Vec<f64>); 4] = [
            ("R0-p(R1,CPE1)", "p(R1,CPE1)", vec![10.0, 1e4, 1e-9, 0.85]),
            ("R0-p(CPE1,R1)", "p(CPE1,R1)", vec![10.0, 2e-7, 0.7, 300.0]),
            ("R0-p(R1,C1)", "p(R1,C1)", vec![10.0, 50.0, 2e-6]),
            ("R0-Zarc1", "Zarc1", vec![10.0, 80.0, 3e-4, 0.8]),
        ];
        for (text, arc, params) in cases {
            let c: Circuit = text.parse().unwrap();
            let f = log_frequencies(1e7, 1e-2, 10).unwrap();
            let s = simulate(&c, &params, &f, Some(Noise::new(0.002, 5).unwrap())).unwrap();
            let report = fit(&c, &s, &FitOptions::default()).unwrap();
            let found = arcs(&c, &report);
            assert_eq!(found.len(), 1, "{text}");
            // The true arc's apex, found numerically from the true parameters of the arc alone.
            let truth = numeric_apex(arc, &params[1..]);
            let a = &found[0];
            assert!(
                (a.apex_frequency_hz / truth - 1.0).abs() < 0.02,
                "{text}: {} vs {truth}",
                a.apex_frequency_hz
            );
            // Hsu–Mansfeld: C = 1/(R·ω_max), with the fitted R.
            let r = report.parameters.iter().find(|p| p.name == a.resistor).unwrap().value;
            let c_hm = 1.0 / (r * 2.0 * PI * a.apex_frequency_hz);
            assert!((a.c_eff_f / c_hm - 1.0).abs() < 1e-9, "{text}");
            let (ce, fe) = (a.c_eff_stderr_f.unwrap(), a.apex_frequency_stderr_hz.unwrap());
            assert!(ce > 0.0 && ce < 0.1 * a.c_eff_f && fe > 0.0, "{text}: {a:?}");
        }
        // R‖C: C_eff is C itself.
        let c: Circuit = "R0-p(R1,C1)".parse().unwrap();
        let s = simulate(&c, &[10.0, 50.0, 2e-6], &log_frequencies(1e6, 1.0, 10).unwrap(), None).unwrap();
        let report = fit(&c, &s, &FitOptions::default()).unwrap();
        assert!((arcs(&c, &report)[0].c_eff_f / 2e-6 - 1.0).abs() < 1e-6);
    }

    #[test]
    fn delta_method_errors_match_a_monte_carlo_of_the_parameters() {
        let c: Circuit = "R0-p(R1,CPE1)".parse().unwrap();
        let params = [10.0, 1e4, 1e-9, 0.85];
        let f = log_frequencies(1e7, 1.0, 8).unwrap();
        let base = fit(&c, &simulate(&c, &params, &f, None).unwrap(), &FitOptions::default()).unwrap();
        let mut ln_c = Vec::new();
        for seed in 0..200 {
            let s = simulate(&c, &params, &f, Some(Noise::new(0.01, seed).unwrap())).unwrap();
            let r = fit(&c, &s, &FitOptions::default()).unwrap();
            ln_c.push(arcs(&c, &r)[0].c_eff_f.ln());
        }
        let m = ln_c.iter().sum::<f64>() / ln_c.len() as f64;
        let sd = (ln_c.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (ln_c.len() - 1) as f64).sqrt();
        // One noisy fit's propagated relative error against the scatter of ln C_eff over 200 noisy fits.
        let s = simulate(&c, &params, &f, Some(Noise::new(0.01, 1000).unwrap())).unwrap();
        let r = fit(&c, &s, &FitOptions::default()).unwrap();
        let a = &arcs(&c, &r)[0];
        let rel = a.c_eff_stderr_f.unwrap() / a.c_eff_f;
        assert!((rel / sd - 1.0).abs() < 0.3, "propagated {rel} vs Monte-Carlo {sd}");
        assert!(base.covariance.is_some());
    }
}
