//! `eisfit fit` says when a fit does not describe its data (issue 16): a file that stores −Z″ as Z″, an inductive
//! high-frequency end fitted without an inductor, a circuit that lacks a process. JSON keys `adequate`, `misfit`
//! and `diagnostics` (codes next to the text), exit code 1 under `--strict`.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn eisfit() -> Command {
    Command::cargo_bin("eisfit").expect("binary builds")
}

/// Simulates `circuit` with `params` (1 % noise) and writes it to `dir/name` as canonical CSV, with the imaginary
/// part multiplied by `imag_sign`.
fn write_spectrum(dir: &Path, name: &str, circuit: &str, params: &str, imag_sign: f64) -> String {
    let out = eisfit()
        .args(["simulate", "--circuit", circuit, "--params", params])
        .args(["--fmax", "1e6", "--fmin", "0.1", "--noise", "0.01", "--seed", "2"])
        .output()
        .expect("simulate runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut csv = String::from("frequency_hz,z_real_ohm,z_imag_ohm\n");
    for line in text.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        csv += &format!("{},{},{}\n", v[0], v[1], imag_sign * v[2]);
    }
    let path = dir.join(name);
    std::fs::write(&path, csv).unwrap();
    path.display().to_string()
}

fn fit_json(file: &str, circuit: &str, extra: &[&str]) -> (Value, Option<i32>) {
    let out = eisfit()
        .args(["fit", file, "--circuit", circuit, "--output", "json"])
        .args(extra)
        .output()
        .expect("fit runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    (v[0].clone(), out.status.code())
}

fn codes(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_file_storing_minus_z_imag_is_flagged_and_fails_under_strict() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_spectrum(dir.path(), "flipped.csv", "R0-p(R1,C1)", "R0=10,R1=100,C1=1e-6", -1.0);
    let (v, code) = fit_json(&file, "R0-p(R1,C1)", &[]);
    assert_eq!(v["adequate"], Value::Bool(false), "{v}");
    assert!(codes(&v).contains(&"positive_imaginary".to_string()), "{v}");
    let texts: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(texts.iter().any(|t| t.contains("-Z''")), "{texts:?}");
    // Without --strict the run reports and succeeds unless a fit did not converge; with it, exit 1.
    let converged = v["converged"].as_bool().unwrap();
    assert_eq!(code, Some(if converged { 0 } else { 1 }));
    let (_, strict) = fit_json(&file, "R0-p(R1,C1)", &["--strict"]);
    assert_eq!(strict, Some(1));
}

#[test]
fn an_inductive_end_without_an_inductor_is_flagged_with_the_remedy() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_spectrum(
        dir.path(),
        "inductive.csv",
        "L0-R0-p(R1,C1)",
        "L0=2e-6,R0=10,R1=100,C1=1e-6",
        1.0,
    );
    let (v, _) = fit_json(&file, "R0-p(R1,C1)", &[]);
    assert_eq!(v["adequate"], Value::Bool(false), "{v}");
    assert!(codes(&v).contains(&"inductive_points".to_string()), "{v}");
    let texts: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("add L0") && t.contains("--drop-inductive")),
        "{texts:?}"
    );
    // With the inductor in the circuit, the same data are described.
    let (v, code) = fit_json(&file, "L0-R0-p(R1,C1)", &["--strict"]);
    assert_eq!(v["adequate"], Value::Bool(true), "{v}");
    assert_eq!(code, Some(0));
}

#[test]
fn a_circuit_that_lacks_a_process_leaves_structured_residuals() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_spectrum(
        dir.path(),
        "two_arcs.csv",
        "R0-p(R1,C1)-p(R2,C2)",
        "R0=10,R1=100,C1=1e-8,R2=200,C2=1e-4",
        1.0,
    );
    let (v, _) = fit_json(&file, "R0-p(R1,C1)", &[]);
    assert_eq!(v["adequate"], Value::Bool(false), "{v}");
    assert!(codes(&v).contains(&"structured_residuals".to_string()), "{v}");
    let (v, _) = fit_json(&file, "R0-p(R1,C1)-p(R2,C2)", &[]);
    assert_eq!(v["adequate"], Value::Bool(true), "{v}");
    assert!(v["runs_z"].as_f64().unwrap() > -4.0, "{v}");
}
