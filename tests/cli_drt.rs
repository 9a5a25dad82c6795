//! `eisfit drt`: output formats, the contract's JSON keys, exit codes and bad input.

mod common;

use assert_cmd::Command;
use eisfit::simulate::{log_frequencies, simulate, Noise};
use eisfit::Circuit;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn eisfit() -> Command {
    Command::cargo_bin("eisfit").expect("binary builds")
}

/// A canonical CSV of R∞ = 5 Ω and two ZARCs (40 Ω at 0.1 ms, 60 Ω at 0.1 s) with 0.5 % noise.
fn write_two_zarcs(dir: &Path) -> PathBuf {
    let c: Circuit = "R0-Zarc1-Zarc2".parse().unwrap();
    let f = log_frequencies(1e6, 1e-2, 10).unwrap();
    let s = simulate(
        &c,
        &[5.0, 40.0, 1e-4, 0.85, 60.0, 1e-1, 0.8],
        &f,
        Some(Noise::new(0.005, 2).unwrap()),
    )
    .unwrap();
    let mut text = String::from("frequency_hz,z_real_ohm,z_imag_ohm\n");
    for (fi, z) in s.freq_hz().iter().zip(s.z()) {
        text += &format!("{fi},{},{}\n", z.re, z.im);
    }
    let path = dir.join("two_zarcs.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn json_has_the_contract_keys_and_two_peaks() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_two_zarcs(dir.path());
    let text = common::stdout_text(eisfit().args(["drt", file.to_str().unwrap(), "--output", "json"]));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let e = &v.as_array().unwrap()[0];
    for key in ["file", "sweep", "lambda", "r_inf_ohm", "tau_s", "gamma_ohm", "peaks"] {
        assert!(e.get(key).is_some(), "missing {key}");
    }
    assert_eq!(
        e["tau_s"].as_array().unwrap().len(),
        e["gamma_ohm"].as_array().unwrap().len()
    );
    let peaks = e["peaks"].as_array().unwrap();
    assert_eq!(peaks.len(), 2, "{peaks:?}");
    for (p, (tau, r)) in peaks.iter().zip([(1e-4f64, 40.0), (1e-1f64, 60.0)]) {
        assert!((p["tau_s"].as_f64().unwrap().log10() - tau.log10()).abs() < 0.1, "{p}");
        assert!((p["r_ohm"].as_f64().unwrap() - r).abs() < 0.05 * r, "{p}");
    }
    assert!((e["r_inf_ohm"].as_f64().unwrap() - 5.0).abs() < 0.3);
}

#[test]
fn table_csv_fixed_lambda_and_plot() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_two_zarcs(dir.path());
    eisfit()
        .args(["drt", file.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("peak 1: tau ="))
        .stdout(predicate::str::contains("peak 2: tau ="));
    let csv =
        common::stdout_text(eisfit().args(["drt", file.to_str().unwrap(), "--output", "csv", "--lambda", "1e-6"]));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "file,sweep,tau_s,gamma_ohm,gamma_lower_ohm,gamma_upper_ohm"
    );
    assert!(lines.count() > 50);
    let svg = dir.path().join("drt.svg");
    eisfit()
        .args(["drt", file.to_str().unwrap(), "--plot", svg.to_str().unwrap()])
        .assert()
        .success();
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
}

#[test]
fn bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_two_zarcs(dir.path());
    eisfit()
        .args(["drt", file.to_str().unwrap(), "--fmin", "1000", "--fmax", "1300"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("leaves 2 of"));
    eisfit()
        .args(["drt", file.to_str().unwrap(), "--lambda", "-3"])
        .assert()
        .code(2);
    eisfit().args(["drt", "/nonexistent/file.csv"]).assert().code(2);
}
