//! Developer tool: scores [`eisfit::lin_kk`] on the shared Kramers–Kronig set, for `docs/benchmarks.md`.
//!
//! `cargo run --release --example kk_scores -- ../shared/data/kk [--verbose]`
//!
//! Reads `labels.json` and `meta.json` of the directory, runs the default test on every CSV, and prints the AUC of
//! `pseudo_chi2` and of `max_abs_residual` for separating compliant from drifting spectra at each noise level,
//! the accuracy of `valid`, and the time per spectrum of the test alone on one thread (files read beforehand).
use eisfit::num_complex::Complex64;
use eisfit::{lin_kk, LinKkOptions, Spectrum};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

fn read_csv(path: &Path) -> Spectrum {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (mut f, mut z) = (Vec::new(), Vec::new());
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let v: Vec<f64> = line.split(',').map(|x| x.trim().parse().expect("a number")).collect();
        f.push(v[0]);
        z.push(Complex64::new(v[1], v[2]));
    }
    Spectrum::new(f, z).expect("a valid spectrum")
}

/// P(score of a drifting spectrum > score of a compliant one), ties counted half.
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

/// Scores of one noise level: pseudo-χ² of compliant and drifting spectra, then max |residual| of each.
#[derive(Default)]
struct Level {
    chi2_valid: Vec<f64>,
    chi2_drift: Vec<f64>,
    max_valid: Vec<f64>,
    max_drift: Vec<f64>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "../shared/data/kk".into());
    let verbose = args.any(|a| a == "--verbose");
    let dir = Path::new(&dir);
    let load = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).expect("readable")).expect("JSON")
    };
    let labels = load("labels.json");
    let meta = load("meta.json");
    let labels = labels.as_object().expect("an object");
    let spectra: Vec<(String, bool, f64, Spectrum)> = labels
        .iter()
        .map(|(id, ok)| {
            let noise = meta[id]["noise_percent"].as_f64().expect("noise_percent");
            (
                id.clone(),
                ok.as_bool().expect("bool"),
                noise,
                read_csv(&dir.join(format!("{id}.csv"))),
            )
        })
        .collect();
    let options = LinKkOptions::default();
    let start = Instant::now();
    let results: Vec<_> = spectra
        .iter()
        .map(|(_, _, _, s)| lin_kk(s, &options).expect("the test runs"))
        .collect();
    let per = start.elapsed().as_secs_f64() / spectra.len() as f64;
    let mut by_noise: BTreeMap<String, Level> = BTreeMap::new();
    let mut right = 0;
    for ((id, ok, noise, _), r) in spectra.iter().zip(&results) {
        let e = by_noise.entry(format!("{noise}")).or_default();
        if *ok {
            e.chi2_valid.push(r.pseudo_chi2);
            e.max_valid.push(r.max_abs_residual);
        } else {
            e.chi2_drift.push(r.pseudo_chi2);
            e.max_drift.push(r.max_abs_residual);
        }
        right += usize::from(r.valid == *ok);
        if verbose {
            println!(
                "{id:32} {ok:5} valid {:5} n_rc {:3} {:?} chi2/dof {:.3e} ratio {:.3} mu {:.2}",
                r.valid, r.n_rc, r.model.immittance, r.pseudo_chi2, r.noise_ratio, r.mu
            );
        }
    }
    for (noise, l) in &by_noise {
        println!(
            "noise {noise:>4} %: AUC(pseudo_chi2) {:.4}  AUC(max_abs_residual) {:.4}  ({} compliant, {} drifting)",
            auc(&l.chi2_valid, &l.chi2_drift),
            auc(&l.max_valid, &l.max_drift),
            l.chi2_valid.len(),
            l.chi2_drift.len()
        );
    }
    println!(
        "valid flag right on {right}/{} = {:.1} %; {:.2} ms per spectrum (test only, one thread)",
        spectra.len(),
        100.0 * right as f64 / spectra.len() as f64,
        per * 1e3
    );
}
