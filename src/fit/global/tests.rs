//! Tests of the global fit: derivatives against finite differences, the block solver against a dense solve,
//! recovery of simulated series, agreement with per-spectrum fits, and every setup error.

use super::model::{Model, Role};
use super::*;
use crate::simulate::{log_frequencies, simulate, Noise};
use nalgebra::DMatrix;
use num_complex::Complex64;

const KB: f64 = crate::consts::BOLTZMANN_EV_PER_K;

fn series(temps: &[f64], noise: f64) -> (Circuit, Vec<Spectrum>) {
    let circuit: Circuit = "R0-p(R1,CPE1)".parse().unwrap();
    let f = log_frequencies(1e6, 1.0, 8).unwrap();
    let spectra = temps
        .iter()
        .enumerate()
        .map(|(i, &tc)| {
            let t = tc + ZERO_CELSIUS_K;
            let r1 = 1e-3 * t * (0.3 / (KB * t)).exp();
            let n = (noise > 0.0).then(|| Noise::new(noise, 40 + i as u64).unwrap());
            simulate(&circuit, &[2.0 + 0.01 * tc, r1, 1e-6, 0.9], &f, n).unwrap()
        })
        .collect();
    (circuit, spectra)
}

/// A small model with one local, one shared (logistic), one Arrhenius-tied and one fixed parameter.
fn small_model() -> (Model, Vec<DVector<f64>>, DVector<f64>) {
    let (circuit, spectra) = series(&[0.0, 30.0, 60.0], 0.0);
    let roles = vec![
        Role::Local {
            slot: 0,
            transform: Transform::for_bounds(0.0, f64::INFINITY),
        },
        Role::Arrhenius { slot: 0 },
        Role::Fixed(1e-6),
        Role::Shared {
            slot: 2,
            transform: Transform::for_bounds(0.0, 1.0),
        },
    ];
    let data = spectra
        .iter()
        .zip([0.0, 30.0, 60.0])
        .map(|(s, t)| {
            let w = s
                .z()
                .iter()
                .map(|z| Complex64::new(1.0 / z.norm(), 1.0 / z.norm()))
                .collect();
            (s.freq_hz().to_vec(), s.z().to_vec(), w, t + ZERO_CELSIUS_K)
        })
        .collect();
    let model = Model::new(&circuit, roles, ArrheniusLaw::TPrefactor, data);
    let local = vec![
        DVector::from_vec(vec![0.7]),
        DVector::from_vec(vec![0.9]),
        DVector::from_vec(vec![1.1]),
    ];
    let global = DVector::from_vec(vec![3.0, 0.25, 1.5]);
    (model, local, global)
}

#[test]
fn the_jacobian_matches_finite_differences() {
    let (model, local, global) = small_model();
    let h = 1e-6;
    for (k, lk) in local.iter().enumerate() {
        let (r, jl, jg) = model.jacobian(k, lk, &global);
        let residual = |l: &DVector<f64>, g: &DVector<f64>| model.jacobian(k, l, g).0;
        for c in 0..lk.len() {
            let (mut lp, mut lm) = (lk.clone(), lk.clone());
            lp[c] += h;
            lm[c] -= h;
            let fd = (residual(&lp, &global) - residual(&lm, &global)) / (2.0 * h);
            let err = (&fd - jl.column(c)).norm() / fd.norm().max(1e-12);
            assert!(err < 1e-6, "spectrum {k}, local {c}: {err}");
        }
        for c in 0..global.len() {
            let (mut gp, mut gm) = (global.clone(), global.clone());
            gp[c] += h;
            gm[c] -= h;
            let fd = (residual(lk, &gp) - residual(lk, &gm)) / (2.0 * h);
            let err = (&fd - jg.column(c)).norm() / fd.norm().max(1e-12);
            assert!(err < 1e-6, "spectrum {k}, global {c}: {err}");
        }
        approx::assert_relative_eq!(r.norm_squared(), model.chi2(k, lk, &global), max_relative = 1e-12);
    }
}

#[test]
fn the_schur_covariance_equals_the_inverse_of_the_dense_normal_matrix() {
    let (model, local, global) = small_model();
    let blocks = solve::evaluate(&model, &local, &global).unwrap();
    let cov = solve::covariance(&blocks, 3, 1.0).unwrap();
    // Dense JᵀJ over [x_1, x_2, x_3, x_G].
    let (nl, ng, k_n) = (1, 3, 3);
    let n = k_n * nl + ng;
    let mut dense = DMatrix::<f64>::zeros(n, n);
    for (k, b) in blocks.iter().enumerate() {
        dense.view_mut((k * nl, k * nl), (nl, nl)).copy_from(&b.a);
        dense.view_mut((k * nl, k_n * nl), (nl, ng)).copy_from(&b.b);
        dense.view_mut((k_n * nl, k * nl), (ng, nl)).copy_from(&b.b.transpose());
        let c = dense.view((k_n * nl, k_n * nl), (ng, ng)) + &b.c;
        dense.view_mut((k_n * nl, k_n * nl), (ng, ng)).copy_from(&c);
    }
    let inv = dense.try_inverse().unwrap();
    let g = inv.view((k_n * nl, k_n * nl), (ng, ng)).into_owned();
    assert!((&g - &cov.global).norm() <= 1e-8 * g.norm(), "{g} vs {}", cov.global);
    for k in 0..k_n {
        let want = inv[(k, k)];
        approx::assert_relative_eq!(cov.local[k][(0, 0)], want, max_relative = 1e-8);
    }
}

