//! Elements with distributed time constants: Gerischer (semi-infinite and finite-length), the Voigt RC element
//! in τ form, Zarc and Havriliak–Negami.
//!
//! References: H. Gerischer, Z. Phys. Chem. 198 (1951) 286; S. Havriliak and S. Negami, Polymer 8 (1967) 161;
//! K. S. Cole and R. H. Cole, J. Chem. Phys. 9 (1941) 341; B. A. Boukamp and H. J. M. Bouwmeester, Solid State
//! Ionics 157 (2003) 29 (finite-length Gerischer).

use super::cmath::{coth, csch2, ln_one_plus_exp, ratios_polar};
use super::{each, phase, ElementSpec, ParamSpec, POS};
use num_complex::Complex64;
use std::f64::consts::FRAC_PI_2;

/// Gerischer element, `Z = R/√(1+jωτ)`; ∂Z/∂R = Z/R, ∂Z/∂τ = −Z·jω/(2(1+jωτ)).
pub(crate) static GERISCHER: ElementSpec = ElementSpec {
    name: "Gerischer",
    prefix: "G",
    cdc: "G",
    params: &[
        ParamSpec::new("R", "Ohm", 0.0, POS),
        ParamSpec::new("tau", "s", 0.0, POS),
    ],
    eval: |p, fr, z, g| {
        let (r, tau) = (p[0], p[1]);
        each(fr, z, g, |f| {
            let v = Complex64::new(1.0, f.omega * tau);
            let inv_w = v.sqrt().inv();
            let zi = inv_w * r;
            (zi, [inv_w, -zi * f.jomega() / (2.0 * v)])
        });
    },
};

/// Finite-length Gerischer, `Z = R/(w·tanh(φw)) = R·coth(φw)/w` with w = √(1+jωτ).
///
/// ∂Z/∂R = Z/R; ∂Z/∂φ = −R·csch²(φw); ∂Z/∂τ = −(R/w)·(φ·csch²(φw) + coth(φw)/w)·jω/(2w).
pub(crate) static GERISCHER_FINITE: ElementSpec = ElementSpec {
    name: "finite-length Gerischer",
    prefix: "Gs",
    cdc: "Gs",
    params: &[
        ParamSpec::new("R", "Ohm", 0.0, POS),
        ParamSpec::new("tau", "s", 0.0, POS),
        ParamSpec::new("phi", "", 0.0, POS),
    ],
    eval: |p, fr, z, g| {
        let (r, tau, phi) = (p[0], p[1], p[2]);
        each(fr, z, g, |f| {
            let w = Complex64::new(1.0, f.omega * tau).sqrt();
            let x = w * phi;
            let ct = coth(x);
            let c2 = csch2(x);
            let dz_dw = -(c2 * phi + ct / w) * (r / w);
            (ct / w * r, [ct / w, dz_dw * f.jomega() / (2.0 * w), -c2 * r])
        });
    },
};

/// Voigt element in τ form (impedance.py's `K`), `Z = R/(1+jωτ)`; ∂Z/∂R = Z/R, ∂Z/∂τ = −Z·jω/(1+jωτ).
pub(crate) static VOIGT: ElementSpec = ElementSpec {
    name: "Voigt RC (tau form)",
    prefix: "K",
    cdc: "K",
    params: &[
        ParamSpec::new("R", "Ohm", 0.0, POS),
        ParamSpec::new("tau", "s", 0.0, POS),
    ],
    eval: |p, fr, z, g| {
        let (r, tau) = (p[0], p[1]);
        each(fr, z, g, |f| {
            let inv_v = Complex64::new(1.0, f.omega * tau).inv();
            let zi = inv_v * r;
            (zi, [inv_v, -zi * f.jomega() * inv_v])
        });
    },
};

/// Zarc (Cole–Cole) element, `Z = R/(1+x)` with x = (jωτ)^φ.
///
/// ∂Z/∂R = Z/R; ∂Z/∂τ = −Z·φ·x/((1+x)τ); ∂Z/∂φ = −Z·ln(jωτ)·x/(1+x). Equivalent to R‖CPE with
/// τ = (R·Q)^(1/φ).
pub(crate) static ZARC: ElementSpec = ElementSpec {
    name: "Zarc",
    prefix: "Zarc",
    cdc: "Zarc",
    params: &[
        ParamSpec::new("R", "Ohm", 0.0, POS),
        ParamSpec::new("tau", "s", 0.0, POS),
        ParamSpec::new("phi", "", 0.0, 1.0),
    ],
    eval: |p, fr, z, g| {
        let (r, tau, phi) = (p[0], p[1], p[2]);
        let ln_tau = tau.ln();
        let rot = phase(phi * FRAC_PI_2);
        each(fr, z, g, |f| {
            let lt = Complex64::new(f.ln_omega + ln_tau, FRAC_PI_2);
            let (ratio, inv1px) = ratios_polar(phi * lt.re, rot);
            let zi = inv1px * r;
            (zi, [inv1px, -zi * ratio * (phi / tau), -zi * ratio * lt])
        });
    },
};

/// Havriliak–Negami relaxation, `Z = R/(1+x)^β` with x = (jωτ)^α.
///
/// ∂Z/∂R = Z/R; ∂Z/∂τ = −Z·β·α·x/((1+x)τ); ∂Z/∂α = −Z·β·ln(jωτ)·x/(1+x); ∂Z/∂β = −Z·ln(1+x).
pub(crate) static HAVRILIAK_NEGAMI: ElementSpec = ElementSpec {
    name: "Havriliak-Negami",
    prefix: "HN",
    cdc: "Hn",
    params: &[
        ParamSpec::new("R", "Ohm", 0.0, POS),
        ParamSpec::new("tau", "s", 0.0, POS),
        ParamSpec::new("alpha", "", 0.0, 1.0),
        ParamSpec::new("beta", "", 0.0, 1.0),
    ],
    eval: |p, fr, z, g| {
        let (r, tau, alpha, beta) = (p[0], p[1], p[2], p[3]);
        let ln_tau = tau.ln();
        let rot = phase(alpha * FRAC_PI_2);
        each(fr, z, g, |f| {
            let lt = Complex64::new(f.ln_omega + ln_tau, FRAC_PI_2);
            let l = lt * alpha;
            let (ratio, _) = ratios_polar(l.re, rot);
            let l1px = ln_one_plus_exp(l);
            let m = (-beta * l1px).exp();
            let zi = m * r;
            (
                zi,
                [
                    m,
                    -zi * ratio * (beta * alpha / tau),
                    -zi * ratio * lt * beta,
                    -zi * l1px,
                ],
            )
        });
    },
};
