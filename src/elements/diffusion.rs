//! Diffusion elements: semi-infinite, finite-space and finite-length Warburg, and the transmission line with a CPE
//! interface.
//!
//! References: E. Warburg, Ann. Phys. 303 (1899) 493; J. Bisquert, Phys. Chem. Chem. Phys. 2 (2000) 4185 (finite
//! Warburg elements and transmission lines); impedance.py's element definitions for the parametrisation.

use super::cmath::{coth_kernel, sech2, tanh};
use super::{ElementSpec, ParamSpec, POS};
use num_complex::Complex64;

/// √(jωτ) = √(ωτ)·e^{jπ/4}.
fn sqrt_jwt(omega: f64, tau: f64) -> Complex64 {
    let m = (omega * tau).sqrt() * std::f64::consts::FRAC_1_SQRT_2;
    Complex64::new(m, m)
}

/// Semi-infinite Warburg, `Z = A_W(1−j)/√ω`; ∂Z/∂A_W = (1−j)/√ω.
pub(crate) static WARBURG: ElementSpec = ElementSpec {
    name: "semi-infinite Warburg",
    prefix: "W",
    cdc: "W",
    params: &[ParamSpec::new("A", "Ohm s^-1/2", 0.0, POS)],
    eval: |p, f, g| {
        let d = Complex64::new(1.0, -1.0) / f.sqrt_omega;
        g[0] = d;
        d * p[0]
    },
};

/// Finite-space ("open") Warburg, reflective boundary: `Z = R·coth(u)/u`, u = √(jωτ).
///
/// ∂Z/∂R = coth(u)/u; ∂Z/∂τ = R·h(u)/(2τ) with h(u) = u·d/du[coth u/u] = −csch²u − coth(u)/u.
pub(crate) static WARBURG_OPEN: ElementSpec = ElementSpec {
    name: "finite-space (open) Warburg",
    prefix: "Wo",
    cdc: "Wo",
    params: &[ParamSpec::new("R", "Ohm", 0.0, POS), ParamSpec::new("tau", "s", 0.0, POS)],
    eval: |p, f, g| {
        let (r, tau) = (p[0], p[1]);
        let u = sqrt_jwt(f.omega, tau);
        let (fu, h) = coth_kernel(u);
        g[0] = fu;
        g[1] = h * (r / (2.0 * tau));
        fu * r
    },
};

/// Finite-length ("short") Warburg, transmissive boundary: `Z = R·tanh(u)/u`, u = √(jωτ).
///
/// ∂Z/∂R = tanh(u)/u; ∂Z/∂τ = R·(sech²u − tanh(u)/u)/(2τ).
pub(crate) static WARBURG_SHORT: ElementSpec = ElementSpec {
    name: "finite-length (short) Warburg",
    prefix: "Ws",
    cdc: "Ws",
    params: &[ParamSpec::new("R", "Ohm", 0.0, POS), ParamSpec::new("tau", "s", 0.0, POS)],
    eval: |p, f, g| {
        let (r, tau) = (p[0], p[1]);
        let u = sqrt_jwt(f.omega, tau);
        let fu = tanh(u) / u;
        g[0] = fu;
        g[1] = (sech2(u) - fu) * (r / (2.0 * tau));
        fu * r
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
    eval: |p, f, g| {
        let (r, q, n) = (p[0], p[1], p[2]);
        let lj = f.ln_jomega();
        let gg = (0.5 * (r.ln() + q.ln() + n * lj)).exp();
        let (fg, h) = coth_kernel(gg);
        g[0] = fg + 0.5 * h;
        g[1] = h * (r / (2.0 * q));
        g[2] = h * lj * (0.5 * r);
        fg * r
    },
};
