//! Statistics that stay honest when the noise is not what the weights assume (issue 19): the robust (sandwich)
//! covariance, weights from the model instead of the data, intervals that respect the bounds, and the warning
//! when the weights do not match the noise. Monte Carlo on simulated spectra whose noise is proportional to |Z′|
//! and |Z″| separately (the simulator's), fitted with modulus weights (1/|Z|): mis-specified weights.

use eisfit::fit::{Covariance, FitWarning};
use eisfit::simulate::{log_frequencies, proportional_sigma, simulate, Noise};
use eisfit::{fit, Circuit, FitOptions, Weighting};

const RANDLES: &str = "R0-p(R1,CPE1)";
const TRUTH: [f64; 4] = [10.0, 100.0, 1e-5, 0.85];

/// Share of `replicates` fits whose 95 % interval of parameter `index` holds the truth, for each covariance.
fn coverage(replicates: u64, noise: f64, weighting: Weighting, index: usize) -> (f64, f64) {
    let c: Circuit = RANDLES.parse().unwrap();
    let f = log_frequencies(1e5, 0.1, 8).unwrap();
    let (mut model, mut robust) = (0, 0);
    for seed in 0..replicates {
        let s = simulate(&c, &TRUTH, &f, Some(Noise::new(noise, 7000 + seed).unwrap())).unwrap();
        for (cov, hits) in [(Covariance::Model, &mut model), (Covariance::Robust, &mut robust)] {
            let o = FitOptions::default()
                .with_weighting(weighting)
                .with_covariance(cov)
                .with_multistart(0);
            let r = fit(&c, &s, &o).unwrap();
            assert!(r.converged, "{r}");
            let [lo, hi] = r.parameters[index].ci95.unwrap();
            *hits += usize::from(lo <= TRUTH[index] && TRUTH[index] <= hi);
        }
    }
    (model as f64 / replicates as f64, robust as f64 / replicates as f64)
}

#[test]
fn the_robust_covariance_restores_the_coverage_that_mismatched_weights_lose() {
    let (model, robust) = coverage(200, 0.02, Weighting::Modulus, 0);
    eprintln!("R0 95 % interval coverage over 200 replicates: model {model:.3}, robust {robust:.3}");
    assert!(
        model < 0.90,
        "the model covariance was expected to under-cover here: {model}"
    );
    assert!((0.90..=0.99).contains(&robust), "robust coverage {robust}");
}

#[test]
fn weights_from_the_model_remove_the_bias_of_weights_from_noisy_data() {
    // At 10 % relative noise, weights 1/|Z_measured| pull every resistance down by about 2r² = 2 %.
    let c: Circuit = RANDLES.parse().unwrap();
    let f = log_frequencies(1e5, 0.1, 8).unwrap();
    let n = 150;
    let (mut data_w, mut model_w) = (0.0, 0.0);
    for seed in 0..n {
        let s = simulate(&c, &TRUTH, &f, Some(Noise::new(0.10, 9000 + seed).unwrap())).unwrap();
        for (w, acc) in [
            (Weighting::Modulus, &mut data_w),
            (Weighting::ModulusModel, &mut model_w),
        ] {
            let r = fit(&c, &s, &FitOptions::default().with_weighting(w).with_multistart(0)).unwrap();
            assert!(r.converged, "{r}");
            *acc += r.parameters[1].value / TRUTH[1] - 1.0;
        }
    }
    let (data_w, model_w) = (data_w / n as f64, model_w / n as f64);
    eprintln!("mean relative error of R1 at 10 % noise: data weights {data_w:+.4}, model weights {model_w:+.4}");
    assert!(
        data_w < -0.01,
        "the data-weighted bias was expected near -2 %: {data_w}"
    );
    assert!(model_w.abs() < 0.005, "model-weighted bias {model_w}");
}

#[test]
fn an_interval_never_crosses_a_bound() {
    // R0 of 5 mΩ beside a 100 Ω arc is barely determined: a symmetric interval would reach below zero.
    let c: Circuit = RANDLES.parse().unwrap();
    let f = log_frequencies(1e5, 0.1, 8).unwrap();
    let truth = [0.005, 100.0, 1e-5, 0.85];
    let s = simulate(&c, &truth, &f, Some(Noise::new(0.01, 3).unwrap())).unwrap();
    let r = fit(&c, &s, &FitOptions::default()).unwrap();
    let p = &r.parameters[0];
    let (value, se) = (p.value, p.stderr.unwrap());
    let [lo, hi] = p.ci95.unwrap();
    assert!(se > 0.3 * value, "this case needs a poorly determined R0: {r}");
    assert!(lo > 0.0 && lo < value && value < hi, "[{lo}, {hi}] around {value}");
    // Asymmetric: log-normal around the value.
    assert!(hi - value > value - lo);
    // The exponent's interval stays inside (0, 1].
    let [nlo, nhi] = r.parameters[3].ci95.unwrap();
    assert!(nlo > 0.0 && nhi < 1.0);
}

#[test]
fn mismatched_weights_are_flagged_and_matched_ones_are_not() {
    let c: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)".parse().unwrap();
    let truth = [5.0, 50.0, 2e-7, 0.9, 200.0, 1e-5, 0.85, 500.0, 1e-3, 0.8];
    let f = log_frequencies(1e6, 0.01, 8).unwrap();
    let (mut unit_flags, mut sigma_flags) = (0, 0);
    let n: usize = 20;
    for seed in 0..n {
        let s = simulate(&c, &truth, &f, Some(Noise::new(0.01, 500 + seed as u64).unwrap())).unwrap();
        let flagged = |r: &eisfit::FitReport| {
            r.warnings
                .iter()
                .any(|w| matches!(w, FitWarning::WeightsMismatch { .. }))
        };
        let unit = fit(
            &c,
            &s,
            &FitOptions::default()
                .with_weighting(Weighting::Unit)
                .with_initial_values(truth.to_vec()),
        )
        .unwrap();
        unit_flags += usize::from(flagged(&unit));
        let sigma = proportional_sigma(&c.impedance(&truth, &f).unwrap(), 0.01);
        let with_sigma = s.clone().with_sigma(sigma).unwrap();
        let matched = fit(
            &c,
            &with_sigma,
            &FitOptions::default()
                .with_weighting(Weighting::Sigma)
                .with_initial_values(truth.to_vec()),
        )
        .unwrap();
        sigma_flags += usize::from(flagged(&matched));
    }
    eprintln!("weights_mismatch: unit weights {unit_flags}/{n}, sigma weights {sigma_flags}/{n}");
    assert!(
        unit_flags >= n * 3 / 4,
        "unit weights on three decades of |Z| flagged {unit_flags}/{n}"
    );
    assert!(sigma_flags <= 1, "matched weights flagged {sigma_flags}/{n}");
}
