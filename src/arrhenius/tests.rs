//! Unit tests of the Arrhenius fit: exact recovery, statistics, the published separator value and every error.

use super::*;
use approx::assert_relative_eq;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use statrs::distribution::{ContinuousCDF, StudentsT};

const KB: f64 = BOLTZMANN_EV_PER_K;

/// The study's separator measurement range, −10…40 °C in 10 K steps.
const T_C: [f64; 6] = [-10.0, 0.0, 10.0, 20.0, 30.0, 40.0];

fn generate(law: ArrheniusLaw, quantity: Quantity, ea: f64, kappa: f64, t_c: &[f64]) -> Vec<f64> {
    t_c.iter()
        .map(|&t| {
            let t = t + ZERO_CELSIUS_K;
            let y = kappa.ln()
                + match quantity {
                    Quantity::Resistance => ea / (KB * t),
                    Quantity::Conductivity => -ea / (KB * t),
                };
            delinearise(law, quantity, t, y)
        })
        .collect()
}

fn opts(law: ArrheniusLaw, quantity: Quantity) -> ArrheniusOptions {
    ArrheniusOptions::default().with_law(law).with_quantity(quantity)
}

const ALL: [(ArrheniusLaw, Quantity); 4] = [
    (ArrheniusLaw::TPrefactor, Quantity::Resistance),
    (ArrheniusLaw::TPrefactor, Quantity::Conductivity),
    (ArrheniusLaw::Plain, Quantity::Resistance),
    (ArrheniusLaw::Plain, Quantity::Conductivity),
];

#[test]
fn recovers_noise_free_parameters_for_all_laws() {
    for (law, q) in ALL {
        let kappa = match q {
            Quantity::Resistance => 3.0e-5,
            Quantity::Conductivity => 4.0e2,
        };
        let v = generate(law, q, 0.45, kappa, &T_C);
        let fit = fit_arrhenius(&T_C, &v, None, &opts(law, q)).unwrap();
        assert_relative_eq!(fit.activation_energy_ev(), 0.45, max_relative = 1e-10);
        assert_relative_eq!(fit.prefactor(), kappa, max_relative = 1e-8);
        assert_relative_eq!(
            fit.activation_energy_kj_per_mol(),
            0.45 * EV_TO_KJ_PER_MOL,
            max_relative = 1e-10
        );
        assert_relative_eq!(fit.r_squared(), 1.0, epsilon = 1e-12);
        assert!(fit.activation_energy_ev_stderr() < 1e-9);
        assert_eq!(fit.n_points(), 6);
        // Predictions reproduce the generating law, also away from the data.
        let p = fit.predict_kelvin(350.0).unwrap();
        let truth = generate(law, q, 0.45, kappa, &[350.0 - ZERO_CELSIUS_K])[0];
        assert_relative_eq!(p.value, truth, max_relative = 1e-8);
    }
}

#[test]
fn kelvin_input_matches_celsius_input() {
    let v = generate(ArrheniusLaw::TPrefactor, Quantity::Resistance, 0.3, 1e-4, &T_C);
    let t_k: Vec<f64> = T_C.iter().map(|t| t + ZERO_CELSIUS_K).collect();
    let a = fit_arrhenius(&T_C, &v, None, &ArrheniusOptions::default()).unwrap();
    let b = fit_arrhenius(
        &t_k,
        &v,
        None,
        &ArrheniusOptions::default().with_temperature_unit(TemperatureUnit::Kelvin),
    )
    .unwrap();
    assert_relative_eq!(a.activation_energy_ev(), b.activation_energy_ev(), max_relative = 1e-12);
}

