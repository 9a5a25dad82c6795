//! Canonical order of interchangeable series sub-circuits.
//!
//! In `R0-p(R1,CPE1)-p(R2,CPE2)` the two parallel groups have the same shape, so swapping their parameter blocks
//! gives the same impedance: the fit cannot tell which is which, and a least-squares run may land on either
//! labelling. After the fit, groups of top-level series items with identical shape (same tree, same element kinds)
//! are sorted by decreasing characteristic frequency, the frequency of the maximum of −Z″ of the item on its own.
//! A group with a fixed parameter is left as written: fixing a value pins the labelling.

use crate::circuit::{Circuit, Node};
use crate::elements::{ElementKind, FreqPoint};
use num_complex::Complex64;

/// Shape of a node: structure and element kinds, without labels.
#[derive(PartialEq, Eq, Debug)]
enum Shape {
    Element(ElementKind),
    Series(Vec<Shape>),
    Parallel(Vec<Shape>),
}

fn shape(n: &Node) -> Shape {
    match n {
        Node::Element(e) => Shape::Element(e.kind()),
        Node::Series(c) => Shape::Series(c.iter().map(shape).collect()),
        Node::Parallel(c) => Shape::Parallel(c.iter().map(shape).collect()),
    }
}

fn count_params(n: &Node) -> usize {
    match n {
        Node::Element(e) => e.kind().n_params(),
        Node::Series(c) | Node::Parallel(c) => c.iter().map(count_params).sum(),
    }
}

fn impedance(n: &Node, p: &[f64], f: &FreqPoint, pos: &mut usize) -> Complex64 {
    match n {
        Node::Element(e) => {
            let k = e.kind().n_params();
            let z = e.kind().impedance(&p[*pos..*pos + k], f);
            *pos += k;
            z
        }
        Node::Series(c) => c.iter().map(|x| impedance(x, p, f, pos)).sum(),
        Node::Parallel(c) => c.iter().map(|x| impedance(x, p, f, pos).inv()).sum::<Complex64>().inv(),
    }
}

/// Frequency (Hz) of the maximum of −Z″ of `node` with parameters `p`, between 1e-6 Hz and 1e10 Hz, to 0.05 of a
/// decade; 0 when the item has no capacitive maximum (a resistor, a pure capacitor).
///
/// A scan in steps of a quarter decade finds the highest point, and a scan in steps of 0.05 decade over the half
/// decade around it locates it: 81 evaluations where one grid of 0.05 decade needs 321. An item whose −Z″ has two
/// maxima within a quarter decade of each other's height may be located at the other one; the order of such
/// items is a matter of convention anyway.
pub(crate) fn characteristic_frequency(node: &Node, p: &[f64]) -> f64 {
    let neg_imag = |log_f: f64| {
        let mut pos = 0;
        let z = impedance(node, p, &FreqPoint::from_hz(10f64.powf(log_f)), &mut pos);
        if z.is_finite() {
            -z.im
        } else {
            f64::NEG_INFINITY
        }
    };
    let mut best = (f64::NAN, 0.0);
    for i in 0..=64 {
        let lf = -6.0 + 0.25 * f64::from(i);
        let v = neg_imag(lf);
        if v > best.1 {
            best = (lf, v);
        }
    }
    if best.0.is_nan() {
        return 0.0;
    }
    let centre = best.0;
    for i in -5..=5 {
        let lf = centre + 0.05 * f64::from(i);
        if (-6.0..=10.0).contains(&lf) {
            let v = neg_imag(lf);
            if v > best.1 {
                best = (lf, v);
            }
        }
    }
    10f64.powf(best.0)
}

