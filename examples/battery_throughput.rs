//! Throughput at scale (issue 16): N simulated battery spectra (default 10,000) of `L0-R0-p(R1,CPE1)-p(R2,CPE2)-W3`,
//! 61 points from 20 kHz to 20 mHz with 1 % noise, fitted from automatic starts on every core.
//!
//! `cargo run --release --example battery_throughput [N]`
//!
//! Each spectrum has its own parameters (log-uniform within ±40 % of a lithium-ion cell's: 0.2 µH leads, 20 mΩ
//! ohmic, an SEI arc near 500 Hz, a charge-transfer arc near 5 Hz, a Warburg tail). The example prints the
//! throughput, the per-spectrum time distribution, and how many fits reached their optimum: a fit counts as at its
//! optimum when its χ² is within 1 % of the χ² of a fit started from the true parameters (the second pass, not
//! timed).

use eisfit::simulate::{log_frequencies, simulate, Noise};
use eisfit::{fit, Circuit, FitOptions, Spectrum};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::time::Instant;

/// Nominal parameters in the circuit's order: L0, R0, R1, CPE1.Q, CPE1.n, R2, CPE2.Q, CPE2.n, W3.A.
const NOMINAL: [f64; 9] = [2e-7, 0.02, 0.01, 0.107, 0.85, 0.03, 2.1, 0.8, 0.01];

/// Draws one spectrum's parameters: every positive scale log-uniform within ±40 %, exponents ±0.05.
fn draw(rng: &mut ChaCha8Rng) -> Vec<f64> {
    NOMINAL
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if i == 4 || i == 7 {
                v + rng.random_range(-0.05..0.05)
            } else {
                v * rng.random_range(0.6f64.ln()..1.4f64.ln()).exp()
            }
        })
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(10_000);
    let circuit: Circuit = "L0-R0-p(R1,CPE1)-p(R2,CPE2)-W3".parse()?;
    let f = log_frequencies(2e4, 0.02, 10)?;
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    let truths: Vec<Vec<f64>> = (0..n).map(|_| draw(&mut rng)).collect();
    let spectra: Vec<Spectrum> = truths
        .iter()
        .enumerate()
        .map(|(k, p)| simulate(&circuit, p, &f, Some(Noise::new(0.01, k as u64)?)))
        .collect::<Result<_, _>>()?;

    let options = FitOptions::default();
    let start = Instant::now();
    let fits: Vec<(f64, Option<eisfit::FitReport>)> = spectra
        .par_iter()
        .map(|s| {
            let t = Instant::now();
            let r = fit(&circuit, s, &options).ok();
            (t.elapsed().as_secs_f64(), r)
        })
        .collect();
    let wall = start.elapsed().as_secs_f64();

    // Not timed: the same spectra from their true parameters, to know the optimum.
    let reference: Vec<Option<f64>> = spectra
        .par_iter()
        .zip(&truths)
        .map(|(s, p)| {
            let o = FitOptions::default().with_initial_values(p.clone()).with_multistart(0);
            fit(&circuit, s, &o).ok().map(|r| r.chi2)
        })
        .collect();

    let mut times: Vec<f64> = fits.iter().map(|(t, _)| *t).collect();
    times.sort_by(f64::total_cmp);
    let (mut converged, mut adequate, mut at_optimum, mut failed) = (0, 0, 0, 0);
    for ((_, r), best) in fits.iter().zip(&reference) {
        let Some(r) = r else {
            failed += 1;
            continue;
        };
        converged += usize::from(r.converged);
        adequate += usize::from(r.adequacy.adequate);
        let best = best.unwrap_or(f64::INFINITY).min(r.chi2);
        at_optimum += usize::from(r.chi2 <= best * 1.01 + 1e-300);
    }
    println!(
        "{n} spectra of {circuit}, {} points, {} threads: {wall:.2} s, {:.0} spectra/s",
        f.len(),
        rayon::current_num_threads(),
        n as f64 / wall
    );
    println!(
        "per spectrum (one thread): mean {:.2} ms, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        1e3 * times.iter().sum::<f64>() / n as f64,
        1e3 * percentile(&times, 0.5),
        1e3 * percentile(&times, 0.99),
        1e3 * times.last().copied().unwrap_or(0.0)
    );
    println!("converged {converged}, adequate {adequate}, at the optimum {at_optimum}, failed {failed} (of {n})");
    Ok(())
}
