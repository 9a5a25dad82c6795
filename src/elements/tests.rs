//! Element tests: closed forms, analytic derivatives against central differences, and overflow safety.

use super::*;
use approx::assert_relative_eq;

fn j() -> Complex64 {
    Complex64::new(0.0, 1.0)
}

fn naive(kind: ElementKind, p: &[f64], omega: f64) -> Complex64 {
    let s = j() * omega;
    let one = Complex64::new(1.0, 0.0);
    match kind {
        ElementKind::R => one * p[0],
        ElementKind::C => one / (s * p[0]),
        ElementKind::L => s * p[0],
        ElementKind::Cpe => one / (s.powf(p[1]) * p[0]),
        ElementKind::W => Complex64::new(1.0, -1.0) * p[0] / omega.sqrt(),
        ElementKind::Wo => {
            let u = (s * p[1]).sqrt();
            p[0] * u.cosh() / u.sinh() / u
        }
        ElementKind::Ws => {
            let u = (s * p[1]).sqrt();
            p[0] * u.tanh() / u
        }
        ElementKind::Wsp => {
            let u = (s * p[1]).powf(p[2]);
            p[0] * u.tanh() / u
        }
        ElementKind::Wop => {
            let u = (s * p[1]).powf(p[2]);
            p[0] * u.cosh() / u.sinh() / u
        }
        ElementKind::G => p[0] / (one + s * p[1]).sqrt(),
        ElementKind::Gs => {
            let w = (one + s * p[1]).sqrt();
            p[0] / (w * (w * p[2]).tanh())
        }
        ElementKind::K => p[0] / (one + s * p[1]),
        ElementKind::Zarc => p[0] / (one + (s * p[1]).powf(p[2])),
        ElementKind::La => p[0] * s.powf(p[1]),
        ElementKind::Hn => p[0] / (one + (s * p[1]).powf(p[2])).powf(p[3]),
        ElementKind::Tlmq => {
            let zs = one / (s.powf(p[2]) * p[1]);
            (zs * p[0]).sqrt() * coth_naive((p[0] / zs).sqrt())
        }
    }
}

fn coth_naive(u: Complex64) -> Complex64 {
    u.cosh() / u.sinh()
}

/// Typical parameter values for each kind (moderate, so that the naive formulas are accurate).
fn typical(kind: ElementKind) -> Vec<f64> {
    match kind {
        ElementKind::R => vec![12.0],
        ElementKind::C => vec![2e-6],
        ElementKind::L => vec![3e-7],
        ElementKind::Cpe => vec![1.5e-5, 0.85],
        ElementKind::W => vec![40.0],
        ElementKind::Wo | ElementKind::Ws => vec![50.0, 0.3],
        ElementKind::Wsp | ElementKind::Wop => vec![50.0, 0.3, 0.37],
        ElementKind::G | ElementKind::K => vec![20.0, 1e-3],
        ElementKind::Gs => vec![20.0, 1e-3, 1.3],
        ElementKind::Zarc => vec![30.0, 2e-4, 0.8],
        ElementKind::La => vec![1e-6, 0.9],
        ElementKind::Hn => vec![30.0, 2e-4, 0.8, 0.7],
        ElementKind::Tlmq => vec![100.0, 1e-4, 0.9],
    }
}

const OMEGAS: [f64; 7] = [1e-2, 0.7, 3.0, 60.0, 1.1e3, 4e4, 6e6];

#[test]
fn every_element_matches_its_closed_form() {
    for kind in ElementKind::ALL {
        let p = typical(kind);
        for &w in &OMEGAS {
            let fp = FreqPoint::from_hz(w / std::f64::consts::TAU);
            let z = kind.impedance(&p, &fp);
            let want = naive(kind, &p, w);
            if !want.is_finite() {
                continue; // the naive formula overflowed: covered by `finite_where_naive_formulas_overflow`
            }
            assert!(
                (z - want).norm() <= 1e-9 * want.norm(),
                "{kind} at ω={w}: {z} vs closed form {want}"
            );
        }
    }
}

