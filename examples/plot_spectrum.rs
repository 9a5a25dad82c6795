//! Nyquist plot of a simulated two-arc spectrum (0.5 % noise) with its model curve, as used in the README.
//!
//! Run with `cargo run --example plot_spectrum -- [OUT.svg]`; without an argument the plot goes to the system's
//! temporary directory.

use eisfit::plot::SpectrumPlot;
use eisfit::simulate::{log_frequencies, simulate, Noise};
use eisfit::Circuit;

fn main() -> Result<(), eisfit::Error> {
    let out = std::env::args_os()
        .nth(1)
        .map_or_else(|| std::env::temp_dir().join("eisfit_nyquist_example.svg"), Into::into);

    let circuit: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)".parse()?;
    let params = [5.471, 8.206, 1.437e-6, 0.85, 5.968, 1.502e-5, 0.9];
    // "Measured": 10 points per decade from 1 MHz to 1 Hz with 0.5 % proportional noise.
    let measured = simulate(
        &circuit,
        &params,
        &log_frequencies(1e6, 1.0, 10)?,
        Some(Noise::new(0.005, 7)?),
    )?;
    // The model curve: the same circuit on a dense grid.
    let dense = log_frequencies(1e6, 1.0, 50)?;
    let model = circuit.impedance(&params, &dense)?;

    SpectrumPlot::new(&measured)
        .with_label("measured")
        .with_model(&dense, &model, "R0-p(R1,CPE1)-p(R2,CPE2)")?
        .write_nyquist(&out)?;
    println!("wrote {}", out.display());
    Ok(())
}
