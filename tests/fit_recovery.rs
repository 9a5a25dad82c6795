//! Parameter recovery on simulated noisy spectra, without start values: one circuit per element family, and
//! circuits with three to five arcs. 0.5 % proportional noise, fixed seeds; every true value must lie within
//! 4.5 standard errors of its estimate (a 1-in-150,000 event per parameter for a correct fit).

use eisfit::simulate::{log_frequencies, simulate, Noise};
use eisfit::{fit, Circuit, FitOptions};

fn check(circuit: &str, truth: &[f64], fmax: f64, fmin: f64, seed: u64) {
    let c: Circuit = circuit.parse().unwrap();
    let f = log_frequencies(fmax, fmin, 10).unwrap();
    let s = simulate(&c, truth, &f, Some(Noise::new(0.005, seed).unwrap())).unwrap();
    let r = fit(&c, &s, &FitOptions::default()).unwrap();
    assert!(r.converged, "{circuit}: not converged\n{r}");
    for (p, &t) in r.parameters.iter().zip(truth) {
        let e = p
            .stderr
            .unwrap_or_else(|| panic!("{circuit}: no standard error for {}\n{r}", p.name));
        assert!(
            (p.value - t).abs() <= 4.5 * e,
            "{circuit} {}: {} ± {e}, truth {t}\n{r}",
            p.name,
            p.value
        );
    }
}

#[test]
fn every_element_family() {
    check("R0-p(R1,C1)", &[10.0, 100.0, 1e-6], 1e6, 0.1, 1);
    check("L0-R0-p(R1,CPE1)", &[2e-7, 1.0, 10.0, 1e-4, 0.85], 1e6, 0.1, 2);
    check("R0-p(R1,C1)-W1", &[15.0, 120.0, 2e-6, 40.0], 1e6, 0.1, 3);
    check("R0-p(R1,C1)-Wo1", &[2.0, 10.0, 1e-4, 30.0, 10.0], 1e5, 1e-3, 4);
    check("R0-p(R1,C1)-Ws1", &[2.0, 10.0, 1e-4, 30.0, 10.0], 1e5, 1e-3, 5);
    check("R0-G1", &[5.0, 30.0, 1e-3], 1e6, 1e-2, 6);
    check("R0-Gs1", &[5.0, 30.0, 1e-3, 1.5], 1e6, 1e-2, 7);
    check("R0-K1", &[5.0, 30.0, 1e-4], 1e6, 1e-1, 8);
    check("R0-Zarc1", &[3.0, 50.0, 1e-4, 0.8], 1e6, 1e-2, 9);
    check("La0-R0-p(R1,CPE1)", &[1e-6, 0.9, 1.0, 10.0, 1e-4, 0.85], 1e6, 0.1, 10);
    check("R0-HN1", &[3.0, 50.0, 1e-4, 0.8, 0.7], 1e6, 1e-2, 11);
    check("R0-TLMQ1", &[2.0, 80.0, 1e-4, 0.8], 1e5, 1e-2, 12);
}

#[test]
fn three_to_five_arcs() {
    // Apexes about 1.5 decades apart, decreasing from left to right (the canonical order).
    let arc = |r: f64, f_apex: f64, n: f64| {
        let tau = 1.0 / (std::f64::consts::TAU * f_apex);
        [r, tau.powf(n) / r, n]
    };
    let mut three = vec![4.0];
    for a in [arc(2.5, 2e5, 0.9), arc(6.0, 5e3, 0.85), arc(30.0, 20.0, 0.8)] {
        three.extend(a);
    }
    check("R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)", &three, 1e6, 0.1, 21);
    let mut four = vec![2.0];
    for a in [
        arc(5.0, 2e5, 0.9),
        arc(12.0, 5e3, 0.85),
        arc(20.0, 1e2, 0.9),
        arc(40.0, 2.0, 0.8),
    ] {
        four.extend(a);
    }
    check("R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)-p(R4,CPE4)", &four, 1e6, 0.05, 22);
    let mut five = vec![1.0];
    for a in [
        arc(5.0, 3e5, 0.92),
        arc(10.0, 1e4, 0.88),
        arc(15.0, 3e2, 0.9),
        arc(25.0, 10.0, 0.85),
        arc(50.0, 0.3, 0.9),
    ] {
        five.extend(a);
    }
    check(
        "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)-p(R4,CPE4)-p(R5,CPE5)",
        &five,
        1e6,
        0.01,
        23,
    );
}
