//! What a new user meets in the first hour (issue 22): the small things (item 7), other tools' circuit notations
//! (item 5) and numbers that keep their significant figures (item 2), end to end through the binary.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn eisfit() -> Command {
    Command::cargo_bin("eisfit").expect("binary builds")
}

fn data(name: &str) -> String {
    format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `eisfit` with `args` and returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = eisfit().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A simulated one-arc spectrum, 71 points from 100 kHz to 0.1 Hz, written to `dir/name`.
fn simulated(dir: &Path, name: &str) -> String {
    let (code, csv, err) = run(&[
        "simulate",
        "--circuit",
        "R0-p(R1,C1)",
        "--params",
        "R0=5,R1=50,C1=2e-6",
        "--noise",
        "0.002",
        "--seed",
        "1",
    ]);
    assert_eq!(code, 0, "{err}");
    let p = dir.join(name);
    std::fs::write(&p, csv).unwrap();
    p.display().to_string()
}

#[test]
fn an_empty_window_is_refused_once_before_any_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let a = simulated(dir.path(), "a.csv");
    // A file that does not exist: the window is checked before reading, so the error is about the window.
    let missing = dir.path().join("missing.csv").display().to_string();
    for sub in ["fit", "validate", "drt"] {
        let mut args = vec![sub, a.as_str(), missing.as_str(), "--fmin", "1000", "--fmax", "10"];
        if sub == "fit" {
            args.extend(["--circuit", "R0-p(R1,C1)"]);
        }
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{sub}: {err}");
        assert!(out.is_empty(), "{sub}: {out}");
        assert_eq!(err.matches("--fmin 1000 is above --fmax 10").count(), 1, "{sub}: {err}");
        assert!(!err.contains("missing.csv"), "{sub}: {err}");
    }
}

#[test]
fn a_window_that_leaves_too_few_points_says_how_many_of_how_many() {
    let dir = tempfile::tempdir().unwrap();
    let a = simulated(dir.path(), "a.csv");
    let n = std::fs::read_to_string(&a).unwrap().lines().count() - 1;
    let (code, _, err) = run(&["fit", &a, "--circuit", "R0-p(R1,C1)", "--fmin", "1e9"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("the frequency window [1e9, inf] Hz leaves 0 of {n} points")),
        "{err}"
    );
    // The summary counts one spectrum, in the singular.
    assert!(err.contains("1 spectrum: 0 converged"), "{err}");
}

#[test]
fn directories_and_files_that_are_no_spectra_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let (code, _, err) = run(&["fit", &d, "--circuit", "R0-p(R1,C1)"]);
    assert_eq!(code, 2);
    assert!(err.contains("a directory") && !err.contains("os error"), "{err}");
    let junk = dir.path().join("notes.txt");
    std::fs::write(&junk, "shopping list\n\neggs and milk\nlast line here\n").unwrap();
    let (code, _, err) = run(&["read", &junk.display().to_string()]);
    assert_eq!(code, 2);
    assert!(err.contains("not a spectrum"), "{err}");
    assert!(err.contains("line 1 reads `shopping list`"), "{err}");
    assert!(!err.contains("last line here"), "{err}");
}

const STACK: [&str; 11] = [
    "energy",
    "--voltage",
    "3.8",
    "--capacity-mah-cm2",
    "2",
    "--anode-reservoir-um",
    "0",
    "--separator-um",
    "20",
    "--cathode-um",
    "80",
];

#[test]
fn a_porosity_in_percent_is_refused_with_a_hint() {
    let mut args = STACK.to_vec();
    args.extend(["--cathode-porosity", "63"]);
    let (code, _, err) = run(&args);
    assert_eq!(code, 2);
    assert!(err.contains("as a fraction") && err.contains("0.63"), "{err}");
}

