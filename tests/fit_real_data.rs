//! Acceptance on real files of `../shared/data/real` (read in place, never copied): without any start value, the
//! fitter reaches the published fit of each file listed in its MANIFEST.md, within that fit's precision. Skipped
//! with a message when `../shared` is absent.
//!
//! Run with `cargo test --release --test fit_real_data -- --nocapture` to see, per file, a table of published
//! against fitted values, the weighting, the number of starts and the fit time.

mod common;

use eisfit::{fit, Circuit, FitOptions, FitReport, Spectrum, Weighting};
use std::time::{Duration, Instant};

/// The single sweep of a real file, or `None` (with a message) when the corpus is absent.
fn spectrum(rel: &str) -> Option<Spectrum> {
    let path = common::shared(&format!("data/real/{rel}"))?;
    let file = eisfit::io::read(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(file.sweeps().len(), 1, "{rel}: expected one sweep");
    Some(file.sweeps()[0].spectrum().clone())
}

/// Fits without start values and times it.
fn timed_fit(circuit: &str, s: &Spectrum, o: &FitOptions) -> (FitReport, Duration) {
    let c: Circuit = circuit.parse().unwrap();
    let t = Instant::now();
    let r = fit(&c, s, o).unwrap_or_else(|e| panic!("{circuit}: {e}"));
    let dt = t.elapsed();
    assert!(r.converged, "{circuit}: {r}");
    (r, dt)
}

/// Whether the fit `r` found a distinct minimum lower than the published one's basin (the minimum polished from
/// the published `values` alone, one start): then the published values are not the ones to compare with. Asserts
/// that the fit is no worse than that basin.
fn lower_than_the_published_basin(c: &Circuit, s: &Spectrum, o: &FitOptions, values: Vec<f64>, r: &FitReport) -> bool {
    let polish = o.clone().with_initial_values(values).with_multistart(0);
    let basin = fit(c, s, &polish).unwrap();
    assert!(basin.converged, "{basin}");
    assert!(
        r.chi2 <= basin.chi2 * (1.0 + 1e-9),
        "{r}\nvs the published basin:\n{basin}"
    );
    let lower = r.chi2 < basin.chi2 * (1.0 - 1e-3);
    if lower {
        println!(
            "a minimum {:.2} % below the published basin's",
            100.0 * (1.0 - r.chi2 / basin.chi2)
        );
    }
    lower
}

/// A published value: parameter name in our circuit, value, and its standard error when published.
struct Published<'a>(&'a str, f64, Option<f64>);

/// Prints published against fitted values (the table of the report) and returns the relative deviations.
fn table(file: &str, r: &FitReport, dt: Duration, published: &[Published]) -> Vec<f64> {
    println!(
        "\n{file}  {}  weighting {}, {} starts ({} at best), {:.2} ms, χ² {:.4e}",
        r.circuit,
        r.weighting,
        r.n_starts,
        r.n_starts_at_best,
        dt.as_secs_f64() * 1e3,
        r.chi2
    );
    println!("| param | published | ours | rel. dev. |");
    published
        .iter()
        .map(|Published(name, v, s)| {
            let p = r
                .parameter(name)
                .unwrap_or_else(|| panic!("{file}: no parameter {name}"));
            let rel = (p.value - v) / v;
            let pub_s = s.map_or(String::new(), |s| format!(" ± {s:.2e}"));
            let our_s = p.stderr.map_or(" ± n/a".to_string(), |s| format!(" ± {s:.2e}"));
            println!("| {name} | {v:.4e}{pub_s} | {:.6e}{our_s} | {rel:+.2e} |", p.value);
            rel
        })
        .collect()
}

/// Asserts every relative deviation is within `tol`.
fn assert_within(file: &str, published: &[Published], rel: &[f64], tol: f64) {
    for (Published(name, v, _), d) in published.iter().zip(rel) {
        assert!(d.abs() <= tol, "{file} {name}: {:+.3} % from published {v}", 100.0 * d);
    }
}

