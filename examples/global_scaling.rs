//! Speed of a global fit: N spectra (default 1,000) of `R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)-p(R4,CPE4)-CPE5`,
//! 5 local parameters (R0…R4, different in every spectrum) and 10 shared ones (the CPEs), fitted in one problem.
//!
//! `cargo run --release --example global_scaling [N]`
//!
//! The start values come from per-spectrum fits (`fit_series`, each started from the previous spectrum); the
//! example times them and the global fit separately, and checks that the shared parameters come back.

use eisfit::fit::global::{fit_global_from, GlobalOptions};
use eisfit::simulate::{log_frequencies, simulate, Noise};
use eisfit::{fit_series, Circuit, FitOptions};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let circuit: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)-p(R4,CPE4)-CPE5".parse()?;
    let f = log_frequencies(1e6, 0.01, 8)?;
    // Arcs at about 100 kHz, 3 kHz, 100 Hz and 3 Hz; resistances drift by ±30 % over the series.
    let shared = [2e-10, 0.9, 2e-8, 0.85, 1e-6, 0.9, 2e-5, 0.8, 1e-2, 0.6];
    let mut spectra = Vec::with_capacity(n);
    let mut temps = Vec::with_capacity(n);
    for k in 0..n {
        let s = 1.0 + 0.3 * (k as f64 * 0.37).sin();
        let p = [
            10.0 * s,
            8e3 * s,
            2.5e3 * s,
            1.5e3 / s,
            2e3 * s,
            shared[0],
            shared[1],
            shared[2],
            shared[3],
            shared[4],
            shared[5],
            shared[6],
            shared[7],
            shared[8],
            shared[9],
        ];
        // Parameter order: R0, R1, CPE1.Q, CPE1.n, R2, ... — interleave the locals with the shared values.
        let params = [
            p[0], p[1], p[5], p[6], p[2], p[7], p[8], p[3], p[9], p[10], p[4], p[11], p[12], p[13], p[14],
        ];
        spectra.push(simulate(&circuit, &params, &f, Some(Noise::new(0.005, k as u64)?))?);
        temps.push(25.0);
    }
    let start = Instant::now();
    let first = FitOptions::default()
        .with_initial_values(vec![
            10.0, 8e3, 2e-10, 0.9, 2.5e3, 2e-8, 0.85, 1.5e3, 1e-6, 0.9, 2e3, 2e-5, 0.8, 1e-2, 0.6,
        ])
        .with_multistart(0);
    let series = fit_series(&circuit, &spectra, &first);
    let starts = series
        .fits
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("a start fit failed: {e}"))?;
    let t_starts = start.elapsed().as_secs_f64();
    let options = [
        "CPE1.Q", "CPE1.n", "CPE2.Q", "CPE2.n", "CPE3.Q", "CPE3.n", "CPE4.Q", "CPE4.n", "CPE5.Q", "CPE5.n",
    ]
    .iter()
    .fold(GlobalOptions::default(), |o, n| o.with_shared(*n));
    let start = Instant::now();
    let g = fit_global_from(&circuit, &spectra, &temps, &starts, &FitOptions::default(), &options)?;
    let t_global = start.elapsed().as_secs_f64();
    println!(
        "{n} spectra, {} points, {} unknowns: per-spectrum start fits {t_starts:.2} s, global fit {t_global:.2} s \
         ({} iterations, {:?}, reduced χ² {:.3e}); {} threads",
        g.n_points,
        g.n_parameters,
        g.n_iterations,
        g.termination,
        g.reduced_chi2,
        rayon::current_num_threads()
    );
    for (p, truth) in g.parameters.iter().zip(shared) {
        let se = p.stderr.unwrap_or(f64::NAN);
        println!(
            "  {:<8} {:>12.5e} ± {:.2e}   true {truth:.5e}   ({:+.2} SE)",
            p.name,
            p.value,
            se,
            (p.value - truth) / se
        );
    }
    Ok(())
}