#[test]
fn a_lithium_anode_plates_the_published_thickness() {
    let mut args = STACK.to_vec();
    args.extend([
        "--cathode-porosity",
        "0.3",
        "--anode-metal",
        "lithium",
        "--output",
        "json",
    ]);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["anode_metal"], "lithium");
    // 1 mAh/cm² plates 4.85 µm of lithium (Albertus et al., Nature Energy 3, 16 (2018)).
    let plated = v["plated_metal_um"].as_f64().unwrap();
    assert!((plated / 2.0 - 4.85).abs() < 0.005, "{plated}");
    assert!(v["plated_sodium_um"].is_null());
    // Anode-free: the stack is the plated lithium, the separator and the cathode.
    let e_v = v["volumetric_wh_per_l"].as_f64().unwrap();
    let expected = 3.8 * 2.0 / ((plated + 20.0 + 80.0) * 1e-4);
    assert!((e_v - expected).abs() < 1e-9 * expected, "{e_v} vs {expected}");
    // Sodium stays the default, and plates 1 mAh/cm² as 1/(1166·0.968) cm = 8.86 µm.
    let mut args = STACK.to_vec();
    args.extend(["--cathode-porosity", "0.3", "--output", "json"]);
    let v: Value = serde_json::from_str(&run(&args).1).unwrap();
    assert_eq!(v["anode_metal"], "sodium");
    assert!((v["plated_sodium_um"].as_f64().unwrap() / 2.0 - 8.86).abs() < 0.005);
}

#[test]
fn a_thickness_without_an_area_is_an_error_not_a_missing_conductivity() {
    let manifest = data("nzsp_series/manifest.csv");
    let base = [
        "series",
        manifest.as_str(),
        "--circuit",
        "R0-p(R1,CPE1)-CPE2",
        "--combine",
        "bulk=R0+R1",
    ];
    let mut args = base.to_vec();
    args.extend(["--thickness-um", "110"]);
    let (code, out, err) = run(&args);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("--area-cm2"), "{err}");
}

#[test]
fn other_tools_circuit_notations_get_hints_before_any_file_is_read() {
    let cases = [
        ("R0-p(R1,Q1)", "column 9", "in this notation write CPE1"),
        ("R{R=5}(RQ)", "column 2", "initial values in --init"),
        ("P(R1,C1)", "column 1", "parallel is lowercase p("),
        ("R0+p(R1,C1)", "column 3", "series is '-'"),
        ("R0-(R1||C1)", "column 7", "parallel is lowercase p("),
        ("R0-p(R1)", "column 4", "two or more branches"),
    ];
    for (circuit, column, hint) in cases {
        let (code, _, err) = run(&["fit", "no-such-file.csv", "--circuit", circuit]);
        assert_eq!(code, 2, "{circuit}: {err}");
        assert!(err.contains(column) && err.contains(hint), "{circuit}: {err}");
        assert!(!err.contains("no-such-file"), "{circuit}: {err}");
    }
}

/// Reads `A ± B` before `unit` on a table line into (A, B, the digits after B's decimal point).
fn value_pm(line: &str, unit: &str) -> Option<(f64, f64, usize)> {
    let body = line.split(" = ").nth(1)?.strip_suffix(unit)?.trim();
    let (a, b) = body.split_once(" ± ")?;
    let decimals = b.split_once('.').map_or(0, |(_, d)| d.len());
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?, decimals))
}