#[test]
fn analytic_derivatives_match_central_differences() {
    for kind in ElementKind::ALL {
        let p = typical(kind);
        for &w in &OMEGAS {
            let fp = FreqPoint::from_hz(w / std::f64::consts::TAU);
            let mut grad = vec![Complex64::new(0.0, 0.0); p.len()];
            let z = kind.eval(&p, &fp, &mut grad);
            for k in 0..p.len() {
                let h = p[k] * 1e-6;
                let mut pp = p.clone();
                pp[k] += h;
                let zp = kind.impedance(&pp, &fp);
                pp[k] -= 2.0 * h;
                let zm = kind.impedance(&pp, &fp);
                let fd = (zp - zm) / (2.0 * h);
                // Compare on the scale of Z/p, the natural size of a derivative.
                let scale = fd.norm().max(z.norm() / p[k]) * 1e-6;
                assert!(
                    (grad[k] - fd).norm() <= scale,
                    "{kind}.{} at ω={w}: analytic {} vs FD {fd}",
                    kind.params()[k].symbol(),
                    grad[k]
                );
            }
        }
    }
}

#[test]
fn finite_where_naive_formulas_overflow() {
    // ωτ = 1e9 makes √(jωτ) ≈ 2e4: cosh/sinh overflow, so a naive coth gives NaN (impedance.py #291).
    let fp = FreqPoint::from_hz(1e6);
    for kind in [
        ElementKind::Wo,
        ElementKind::Ws,
        ElementKind::Wsp,
        ElementKind::Wop,
        ElementKind::Gs,
        ElementKind::Tlmq,
    ] {
        let p: Vec<f64> = match kind {
            ElementKind::Tlmq => vec![1e6, 1e3, 1.0],
            ElementKind::Gs => vec![10.0, 1e3, 5e3],
            ElementKind::Wsp | ElementKind::Wop => vec![10.0, 1e3, 0.99],
            _ => vec![10.0, 1e3],
        };
        let mut grad = vec![Complex64::new(0.0, 0.0); p.len()];
        let z = kind.eval(&p, &fp, &mut grad);
        assert!(
            z.is_finite() && grad.iter().all(|g| g.is_finite()),
            "{kind}: {z} {grad:?}"
        );
        assert!(
            naive(kind, &p, fp.omega).is_nan(),
            "the naive {kind} formula was expected to overflow"
        );
    }
    // Zarc and HN with (ωτ)^φ far beyond f64's range.
    let fp = FreqPoint::from_hz(1e7);
    for (kind, p) in [
        (ElementKind::Zarc, vec![10.0, 1e300, 1.0]),
        (ElementKind::Hn, vec![10.0, 1e300, 1.0, 0.5]),
    ] {
        let mut grad = vec![Complex64::new(0.0, 0.0); p.len()];
        let z = kind.eval(&p, &fp, &mut grad);
        assert!(
            z.is_finite() && grad.iter().all(|g| g.is_finite()),
            "{kind}: {z} {grad:?}"
        );
    }
    // Tiny arguments: Wo tends to R/(jωτ)·… and must not lose all its digits.
    let fp = FreqPoint::from_hz(1e-9);
    let z = ElementKind::Wo.impedance(&[1.0, 1e-3], &fp);
    let u2 = j() * fp.omega * 1e-3;
    let want = Complex64::new(1.0, 0.0) / u2 + 1.0 / 3.0;
    assert_relative_eq!(z.re, want.re, max_relative = 1e-9);
    assert_relative_eq!(z.im, want.im, max_relative = 1e-9);
}

#[test]
fn limits_reduce_to_simpler_elements() {
    let fp = FreqPoint::from_hz(123.0);
    // CPE with n = 1 is a capacitor; Zarc with φ = 1 is R‖C with τ = RC; La with α = 1 is an inductor.
    let c = ElementKind::C.impedance(&[3e-6], &fp);
    let q = ElementKind::Cpe.impedance(&[3e-6, 1.0], &fp);
    assert_relative_eq!(c.im, q.im, max_relative = 1e-12);
    assert!(q.re.abs() < 1e-9 * q.norm());
    let zarc = ElementKind::Zarc.impedance(&[10.0, 10.0 * 3e-6, 1.0], &fp);
    let rc = Complex64::new(1.0, 0.0) / (Complex64::new(0.1, 0.0) + Complex64::new(1.0, 0.0) / c);
    assert_relative_eq!(zarc.re, rc.re, max_relative = 1e-12);
    assert_relative_eq!(zarc.im, rc.im, max_relative = 1e-12);
    let hn = ElementKind::Hn.impedance(&[10.0, 10.0 * 3e-6, 1.0, 1.0], &fp);
    assert_relative_eq!(hn.im, zarc.im, max_relative = 1e-12);
    let la = ElementKind::La.impedance(&[2e-4, 1.0], &fp);
    let l = ElementKind::L.impedance(&[2e-4], &fp);
    assert_relative_eq!(la.im, l.im, max_relative = 1e-12);
}

