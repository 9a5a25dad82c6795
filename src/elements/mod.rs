//! The element library: every circuit element's formula, parameters, units, default bounds and analytic
//! derivatives.
//!
//! Each element is described once, by a static [`ElementSpec`] in one of the submodules: its symbols in both circuit
//! notations, its parameters (symbol, unit, default bounds), its documentation and its evaluation function, which
//! returns Z(ω) and ∂Z/∂p for every parameter. Adding an element means writing one spec and listing its
//! [`ElementKind`] variant; nothing else in the crate changes.
//!
//! Conventions: `s = jω` with ω = 2πf in rad/s; square roots and powers of complex numbers take the principal
//! branch; parameters are in SI units (Ω, F, H, s).
//!
//! | kind | impedance.py prefix | CDC | parameters | Z(ω) |
//! |---|---|---|---|---|
//! | [`ElementKind::R`] | `R` | `R` | R | R |
//! | [`ElementKind::C`] | `C` | `C` | C | 1/(jωC) |
//! | [`ElementKind::L`] | `L` | `L` | L | jωL |
//! | [`ElementKind::Cpe`] | `CPE` | `Q` | Q, n | 1/(Q(jω)^n) |
//! | [`ElementKind::W`] | `W` | `W` | A_W | A_W(1−j)/√ω |
//! | [`ElementKind::Wo`] | `Wo` | `Wo` | R, tau | R·coth√(jωτ)/√(jωτ) |
//! | [`ElementKind::Ws`] | `Ws` | `Ws` | R, tau | R·tanh√(jωτ)/√(jωτ) |
//! | [`ElementKind::Wsp`] | `Wsp` | `Wsp` | R, tau, p | R·tanh((jωτ)^p)/(jωτ)^p |
//! | [`ElementKind::Wop`] | `Wop` | `Wop` | R, tau, p | R·coth((jωτ)^p)/(jωτ)^p |
//! | [`ElementKind::G`] | `G` | `G` | R, tau | R/√(1+jωτ) |
//! | [`ElementKind::Gs`] | `Gs` | `Gs` | R, tau, phi | R/(√(1+jωτ)·tanh(φ√(1+jωτ))) |
//! | [`ElementKind::K`] | `K` | `K` | R, tau | R/(1+jωτ) |
//! | [`ElementKind::Zarc`] | `Zarc` | `Zarc` | R, tau, phi | R/(1+(jωτ)^φ) |
//! | [`ElementKind::La`] | `La` | `La` | L, alpha | L(jω)^α |
//! | [`ElementKind::Hn`] | `HN` | `Hn` | R, tau, alpha, beta | R/(1+(jωτ)^α)^β |
//! | [`ElementKind::Tlmq`] | `TLMQ` | `Tlmq` | R, Q, n | √(R·Zs)·coth√(R/Zs), Zs = 1/(Q(jω)^n) |

mod basic;
mod cmath;
mod diffusion;
mod distributed;

use num_complex::Complex64;
use serde::{Deserialize, Serialize};

/// Quantities that depend only on the frequency, computed once per spectrum and shared by every element.
///
/// The reciprocals are there because a division costs several multiplications: an element's hot loop multiplies
/// by them instead of dividing by ω or √ω at every evaluation. Build one with [`FreqPoint::from_hz`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct FreqPoint {
    /// Angular frequency ω = 2πf in rad/s.
    pub omega: f64,
    /// ln ω.
    pub ln_omega: f64,
    /// √ω.
    pub sqrt_omega: f64,
    /// 1/ω.
    pub inv_omega: f64,
    /// 1/√ω.
    pub inv_sqrt_omega: f64,
}

impl FreqPoint {
    /// Precomputes ω, ln ω, √ω and their reciprocals for a frequency in Hz.
    ///
    /// ```
    /// let f = eisfit::elements::FreqPoint::from_hz(1.0);
    /// assert!((f.omega - std::f64::consts::TAU).abs() < 1e-15);
    /// assert!((f.inv_sqrt_omega * f.sqrt_omega - 1.0).abs() < 1e-15);
    /// ```
    #[must_use]
    pub fn from_hz(freq_hz: f64) -> Self {
        let omega = std::f64::consts::TAU * freq_hz;
        let sqrt_omega = omega.sqrt();
        FreqPoint {
            omega,
            ln_omega: omega.ln(),
            sqrt_omega,
            inv_omega: 1.0 / omega,
            inv_sqrt_omega: 1.0 / sqrt_omega,
        }
    }

    /// ln(jω) = ln ω + jπ/2.
    #[must_use]
    pub fn ln_jomega(&self) -> Complex64 {
        Complex64::new(self.ln_omega, std::f64::consts::FRAC_PI_2)
    }

    /// jω.
    #[must_use]
    pub fn jomega(&self) -> Complex64 {
        Complex64::new(0.0, self.omega)
    }
}