/// The study reports E_A ≈ 0.28 eV for the separator from −10…40 °C with the T-prefactor law. Data generated with
/// that law reproduce 0.28 eV only when fitted with the same law; the plain law gives ≈ 0.28 − k_B·T̄ ≈ 0.255 eV.
/// Conversely, plain-law data fitted with the T-prefactor law give ≈ E_A + k_B·T̄.
#[test]
fn published_separator_value_and_law_mismatch() {
    let r = generate(ArrheniusLaw::TPrefactor, Quantity::Resistance, 0.28, 2.0e-6, &T_C);
    let same = fit_arrhenius(&T_C, &r, None, &ArrheniusOptions::default()).unwrap();
    assert_relative_eq!(same.activation_energy_ev(), 0.28, max_relative = 1e-10);

    let t_mean = T_C.iter().map(|t| t + ZERO_CELSIUS_K).sum::<f64>() / T_C.len() as f64;
    let other = fit_arrhenius(&T_C, &r, None, &opts(ArrheniusLaw::Plain, Quantity::Resistance)).unwrap();
    let shift = same.activation_energy_ev() - other.activation_energy_ev();
    // why 1 %: the exact shift is k_B times the least-squares slope of T against 1/T, a mean of T close to T̄.
    assert_relative_eq!(shift, KB * t_mean, max_relative = 0.01);
    assert_relative_eq!(other.activation_energy_ev(), 0.255, epsilon = 0.001);

    // Plain-law data, conductivity form: the T-prefactor fit over-estimates by the same amount.
    let s = generate(ArrheniusLaw::Plain, Quantity::Conductivity, 0.28, 1e3, &T_C);
    let tp = fit_arrhenius(&T_C, &s, None, &opts(ArrheniusLaw::TPrefactor, Quantity::Conductivity)).unwrap();
    assert_relative_eq!(tp.activation_energy_ev() - 0.28, KB * t_mean, max_relative = 0.01);
}

/// Noisy data (2 % Gaussian noise): the 95 % Student-t interval from the reported standard error must cover the
/// true E_A in about 95 % of realisations, and the reported standard error must match the spread of the estimates.
#[test]
fn stderr_is_calibrated_over_many_realisations() {
    let mut rng = ChaCha8Rng::seed_from_u64(20240601);
    let noise = Normal::new(0.0, 0.02).unwrap();
    let truth = generate(ArrheniusLaw::TPrefactor, Quantity::Resistance, 0.28, 2e-6, &T_C);
    let t95 = StudentsT::new(0.0, 1.0, (T_C.len() - 2) as f64)
        .unwrap()
        .inverse_cdf(0.975);
    let m = 4000;
    let (mut covered, mut estimates, mut se2) = (0usize, Vec::with_capacity(m), 0.0);
    for _ in 0..m {
        let v: Vec<f64> = truth.iter().map(|r| r * (1.0 + noise.sample(&mut rng))).collect();
        let fit = fit_arrhenius(&T_C, &v, None, &ArrheniusOptions::default()).unwrap();
        if (fit.activation_energy_ev() - 0.28).abs() <= t95 * fit.activation_energy_ev_stderr() {
            covered += 1;
        }
        estimates.push(fit.activation_energy_ev());
        se2 += fit.activation_energy_ev_stderr().powi(2);
    }
    let coverage = covered as f64 / m as f64;
    assert!((0.935..=0.965).contains(&coverage), "coverage {coverage}");
    let mean = estimates.iter().sum::<f64>() / m as f64;
    let sd = (estimates.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (m - 1) as f64).sqrt();
    // E[s²] equals the true variance, so the rms reported stderr matches the empirical spread.
    assert_relative_eq!((se2 / m as f64).sqrt(), sd, max_relative = 0.05);
    assert_relative_eq!(mean, 0.28, epsilon = 3.0 * sd / (m as f64).sqrt());
}

#[test]
fn equal_weights_match_unweighted_and_scale_is_irrelevant() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let v: Vec<f64> = generate(ArrheniusLaw::TPrefactor, Quantity::Resistance, 0.3, 1e-5, &T_C)
        .iter()
        .map(|r| r * (1.0 + 0.03 * rng.random_range(-1.0..1.0)))
        .collect();
    let plain = fit_arrhenius(&T_C, &v, None, &ArrheniusOptions::default()).unwrap();
    // Constant relative errors are equal weights of the logarithms.
    for rel in [0.001, 0.5] {
        let e: Vec<f64> = v.iter().map(|r| r * rel).collect();
        let w = fit_arrhenius(&T_C, &v, Some(&e), &ArrheniusOptions::default()).unwrap();
        assert!(w.weighted() && !plain.weighted());
        assert_relative_eq!(
            w.activation_energy_ev(),
            plain.activation_energy_ev(),
            max_relative = 1e-10
        );
        // Documented choice: the covariance is scaled by the reduced χ², so the overall size of σ drops out.
        assert_relative_eq!(
            w.activation_energy_ev_stderr(),
            plain.activation_energy_ev_stderr(),
            max_relative = 1e-8
        );
        assert_relative_eq!(w.prefactor_stderr(), plain.prefactor_stderr(), max_relative = 1e-8);
    }
}

