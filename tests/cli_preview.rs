//! Preview and reuse (issue 22, item 6): a model drawn without fitting, the automatic start values, a simulation
//! at a file's frequencies, start values from a previous fit, points left out with --exclude, and the effective
//! capacitance and apex frequency of each arc.

use assert_cmd::Command;
use serde_json::Value;
use std::f64::consts::PI;
use std::path::Path;

fn eisfit() -> Command {
    Command::cargo_bin("eisfit").expect("binary builds")
}

/// Runs `eisfit` with `args` in `dir` and returns (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = eisfit().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const CIRCUIT: &str = "R0-p(R1,C1)";
const TRUTH: (f64, f64, f64) = (5.0, 50.0, 2e-6);

/// R0 + R1/(1 + jωR1C1), written out here, independent of the crate.
fn randles(f: f64) -> (f64, f64) {
    let (r0, r1, c1) = TRUTH;
    let x = 2.0 * PI * f * r1 * c1;
    let d = 1.0 + x * x;
    (r0 + r1 / d, -r1 * x / d)
}

/// A spectrum of the true circuit with 0.2 % noise, 71 points from 1 MHz to 0.1 Hz, in `dir/a.csv`.
fn spectrum(dir: &Path) -> usize {
    let (code, csv, err) = run_in(
        dir,
        &[
            "simulate",
            "--circuit",
            CIRCUIT,
            "--params",
            "R0=5,R1=50,C1=2e-6",
            "--noise",
            "0.002",
            "--seed",
            "1",
        ],
    );
    assert_eq!(code, 0, "{err}");
    std::fs::write(dir.join("a.csv"), &csv).unwrap();
    csv.lines().count() - 1
}