/// A file, its published values of R0, R1, C1 and, when published, their standard errors.
type Cell = (&'static str, [f64; 3], Option<[f64; 3]>);

/// The dummy cells of impedance.py's looping_files_example (published to 3 significant figures, MANIFEST).
///
/// impedance.py fits unweighted (`CustomCircuit.fit` without `weight_by_modulus`), so unit weighting reproduces
/// its minimum: for Circuit1 our unit-weighted standard errors also match the ones the example prints
/// (3.63e-2, 4.69e-2, 2.95e-8), which modulus-weighted ones do not. Both weightings land
/// within 1 % of the published values on these clean dummy cells, and both are asserted.
#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn zplot_dummy_cells_match_impedance_py() {
    let cells: [Cell; 2] = [
        (
            "zplot_z/Circuit1_EIS_1.z",
            [29.1, 46.7, 1.04e-5],
            Some([3.63e-2, 4.69e-2, 2.95e-8]),
        ),
        ("zplot_z/Circuit2_EIS_1.z", [150.0, 502.0, 3.12e-8], None),
    ];
    for (rel_path, values, stderrs) in cells {
        let Some(s) = spectrum(rel_path) else { return };
        let published: Vec<Published> = ["R0", "R1", "C1"]
            .iter()
            .zip(values)
            .map(|(n, v)| Published(n, v, None))
            .collect();
        for w in [Weighting::Unit, Weighting::Modulus] {
            let (r, dt) = timed_fit("R0-p(R1,C1)", &s, &FitOptions::default().with_weighting(w));
            let dev = table(rel_path, &r, dt, &published);
            // 3 significant figures: rounding alone allows 0.5 %.
            assert_within(rel_path, &published, &dev, 0.01);
            if let (Weighting::Unit, Some(se)) = (w, stderrs) {
                for (p, s) in r.parameters.iter().zip(se) {
                    let ours = p.stderr.unwrap();
                    assert!(
                        (ours / s - 1.0).abs() < 0.02,
                        "{rel_path} {}: stderr {ours} vs {s}",
                        p.name
                    );
                }
            }
        }
    }
}

/// impedance.py's exampleData.csv, circuit (b) `R0-p(R1,C1)-p(R2,C2)-Wo1` (model_io example), published with
/// standard errors, fitted unweighted after dropping the inductive points, as upstream.
///
/// Our canonical order puts the faster of the two interchangeable RC arcs first; upstream labelled the slower one
/// `R1, C1`. The published arcs are therefore put in canonical order (decreasing 1/(2πRC)) before comparing.
#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn example_csv_circuit_b_matches_the_published_fit_within_its_errors() {
    let file = "generic_csv/exampleData.csv";
    let Some(s) = spectrum(file) else { return };
    let o = FitOptions::default()
        .with_weighting(Weighting::Unit)
        .with_drop_inductive(true);
    let (r, dt) = timed_fit("R0-p(R1,C1)-p(R2,C2)-Wo1", &s, &o);
    assert_eq!(r.n_points, 57);
    // Published, upstream labels: R1, C1 then R2, C2, each (value, stderr).
    let mut arcs: [((f64, f64), (f64, f64)); 2] =
        [((8.77e-3, 1.9e-4), (3.28, 0.19)), ((5.31e-3, 2.1e-4), (0.232, 0.019))];
    arcs.sort_by(|a, b| (a.0 .0 * a.1 .0).total_cmp(&(b.0 .0 * b.1 .0)));
    let published = [
        Published("R0", 1.65e-2, Some(1.5e-4)),
        Published("R1", arcs[0].0 .0, Some(arcs[0].0 .1)),
        Published("C1", arcs[0].1 .0, Some(arcs[0].1 .1)),
        Published("R2", arcs[1].0 .0, Some(arcs[1].0 .1)),
        Published("C2", arcs[1].1 .0, Some(arcs[1].1 .1)),
        Published("Wo1.R", 6.37e-2, Some(2.0e-3)),
        Published("Wo1.tau", 237.0, Some(17.0)),
    ];
    table(file, &r, dt, &published);
    let c: Circuit = "R0-p(R1,C1)-p(R2,C2)-Wo1".parse().unwrap();
    let values: Vec<f64> = published.iter().map(|p| p.1).collect();
    if lower_than_the_published_basin(&c, &s, &o, values, &r) {
        return;
    }
    for Published(name, v, s) in &published {
        let p = r.parameter(name).unwrap();
        let s = s.unwrap();
        assert!(
            (p.value - v).abs() <= 2.0 * s,
            "{name}: {} vs published {v} ± {s}",
            p.value
        );
    }
}

