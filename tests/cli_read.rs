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
