//! Numerically stable complex helpers for the hyperbolic functions of the diffusion elements.
//!
//! Naive `tanh`/`coth` of a complex argument evaluate `cosh` and `sinh`, which overflow to `inf/inf = NaN` once
//! |Re u| exceeds about 710 (impedance.py issue #291). Everything here is written in terms of e^(−2u) with
//! Re u ≥ 0, which lies in the unit disc and never overflows; the odd/even symmetries handle Re u < 0.

use num_complex::Complex64;

const ONE: Complex64 = Complex64::new(1.0, 0.0);

/// e^z − 1 without the cancellation of `exp(z) - 1` for small |z|.
pub(crate) fn expm1(z: Complex64) -> Complex64 {
    if z.norm() < 1e-3 {
        // Taylor series to fifth order: the truncation error is below |z|^6/720 < 1.4e-21 relative to |z|.
        let z2 = z * z;
        z + z2 * (0.5 + z * (1.0 / 6.0 + z * (1.0 / 24.0 + z / 120.0)))
    } else {
        z.exp() - ONE
    }
}

/// (e, 1 − e) with e = e^(−2u), for Re u ≥ 0.
fn parts(u: Complex64) -> (Complex64, Complex64) {
    let m = -expm1(-2.0 * u); // 1 - e^{-2u}
    (ONE - m, m)
}

/// coth u, finite for every u except u = 0.
pub(crate) fn coth(u: Complex64) -> Complex64 {
    if u.re < 0.0 {
        return -coth(-u);
    }
    let (e, one_minus_e) = parts(u);
    (ONE + e) / one_minus_e
}

/// tanh u, finite for every u away from the poles at jπ(k + ½).
pub(crate) fn tanh(u: Complex64) -> Complex64 {
    if u.re < 0.0 {
        return -tanh(-u);
    }
    let (e, one_minus_e) = parts(u);
    one_minus_e / (ONE + e)
}

/// f(u) = coth(u)/u and h(u) = u·f′(u) = −csch²u − coth(u)/u, the kernel of the finite-space Warburg and of
/// the transmission line.
///
/// For small |u| the real part of f is the O(1) term 1/3 under an O(1/u²) imaginary-dominated term, so the closed
/// form would lose it to rounding; a Laurent series is used there instead.
pub(crate) fn coth_kernel(u: Complex64) -> (Complex64, Complex64) {
    if u.norm() < 1e-2 {
        // coth(u)/u = 1/u² + 1/3 − u²/45 + 2u⁴/945 − …; truncation error below |u|⁶/4725 < 3e-16.
        let u2 = u * u;
        let inv = ONE / u2;
        let f = inv + 1.0 / 3.0 - u2 / 45.0 + u2 * u2 * (2.0 / 945.0);
        let h = -2.0 * inv - u2 * (2.0 / 45.0) + u2 * u2 * (8.0 / 945.0);
        (f, h)
    } else {
        let f = coth(u) / u;
        (f, -(csch2(u) + f))
    }
}

/// csch² u = 1/sinh² u.
pub(crate) fn csch2(u: Complex64) -> Complex64 {
    let u = if u.re < 0.0 { -u } else { u };
    let (e, one_minus_e) = parts(u);
    4.0 * e / (one_minus_e * one_minus_e)
}

/// sech² u = 1/cosh² u.
pub(crate) fn sech2(u: Complex64) -> Complex64 {
    let u = if u.re < 0.0 { -u } else { u };
    let (e, _) = parts(u);
    4.0 * e / ((ONE + e) * (ONE + e))
}

/// Returns (x/(1+x), 1/(1+x)) for x = e^{a}·rot with |rot| = 1, without overflow or cancellation when |a| is
/// large.
///
/// Used by the Zarc and Havriliak–Negami elements, where x = (jωτ)^φ spans hundreds of orders of magnitude; the
/// phase factor `rot` = e^{jφπ/2} is computed once per call by the caller.
pub(crate) fn ratios_polar(a: f64, rot: Complex64) -> (Complex64, Complex64) {
    if a > 0.0 {
        // With y = 1/x = e^{-a}·conj(rot) small: x/(1+x) = 1/(1+y), 1/(1+x) = y/(1+y).
        let y = rot.conj() * (-a).exp();
        let d = (ONE + y).inv();
        (d, y * d)
    } else {
        let x = rot * a.exp();
        let d = (ONE + x).inv();
        (x * d, d)
    }
}

/// ln(1 + x) for x = exp(l), without overflow when Re l is large.
pub(crate) fn ln_one_plus_exp(l: Complex64) -> Complex64 {
    if l.re > 0.0 {
        // ln(1 + x) = l + ln(1 + 1/x); the branch is consistent because arg(1+x) = Im l + arg(1 + 1/x) for the
        // |Im l| ≤ π/2 that (jωτ)^φ with 0 < φ ≤ 1 produces.
        l + (ONE + (-l).exp()).ln()
    } else {
        (ONE + l.exp()).ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn close(a: Complex64, b: Complex64, tol: f64) {
        assert!((a - b).norm() <= tol * b.norm().max(1e-300), "{a} vs {b}");
    }

    #[test]
    fn matches_naive_formulas_where_they_work() {
        for &(re, im) in &[(0.3, 0.2), (1.5, -2.0), (-0.7, 0.4), (5.0, 5.0), (2e-4, 1e-4)] {
            let u = Complex64::new(re, im);
            close(coth(u), u.cosh() / u.sinh(), 1e-12);
            close(tanh(u), u.tanh(), 1e-12);
            close(csch2(u), ONE / (u.sinh() * u.sinh()), 1e-11);
            close(sech2(u), ONE / (u.cosh() * u.cosh()), 1e-11);
            close(expm1(u), u.exp() - ONE, 1e-9);
        }
    }

    #[test]
    fn finite_for_huge_arguments() {
        let u = Complex64::new(1e4, 1e4);
        assert_relative_eq!(coth(u).re, 1.0);
        assert_relative_eq!(tanh(u).re, 1.0);
        assert!(csch2(u).norm() < 1e-300);
        assert!(sech2(u).is_finite());
        let rot = Complex64::new(1.0f64.cos(), 1.0f64.sin());
        let (r, s) = ratios_polar(800.0, rot);
        assert_relative_eq!(r.re, 1.0);
        assert!(s.is_finite() && s.norm() < 1e-300);
        let (r, s) = ratios_polar(-800.0, rot);
        assert_relative_eq!(s.re, 1.0);
        assert!(r.is_finite() && r.norm() < 1e-300);
        let l = ln_one_plus_exp(Complex64::new(800.0, 1.0));
        assert_relative_eq!(l.re, 800.0);
    }

    #[test]
    fn small_argument_expm1_is_accurate() {
        let z = Complex64::new(1e-10, -2e-10);
        close(expm1(z), z + z * z / 2.0, 1e-15);
    }
}
