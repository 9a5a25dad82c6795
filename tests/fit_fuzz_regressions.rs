//! The inputs on which fuzzing the fit found false `converged` reports (χ² = ∞ or NaN, an infinite parameter)
//! and a fit that ran for over ten seconds, kept in `fuzz/regressions/fit/` and replayed here with the fuzz
//! target's decoding: a circuit byte, a weighting byte, then little-endian f64 frequencies, Z′ and Z″. A converged
//! report must have a finite χ² and finite parameters.

use eisfit::{fit, Circuit, FitOptions, Spectrum, Weighting};

const CIRCUITS: [&str; 4] = ["R0-p(R1,C1)", "R0-p(R1,CPE1)", "R(RQ)(RQ)", "R0-L0-p(R1,C1)-W1"];

fn replay(data: &[u8]) {
    if data.len() < 2 + 24 * 3 {
        return;
    }
    let circuit: Circuit = CIRCUITS[usize::from(data[0]) % CIRCUITS.len()].parse().unwrap();
    let weighting = [Weighting::Modulus, Weighting::Unit, Weighting::Proportional][usize::from(data[1]) % 3];
    let values: Vec<f64> = data[2..]
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let n = (values.len() / 3).min(12);
    let (f, rest) = values.split_at(n);
    let (re, im) = rest.split_at(n);
    let Ok(spectrum) = Spectrum::from_parts(f.iter().map(|x| x.abs()).collect(), re, &im[..n]) else {
        return;
    };
    let options = FitOptions::default()
        .with_weighting(weighting)
        .with_max_evaluations(200)
        .with_multistart(0);
    if let Ok(report) = fit(&circuit, &spectrum, &options) {
        if report.converged {
            assert!(report.chi2.is_finite(), "converged with χ² = {}: {report}", report.chi2);
            assert!(report.values().iter().all(|v| v.is_finite()), "{report}");
        }
    }
}

#[test]
fn the_fuzzers_fit_findings_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/fit");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/regressions/fit is in the repository") {
        let path = entry.unwrap().path();
        replay(&std::fs::read(&path).unwrap());
        n += 1;
    }
    assert!(n >= 4, "{n} regression inputs");
}