/// impedance.py's exampleData.csv, circuit (a) `R0-p(R1,C1)-p(R2-Wo1,C2)` (getting-started docs), fitted
/// unweighted after dropping the inductive points, as upstream.
///
/// The published values are a local minimum, not the least-squares minimum: there, χ² (unweighted) is 1.94e-5,
/// and our fit from automatic start values reaches a lower one along the poorly determined Wo1 direction (τ runs
/// to about 1300 s, where Wo1 is nearly a semi-infinite Warburg and only Wo1.R/√τ is determined). So this test
/// asserts what a correct fitter must do: an objective no worse than at the published values, and every
/// published value within two of our standard errors (the fit's precision). The well-determined R and C agree
/// within 3 %.
#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn example_csv_circuit_a_reaches_the_published_minimum_or_lower() {
    let file = "generic_csv/exampleData.csv";
    let Some(s) = spectrum(file) else { return };
    let o = FitOptions::default()
        .with_weighting(Weighting::Unit)
        .with_drop_inductive(true);
    let circuit = "R0-p(R1,C1)-p(R2-Wo1,C2)";
    let (r, dt) = timed_fit(circuit, &s, &o);
    assert_eq!(r.n_points, 57);
    let published = [
        Published("R0", 1.65e-2, None),
        Published("R1", 8.68e-3, None),
        Published("C1", 3.32, None),
        Published("R2", 5.39e-3, None),
        Published("Wo1.R", 6.31e-2, None),
        Published("Wo1.tau", 233.0, None),
        Published("C2", 0.220, None),
    ];
    let dev = table(file, &r, dt, &published);
    // χ² at the published values, on the same 57 points.
    let c: Circuit = circuit.parse().unwrap();
    let kept = s.without_inductive().unwrap();
    let values: Vec<f64> = published.iter().map(|p| p.1).collect();
    let z = c.impedance(&values, kept.freq_hz()).unwrap();
    let chi2_published: f64 = z.iter().zip(kept.z()).map(|(a, b)| (a - b).norm_sqr()).sum();
    println!("χ² at the published values: {chi2_published:.4e}");
    assert!(
        r.chi2 <= chi2_published,
        "χ² {} vs {chi2_published} at the published values",
        r.chi2
    );
    // The reported χ², recomputed from the reported parameters with the circuit alone.
    let z = c.impedance(&r.values(), kept.freq_hz()).unwrap();
    let chi2_ours: f64 = z.iter().zip(kept.z()).map(|(a, b)| (a - b).norm_sqr()).sum();
    assert!((chi2_ours / r.chi2 - 1.0).abs() < 1e-9, "{chi2_ours} vs {}", r.chi2);
    if lower_than_the_published_basin(&c, &s, &o, values, &r) {
        return;
    }
    for Published(name, v, _) in &published {
        let p = r.parameter(name).unwrap();
        let s = p.stderr.unwrap();
        assert!(
            (p.value - v).abs() <= 2.0 * s,
            "{name}: {} ± {s} vs published {v}",
            p.value
        );
    }
    let determined = ["R0", "R1", "C1", "R2", "C2"];
    for (Published(name, v, _), d) in published.iter().zip(&dev) {
        if determined.contains(name) {
            assert!(d.abs() <= 0.03, "{name}: {:+.2} % from published {v}", 100.0 * d);
        }
    }
}

/// The Novocontrol temperature series (pellet with blocking electrodes, 140–200 °C) with
/// (R1‖Q1)+(R2‖Q2)+Q3, modulus weighting and LM, as in the published batch fit (Sheyigold/EISFitpython,
/// Example 3; Adediwura et al., J. Mater. Chem. A 12 (2024) 15847).
///
/// Our canonical order puts the faster arc first, so R1 is the bulk, as published. The published values have 4
/// significant figures; fits of real data by different tools agree to a few per cent, so 2 % is asserted on R1,
/// R2 and the 413 K Q values and 0.01 on the exponents n (the deviations found are far smaller: see the table).
#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn novocontrol_series_matches_the_published_batch_fit() {
    let series: [(u32, f64, f64); 7] = [
        (140, 1.462e5, 2.012e6),
        (150, 1.123e5, 1.139e6),
        (160, 7.949e4, 6.673e5),
        (170, 5.605e4, 3.980e5),
        (180, 3.984e4, 2.430e5),
        (190, 2.743e4, 1.526e5),
        (200, 2.246e4, 9.502e4),
    ];
    for (t_c, r1, r2) in series {
        let file = format!("novocontrol/s04147-{t_c}deg.txt");
        let Some(s) = spectrum(&file) else { return };
        let (r, dt) = timed_fit("p(R1,CPE1)-p(R2,CPE2)-CPE3", &s, &FitOptions::default());
        let mut published = vec![Published("R1", r1, None), Published("R2", r2, None)];
        if t_c == 140 {
            published.extend([
                Published("CPE1.Q", 6.515e-11, None),
                Published("CPE1.n", 0.838, None),
                Published("CPE2.Q", 1.546e-10, None),
                Published("CPE2.n", 0.787, None),
                Published("CPE3.Q", 1.382e-6, None),
                Published("CPE3.n", 0.544, None),
            ]);
        }
        let dev = table(&file, &r, dt, &published);
        for (Published(name, v, _), d) in published.iter().zip(&dev) {
            let ok = if name.ends_with(".n") {
                (d * v).abs() <= 0.01
            } else {
                d.abs() <= 0.02
            };
            assert!(ok, "{file} {name}: {:+.3} % from published {v}", 100.0 * d);
        }
    }
}

