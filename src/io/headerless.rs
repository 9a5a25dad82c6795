//! Headerless tables: which column is what, judged from the values.
//!
//! - **Frequency**: positive, spanning at least a decade, on a regular logarithmic grid (steps of ln f alike
//!   within sweeps). With three columns it is the first one, as numpy.savetxt users write it.
//! - **Cartesian or polar, and the sign of the imaginary part**: a minimum-phase impedance obeys Bode's
//!   gain-phase relation, φ ≈ (π/2)·d ln|Z| / d ln ω, closely enough to tell f, Z′, Z″ from f, Z′, −Z″ and from
//!   f, |Z|, φ. With three columns each reading is scored by the mean misfit of that relation where |Z| changes;
//!   f, Z′, Z″ is kept unless another reading fits clearly better.
//! - **More columns** (a BioLogic-style export without its header: time, cycle, f, Z′, −Z″, |Z|, φ): a triple with
//!   |Z| = hypot(Z′, Z″) names the impedance columns, a phase column equal to atan2(Z″, Z′) tells Z′ from Z″ and the
//!   sign; an integer counter that only grows is the sweep counter.
//!
//! A reading other than f, Z′, Z″ gives [`ReadNote::ColumnsByShape`]; anything else ambiguous is refused with
//! [`ReadError::Columns`], which names `--columns`.

use super::notes::ReadNote;
use super::options::{Column, Columns};
use super::text::{number, Delim, Text};
use super::ReadError;
use std::f64::consts::FRAC_PI_2;

/// Rows looked at to recognise the columns.
const SAMPLE: usize = 50_000;

/// Recognises the columns of the headerless table whose first row is line `first`.
pub(crate) fn recognise(text: &Text<'_>, first: usize, delim: Delim) -> Result<Columns, ReadError> {
    let cols = sample(text, first, delim);
    let k = cols.len();
    let refuse = |detail: String| ReadError::Columns {
        file: text.name.to_owned(),
        detail,
    };
    let positional = Columns::from_list(&[Column::Freq, Column::Re, Column::Im]);
    let n = cols.first().map_or(0, Vec::len);
    if k == 3 {
        let Some(default) = positional else {
            return Err(refuse("three columns".into()));
        };
        if n < 6 {
            return Ok(default);
        }
        return three_columns(text, &cols, default).map_err(refuse);
    }
    many_columns(text, &cols).map_err(refuse)
}

/// The numeric rows of the table (as many columns as the first row), column by column.
fn sample(text: &Text<'_>, first: usize, delim: Delim) -> Vec<Vec<f64>> {
    let decimal_comma = delim != Delim::Comma;
    let mut fields = Vec::new();
    let mut cols: Vec<Vec<f64>> = Vec::new();
    for i in first..text.lines.len() {
        let line = text.line(i);
        if line.trim().is_empty() || super::generic::is_comment(line) {
            continue;
        }
        delim.split(line, &mut fields);
        if cols.is_empty() {
            cols = vec![Vec::new(); fields.len()];
        }
        let values: Option<Vec<f64>> = fields.iter().map(|f| number(f, decimal_comma)).collect();
        match values {
            Some(v) if v.len() == cols.len() => {
                for (c, x) in cols.iter_mut().zip(v) {
                    c.push(x);
                }
            }
            _ => break,
        }
        if cols.first().map_or(0, Vec::len) >= SAMPLE {
            break;
        }
    }
    cols
}

/// Mean misfit (rad) of Bode's gain-phase relation over adjacent points where |Z| changes (|d ln|Z|/d ln f| >
/// 0.05: plateaus fit every reading and tell nothing); infinite with fewer than three such pairs.
fn bode_misfit(f: &[f64], z: impl Fn(usize) -> (f64, f64)) -> f64 {
    let (mut sum, mut n) = (0.0, 0u32);
    for i in 1..f.len() {
        let (Some(&f0), Some(&f1)) = (f.get(i - 1), f.get(i)) else {
            continue;
        };
        let dlnf = (f1 / f0).ln();
        let ((r0, a0), (r1, a1)) = (z(i - 1), z(i));
        if !(dlnf.abs() > 1e-6 && dlnf.abs() < 3.0 && r0 > 0.0 && r1 > 0.0) {
            continue;
        }
        let slope = (r1 / r0).ln() / dlnf;
        let e = (0.5 * (a0 + a1) - FRAC_PI_2 * slope).abs();
        if slope.abs() > 0.05 && e.is_finite() {
            sum += e;
            n += 1;
        }
    }
    if n < 3 {
        f64::INFINITY
    } else {
        sum / f64::from(n)
    }
}

/// Modulus and argument of a Cartesian reading with the given sign of the imaginary part.
fn cartesian<'a>(re: &'a [f64], im: &'a [f64], sign: f64) -> impl Fn(usize) -> (f64, f64) + 'a {
    move |i| {
        let (a, b) = (
            re.get(i).copied().unwrap_or(0.0),
            sign * im.get(i).copied().unwrap_or(0.0),
        );
        (a.hypot(b), b.atan2(a))
    }
}

