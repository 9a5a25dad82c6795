//! Reading speed: a 10,000-point file, generated in memory in two layouts (an EC-Lab `.mpt` with 10 columns and a
//! metadata block, and a generic 3-column CSV), read with `read_from` including detection and validation.
// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use eisfit::io::read_from;
use std::hint::black_box;

const N: usize = 10_000;

fn point(i: usize) -> (f64, f64, f64) {
    // 1 MHz down to 10 mHz, an RC arc, so every value has full precision.
    let f = 1e6 * 10f64.powf(-8.0 * i as f64 / (N - 1) as f64);
    let w = std::f64::consts::TAU * f;
    let d = 1.0 + (w * 1e-3).powi(2);
    (f, 10.0 + 1000.0 / d, -1000.0 * w * 1e-3 / d)
}

fn mpt() -> Vec<u8> {
    let mut s =
        String::from("EC-Lab ASCII FILE\nNb header lines : 5\n\nPotentio Electrochemical Impedance Spectroscopy\n");
    s.push_str("freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\t|Z|/Ohm\tPhase(Z)/deg\ttime/s\t<Ewe>/V\t<I>/mA\tcycle number\tNs\n");
    for i in 0..N {
        let (f, re, im) = point(i);
        let m = re.hypot(im);
        let ph = im.atan2(re).to_degrees();
        s.push_str(&format!(
            "{f:.7E}\t{re:.7E}\t{:.7E}\t{m:.7E}\t{ph:.7E}\t{:.15E}\t-8.0E-002\t1.0E-006\t1.000000000000000E+000\t0\n",
            -im, i as f64
        ));
    }
    s.into_bytes()
}

fn csv() -> Vec<u8> {
    let mut s = String::from("frequency_hz,z_real_ohm,z_imag_ohm\n");
    for i in 0..N {
        let (f, re, im) = point(i);
        s.push_str(&format!("{f:?},{re:?},{im:?}\n"));
    }
    s.into_bytes()
}

fn bench(c: &mut Criterion) {
    let files = [("biologic-mpt", mpt()), ("generic-csv", csv())];
    let mut points = c.benchmark_group("read_10k_points");
    points.throughput(Throughput::Elements(N as u64));
    for (name, bytes) in &files {
        points.bench_with_input(BenchmarkId::from_parameter(name), bytes, |b, bytes| {
            b.iter(|| read_from(black_box(bytes.as_slice()), "bench", None).expect("reads"))
        });
    }
    points.finish();
    let mut mb = c.benchmark_group("read_10k_bytes");
    for (name, bytes) in &files {
        mb.throughput(Throughput::Bytes(bytes.len() as u64));
        mb.bench_with_input(BenchmarkId::from_parameter(name), bytes, |b, bytes| {
            b.iter(|| read_from(black_box(bytes.as_slice()), "bench", None).expect("reads"))
        });
    }
    mb.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
