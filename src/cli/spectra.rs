//! Input shared by `validate` and `drt`: the spectra of every selected sweep of every file, cropped to a frequency
//! window, each with where it came from or why it could not be used; and the plot names every subcommand that
//! plots several spectra uses.

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
        match load(path, reader, sweep).map(|l| l.sweeps) {
            Err(e) => {
                out.push(Input {
                    file: path.clone(),
                    sweep: 0,
                    spectrum: Err(super::fitargs::load_error_message(path, &e)),
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

/// The names of the plots of a batch, from the name given with `--plot` and the inputs: `fit.svg` itself when one
/// file gives one spectrum; otherwise `fit_<input>.svg` per spectrum (`fit_<input>_sweep<i>.svg` with `--sweep
/// all`), with `_2`, `_3`, ... added in input order when two inputs share a name. Deterministic: the same inputs in
/// the same order give the same names.
pub struct PlotNames {
    base: PathBuf,
    single: bool,
    per_sweep: bool,
    used: std::collections::HashSet<PathBuf>,
}

impl PlotNames {
    /// Names derived from `base` for `n_files` inputs read with `sweep`.
    pub fn new(base: &Path, n_files: usize, sweep: SweepSelection) -> Self {
        let per_sweep = matches!(sweep, SweepSelection::All);
        PlotNames {
            base: base.to_path_buf(),
            single: n_files == 1 && !per_sweep,
            per_sweep,
            used: std::collections::HashSet::new(),
        }
    }

    /// The plot path of the next spectrum: sweep `sweep` of `file`.
    pub fn next(&mut self, file: &Path, sweep: usize) -> PathBuf {
        if self.single && self.used.is_empty() {
            self.used.insert(self.base.clone());
            return self.base.clone();
        }
        let stem = self
            .base
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = self
            .base
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_else(|| "svg".into());
        // The input's name without its extension, kept to characters every file system takes.
        let input: String = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let mut name = format!("{stem}_{input}");
        if self.per_sweep {
            name.push_str(&format!("_sweep{sweep}"));
        }
        let mut path = self.base.with_file_name(format!("{name}.{ext}"));
        let mut k = 2;
        while self.used.contains(&path) {
            path = self.base.with_file_name(format!("{name}_{k}.{ext}"));
            k += 1;
        }
        self.used.insert(path.clone());
        path
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_plots_are_named_from_their_inputs_without_collisions() {
        let base = Path::new("out/fit.svg");
        let mut one = PlotNames::new(base, 1, SweepSelection::Index(0));
        assert_eq!(one.next(Path::new("a/cell 1.mpt"), 0), base);
        let mut many = PlotNames::new(base, 3, SweepSelection::Index(0));
        let names: Vec<PathBuf> = ["a/cell 1.mpt", "b/cell 1.mpt", "b/cell 1.csv"]
            .iter()
            .map(|f| many.next(Path::new(f), 0))
            .collect();
        let expected = ["out/fit_cell_1.svg", "out/fit_cell_1_2.svg", "out/fit_cell_1_3.svg"];
        assert_eq!(names, expected.map(PathBuf::from));
        let mut sweeps = PlotNames::new(base, 1, SweepSelection::All);
        assert_eq!(
            sweeps.next(Path::new("x.DTA"), 2),
            PathBuf::from("out/fit_x_sweep2.svg")
        );
    }
}