/// Signature of an element's evaluation over a frequency grid: given its parameters, write Z(ωᵢ) into `z` and,
/// unless `grad` is empty, ∂Z(ωᵢ)/∂pₖ into `grad[k * freqs.len() + i]` (parameter-major).
///
/// Working on the whole grid at once lets an element compute what depends only on its parameters (ln Q, the phase
/// factor e^{−jnπ/2} of a CPE) once per call instead of once per frequency.
pub type EvalFn = fn(params: &[f64], freqs: &[FreqPoint], z: &mut [Complex64], grad: &mut [Complex64]);

/// Runs `point` at every frequency, storing Z and, when `grad` is non-empty, the gradient.
#[inline(always)]
pub(crate) fn each<const N: usize>(
    freqs: &[FreqPoint],
    z: &mut [Complex64],
    grad: &mut [Complex64],
    point: impl Fn(&FreqPoint) -> (Complex64, [Complex64; N]),
) {
    let nf = freqs.len();
    if grad.is_empty() {
        for (zi, f) in z.iter_mut().zip(freqs) {
            *zi = point(f).0;
        }
    } else {
        for (i, f) in freqs.iter().enumerate() {
            let (zi, g) = point(f);
            z[i] = zi;
            for (k, gk) in g.into_iter().enumerate() {
                grad[k * nf + i] = gk;
            }
        }
    }
}

/// e^{jθ} for a phase θ in radians.
#[inline]
pub(crate) fn phase(theta: f64) -> Complex64 {
    let (s, c) = theta.sin_cos();
    Complex64::new(c, s)
}

/// Metadata of one parameter of an element.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    symbol: &'static str,
    unit: &'static str,
    lower: f64,
    upper: f64,
}

impl ParamSpec {
    pub(crate) const fn new(symbol: &'static str, unit: &'static str, lower: f64, upper: f64) -> Self {
        ParamSpec {
            symbol,
            unit,
            lower,
            upper,
        }
    }

    /// Symbol used in parameter names (`Q` in `CPE1.Q`).
    #[must_use]
    pub fn symbol(&self) -> &'static str {
        self.symbol
    }

    /// SI unit, as plain ASCII (`Ohm`, `F`, `S s^n`, ...). Empty for dimensionless parameters.
    #[must_use]
    pub fn unit(&self) -> &'static str {
        self.unit
    }

    /// Default bounds `(lower, upper)`. Bounds are open: a fit approaches but never reaches them.
    #[must_use]
    pub fn default_bounds(&self) -> (f64, f64) {
        (self.lower, self.upper)
    }
}

/// Everything that defines one element type. One static per element, in the element's submodule.
#[derive(Debug)]
pub struct ElementSpec {
    name: &'static str,
    prefix: &'static str,
    cdc: &'static str,
    params: &'static [ParamSpec],
    eval: EvalFn,
}

const POS: f64 = f64::INFINITY;

/// The kinds of circuit element eisfit knows. See the [module docs](self) for the formulas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ElementKind {
    /// Resistor, Z = R.
    R,
    /// Capacitor, Z = 1/(jωC).
    C,
    /// Inductor, Z = jωL.
    L,
    /// Constant-phase element, Z = 1/(Q(jω)^n).
    Cpe,
    /// Semi-infinite Warburg, Z = A_W(1−j)/√ω.
    W,
    /// Finite-space ("open", reflective boundary) Warburg, Z = R·coth√(jωτ)/√(jωτ).
    Wo,
    /// Finite-length ("short", transmissive boundary) Warburg, Z = R·tanh√(jωτ)/√(jωτ).
    Ws,
    /// Finite-length Warburg with a free exponent p ∈ (0, 1) (transmissive boundary, "anomalous" diffusion),
    /// Z = R·tanh((jωτ)^p)/(jωτ)^p; p = ½ is [`ElementKind::Ws`]. ZView's Ws with a free P.
    Wsp,
    /// Finite-space Warburg with a free exponent p ∈ (0, 1) (reflective boundary), Z = R·coth((jωτ)^p)/(jωτ)^p;
    /// p = ½ is [`ElementKind::Wo`]. ZView's Wo with a free P.
    Wop,
    /// Gerischer element, Z = R/√(1+jωτ).
    G,
    /// Finite-length Gerischer element, Z = R/(√(1+jωτ)·tanh(φ√(1+jωτ))).
    Gs,
    /// Voigt RC element in τ form, Z = R/(1+jωτ).
    K,
    /// Zarc (Cole–Cole) element, Z = R/(1+(jωτ)^φ).
    Zarc,
    /// Modified inductance, Z = L(jω)^α.
    La,
    /// Havriliak–Negami relaxation, Z = R/(1+(jωτ)^α)^β.
    Hn,
    /// Transmission line with a CPE interface, Z = √(R·Zs)·coth√(R/Zs), Zs = 1/(Q(jω)^n).
    Tlmq,
}

