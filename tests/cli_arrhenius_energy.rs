//! End-to-end tests of `eisfit arrhenius` and `eisfit energy`: the JSON contract of CLI.md, known values, exit codes.

mod common;

use std::io::Write;

use approx::assert_relative_eq;
use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

const KB_EV_PER_K: f64 = 8.617_333_262e-5;

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("stdout is one JSON document")
}

fn num(v: &serde_json::Value, key: &str) -> f64 {
    v.get(key)
        .unwrap_or_else(|| panic!("missing key {key}"))
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number"))
}

const CELL_1: [&str; 13] = [
    "energy",
    "--voltage",
    "3.4",
    "--capacity-mah-cm2",
    "2.14",
    "--anode-reservoir-um",
    "36",
    "--separator-um",
    "50:4",
    "--cathode-um",
    "200",
    "--cathode-porosity",
    "0.63",
];

#[test]
fn energy_json_reproduces_cell_1() {
    let out = cargo_bin_cmd!("eisfit")
        .args(CELL_1)
        .args(["--output", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_relative_eq!(num(&v, "anode_charged_um"), 54.96, epsilon = 0.005);
    assert_relative_eq!(num(&v, "volumetric_wh_per_l"), 238.59, epsilon = 0.01); // study: 239
    assert_relative_eq!(num(&v, "gravimetric_wh_per_kg"), 117.78, epsilon = 0.01); // study: 118
                                                                                   // Only the separator carries an uncertainty: σ_E = |∂E/∂d_sep|·4 µm = E/D·4 µm for E_V.
    assert_relative_eq!(
        num(&v, "volumetric_wh_per_l_stderr"),
        238.5886 / 304.96 * 4.0,
        max_relative = 1e-4
    );
    assert!(num(&v, "gravimetric_wh_per_kg_stderr") > 0.0);
}

#[test]
fn energy_table_and_csv() {
    cargo_bin_cmd!("eisfit")
        .args(CELL_1)
        .assert()
        .success()
        .stdout(predicate::str::contains("Wh/l").and(predicate::str::contains("238.6")));
    cargo_bin_cmd!("eisfit")
        .args(CELL_1)
        .args(["--output", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("plated_sodium_um,anode_charged_um"));
}

#[test]
fn energy_rejects_bad_input_with_exit_2() {
    let mut args = CELL_1.to_vec();
    args[12] = "1.2";
    cargo_bin_cmd!("eisfit")
        .args(&args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cathode porosity"));
    args[12] = "0.6:x";
    cargo_bin_cmd!("eisfit").args(&args).assert().code(2);
}

/// A resistance series generated with E_A = 0.42 eV (T-prefactor law) and ±0.5 % alternating scatter.
fn arrhenius_table() -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    writeln!(f, "# separator series\ntemperature_c,r_ohm,r_err_ohm").unwrap();
    for (i, t_c) in [-10.0_f64, 0.0, 10.0, 20.0, 30.0, 40.0].iter().enumerate() {
        let t = t_c + 273.15;
        let r = t * 1e-8 * (0.42 / (KB_EV_PER_K * t)).exp() * if i % 2 == 0 { 1.005 } else { 0.995 };
        writeln!(f, "{t_c},{r},{}", 0.01 * r).unwrap();
    }
    f.flush().unwrap();
    f
}

#[test]
fn arrhenius_json_recovers_activation_energy() {
    let table = arrhenius_table();
    let out = cargo_bin_cmd!("eisfit")
        .arg("arrhenius")
        .arg(table.path())
        .args(["--temperature-column", "temperature_c", "--value-column", "r_ohm"])
        .args(["--error-column", "r_err_ohm", "--at-temperature-c", "25"])
        .args(["--at-temperature-c", "-20", "--output", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let ea = num(&v, "activation_energy_ev");
    let se = num(&v, "activation_energy_ev_stderr");
    assert!((ea - 0.42).abs() < 3.0 * se && se < 0.005, "E_A = {ea} ± {se}");
    assert_relative_eq!(
        num(&v, "activation_energy_kj_per_mol"),
        ea * 96.485_332_12,
        max_relative = 1e-9
    );
    for key in ["prefactor", "prefactor_stderr", "r_squared"] {
        assert!(num(&v, key).is_finite(), "{key}");
    }
    assert_eq!(v["n_points"].as_u64(), Some(6));
    let preds = v["predictions"].as_array().unwrap();
    assert_eq!(preds.len(), 2);
    assert_relative_eq!(num(&preds[1], "temperature_c"), -20.0);
    let t = 298.15;
    let truth = t * 1e-8 * (0.42 / (KB_EV_PER_K * t)).exp();
    assert_relative_eq!(num(&preds[0], "value"), truth, max_relative = 0.01);
    assert!(num(&preds[0], "stderr") > 0.0);
}

#[test]
fn arrhenius_plain_law_and_kelvin() {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    writeln!(f, "T_K,sigma").unwrap();
    for t in [260.0_f64, 280.0, 300.0, 320.0] {
        writeln!(f, "{t},{}", 5.0 * (-0.3 / (KB_EV_PER_K * t)).exp()).unwrap();
    }
    f.flush().unwrap();
    let out = cargo_bin_cmd!("eisfit")
        .arg("arrhenius")
        .arg(f.path())
        .args([
            "--temperature-column",
            "T_K",
            "--temperature-unit",
            "K",
            "--value-column",
            "sigma",
        ])
        .args(["--kind", "conductivity", "--law", "plain", "--output", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_relative_eq!(num(&v, "activation_energy_ev"), 0.3, max_relative = 1e-9);
    assert_relative_eq!(num(&v, "prefactor"), 5.0, max_relative = 1e-8);
}

#[test]
fn arrhenius_missing_column_is_exit_2_naming_file_and_column() {
    let table = arrhenius_table();
    let name = table.path().file_name().unwrap().to_string_lossy().into_owned();
    cargo_bin_cmd!("eisfit")
        .arg("arrhenius")
        .arg(table.path())
        .args(["--temperature-column", "T", "--value-column", "r_ohm"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(name).and(predicate::str::contains("no column named \"T\"")));
}

#[test]
fn arrhenius_bad_number_names_line_and_column() {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    write!(f, "t,r\n0,10\n10,abc\n20,5\n").unwrap();
    f.flush().unwrap();
    cargo_bin_cmd!("eisfit")
        .arg("arrhenius")
        .arg(f.path())
        .args(["--temperature-column", "t", "--value-column", "r"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 3, column \"r\""));
}

#[test]
fn arrhenius_table_and_csv_agree_with_the_json() {
    let table = arrhenius_table();
    let run = |output: &str| {
        common::stdout_text(
            cargo_bin_cmd!("eisfit")
                .arg("arrhenius")
                .arg(table.path())
                .args(["--temperature-column", "temperature_c", "--value-column", "r_ohm"])
                .args(["--at-temperature-c", "25", "--output", output]),
        )
    };
    let v: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let ea = num(&v, "activation_energy_ev");

    let csv = run("csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header.len(), row.len());
    assert!(lines.next().is_none(), "one data row");
    let col = |name: &str| -> f64 {
        let i = header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        row[i].parse().unwrap()
    };
    assert_relative_eq!(col("activation_energy_ev"), ea, max_relative = 1e-12);
    assert_relative_eq!(
        col("value_at_25c"),
        num(&v["predictions"][0], "value"),
        max_relative = 1e-12
    );

    let table_out = run("table");
    assert!(table_out.contains("6 points"), "{table_out}");
    assert!(
        table_out.contains(&format!("{ea:.4}")),
        "E_A {ea:.4} not in\n{table_out}"
    );
}

/// A table with the given temperatures and values, columns `t,v`.
fn table_of(t: &[f64], v: &[f64]) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    writeln!(f, "t,v").unwrap();
    for (t, v) in t.iter().zip(v) {
        writeln!(f, "{t},{v}").unwrap();
    }
    f.flush().unwrap();
    f
}

#[test]
fn kelvin_in_the_default_celsius_column_is_refused_unless_the_unit_is_given() {
    // True E_A 0.5 eV; read as °C the same kelvin temperatures would give about 1.8 eV with R² ≈ 1.
    let t_k = [263.15, 273.15, 283.15, 293.15, 303.15, 313.15];
    let r: Vec<f64> = t_k.iter().map(|t| t * 1e-9 * (0.5 / (KB_EV_PER_K * t)).exp()).collect();
    let f = table_of(&t_k, &r);
    let base = |extra: &[&str]| {
        let mut c = cargo_bin_cmd!("eisfit");
        c.arg("arrhenius")
            .arg(f.path())
            .args(["--temperature-column", "t", "--value-column", "v", "--output", "json"])
            .args(extra);
        c
    };
    base(&[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("look like kelvin").and(predicate::str::contains("--temperature-unit K")));
    let out = base(&["--temperature-unit", "K"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_relative_eq!(num(&json(&out), "activation_energy_ev"), 0.5, max_relative = 1e-9);
    // Confirmed °C: fitted as asked, with the warning on stderr and in the JSON.
    let a = base(&["--temperature-unit", "C"]).assert().success();
    let out = a.get_output();
    assert!(String::from_utf8_lossy(&out.stderr).contains("look like kelvin"));
    assert_eq!(
        json(&out.stdout)["warnings"][0]["code"],
        "temperatures-look-like-kelvin"
    );
}

#[test]
fn conductivities_given_as_resistances_warn_and_repeated_temperatures_fit() {
    let t = [0.0, 20.0, 40.0, 0.0, 20.0, 40.0];
    let sigma: Vec<f64> = t
        .iter()
        .map(|t: &f64| {
            let t = t + 273.15;
            1e3 / t * (-0.3 / (KB_EV_PER_K * t)).exp()
        })
        .collect();
    let f = table_of(&t, &sigma);
    let out = cargo_bin_cmd!("eisfit")
        .arg("arrhenius")
        .arg(f.path())
        .args(["--temperature-column", "t", "--value-column", "v", "--output", "json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("conductivities given as resistances"))
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    // σ ∝ exp(−0.3 eV/k_BT)/T read as R = T·κ·exp(E_A/k_BT): E_A = −0.3 eV − 2·k_B·T̄, negative.
    assert!(num(&v, "activation_energy_ev") < -0.2, "{v}");
    assert_eq!(v["n_points"].as_u64(), Some(6));
    let codes: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"negative-activation-energy"), "{codes:?}");
    assert!(codes.contains(&"repeated-temperature"), "{codes:?}");
    // The t-based interval is wider than ±1.96 SE: ν = 4, t = 2.776.
    let se = num(&v, "activation_energy_ev_stderr");
    let ci = &v["activation_energy_ev_ci95"];
    let half = 0.5 * (ci[1].as_f64().unwrap() - ci[0].as_f64().unwrap());
    assert!(se <= 0.0 || (half / se - 2.776_445).abs() < 1e-5, "{half} vs {se}");
}
