use super::lin_kk::roughness_variance;
use super::voigt::{log_taus, mu, voigt_kernel, VoigtModel};
use super::*;
use crate::simulate::{log_frequencies, simulate, Noise};
use crate::{Circuit, Spectrum};
use approx::assert_relative_eq;
use num_complex::Complex64;
use proptest::prelude::*;

fn spectrum(circuit: &str, params: &[f64], noise: Option<f64>) -> Spectrum {
    let c: Circuit = circuit.parse().unwrap();
    let f = log_frequencies(1e5, 0.1, 10).unwrap();
    simulate(&c, params, &f, noise.map(|r| Noise::new(r, 11).unwrap())).unwrap()
}

#[test]
fn mu_follows_schoenleber_as_impedancepy_tests_it() {
    // impedance.py's test_calc_mu.
    assert_relative_eq!(mu(&[1.0, 2.0, 3.0, -3.0, -2.0, -1.0]), 0.0);
    assert_relative_eq!(mu(&[-1.0, 2.0, 4.0, -3.0, 4.0, -1.0]), 0.5);
    assert_relative_eq!(mu(&[1.0, 2.0]), 1.0);
    assert!(mu(&[-1.0]).is_infinite());
}

#[test]
fn time_constants_span_the_inverse_angular_frequencies() {
    // impedance.py's test_get_tc_distribution: ω from 1000 to 0.1 rad/s, three elements.
    let t = log_taus(1.0 / 1000.0, 1.0 / 0.1, 3);
    for (got, want) in t.iter().zip([0.001, 0.1, 10.0]) {
        assert_relative_eq!(*got, want, max_relative = 1e-12);
    }
}

/// The O(N·M) complex fit against a dense least-squares fit built column by column.
#[test]
fn fast_gram_assembly_agrees_with_dense_least_squares() {
    let s = spectrum("R0-p(R1,CPE1)-L1", &[10.0, 50.0, 1e-4, 0.8, 1e-6], Some(0.01));
    let omega = s.omega();
    for imm in [Immittance::Impedance, Immittance::Admittance] {
        let x: Vec<Complex64> = match imm {
            Immittance::Impedance => s.z().to_vec(),
            Immittance::Admittance => s.z().iter().map(|z| z.inv()).collect(),
        };
        let model = VoigtModel {
            immittance: imm,
            taus: log_taus(1e-7, 10.0, 12),
            capacitance: true,
            inductance: true,
        };
        let fast = model.fit(&omega, &x, KkFitMode::Complex).unwrap();
        // Dense: stack real and imaginary rows, solve with nalgebra's SVD.
        let n = 15;
        let rows = 2 * omega.len();
        let mut a = nalgebra::DMatrix::<f64>::zeros(rows, n);
        let mut b = nalgebra::DVector::<f64>::zeros(rows);
        for (i, (&w, &xi)) in omega.iter().zip(&x).enumerate() {
            let mut cols = vec![Complex64::new(1.0, 0.0)];
            for &t in &model.taus {
                let k = voigt_kernel(t, w);
                cols.push(match imm {
                    Immittance::Impedance => k,
                    Immittance::Admittance => 1.0 - k,
                });
            }
            let (c, l) = match imm {
                Immittance::Impedance => (Complex64::new(0.0, -1.0 / w), Complex64::new(0.0, w)),
                Immittance::Admittance => (Complex64::new(0.0, w), Complex64::new(0.0, -1.0 / w)),
            };
            cols.push(c);
            cols.push(l);
            let wt = 1.0 / xi.norm();
            for (j, c) in cols.iter().enumerate() {
                a[(2 * i, j)] = c.re * wt;
                a[(2 * i + 1, j)] = c.im * wt;
            }
            b[2 * i] = xi.re * wt;
            b[2 * i + 1] = xi.im * wt;
        }
        let sol = a.clone().svd(true, true).solve(&b, 1e-14).unwrap();
        let dense_rss = (&a * &sol - &b).norm_squared();
        assert_relative_eq!(fast.sum_sq, dense_rss, max_relative = 1e-6);
    }
}

