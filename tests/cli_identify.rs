//! `eisfit identify` and `eisfit fit --circuit auto`: the contract's JSON, CSV, candidate lists, exit codes and
//! bad input.

mod common;

use assert_cmd::Command;
use eisfit::simulate::{log_frequencies, simulate, Noise};
use eisfit::Circuit;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn eisfit() -> Command {
    Command::cargo_bin("eisfit").expect("binary builds")
}

/// A canonical CSV of R0-p(R1,CPE1)-p(R2,CPE2) with 0.5 % noise, two arcs three decades apart.
fn write_two_arcs(dir: &Path) -> PathBuf {
    let c: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)".parse().unwrap();
    let f = log_frequencies(1e5, 1e-2, 8).unwrap();
    let s = simulate(
        &c,
        &[5.0, 40.0, 2e-6, 0.9, 60.0, 2e-3, 0.8],
        &f,
        Some(Noise::new(0.005, 2).unwrap()),
    )
    .unwrap();
    let mut text = String::from("frequency_hz,z_real_ohm,z_imag_ohm\n");
    for (fi, z) in s.freq_hz().iter().zip(s.z()) {
        text += &format!("{fi},{},{}\n", z.re, z.im);
    }
    let path = dir.join("two_arcs.csv");
    std::fs::write(&path, text).unwrap();
    path
}

const LIST: &str = "R0-p(R1,CPE1),R0-p(R1,CPE1)-p(R2,CPE2),R0-p(R1,C1)-p(R2,C2),R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)";

#[test]
fn json_ranks_the_true_circuit_first_with_the_contract_keys() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_two_arcs(dir.path());
    let text = common::stdout_text(eisfit().args([
        "identify",
        file.to_str().unwrap(),
        "--candidates",
        LIST,
        "--output",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let doc = &v.as_array().unwrap()[0];
    assert_eq!(doc["sweep"], 0);
    assert!(doc["file"].as_str().unwrap().ends_with("two_arcs.csv"));
    let ranking = doc["ranking"].as_array().unwrap();
    assert_eq!(ranking.len(), 4);
    assert_eq!(ranking[0]["circuit"], "R0-p(R1,CPE1)-p(R2,CPE2)");
    for key in ["bic", "aic", "weight", "chi2", "converged", "parameters", "warnings"] {
        assert!(ranking[0].get(key).is_some(), "{key} missing");
    }
    assert_eq!(ranking[0]["parameters"].as_array().unwrap().len(), 7);
    let bics: Vec<f64> = ranking
        .iter()
        .filter(|r| r["rejection"].is_null())
        .map(|r| r["bic"].as_f64().unwrap())
        .collect();
    assert!(bics.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn top_and_csv_and_a_candidate_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_two_arcs(dir.path());
    let list = dir.path().join("candidates.txt");
    std::fs::write(
        &list,
        "# two candidates\nR0-p(R1,CPE1)\nR0-p(R1,CPE1)-p(R2,CPE2)  # the truth\n",
    )
    .unwrap();
    let text = common::stdout_text(eisfit().args([
        "identify",
        file.to_str().unwrap(),
        "--candidates",
        list.to_str().unwrap(),
        "--top",
        "1",
        "--output",
        "csv",
    ]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("file,sweep,rank,circuit,bic"));
    assert!(lines[1].contains(",1,\"R0-p(R1,CPE1)-p(R2,CPE2)\","), "{}", lines[1]);
}

#[test]
fn a_bad_candidate_or_file_is_exit_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_two_arcs(dir.path());
    eisfit()
        .args([
            "identify",
            file.to_str().unwrap(),
            "--candidates",
            "R0-p(R1,CPE1),R0-p(R1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("R0-p(R1"));
    eisfit()
        .args([
            "identify",
            dir.path().join("missing.csv").to_str().unwrap(),
            "--candidates",
            LIST,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.csv"));
}

#[test]
fn fit_circuit_auto_says_which_circuit_it_chose() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_two_arcs(dir.path());
    let out = eisfit()
        .args(["fit", file.to_str().unwrap(), "--circuit", "auto", "--output", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--circuit auto: chose "), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let chosen = v[0]["circuit"].as_str().unwrap();
    assert!(stderr.contains(&format!("chose {chosen} ")), "{stderr}");
}