#[test]
fn without_shared_parameters_the_global_fit_is_the_per_spectrum_fits() {
    let temps = [0.0, 30.0, 60.0];
    let (circuit, spectra) = series(&temps, 0.004);
    let g = fit_global(
        &circuit,
        &spectra,
        &temps,
        &FitOptions::default(),
        &GlobalOptions::default(),
    )
    .unwrap();
    assert!(g.converged, "{:?}", g.termination);
    assert!(g.parameters.is_empty());
    for (s, spectrum) in g.spectra.iter().zip(&spectra) {
        let single = crate::fit(&circuit, spectrum, &FitOptions::default()).unwrap();
        approx::assert_relative_eq!(s.chi2, single.chi2, max_relative = 1e-6);
        approx::assert_relative_eq!(s.parameters[1].value, single.parameters[1].value, max_relative = 1e-5);
    }
}

#[test]
fn a_tied_series_recovers_its_activation_energy_more_precisely_than_the_sequential_route() {
    let temps = [0.0, 15.0, 30.0, 45.0, 60.0];
    let (circuit, spectra) = series(&temps, 0.005);
    let options = GlobalOptions::default()
        .with_shared("CPE1.Q")
        .with_shared("CPE1.n")
        .with_arrhenius("R1");
    let g = fit_global(&circuit, &spectra, &temps, &FitOptions::default(), &options).unwrap();
    assert!(g.converged);
    let ea = g.parameter("R1.E_A").unwrap();
    let se = ea.stderr.unwrap();
    assert!((ea.value - 0.3).abs() < 4.0 * se, "E_A = {} ± {se}", ea.value);
    let kappa = g.parameter("R1.kappa").unwrap();
    assert!((kappa.value / 1e-3 - 1.0).abs() < 4.0 * kappa.stderr.unwrap() / 1e-3);
    assert_eq!(kappa.unit, "Ohm/K");
    let n = g.parameter("CPE1.n").unwrap();
    assert!((n.value - 0.9).abs() < 4.0 * n.stderr.unwrap());
    // 5 spectra × 1 local (R0) + CPE1.Q, CPE1.n, ln R1(T_ref), E_A.
    assert_eq!(g.n_parameters, 5 + 4);
    // The sequential route: a weighted line through the per-spectrum R1.
    let fits: Vec<FitReport> = spectra
        .iter()
        .map(|s| crate::fit(&circuit, s, &FitOptions::default()).unwrap())
        .collect();
    let r1: Vec<f64> = fits.iter().map(|f| f.parameters[1].value).collect();
    let e1: Vec<f64> = fits.iter().map(|f| f.parameters[1].stderr.unwrap()).collect();
    let line = fit_arrhenius(&temps, &r1, Some(&e1), &ArrheniusOptions::default()).unwrap();
    // why: the line's error is scaled by the scatter of 5 points, itself a noisy estimate; compared here is the
    // error propagated from the spectra (the scale removed), which the global fit's must not exceed.
    let propagated = line.activation_energy_ev_stderr() / line.reduced_chi2().sqrt();
    eprintln!(
        "global {se}, sequential {} (propagated {propagated})",
        line.activation_energy_ev_stderr()
    );
    assert!(se <= propagated, "{se} vs {propagated}");
    // The tied R1 at each temperature, with an error from the global covariance.
    for s in &g.spectra {
        let p = &s.parameters[1];
        assert!(p.stderr.unwrap() > 0.0 && p.value > 0.0);
    }
    let corr = g.correlation.as_ref().unwrap();
    assert_eq!(corr.len(), 4);
    approx::assert_relative_eq!(corr[1][1], 1.0, max_relative = 1e-12);
}

#[test]
fn setup_errors_name_what_is_wrong() {
    let temps = [0.0, 30.0, 60.0];
    let (circuit, spectra) = series(&temps, 0.0);
    let o = FitOptions::default();
    let run = |opts: &GlobalOptions, t: &[f64]| fit_global(&circuit, &spectra, t, &o, opts);
    assert!(matches!(
        run(&GlobalOptions::default().with_shared("R1").with_arrhenius("R1"), &temps),
        Err(GlobalError::TwoRoles {
            first: "shared",
            second: "arrhenius",
            ..
        })
    ));
    assert!(matches!(
        run(&GlobalOptions::default().with_shared("R9"), &temps),
        Err(GlobalError::Circuit(_))
    ));
    assert!(matches!(
        run(&GlobalOptions::default(), &temps[..2]),
        Err(GlobalError::LengthMismatch {
            what: "temperatures",
            ..
        })
    ));
    assert!(matches!(
        run(&GlobalOptions::default(), &[0.0, f64::NAN, 3.0]),
        Err(GlobalError::InvalidTemperature { index: 1, .. })
    ));
    assert!(matches!(
        run(&GlobalOptions::default().with_arrhenius("R1"), &[20.0, 20.0, 20.0]),
        Err(GlobalError::Arrhenius { .. })
    ));
    let fixed = FitOptions::default().with_fixed("R0", 2.0);
    assert!(matches!(
        fit_global(
            &circuit,
            &spectra,
            &temps,
            &fixed,
            &GlobalOptions::default().with_shared("R0")
        ),
        Err(GlobalError::TwoRoles { first: "fixed", .. })
    ));
    assert!(matches!(
        fit_global(&circuit, &[], &[], &o, &GlobalOptions::default()),
        Err(GlobalError::Empty)
    ));
}
