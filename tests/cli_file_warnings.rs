//! A fit says what it did not see (issues 16 and 22, item 4): a truncated file and sweeps left out by `--sweep N`
//! are warnings of every fit of that file, with stable codes, in the table, the JSON and the CSV.

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/io/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn codes(entry: &Value) -> Vec<String> {
    entry["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_truncated_file_is_fitted_with_a_warning() {
    let out = Command::cargo_bin("eisfit")
        .unwrap()
        .args([
            "fit",
            &fixture("zplotw_truncated.z"),
            "--circuit",
            "R0-p(R1,C1)",
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(codes(&v[0]).contains(&"truncated_file".to_owned()), "{v}");
    let table = Command::cargo_bin("eisfit")
        .unwrap()
        .args(["fit", &fixture("zplotw_truncated.z"), "--circuit", "R0-p(R1,C1)"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("warning: the file announces"), "{text}");
}

/// Two sweeps, written as a frequency restart in one CSV table.
fn two_sweeps(dir: &std::path::Path) -> String {
    let one = Command::cargo_bin("eisfit")
        .unwrap()
        .args(["simulate", "--circuit", "R0-p(R1,C1)", "--params", "R0=5,R1=50,C1=2e-6"])
        .args(["--noise", "0.002", "--seed", "3"])
        .output()
        .unwrap();
    assert!(one.status.success());
    let text = String::from_utf8(one.stdout).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let body = format!("{header}\n{}\n{}\n", rows.join("\n"), rows.join("\n"));
    let p = dir.join("two.csv");
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

#[test]
fn sweeps_left_out_are_named_and_all_sweeps_are_not_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let file = two_sweeps(dir.path());
    let run = |extra: &[&str]| -> Value {
        let out = Command::cargo_bin("eisfit")
            .unwrap()
            .args(["fit", &file, "--circuit", "R0-p(R1,C1)", "--output", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let first = run(&[]);
    assert_eq!(first.as_array().unwrap().len(), 1);
    let c = codes(&first[0]);
    assert!(c.contains(&"sweeps_not_fitted".to_owned()), "{first}");
    let all = run(&["--sweep", "all"]);
    assert_eq!(all.as_array().unwrap().len(), 2);
    for e in all.as_array().unwrap() {
        assert!(!codes(e).contains(&"sweeps_not_fitted".to_owned()), "{e}");
    }
    // The CSV's warnings column carries the code too.
    let csv = Command::cargo_bin("eisfit")
        .unwrap()
        .args([
            "fit",
            &file,
            "--circuit",
            "R0-p(R1,C1)",
            "--output",
            "csv",
            "--sweep",
            "1",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(text.lines().nth(1).unwrap().contains("sweeps_not_fitted"), "{text}");
}

#[test]
fn read_labels_the_drift_corrected_sweep_of_a_gamry_file() {
    let out = Command::cargo_bin("eisfit")
        .unwrap()
        .args(["read", &fixture("gamry_drift_comma.dta")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("f_max_hz"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows[0].ends_with("measured"), "{text}");
    assert!(rows[1].ends_with("drift-corrected"), "{text}");
}
