//! Diffusion elements: semi-infinite, finite-space and finite-length Warburg (with the exponent ½ of ideal diffusion
//! or a free one), and the transmission line with a CPE interface.
//!
//! References: E. Warburg, Ann. Phys. 303 (1899) 493; J. Bisquert, Phys. Chem. Chem. Phys. 2 (2000) 4185 (finite
//! Warburg elements and transmission lines); impedance.py's element definitions for the parametrisation. The
//! free-exponent ("anomalous", generalised) finite Warburg elements are those of J. Bisquert, G. Garcia-Belmonte,
//! F. Fabregat-Santiago and A. Compte, Electrochem. Commun. 1 (1999) 429, in the R, T, P parametrisation of ZView's
//! Ws and Wo and of the AutoECM labelled set (J. Schaeffer et al., J. Electrochem. Soc. 170 (2023) 060512).

use super::cmath::{coth_kernel, sech2, tanh};
use super::{each, phase, ElementSpec, ParamSpec, POS};
use num_complex::Complex64;
use std::f64::consts::{FRAC_1_SQRT_2, FRAC_PI_2, FRAC_PI_4};

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

/// u = (jωτ)^p = e^{p·ln(ωτ)}·e^{jpπ/2} and ln(jωτ), for the free-exponent Warburg elements.
///
/// The modulus is computed in log space and capped at e^{300}: beyond it tanh u and coth u are 1 to the last bit
/// and Z ∝ 1/u is below any measurable value, so the cap changes nothing but keeps u and 1/u finite.
#[inline(always)]
fn anomalous_argument(p: f64, ln_tau: f64, rot: Complex64, f: &super::FreqPoint) -> (Complex64, Complex64) {
    let ln_wt = f.ln_omega + ln_tau;
    let u = rot * (p * ln_wt).clamp(-300.0, 300.0).exp();
    (u, Complex64::new(ln_wt, FRAC_PI_2))
}

/// f(u) = tanh(u)/u and u·f′(u) = sech²u − f(u), the kernel of the finite-length Warburg.
fn tanh_kernel(u: Complex64) -> (Complex64, Complex64) {
    let f = tanh(u) / u;
    (f, sech2(u) - f)
}

/// Z = R·f(u), u = (jωτ)^p, for a kernel returning f(u) and u·f′(u): ∂Z/∂R = f, ∂Z/∂τ = R·p·u·f′/τ,
/// ∂Z/∂p = R·u·f′·ln(jωτ).
fn anomalous(
    p: &[f64],
    fr: &[super::FreqPoint],
    z: &mut [Complex64],
    g: &mut [Complex64],
    kernel: fn(Complex64) -> (Complex64, Complex64),
) {
    let (r, tau, ex) = (p[0], p[1], p[2]);
    let ln_tau = tau.ln();
    let rot = phase(ex * FRAC_PI_2);
    let dtau = r * ex / tau;
    each(fr, z, g, |f| {
        let (u, ln_jwt) = anomalous_argument(ex, ln_tau, rot, f);
        let (fu, h) = kernel(u);
        (fu * r, [fu, h * dtau, h * ln_jwt * r])
    });
}

/// Finite-length Warburg with a free exponent, transmissive boundary: `Z = R·tanh(u)/u`, u = (jωτ)^p.
///
/// With f(u) = tanh(u)/u and u·f′(u) = sech²u − f(u), and ∂u/∂τ = p·u/τ, ∂u/∂p = u·ln(jωτ):
/// ∂Z/∂R = f(u); ∂Z/∂τ = R·p·(sech²u − f)/τ; ∂Z/∂p = R·(sech²u − f)·ln(jωτ). p = ½ is [`WARBURG_SHORT`].
pub(crate) static WARBURG_SHORT_ANOMALOUS: ElementSpec = ElementSpec {
    name: "finite-length (short) Warburg with free exponent",
    prefix: "Wsp",
    cdc: "Wsp",
    params: &[
        ParamSpec::new("R", "Ohm", 0.0, POS),
        ParamSpec::new("tau", "s", 0.0, POS),
        ParamSpec::new("p", "", 0.0, 1.0),
    ],
    eval: |p, fr, z, g| anomalous(p, fr, z, g, tanh_kernel),
};

/// Finite-space Warburg with a free exponent, reflective boundary: `Z = R·coth(u)/u`, u = (jωτ)^p.
///
/// With f(u) = coth(u)/u and h(u) = u·f′(u) = −csch²u − coth(u)/u: ∂Z/∂R = f(u); ∂Z/∂τ = R·p·h/τ;
/// ∂Z/∂p = R·h·ln(jωτ). p = ½ is [`WARBURG_OPEN`].
pub(crate) static WARBURG_OPEN_ANOMALOUS: ElementSpec = ElementSpec {
    name: "finite-space (open) Warburg with free exponent",
    prefix: "Wop",
    cdc: "Wop",
    params: &[
        ParamSpec::new("R", "Ohm", 0.0, POS),
        ParamSpec::new("tau", "s", 0.0, POS),
        ParamSpec::new("p", "", 0.0, 1.0),
    ],
    eval: |p, fr, z, g| anomalous(p, fr, z, g, coth_kernel),
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