/// Modulus and argument of a polar reading with the given factor to radians.
fn polar<'a>(m: &'a [f64], p: &'a [f64], factor: f64) -> impl Fn(usize) -> (f64, f64) + 'a {
    move |i| {
        (
            m.get(i).copied().unwrap_or(0.0),
            factor * p.get(i).copied().unwrap_or(0.0),
        )
    }
}

fn three_columns(text: &Text<'_>, cols: &[Vec<f64>], default: Columns) -> Result<Columns, String> {
    let (Some(f), Some(a), Some(b)) = (cols.first(), cols.get(1), cols.get(2)) else {
        return Ok(default);
    };
    let deg = 1.0f64.to_radians();
    let mut readings: Vec<(f64, [Column; 3])> = vec![
        (
            bode_misfit(f, cartesian(a, b, 1.0)),
            [Column::Freq, Column::Re, Column::Im],
        ),
        (
            bode_misfit(f, cartesian(a, b, -1.0)),
            [Column::Freq, Column::Re, Column::NegIm],
        ),
    ];
    let modulus_like = a.iter().all(|&m| m > 0.0);
    if modulus_like && b.iter().all(|p| p.abs() <= 90.0) {
        readings.push((
            bode_misfit(f, polar(a, b, deg)),
            [Column::Freq, Column::Mod, Column::PhaseDeg],
        ));
        readings.push((
            bode_misfit(f, polar(a, b, -deg)),
            [Column::Freq, Column::Mod, Column::NegPhaseDeg],
        ));
    }
    if modulus_like && b.iter().all(|p| p.abs() <= FRAC_PI_2 + 1e-3) {
        readings.push((
            bode_misfit(f, polar(a, b, 1.0)),
            [Column::Freq, Column::Mod, Column::PhaseRad],
        ));
        readings.push((
            bode_misfit(f, polar(a, b, -1.0)),
            [Column::Freq, Column::Mod, Column::NegPhaseRad],
        ));
    }
    let r_default = readings.first().map_or(f64::INFINITY, |r| r.0);
    readings.sort_by(|x, y| x.0.total_cmp(&y.0));
    let (Some(&(r_best, best)), Some(&(r_second, _))) = (readings.first(), readings.get(1)) else {
        return Ok(default);
    };
    // f, Z', Z'' stays unless another reading fits clearly better (the relation is approximate: on synthetic
    // arcs the right reading beats the others by a factor of 1.4 or more), or when nothing can be judged.
    if !r_best.is_finite() || r_default <= 1.3 * r_best {
        return Ok(default);
    }
    if r_best < 0.6 && r_second >= 1.3 * r_best {
        let columns = Columns::from_list(&best).ok_or_else(|| "three columns".to_owned())?;
        text.notes.push(ReadNote::ColumnsByShape { columns });
        if best[2] == Column::NegIm {
            text.notes.push(ReadNote::ImaginarySignFlipped { column: 3 });
        }
        return Ok(columns);
    }
    Err(format!(
        "three columns, and neither f, Z', Z'' nor f, Z', -Z'' nor f, |Z|, phase fits their values \
         (Bode gain-phase misfit {r_default:.2} rad as f, Z', Z'')"
    ))
}

/// True for a column on a regular logarithmic grid: positive, spanning a decade, with most steps of ln f within
/// a factor 1.5 of the median step (restarts and repeated values apart).
fn frequency_like(v: &[f64]) -> Option<f64> {
    if v.len() < 3 || !v.iter().all(|x| x.is_finite() && *x > 0.0) {
        return None;
    }
    let (lo, hi) = v
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(l, h), x| (l.min(*x), h.max(*x)));
    if hi < 10.0 * lo {
        return None;
    }
    let mut steps: Vec<f64> = v.windows(2).map(|w| (w[1] / w[0]).ln().abs()).collect();
    let zeros = steps.iter().filter(|s| **s < 1e-12).count();
    if zeros * 10 > steps.len() {
        return None;
    }
    steps.retain(|s| *s >= 1e-12);
    steps.sort_by(f64::total_cmp);
    let m = *steps.get(steps.len() / 2)?;
    let regular = steps.iter().filter(|s| **s <= 1.5 * m && **s >= m / 1.5).count();
    #[allow(clippy::cast_precision_loss)]
    let score = regular as f64 / steps.len() as f64;
    (score >= 0.6).then_some(score)
}

/// An integer counter that never decreases, takes at least two values, and changes only where the frequency
/// sweep restarts (a cycle or loop number; not a point counter or a current range).
fn counter_like(v: &[f64], f: &[f64]) -> bool {
    let ascending = f.get(1) > f.first();
    let integral = v.iter().all(|x| x.fract().abs() < 1e-12 && *x >= 0.0);
    let mut changes = 0usize;
    for (i, w) in v.windows(2).enumerate() {
        if w[1] < w[0] {
            return false;
        }
        if w[1] > w[0] {
            changes += 1;
            let (Some(a), Some(b)) = (f.get(i), f.get(i + 1)) else {
                return false;
            };
            // At a restart the frequency jumps against the sweep direction.
            if (b > a) == ascending {
                return false;
            }
        }
    }
    integral && changes > 0 && changes * 3 <= v.len()
}

