//! Developer tool: fits N copies of one spectrum in parallel with rayon, in process, from automatic start values:
//! the reference time for the Python package's `fit_many` (`benches/python_fit_many.py` runs both).
//!
//! `cargo run --release --example batch_parallel -- FILE.csv CIRCUIT [N] [ROUNDS]` (N = 1000, ROUNDS = 15 by default)
//! prints the fastest and the median wall time of the batches, and the time per fit.
use eisfit::{fit, Circuit, FitOptions, Spectrum};
use rayon::prelude::*;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: FILE.csv CIRCUIT [N]");
    let circuit: Circuit = args.next().expect("circuit").parse().expect("valid circuit");
    let n: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1000);
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(15).max(1);
    let file = eisfit::io::read(&path).expect("readable spectrum");
    let spectrum: Spectrum = file.sweeps()[0].spectrum().clone();
    let batch = vec![spectrum; n];
    let options = FitOptions::default();
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            let converged = batch
                .par_iter()
                .filter(|s| fit(&circuit, s, &options).is_ok_and(|r| r.converged))
                .count();
            assert_eq!(converged, n, "every fit converges");
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let (fastest, median) = (times[0], times[rounds / 2]);
    println!(
        "{n} fits of {path} ({circuit}), {} threads: fastest {:.2} ms, median {:.2} ms per batch; {:.2} us per fit",
        rayon::current_num_threads(),
        fastest * 1e3,
        median * 1e3,
        fastest * 1e6 / n as f64
    );
}
