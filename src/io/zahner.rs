//! Zahner Thales `.ism` (binary, big-endian): a 6-byte version, a 6-byte count N − 1, then N frequencies, N
//! moduli, N phases (radians), N timestamps (all f64), N significances (i16) and length-prefixed metadata strings.
//! Some files start mid-sweep and overlap; like Zahner's own reader, only the points from the lowest to the
//! highest frequency are kept.

use super::table::{into_sweeps, Rows};
use super::{Metadata, ReadError, Sweep};
use num_complex::Complex64;

const HEADER: usize = 12;

fn f64_at(bytes: &[u8], at: usize) -> Option<f64> {
    let b: [u8; 8] = bytes.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(f64::from_be_bytes(b))
}

/// The number of points the header announces, if the file is long enough to hold them.
fn point_count(bytes: &[u8]) -> Option<usize> {
    let raw = bytes.get(6..HEADER)?;
    let n = raw
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
        .checked_add(1)?;
    let n = usize::try_from(n).ok().filter(|&n| n <= 10_000_000)?;
    (bytes.len() >= HEADER + n * 34).then_some(n)
}

/// Structural check used by detection: a plausible count and positive finite frequencies.
pub(crate) fn looks_like_ism(bytes: &[u8]) -> bool {
    bytes.get(..2) == Some(&[0, 0])
        && point_count(bytes)
            .is_some_and(|n| (0..n).all(|i| f64_at(bytes, HEADER + 8 * i).is_some_and(|f| f.is_finite() && f > 0.0)))
}

/// Reads a length-prefixed (u16 big-endian) string; Zahner stores letters with their case swapped.
fn string_at(bytes: &[u8], at: usize) -> Option<(String, usize)> {
    let len = usize::from(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
    let raw = bytes.get(at + 2..at + 2 + len)?;
    let s: String = raw
        .iter()
        .map(|&b| {
            let c = char::from(b);
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    Some((s, at + 2 + len))
}

pub(crate) fn read_ism(
    name: &str,
    bytes: &[u8],
    notes: &super::notes::Notes,
) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let truncated = |detail: String| ReadError::Truncated {
        file: name.to_owned(),
        detail,
    };
    if bytes.len() < HEADER {
        return Err(truncated(format!(
            "a Zahner .ism header needs {HEADER} bytes, found {}",
            bytes.len()
        )));
    }
    let n = point_count(bytes).ok_or_else(|| {
        truncated("the point count in the .ism header does not fit the file size (not a Zahner .ism?)".into())
    })?;
    let column = |k: usize| -> Vec<f64> {
        (0..n)
            .map(|i| f64_at(bytes, HEADER + 8 * (k * n + i)).unwrap_or(f64::NAN))
            .collect()
    };
    let (freq, modulus, phase) = (column(0), column(1), column(2));
    let hi = (0..n).max_by(|&a, &b| freq[a].total_cmp(&freq[b])).unwrap_or(0);
    let lowest = freq.iter().copied().min_by(f64::total_cmp).unwrap_or(f64::NAN);
    // Of several points at the lowest frequency (an overlapping restart), take the one nearest the highest.
    let lo = (0..n)
        .filter(|&i| freq[i].total_cmp(&lowest).is_eq())
        .min_by_key(|&i| i.abs_diff(hi))
        .unwrap_or(0);
    let (a, b) = (lo.min(hi), lo.max(hi));
    let keep = a..=b;
    let mut rows = Rows::default();
    for i in keep {
        let z = Complex64::from_polar(
            modulus.get(i).copied().unwrap_or(f64::NAN),
            phase.get(i).copied().unwrap_or(f64::NAN),
        );
        rows.push(freq.get(i).copied().unwrap_or(f64::NAN), z, 0);
    }
    let mut meta = Metadata::default();
    meta.set_instrument("Zahner");
    let mut at = HEADER + 34 * n;
    if let Some((date, next)) = string_at(bytes, at) {
        meta.set_date(&date);
        at = next;
        if let Some((system, next)) = string_at(bytes, at) {
            meta.insert("system", &system);
            at = next;
        }
        let mut remarks = Vec::new();
        while let Some((s, next)) = string_at(bytes, at) {
            if remarks.len() >= 6 || s.chars().any(|c| c.is_control()) {
                break;
            }
            remarks.push(s);
            at = next;
        }
        meta.insert("remarks", &remarks.join(" | "));
    }
    if n > b - a + 1 {
        meta.insert("overlap_dropped", &(n - (b - a + 1)).to_string());
    }
    let sweeps = into_sweeps(name, rows, &meta, notes)?;
    Ok((meta, sweeps))
}