/// Relative median misfit of `m ≈ hypot(a, b)`.
fn hypot_misfit(a: &[f64], b: &[f64], m: &[f64]) -> f64 {
    let mut e: Vec<f64> = a
        .iter()
        .zip(b)
        .zip(m)
        .map(|((a, b), m)| (a.hypot(*b) - m).abs() / m.abs().max(f64::MIN_POSITIVE))
        .collect();
    e.sort_by(f64::total_cmp);
    e.get(e.len() / 2).copied().unwrap_or(f64::INFINITY)
}

/// Median misfit (rad) of a phase column `p` (with factor to rad) against atan2(s·b, a).
fn phase_misfit(a: &[f64], b: &[f64], s: f64, p: &[f64], factor: f64) -> f64 {
    let mut e: Vec<f64> = a
        .iter()
        .zip(b)
        .zip(p)
        .map(|((a, b), p)| ((s * b).atan2(*a) - factor * p).abs())
        .collect();
    e.sort_by(f64::total_cmp);
    e.get(e.len() / 2).copied().unwrap_or(f64::INFINITY)
}

fn many_columns(text: &Text<'_>, cols: &[Vec<f64>]) -> Result<Columns, String> {
    let k = cols.len();
    let freq = (0..k)
        .filter_map(|c| frequency_like(cols.get(c)?).map(|s| (c, s)))
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(c, _)| c)
        .ok_or_else(|| {
            format!("{k} columns, and none is a frequency (positive, spanning decades, on a logarithmic grid)")
        })?;
    let col = |c: usize| cols.get(c).map_or(&[][..], Vec::as_slice);
    let others: Vec<usize> = (0..k).filter(|&c| c != freq).collect();
    // The impedance triple: |Z| = hypot(Z', Z'').
    let mut triple = None;
    'search: for &m in &others {
        if !col(m).iter().all(|x| *x > 0.0) {
            continue;
        }
        for &a in &others {
            for &b in others.iter().filter(|&&b| b > a) {
                if a != m && b != m && hypot_misfit(col(a), col(b), col(m)) < 1e-3 {
                    triple = Some((a, b, m));
                    break 'search;
                }
            }
        }
    }
    let Some((a, b, m)) = triple else {
        return Err(format!(
            "{k} columns, frequency in column {}, but no three columns with |Z| = hypot(Z', Z'')",
            freq + 1
        ));
    };
    // Which of a, b is Z' and the sign of Z'': from a phase column if there is one, else from Bode's relation.
    let deg = 1.0f64.to_radians();
    let mut reading = None;
    for &p in others.iter().filter(|&&p| p != a && p != b && p != m) {
        for (re, im) in [(a, b), (b, a)] {
            for s in [1.0, -1.0] {
                for factor in [deg, 1.0] {
                    if phase_misfit(col(re), col(im), s, col(p), factor) < 0.01 {
                        reading.get_or_insert((re, im, s));
                    }
                }
            }
        }
    }
    let (re, im, s) = match reading {
        Some(r) => r,
        None => {
            let f = col(freq);
            let mut scored: Vec<(f64, (usize, usize, f64))> = [(a, b), (b, a)]
                .into_iter()
                .flat_map(|(re, im)| [(re, im, 1.0), (re, im, -1.0)])
                .map(|(re, im, s)| (bode_misfit(f, cartesian(col(re), col(im), s)), (re, im, s)))
                .collect();
            scored.sort_by(|x, y| x.0.total_cmp(&y.0));
            match (scored.first(), scored.get(1)) {
                (Some(best), Some(next)) if best.0 < 0.6 && next.0 >= 1.3 * best.0 => best.1,
                _ => {
                    return Err(format!(
                        "impedance in columns {}, {} and |Z| in column {}, but which is Z' and the sign of Z'' \
                         cannot be told",
                        a + 1,
                        b + 1,
                        m + 1
                    ))
                }
            }
        }
    };
    let mut list = vec![Column::Skip; k];
    let sweep = others
        .iter()
        .copied()
        .find(|&c| c != re && c != im && c != m && counter_like(col(c), col(freq)));
    for (c, role) in [
        (freq, Column::Freq),
        (re, Column::Re),
        (im, if s < 0.0 { Column::NegIm } else { Column::Im }),
    ] {
        if let Some(slot) = list.get_mut(c) {
            *slot = role;
        }
    }
    if let Some(slot) = sweep.and_then(|c| list.get_mut(c)) {
        *slot = Column::Sweep;
    }
    let columns = Columns::from_list(&list).ok_or_else(|| format!("{k} columns: too many"))?;
    text.notes.push(ReadNote::ColumnsByShape { columns });
    Ok(columns)
}