/// Reorders `params` in place (see the module docs). Sub-circuits are interchangeable only when none of their
/// parameters is fixed and their bounds are the same, slot for slot: a user bound on `R2` alone makes the second
/// arc a different slot, and moving a value there could put it outside its bounds. Returns whether anything
/// moved.
pub(crate) fn reorder(circuit: &Circuit, params: &mut [f64], fixed: &[Option<f64>], bounds: &[(f64, f64)]) -> bool {
    let Node::Series(items) = circuit.root() else {
        return false;
    };
    let mut moved = false;
    // Parameter range of each top-level item.
    let mut ranges = Vec::with_capacity(items.len());
    let mut start = 0;
    for it in items {
        let k = count_params(it);
        ranges.push(start..start + k);
        start += k;
    }
    let shapes: Vec<Shape> = items.iter().map(shape).collect();
    let mut done = vec![false; items.len()];
    for a in 0..items.len() {
        if done[a] {
            continue;
        }
        let group: Vec<usize> = (a..items.len()).filter(|&b| shapes[b] == shapes[a]).collect();
        group.iter().for_each(|&b| done[b] = true);
        if group.len() < 2 || group.iter().any(|&b| ranges[b].clone().any(|i| fixed[i].is_some())) {
            continue;
        }
        // Bit-for-bit the same bounds: identical settings, not merely close ones.
        let same_bounds = |b: usize| {
            ranges[b].clone().zip(ranges[a].clone()).all(|(i, j)| {
                bounds[i].0.to_bits() == bounds[j].0.to_bits() && bounds[i].1.to_bits() == bounds[j].1.to_bits()
            })
        };
        if !group.iter().all(|&b| same_bounds(b)) {
            continue;
        }
        let blocks: Vec<Vec<f64>> = group.iter().map(|&b| params[ranges[b].clone()].to_vec()).collect();
        let freqs: Vec<f64> = group
            .iter()
            .zip(&blocks)
            .map(|(&b, blk)| characteristic_frequency(&items[b], blk))
            .collect();
        let mut order: Vec<usize> = (0..group.len()).collect();
        order.sort_by(|&x, &y| freqs[y].total_cmp(&freqs[x]));
        for (k, (slot, &src)) in group.iter().zip(&order).enumerate() {
            moved |= src != k;
            params[ranges[*slot].clone()].copy_from_slice(&blocks[src]);
        }
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn swapped_arcs_are_put_in_decreasing_frequency() {
        let c: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)".parse().unwrap();
        // Slow arc first (as a fit may return it): τ = (RQ)^(1/n).
        let mut p = vec![5.0, 6.0, 1.5e-5, 0.9, 8.0, 1.4e-6, 0.85];
        let z_before = c.impedance(&p, &[1e3, 1e5]).unwrap();
        let bounds = c.default_bounds();
        assert!(reorder(&c, &mut p, &[None; 7], &bounds));
        assert_relative_eq!(p[1], 8.0);
        assert_relative_eq!(p[4], 6.0);
        let z_after = c.impedance(&p, &[1e3, 1e5]).unwrap();
        for (a, b) in z_before.iter().zip(&z_after) {
            assert!((a - b).norm() < 1e-12 * a.norm());
        }
        // A fixed parameter pins the labelling.
        let mut q = vec![5.0, 6.0, 1.5e-5, 0.9, 8.0, 1.4e-6, 0.85];
        let mut fixed = [None; 7];
        fixed[3] = Some(0.9);
        assert!(!reorder(&c, &mut q, &fixed, &bounds));
        assert_relative_eq!(q[1], 6.0);
        // So does a user bound on one arc only: R2 in (7, 9) could not take R1's 6 Ω.
        let mut r = vec![5.0, 6.0, 1.5e-5, 0.9, 8.0, 1.4e-6, 0.85];
        let mut b = bounds.clone();
        b[4] = (7.0, 9.0);
        assert!(!reorder(&c, &mut r, &[None; 7], &b));
        assert_relative_eq!(r[1], 6.0);
        assert_relative_eq!(r[4], 8.0);
    }

    #[test]
    fn characteristic_frequency_of_rc() {
        let c: Circuit = "p(R0,C0)".parse().unwrap();
        let f = characteristic_frequency(c.root(), &[100.0, 1e-6]);
        // 1/(2πRC) = 1591.5 Hz, within the 0.05-decade grid step.
        assert!((f / 1591.5).log10().abs() <= 0.026, "{f}");
    }
}