#[test]
fn weights_discount_an_uncertain_outlier() {
    let mut v = generate(ArrheniusLaw::TPrefactor, Quantity::Resistance, 0.3, 1e-5, &T_C);
    v[5] *= 1.5; // a bad point...
    let mut e: Vec<f64> = v.iter().map(|r| 0.01 * r).collect();
    e[5] = 10.0 * v[5]; // ...that its error bar flags
                        // Tiny deterministic scatter so the fit is not exact.
    for (i, r) in v.iter_mut().enumerate().take(5) {
        *r *= 1.0 + 0.002 * if i % 2 == 0 { 1.0 } else { -1.0 };
    }
    let unweighted = fit_arrhenius(&T_C, &v, None, &ArrheniusOptions::default()).unwrap();
    let weighted = fit_arrhenius(&T_C, &v, Some(&e), &ArrheniusOptions::default()).unwrap();
    let (eu, ew) = (unweighted.activation_energy_ev(), weighted.activation_energy_ev());
    assert!((ew - 0.3).abs() < 0.005, "weighted {ew}");
    assert!((eu - 0.3).abs() > 0.02, "unweighted {eu}");
    assert!(weighted.activation_energy_ev_stderr() < unweighted.activation_energy_ev_stderr());
}

/// The prediction's standard error (delta method with the slope–intercept covariance) against a Monte-Carlo
/// propagation of the fitted (intercept, slope) distribution.
#[test]
fn prediction_stderr_matches_monte_carlo() {
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let noise = Normal::new(0.0, 0.05).unwrap();
    let v: Vec<f64> = generate(ArrheniusLaw::TPrefactor, Quantity::Conductivity, 0.5, 1e4, &T_C)
        .iter()
        .map(|s| s * (1.0 + noise.sample(&mut rng)))
        .collect();
    let fit = fit_arrhenius(&T_C, &v, None, &opts(ArrheniusLaw::TPrefactor, Quantity::Conductivity)).unwrap();
    let (sb, sa) = fit.line_stderrs();
    let rho = fit.slope_intercept_covariance() / (sa * sb);
    assert!(
        rho < -0.99,
        "intercept and slope are strongly anticorrelated here: {rho}"
    );
    let std = Normal::new(0.0, 1.0).unwrap();
    for t_k in [260.0, 290.0, 330.0] {
        let p = fit.predict_kelvin(t_k).unwrap();
        // Cholesky of the 2×2 covariance: a = ā + σa·z1, b = b̄ + σb·(ρ z1 + √(1−ρ²) z2).
        let n = 200_000;
        let (mut s1, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let (z1, z2) = (std.sample(&mut rng), std.sample(&mut rng));
            let a = fit.intercept() + sa * z1;
            let b = fit.slope_k() + sb * (rho * z1 + (1.0 - rho * rho).sqrt() * z2);
            let val = delinearise(fit.law(), fit.quantity(), t_k, a + b / t_k);
            s1 += val;
            s2 += val * val;
        }
        let mean = s1 / n as f64;
        let mc_sd = (s2 / n as f64 - mean * mean).sqrt();
        assert_relative_eq!(p.stderr, mc_sd, max_relative = 0.03);
        // Ignoring the covariance would overstate the error considerably.
        let x = 1.0 / t_k;
        let naive = p.value * (sa * sa + x * x * sb * sb).sqrt();
        assert!(naive > 3.0 * p.stderr);
    }
}

