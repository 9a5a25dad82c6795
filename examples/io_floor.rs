//! Developer tool: the I/O floor of a batch `eisfit fit`, for `docs/benchmarks.md`.
//!
//! It runs the batch loop of `eisfit fit` with the fitting taken out: the files are read in rounds of 64 on the
//! rayon pool while one of the pool's threads writes the previous round, and each file yields a "report" of
//! BYTES bytes (copies of the file's own bytes), written to stdout. Nothing is parsed, fitted or formatted, so
//! its time is what reading the files and writing reports of that size cost on the machine, the part of a whole
//! process that no speed-up of eisfit can remove.
//!
//! `cargo run --release --example io_floor -- BYTES FILE... > /dev/null` (or `> out.json` to time writing a
//! file, as the comparison script does); time it with `perf stat` or `time`.
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Files per round: `FILE_ROUND` of `src/cli/fit.rs`, which is private to the binary; keep the two equal.
const ROUND: usize = 64;

fn main() {
    let mut args = std::env::args().skip(1);
    let bytes: usize = args
        .next()
        .and_then(|b| b.parse().ok())
        .expect("usage: io_floor BYTES FILE...");
    let files: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
    let mut done: Vec<Vec<u8>> = Vec::new();
    for round in files.chunks(ROUND) {
        let mut next = Vec::new();
        rayon::scope(|scope| {
            scope.spawn(|_| next = round.par_iter().map(|path| report(path, bytes)).collect());
            write_all(&mut out, &done);
        });
        done = next;
    }
    write_all(&mut out, &done);
    out.flush().expect("writable stdout");
}

/// The file's bytes, repeated or cut to `bytes`.
fn report(path: &Path, bytes: usize) -> Vec<u8> {
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut r = Vec::with_capacity(bytes);
    while !data.is_empty() && r.len() < bytes {
        let take = data.len().min(bytes - r.len());
        r.extend_from_slice(&data[..take]);
    }
    r
}

fn write_all(out: &mut impl Write, reports: &[Vec<u8>]) {
    for r in reports {
        out.write_all(r).expect("writable stdout");
    }
}
