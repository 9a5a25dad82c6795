//! Input shared by `validate` and `drt`: the spectra of every selected sweep of every file, cropped to a frequency
//! window, each with where it came from or why it could not be used; and the numbered plot paths every
//! subcommand that plots several spectra uses.

use super::fitargs::load;
use eisfit::io::{Format, SweepSelection};
use eisfit::Spectrum;
use std::path::{Path, PathBuf};

/// One selected sweep of one file, or the reason it could not be read or cropped.
pub struct Input {
    /// The file it came from.
    pub file: PathBuf,
    /// 0-based sweep index (0 when the file could not be read).
    pub sweep: usize,
    /// The cropped spectrum, or an error message naming the file.
    pub spectrum: Result<Spectrum, String>,
}

/// Reads every file, selects sweeps and crops each to `[fmin, fmax]` (open sides when `None`).
pub fn read_all(
    files: &[PathBuf],
    format: &str,
    sweep: SweepSelection,
    fmin: Option<f64>,
    fmax: Option<f64>,
) -> anyhow::Result<Vec<Input>> {
    let reader = eisfit::io::ReadOptions::default().with_format(Format::from_choice(format)?);
    check_window(fmin, fmax)?;
    let mut out = Vec::new();
    for path in files {
        match load(path, reader, sweep) {
            Err(e) => {
                let msg = crate::error_message(&e);
                let shown = path.display().to_string();
                out.push(Input {
                    file: path.clone(),
                    sweep: 0,
                    spectrum: Err(if msg.contains(&shown) {
                        msg
                    } else {
                        format!("{shown}: {msg}")
                    }),
                });
            }
            Ok(sweeps) => {
                for (i, s) in sweeps {
                    out.push(Input {
                        file: path.clone(),
                        sweep: i,
                        spectrum: crop(&s, fmin, fmax).map_err(|e| format!("{} (sweep {i}): {e}", path.display())),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Checks `--fmin` and `--fmax` once, before any file is read: each a positive frequency, and `fmin <= fmax`.
pub fn check_window(fmin: Option<f64>, fmax: Option<f64>) -> anyhow::Result<()> {
    for (name, v) in [("--fmin", fmin), ("--fmax", fmax)] {
        if let Some(v) = v {
            anyhow::ensure!(
                v.is_finite() && v > 0.0,
                "{name} must be a positive frequency in Hz, got {v}"
            );
        }
    }
    if let (Some(lo), Some(hi)) = (fmin, fmax) {
        anyhow::ensure!(
            lo <= hi,
            "--fmin {lo} is above --fmax {hi}: the frequency window is empty (fmin is the lower limit, in Hz)"
        );
    }
    Ok(())
}

fn crop(s: &Spectrum, fmin: Option<f64>, fmax: Option<f64>) -> Result<Spectrum, String> {
    if fmin.is_none() && fmax.is_none() {
        return Ok(s.clone());
    }
    let (lo, hi) = (fmin.unwrap_or(0.0), fmax.unwrap_or(f64::INFINITY));
    let kept = s.freq_hz().iter().filter(|&&f| f >= lo && f <= hi).count();
    s.cropped(lo, hi).map_err(|e| match e {
        eisfit::SpectrumError::TooFewPoints { .. } => {
            format!(
                "the frequency window [{lo}, {hi}] Hz leaves {kept} of {} points",
                s.len()
            )
        }
        other => other.to_string(),
    })
}

/// `out.svg`, `out_2.svg`, `out_3.svg`, ... for the k-th plotted spectrum.
pub fn numbered(path: &Path, k: usize) -> PathBuf {
    if k == 0 {
        return path.to_path_buf();
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "svg".into());
    path.with_file_name(format!("{stem}_{}.{ext}", k + 1))
}

/// `1 spectrum`, `2 spectra`: a count with the noun in the right number.
pub fn count_spectra(n: usize) -> String {
    format!("{n} {}", if n == 1 { "spectrum" } else { "spectra" })
}

/// The file name without its directories, for plot labels.
pub fn short_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