#[test]
fn every_error_names_its_point() {
    let o = ArrheniusOptions::default();
    let t = [0.0, 10.0, 20.0];
    let v = [3.0, 2.0, 1.0];
    assert_eq!(
        fit_arrhenius(&t[..2], &v[..2], None, &o),
        Err(ArrheniusError::TooFewPoints { n: 2 })
    );
    assert!(matches!(
        fit_arrhenius(&t, &v[..2], None, &o),
        Err(ArrheniusError::LengthMismatch { what: "values", .. })
    ));
    assert!(matches!(
        fit_arrhenius(&t, &v, Some(&[1.0]), &o),
        Err(ArrheniusError::LengthMismatch {
            what: "standard errors",
            ..
        })
    ));
    let e = fit_arrhenius(&t, &[3.0, -2.0, 1.0], None, &o).unwrap_err();
    assert!(matches!(e, ArrheniusError::NonPositiveValue { index: 1, .. }));
    assert_eq!(e.index(), Some(1));
    assert!(e.to_string().contains("point 1"));
    assert!(matches!(
        fit_arrhenius(&t, &[3.0, 2.0, 0.0], None, &o),
        Err(ArrheniusError::NonPositiveValue { index: 2, .. })
    ));
    assert!(matches!(
        fit_arrhenius(&[0.0, -273.15, 20.0], &v, None, &o),
        Err(ArrheniusError::NonPositiveTemperature {
            index: 1,
            unit: "°C",
            ..
        })
    ));
    let ok = ArrheniusOptions::default().with_temperature_unit(TemperatureUnit::Kelvin);
    assert!(matches!(
        fit_arrhenius(&[300.0, 310.0, -5.0], &v, None, &ok),
        Err(ArrheniusError::NonPositiveTemperature {
            index: 2,
            unit: "K",
            ..
        })
    ));
    assert!(matches!(
        fit_arrhenius(&[10.0, 10.0, 10.0], &v, None, &o),
        Err(ArrheniusError::TooFewTemperatures { distinct: 1 })
    ));
    assert!(matches!(
        fit_arrhenius(&[0.0, f64::NAN, 20.0], &v, None, &o),
        Err(ArrheniusError::NonFinite {
            index: 1,
            what: "temperature",
            ..
        })
    ));
    assert!(matches!(
        fit_arrhenius(&t, &[1.0, 2.0, f64::INFINITY], None, &o),
        Err(ArrheniusError::NonFinite {
            index: 2,
            what: "value",
            ..
        })
    ));
    assert!(matches!(
        fit_arrhenius(&t, &v, Some(&[0.1, 0.0, 0.1]), &o),
        Err(ArrheniusError::NonPositiveStderr { index: 1, .. })
    ));
    assert!(matches!(
        fit_arrhenius(&t, &v, Some(&[0.1, 0.1, f64::NAN]), &o),
        Err(ArrheniusError::NonFinite {
            index: 2,
            what: "standard error",
            ..
        })
    ));
    let fit = fit_arrhenius(&t, &v, None, &o).unwrap();
    for bad in [0.0, -10.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            fit.predict_kelvin(bad),
            Err(ArrheniusError::InvalidPredictionTemperature { .. })
        ));
    }
}

#[test]
fn display_and_serialisation() {
    let v = generate(ArrheniusLaw::TPrefactor, Quantity::Resistance, 0.28, 2e-6, &T_C);
    let fit = fit_arrhenius(&T_C, &v, None, &ArrheniusOptions::default()).unwrap();
    let text = fit.to_string();
    assert!(text.contains("E_A = 0.2800"), "{text}");
    let json = serde_json::to_value(&fit).unwrap();
    for key in [
        "activation_energy_ev",
        "activation_energy_ev_stderr",
        "activation_energy_kj_per_mol",
        "prefactor",
        "prefactor_stderr",
        "r_squared",
        "n_points",
        "slope_intercept_covariance",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["law"], "t-prefactor");
}

