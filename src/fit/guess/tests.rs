//! Tests of the start-value heuristics: the tail onset, the candidate readings of the arc slots, and the start
//! exponent kept away from its bound.

use super::slots::arc_candidates;
use super::*;
use crate::simulate::{log_frequencies, simulate};

fn arc(apex_hz: f64, resistance: f64) -> Arc {
    Arc {
        apex_hz,
        resistance,
        n: 0.8,
    }
}

/// Features of a spectrum with one arc at 5 kHz, a tail peak at 0.06 Hz and a tail rising below 20 Hz.
fn shoulder_and_tail() -> Features {
    Features {
        r_inf: 0.0,
        inductance: 0.0,
        arcs: vec![arc(5e3, 2e6), arc(0.06, 2e6)],
        tail: Some(Tail {
            freq_hz: 0.03,
            neg_imag: 1.4e6,
            n: 0.55,
            real_span: 0.0,
        }),
        r_arcs: 4e6,
        f_range: (1e6, 0.03),
        tail_onset_hz: Some(20.0),
    }
}

#[test]
fn tail_onset_needs_three_rising_intervals() {
    let f = [1e3, 1e2, 1e1, 1.0, 0.1, 0.01];
    // −Z″: an arc, a minimum at 10 Hz, then rising to the lowest frequency.
    assert_eq!(tail_onset(&f, &[1.0, 5.0, 0.5, 0.8, 1.5, 3.0]), Some(1e1));
    // Rising over two intervals only: not a tail onset.
    assert_eq!(tail_onset(&f, &[1.0, 5.0, 2.0, 0.5, 0.8, 1.5]), None);
    // A noisy bump interrupts the walk, which then reports the later (lower) onset.
    let f = [1e3, 1e2, 1e1, 1.0, 0.1, 0.01, 1e-3];
    assert_eq!(tail_onset(&f, &[1.0, 5.0, 0.5, 0.4, 0.8, 1.5, 3.0]), Some(1.0));
}

#[test]
fn peaks_below_the_tail_onset_are_read_as_tail_first() {
    let feat = shoulder_and_tail();
    let cands = arc_candidates(&feat, 2, true);
    // Tail reading: the 5 kHz arc plus a missing arc in each gap (above it first: the gap to 1 MHz is 2.3 decades,
    // the one down to the 20 Hz onset 2.4, so below first), then the reading with both peaks as arcs.
    assert_eq!(cands.len(), 3, "{cands:?}");
    for c in &cands[..2] {
        assert_eq!(c.len(), 2);
        assert!(c.iter().all(|a| a.apex_hz >= 20.0), "{c:?}");
        assert!(c.windows(2).all(|w| w[0].apex_hz > w[1].apex_hz), "{c:?}");
    }
    assert!(cands[0][1].apex_hz < 5e3 && cands[1][0].apex_hz > 5e3, "{cands:?}");
    assert!((cands[1][0].apex_hz / (1e6 * 5e3_f64).sqrt() - 1.0).abs() < 1e-12);
    assert_eq!(cands[2], feat.arcs);
    // Without a tail element in the circuit, the low peak stays an arc and there is one reading.
    assert_eq!(arc_candidates(&feat, 2, false), vec![feat.arcs.clone()]);
}

#[test]
fn extra_peaks_keep_the_largest_and_missing_ones_are_interpolated() {
    let mut feat = shoulder_and_tail();
    feat.tail_onset_hz = None;
    feat.arcs = vec![arc(1e5, 10.0), arc(1e3, 100.0), arc(10.0, 50.0)];
    let c = arc_candidates(&feat, 2, false);
    assert_eq!(c, vec![vec![feat.arcs[1], feat.arcs[2]]]);
    // Four slots for three arcs: one candidate per gap with room, each in decreasing frequency.
    let c = arc_candidates(&feat, 4, false);
    assert_eq!(c.len(), 4);
    assert!(c
        .iter()
        .all(|a| a.len() == 4 && a.windows(2).all(|w| w[0].apex_hz > w[1].apex_hz)));
    // No arcs at all: the slots are spread over the range.
    feat.arcs.clear();
    let c = arc_candidates(&feat, 2, false);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].len(), 2);
    assert!(c[0].iter().all(|a| a.apex_hz < 1e6 && a.apex_hz > 0.03));
}