#[test]
fn recovers_a_voigt_circuit_on_the_grid_exactly() {
    // Three RC elements at time constants of a 3-element grid without extension: the model is exact.
    let (f_hi, f_lo) = (1e4, 1.0);
    let taus = log_taus(
        1.0 / (std::f64::consts::TAU * f_hi),
        1.0 / (std::f64::consts::TAU * f_lo),
        3,
    );
    let r = [20.0, 5.0, 40.0];
    let circuit: Circuit = "R0-p(R1,C1)-p(R2,C2)-p(R3,C3)".parse().unwrap();
    let p = [7.0, r[0], taus[0] / r[0], r[1], taus[1] / r[1], r[2], taus[2] / r[2]];
    let f = log_frequencies(f_hi, f_lo, 10).unwrap();
    let s = simulate(&circuit, &p, &f, None).unwrap();
    let opts = LinKkOptions::default()
        .with_extension_decades(0.0)
        .with_immittance(Immittance::Impedance)
        .with_selection(RcSelection::Fixed(3));
    let kk = lin_kk(&s, &opts).unwrap();
    assert!(kk.valid);
    assert!(kk.max_abs_residual < 1e-9, "{}", kk.max_abs_residual);
    assert_relative_eq!(kk.model.offset, 7.0, max_relative = 1e-7);
    for (got, want) in kk.model.coefficients.iter().zip(r) {
        assert_relative_eq!(*got, want, max_relative = 1e-7);
    }
    assert_relative_eq!(kk.mu, 1.0);
}

#[test]
fn a_noisy_valid_spectrum_passes_at_its_noise_level() {
    let s = spectrum(
        "R0-p(R1,CPE1)-p(R2,CPE2)",
        &[5.0, 30.0, 1e-6, 0.9, 80.0, 1e-3, 0.75],
        Some(0.002),
    );
    let kk = lin_kk(&s, &LinKkOptions::default()).unwrap();
    assert!(kk.valid, "ratio {}", kk.noise_ratio);
    // pseudo-χ² per degree of freedom estimates the relative noise variance of each part (0.2 %)².
    assert!(
        (kk.pseudo_chi2.sqrt() / 0.002 - 1.0).abs() < 0.25,
        "{}",
        kk.pseudo_chi2.sqrt()
    );
    assert!((kk.noise_variance.sqrt() / 0.002 - 1.0).abs() < 0.25);
}

#[test]
fn a_drifting_spectrum_fails() {
    // R1 grows by 0.5 % per point while the sweep goes to low frequency: not a time-invariant system.
    let c: Circuit = "R0-p(R1,CPE1)".parse().unwrap();
    let f = log_frequencies(1e5, 0.1, 10).unwrap();
    let clean = simulate(&c, &[10.0, 100.0, 1e-5, 0.85], &f, None).unwrap();
    let mut z = Vec::new();
    for (i, &fi) in f.iter().enumerate() {
        let p = [10.0, 100.0 * (1.0 + 0.005 * i as f64), 1e-5, 0.85];
        z.push(c.impedance(&p, &[fi]).unwrap()[0]);
    }
    let noisy = |z: Vec<Complex64>| {
        // Add 0.05 % noise from the simulator's generator.
        let base = simulate(&c, &[10.0, 100.0, 1e-5, 0.85], &f, Some(Noise::new(0.0005, 5).unwrap())).unwrap();
        let z: Vec<Complex64> = z
            .iter()
            .zip(base.z().iter().zip(clean.z()))
            .map(|(zi, (b, c))| zi + (b - c))
            .collect();
        Spectrum::new(f.clone(), z).unwrap()
    };
    let drifting = lin_kk(&noisy(z), &LinKkOptions::default()).unwrap();
    let steady = lin_kk(&noisy(clean.z().to_vec()), &LinKkOptions::default()).unwrap();
    assert!(steady.valid, "steady ratio {}", steady.noise_ratio);
    assert!(!drifting.valid, "drifting ratio {}", drifting.noise_ratio);
    assert!(drifting.pseudo_chi2 > 5.0 * steady.pseudo_chi2);
}