fn fit_json(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["fit", "a.csv", "--circuit", CIRCUIT, "--output", "json"];
    args.extend(extra);
    let (code, out, err) = run_in(dir, &args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str::<Value>(&out).unwrap()[0].clone()
}

#[test]
fn a_model_is_drawn_over_the_data_without_fitting() {
    let dir = tempfile::tempdir().unwrap();
    spectrum(dir.path());
    let (code, _, err) = run_in(
        dir.path(),
        &[
            "plot",
            "a.csv",
            "--circuit",
            CIRCUIT,
            "--params",
            "R0=5,R1=30,C1=2e-6",
            "--no-fit",
            "-o",
            "p.svg",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(dir.path().join("p.svg")).unwrap();
    assert!(
        svg.contains("model: R0-p(R1,C1)") && !svg.contains("fit: "),
        "the legend names a model"
    );
    // Every parameter is needed, and --no-fit needs --params.
    let (code, _, err) = run_in(
        dir.path(),
        &["plot", "a.csv", "--circuit", CIRCUIT, "--params", "R0=5", "--no-fit"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("missing value(s) for R1, C1"), "{err}");
    let (code, _, _) = run_in(dir.path(), &["plot", "a.csv", "--circuit", CIRCUIT, "--no-fit"]);
    assert_eq!(code, 2);
}

#[test]
fn start_values_are_shown_and_taken_from_a_previous_fit() {
    let dir = tempfile::tempdir().unwrap();
    spectrum(dir.path());
    let (code, _, err) = run_in(dir.path(), &["fit", "a.csv", "--circuit", CIRCUIT, "--show-start"]);
    assert_eq!(code, 0, "{err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("start values for a.csv (sweep 0): --init "))
        .unwrap();
    let init = line.rsplit(' ').next().unwrap();
    // Every parameter in the circuit's order, each a number: the line is an --init option as it stands.
    let names: Vec<&str> = init.split(',').map(|kv| kv.split('=').next().unwrap()).collect();
    assert_eq!(names, ["R0", "R1", "C1"]);
    assert!(init
        .split(',')
        .all(|kv| kv.split('=').nth(1).unwrap().parse::<f64>().is_ok()));
    let (code, _, err) = run_in(dir.path(), &["fit", "a.csv", "--circuit", CIRCUIT, "--init", init]);
    assert_eq!(code, 0, "{err}");

    // A previous fit's JSON: its values are the start, --init wins, and a value out of bounds reaches the fit.
    let previous = fit_json(dir.path(), &[]);
    std::fs::write(dir.path().join("prev.json"), format!("[{previous}]")).unwrap();
    let (code, _, err) = run_in(
        dir.path(),
        &[
            "fit",
            "a.csv",
            "--circuit",
            CIRCUIT,
            "--init-from",
            "prev.json",
            "--init",
            "R0=4",
            "--show-start",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let line = err.lines().find(|l| l.starts_with("start values")).unwrap();
    assert!(line.contains("--init R0=4,"), "{line}");
    let r1 = previous["parameters"][1]["value"].as_f64().unwrap();
    let shown: f64 = line
        .split("R1=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((shown / r1 - 1.0).abs() < 1e-3, "{shown} vs {r1}");
    let bad = r#"[{"file": "a.csv", "sweep": 0, "parameters": [{"name": "C1", "value": -1.0}]}]"#;
    std::fs::write(dir.path().join("bad.json"), bad).unwrap();
    let (code, _, err) = run_in(
        dir.path(),
        &["fit", "a.csv", "--circuit", CIRCUIT, "--init-from", "bad.json"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("start value of C1 = -1"), "{err}");
    // Several entries, none for this file: said so.
    let two = r#"[{"file": "x.csv", "sweep": 0, "parameters": []}, {"file": "y.csv", "sweep": 0, "parameters": []}]"#;
    std::fs::write(dir.path().join("two.json"), two).unwrap();
    let (code, _, err) = run_in(
        dir.path(),
        &["fit", "a.csv", "--circuit", CIRCUIT, "--init-from", "two.json"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("no fit of a.csv"), "{err}");
}

#[test]
fn a_simulation_follows_the_frequencies_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let grid = "frequency_hz,z_real_ohm,z_imag_ohm\n1234.5,1,-1\n77,1,-1\n3.25,1,-1\n0.5,1,-1\n";
    std::fs::write(dir.path().join("grid.csv"), grid).unwrap();
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "simulate",
            "--circuit",
            CIRCUIT,
            "--params",
            "R0=5,R1=50,C1=2e-6",
            "--frequencies-from",
            "grid.csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let rows: Vec<Vec<f64>> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    let freqs: Vec<f64> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(freqs, [1234.5, 77.0, 3.25, 0.5]);
    for r in &rows {
        let (re, im) = randles(r[0]);
        assert!((r[1] - re).abs() < 1e-9 * re.abs() && (r[2] - im).abs() < 1e-9 * im.abs().max(1e-12));
    }
    let (code, _, _) = run_in(
        dir.path(),
        &[
            "simulate",
            "--circuit",
            CIRCUIT,
            "--params",
            "R0=5,R1=50,C1=2e-6",
            "--frequencies-from",
            "grid.csv",
            "--fmin",
            "1",
        ],
    );
    assert_eq!(code, 2, "--frequencies-from excludes a grid");
}

#[test]
fn exclude_leaves_out_ranges_and_positions() {
    let dir = tempfile::tempdir().unwrap();
    let n = spectrum(dir.path());
    let f: Vec<f64> = std::fs::read_to_string(dir.path().join("a.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    let in_band = f.iter().filter(|&&x| (45.0..=55.0).contains(&x)).count();
    let above = f.iter().filter(|&&x| x >= 1e5).count();
    // #0-2, the three highest frequencies, lie above 1e5 Hz already: each point is left out once.
    let v = fit_json(dir.path(), &["--exclude", "45:55,1e5:,#0-2"]);
    assert_eq!(v["n_points"].as_u64().unwrap() as usize, n - in_band - above);
    let v = fit_json(dir.path(), &["--exclude", "#5,#10-11"]);
    assert_eq!(v["n_points"].as_u64().unwrap() as usize, n - 3);
    for bad in ["45", "55:45", "#3-1", "#x"] {
        let (code, _, err) = run_in(dir.path(), &["fit", "a.csv", "--circuit", CIRCUIT, "--exclude", bad]);
        assert_eq!(code, 2, "{bad}");
        assert!(err.contains("--exclude"), "{bad}: {err}");
    }
}

#[test]
fn each_arc_reports_its_effective_capacitance_and_apex() {
    let dir = tempfile::tempdir().unwrap();
    spectrum(dir.path());
    let v = fit_json(dir.path(), &[]);
    let arcs = v["arcs"].as_array().unwrap();
    assert_eq!(arcs.len(), 1);
    let a = &arcs[0];
    assert_eq!(
        (a["resistor"].as_str(), a["capacitor"].as_str()),
        (Some("R1"), Some("C1"))
    );
    // R‖C: C_eff is C, the apex is at 1/(2π·R·C) = 1591.5 Hz; 0.2 % noise keeps both within 1 %.
    let (_, r1, c1) = TRUTH;
    assert!((a["c_eff_f"].as_f64().unwrap() / c1 - 1.0).abs() < 0.01, "{a}");
    let apex = 1.0 / (2.0 * PI * r1 * c1);
    assert!(
        (a["apex_frequency_hz"].as_f64().unwrap() / apex - 1.0).abs() < 0.01,
        "{a}"
    );
    assert!(a["c_eff_stderr_f"].as_f64().unwrap() > 0.0);
    // The contract's keys are still there.
    for key in [
        "file",
        "sweep",
        "circuit",
        "converged",
        "parameters",
        "chi2",
        "warnings",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let (code, table, _) = run_in(dir.path(), &["fit", "a.csv", "--circuit", CIRCUIT]);
    assert_eq!(code, 0);
    assert!(
        table.contains("R1‖C1: C_eff = ") && table.contains(" µF") && table.contains("kHz"),
        "{table}"
    );
}