#[test]
fn t_based_intervals_cover_95_percent_where_1_96_se_does_not() {
    // Six temperatures, 2 % scatter in the values, weighted by the (correct) relative errors: the reduced-χ²-scaled
    // standard error has ν = 4, so ±1.96 SE covers about 88 % and ±t₀.₉₇₅(4)·SE 95 %.
    let mut rng = ChaCha8Rng::seed_from_u64(19);
    let noise = Normal::new(0.0, 0.02).unwrap();
    let truth = generate(ArrheniusLaw::TPrefactor, Quantity::Resistance, 0.41, 1e-7, &T_C);
    let n = 4000;
    let (mut t_cover, mut z_cover) = (0, 0);
    for _ in 0..n {
        let v: Vec<f64> = truth.iter().map(|v| v * (1.0 + noise.sample(&mut rng))).collect();
        let e: Vec<f64> = v.iter().map(|v| 0.02 * v).collect();
        let fit = fit_arrhenius(&T_C, &v, Some(&e), &ArrheniusOptions::default()).unwrap();
        let [lo, hi] = fit.activation_energy_ev_ci95();
        t_cover += usize::from(lo <= 0.41 && 0.41 <= hi);
        z_cover += usize::from((fit.activation_energy_ev() - 0.41).abs() <= 1.96 * fit.activation_energy_ev_stderr());
    }
    let (t, z) = (t_cover as f64 / n as f64, z_cover as f64 / n as f64);
    assert!((0.935..=0.965).contains(&t), "t-based coverage {t}");
    assert!(z < 0.91, "±1.96 SE coverage {z}");
    // The quantile itself, against the table value t₀.₉₇₅(4) = 2.776445.
    let fit = fit_arrhenius(&T_C, &truth, None, &ArrheniusOptions::default()).unwrap();
    assert_relative_eq!(fit.t_quantile_975(), 2.776_445, max_relative = 1e-6);
    assert_eq!(fit.degrees_of_freedom(), 4);
}

#[test]
fn warns_about_kelvin_in_a_celsius_column_and_conductivities_as_resistances() {
    let v = generate(ArrheniusLaw::TPrefactor, Quantity::Resistance, 0.5, 1e-6, &T_C);
    let t_k: Vec<f64> = T_C.iter().map(|t| t + ZERO_CELSIUS_K).collect();
    let fit = fit_arrhenius(&t_k, &v, None, &ArrheniusOptions::default()).unwrap();
    assert!(matches!(
        fit.warnings(),
        [ArrheniusWarning::TemperaturesLookLikeKelvin { .. }]
    ));
    let kelvin = ArrheniusOptions::default().with_temperature_unit(TemperatureUnit::Kelvin);
    assert!(fit_arrhenius(&t_k, &v, None, &kelvin).unwrap().warnings().is_empty());
    // A real °C series at 140–200 °C is not mistaken for kelvin.
    let hot = [140.0, 150.0, 160.0, 170.0, 180.0, 190.0, 200.0];
    let v_hot = generate(ArrheniusLaw::TPrefactor, Quantity::Resistance, 0.5, 1e-6, &hot);
    assert!(fit_arrhenius(&hot, &v_hot, None, &ArrheniusOptions::default())
        .unwrap()
        .warnings()
        .is_empty());

    let sigma = generate(ArrheniusLaw::TPrefactor, Quantity::Conductivity, 0.3, 1e3, &T_C);
    let as_r = fit_arrhenius(&T_C, &sigma, None, &ArrheniusOptions::default()).unwrap();
    assert!(as_r.activation_energy_ev() < 0.0);
    assert!(matches!(
        as_r.warnings(),
        [ArrheniusWarning::NegativeActivationEnergy { .. }]
    ));
    let as_sigma = fit_arrhenius(
        &T_C,
        &sigma,
        None,
        &opts(ArrheniusLaw::TPrefactor, Quantity::Conductivity),
    )
    .unwrap();
    assert!(as_sigma.warnings().is_empty());
    assert!(as_r.warnings()[0].to_string().contains("conductivities"));
}

#[test]
fn repeated_temperatures_are_fitted_as_separate_points() {
    let v = generate(ArrheniusLaw::TPrefactor, Quantity::Resistance, 0.3, 1e-5, &T_C);
    let mut t2 = T_C.to_vec();
    let mut v2 = v.clone();
    // Heating and cooling: every temperature twice, the second run 1 % higher at 20 °C.
    t2.extend_from_slice(&T_C);
    v2.extend(v.iter().enumerate().map(|(i, x)| if i == 3 { 1.01 * x } else { *x }));
    let fit = fit_arrhenius(&t2, &v2, None, &ArrheniusOptions::default()).unwrap();
    assert_eq!(fit.n_points(), 12);
    assert_eq!(fit.degrees_of_freedom(), 10);
    assert_eq!(fit.warnings().len(), 6);
    assert!(matches!(
        fit.warnings()[0],
        ArrheniusWarning::RepeatedTemperature { count: 2, .. }
    ));
    assert!((fit.activation_energy_ev() - 0.3).abs() < 3.0 * fit.activation_energy_ev_stderr());
    assert!(fit.activation_energy_ev_stderr() > 0.0);
}

