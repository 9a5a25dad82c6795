//! Robustness: no input makes a reader panic. Random bytes, and random mutations (byte flips, truncation, line
//! deletion, line duplication) of every fixture and, when present, every real file, are fed to `read_from`, with
//! detection, with every forced format and with `--columns` lists. Each must return `Ok` or `Err`, and an `Ok`
//! must hold finite, positive frequencies and finite impedances (the invariants of the cargo-fuzz targets in
//! `fuzz/`, which run the same checks for longer; see docs/reliability.md).

use eisfit::io::{read_bytes_with, read_from, Columns, DataFile, Format, ReadError, ReadOptions};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn files_in(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_in(&p, out);
        } else if !p.extension().is_some_and(|x| x == "md" || x == "py") {
            out.push(p);
        }
    }
}

/// The fixtures, plus the real corpus when `../shared` exists (read in place, never copied).
fn corpus() -> &'static [Vec<u8>] {
    static CORPUS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        files_in(&root.join("tests/fixtures/io"), &mut paths);
        let real = root.join("../shared/data/real");
        if real.is_dir() {
            files_in(&real, &mut paths);
        } else {
            println!("skipping real files: ../shared not found");
        }
        paths.sort();
        paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, xor: u8 },
    Truncate { at: usize },
    DeleteLine { line: usize },
    DuplicateLine { line: usize },
    Insert { at: usize, byte: u8 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, xor)| Mutation::Flip { at, xor }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        any::<usize>().prop_map(|line| Mutation::DeleteLine { line }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        (
            any::<usize>(),
            prop::sample::select(vec![b'\t', b',', b';', b'\n', b'\r', b'-', b'.', b'0', 0, 0xFF])
        )
            .prop_map(|(at, byte)| Mutation::Insert { at, byte }),
    ]
}

fn line_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        spans.push((start, bytes.len()));
    }
    spans
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len();
    match *m {
        Mutation::Flip { at, xor } if n > 0 => bytes[at % n] ^= xor,
        Mutation::Truncate { at } => bytes.truncate(at % (n + 1)),
        Mutation::DeleteLine { line } | Mutation::DuplicateLine { line } => {
            let spans = line_spans(bytes);
            if spans.is_empty() {
                return;
            }
            let (s, e) = spans[line % spans.len()];
            if matches!(m, Mutation::DeleteLine { .. }) {
                bytes.drain(s..e);
            } else {
                let copy = bytes[s..e].to_vec();
                bytes.splice(e..e, copy);
            }
        }
        Mutation::Insert { at, byte } => bytes.insert(at % (n + 1), byte),
        Mutation::Flip { .. } => {}
    }
}

/// The invariants of a read: `Ok` has sweeps of finite, positive frequencies and finite impedances; an error
/// names the file.
fn check(result: Result<DataFile, ReadError>) -> Result<(), TestCaseError> {
    match result {
        Ok(file) => {
            prop_assert!(!file.sweeps().is_empty());
            for sweep in file.sweeps() {
                let s = sweep.spectrum();
                prop_assert!(
                    s.freq_hz().iter().all(|f| f.is_finite() && *f > 0.0),
                    "{:?}",
                    s.freq_hz()
                );
                prop_assert!(s.z().iter().all(|z| z.re.is_finite() && z.im.is_finite()));
            }
            for n in file.notes() {
                prop_assert!(!n.to_string().is_empty());
            }
        }
        Err(e) => prop_assert!(e.to_string().contains(e.file()), "{e}"),
    }
    Ok(())
}

fn any_columns() -> impl Strategy<Value = Option<Columns>> {
    let lists = [
        "freq,re,im",
        "freq,re,-im",
        "freq,mod,phase_deg",
        "skip,sweep,freq,re,-im,mod,phase",
        "re,im,freq",
    ];
    prop_oneof![
        Just(None),
        prop::sample::select(lists.to_vec()).prop_map(|l| l.parse().ok())
    ]
}

fn any_format() -> impl Strategy<Value = Option<Format>> {
    prop_oneof![Just(None), prop::sample::select(Format::ALL.to_vec()).prop_map(Some)]
}

proptest! {
    // IO_FUZZ_CASES=100000 for a long local run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("IO_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), format in any_format()) {
        check(read_from(bytes.as_slice(), "random", format))?;
    }

    #[test]
    fn random_text_never_panics(
        lines in prop::collection::vec("[-0-9eE.,;\t :#%'\"a-zA-Z()/|]{0,40}", 0..30),
        format in any_format(),
    ) {
        let text = lines.join("\n");
        check(read_from(text.as_bytes(), "random.txt", format))?;
    }

    #[test]
    fn random_tables_hold_the_invariants(
        rows in prop::collection::vec(prop::collection::vec(
            prop_oneof![
                (-1e6f64..1e6).prop_map(|v| format!("{v}")),
                (0u32..200_000).prop_map(|v| format!("{v}")),
                (1u32..999, 0u32..999).prop_map(|(a, b)| format!("{a},{b:03}")),
                Just(String::new()),
                Just("1e308".to_owned()),
                Just("-0".to_owned()),
            ], 1..8), 0..40),
        sep in prop::sample::select(vec!["\t", ";", ",", " "]),
        header in prop::sample::select(vec!["", "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\n", "f;|Z|;phase\n",
                                            "freq/rad.s-1,Re(Z)/kOhm,Im(Z)/kOhm\n"]),
        columns in any_columns(),
    ) {
        let mut text = header.to_owned();
        for r in &rows {
            text.push_str(&r.join(sep));
            text.push('\n');
        }
        let mut options = ReadOptions::default();
        if let Some(c) = columns {
            options = options.with_columns(c);
        }
        check(read_bytes_with(text.as_bytes(), "table.txt", &options))?;
    }

    #[test]
    fn mutated_files_never_panic(
        pick in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..6),
        format in any_format(),
    ) {
        let corpus = corpus();
        prop_assume!(!corpus.is_empty());
        let mut bytes = corpus[pick % corpus.len()].clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        check(read_from(bytes.as_slice(), "mutated", format))?;
    }
}

#[test]
fn every_file_with_every_forced_format_returns() {
    for bytes in corpus() {
        for format in Format::ALL {
            let _ = read_from(bytes.as_slice(), "forced", Some(format));
        }
    }
}
