//! `eisfit read`: output formats and exit codes.

use assert_cmd::Command;
use predicates::prelude::*;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/io/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn eisfit() -> Command {
    Command::cargo_bin("eisfit").expect("binary builds")
}

#[test]
fn table_shows_format_sweeps_and_metadata() {
    eisfit()
        .args(["read", &fixture("gamry_drift_comma.dta")])
        .assert()
        .success()
        .stdout(predicate::str::contains("format:  gamry-dta"))
        .stdout(predicate::str::contains("sweeps:  2"))
        .stdout(predicate::str::contains("instrument: REF600-1"))
        .stdout(predicate::str::contains("1.00000e5"));
}

#[test]
fn json_has_the_documented_keys() {
    let out = eisfit()
        .args([
            "read",
            &fixture("biologic_loops.mpt"),
            "--output",
            "json",
            "--sweep",
            "1",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("one JSON document");
    assert_eq!(v["format"], "biologic-mpt");
    assert!(v["file"].as_str().unwrap().ends_with("biologic_loops.mpt"));
    let sweeps = v["sweeps"].as_array().unwrap();
    assert_eq!(sweeps.len(), 1);
    assert_eq!(sweeps[0]["index"], 1);
    assert_eq!(sweeps[0]["n_points"], 5);
    for key in ["frequency_hz", "z_real_ohm", "z_imag_ohm"] {
        assert_eq!(sweeps[0][key].as_array().unwrap().len(), 5, "{key}");
    }
    assert!(sweeps[0]["z_imag_ohm"][0].as_f64().unwrap() < 0.0, "true sign");
    assert_eq!(sweeps[0]["metadata"]["instrument"], "SP-200 (SN 1)");
}

#[test]
fn csv_single_and_multi_sweep() {
    eisfit()
        .args(["read", &fixture("chi.txt"), "--output", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "frequency_hz,z_real_ohm,z_imag_ohm\n100000.0,",
        ));
    let out = eisfit()
        .args([
            "read",
            &fixture("biologic_polar.csv"),
            "--output",
            "csv",
            "--sweep",
            "all",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("sweep,frequency_hz,z_real_ohm,z_imag_ohm\n0,"));
    assert_eq!(text.lines().count(), 11);
    assert!(text.lines().last().unwrap().starts_with("1,"));
}

#[test]
fn forced_format_and_bad_input_exit_2_with_file_name() {
    eisfit()
        .args([
            "read",
            &fixture("nova_comma.csv"),
            "--format",
            "generic",
            "--output",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"format\":\"generic\""));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.txt");
    std::fs::write(&bad, "f,Z',Z''\n1,2,-3\n2,oops,-3\n3,1,-1\n").unwrap();
    eisfit()
        .args(["read", bad.to_str().unwrap()])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("broken.txt:3:"));
    eisfit()
        .args(["read", &fixture("chi.txt"), "--format", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("gamry-dta"));
    eisfit()
        .args(["read", &fixture("chi.txt"), "--sweep", "3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("chi.txt"));
    eisfit()
        .args(["read", "/nonexistent/file.dta"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("file.dta"));
}

/// A spectrum of 41 points in random order with a header: the table, the JSON and stderr say it was sorted.
fn shuffled_file(dir: &std::path::Path) -> std::path::PathBuf {
    let n = 41;
    let mut text = String::from("freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n");
    for k in 0..n {
        let i = (k * 17) % n;
        let f = 1e5 * 10f64.powf(-6.0 * i as f64 / (n - 1) as f64);
        text.push_str(&format!("{f},{},{}\n", 10.0 + i as f64, -1.0 - i as f64));
    }
    let path = dir.join("shuffled.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn notes_are_shown_in_the_table_json_and_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let path = shuffled_file(dir.path());
    eisfit()
        .args(["read", path.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("sweeps:  1"))
        .stdout(predicate::str::contains("notes:"))
        .stdout(predicate::str::contains("sorted by decreasing frequency"));
    let out = eisfit()
        .args(["read", path.to_str().unwrap(), "--output", "json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("sorted by decreasing frequency"))
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("one JSON document");
    assert_eq!(v["notes"][0]["kind"], "sorted");
    assert_eq!(v["notes"][0]["sweep"], 0);
    assert_eq!(v["notes"][0]["warning"], true);
    assert_eq!(v["sweeps"][0]["n_points"], 41);
    // A file without notes has no `notes` key, as before.
    let out = eisfit()
        .args(["read", &fixture("chi.txt"), "--output", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v.get("notes").is_none());
}

#[test]
fn columns_and_size_limit_options() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rlc.csv");
    std::fs::write(&path, "1000;10;-30\r\n100;20;-45\r\n10;40;-60\r\n").unwrap();
    let out = eisfit()
        .args([
            "read",
            path.to_str().unwrap(),
            "--columns",
            "freq,mod,phase_deg",
            "--output",
            "csv",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let last: Vec<f64> = text
        .lines()
        .last()
        .unwrap()
        .split(',')
        .map(|x| x.parse().unwrap())
        .collect();
    let (re, im) = (40.0 * 60f64.to_radians().cos(), -40.0 * 60f64.to_radians().sin());
    assert!((last[1] - re).abs() < 1e-9 && (last[2] - im).abs() < 1e-9, "{text}");
    eisfit()
        .args(["read", path.to_str().unwrap(), "--columns", "freq,re"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--columns"));
    // 1 MiB limit, 2 MiB file.
    let big = dir.path().join("big.csv");
    std::fs::write(&big, "1,2,3\n".repeat((2 << 20) / 6 + 1)).unwrap();
    eisfit()
        .args(["read", big.to_str().unwrap(), "--max-file-mb", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("limit"));
    eisfit()
        .args(["read", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a directory"))
        .stderr(predicate::str::contains("os error").not());
}

#[test]
fn fit_reads_with_columns_too() {
    // A headerless |Z|, phase file whose header-free first column would otherwise be read by shape: --columns
    // says what it holds, and the fit recovers the values the file was made from.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rlc.csv");
    let mut text = String::new();
    for k in 0..31 {
        let f = 1e5 * 1e-6f64.powf(k as f64 / 30.0);
        let w = std::f64::consts::TAU * f;
        // Z = 10 + 100 / (1 + jω·100·10 µF)
        let d = 1.0 + (w * 1e-3).powi(2);
        let (re, im) = (10.0 + 100.0 / d, -100.0 * w * 1e-3 / d);
        text.push_str(&format!("{f};{};{}\r\n", re.hypot(im), im.atan2(re).to_degrees()));
    }
    std::fs::write(&path, text).unwrap();
    let out = eisfit()
        .args([
            "fit",
            path.to_str().unwrap(),
            "--circuit",
            "R0-p(R1,C1)",
            "--output",
            "json",
        ])
        .args(["--columns", "freq,mod,phase_deg", "--max-file-mb", "1"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let fit = if v.is_array() { &v[0] } else { &v };
    let r1 = fit["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "R1")
        .unwrap()["value"]
        .as_f64()
        .unwrap();
    assert!((r1 - 100.0).abs() < 1e-6, "{r1}");
}
