//! Lumped elements: resistor, capacitor, inductor, constant-phase element and modified inductance.

use super::{ElementSpec, ParamSpec, POS};
use num_complex::Complex64;

/// Resistor. `Z = R`, ∂Z/∂R = 1.
pub(crate) static RESISTOR: ElementSpec = ElementSpec {
    name: "resistor",
    prefix: "R",
    cdc: "R",
    params: &[ParamSpec::new("R", "Ohm", 0.0, POS)],
    eval: |p, _f, g| {
        g[0] = Complex64::new(1.0, 0.0);
        Complex64::new(p[0], 0.0)
    },
};

/// Capacitor. `Z = 1/(jωC) = −j/(ωC)`, ∂Z/∂C = −Z/C.
pub(crate) static CAPACITOR: ElementSpec = ElementSpec {
    name: "capacitor",
    prefix: "C",
    cdc: "C",
    params: &[ParamSpec::new("C", "F", 0.0, POS)],
    eval: |p, f, g| {
        let z = Complex64::new(0.0, -1.0 / (f.omega * p[0]));
        g[0] = -z / p[0];
        z
    },
};

/// Inductor. `Z = jωL`, ∂Z/∂L = jω.
pub(crate) static INDUCTOR: ElementSpec = ElementSpec {
    name: "inductor",
    prefix: "L",
    cdc: "L",
    params: &[ParamSpec::new("L", "H", 0.0, POS)],
    eval: |p, f, g| {
        g[0] = f.jomega();
        f.jomega() * p[0]
    },
};

/// Constant-phase element (Brug et al., J. Electroanal. Chem. 176 (1984) 275).
///
/// `Z = 1/(Q(jω)^n) = exp(−ln Q − n·ln(jω))`; ∂Z/∂Q = −Z/Q, ∂Z/∂n = −Z·ln(jω) with ln(jω) = ln ω + jπ/2.
pub(crate) static CPE: ElementSpec = ElementSpec {
    name: "constant-phase element",
    prefix: "CPE",
    cdc: "Q",
    params: &[ParamSpec::new("Q", "S s^n", 0.0, POS), ParamSpec::new("n", "", 0.0, 1.0)],
    eval: |p, f, g| {
        let (q, n) = (p[0], p[1]);
        let lj = f.ln_jomega();
        // Via the logarithm, so that neither Q·ω^n nor its inverse overflows on its own.
        let z = (-(q.ln()) - n * lj).exp();
        g[0] = -z / q;
        g[1] = -z * lj;
        z
    },
};

/// Modified inductance, `Z = L·(jω)^α`; ∂Z/∂L = (jω)^α, ∂Z/∂α = Z·ln(jω).
///
/// impedance.py's `La` documents this formula but its code computes (jωL)^α, which differs unless α = 1: a fit
/// with eisfit gives L_eisfit = L_impy^α for the same data.
pub(crate) static MODIFIED_INDUCTANCE: ElementSpec = ElementSpec {
    name: "modified inductance",
    prefix: "La",
    cdc: "La",
    params: &[ParamSpec::new("L", "Ohm s^alpha", 0.0, POS), ParamSpec::new("alpha", "", 0.0, 1.0)],
    eval: |p, f, g| {
        let (l, a) = (p[0], p[1]);
        let lj = f.ln_jomega();
        let s_a = (a * lj).exp();
        let z = s_a * l;
        g[0] = s_a;
        g[1] = z * lj;
        z
    },
};