/// pyimpspec's synthetic test files: Boukamp's TC-1, R0 + (R1‖C1) + (R2‖W), noise-free (MANIFEST). Our W is
/// Z = A_W(1−j)/√ω, and pyimpspec's Y0 = 4e-4 S·s^½ is the admittance coefficient, Z = 1/(Y0·(jω)^½), so
/// A_W = 1/(Y0·√2).
///
/// The .dfr file prints 17 significant digits, so the parameters come back to 1e-9 relative. The .idf file prints
/// 6 (`1.09009E+02`), a rounding of up to 5e-6 relative per value, so 1e-5 is asserted there.
#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn pyimpspec_synthetic_files_are_recovered_exactly() {
    let a_w = 1.0 / (4e-4 * std::f64::consts::SQRT_2);
    let truth = [
        Published("R0", 100.0, None),
        Published("R1", 200.0, None),
        Published("C1", 0.8e-6, None),
        Published("R2", 500.0, None),
        Published("W1", a_w, None),
    ];
    for (file, tol) in [("autolab/pyimpspec_data.dfr", 1e-9), ("ivium/pyimpspec_data.idf", 1e-5)] {
        let Some(s) = spectrum(file) else { return };
        assert_eq!(s.len(), 29, "{file}");
        let (r, dt) = timed_fit("R0-p(R1,C1)-p(R2,W1)", &s, &FitOptions::default());
        let dev = table(file, &r, dt, &truth);
        assert_within(file, &truth, &dev, tol);
    }
}

/// Issue 16, failure 4, on the real file that showed it: the Powersuite export's first arc is an ideal capacitor,
/// so the CPE exponent's optimum is on its bound n = 1. It used to creep there until the evaluation budget ran
/// out and the fit was reported NOT CONVERGED; the optimum (χ² 0.55288, realfit's reference) is a converged fit
/// with the parameter on its bound.
#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn an_exponent_creeping_onto_its_bound_converges_there() {
    let Some(s) = spectrum("princeton_ametek/exampleDataPowersuite.txt") else {
        return;
    };
    let o = FitOptions::default().with_fmax(1e6).with_multistart(0);
    let (r, _) = timed_fit("R0-p(R1,CPE1)-p(R2,CPE2)", &s, &o);
    let n = r.parameter("CPE1.n").unwrap();
    assert!(n.at_bound && n.value > 0.9999, "{r}");
    assert!(r.chi2 <= 0.55288 * 1.0001, "{r}");
    assert!(r.n_evaluations < 1000, "{} evaluations", r.n_evaluations);
}

/// Issue 16, failures 2 and 3, on the Zahner battery file: the Randles group took the slow process, and the two
/// written orders of the same circuit gave χ² 1.15e-3 and 3.94e-3. Both orders must reach the best fit there is
/// (χ² 2.7303e-7, found by thousands of independent starts for realfit's reference).
#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn the_written_order_of_the_arcs_does_not_change_the_fit() {
    let Some(s) = spectrum("zahner_ism_binary/li-ion-battery.ism") else {
        return;
    };
    for circuit in ["L0-R0-p(C1,R1-Wo1)-p(R2,CPE2)", "L0-R0-p(R2,CPE2)-p(C1,R1-Wo1)"] {
        let (r, _) = timed_fit(circuit, &s, &FitOptions::default());
        assert!(r.chi2 <= 2.7303e-7 * 1.001, "{circuit}: {r}");
    }
}