#[test]
fn conductivities_of_a_solid_electrolyte_keep_their_significant_figures() {
    let Some(dir) = common_shared("data/real/novocontrol") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut manifest = String::from("file,temperature_c\n");
    for t in [140, 170, 200] {
        manifest.push_str(&format!("{}/s04147-{t}deg.txt,{t}\n", dir.display()));
    }
    let m = tmp.path().join("manifest.csv");
    std::fs::write(&m, manifest).unwrap();
    let m = m.display().to_string();
    // The pellet of the study: D = 0.8 cm (A = 0.5027 cm²), l = 0.21 cm.
    let args = [
        "series",
        m.as_str(),
        "--circuit",
        "R0-p(R1,CPE1)-p(R2,CPE2)-CPE3",
        "--combine",
        "bulk=R1",
        "--area-cm2",
        "0.5027",
        "--thickness-um",
        "2100",
    ];
    let (code, table, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let mut json_args = args.to_vec();
    json_args.extend(["--output", "json"]);
    let v: Value = serde_json::from_str(&run(&json_args).1).unwrap();
    let sigma = v["conductivity"].as_array().unwrap();
    let lines: Vec<&str> = table.lines().filter(|l| l.contains("σ = ")).collect();
    assert_eq!(lines.len(), sigma.len(), "{table}");
    assert!(!table.contains("0.0000"), "{table}");
    for (line, c) in lines.iter().zip(sigma) {
        let (s, e) = (
            c["sigma_s_per_cm"].as_f64().unwrap(),
            c["sigma_stderr_s_per_cm"].as_f64().unwrap(),
        );
        // Micro-siemens per cm, the error to two significant figures and the value to the same decimal place.
        let (a, b, decimals) = value_pm(line, "µS/cm").unwrap_or_else(|| panic!("{line}"));
        let half_digit = 0.5 * 10f64.powi(-(decimals as i32));
        assert!((a - s * 1e6).abs() <= half_digit * 1.0001, "{line}: {s}");
        assert!((b - e * 1e6).abs() <= half_digit * 1.0001, "{line}: {e}");
        assert!(
            (10.0..100.0).contains(&(b * 10f64.powi(decimals as i32))),
            "{line}: two significant figures"
        );
    }
}

fn common_shared(rel: &str) -> Option<std::path::PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(rel);
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!(
            "skipping: {} not found (third-party data is not part of a fresh clone)",
            p.display()
        );
        None
    }
}

#[test]
fn csv_numbers_are_short_and_undetermined_parameters_say_so() {
    let dir = tempfile::tempdir().unwrap();
    // Noise-free data: χ² is tiny, where plain notation wrote dozens of zeros.
    let (code, csv, _) = run(&["simulate", "--circuit", "R0-p(R1,C1)", "--params", "R0=5,R1=50,C1=2e-6"]);
    assert_eq!(code, 0);
    let exact = dir.path().join("exact.csv");
    std::fs::write(&exact, csv).unwrap();
    let exact = exact.display().to_string();
    let (code, out, err) = run(&["fit", &exact, "--circuit", "R0-p(R1,C1)", "--output", "csv"]);
    assert_eq!(code, 0, "{err}");
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let header = rdr.headers().unwrap().clone();
    let row = rdr.records().next().unwrap().unwrap();
    let chi2: f64 = row[header.iter().position(|h| h == "chi2").unwrap()].parse().unwrap();
    assert!(chi2 < 1e-12, "{out}");
    for (h, field) in header.iter().zip(row.iter()) {
        if let Ok(x) = field.parse::<f64>() {
            assert!(field.len() <= 24, "{h} = {field}");
            assert!(x.is_finite(), "{h} = {field}");
        }
    }
    // Two resistors in series: the data determine only their sum.
    let a = simulated(dir.path(), "a.csv");
    let (code, table, err) = run(&["fit", &a, "--circuit", "R0-p(R1,C1)-R2"]);
    assert_eq!(code, 0, "{err}");
    let row = |name: &str| {
        table
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap()
            .to_string()
    };
    assert!(row("R0 ").ends_with("undetermined"), "{table}");
    assert!(!row("R0 ").contains('%'), "{table}");
    // A determined parameter keeps a short relative error: two significant figures and a percent sign.
    let (_, table, _) = run(&["fit", &a, "--circuit", "R0-p(R1,C1)"]);
    let rel = row_of(&table, "R1 ");
    let pct = rel.split_whitespace().rev().nth(1).unwrap();
    let digits: String = pct.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits.trim_start_matches('0').len(), 2, "{table}");
}

fn row_of(table: &str, name: &str) -> String {
    table
        .lines()
        .find(|l| l.trim_start().starts_with(name))
        .unwrap_or_default()
        .to_string()
}
