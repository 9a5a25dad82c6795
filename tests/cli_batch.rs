//! A batch never loses a result (issue 24, item 6): a plot that cannot be written is that spectrum's failure, and
//! every input still appears in the output, with the summary on stderr.

use assert_cmd::Command;
use serde_json::Value;

#[test]
fn a_failed_plot_fails_its_job_not_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("eisfit")
        .unwrap()
        .args(["simulate", "--circuit", "R0-p(R1,C1)", "--params", "R0=5,R1=50,C1=2e-6"])
        .args(["--noise", "0.002", "--seed", "1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut files = Vec::new();
    for k in 0..3 {
        let p = dir.path().join(format!("s{k}.csv"));
        std::fs::write(&p, &out.stdout).unwrap();
        files.push(p.display().to_string());
    }
    // The plot goes into a directory that does not exist: every plot fails.
    let plot = dir.path().join("missing").join("fit.svg");
    let run = Command::cargo_bin("eisfit")
        .unwrap()
        .arg("fit")
        .args(&files)
        .args(["--circuit", "R0-p(R1,C1)", "--output", "json", "--plot"])
        .arg(&plot)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&run.stdout).expect("the JSON document is complete");
    assert_eq!(v.as_array().unwrap().len(), 3);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("3 spectra: 3 converged"), "{stderr}");
    assert!(stderr.contains("3 plot(s) not written"), "{stderr}");
    assert_eq!(stderr.matches("error: plot of").count(), 3, "{stderr}");
}
