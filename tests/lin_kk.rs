//! The Lin-KK test against impedance.py's own reference numbers (which its authors took from Schönleber's Lin_KK
//! software) and against the shared Kramers–Kronig set.
//!
//! The spectrum `Circuit3_EIS_1.z` and the expected model impedances below are from impedance.py
//! (github.com/ECSHackWeek/impedance.py, commit 0b302ca, `data/Circuit3_EIS_1.z` and
//! `impedance/tests/test_validation.py`), MIT licence, © 2018 impedance.py developers.

mod common;

use eisfit::num_complex::Complex64;
use eisfit::validation::{Immittance, KkFitMode, RcSelection};
use eisfit::{lin_kk, LinKkOptions, Spectrum};

include!("fixtures/impedancepy_circuit3.rs");

fn circuit3() -> Spectrum {
    let f = DATA.iter().map(|r| r.0).collect();
    let z = DATA.iter().map(|r| Complex64::new(r.1, r.2)).collect();
    Spectrum::new(f, z).unwrap()
}

/// impedance.py's options: time constants from 1/ω_max to 1/ω_min, no extension, impedance form.
fn impedancepy() -> LinKkOptions {
    LinKkOptions::default()
        .with_extension_decades(0.0)
        .with_immittance(Immittance::Impedance)
        .with_capacitance(false)
}

/// numpy's `isclose` with its default tolerances (rtol 1e-5, atol 1e-8), on complex numbers.
fn assert_isclose(got: &[Complex64], want: &[(f64, f64)], what: &str) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let w = Complex64::new(w.0, w.1);
        assert!(
            (g - w).norm() <= 1e-8 + 1e-5 * w.norm(),
            "{what}: point {i}: got {g}, impedance.py {w}"
        );
    }
}

#[test]
fn mu_criterion_matches_impedancepy_real_fit() {
    let s = circuit3();
    let options = impedancepy()
        .with_fit_mode(KkFitMode::Real)
        .with_selection(RcSelection::Mu { cutoff: 0.69 });
    let kk = lin_kk(&s, &options).unwrap();
    assert_eq!(kk.n_rc, 10);
    assert!(
        (kk.mu - 0.6843821117885378).abs() < 1e-8 + 1e-5 * 0.684,
        "mu = {}",
        kk.mu
    );
    assert_isclose(&kk.z_fit, &FIT_TRUE, "linKK(c=0.69)");
    // Residuals are (Z − Ẑ)/|Z|, as impedance.py's resids_real / resids_imag.
    for (i, (&(_, zr, zi), &(fr, fi))) in DATA.iter().zip(&FIT_TRUE).enumerate() {
        let m = zr.hypot(zi);
        assert!((kk.residual_real[i] - (zr - fr) / m).abs() < 1e-8 + 1e-5 * ((zr - fr) / m).abs().max(1e-3));
        assert!((kk.residual_imag[i] - (zi - fi) / m).abs() < 1e-8 + 1e-5 * ((zi - fi) / m).abs().max(1e-3));
    }
}

#[test]
fn mu_criterion_with_capacitance_matches_impedancepy() {
    let s = circuit3();
    let options = impedancepy()
        .with_capacitance(true)
        .with_fit_mode(KkFitMode::Real)
        .with_selection(RcSelection::Mu { cutoff: 0.69 });
    let kk = lin_kk(&s, &options).unwrap();
    assert_eq!(kk.n_rc, 10);
    assert!((kk.mu - 0.6843821117885381).abs() < 1e-8 + 1e-5 * 0.684);
    assert_isclose(&kk.z_fit, &FIT_TRUE_CAP, "linKK(c=0.69, add_cap)");
    // A fixed count of 10 gives the same fit.
    let fixed = lin_kk(&s, &options.with_selection(RcSelection::Fixed(10))).unwrap();
    assert_isclose(&fixed.z_fit, &FIT_TRUE_CAP, "linKK(max_M=10, add_cap)");
}

#[test]
fn imaginary_and_complex_fits_match_impedancepy() {
    let s = circuit3();
    let five = impedancepy().with_selection(RcSelection::Fixed(5));
    let im = lin_kk(&s, &five.clone().with_fit_mode(KkFitMode::Imaginary)).unwrap();
    assert_isclose(&im.z_fit, &FIT_TRUE_IM, "fit_linKK(fit_type='imag')");
    let complex = lin_kk(&s, &five.with_fit_mode(KkFitMode::Complex)).unwrap();
    assert_isclose(&complex.z_fit, &FIT_TRUE_COMP, "fit_linKK(fit_type='complex')");
}

/// Area under the ROC curve: P(score of a drifting spectrum > score of a compliant one).
fn auc(valid: &[f64], invalid: &[f64]) -> f64 {
    let mut s = 0.0;
    for &b in invalid {
        for &a in valid {
            s += if b > a {
                1.0
            } else if b < a {
                0.0
            } else {
                0.5
            };
        }
    }
    s / (valid.len() * invalid.len()) as f64
}

#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn separates_compliant_from_drifting_spectra_of_the_shared_set() {
    let Some(dir) = common::shared("data/kk") else { return };
    let labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("labels.json")).unwrap()).unwrap();
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
    let labels = labels.as_object().unwrap();
    assert_eq!(labels.len(), 210);
    let mut scores: std::collections::BTreeMap<String, (Vec<f64>, Vec<f64>)> = Default::default();
    let mut right = 0;
    for (id, ok) in labels {
        let ok = ok.as_bool().unwrap();
        let s = common::read_canonical_csv(&dir.join(format!("{id}.csv")));
        let kk = lin_kk(&s, &LinKkOptions::default()).unwrap();
        assert_eq!(kk.residual_real.len(), s.len());
        right += usize::from(kk.valid == ok);
        let e = scores.entry(meta[id]["noise_percent"].to_string()).or_default();
        if ok {
            e.0.push(kk.pseudo_chi2)
        } else {
            e.1.push(kk.pseudo_chi2)
        }
    }
    assert_eq!(scores.len(), 2, "two noise levels");
    for (noise, (v, i)) in &scores {
        let a = auc(v, i);
        assert!(a >= 0.995, "noise {noise} %: AUC {a}");
    }
    assert!(right as f64 >= 0.97 * 210.0, "valid flag right on {right}/210");
}