#[test]
fn a_negative_resistance_is_tested_in_the_admittance_form() {
    // R0 in series with a negative resistance ‖ C: τ = R1·C1 < 0 puts a pole of Z in the right half-plane, so Z
    // is not Kramers–Kronig compliant, but with R0 + R1 < 0 the zero of Z, the pole of Y = 1/Z, lies in the
    // left half-plane: the admittance is (pyimpspec's mock circuits 8 and 9 are of this kind).
    let s = spectrum("R0-p(R1,C1)", &[50.0, -80.0, 1e-5], Some(0.001));
    let kk = lin_kk(&s, &LinKkOptions::default()).unwrap();
    assert!(kk.valid, "ratio {} with {:?}", kk.noise_ratio, kk.model.immittance);
    assert_eq!(kk.model.immittance, Immittance::Admittance);
    let z_only = lin_kk(&s, &LinKkOptions::default().with_immittance(Immittance::Impedance)).unwrap();
    assert!(!z_only.valid);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let f = vec![1e3, 1e2, 10.0, 1.0, 0.1];
    let z = vec![Complex64::new(10.0, -1.0); 5];
    let s = Spectrum::new(f.clone(), z).unwrap();
    assert!(matches!(
        lin_kk(&s, &LinKkOptions::default()),
        Err(KkError::TooFewPoints { n: 5, min: 6 })
    ));
    let mut f6 = f;
    f6.push(0.01);
    let mut z6 = vec![Complex64::new(10.0, -1.0); 6];
    z6[2] = Complex64::new(0.0, 0.0);
    let s = Spectrum::new(f6, z6).unwrap();
    assert!(matches!(
        lin_kk(&s, &LinKkOptions::default()),
        Err(KkError::ZeroImpedance { index: 2 })
    ));
    let good = spectrum("R0-p(R1,C1)", &[1.0, 2.0, 1e-3], None);
    for bad in [
        LinKkOptions::default().with_selection(RcSelection::Mu { cutoff: 1.5 }),
        LinKkOptions::default().with_selection(RcSelection::Fixed(0)),
        LinKkOptions::default().with_extension_decades(f64::NAN),
        LinKkOptions::default().with_noise_ratio_limit(0.5),
        LinKkOptions::default().with_max_rc_per_decade(0.0),
    ] {
        assert!(
            matches!(lin_kk(&good, &bad), Err(KkError::InvalidOption { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn roughness_of_white_noise_estimates_its_variance() {
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let n = 4000;
    let f: Vec<f64> = (0..n).map(|i| 1.0 + i as f64).collect();
    let r: Vec<Complex64> = (0..n)
        .map(|_| {
            let a: f64 = StandardNormal.sample(&mut rng);
            let b: f64 = StandardNormal.sample(&mut rng);
            Complex64::new(0.01 * a, 0.01 * b)
        })
        .collect();
    assert_relative_eq!(roughness_variance(&f, &r), 1e-4, max_relative = 0.05);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn any_finite_spectrum_gives_a_result_or_an_error(
        n in 1usize..40,
        seed in 0u64..1000,
        scale in -3.0f64..6.0,
    ) {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let f: Vec<f64> = (0..n).map(|i| 10f64.powf(4.0 - 0.2 * i as f64)).collect();
        let z: Vec<Complex64> = (0..n)
            .map(|_| Complex64::new(rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0)) * 10f64.powf(scale))
            .collect();
        let Ok(s) = Spectrum::new(f, z) else { return Ok(()) };
        match lin_kk(&s, &LinKkOptions::default()) {
            Ok(kk) => {
                prop_assert_eq!(kk.residual_real.len(), n);
                prop_assert!(kk.pseudo_chi2.is_finite() && kk.pseudo_chi2 >= 0.0);
                prop_assert!(kk.n_rc >= 1);
            }
            Err(e) => {
                let expected = n < MIN_POINTS || matches!(e, KkError::Singular | KkError::ZeroImpedance { .. });
                prop_assert!(expected, "unexpected error {}", e);
            }
        }
    }
}
