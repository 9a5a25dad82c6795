#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Fit speed: each bench spectrum of ../shared/bench from impedance.py's own start values, the automatic-start fit,
//! and a batch of 1,000 spectra on all cores.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use eisfit::simulate::{log_frequencies, simulate, Noise};
use eisfit::{fit, Circuit, FitOptions, Spectrum, Weighting};
use rayon::prelude::*;
use serde_json::Value;
use std::hint::black_box;
use std::path::{Path, PathBuf};

struct Case {
    name: String,
    circuit: Circuit,
    spectrum: Spectrum,
    impy_start: Vec<f64>,
}

fn read_csv(path: &Path) -> Spectrum {
    let text = std::fs::read_to_string(path).expect("readable bench spectrum");
    let (mut f, mut re, mut im) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let v: Vec<f64> = line.split(',').map(|x| x.trim().parse().expect("number")).collect();
        f.push(v[0]);
        re.push(v[1]);
        im.push(v[2]);
    }
    Spectrum::from_parts(f, &re, &im).expect("valid spectrum")
}

fn bench_cases() -> Option<Vec<Case>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench");
    let text = std::fs::read_to_string(dir.join("impedancepy_results.json")).ok()?;
    let res: Value = serde_json::from_str(
        &text
            .replace("-Infinity", "null")
            .replace("Infinity", "null")
            .replace("NaN", "null"),
    )
    .ok()?;
    let mut out = Vec::new();
    for (name, spec) in res["spectra"].as_object()? {
        let circuit: Circuit = spec["circuit"].as_str()?.parse().ok()?;
        let mut start = vec![0.0; circuit.n_params()];
        for (k, v) in spec["initial_guess"].as_object()? {
            start[circuit.param_index(k).ok()?] = v.as_f64()?;
        }
        out.push(Case {
            name: name.clone(),
            spectrum: read_csv(&dir.join("spectra").join(spec["file"].as_str()?)),
            circuit,
            impy_start: start,
        });
    }
    Some(out)
}

fn bench_fits(c: &mut Criterion) {
    let Some(cases) = bench_cases() else {
        eprintln!("skipping the bench-spectra groups: ../shared/bench not found");
        return;
    };
    let mut g = c.benchmark_group("fit from impedance.py start (unit weighting)");
    for case in &cases {
        let o = FitOptions::default()
            .with_weighting(Weighting::Unit)
            .with_initial_values(case.impy_start.clone())
            .with_multistart(0)
            .with_canonical_order(false);
        g.bench_function(BenchmarkId::from_parameter(&case.name), |b| {
            b.iter(|| fit(&case.circuit, black_box(&case.spectrum), &o).expect("fit runs"))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("fit with automatic start values (default options)");
    for case in &cases {
        let o = FitOptions::default();
        g.bench_function(BenchmarkId::from_parameter(&case.name), |b| {
            b.iter(|| fit(&case.circuit, black_box(&case.spectrum), &o).expect("fit runs"))
        });
    }
    g.finish();
}

fn bench_batch(c: &mut Criterion) {
    // 1,000 noisy symmetric-cell spectra with varying resistances, fitted on all cores from automatic starts.
    let circuit: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)".parse().expect("circuit");
    let f = log_frequencies(1e6, 1.0, 10).expect("grid");
    let spectra: Vec<Spectrum> = (0..1000u64)
        .map(|i| {
            let k = 1.0 + (i % 50) as f64 / 10.0;
            let p = [5.47 * k, 8.21 * k, 1.437e-6, 0.85, 5.97 * k * k, 1.502e-5, 0.9];
            simulate(&circuit, &p, &f, Some(Noise::new(0.005, i).expect("noise"))).expect("simulate")
        })
        .collect();
    let o = FitOptions::default();
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.throughput(Throughput::Elements(spectra.len() as u64));
    g.bench_function("1000 spectra, automatic start, all cores", |b| {
        b.iter(|| {
            let n_ok = spectra
                .par_iter()
                .map(|s| fit(&circuit, s, &o).map(|r| r.converged).unwrap_or(false))
                .filter(|ok| *ok)
                .count();
            black_box(n_ok)
        })
    });
    g.finish();
}

criterion_group!(benches, bench_fits, bench_batch);
criterion_main!(benches);
