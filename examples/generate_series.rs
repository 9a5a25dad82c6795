//! Writes the shipped example temperature series, `data/nzsp_series/`: a symmetric Na|NZSP|Na cell from −10 to
//! 40 °C as in the study, made with eisfit's own simulator.
//!
//! `cargo run --example generate_series [OUT_DIR]` (default `data/nzsp_series`).
//!
//! The model is in `examples/support/nzsp.rs`: R0 (bulk) + p(R1, CPE1) (grain boundaries) + p(R2, CPE2) (both
//! interfaces) + CPE3 (the electrodes' low-frequency tail). Separator 110 µm, 8 mm electrodes, σ(30 °C) =
//! 1.6 mS/cm with E_A = 0.28 eV; each interface 1.5 Ω·cm² at 30 °C with E_A = 0.41 eV; 0.5 % proportional noise,
//! one seed per temperature (100–105).

#[path = "support/nzsp.rs"]
mod nzsp;

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "data/nzsp_series".into()));
    std::fs::create_dir_all(&out)?;
    let mut manifest = String::from("file,temperature_c\n");
    let mut truth =
        String::from("temperature_c,R0_ohm,R1_ohm,R2_ohm,separator_ohm_cm2,interface_ohm_cm2,sigma_s_per_cm\n");
    for (t_c, s) in nzsp::series(nzsp::SHIPPED_SEED) {
        let t = nzsp::truth(t_c);
        let name = format!("nzsp_{t_c:+.0}C.csv").replace('+', "");
        let mut csv = String::from("frequency_hz,z_real_ohm,z_imag_ohm\n");
        for (f, z) in s.freq_hz().iter().zip(s.z()) {
            writeln!(csv, "{f},{},{}", z.re, z.im)?;
        }
        std::fs::write(out.join(&name), csv)?;
        writeln!(manifest, "{name},{t_c}")?;
        let [r0, r1, _, _, r2, ..] = t.params;
        writeln!(
            truth,
            "{t_c},{r0},{r1},{r2},{},{},{}",
            t.separator_ohm_cm2, t.interface_ohm_cm2, t.sigma_s_per_cm
        )?;
    }
    std::fs::write(out.join("manifest.csv"), manifest)?;
    std::fs::write(out.join("truth.csv"), truth)?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
