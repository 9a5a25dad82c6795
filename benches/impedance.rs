#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Evaluation speed: Z, and Z with the full analytic Jacobian, of the study's symmetric-cell circuit at 61
//! frequencies (1 MHz to 1 Hz, 10 per decade).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use eisfit::num_complex::Complex64;
use eisfit::simulate::log_frequencies;
use eisfit::{Circuit, Evaluator};
use std::hint::black_box;

fn bench_eval(c: &mut Criterion) {
    let circuit: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)".parse().expect("valid circuit");
    let freq = log_frequencies(1e6, 1.0, 10).expect("valid grid");
    let params = [5.471, 8.206, 1.437e-6, 0.85, 5.968, 1.502e-5, 0.9];
    let mut ev = Evaluator::new(&circuit, &freq);
    let mut z = vec![Complex64::new(0.0, 0.0); freq.len()];
    let mut jac = vec![Complex64::new(0.0, 0.0); freq.len() * circuit.n_params()];

    let mut g = c.benchmark_group("R0-p(R1,CPE1)-p(R2,CPE2), 61 frequencies");
    g.throughput(Throughput::Elements(freq.len() as u64));
    g.bench_function("Z", |b| b.iter(|| ev.impedance(black_box(&params), &mut z)));
    g.bench_function("Z + Jacobian", |b| {
        b.iter(|| ev.impedance_and_jacobian(black_box(&params), &mut z, &mut jac))
    });
    g.finish();
}

criterion_group!(benches, bench_eval);
criterion_main!(benches);