#[test]
fn free_exponent_warburgs_reduce_to_the_ideal_ones_at_one_half() {
    for (free, ideal) in [(ElementKind::Wsp, ElementKind::Ws), (ElementKind::Wop, ElementKind::Wo)] {
        for &w in &OMEGAS {
            let fp = FreqPoint::from_hz(w / std::f64::consts::TAU);
            let a = free.impedance(&[50.0, 0.3, 0.5], &fp);
            let b = ideal.impedance(&[50.0, 0.3], &fp);
            assert!(
                (a - b).norm() <= 1e-12 * b.norm(),
                "{free} vs {ideal} at ω={w}: {a} vs {b}"
            );
        }
    }
}

#[test]
fn free_exponent_warburgs_have_their_limits() {
    // Transmissive: Z → R at low frequency; reflective: Z → R/(jωτ)^p·… grows like a CPE of exponent p there.
    // At high frequency both tend to R/(jωτ)^p, a CPE of exponent p (phase −pπ/2).
    let (r, tau, p) = (50.0, 0.3, 0.37);
    let lo = FreqPoint::from_hz(1e-9);
    let zs = ElementKind::Wsp.impedance(&[r, tau, p], &lo);
    assert_relative_eq!(zs.re, r, max_relative = 1e-3);
    let zo = ElementKind::Wop.impedance(&[r, tau, p], &lo);
    assert!(zo.norm() > 1e3 * r);
    let hi = FreqPoint::from_hz(1e9);
    for kind in [ElementKind::Wsp, ElementKind::Wop] {
        let z = kind.impedance(&[r, tau, p], &hi);
        assert_relative_eq!(z.arg(), -p * std::f64::consts::FRAC_PI_2, max_relative = 1e-9);
        let want = r / (hi.omega * tau).powf(p);
        assert_relative_eq!(z.norm(), want, max_relative = 1e-9);
    }
}

#[test]
fn metadata_is_consistent() {
    for kind in ElementKind::ALL {
        assert_eq!(ElementKind::from_prefix(kind.prefix()), Some(kind));
        assert_eq!(ElementKind::from_cdc_symbol(kind.cdc_symbol()), Some(kind));
        let cdc = kind.cdc_symbol();
        assert!(cdc.chars().next().is_some_and(|c| c.is_ascii_uppercase()));
        assert!(cdc.chars().skip(1).all(|c| c.is_ascii_lowercase()));
        assert!(kind.n_params() >= 1 && kind.n_params() <= 4);
        for p in kind.params() {
            let (lo, hi) = p.default_bounds();
            assert!(lo < hi);
        }
    }
}

#[test]
fn series_branch_of_coth_kernel_is_continuous() {
    use super::cmath::coth_kernel;
    let dir = Complex64::new(1.0, 1.0) / 2f64.sqrt();
    let (f_in, h_in) = coth_kernel(dir * (1e-2 * (1.0 - 1e-9)));
    let (f_out, h_out) = coth_kernel(dir * (1e-2 * (1.0 + 1e-9)));
    // The step moves u by 2e-11, which changes the O(1/u²) part by about 4e-9 relatively.
    assert!((f_in - f_out).norm() <= 1e-7 * f_in.norm());
    assert!((h_in - h_out).norm() <= 1e-7 * h_in.norm());
    // The real part (1/3 here) is what the series protects: it must agree to far better than that.
    assert!((f_in.re - f_out.re).abs() < 1e-10, "{} vs {}", f_in.re, f_out.re);
}
