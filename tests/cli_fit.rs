//! End-to-end tests of `eisfit simulate`, `fit` and `series`: output formats, JSON keys of the contract, exit
//! codes and error messages.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

fn eisfit() -> Command {
    Command::cargo_bin("eisfit").expect("binary builds")
}

fn data(name: &str) -> String {
    format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Simulates a spectrum with the CLI into `dir/name` and returns its path.
/// Asserts that the JSON object `v` (a `what`) has every key of the contract in `keys`.
fn assert_keys(v: &Value, keys: &[&str], what: &str) {
    for key in keys {
        assert!(v.get(key).is_some(), "{what} lacks {key}: {v}");
    }
}

fn simulated(dir: &Path, name: &str, circuit: &str, params: &str, noise: &str) -> String {
    let out = eisfit()
        .args([
            "simulate",
            "--circuit",
            circuit,
            "--params",
            params,
            "--fmax",
            "1e5",
            "--fmin",
            "0.1",
        ])
        .args(["--noise", noise, "--seed", "4"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let p = dir.join(name);
    std::fs::write(&p, out.stdout).unwrap();
    p.display().to_string()
}

#[test]
fn simulate_csv_and_json() {
    let out = eisfit()
        .args([
            "simulate",
            "--circuit",
            "R0-p(R1,C1)",
            "--params",
            "R0=10,R1=100,C1=1e-6",
        ])
        .args(["--fmax", "1e4", "--fmin", "1", "--points-per-decade", "5"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("frequency_hz,z_real_ohm,z_imag_ohm"));
    assert_eq!(lines.count(), 21);
    let out = eisfit()
        .args([
            "simulate",
            "--circuit",
            "R(RC)",
            "--params",
            "R0=10,R1=100,C0=1e-6",
            "--output",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["circuit"], "R0-p(R1,C0)");
    // At the highest frequency the capacitor shorts R1: Z ≈ R0.
    let re0 = v["z_real_ohm"][0].as_f64().unwrap();
    assert!((re0 - 10.0).abs() < 0.01, "{re0}");
    eisfit()
        .args(["simulate", "--circuit", "R0-p(R1,C1)", "--params", "R0=10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing value(s) for R1, C1"));
    eisfit()
        .args(["simulate", "--circuit", "R0-p(R1,X1)", "--params", "R0=10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("column 9").and(predicate::str::contains("unknown element 'X1'")));
}

#[test]
fn fit_json_has_the_contract_keys_and_recovers_the_values() {
    let dir = tempfile::tempdir().unwrap();
    let f = simulated(
        dir.path(),
        "a.csv",
        "R0-p(R1,CPE1)",
        "R0=12,R1=80,CPE1.Q=2e-5,CPE1.n=0.88",
        "0",
    );
    let out = eisfit()
        .args(["fit", &f, "--circuit", "R0-p(R1,CPE1)", "--output", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let fit = &v[0];
    assert_keys(
        fit,
        &[
            "file",
            "sweep",
            "circuit",
            "converged",
            "termination",
            "parameters",
            "chi2",
            "reduced_chi2",
            "pseudo_chi2",
            "aic",
            "bic",
            "n_points",
            "n_iterations",
            "warnings",
        ],
        "fit",
    );
    assert_eq!(fit["converged"], true);
    let params = fit["parameters"].as_array().unwrap();
    for p in params {
        assert_keys(
            p,
            &["name", "value", "stderr", "unit", "fixed", "at_bound"],
            "parameter",
        );
    }
    let get = |n: &str| {
        params.iter().find(|p| p["name"] == n).unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    assert!((get("R1") - 80.0).abs() < 1e-4);
    assert!((get("CPE1.n") - 0.88).abs() < 1e-6);
    assert_eq!(params[0]["unit"], "Ohm");
}

#[test]
fn fit_table_csv_fix_and_aliases() {
    let dir = tempfile::tempdir().unwrap();
    let f = simulated(dir.path(), "a.csv", "R0-p(R1,C1)", "R0=5,R1=50,C1=2e-6", "0.005");
    eisfit()
        .args([
            "fit",
            &f,
            "--circuit",
            "R0-p(R1,C1)",
            "--fix",
            "R0=5",
            "--init",
            "C1_0=1e-6",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("(fixed)").and(predicate::str::contains("µF")))
        .stderr(predicate::str::contains("1 spectrum: 1 converged"));
    let out = eisfit()
        .args(["fit", &f, &f, "--circuit", "R0-p(R1,C1)", "--output", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("file,sweep,converged,chi2"));
    assert!(lines[0].contains("R1,R1_stderr"));
}

#[test]
fn fit_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let f = simulated(dir.path(), "a.csv", "R0-p(R1,C1)", "R0=5,R1=50,C1=2e-6", "0.005");
    // Not converged: a hopeless start with too few evaluations and no extra starts gives exit 1.
    eisfit()
        .args([
            "fit",
            &f,
            "--circuit",
            "R0-p(R1,C1)-p(R2,C2)",
            "--init",
            "R0=1e3,R1=1e-3,C1=1e-12,R2=1e4,C2=10",
        ])
        .args(["--multistart", "0", "--max-evaluations", "3"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("NOT CONVERGED"))
        .stderr(predicate::str::contains("1 not converged"));
    // Unreadable input: exit 2 and the file named.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "this is not\na spectrum\n").unwrap();
    eisfit()
        .args(["fit", bad.to_str().unwrap(), "--circuit", "R0-p(R1,C1)"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.csv"));
    // Bad options: exit 2 with the parameter named.
    eisfit()
        .args(["fit", &f, "--circuit", "R0-p(R1,C1)", "--bounds", "R9=0:1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("R9"));
    eisfit()
        .args(["fit", &f, "--circuit", "R0-p(R1,CPE1)", "--init", "CPE1.n=1.5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CPE1.n").and(predicate::str::contains("outside its bounds")));
    // A start on the bound is refused the same way, and in a batch the message names the file.
    eisfit()
        .args(["fit", &f, "--circuit", "R0-p(R1,CPE1)", "--init", "CPE1.n=1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "error: {f} (sweep 0): start value of CPE1.n = 1"
        )));
}

#[test]
fn fit_plot_writes_svg() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("fit.svg");
    eisfit()
        .args([
            "fit",
            &data("randles.csv"),
            "--circuit",
            "R0-p(C1,R1-W1)",
            "--plot",
            svg.to_str().unwrap(),
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(svg).unwrap();
    assert!(text.starts_with("<svg") && text.contains("Z′"));
}

#[test]
fn series_recovers_the_shipped_study_values() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("arr.svg");
    let out = eisfit()
        .args([
            "series",
            &data("nzsp_series/manifest.csv"),
            "--circuit",
            "R0-p(R1,CPE1)-p(R2,CPE2)",
            "--fmin",
            "20",
        ])
        .args(["--combine", "separator=R0+R1", "--combine", "interface=0.5*R2"])
        .args(["--area-cm2", "0.5027", "--thickness-um", "110", "--output", "json"])
        .args(["--plot", svg.to_str().unwrap()])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["fits"].as_array().unwrap().len(), 6);
    for f in v["fits"].as_array().unwrap() {
        // The fit object of the contract, plus the temperature.
        assert_keys(
            f,
            &[
                "file",
                "sweep",
                "temperature_c",
                "circuit",
                "converged",
                "parameters",
                "chi2",
            ],
            "series fit",
        );
        assert_eq!(f["sweep"], 0);
        assert!(f["file"].as_str().unwrap().ends_with(".csv"));
    }
    for q in v["quantities"].as_array().unwrap() {
        assert_keys(
            q,
            &[
                "name",
                "temperature_c",
                "value_ohm",
                "stderr_ohm",
                "areal_ohm_cm2",
                "areal_stderr_ohm_cm2",
            ],
            "quantity",
        );
    }
    // The generator's truth (examples/generate_series.rs): 0.28 eV, 0.41 eV, 1.6 mS/cm at 30 °C.
    let arr = v["arrhenius"].as_array().unwrap();
    let ea = |name: &str| {
        let a = arr.iter().find(|a| a["quantity"] == name).unwrap();
        (
            a["activation_energy_ev"].as_f64().unwrap(),
            a["activation_energy_ev_stderr"].as_f64().unwrap(),
        )
    };
    let (e, s) = ea("separator");
    assert!((e - 0.28).abs() <= 3.0 * s, "separator {e} ± {s}");
    let (e, s) = ea("interface");
    assert!((e - 0.41).abs() <= 3.0 * s, "interface {e} ± {s}");
    let c30 = v["conductivity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| (c["temperature_c"].as_f64().unwrap() - 30.0).abs() < 1e-9)
        .unwrap();
    let (sig, se) = (
        c30["sigma_s_per_cm"].as_f64().unwrap(),
        c30["sigma_stderr_s_per_cm"].as_f64().unwrap(),
    );
    assert!((sig - 1.6e-3).abs() <= 3.0 * se, "σ(30 °C) = {sig} ± {se}");
    assert!(std::fs::read_to_string(svg).unwrap().contains("separator"));
}

#[test]
fn series_errors_name_the_manifest_line() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.csv");
    std::fs::write(&m, "file,temperature_c\na.csv,abc\n").unwrap();
    eisfit()
        .args(["series", m.to_str().unwrap(), "--circuit", "R0-p(R1,C1)"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 2").and(predicate::str::contains("abc")));
    std::fs::write(&m, "name,temp\na.csv,20\n").unwrap();
    eisfit()
        .args(["series", m.to_str().unwrap(), "--circuit", "R0-p(R1,C1)"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("file,temperature_c"));
}

#[test]
fn plot_from_a_fit_json_or_a_circuit() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("fit.json");
    let out = eisfit()
        .args([
            "fit",
            &data("randles.csv"),
            "--circuit",
            "R0-p(C1,R1-W1)",
            "--output",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    std::fs::write(&json, out).unwrap();
    let svg = dir.path().join("r.svg");
    eisfit()
        .args([
            "plot",
            &data("randles.csv"),
            "--fit",
            json.to_str().unwrap(),
            "-o",
            svg.to_str().unwrap(),
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("fit: R0-p(C1,R1-W1)") && text.contains("Residual"));
    let bode = dir.path().join("b.svg");
    eisfit()
        .args([
            "plot",
            &data("randles.csv"),
            "--circuit",
            "R(C[RW])",
            "--kind",
            "bode",
            "-o",
            bode.to_str().unwrap(),
        ])
        .assert()
        .success();
    assert!(std::fs::read_to_string(&bode).unwrap().contains("|Z|"));
    eisfit()
        .args([
            "plot",
            &data("randles.csv"),
            "--kind",
            "residuals",
            "-o",
            bode.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a fit"));
    std::fs::write(&json, "[]").unwrap();
    eisfit()
        .args([
            "plot",
            &data("randles.csv"),
            "--fit",
            json.to_str().unwrap(),
            "-o",
            svg.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no fit for randles.csv"));
}

#[test]
fn sigma_weighting_uses_the_files_standard_deviations() {
    let dir = tempfile::tempdir().unwrap();
    let params = "R0=5.471,R1=8.206,CPE1.Q=1.437e-6,CPE1.n=0.85,R2=5.968,CPE2.Q=1.502e-5,CPE2.n=0.9";
    let circuit = "R0-p(R1,CPE1)-p(R2,CPE2)";
    let sim = |extra: &[&str]| {
        eisfit()
            .args([
                "simulate",
                "--circuit",
                circuit,
                "--params",
                params,
                "--fmin",
                "1",
                "--noise",
                "0.005",
            ])
            .args(["--seed", "2"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = sim(&["--write-sigma"]);
    assert!(out.status.success());
    let file = dir.path().join("sigma.csv");
    std::fs::write(&file, &out.stdout).unwrap();
    let f = file.to_str().unwrap();
    let fit = eisfit()
        .args(["fit", f, "--circuit", circuit, "--weight", "sigma", "--output", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&fit).unwrap();
    // With the true σ, χ²/ν is χ²(ν)/ν with ν = 122 − 7: 1 ± 0.4 with room to spare. Any other weighting puts it
    // orders of magnitude away.
    let red = v[0]["reduced_chi2"].as_f64().unwrap();
    assert!((0.6..1.6).contains(&red), "reduced χ² = {red}");
    assert!(v[0]["converged"].as_bool().unwrap());
    eisfit()
        .args(["read", f])
        .assert()
        .success()
        .stdout(predicate::str::contains("sigma:"));
    // Without σ columns, sigma weighting is a usage error naming the problem; --write-sigma needs noise.
    let plain = dir.path().join("plain.csv");
    std::fs::write(&plain, sim(&[]).stdout).unwrap();
    eisfit()
        .args([
            "fit",
            plain.to_str().unwrap(),
            "--circuit",
            circuit,
            "--weight",
            "sigma",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("standard deviations"));
    eisfit()
        .args(["simulate", "--circuit", "R0", "--params", "R0=1", "--write-sigma"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--noise"));
}

#[test]
fn series_table_and_csv_outputs() {
    let run = |output: &str| {
        common::stdout_text(
            eisfit()
                .args([
                    "series",
                    &data("nzsp_series/manifest.csv"),
                    "--circuit",
                    "R0-p(R1,CPE1)-p(R2,CPE2)",
                ])
                .args([
                    "--fmin",
                    "20",
                    "--combine",
                    "separator=R0+R1",
                    "--combine",
                    "interface=0.5*R2",
                ])
                .args(["--area-cm2", "0.5027", "--thickness-um", "110", "--output", output]),
        )
    };
    let csv = run("csv");
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    for key in [
        "quantity",
        "temperature_c",
        "value_ohm",
        "stderr_ohm",
        "areal_ohm_cm2",
        "sigma_s_per_cm",
    ] {
        assert!(header.iter().any(|h| h == key), "csv lacks {key}");
    }
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    // Two quantities at six temperatures.
    assert_eq!(records.len(), 12);
    let sep30 = records
        .iter()
        .find(|r| &r[0] == "separator" && (r[1].parse::<f64>().unwrap() - 30.0).abs() < 1e-9)
        .unwrap();
    let sigma: f64 = sep30[6].parse().unwrap();
    // The generator's σ(30 °C) = 1.6 mS/cm; the fit's uncertainty is below 1 %.
    assert!((sigma - 1.6e-3).abs() < 0.05 * 1.6e-3, "σ = {sigma}");

    let table = run("table");
    assert!(table.contains("Arrhenius fits"), "{table}");
    assert!(table.contains("separator") && table.contains("interface"));
    assert_eq!(table.matches("converged").count(), 6, "{table}");
}

#[test]
fn simulate_is_deterministic_per_seed() {
    let run = |seed: &str| {
        eisfit()
            .args([
                "simulate",
                "--circuit",
                "R0-p(R1,C1)",
                "--params",
                "R0=10,R1=100,C1=1e-6",
            ])
            .args(["--noise", "0.01", "--seed", seed])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run("3"), run("3"));
    assert_ne!(run("3"), run("4"));
}

#[test]
fn plot_overlays_every_sweep_with_sweep_all() {
    let dir = tempfile::tempdir().unwrap();
    let loops = format!("{}/tests/fixtures/io/biologic_loops.mpt", env!("CARGO_MANIFEST_DIR"));
    let svg = dir.path().join("all.svg");
    eisfit()
        .args(["plot", &loops, "--sweep", "all", "-o", svg.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("2 sweeps"));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("sweep 0") && text.contains("sweep 1"),
        "legend names both sweeps"
    );
    // A fit is for one sweep.
    eisfit()
        .args(["plot", &loops, "--sweep", "all", "--circuit", "R0-p(R1,C1)"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--sweep N"));
    eisfit()
        .args([
            "plot",
            &loops,
            "--sweep",
            "1",
            "--circuit",
            "R0-p(R1,C1)",
            "-o",
            svg.to_str().unwrap(),
        ])
        .assert()
        .success();
}

#[test]
fn sequential_fit_tracks_a_cell_over_cycles() {
    // A full cell ageing over five cycles: the charge-transfer resistance R2 grows, the rest stays.
    let dir = tempfile::tempdir().unwrap();
    let circuit = "R0-p(R1,CPE1)-p(R2,CPE2)-W1";
    let r2 = [20.0, 24.0, 29.0, 35.0, 42.0];
    let files: Vec<String> = r2
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let params = format!("R0=2,R1=5,CPE1.Q=2e-6,CPE1.n=0.9,R2={r},CPE2.Q=1e-4,CPE2.n=0.85,W1=8");
            simulated(dir.path(), &format!("cycle_{k:03}.csv"), circuit, &params, "0.003")
        })
        .collect();
    let out = eisfit()
        .arg("fit")
        .args(&files)
        .args(["--circuit", circuit, "--sequential", "--output", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let fits = v.as_array().unwrap();
    assert_eq!(fits.len(), 5);
    for (k, (f, want)) in fits.iter().zip(r2).enumerate() {
        assert!(
            f["file"].as_str().unwrap().ends_with(&format!("cycle_{k:03}.csv")),
            "input order"
        );
        assert_eq!(f["warm_started"], k > 0, "cycle {k}");
        let p = f["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "R2")
            .unwrap();
        let (got, se) = (p["value"].as_f64().unwrap(), p["stderr"].as_f64().unwrap());
        assert!(
            (got - want).abs() < 4.0 * se + 1e-3 * want,
            "cycle {k}: R2 = {got} ± {se}, truth {want}"
        );
    }
    // Without --sequential the key is absent (independent fits).
    let out = eisfit()
        .arg("fit")
        .args(&files[..2])
        .args(["--circuit", circuit, "--output", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v[0].get("warm_started").is_none());
}

#[test]
fn a_batch_larger_than_an_output_round_comes_out_complete_and_in_input_order() {
    // The CLI fits files in rounds of 64 and writes each round while fitting the next: 150 files, three kinds
    // (two spectra and an unreadable file in the second round), must come out as if written at once.
    let dir = tempfile::tempdir().unwrap();
    let a = simulated(dir.path(), "a.csv", "R0-p(R1,C1)", "R0=5,R1=50,C1=2e-6", "0.002");
    let b = simulated(dir.path(), "b.csv", "R0-p(R1,C1)", "R0=5,R1=80,C1=2e-6", "0.002");
    let mut files = Vec::new();
    let mut expected_r1 = Vec::new();
    for k in 0..150 {
        let p = dir.path().join(format!("f{k:03}.csv"));
        if k == 70 {
            std::fs::write(&p, "not a spectrum\n").unwrap();
        } else {
            let (src, r1) = if k % 3 == 0 { (&b, 80.0) } else { (&a, 50.0) };
            std::fs::copy(src, &p).unwrap();
            expected_r1.push((p.display().to_string(), r1));
        }
        files.push(p.display().to_string());
    }
    let run = |output: &str| {
        let out = eisfit()
            .arg("fit")
            .args(&files)
            .args(["--circuit", "R0-p(R1,C1)", "--output", output])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "the unreadable file fails the batch");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            stderr.contains("f070.csv") && stderr.contains("149 converged"),
            "{stderr}"
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run("json");
    let json: Value = serde_json::from_str(&text).unwrap();
    let fits = json.as_array().unwrap();
    // Every input is in the output, the unreadable one as {"file", "sweep", "error"} in its place.
    assert_eq!(fits.len(), files.len());
    // One fit per line between the brackets.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), fits.len() + 2);
    for (line, fit) in lines[1..lines.len() - 1].iter().zip(fits) {
        let one: Value = serde_json::from_str(line.trim_end_matches(',')).unwrap();
        assert_eq!(one["file"], fit["file"]);
    }
    for (fit, file) in fits.iter().zip(&files) {
        assert_eq!(fit["file"].as_str(), Some(file.as_str()));
    }
    assert!(
        fits[70]["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{}",
        fits[70]
    );
    assert!(fits[70].get("parameters").is_none());
    let ok: Vec<&Value> = fits.iter().filter(|f| f.get("error").is_none()).collect();
    assert_eq!(ok.len(), expected_r1.len());
    for (fit, (file, r1)) in ok.iter().zip(&expected_r1) {
        assert_eq!(fit["file"].as_str(), Some(file.as_str()));
        let got = fit["parameters"][1]["value"].as_f64().unwrap();
        assert!((got - r1).abs() < 0.02 * r1, "{file}: R1 = {got}, expected about {r1}");
    }
    let csv = run("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + files.len());
    assert!(lines[0].starts_with("file,sweep,converged") && lines[0].ends_with(",error"));
    for (line, file) in lines[1..].iter().zip(&files) {
        assert!(line.starts_with(&format!("{file},0,")), "{line}");
        if file.ends_with("f070.csv") {
            assert!(!line.ends_with(','), "the error is in the last column: {line}");
        } else {
            assert!(line.starts_with(&format!("{file},0,true,")), "{line}");
        }
    }
    let table = run("table");
    let labels: Vec<usize> = expected_r1
        .iter()
        .map(|(f, _)| table.find(&format!("{f} (sweep 0)")).unwrap())
        .collect();
    assert!(labels.windows(2).all(|w| w[0] < w[1]), "tables out of order");
}
