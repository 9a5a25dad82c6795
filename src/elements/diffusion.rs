//! Diffusion elements: semi-infinite, finite-space and finite-length Warburg, and the transmission line with a CPE
//! interface.
//!
//! References: E. Warburg, Ann. Phys. 303 (1899) 493; J. Bisquert, Phys. Chem. Chem. Phys. 2 (2000) 4185 (finite
//! Warburg elements and transmission lines); impedance.py's element definitions for the parametrisation.

use super::cmath::{coth_kernel, sech2, tanh};
use super::{each, phase, ElementSpec, ParamSpec, POS};
use num_complex::Complex64;
use std::f64::consts::{FRAC_1_SQRT_2, FRAC_PI_4};

/// Semi-infinite Warburg, `Z = A_W(1−j)/√ω`; ∂Z/∂A_W = (1−j)/√ω.
pub(crate) static WARBURG: ElementSpec = ElementSpec {
    name: "semi-infinite Warburg",
    prefix: "W",
    cdc: "W",
    params: &[ParamSpec::new("A", "Ohm s^-1/2", 0.0, POS)],
    eval: |p, fr, z, g| {
        let a = p[0];
        each(fr, z, g, |f| {
            let d = Complex64::new(f.inv_sqrt_omega, -f.inv_sqrt_omega);
            (d * a, [d])
        });
    },
};

/// Finite-space ("open") Warburg, reflective boundary: `Z = R·coth(u)/u`, u = √(jωτ).
///
/// ∂Z/∂R = coth(u)/u; ∂Z/∂τ = R·h(u)/(2τ) with h(u) = u·d/du[coth u/u] = −csch²u − coth(u)/u.
pub(crate) static WARBURG_OPEN: ElementSpec = ElementSpec {
    name: "finite-space (open) Warburg",
    prefix: "Wo",
    cdc: "Wo",
    params: &[
        ParamSpec::new("R", "Ohm", 0.0, POS),
        ParamSpec::new("tau", "s", 0.0, POS),
    ],
    eval: |p, fr, z, g| {
        let (r, tau) = (p[0], p[1]);
        // u = √(ωτ)·e^{jπ/4}: the parameter part √τ/√2 is computed once.
        let k = tau.sqrt() * FRAC_1_SQRT_2;
        let dtau = r / (2.0 * tau);
        each(fr, z, g, |f| {
            let m = f.sqrt_omega * k;
            let (fu, h) = coth_kernel(Complex64::new(m, m));
            (fu * r, [fu, h * dtau])
        });
    },
};

/// Finite-length ("short") Warburg, transmissive boundary: `Z = R·tanh(u)/u`, u = √(jωτ).
///
/// ∂Z/∂R = tanh(u)/u; ∂Z/∂τ = R·(sech²u − tanh(u)/u)/(2τ).
pub(crate) static WARBURG_SHORT: ElementSpec = ElementSpec {
    name: "finite-length (short) Warburg",
    prefix: "Ws",
    cdc: "Ws",
    params: &[
        ParamSpec::new("R", "Ohm", 0.0, POS),
        ParamSpec::new("tau", "s", 0.0, POS),
    ],
    eval: |p, fr, z, g| {
        let (r, tau) = (p[0], p[1]);
        let k = tau.sqrt() * FRAC_1_SQRT_2;
        let dtau = r / (2.0 * tau);
        each(fr, z, g, |f| {
            let m = f.sqrt_omega * k;
            let u = Complex64::new(m, m);
            let fu = tanh(u) / u;
            (fu * r, [fu, (sech2(u) - fu) * dtau])
        });
    },
};

/// Transmission line with a CPE interface: `Z = √(R·Zs)·coth√(R/Zs)`, Zs = 1/(Q(jω)^n).
///
/// With g = √(R/Zs) = √(R·Q·(jω)^n), this is `Z = R·coth(g)/g`, and with h(g) = −csch²g − coth(g)/g:
/// ∂Z/∂R = coth(g)/g + h/2, ∂Z/∂Q = R·h/(2Q), ∂Z/∂n = R·h·ln(jω)/2.
pub(crate) static TLMQ: ElementSpec = ElementSpec {
    name: "transmission line with CPE interface",
    prefix: "TLMQ",
    cdc: "Tlmq",
    params: &[
        ParamSpec::new("R", "Ohm", 0.0, POS),
        ParamSpec::new("Q", "S s^n", 0.0, POS),
        ParamSpec::new("n", "", 0.0, 1.0),
    ],
    eval: |p, fr, z, g| {
        let (r, q, n) = (p[0], p[1], p[2]);
        let ln_rq = r.ln() + q.ln();
        let rot = phase(n * FRAC_PI_4);
        let dq = r / (2.0 * q);
        each(fr, z, g, |f| {
            let gg = rot * (0.5 * (ln_rq + n * f.ln_omega)).exp();
            let (fg, h) = coth_kernel(gg);
            (fg * r, [fg + 0.5 * h, h * dq, h * f.ln_jomega() * (0.5 * r)])
        });
    },
};
