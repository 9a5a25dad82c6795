//! Fitting with known per-point standard deviations (sigma weighting), compared with modulus and unit weighting.
//!
//! `data/symmetric_cell_30C.csv` was simulated with 0.5 % proportional Gaussian noise on each part
//! (`data/generate.sh`): Z′ᵢ·(1 + 0.005·N(0,1)) and Z″ᵢ·(1 + 0.005·N(0,1)), Z being the noise-free impedance.
//! Its standard deviations are therefore known: σ′ᵢ = 0.005·|Z′ᵢ| and σ″ᵢ = 0.005·|Z″ᵢ|. Attached with
//! [`Spectrum::with_sigma`](eisfit::Spectrum::with_sigma), they make the weighted residuals unit-variance, so the
//! reduced χ² of a correct model is close to 1, and a value far from 1 says that either the model or the σ are
//! wrong. With modulus or unit weighting the reduced χ² has units (relative error squared, or Ω²) and is not
//! expected to be 1.
//!
//! The standard errors are scaled by the reduced χ² (Cov = s²·(JᵀWJ)⁻¹ with s² = χ²/ν), so σ that are all too
//! large by the same factor give the same parameters and standard errors; only the reduced χ² shows it.
//!
//! With real data, σ can come from repeated measurements, from the instrument's accuracy contour, or from a
//! Kramers–Kronig residual analysis.
//!
//! Run with `cargo run --example custom_weights`.

use eisfit::num_complex::Complex64;
use eisfit::{fit, io, Circuit, FitOptions, FitReport, Weighting};

fn summary(label: &str, r: &FitReport) -> String {
    let p = |name: &str| {
        r.parameter(name)
            .map(|e| match e.stderr {
                Some(s) => format!("{:.3} ± {:.3}", e.value, s),
                None => format!("{:.3} ± n/a", e.value),
            })
            .unwrap_or_default()
    };
    format!(
        "{label:<28} reduced χ² = {:<11.4e} R1 = {:<16} R2 = {:<16} converged: {}",
        r.reduced_chi2,
        p("R1"),
        p("R2"),
        r.converged
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/symmetric_cell_30C.csv");
    let measured = io::read(path)?.sweeps()[0].spectrum().clone();
    let circuit: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)".parse()?;

    // The noise-free impedance the file was made from (the parameters in data/generate.sh).
    let truth = [5.471, 8.206, 1.437e-6, 0.85, 5.968, 1.502e-5, 0.9];
    let z_true = circuit.impedance(&truth, measured.freq_hz())?;
    // σ of each part, in Ω: `rel` times its noise-free size (real part σ′, imaginary part σ″).
    let sigma_of = |z: &[Complex64], rel: f64| -> Vec<Complex64> {
        z.iter()
            .map(|z| Complex64::new(rel * z.re.abs(), rel * z.im.abs()))
            .collect()
    };
    let with_true_sigma = measured.clone().with_sigma(sigma_of(&z_true, 0.005))?;
    // A σ twice too large, to show what the reduced χ² then says.
    let with_wrong_sigma = measured.clone().with_sigma(sigma_of(&z_true, 0.010))?;
    // σ estimated from the noisy measured values instead, as one must without a noise-free model: close to the
    // true σ here because the noise is small (0.5 %). With large noise, points whose measured part happens to be
    // small get too much weight, as with proportional weighting.
    let with_estimated_sigma = measured.clone().with_sigma(sigma_of(measured.z(), 0.005))?;

    let sigma = FitOptions::default().with_weighting(Weighting::Sigma);
    let runs = [
        ("sigma, true σ (0.5 %)", fit(&circuit, &with_true_sigma, &sigma)?),
        ("sigma, σ twice too large", fit(&circuit, &with_wrong_sigma, &sigma)?),
        (
            "sigma, σ from measured Z",
            fit(&circuit, &with_estimated_sigma, &sigma)?,
        ),
        ("modulus (default)", fit(&circuit, &measured, &FitOptions::default())?),
        (
            "unit (impedance.py default)",
            fit(
                &circuit,
                &measured,
                &FitOptions::default().with_weighting(Weighting::Unit),
            )?,
        ),
    ];
    println!("true values: R1 = {:.3} Ω, R2 = {:.3} Ω", truth[1], truth[4]);
    for (label, report) in &runs {
        println!("{}", summary(label, report));
    }

    // Sigma weighting without σ is an error, not a silent fallback.
    match fit(&circuit, &measured, &sigma) {
        Err(e) => println!("sigma weighting on a spectrum without σ: {e}"),
        Ok(_) => return Err("expected an error for sigma weighting without σ".into()),
    }
    Ok(())
}
