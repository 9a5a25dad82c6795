//! Quick start: read a spectrum, fit a Randles circuit with default options, and print the result.
//!
//! `data/randles.csv` is a simulated Randles cell, R_s + (C_dl ‖ (R_ct + W)), measured from 1 MHz to 0.1 Hz with
//! 0.5 % noise. The fit needs no start values: they are read off the spectrum. The report's `Display` prints
//! every parameter with its standard error, the goodness-of-fit statistics and any warnings; the fields of
//! [`eisfit::FitReport`] give the same numbers to a program.
//!
//! Run with `cargo run --example quickstart [FILE]` (default `data/randles.csv`).

use eisfit::{fit, io, Circuit, FitOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/data/randles.csv").to_string());

    // Any supported potentiostat file; the format is detected from the content.
    let file = io::read(&path)?;
    let spectrum = file.sweeps()[0].spectrum();
    println!("{path}: {} points, format {}", spectrum.len(), file.format());

    // impedance.py notation; Boukamp's CDC "R(C[RW])" gives the same circuit with labels R0, C0, R1, W0.
    let circuit: Circuit = "R0-p(C1,R1-W1)".parse()?;

    // Defaults: modulus weighting, automatic start values, extra starts only if the first fit looks doubtful.
    let report = fit(&circuit, spectrum, &FitOptions::default())?;
    print!("{report}");

    // One parameter with its 95 % confidence interval (Student's t with 2N − p degrees of freedom).
    let r_ct = report.parameter("R1").ok_or("R1 is not in the report")?;
    match (r_ct.stderr, r_ct.ci95) {
        (Some(se), Some([lo, hi])) => {
            println!(
                "charge-transfer resistance R1 = {:.3} ± {:.3} Ω (95 % CI {:.3} … {:.3} Ω)",
                r_ct.value, se, lo, hi
            );
        }
        _ => println!(
            "R1 = {:.3} Ω (no standard error: the data do not determine it)",
            r_ct.value
        ),
    }
    if !report.converged {
        return Err(format!("the fit did not converge: {}", report.termination).into());
    }
    Ok(())
}
