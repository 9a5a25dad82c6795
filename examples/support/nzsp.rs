//! The simulated Na|NZSP|Na temperature series of `data/nzsp_series/`, as a function of the noise seed: shared by
//! `examples/generate_series.rs` (which writes the shipped files with seeds 100–105), the Monte Carlo of the
//! series route (`examples/series_monte_carlo.rs`, replicate series with other seeds) and the tests.
//!
//! The cell: R0 (bulk) + p(R1, CPE1) (grain boundaries) + p(R2, CPE2) (both interfaces) + CPE3 (the electrodes'
//! low-frequency tail, Q = 0.5 F·s^(n−1), n = 0.5, independent of temperature). Separator 110 µm, 8 mm electrodes
//! (A = π·0.4² cm²), σ(30 °C) = 1.6 mS/cm split 40 % bulk / 60 % grain boundary, E_A = 0.28 eV; each interface
//! 1.5 Ω·cm² at 30 °C with E_A = 0.41 eV; resistances follow R = T·κ·exp(E_A/k_BT). The CPEs of the arcs do not
//! change with temperature; they are set so that the arcs peak at 100 kHz and 5 kHz at 30 °C. 0.5 % proportional
//! noise on each part, 10 points per decade from 1 MHz to 1 Hz.
#![allow(dead_code)] // each user needs a different subset

use eisfit::consts::{BOLTZMANN_EV_PER_K, ZERO_CELSIUS_K};
use eisfit::simulate::{log_frequencies, simulate, Noise};
use eisfit::{Circuit, Spectrum};

/// The temperatures of the series, °C.
pub const TEMPERATURES_C: [f64; 6] = [-10.0, 0.0, 10.0, 20.0, 30.0, 40.0];
/// Electrode area, cm² (8 mm diameter).
pub const AREA_CM2: f64 = std::f64::consts::PI * 0.4 * 0.4;
/// Separator thickness, µm.
pub const THICKNESS_UM: f64 = 110.0;
/// True activation energy of the separator (bulk + grain boundary), eV.
pub const EA_SEPARATOR_EV: f64 = 0.28;
/// True activation energy of one interface, eV.
pub const EA_INTERFACE_EV: f64 = 0.41;
/// Relative noise on each part of Z.
pub const NOISE: f64 = 0.005;
/// The seed of the first shipped spectrum (−10 °C); the k-th temperature uses `SHIPPED_SEED + k`.
pub const SHIPPED_SEED: u64 = 100;
/// The circuit that generated the data (with the tail).
pub const CIRCUIT: &str = "R0-p(R1,CPE1)-p(R2,CPE2)-CPE3";

/// R(T) = T·κ·exp(Ea/kT), with κ set so that R(T_ref) = r_ref.
pub fn arrhenius(r_ref: f64, t_ref_c: f64, ea_ev: f64, t_c: f64) -> f64 {
    let (t, t0) = (t_c + ZERO_CELSIUS_K, t_ref_c + ZERO_CELSIUS_K);
    r_ref * (t / t0) * (ea_ev / BOLTZMANN_EV_PER_K * (1.0 / t - 1.0 / t0)).exp()
}

/// The true values at one temperature.
pub struct Truth {
    /// Temperature, °C.
    pub temperature_c: f64,
    /// The circuit's parameters (R0, R1, CPE1.Q, CPE1.n, R2, CPE2.Q, CPE2.n, CPE3.Q, CPE3.n).
    pub params: [f64; 9],
    /// Separator areal resistance, Ω·cm².
    pub separator_ohm_cm2: f64,
    /// One interface's areal resistance, Ω·cm².
    pub interface_ohm_cm2: f64,
    /// Separator conductivity, S/cm.
    pub sigma_s_per_cm: f64,
}

/// The true values at `t_c` (°C).
pub fn truth(t_c: f64) -> Truth {
    let thickness_cm = 110e-4; // THICKNESS_UM in cm, written so that the shipped files are reproduced to the bit
    let asr_sep_30 = thickness_cm / 1.6e-3; // Ω·cm² at 30 °C from σ = 1.6 mS/cm
    let asr_int_30 = 1.5; // Ω·cm² per interface at 30 °C
                          // CPE Q from the apex frequency at 30 °C: τ = (R·Q)^(1/n) = 1/(2π f) ⇒ Q = τⁿ/R.
    let (n1, n2) = (0.85, 0.9);
    let r1_30 = 0.6 * asr_sep_30 / AREA_CM2;
    let r2_30 = 2.0 * asr_int_30 / AREA_CM2;
    let q1 = (1.0 / (std::f64::consts::TAU * 1e5)).powf(n1) / r1_30;
    let q2 = (1.0 / (std::f64::consts::TAU * 5e3)).powf(n2) / r2_30;
    let sep = arrhenius(asr_sep_30, 30.0, EA_SEPARATOR_EV, t_c);
    let int = arrhenius(asr_int_30, 30.0, EA_INTERFACE_EV, t_c);
    let (r0, r1, r2) = (0.4 * sep / AREA_CM2, 0.6 * sep / AREA_CM2, 2.0 * int / AREA_CM2);
    Truth {
        temperature_c: t_c,
        params: [r0, r1, q1, n1, r2, q2, n2, 0.5, 0.5],
        separator_ohm_cm2: sep,
        interface_ohm_cm2: int,
        sigma_s_per_cm: thickness_cm / sep,
    }
}

/// The frequencies of every spectrum, Hz.
pub fn frequencies() -> Vec<f64> {
    log_frequencies(1e6, 1.0, 10).expect("valid frequency range")
}

/// The series with noise seeds `first_seed`, `first_seed + 1`, …: `(temperature °C, spectrum)` per temperature.
/// `first_seed = SHIPPED_SEED` gives the shipped files.
pub fn series(first_seed: u64) -> Vec<(f64, Spectrum)> {
    let circuit: Circuit = CIRCUIT.parse().expect("valid circuit");
    let freq = frequencies();
    TEMPERATURES_C
        .iter()
        .enumerate()
        .map(|(k, &t_c)| {
            let noise = Noise::new(NOISE, first_seed + k as u64).expect("valid noise");
            let s = simulate(&circuit, &truth(t_c).params, &freq, Some(noise)).expect("simulation succeeds");
            (t_c, s)
        })
        .collect()
}
