//! Plots from the command line (issue 22, item 3): SVG only, batch plots named from their inputs, the sizes, and
//! the panels `eisfit plot` promises.

use assert_cmd::Command;
use std::path::Path;

fn eisfit() -> Command {
    Command::cargo_bin("eisfit").expect("binary builds")
}

/// Runs `eisfit` with `args` in `dir` and returns (exit code, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = eisfit().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes a simulated one-arc spectrum to `dir/name`.
fn simulated(dir: &Path, name: &str) {
    let out = eisfit()
        .args(["simulate", "--circuit", "R0-p(R1,C1)", "--params", "R0=5,R1=50,C1=2e-6"])
        .args(["--noise", "0.002", "--seed", "1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::create_dir_all(dir.join(name).parent().unwrap()).unwrap();
    std::fs::write(dir.join(name), out.stdout).unwrap();
}

/// The width attribute of an SVG document.
fn svg_width(path: &Path) -> f64 {
    let svg = std::fs::read_to_string(path).unwrap();
    let start = svg.find("width=\"").unwrap() + 7;
    svg[start..].split('"').next().unwrap().parse().unwrap()
}

#[test]
fn a_bitmap_name_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    simulated(dir.path(), "a.csv");
    for args in [
        vec!["fit", "a.csv", "--circuit", "R0-p(R1,C1)", "--plot", "fit.png"],
        vec!["validate", "a.csv", "--plot", "kk.PNG"],
        vec!["drt", "a.csv", "--plot", "drt.pdf"],
        vec!["plot", "a.csv", "-o", "a.png"],
    ] {
        let (code, err) = run_in(dir.path(), &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("SVG") && err.contains(".svg"), "{args:?}: {err}");
    }
    // Nothing was written, least of all SVG text under a bitmap's name.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["a.csv"]);
}

#[test]
fn batch_plots_are_named_from_their_inputs() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["cell_1.csv", "cell_2.csv", "other/cell_1.csv"] {
        simulated(dir.path(), name);
    }
    let (code, err) = run_in(
        dir.path(),
        &[
            "fit",
            "cell_1.csv",
            "cell_2.csv",
            "other/cell_1.csv",
            "--circuit",
            "R0-p(R1,C1)",
            "--plot",
            "fit.svg",
        ],
    );
    assert_eq!(code, 0, "{err}");
    for name in ["fit_cell_1.svg", "fit_cell_2.svg", "fit_cell_1_2.svg"] {
        assert!(dir.path().join(name).is_file(), "{name} missing: {err}");
        assert!(err.contains(&format!("wrote {name}")), "{err}");
    }
    assert!(!dir.path().join("fit.svg").exists() && !dir.path().join("fit_2.svg").exists());
    // One spectrum keeps the name given.
    let (code, _) = run_in(
        dir.path(),
        &["fit", "cell_2.csv", "--circuit", "R0-p(R1,C1)", "--plot", "one.svg"],
    );
    assert_eq!(code, 0);
    assert!(dir.path().join("one.svg").is_file());
}

#[test]
fn plot_shows_the_bode_panels_its_help_promises_and_takes_a_size() {
    let dir = tempfile::tempdir().unwrap();
    simulated(dir.path(), "a.csv");
    let (code, err) = run_in(dir.path(), &["plot", "a.csv", "-o", "report.svg"]);
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(dir.path().join("report.svg")).unwrap();
    for panel in ["Z′ /", "|Z| /", "−φ / °"] {
        assert!(svg.contains(panel), "missing {panel}");
    }
    let (code, _) = run_in(dir.path(), &["plot", "a.csv", "-o", "nyquist.svg", "--kind", "nyquist"]);
    assert_eq!(code, 0);
    let svg = std::fs::read_to_string(dir.path().join("nyquist.svg")).unwrap();
    assert!(!svg.contains("|Z| /"));
    // Sizes: the default is unchanged, paper narrows the image (the text keeps its px size), WxH is exact.
    let (code, _) = run_in(
        dir.path(),
        &["fit", "a.csv", "--circuit", "R0-p(R1,C1)", "--plot", "d.svg"],
    );
    assert_eq!(code, 0);
    assert!((svg_width(&dir.path().join("d.svg")) - 1120.0).abs() < 0.5);
    for (size, width) in [("paper", 900.0), ("slide", 960.0), ("800x600", 800.0)] {
        let name = format!("{size}.svg");
        let (code, err) = run_in(
            dir.path(),
            &[
                "fit",
                "a.csv",
                "--circuit",
                "R0-p(R1,C1)",
                "--plot",
                &name,
                "--plot-size",
                size,
            ],
        );
        assert_eq!(code, 0, "{err}");
        assert!((svg_width(&dir.path().join(&name)) - width).abs() < 0.5, "{size}");
    }
    let (code, err) = run_in(dir.path(), &["plot", "a.csv", "--plot-size", "huge"]);
    assert_eq!(code, 2);
    assert!(err.contains("paper, slide or WIDTHxHEIGHT"), "{err}");
}
