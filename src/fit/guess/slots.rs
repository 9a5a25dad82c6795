//! Which arcs fill the circuit's arc slots: the candidate readings behind [`super::initial_guesses`].

use super::{Arc, Features, MAX_CANDIDATES};

/// Candidate arc lists for `slots` arc slots, each in decreasing apex frequency, most plausible first (see
/// [`super::initial_guesses`]). `tail_in_circuit` says whether the circuit has an element in series that can
/// model a low-frequency tail.
pub(super) fn arc_candidates(feat: &Features, slots: usize, tail_in_circuit: bool) -> Vec<Vec<Arc>> {
    let (fhi, flo) = feat.f_range;
    // Each reading: the arcs it sees and the low end of the frequency region that holds arcs.
    let mut readings: Vec<(Vec<Arc>, f64)> = Vec::new();
    if let (true, Some(onset)) = (tail_in_circuit, feat.tail_onset_hz) {
        if feat.arcs.iter().any(|a| a.apex_hz < onset) {
            let kept = feat.arcs.iter().filter(|a| a.apex_hz >= onset).copied().collect();
            readings.push((kept, onset));
        }
    }
    if tail_in_circuit {
        // A diffusion tail's distribution rises towards the longest time constants: peaks with their apex below
        // the measured window are read as the tail before they are read as arcs; so are peaks beyond the top of
        // the window (the tail of the inductance's correction), as a second choice.
        let inside: Vec<Arc> = feat.arcs.iter().filter(|a| a.apex_hz >= flo).copied().collect();
        let window: Vec<Arc> = inside.iter().filter(|a| a.apex_hz <= fhi).copied().collect();
        for arcs in [inside, window] {
            if arcs.len() < feat.arcs.len() && arcs.len() >= slots && !readings.iter().any(|(r, _)| *r == arcs) {
                readings.push((arcs, flo));
            }
        }
    }
    readings.push((feat.arcs.clone(), flo));
    let mut out = Vec::new();
    for (arcs, low_end) in readings {
        let r_total: f64 = arcs.iter().map(|a| a.resistance).sum();
        let r_total = if r_total > 0.0 { r_total } else { feat.r_arcs };
        out.extend(fill(arcs, slots, (fhi, low_end), r_total));
    }
    out.truncate(MAX_CANDIDATES);
    out
}

/// The ways to hand `arcs` (one per slot, in decreasing frequency) to slots of the given shapes, the written order
/// first: every permutation, where slots of the same shape always take their arcs in decreasing frequency (they
/// are interchangeable, and the report orders them so anyway). At most [`MAX_CANDIDATES`], and only up to five
/// slots.
pub(super) fn assignments(arcs: &[Arc], shapes: &[String]) -> Vec<Vec<Arc>> {
    let n = arcs.len().min(shapes.len());
    let mut out: Vec<Vec<Arc>> = vec![arcs.to_vec()];
    if !(2..=5).contains(&n) {
        return out;
    }
    let mut perm: Vec<usize> = (0..n).collect();
    loop {
        // Slots of one shape take their arcs in decreasing frequency (increasing arc index).
        let canonical = (0..n).all(|a| (a + 1..n).all(|b| shapes[a] != shapes[b] || perm[a] < perm[b]));
        if canonical {
            let mut v: Vec<Arc> = perm.iter().map(|&k| arcs[k]).collect();
            v.extend_from_slice(&arcs[n..]);
            if !out.contains(&v) {
                out.push(v);
            }
            if out.len() >= MAX_CANDIDATES {
                break;
            }
        }
        if !next_permutation(&mut perm) {
            break;
        }
    }
    out
}

/// Advances `p` to the next permutation in lexicographic order; false after the last.
fn next_permutation(p: &mut [usize]) -> bool {
    let Some(i) = (1..p.len()).rev().find(|&i| p[i - 1] < p[i]) else {
        return false;
    };
    let j = (i..p.len()).rev().find(|&j| p[j] > p[i - 1]).unwrap_or(i);
    p.swap(i - 1, j);
    p[i..].reverse();
    true
}

/// Fits `arcs` to `slots`: the largest ones when there are too many; when too few, one list per gap that the
/// first missing arc can go into (widest first), the others going into the widest gap left.
fn fill(mut arcs: Vec<Arc>, slots: usize, range: (f64, f64), r_total: f64) -> Vec<Vec<Arc>> {
    if arcs.len() >= slots {
        // Keep the largest, then restore frequency order.
        arcs.sort_by(|a, b| b.resistance.total_cmp(&a.resistance));
        arcs.truncate(slots);
        arcs.sort_by(|a, b| b.apex_hz.total_cmp(&a.apex_hz));
        return vec![arcs];
    }
    let r_new = r_total / slots as f64;
    let gaps = gaps_by_width(&arcs, range);
    // Gaps of no width (an arc beyond the measured range) are tried only when nothing else is left.
    let first_choices: Vec<usize> = gaps
        .iter()
        .filter(|(_, w)| *w > 0.0)
        .map(|(k, _)| *k)
        .take(MAX_CANDIDATES)
        .collect();
    let first_choices = if first_choices.is_empty() {
        vec![gaps[0].0]
    } else {
        first_choices
    };
    first_choices
        .into_iter()
        .map(|k| {
            let mut a = arcs.clone();
            insert_in_gap(&mut a, k, range, r_new);
            while a.len() < slots {
                let widest = gaps_by_width(&a, range)[0].0;
                insert_in_gap(&mut a, widest, range, r_new);
            }
            a
        })
        .collect()
}

/// Gaps between the range ends and the apexes, as (index of the gap, width in ln f), widest first. Gap k lies
/// between mark k and mark k + 1 of [fhi, apexes…, low end].
fn gaps_by_width(arcs: &[Arc], (fhi, low): (f64, f64)) -> Vec<(usize, f64)> {
    let marks = marks(arcs, (fhi, low));
    let mut gaps: Vec<(usize, f64)> = (0..marks.len() - 1)
        .map(|k| (k, (marks[k] / marks[k + 1]).ln()))
        .collect();
    gaps.sort_by(|a, b| b.1.total_cmp(&a.1));
    gaps
}

fn marks(arcs: &[Arc], (fhi, low): (f64, f64)) -> Vec<f64> {
    let mut m = vec![fhi];
    m.extend(arcs.iter().map(|a| a.apex_hz));
    m.push(low);
    m
}

/// Inserts a synthetic arc at the log-centre of gap `k`, keeping the decreasing frequency order.
fn insert_in_gap(arcs: &mut Vec<Arc>, k: usize, range: (f64, f64), resistance: f64) {
    let m = marks(arcs, range);
    arcs.insert(
        k,
        Arc {
            apex_hz: (m[k] * m[k + 1]).sqrt(),
            resistance,
            n: 0.85,
        },
    );
}