impl ElementKind {
    /// Every element kind, in documentation order.
    pub const ALL: [ElementKind; 16] = [
        ElementKind::R,
        ElementKind::C,
        ElementKind::L,
        ElementKind::Cpe,
        ElementKind::W,
        ElementKind::Wo,
        ElementKind::Ws,
        ElementKind::Wsp,
        ElementKind::Wop,
        ElementKind::G,
        ElementKind::Gs,
        ElementKind::K,
        ElementKind::Zarc,
        ElementKind::La,
        ElementKind::Hn,
        ElementKind::Tlmq,
    ];

    fn spec(self) -> &'static ElementSpec {
        match self {
            ElementKind::R => &basic::RESISTOR,
            ElementKind::C => &basic::CAPACITOR,
            ElementKind::L => &basic::INDUCTOR,
            ElementKind::Cpe => &basic::CPE,
            ElementKind::La => &basic::MODIFIED_INDUCTANCE,
            ElementKind::W => &diffusion::WARBURG,
            ElementKind::Wo => &diffusion::WARBURG_OPEN,
            ElementKind::Ws => &diffusion::WARBURG_SHORT,
            ElementKind::Wsp => &diffusion::WARBURG_SHORT_ANOMALOUS,
            ElementKind::Wop => &diffusion::WARBURG_OPEN_ANOMALOUS,
            ElementKind::Tlmq => &diffusion::TLMQ,
            ElementKind::G => &distributed::GERISCHER,
            ElementKind::Gs => &distributed::GERISCHER_FINITE,
            ElementKind::K => &distributed::VOIGT,
            ElementKind::Zarc => &distributed::ZARC,
            ElementKind::Hn => &distributed::HAVRILIAK_NEGAMI,
        }
    }

    /// Human-readable name, e.g. `"constant-phase element"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Type prefix in impedance.py notation (`CPE` in `CPE1`).
    #[must_use]
    pub fn prefix(self) -> &'static str {
        self.spec().prefix
    }

    /// Symbol in Boukamp's circuit description code (`Q` for the CPE). Always an upper-case letter followed by
    /// zero or more lower-case letters.
    #[must_use]
    pub fn cdc_symbol(self) -> &'static str {
        self.spec().cdc
    }

    /// Parameter metadata, in the order parameters are stored.
    #[must_use]
    pub fn params(self) -> &'static [ParamSpec] {
        self.spec().params
    }

    /// Number of parameters.
    #[must_use]
    pub fn n_params(self) -> usize {
        self.spec().params.len()
    }

    /// The kind whose impedance.py prefix is exactly `prefix` (case-sensitive).
    #[must_use]
    pub fn from_prefix(prefix: &str) -> Option<ElementKind> {
        ElementKind::ALL.into_iter().find(|k| k.prefix() == prefix)
    }

    /// The kind whose CDC symbol is exactly `symbol` (case-sensitive).
    #[must_use]
    pub fn from_cdc_symbol(symbol: &str) -> Option<ElementKind> {
        ElementKind::ALL.into_iter().find(|k| k.cdc_symbol() == symbol)
    }

    /// Evaluates Z(ω) at one frequency and writes ∂Z/∂pₖ into `grad`.
    ///
    /// # Panics
    /// If `params.len()` or `grad.len()` differs from [`ElementKind::n_params`] (a programming error; the compiled
    /// evaluator always passes the right lengths).
    pub fn eval(self, params: &[f64], f: &FreqPoint, grad: &mut [Complex64]) -> Complex64 {
        let spec = self.spec();
        assert_eq!(
            params.len(),
            spec.params.len(),
            "wrong number of parameters for {}",
            spec.prefix
        );
        assert_eq!(
            grad.len(),
            spec.params.len(),
            "wrong gradient length for {}",
            spec.prefix
        );
        let mut z = [Complex64::new(0.0, 0.0)];
        (spec.eval)(params, std::slice::from_ref(f), &mut z, grad);
        z[0]
    }

    /// Evaluates Z(ω) only, at one frequency.
    ///
    /// # Panics
    /// If `params.len()` differs from [`ElementKind::n_params`].
    #[must_use]
    pub fn impedance(self, params: &[f64], f: &FreqPoint) -> Complex64 {
        let spec = self.spec();
        assert_eq!(
            params.len(),
            spec.params.len(),
            "wrong number of parameters for {}",
            spec.prefix
        );
        let mut z = [Complex64::new(0.0, 0.0)];
        (spec.eval)(params, std::slice::from_ref(f), &mut z, &mut []);
        z[0]
    }

    /// Evaluation function pointer, for the compiled evaluator's hot loop.
    pub(crate) fn eval_fn(self) -> EvalFn {
        self.spec().eval
    }
}

impl std::fmt::Display for ElementKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.prefix())
    }
}

#[cfg(test)]
mod tests;