#[test]
fn hidden_shoulder_with_a_cpe_tail_gets_a_start_on_each_side() {
    // A small fast arc hidden as a shoulder of a large one, and a CPE tail (a blocking-electrode pellet).
    let c: Circuit = "p(R1,CPE1)-p(R2,CPE2)-CPE3".parse().unwrap();
    let truth = [1.5e5, 6.5e-11, 0.84, 2.0e6, 1.5e-10, 0.79, 1.4e-6, 0.54];
    let f = log_frequencies(1e6, 0.03, 5).unwrap();
    let s = simulate(&c, &truth, &f, None).unwrap();
    let feat = analyze(&s);
    assert!(feat.tail.is_some() && feat.tail_onset_hz.is_some(), "{feat:?}");
    let g = initial_guesses(&c, &s);
    assert!((2..=MAX_CANDIDATES).contains(&g.len()), "{g:?}");
    // Some candidate puts the first arc's resistance below the second's: the small fast arc.
    assert!(g.iter().any(|v| v[0] < v[3]), "{g:?}");
    for v in &g {
        for (x, p) in v.iter().zip(c.params()) {
            let (lo, hi) = p.default_bounds();
            assert!(x.is_finite() && *x > lo && *x < hi, "{}: {x}", p.name());
        }
    }
}

#[test]
fn start_exponents_stay_off_the_bound() {
    // An ideal RC arc (n = 1) fitted with a CPE: the start n is at most MAX_START_N.
    let c: Circuit = "R0-p(R1,CPE1)".parse().unwrap();
    let f = log_frequencies(1e6, 1.0, 10).unwrap();
    let s = simulate(&c, &[10.0, 100.0, 1e-6, 1.0], &f, None).unwrap();
    let g = initial_guess(&c, &s);
    assert!(g[3] <= MAX_START_N && g[3] >= 0.6, "{g:?}");
}

#[test]
fn free_exponent_warburgs_get_a_start_of_the_right_length_inside_their_bounds() {
    let freq = log_frequencies(1e5, 1e-2, 6).unwrap();
    for (text, truth) in [
        ("R0-Wsp1", vec![3.0, 40.0, 0.05, 0.33]),
        ("R0-Wop1", vec![3.0, 40.0, 0.05, 0.4]),
        ("R0-p(R1,CPE1)-Wsp1", vec![3.0, 10.0, 1e-5, 0.9, 40.0, 1.0, 0.45]),
        ("R0-p(R1-Wop1,CPE1)", vec![3.0, 10.0, 40.0, 1.0, 0.45, 1e-5, 0.9]),
    ] {
        let circuit: Circuit = text.parse().unwrap();
        assert_eq!(circuit.n_params(), truth.len(), "{text}");
        let data = simulate(&circuit, &truth, &freq, None).unwrap();
        for start in initial_guesses(&circuit, &data) {
            assert_eq!(start.len(), circuit.n_params(), "{text}");
            for (v, p) in start.iter().zip(circuit.params()) {
                let (lo, hi) = p.default_bounds();
                assert!(v.is_finite() && *v > lo && *v < hi, "{text}: {} = {v}", p.name());
            }
        }
    }
}

#[test]
fn a_transmissive_free_exponent_warburg_alone_starts_near_its_truth() {
    // R0-Wsp1 closes on the real axis like an arc: the start takes R from the arc and τ within a decade.
    let freq = log_frequencies(1e5, 1e-2, 6).unwrap();
    let circuit: Circuit = "R0-Wsp1".parse().unwrap();
    let truth = [3.0, 40.0, 0.05, 0.33];
    let data = simulate(&circuit, &truth, &freq, None).unwrap();
    let start = initial_guess(&circuit, &data);
    assert!((start[1] / truth[1]).ln().abs() < 0.5, "R start {}", start[1]);
    assert!((start[2] / truth[2]).log10().abs() < 1.0, "tau start {}", start[2]);
}
