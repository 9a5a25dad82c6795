//! Developer tool: scores [`eisfit::drt`] on the shared DRT set, for `docs/benchmarks.md`.
//!
//! `cargo run --release --example drt_scores -- ../shared/data/drt`
//!
//! For every spectrum with a known γ (`generated/` and `pydrttools/`, see their `truth.json`), prints the metrics of
//! the set's README: the relative L2 error of γ where the exact γ is at least 1 % of its maximum (eisfit's γ
//! interpolated linearly in ln τ onto the exact grid, zero outside eisfit's range), the error of R_pol, the error
//! of each peak position in decades (against the nearest true peak), the number of peaks found and expected, and
//! the time of the DRT alone on one thread.
use eisfit::{drt, read, Drt, DrtOptions};
use serde_json::Value;
use std::path::Path;
use std::time::Instant;

fn exact_gamma(path: &Path) -> Vec<(f64, f64)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut it = l.split(',').map(|x| x.trim().parse::<f64>().expect("a number"));
            (it.next().expect("tau"), it.next().expect("gamma"))
        })
        .collect()
}

/// eisfit's γ, linear in ln τ between its nodes and zero outside its grid.
fn interpolate(d: &Drt, tau: f64) -> f64 {
    let u = tau.ln();
    let t = &d.tau_s;
    if u < t[0].ln() || u > t[t.len() - 1].ln() {
        return 0.0;
    }
    let k = t.partition_point(|&x| x.ln() <= u).clamp(1, t.len() - 1);
    let (u0, u1) = (t[k - 1].ln(), t[k].ln());
    let w = (u - u0) / (u1 - u0);
    d.gamma_ohm[k - 1] * (1.0 - w) + d.gamma_ohm[k] * w
}

fn l2_error(d: &Drt, exact: &[(f64, f64)]) -> f64 {
    let top = exact.iter().fold(0.0f64, |m, p| m.max(p.1));
    let (mut num, mut den) = (0.0, 0.0);
    for &(tau, g) in exact.iter().filter(|p| p.1 >= 0.01 * top) {
        let e = interpolate(d, tau) - g;
        num += e * e;
        den += g * g;
    }
    (num / den).sqrt()
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "../shared/data/drt".into());
    let options = DrtOptions::default();
    let mut total_time = 0.0;
    let mut count = 0;
    println!(
        "{:26} {:>6} {:>8} {:>9} {:>7} {:>10}  peak errors (decades)",
        "spectrum", "noise", "L2(γ)", "ΔR_pol %", "peaks", "λ"
    );
    for sub in ["generated", "pydrttools"] {
        let base = Path::new(&dir).join(sub);
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(base.join("truth.json")).expect("truth.json")).expect("JSON");
        for (id, t) in truth.as_object().expect("an object") {
            let file = read(base.join(t["file"].as_str().expect("file"))).expect("readable");
            let spectrum = file.sweeps()[0].spectrum();
            let start = Instant::now();
            let d = drt(spectrum, &options).expect("a DRT");
            total_time += start.elapsed().as_secs_f64();
            count += 1;
            let l2 = t["gamma_file"]
                .as_str()
                .map(|g| format!("{:.3}", l2_error(&d, &exact_gamma(&base.join(g)))))
                .unwrap_or_else(|| "-".into());
            let r_pol = t["r_pol"].as_f64().expect("r_pol");
            let true_peaks: Vec<f64> = t["peaks_tau_s"]
                .as_array()
                .expect("peaks")
                .iter()
                .filter_map(Value::as_f64)
                .collect();
            let errs: Vec<String> = d
                .peaks
                .iter()
                .map(|p| {
                    let e = true_peaks
                        .iter()
                        .map(|&tp| p.tau_s.log10() - tp.log10())
                        .min_by(|a, b| a.abs().total_cmp(&b.abs()))
                        .unwrap_or(f64::NAN);
                    format!("{e:+.3}")
                })
                .collect();
            println!(
                "{:26} {:>6} {:>8} {:>9.3} {:>3}/{:<3} {:>10.2e}  {}",
                id,
                t["noise_percent"].as_f64().map_or("abs".into(), |n| format!("{n}%")),
                l2,
                100.0 * (d.r_pol_ohm - r_pol) / r_pol,
                d.peaks.len(),
                true_peaks.len(),
                d.lambda,
                errs.join(" ")
            );
        }
    }
    println!(
        "{:.2} ms per spectrum (DRT only, one thread, {count} spectra)",
        1e3 * total_time / count as f64
    );
}
