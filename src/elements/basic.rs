//! Lumped elements: resistor, capacitor, inductor, constant-phase element and modified inductance.

use super::{each, phase, ElementSpec, ParamSpec, POS};
use num_complex::Complex64;
use std::f64::consts::FRAC_PI_2;

/// Resistor. `Z = R`, ∂Z/∂R = 1.
pub(crate) static RESISTOR: ElementSpec = ElementSpec {
    name: "resistor",
    prefix: "R",
    cdc: "R",
    params: &[ParamSpec::new("R", "Ohm", 0.0, POS)],
    eval: |p, fr, z, g| {
        let r = Complex64::new(p[0], 0.0);
        each(fr, z, g, |_| (r, [Complex64::new(1.0, 0.0)]));
    },
};

/// Capacitor. `Z = 1/(jωC) = −j/(ωC)`, ∂Z/∂C = −Z/C.
pub(crate) static CAPACITOR: ElementSpec = ElementSpec {
    name: "capacitor",
    prefix: "C",
    cdc: "C",
    params: &[ParamSpec::new("C", "F", 0.0, POS)],
    eval: |p, fr, z, g| {
        let inv_c = 1.0 / p[0];
        each(fr, z, g, |f| {
            let zi = Complex64::new(0.0, -f.inv_omega * inv_c);
            (zi, [-zi * inv_c])
        });
    },
};

/// Inductor. `Z = jωL`, ∂Z/∂L = jω.
pub(crate) static INDUCTOR: ElementSpec = ElementSpec {
    name: "inductor",
    prefix: "L",
    cdc: "L",
    params: &[ParamSpec::new("L", "H", 0.0, POS)],
    eval: |p, fr, z, g| {
        let l = p[0];
        each(fr, z, g, |f| (f.jomega() * l, [f.jomega()]));
    },
};

/// Constant-phase element (G. J. Brug et al., J. Electroanal. Chem. 176 (1984) 275).
///
/// `Z = 1/(Q(jω)^n) = e^{−ln Q − n·ln ω}·e^{−jnπ/2}`; ∂Z/∂Q = −Z/Q, ∂Z/∂n = −Z·ln(jω) with ln(jω) = ln ω + jπ/2.
pub(crate) static CPE: ElementSpec = ElementSpec {
    name: "constant-phase element",
    prefix: "CPE",
    cdc: "Q",
    params: &[
        ParamSpec::new("Q", "S s^n", 0.0, POS),
        ParamSpec::new("n", "", 0.0, 1.0),
    ],
    eval: |p, fr, z, g| {
        let (q, n) = (p[0], p[1]);
        // The phase factor and ln Q depend only on the parameters: computed once per call. The magnitude goes
        // through the logarithm so that neither Q·ω^n nor its inverse overflows on its own.
        let rot = phase(-n * FRAC_PI_2);
        let ln_q = q.ln();
        let inv_q = 1.0 / q;
        each(fr, z, g, |f| {
            let zi = rot * (-ln_q - n * f.ln_omega).exp();
            (zi, [-zi * inv_q, -zi * f.ln_jomega()])
        });
    },
};

/// Modified inductance, `Z = L·(jω)^α`; ∂Z/∂L = (jω)^α, ∂Z/∂α = Z·ln(jω).
///
/// impedance.py's `La` documents this formula, but its code computes (jωL)^α, which differs unless α = 1: for the
/// same data, eisfit's L equals impedance.py's L^α.
pub(crate) static MODIFIED_INDUCTANCE: ElementSpec = ElementSpec {
    name: "modified inductance",
    prefix: "La",
    cdc: "La",
    params: &[
        ParamSpec::new("L", "Ohm s^alpha", 0.0, POS),
        ParamSpec::new("alpha", "", 0.0, 1.0),
    ],
    eval: |p, fr, z, g| {
        let (l, a) = (p[0], p[1]);
        let rot = phase(a * FRAC_PI_2);
        each(fr, z, g, |f| {
            let s_a = rot * (a * f.ln_omega).exp();
            let zi = s_a * l;
            (zi, [s_a, zi * f.ln_jomega()])
        });
    },
};
