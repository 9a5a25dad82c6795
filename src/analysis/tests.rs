//! Tests of the series workflow: uncertainties of area and thickness, repeated temperatures.

use super::*;
use crate::simulate::{log_frequencies, simulate, Noise};
use approx::assert_relative_eq;

fn points(temps: &[f64]) -> (Circuit, Vec<SeriesPoint>) {
    let circuit: Circuit = "R0-p(R1,CPE1)".parse().unwrap();
    let f = log_frequencies(1e6, 1.0, 8).unwrap();
    let kb = crate::consts::BOLTZMANN_EV_PER_K;
    let pts = temps
        .iter()
        .enumerate()
        .map(|(i, &tc)| {
            let t = tc + 273.15;
            let r = 1e-3 * t * (0.3 / (kb * t)).exp();
            let s = simulate(
                &circuit,
                &[2.0, r, 1e-6, 0.9],
                &f,
                Some(Noise::new(0.003, 7 + i as u64).unwrap()),
            )
            .unwrap();
            SeriesPoint::new(format!("{tc} C"), tc, s)
        })
        .collect();
    (circuit, pts)
}

#[test]
fn area_and_thickness_uncertainties_reach_sigma_and_areal_values_but_not_the_activation_energy() {
    let (circuit, pts) = points(&[0.0, 20.0, 40.0, 60.0]);
    let base = TemperatureSeriesOptions::default().with_combination("bulk=R1".parse::<Combination>().unwrap());
    let exact = analyze_temperature_series(
        &circuit,
        &pts,
        &FitOptions::default(),
        &base.clone().with_area_cm2(0.5).with_thickness_um(110.0),
    )
    .unwrap();
    let uncertain = analyze_temperature_series(
        &circuit,
        &pts,
        &FitOptions::default(),
        &base
            .with_area_cm2(Measured::new(0.5, 0.01))
            .with_thickness_um(Measured::new(110.0, 5.0)),
    )
    .unwrap();
    for (a, b) in exact.conductivity.iter().zip(&uncertain.conductivity) {
        let fit_rel = a.sigma_stderr_s_per_cm.unwrap() / a.sigma_s_per_cm;
        let want = (fit_rel.powi(2) + 0.02_f64.powi(2) + (5.0_f64 / 110.0).powi(2)).sqrt();
        assert_relative_eq!(
            b.sigma_stderr_s_per_cm.unwrap() / b.sigma_s_per_cm,
            want,
            max_relative = 1e-9
        );
        assert_relative_eq!(
            b.sigma_stderr_from_fit_s_per_cm.unwrap(),
            a.sigma_stderr_s_per_cm.unwrap()
        );
    }
    for (a, b) in exact.quantities.iter().zip(&uncertain.quantities) {
        let rel = a.areal_stderr_ohm_cm2.unwrap() / a.areal_ohm_cm2.unwrap();
        assert_relative_eq!(
            b.areal_stderr_ohm_cm2.unwrap() / b.areal_ohm_cm2.unwrap(),
            rel.hypot(0.02),
            max_relative = 1e-9
        );
    }
    let (ea, eb) = (&exact.arrhenius[0], &uncertain.arrhenius[0]);
    assert_relative_eq!(ea.activation_energy_ev, eb.activation_energy_ev, max_relative = 1e-12);
    assert_relative_eq!(
        ea.activation_energy_ev_stderr,
        eb.activation_energy_ev_stderr,
        max_relative = 1e-12
    );
    assert!(eb.prefactor_stderr / eb.prefactor > 0.02);
    assert!(
        ea.activation_energy_ev_ci95[0] < ea.activation_energy_ev
            && ea.activation_energy_ev < ea.activation_energy_ev_ci95[1]
    );
    assert!(matches!(
        analyze_temperature_series(
            &circuit,
            &pts,
            &FitOptions::default(),
            &TemperatureSeriesOptions::default().with_area_cm2(Measured::new(0.5, -1.0))
        ),
        Err(AnalysisError::InvalidValue { .. })
    ));
}

#[test]
fn repeated_temperatures_in_a_series_are_fitted_as_separate_points() {
    // A heating and a cooling run: every temperature twice, with different noise.
    let (circuit, pts) = points(&[0.0, 20.0, 40.0, 60.0, 60.0, 40.0, 20.0, 0.0]);
    let options = TemperatureSeriesOptions::default().with_combination("bulk=R1".parse::<Combination>().unwrap());
    let r = analyze_temperature_series(&circuit, &pts, &FitOptions::default(), &options).unwrap();
    assert_eq!(r.arrhenius.len(), 1, "{:?}", r.warnings);
    let a = &r.arrhenius[0];
    assert_eq!(a.n_points, 8);
    assert!((a.activation_energy_ev - 0.3).abs() < 4.0 * a.activation_energy_ev_stderr);
    assert!(a.warnings.iter().all(|w| matches!(
        w,
        crate::arrhenius::ArrheniusWarning::RepeatedTemperature { count: 2, .. }
    )));
    assert_eq!(a.warnings.len(), 4);
}
