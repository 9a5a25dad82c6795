//! Arrhenius analysis of a separator: resistances at −10…40 °C generated with E_A = 0.28 eV (the study's value)
//! and 2 % scatter, fitted with both laws.
//!
//! Run with `cargo run --example arrhenius`.

use eisfit::arrhenius::{fit_arrhenius, ArrheniusError, ArrheniusLaw, ArrheniusOptions};
use eisfit::consts::{BOLTZMANN_EV_PER_K, ZERO_CELSIUS_K};

fn main() -> Result<(), ArrheniusError> {
    let t_c = [-10.0, 0.0, 10.0, 20.0, 30.0, 40.0];
    // Fixed ±2 % scatter so the output is reproducible.
    let scatter = [1.02, 0.98, 1.01, 0.99, 1.02, 0.98];
    let r: Vec<f64> = t_c
        .iter()
        .zip(scatter)
        .map(|(t, s)| {
            let t_k = t + ZERO_CELSIUS_K;
            s * t_k * 2e-6 * (0.28 / (BOLTZMANN_EV_PER_K * t_k)).exp()
        })
        .collect();
    for law in [ArrheniusLaw::TPrefactor, ArrheniusLaw::Plain] {
        let fit = fit_arrhenius(&t_c, &r, None, &ArrheniusOptions::default().with_law(law))?;
        let p = fit.predict(25.0)?;
        println!("{fit}\n  R(25 °C) = {:.2} ± {:.2} Ω\n", p.value, p.stderr);
    }
    Ok(())
}
