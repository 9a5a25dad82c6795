//! Preview and reuse for `eisfit fit`: start values from a previous fit's JSON (`--init-from`), the automatic
//! start values shown before fitting (`--show-start`), and the syntax of `--exclude`.

use anyhow::{bail, Context};
use eisfit::fit::guess::initial_guesses;
use eisfit::{Circuit, FitOptions, Spectrum};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Start values read from the JSON that `eisfit fit --output json` writes: per entry, its file, sweep and the
/// values of the parameters the current circuit has (those that ended on a bound are left out, since a start must
/// lie strictly inside the bounds; they get automatic start values).
pub struct InitFrom {
    path: PathBuf,
    entries: Vec<Entry>,
}

struct Entry {
    file: String,
    sweep: u64,
    values: Vec<(String, f64)>,
}

impl InitFrom {
    /// Reads `path` for `circuit`, leaving out the names in `given` (set by `--init`, which wins).
    pub fn read(path: &Path, circuit: &Circuit, given: &[String]) -> anyhow::Result<Self> {
        let shown = path.display();
        let text = std::fs::read_to_string(path).with_context(|| format!("--init-from {shown}: cannot read"))?;
        let doc: Value = serde_json::from_str(&text).with_context(|| format!("--init-from {shown}: not JSON"))?;
        let items: Vec<&Value> = match &doc {
            Value::Array(a) => a.iter().collect(),
            Value::Object(_) => vec![&doc],
            _ => bail!("--init-from {shown}: expected the JSON of `eisfit fit --output json`"),
        };
        let mut entries = Vec::new();
        for item in items {
            // Entries of files that failed carry an error and no parameters.
            let Some(params) = item["parameters"].as_array() else {
                continue;
            };
            let mut values = Vec::new();
            for p in params {
                let (Some(name), Some(value)) = (p["name"].as_str(), p["value"].as_f64()) else {
                    bail!("--init-from {shown}: a parameter without name or value");
                };
                let known = circuit.param_index(name).is_ok();
                if known && !p["at_bound"].as_bool().unwrap_or(false) && !given.iter().any(|g| g == name) {
                    values.push((name.to_owned(), value));
                }
            }
            entries.push(Entry {
                file: item["file"].as_str().unwrap_or_default().to_owned(),
                sweep: item["sweep"].as_u64().unwrap_or(0),
                values,
            });
        }
        if entries.is_empty() {
            bail!("--init-from {shown}: no fit with parameters in it");
        }
        Ok(InitFrom {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// `options` with the start values for sweep `sweep` of `file`: from the entry of the same file name and
    /// sweep, or from the only entry.
    pub fn options(&self, options: &FitOptions, file: &Path, sweep: usize) -> Result<FitOptions, String> {
        let entry = self.entry(file, sweep)?;
        // `--init` names were left out when reading, so they keep their values.
        let mut o = options.clone();
        for (n, v) in &entry.values {
            o = o.with_initial(n.clone(), *v);
        }
        Ok(o)
    }

    /// The start values taken for sweep `sweep` of `file` (none when no entry matches).
    pub fn starts(&self, file: &Path, sweep: usize) -> Vec<(String, f64)> {
        self.entry(file, sweep).map(|e| e.values.clone()).unwrap_or_default()
    }

    fn entry(&self, file: &Path, sweep: usize) -> Result<&Entry, String> {
        let name = file.file_name();
        let same = |e: &&Entry| Path::new(&e.file).file_name() == name && e.sweep == sweep as u64;
        match self.entries.iter().find(same) {
            Some(e) => Ok(e),
            None if self.entries.len() == 1 => Ok(&self.entries[0]),
            None => Err(format!(
                "--init-from {}: no fit of {} (sweep {sweep}) among its {} entries",
                self.path.display(),
                file.display(),
                self.entries.len()
            )),
        }
    }
}

/// The automatic start values for `spectrum`, as the fit computes them on the points it uses, with the values of
/// `given` (from `--init-from`, `--init` and `--fix`, later ones winning) in their place: `--init R0=5.01,R1=49.9,C1=2e-6`, ready to edit and pass
/// back.
pub fn start_line(circuit: &Circuit, spectrum: &Spectrum, options: &FitOptions, given: &[(String, f64)]) -> String {
    let used = options.fitted_points(spectrum);
    let Ok(data) = spectrum.masked(&used) else {
        return "no start values: too few points are fitted".to_owned();
    };
    let Some(mut start) = initial_guesses(circuit, &data).into_iter().next() else {
        return "no start values".to_owned();
    };
    for (name, v) in given {
        if let Ok(i) = circuit.param_index(name) {
            start[i] = *v;
        }
    }
    let items: Vec<String> = circuit
        .param_names()
        .iter()
        .zip(&start)
        .map(|(n, v)| format!("{n}={}", short(*v)))
        .collect();
    format!("--init {}", items.join(","))
}

/// Four significant figures, in plain notation for everyday magnitudes and scientific beyond.
fn short(v: f64) -> String {
    let a = v.abs();
    if a > 0.0 && !(1e-3..1e5).contains(&a) {
        let s = format!("{v:.3e}");
        // 2.000e-6 → 2e-6
        match s.split_once('e') {
            Some((m, e)) if m.contains('.') => format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.')),
            _ => s,
        }
    } else {
        let decimals = if a > 0.0 {
            (3 - a.log10().floor() as i32).clamp(0, 6) as usize
        } else {
            0
        };
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    }
}

/// Parses `--exclude`: comma-separated items, each a frequency range `LOW:HIGH` in Hz (inclusive; an empty side is
/// open: `:0.1`, `1e5:`) or point positions `#K` / `#K-M` (0-based, in file order, inclusive), and adds them to
/// `options`.
pub fn exclude(options: FitOptions, text: &str) -> anyhow::Result<FitOptions> {
    let mut o = options;
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        if let Some(idx) = item.strip_prefix('#') {
            let (a, b) = idx.split_once('-').unwrap_or((idx, idx));
            let n = |s: &str| {
                s.trim().parse::<usize>().with_context(|| {
                    format!("--exclude: '{item}': point positions are whole numbers from 0, as #3 or #3-7")
                })
            };
            let (a, b) = (n(a)?, n(b)?);
            if a > b {
                bail!("--exclude: '{item}': the first position is after the last");
            }
            o = o.with_excluded_points(a..=b);
        } else if let Some((lo, hi)) = item.split_once(':') {
            let f = |s: &str, open: f64| -> anyhow::Result<f64> {
                if s.trim().is_empty() {
                    return Ok(open);
                }
                let v: f64 = s
                    .trim()
                    .parse()
                    .with_context(|| format!("--exclude: '{item}': '{}' is not a frequency in Hz", s.trim()))?;
                anyhow::ensure!(
                    v.is_finite() && v >= 0.0,
                    "--exclude: '{item}': frequencies are finite and ≥ 0"
                );
                Ok(v)
            };
            let (lo, hi) = (f(lo, 0.0)?, f(hi, f64::INFINITY)?);
            if lo > hi {
                bail!("--exclude: '{item}': LOW is above HIGH");
            }
            o = o.with_excluded_range(lo, hi);
        } else {
            bail!("--exclude: '{item}': expected a frequency range LOW:HIGH in Hz (45:55, 1e5:) or point positions #K or #K-M");
        }
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_keep_four_figures() {
        assert_eq!(short(5.01234), "5.012");
        assert_eq!(short(2e-6), "2e-6");
        assert_eq!(short(1.23456e-6), "1.235e-6");
        assert_eq!(short(49.87), "49.87");
        assert_eq!(short(0.9), "0.9");
        assert_eq!(short(1234.6), "1235");
    }
}