proptest::proptest! {
    /// Extreme but finite input: either an error or a result whose every number is finite.
    #[test]
    fn extreme_input_never_gives_a_non_finite_success(
        t in proptest::collection::vec(proptest::num::f64::POSITIVE | proptest::num::f64::NORMAL, 3..6),
        v in proptest::collection::vec(proptest::num::f64::POSITIVE, 3..6),
        e in proptest::option::of(proptest::collection::vec(proptest::num::f64::POSITIVE, 3..6)),
    ) {
        let n = t.len().min(v.len());
        let e = e.filter(|e| e.len() >= n).map(|e| e[..n].to_vec());
        let kelvin = ArrheniusOptions::default().with_temperature_unit(TemperatureUnit::Kelvin);
        if let Ok(fit) = fit_arrhenius(&t[..n], &v[..n], e.as_deref(), &kelvin) {
            for x in [
                fit.activation_energy_ev(),
                fit.activation_energy_ev_stderr(),
                fit.prefactor(),
                fit.prefactor_stderr(),
                fit.activation_energy_ev_ci95()[0],
                fit.activation_energy_ev_ci95()[1],
            ] {
                proptest::prop_assert!(x.is_finite(), "{fit:?}");
            }
        }
    }
}

#[test]
fn a_non_finite_result_is_an_error() {
    // Temperatures within a few ulps of each other at the top of the range: 1/T differs by ~1e-324, the slope
    // overflows.
    let t = [1e300, 1.000_000_000_1e300, 1.000_000_000_2e300];
    let kelvin = ArrheniusOptions::default().with_temperature_unit(TemperatureUnit::Kelvin);
    let r = fit_arrhenius(&t, &[1e-300, 1.0, 1e300], None, &kelvin);
    assert!(matches!(r, Err(ArrheniusError::NonFiniteResult { .. })), "{r:?}");
}

#[test]
fn predictions_take_the_unit_of_the_temperatures_fitted() {
    // One convention (issue 17.8): a fit given °C predicts at °C, a fit given K predicts at K; predict_kelvin
    // takes kelvin whatever the unit.
    let t_c = [-10.0, 0.0, 10.0, 20.0, 30.0, 40.0];
    let r = generate(ArrheniusLaw::TPrefactor, Quantity::Resistance, 0.41, 3e-7, &t_c);
    let t_k: Vec<f64> = t_c.iter().map(|t| t + ZERO_CELSIUS_K).collect();
    let celsius = fit_arrhenius(&t_c, &r, None, &ArrheniusOptions::default()).unwrap();
    let kelvin = fit_arrhenius(
        &t_k,
        &r,
        None,
        &ArrheniusOptions::default().with_temperature_unit(TemperatureUnit::Kelvin),
    )
    .unwrap();
    assert_eq!(celsius.temperature_unit(), TemperatureUnit::Celsius);
    assert_eq!(kelvin.temperature_unit(), TemperatureUnit::Kelvin);
    let truth = generate(ArrheniusLaw::TPrefactor, Quantity::Resistance, 0.41, 3e-7, &[25.0])[0];
    for p in [
        celsius.predict(25.0).unwrap(),
        kelvin.predict(25.0 + ZERO_CELSIUS_K).unwrap(),
        celsius.predict_kelvin(25.0 + ZERO_CELSIUS_K).unwrap(),
        kelvin.predict_kelvin(25.0 + ZERO_CELSIUS_K).unwrap(),
    ] {
        assert_relative_eq!(p.value, truth, max_relative = 1e-8);
    }
    // Below absolute zero in the fit's own unit.
    assert!(celsius.predict(-274.0).is_err());
    assert!(kelvin.predict(-1.0).is_err());
}
