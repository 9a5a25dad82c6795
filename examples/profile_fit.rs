//! Developer tool: repeats one fit many times, in process, so a profiler can see where the time goes and
//! `benches/compare_impedancepy.py` can time a fit without process start-up or file reading.
//!
//! `cargo run --release --example profile_fit -- FILE.csv CIRCUIT [MODE] [REPS]`, where MODE is
//! - `auto` (the default): `FitOptions::default()`, automatic start values and the multi-start;
//! - `guess`: one start from the automatic start values;
//! - `analyze`: times the start-value analysis and fits each candidate start once;
//! - `same=R0=1.5,R1=20,...`: one start from the given values, unweighted, no canonical reordering (the settings
//!   the comparison with impedance.py uses).
//!
//! It prints the median time per fit over five rounds of REPS / 5 fits.
use eisfit::{fit, fit::guess, Circuit, FitOptions, Spectrum, Weighting};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: FILE.csv CIRCUIT [auto|guess|analyze|same=NAME=VALUE,...] [REPS]");
    let circ: Circuit = args.next().expect("circuit").parse().expect("valid circuit");
    let mode = args.next().unwrap_or_else(|| "auto".into());
    let reps: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(200);
    let text = std::fs::read_to_string(path).expect("readable file");
    let (mut f, mut re, mut im) = (vec![], vec![], vec![]);
    for l in text.lines().skip(1) {
        let v: Vec<f64> = l.split(',').map(|x| x.trim().parse().expect("number")).collect();
        f.push(v[0]);
        re.push(v[1]);
        im.push(v[2]);
    }
    let s = Spectrum::from_parts(f, &re, &im).expect("valid spectrum");
    if mode == "analyze" {
        let t = Instant::now();
        for _ in 0..reps {
            std::hint::black_box(guess::initial_guess(&circ, &s));
        }
        println!("initial_guess: {:?}", t.elapsed() / reps);
        for (k, g) in guess::initial_guesses(&circ, &s).into_iter().enumerate() {
            let o = FitOptions::default().with_initial_values(g).with_multistart(0);
            let t = Instant::now();
            let r = fit(&circ, &s, &o).expect("fit runs");
            println!(
                "candidate {k}: {:?}, {} iterations, {} evaluations, converged {}, chi2 {:.6e}",
                t.elapsed(),
                r.n_iterations,
                r.n_evaluations,
                r.converged,
                r.chi2
            );
        }
        return;
    }
    let o = match mode.as_str() {
        "guess" => FitOptions::default()
            .with_initial_values(guess::initial_guess(&circ, &s))
            .with_multistart(0),
        m if m.starts_with("same=") => m["same=".len()..].split(',').fold(
            FitOptions::default()
                .with_weighting(Weighting::Unit)
                .with_multistart(0)
                .with_canonical_order(false),
            |o, kv| {
                let (k, v) = kv.split_once('=').expect("NAME=VALUE");
                o.with_initial(k, v.parse().expect("a number"))
            },
        ),
        _ => FitOptions::default(),
    };
    let rounds = 5;
    let per_round = (reps / rounds).max(1);
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..per_round {
            last = Some(fit(&circ, &s, &o).expect("fit runs"));
        }
        times.push(t.elapsed() / per_round);
    }
    times.sort();
    let r = last.expect("at least one repetition");
    println!(
        "{}: {:?} per fit, {} iterations, {} evaluations, {} starts ({} at best), chi2 {:.6e}",
        mode.split('=').next().unwrap_or(&mode),
        times[times.len() / 2],
        r.n_iterations,
        r.n_evaluations,
        r.n_starts,
        r.n_starts_at_best,
        r.chi2
    );
}
