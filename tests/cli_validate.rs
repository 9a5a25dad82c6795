//! `eisfit validate`: output formats, the contract's JSON keys, exit codes and bad input.

mod common;

use assert_cmd::Command;
use eisfit::simulate::{log_frequencies, simulate, Noise};
use eisfit::Circuit;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn eisfit() -> Command {
    Command::cargo_bin("eisfit").expect("binary builds")
}

/// Writes a canonical CSV of `R0-p(R1,CPE1)` with 0.5 % noise; with `drift`, R1 grows by that fraction per point.
fn write_spectrum(dir: &Path, name: &str, drift: f64) -> PathBuf {
    let c: Circuit = "R0-p(R1,CPE1)".parse().unwrap();
    let f = log_frequencies(1e5, 0.1, 10).unwrap();
    let p = [10.0, 100.0, 1e-5, 0.85];
    let clean = simulate(&c, &p, &f, None).unwrap();
    let noisy = simulate(&c, &p, &f, Some(Noise::new(0.005, 4).unwrap())).unwrap();
    let mut text = String::from("frequency_hz,z_real_ohm,z_imag_ohm\n");
    for (i, &fi) in f.iter().enumerate() {
        let q = [10.0, 100.0 * (1.0 + drift * i as f64), 1e-5, 0.85];
        let z = c.impedance(&q, &[fi]).unwrap()[0] + (noisy.z()[i] - clean.z()[i]);
        text += &format!("{fi},{},{}\n", z.re, z.im);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_valid_spectrum_exits_0_with_the_contract_json_keys() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_spectrum(dir.path(), "good.csv", 0.0);
    let text = common::stdout_text(eisfit().args(["validate", good.to_str().unwrap(), "--output", "json"]));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let e = &v.as_array().unwrap()[0];
    for key in [
        "file",
        "sweep",
        "valid",
        "n_rc",
        "mu",
        "pseudo_chi2",
        "max_abs_residual",
        "frequency_hz",
        "residual_real",
        "residual_imag",
    ] {
        assert!(e.get(key).is_some(), "missing {key}");
    }
    assert_eq!(e["valid"], true);
    assert_eq!(e["frequency_hz"].as_array().unwrap().len(), 61);
    assert_eq!(e["residual_imag"].as_array().unwrap().len(), 61);
    // Residuals relative to |Z| at 0.5 % noise.
    assert!(e["max_abs_residual"].as_f64().unwrap() < 0.03);
}

#[test]
fn a_drifting_spectrum_exits_1_and_table_and_csv_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_spectrum(dir.path(), "good.csv", 0.0);
    let bad = write_spectrum(dir.path(), "drift.csv", 0.01);
    eisfit()
        .args(["validate", good.to_str().unwrap(), bad.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("good.csv (sweep 0): valid"))
        .stdout(predicate::str::contains("drift.csv (sweep 0): NOT valid"));
    let out = eisfit()
        .args(["validate", bad.to_str().unwrap(), "--output", "csv"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("file,sweep,valid,n_rc,mu,pseudo_chi2,max_abs_residual"));
    assert!(lines.next().unwrap().contains(",0,false,"));
}

#[test]
fn fixed_rc_count_and_plot() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_spectrum(dir.path(), "good.csv", 0.0);
    let svg = dir.path().join("kk.svg");
    // Seven elements are too few for this arc: the verdict is "not valid" (exit 1), with residuals to plot.
    let out = eisfit()
        .args([
            "validate",
            good.to_str().unwrap(),
            "--n-rc",
            "7",
            "--output",
            "json",
            "--plot",
            svg.to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v[0]["n_rc"], 7);
    assert_eq!(v[0]["valid"], false);
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert!(drawn.starts_with("<svg") || drawn.contains("<svg"));
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_spectrum(dir.path(), "good.csv", 0.0);
    // A window that leaves two points.
    eisfit()
        .args(["validate", good.to_str().unwrap(), "--fmin", "1000", "--fmax", "1500"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("leaves 2 of 61 points"));
    // Four points: readable, but too short for the test.
    let short = dir.path().join("short.csv");
    std::fs::write(
        &short,
        "frequency_hz,z_real_ohm,z_imag_ohm\n1000,10,-1\n100,11,-2\n10,12,-3\n1,13,-2\n",
    )
    .unwrap();
    eisfit()
        .args(["validate", short.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs at least 6 points"));
    // A non-finite value.
    let nan = dir.path().join("nan.csv");
    std::fs::write(
        &nan,
        "frequency_hz,z_real_ohm,z_imag_ohm\n1000,10,-1\n100,NaN,-2\n10,12,-3\n1,13,-2\n",
    )
    .unwrap();
    eisfit().args(["validate", nan.to_str().unwrap()]).assert().code(2);
    // A missing file; the good one is still reported.
    eisfit()
        .args(["validate", good.to_str().unwrap(), "/nonexistent/x.csv"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("good.csv (sweep 0): valid"));
    eisfit()
        .args(["validate", good.to_str().unwrap(), "--fmin", "-1"])
        .assert()
        .code(2);
}

#[test]
fn fit_with_kk_reports_the_verdict_that_validate_gives() {
    let data = format!("{}/data/randles.csv", env!("CARGO_MANIFEST_DIR"));
    let json = |args: &[&str]| -> serde_json::Value {
        let out = assert_cmd::Command::cargo_bin("eisfit")
            .unwrap()
            .args(args)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
    };
    let fit = json(&["fit", &data, "--circuit", "R0-p(C1,R1-W1)", "--kk", "--output", "json"]);
    let validate = json(&["validate", &data, "--output", "json"]);
    let kk = &fit[0]["kk"];
    for key in ["valid", "n_rc", "mu", "pseudo_chi2", "max_abs_residual"] {
        assert_eq!(
            kk[key], validate[0][key],
            "{key}: fit --kk {kk} vs validate {}",
            validate[0]
        );
    }
    let plain = json(&["fit", &data, "--circuit", "R0-p(C1,R1-W1)", "--output", "json"]);
    assert!(plain[0].get("kk").is_none(), "no kk object without --kk");
}
