//! `identify` on the real files of `../shared/data/real` whose MANIFEST.md gives a published circuit: that circuit
//! is among the three best of the built-in library. Read in place; skipped with a message when `../shared` is
//! absent. Slow in a debug build: `cargo test --release --test identify_real -- --nocapture` prints each ranking.

mod common;

use eisfit::identify::{identify, IdentifyOptions};
use eisfit::{FitOptions, Spectrum};

fn spectrum(rel: &str) -> Option<Spectrum> {
    let path = common::shared(&format!("data/real/{rel}"))?;
    let file = eisfit::io::read(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Some(file.sweeps()[0].spectrum().clone())
}

/// Position of `published` (in the library's labelling) in the ranking of the built-in library for `rel`, or
/// `None` when the corpus is absent. Prints the top 5.
fn position(rel: &str, published: &str, fit: FitOptions) -> Option<Option<usize>> {
    let s = spectrum(rel)?;
    let ranking = identify(&s, &IdentifyOptions::default().with_fit_options(fit)).unwrap();
    let top: Vec<(&str, f64)> = ranking
        .candidates
        .iter()
        .take(5)
        .map(|c| (c.circuit.as_str(), c.bic))
        .collect();
    let pos = ranking.candidates.iter().position(|c| c.circuit == published);
    println!("{rel}: published {published} at {pos:?}; top 5 {top:?}");
    Some(pos)
}

/// The files whose MANIFEST gives a published circuit, that circuit in the library's labelling, and the fit
/// options of the published fit.
fn cases() -> Vec<(String, &'static str, FitOptions)> {
    let mut v = vec![
        // impedance.py's looping_files example fits R0-p(R1,C1) to both dummy cells.
        (
            "zplot_z/Circuit1_EIS_1.z".to_string(),
            "R0-p(R1,C1)",
            FitOptions::default(),
        ),
        (
            "zplot_z/Circuit2_EIS_1.z".to_string(),
            "R0-p(R1,C1)",
            FitOptions::default(),
        ),
        // impedance.py's getting-started fit, after dropping the inductive points as upstream does.
        (
            "generic_csv/exampleData.csv".to_string(),
            "R0-p(R1,C1)-p(R2,C2)-Wo9",
            FitOptions::default().with_drop_inductive(true),
        ),
    ];
    // Adediwura et al. (2024): (R1‖Q1)+(R2‖Q2)+Q3 at all seven temperatures.
    for t in [140, 150, 160, 170, 180, 190, 200] {
        v.push((
            format!("novocontrol/s04147-{t}deg.txt"),
            "p(R1,CPE1)-p(R2,CPE2)-CPE9",
            FitOptions::default(),
        ));
    }
    v
}

#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn the_solid_electrolyte_series_is_ranked_first_below_200_degrees() {
    // Bulk and grain-boundary arcs and a blocking electrode, well inside the window from 140 to 190 °C; at 200 °C
    // the bulk arc leaves the window (see the target test below).
    for t in [140, 150, 160, 170, 180, 190] {
        let rel = format!("novocontrol/s04147-{t}deg.txt");
        let Some(pos) = position(&rel, "p(R1,CPE1)-p(R2,CPE2)-CPE9", FitOptions::default()) else {
            return;
        };
        assert_eq!(pos, Some(0), "{rel}");
    }
}

/// The target of issue 21: every published circuit in the top 3. Not met today (docs/benchmarks.md lists the
/// positions): the dummy cells show a lead inductance and the battery example prefers CPEs to the published
/// capacitors, both by decisive BIC margins; at 200 °C two more arcs win.
#[test]
#[ignore = "target not met yet: 4 of 10 files miss the top 3 (docs/benchmarks.md)"]
fn every_published_circuit_is_in_the_top_three() {
    let mut misses = Vec::new();
    for (rel, published, fit) in cases() {
        let Some(pos) = position(&rel, published, fit) else {
            return;
        };
        if pos.is_none_or(|p| p >= 3) {
            misses.push((rel, pos));
        }
    }
    assert!(misses.is_empty(), "{misses:?}");
}
