//! From rows to sweeps: grouping by a cycle column or sentinel, then sorting, merging or splitting a group whose
//! frequencies restart, with a [`ReadNote`] for each decision.

use super::notes::{Notes, ReadNote};
use super::table::Rows;
use super::{Metadata, ReadError, Sweep};
use crate::Spectrum;

/// What to do with a group of rows whose frequencies do not form one monotone sweep.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Arrangement {
    /// No frequency repeats: one spectrum in another order (shuffled rows, an up-down measurement).
    Sorted,
    /// Runs in one direction over overlapping ranges, each starting at a new frequency.
    Stitched,
    /// Repeated sweeps: keep them apart.
    Split,
}

/// Close enough to be the same frequency point: within 0.5 %, well below the spacing of even 100 points per
/// decade (2.3 %) and above the jitter of measured frequencies between repeated sweeps.
fn same_freq(a: f64, b: f64) -> bool {
    (a - b).abs() <= 5e-3 * a.abs().max(b.abs())
}

fn arrange(whole: &Spectrum, parts: &[Spectrum]) -> Arrangement {
    let mut f = whole.freq_hz().to_vec();
    f.sort_by(f64::total_cmp);
    if !f.windows(2).any(|w| same_freq(w[0], w[1])) {
        return Arrangement::Sorted;
    }
    let direction = |s: &Spectrum| {
        let f = s.freq_hz();
        match (f.first(), f.last()) {
            (Some(a), Some(b)) if b > a => 1,
            (Some(a), Some(b)) if b < a => -1,
            _ => 0,
        }
    };
    let dir = parts.first().map_or(0, direction);
    if dir == 0 || parts.iter().any(|p| direction(p) != dir) {
        return Arrangement::Split;
    }
    let starts: Vec<f64> = parts.iter().filter_map(|p| p.freq_hz().first().copied()).collect();
    for (k, a) in starts.iter().enumerate() {
        if starts.iter().skip(k + 1).any(|b| same_freq(*a, *b)) {
            return Arrangement::Split;
        }
    }
    let Some(first) = parts.first() else {
        return Arrangement::Split;
    };
    let (mut lo, mut hi) = first.frequency_range();
    for p in parts.iter().skip(1) {
        let (plo, phi) = p.frequency_range();
        let overlaps = plo <= hi * (1.0 + 1e-9) && phi >= lo * (1.0 - 1e-9);
        let extends = plo < lo * (1.0 - 1e-9) || phi > hi * (1.0 + 1e-9);
        if !(overlaps && extends) {
            return Arrangement::Split;
        }
        lo = lo.min(plo);
        hi = hi.max(phi);
    }
    Arrangement::Stitched
}

/// Turns rows into sweeps: one per group (cycle column or sentinel). A group whose frequencies restart is
/// sorted into one sweep when no frequency repeats, merged when its runs are a stitched measurement, and split
/// into one sweep per run otherwise; each of these gives a [`ReadNote`]. Every sweep gets a copy of `meta` with
/// its index.
pub(crate) fn into_sweeps(name: &str, rows: Rows, meta: &Metadata, notes: &Notes) -> Result<Vec<Sweep>, ReadError> {
    let mut spectra: Vec<Spectrum> = Vec::new();
    let mut start = 0usize;
    let n = rows.freq.len();
    for i in 1..=n {
        if i == n || rows.group.get(i) != rows.group.get(start) {
            let f = rows.freq.get(start..i).unwrap_or_default().to_vec();
            let z = rows.z.get(start..i).unwrap_or_default().to_vec();
            let err = |source| ReadError::Spectrum {
                file: name.to_owned(),
                sweep: spectra.len(),
                source,
            };
            let mut s = Spectrum::new(f, z).map_err(err)?;
            if rows.sigma.len() == n {
                s = s
                    .with_sigma(rows.sigma.get(start..i).unwrap_or_default().to_vec())
                    .map_err(err)?;
            }
            let parts = s.split_sweeps();
            let index = spectra.len();
            match (parts.len(), arrange(&s, &parts)) {
                (0 | 1, _) => spectra.extend(parts),
                (runs, Arrangement::Sorted) => {
                    notes.push(ReadNote::Sorted { sweep: index, runs });
                    spectra.push(s.sorted_by_frequency());
                }
                (runs, Arrangement::Stitched) => {
                    notes.push(ReadNote::Stitched { sweep: index, runs });
                    spectra.push(s.sorted_by_frequency());
                }
                (sweeps, Arrangement::Split) => {
                    notes.push(ReadNote::SplitAtRestarts {
                        first_sweep: index,
                        sweeps,
                    });
                    spectra.extend(parts);
                }
            }
            start = i;
        }
    }
    Ok(spectra
        .into_iter()
        .enumerate()
        .map(|(i, s)| Sweep::new(i, s, meta.clone().with_sweep_index(i)))
        .collect())
}
