//! The fit on small adversarial spectra: 3 to 12 points with frequencies and impedances from the input (any
//! finite values the spectrum accepts), one of a few circuits, few evaluations. No panic; a converged fit has a
//! finite χ² and finite parameters.
#![no_main]
use eisfit::{fit, Circuit, FitOptions, Spectrum, Weighting};
use libfuzzer_sys::fuzz_target;

const CIRCUITS: [&str; 4] = ["R0-p(R1,C1)", "R0-p(R1,CPE1)", "R(RQ)(RQ)", "R0-L0-p(R1,C1)-W1"];

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 + 24 * 3 {
        return;
    }
    let circuit: Circuit = CIRCUITS[usize::from(data[0]) % CIRCUITS.len()].parse().expect("valid circuit");
    let weighting = [Weighting::Modulus, Weighting::Unit, Weighting::Proportional][usize::from(data[1]) % 3];
    let values: Vec<f64> = data[2..]
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect();
    let n = (values.len() / 3).min(12);
    let (f, rest) = values.split_at(n);
    let (re, im) = rest.split_at(n);
    let im = &im[..n];
    let Ok(spectrum) = Spectrum::from_parts(f.iter().map(|x| x.abs()).collect(), re, im) else {
        return;
    };
    let options = FitOptions::default()
        .with_weighting(weighting)
        .with_max_evaluations(200)
        .with_multistart(0);
    if let Ok(report) = fit(&circuit, &spectrum, &options) {
        if report.converged {
            assert!(report.chi2.is_finite(), "converged with chi2 = {}", report.chi2);
            assert!(report.values().iter().all(|v| v.is_finite()), "converged with {:?}", report.values());
        }
    }
});
