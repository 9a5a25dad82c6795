//! Fit every `.csv` file under a folder in parallel and print one summary line per file, in a stable order.
//!
//! This is what a Python loop over `glob("*.csv")` does with impedance.py, but on all cores: the files are
//! collected and sorted first, fitted with rayon's `par_iter` (whose `collect` keeps the input order), and
//! printed afterwards, so the output is the same from run to run. Files that are not spectra (a manifest, a
//! table of true values) are reported as skipped instead of stopping the batch; a fit that does not converge is
//! reported as such.
//!
//! The same batch from the command line is `eisfit fit data/*.csv --circuit '...' --output csv`.
//!
//! Run with `cargo run --example batch_folder -- [DIR] [CIRCUIT]` (default `data/`, searched recursively, and
//! `R0-p(R1,CPE1)-p(R2,CPE2)`).

use eisfit::io::ReadError;
use eisfit::{fit, io, Circuit, FitOptions, FitReport};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What happened to one file.
enum Outcome {
    /// The file is not a spectrum eisfit can read; the reason.
    Skipped(String),
    /// The fit could not be set up (too few points after cropping, for example).
    Failed(String),
    /// The fit ran (check `converged`).
    Fitted(Box<FitReport>),
}

/// Every `.csv` file under `dir`, recursively, sorted by path.
fn csv_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn process(path: &Path, circuit: &Circuit, options: &FitOptions) -> Outcome {
    let file = match io::read(path) {
        Ok(f) => f,
        // A file without frequency and impedance columns: not a spectrum, skip it.
        Err(ReadError::UnknownFormat { line, header, .. }) => {
            return Outcome::Skipped(format!("no frequency and impedance columns (line {line}: `{header}`)"))
        }
        Err(ReadError::Empty { .. }) => return Outcome::Skipped("empty file".into()),
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    match fit(circuit, file.sweeps()[0].spectrum(), options) {
        Ok(r) => Outcome::Fitted(Box::new(r)),
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/data").to_string()),
    );
    let circuit: Circuit = args
        .next()
        .unwrap_or_else(|| "R0-p(R1,CPE1)-p(R2,CPE2)".to_string())
        .parse()?;
    let options = FitOptions::default();

    let files = csv_files(&dir)?;
    // In parallel; `collect` on an indexed parallel iterator keeps the order of `files`.
    let outcomes: Vec<Outcome> = files.par_iter().map(|p| process(p, &circuit, &options)).collect();

    println!("circuit {circuit}, {} files under {}", files.len(), dir.display());
    let (mut n_ok, mut n_not, mut n_skip, mut n_fail) = (0, 0, 0, 0);
    for (path, outcome) in files.iter().zip(&outcomes) {
        let name = path.strip_prefix(&dir).unwrap_or(path).display();
        match outcome {
            Outcome::Fitted(r) => {
                if r.converged {
                    n_ok += 1;
                } else {
                    n_not += 1;
                }
                let r0 = r.parameter("R0").map_or(f64::NAN, |p| p.value);
                println!(
                    "{name:<28} {:<13} {:>3} points  pseudo-χ² = {:.3e}  R0 = {r0:.4} Ω  {} warning(s)",
                    if r.converged { "converged" } else { "NOT CONVERGED" },
                    r.n_points,
                    r.pseudo_chi2,
                    r.warnings.len()
                );
            }
            Outcome::Skipped(why) => {
                n_skip += 1;
                println!("{name:<28} skipped: {why}");
            }
            Outcome::Failed(why) => {
                n_fail += 1;
                println!("{name:<28} failed: {why}");
            }
        }
    }
    println!("{n_ok} converged, {n_not} not converged, {n_skip} skipped, {n_fail} failed");
    Ok(())
}
