//! Invariants shared by the reader targets: a successful read gives at least one sweep, every frequency is finite
//! and positive, every impedance finite; errors, notes and the writers format without panicking.

use eisfit::io::{self, DataFile, ReadError};

#[allow(dead_code)] // each target uses a subset
pub fn check(result: Result<DataFile, ReadError>) {
    match result {
        Ok(file) => {
            assert!(!file.sweeps().is_empty(), "Ok with no sweep");
            for (i, sweep) in file.sweeps().iter().enumerate() {
                assert_eq!(sweep.index(), i);
                let s = sweep.spectrum();
                assert!(!s.is_empty());
                for &f in s.freq_hz() {
                    assert!(f.is_finite() && f > 0.0, "frequency {f}");
                }
                for z in s.z() {
                    assert!(z.re.is_finite() && z.im.is_finite(), "impedance {z}");
                }
                if let Some(sigma) = s.sigma() {
                    assert!(sigma.iter().all(|e| e.re.is_finite() && e.im.is_finite() && e.re >= 0.0 && e.im >= 0.0));
                }
            }
            for n in file.notes() {
                let _ = n.to_string();
            }
            let sweeps: Vec<_> = file.sweeps().iter().collect();
            let _ = io::to_json(&file, &sweeps);
            let mut out = Vec::new();
            io::write_csv(&mut out, &sweeps, true).expect("writing to memory");
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.contains(e.file()), "error without the file name: {msg}");
        }
    }
}
