//! The study's temperature-series analysis from Rust: what `eisfit series` does, step by step.
//!
//! `data/nzsp_series/` holds six spectra of a symmetric Na|NZSP|Na cell from −10 to 40 °C and a manifest,
//! `manifest.csv`, with the columns `file,temperature_c`. This example reads the manifest itself (a plain
//! comma-separated file), reads each spectrum, and runs
//! [`analyze_temperature_series`](eisfit::analysis::analyze_temperature_series) with the study's choices:
//!
//! - circuit `R0-p(R1,CPE1)-p(R2,CPE2)-CPE3` (bulk, grain boundary, interfaces, electrode tail), fitted over the
//!   whole range: modelling the tail, rather than cutting it off with a frequency window, keeps the interface
//!   unbiased (docs/temperature-series.md, section 3);
//! - separator resistance `R0 + R1`, one interface `R2/2` (a symmetric cell has two);
//! - areal resistances with the 8 mm electrode area, 0.5027 cm²;
//! - conductivity σ = d/(R·A) of the separator with d = 110 µm;
//! - Arrhenius fits R = T·κ·exp(E_A/k_BT) of the areal resistances.
//!
//! It prints the activation energies and σ(30 °C) with their standard errors.
//!
//! Run with `cargo run --example temperature_series [MANIFEST.csv]`.

use eisfit::analysis::{analyze_temperature_series, Combination, SeriesPoint, TemperatureSeriesOptions};
use eisfit::{io, Circuit, FitOptions};
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/data/nzsp_series/manifest.csv").to_string()),
    );
    let dir = manifest.parent().unwrap_or(Path::new("."));

    // The manifest: a header line, then `file,temperature_c` per line. Paths are relative to the manifest.
    let text = std::fs::read_to_string(&manifest)?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let header: Vec<&str> = lines
        .next()
        .ok_or("empty manifest")?
        .split(',')
        .map(str::trim)
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| format!("the manifest has no column '{name}'"))
    };
    let (file_col, temp_col) = (col("file")?, col("temperature_c")?);

    let mut points = Vec::new();
    for (k, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let (Some(name), Some(temp)) = (fields.get(file_col), fields.get(temp_col)) else {
            return Err(format!("manifest data line {}: too few fields in '{line}'", k + 1).into());
        };
        let temperature_c: f64 = temp
            .parse()
            .map_err(|_| format!("manifest data line {}: '{temp}' is not a temperature", k + 1))?;
        let file = io::read(dir.join(name))?;
        let spectrum = file.sweeps()[0].spectrum().clone();
        points.push(SeriesPoint::new(*name, temperature_c, spectrum));
    }

    let circuit: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)-CPE3".parse()?;
    let fit_options = FitOptions::default();
    let options = TemperatureSeriesOptions::default()
        .with_combination("separator=R0+R1".parse::<Combination>()?)
        .with_combination("interface=0.5*R2".parse::<Combination>()?)
        .with_area_cm2(0.5027)
        .with_thickness_um(110.0);
    let report = analyze_temperature_series(&circuit, &points, &fit_options, &options)?;

    for f in &report.fits {
        println!(
            "{:>6.1} °C  {:<16} warm start: {}",
            f.temperature_c, f.file, f.warm_started
        );
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    for a in &report.arrhenius {
        println!(
            "{:<10} E_A = {:.4} ± {:.4} eV (95 % CI {:.4}–{:.4}; {:.2} kJ/mol), R² = {:.5}, {} temperatures",
            a.quantity,
            a.activation_energy_ev,
            a.activation_energy_ev_stderr,
            a.activation_energy_ev_ci95[0],
            a.activation_energy_ev_ci95[1],
            a.activation_energy_kj_per_mol,
            a.r_squared,
            a.n_points
        );
    }
    let at_30 = report
        .conductivity
        .iter()
        .find(|c| (c.temperature_c - 30.0).abs() < 1e-9)
        .ok_or("no converged fit at 30 °C")?;
    println!(
        "σ({}, 30 °C) = {:.4} ± {:.4} mS/cm",
        at_30.quantity,
        1e3 * at_30.sigma_s_per_cm,
        1e3 * at_30.sigma_stderr_s_per_cm.unwrap_or(f64::NAN)
    );
    Ok(())
}
