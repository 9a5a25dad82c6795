//! The built-in candidate library: the circuits practitioners fit first, and how many relaxations each has.
//!
//! Every circuit is written in impedance.py notation with arcs first and labels numbered left to right, so that
//! two entries never describe the same structure.

use crate::circuit::{Circuit, Node};
use crate::elements::ElementKind;

/// What comes in series before the arcs: nothing, an ohmic resistance, or a lead inductance and a resistance.
const PREFIXES: [&str; 3] = ["", "R0-", "L0-R0-"];

/// Low-frequency tails in series after the arcs: semi-infinite, finite-space and finite-length Warburg (ideal
/// and with a free exponent) and a blocking CPE.
const TAILS: [&str; 6] = ["W9", "Wo9", "Ws9", "Wop9", "Wsp9", "CPE9"];

/// The arcs of a chain: `n_rc` arcs `p(R,C)` followed by `n_cpe` arcs `p(R,CPE)`, labelled from 1.
fn arcs(n_rc: usize, n_cpe: usize) -> Vec<String> {
    (1..=n_rc + n_cpe)
        .map(|i| {
            if i <= n_rc {
                format!("p(R{i},C{i})")
            } else {
                format!("p(R{i},CPE{i})")
            }
        })
        .collect()
}

/// The built-in library as circuit strings, simplest first:
/// - 1 to 4 arcs in series, each `p(R,CPE)` or `p(R,C)` (all CPE; up to two R‖C with the rest CPE; all R‖C up
///   to two arcs), alone, after a series resistance `R0`, or after `L0-R0`;
/// - one or two arcs after `R0` followed by a low-frequency tail: W, Wo, Ws, their free-exponent forms Wop and
///   Wsp, or a blocking CPE; one or two R‖C arcs followed by W, Wo or Ws; one or two R‖CPE arcs and a blocking
///   CPE without a series resistance;
/// - a diffusion element alone after `R0` (Ws, Wsp, Wo, Wop, G);
/// - nested Randles circuits `R0-p(R1-T,CPE1)`, `R0-p(R1-T,C1)` and `L0-R0-p(R1-T,C1)-p(R2,CPE2)` with
///   T = W, Wo, Ws;
/// - Gerischer forms: `R0-p(R1,CPE1)-G1`, `p(R1,C1)-G1-G2`, `R0-p(R1,C1)-G1-G2`.
///
/// ```
/// let lib = eisfit::identify::library();
/// assert!(lib.iter().any(|c| c == "L0-R0-p(R1,CPE1)-p(R2,CPE2)"));
/// assert!(lib.iter().all(|c| c.parse::<eisfit::Circuit>().is_ok()));
/// ```
#[must_use]
pub fn library() -> Vec<String> {
    let mut out = Vec::new();
    for k in 1..=4usize {
        let mut mixes = vec![(0, k), (1, k - 1)];
        if k >= 2 {
            mixes.push((2, k - 2));
        }
        mixes.dedup();
        for prefix in PREFIXES {
            for &(n_rc, n_cpe) in &mixes {
                out.push(format!("{prefix}{}", arcs(n_rc, n_cpe).join("-")));
            }
        }
    }
    for k in 1..=2 {
        for tail in TAILS {
            out.push(format!("R0-{}-{tail}", arcs(0, k).join("-")));
        }
        // Ideal arcs before a diffusion tail (a battery's SEI and charge transfer), and a blocking electrode on
        // a solid electrolyte: no series resistance before its bulk and grain-boundary arcs.
        for tail in ["W9", "Wo9", "Ws9"] {
            out.push(format!("R0-{}-{tail}", arcs(k, 0).join("-")));
        }
        out.push(format!("{}-CPE9", arcs(0, k).join("-")));
    }
    for alone in ["Ws1", "Wsp1", "Wo1", "Wop1", "G1"] {
        out.push(format!("R0-{alone}"));
    }
    for t in ["W1", "Wo1", "Ws1"] {
        out.push(format!("R0-p(R1-{t},CPE1)"));
        out.push(format!("R0-p(R1-{t},C1)"));
        // A Randles cell with a second (surface-film) arc, with the lead inductance of a battery measurement.
        out.push(format!("L0-R0-p(R1-{t},C1)-p(R2,CPE2)"));
    }
    out.push("R0-p(R1,CPE1)-G1".to_string());
    out.push("p(R1,C1)-G1-G2".to_string());
    out.push("R0-p(R1,C1)-G1-G2".to_string());
    out
}

/// Number of relaxations of a circuit that the distribution of relaxation times shows as separate peaks: its
/// top-level parallel groups and arc elements (Zarc, K, HN), plus its Gerischer and transmissive
/// (finite-length) diffusion elements, which close on the real axis like an arc.
///
/// Returns `None` when the circuit has a distributed element whose distribution is spread over many decades
/// (a Warburg, a CPE tail, a transmission line, or an anomalous diffusion element): its peak count says
/// nothing about the circuit then.
#[must_use]
pub fn relaxations(circuit: &Circuit) -> Option<usize> {
    let items: Vec<&Node> = match circuit.root() {
        Node::Series(cs) => cs.iter().collect(),
        other => vec![other],
    };
    let mut n = 0;
    for item in items {
        match item {
            Node::Parallel(_) => n += 1,
            Node::Element(e) => match e.kind() {
                ElementKind::Zarc | ElementKind::K | ElementKind::Hn | ElementKind::G | ElementKind::Ws => n += 1,
                ElementKind::R | ElementKind::L | ElementKind::La => {}
                _ => return None,
            },
            Node::Series(_) => return None,
        }
    }
    Some(n)
}
