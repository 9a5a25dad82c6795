//! Writes the shipped example temperature series, `data/nzsp_series/`: a symmetric Na|NZSP|Na cell from −10 to
//! 40 °C as in the study, made with eisfit's own simulator.
//!
//! `cargo run --example generate_series [OUT_DIR]` (default `data/nzsp_series`).
//!
//! The cell: R0 (bulk) + p(R1, CPE1) (grain boundaries) + p(R2, CPE2) (both interfaces) + CPE3 (a low-frequency
//! tail below 20 Hz, left out of the fit with `--fmin 20`). Separator 110 µm, 8 mm electrodes
//! (A = π·0.4² cm²), σ(30 °C) = 1.6 mS/cm split 40 % bulk / 60 % grain boundary, E_A = 0.28 eV; each interface
//! 1.5 Ω·cm² at 30 °C with E_A = 0.41 eV; resistances follow R = T·κ·exp(E_A/k_BT). The CPEs are held fixed, set
//! so that the arcs peak at 100 kHz and 5 kHz at 30 °C. 0.5 % proportional noise, one seed per temperature.

use eisfit::consts::{BOLTZMANN_EV_PER_K, ZERO_CELSIUS_K};
use eisfit::simulate::{log_frequencies, simulate, Noise};
use eisfit::Circuit;
use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

/// R(T) = T·κ·exp(Ea/kT), with κ set so that R(T_ref) = r_ref.
fn arrhenius(r_ref: f64, t_ref_c: f64, ea_ev: f64, t_c: f64) -> f64 {
    let (t, t0) = (t_c + ZERO_CELSIUS_K, t_ref_c + ZERO_CELSIUS_K);
    r_ref * (t / t0) * (ea_ev / BOLTZMANN_EV_PER_K * (1.0 / t - 1.0 / t0)).exp()
}

fn main() -> Result<(), Box<dyn Error>> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "data/nzsp_series".into()));
    std::fs::create_dir_all(&out)?;
    let area = std::f64::consts::PI * 0.4 * 0.4; // cm², 8 mm diameter
    let thickness_cm = 110e-4;
    let asr_sep_30 = thickness_cm / 1.6e-3; // Ω·cm² at 30 °C from σ = 1.6 mS/cm
    let asr_int_30 = 1.5; // Ω·cm² per interface at 30 °C
    let circuit: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)-CPE3".parse()?;
    let freq = log_frequencies(1e6, 1.0, 10)?;
    // CPE Q from the apex frequency at 30 °C: τ = (R·Q)^(1/n) = 1/(2π f) ⇒ Q = τⁿ/R.
    let (n1, n2) = (0.85, 0.9);
    let r1_30 = 0.6 * asr_sep_30 / area;
    let r2_30 = 2.0 * asr_int_30 / area;
    let q1 = (1.0 / (std::f64::consts::TAU * 1e5)).powf(n1) / r1_30;
    let q2 = (1.0 / (std::f64::consts::TAU * 5e3)).powf(n2) / r2_30;
    let mut manifest = String::from("file,temperature_c\n");
    let mut truth =
        String::from("temperature_c,R0_ohm,R1_ohm,R2_ohm,separator_ohm_cm2,interface_ohm_cm2,sigma_s_per_cm\n");
    for (k, t_c) in [-10.0, 0.0, 10.0, 20.0, 30.0, 40.0].into_iter().enumerate() {
        let sep = arrhenius(asr_sep_30, 30.0, 0.28, t_c);
        let int = arrhenius(asr_int_30, 30.0, 0.41, t_c);
        let (r0, r1, r2) = (0.4 * sep / area, 0.6 * sep / area, 2.0 * int / area);
        let params = [r0, r1, q1, n1, r2, q2, n2, 0.5, 0.5];
        let s = simulate(&circuit, &params, &freq, Some(Noise::new(0.005, 100 + k as u64)?))?;
        let name = format!("nzsp_{t_c:+.0}C.csv").replace('+', "");
        let mut csv = String::from("frequency_hz,z_real_ohm,z_imag_ohm\n");
        for (f, z) in s.freq_hz().iter().zip(s.z()) {
            writeln!(csv, "{f},{},{}", z.re, z.im)?;
        }
        std::fs::write(out.join(&name), csv)?;
        writeln!(manifest, "{name},{t_c}")?;
        writeln!(truth, "{t_c},{r0},{r1},{r2},{sep},{int},{}", thickness_cm / sep)?;
    }
    std::fs::write(out.join("manifest.csv"), manifest)?;
    std::fs::write(out.join("truth.csv"), truth)?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
