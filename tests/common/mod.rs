//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use eisfit::Spectrum;
use std::path::PathBuf;

/// `../shared` next to the checkout, if present.
pub fn shared_dir() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    p.is_dir().then_some(p)
}

/// Returns the path under `../shared`, or prints that the test is skipping and returns `None`.
pub fn shared(rel: &str) -> Option<PathBuf> {
    match shared_dir() {
        Some(d) => Some(d.join(rel)),
        None => {
            eprintln!("skipping: ../shared not found (third-party data is not part of a fresh clone)");
            None
        }
    }
}

/// Reads a canonical `frequency_hz,z_real_ohm,z_imag_ohm` CSV with a header row.
pub fn read_canonical_csv(path: &std::path::Path) -> Spectrum {
    let mut rdr = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (mut f, mut re, mut im) = (Vec::new(), Vec::new(), Vec::new());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        f.push(rec[0].trim().parse::<f64>().unwrap());
        re.push(rec[1].trim().parse::<f64>().unwrap());
        im.push(rec[2].trim().parse::<f64>().unwrap());
    }
    Spectrum::from_parts(f, &re, &im).unwrap()
}

/// Runs `cmd`, asserts that it succeeded, and returns its standard output as text.
pub fn stdout_text(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("stdout is UTF-8")
}
