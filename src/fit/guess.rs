//! Automatic start values, read off the shape of the spectrum.
//!
//! [`analyze`] finds the features electrochemists read off a Nyquist plot by eye:
//! - the high-frequency intercept R∞ (Re Z where the spectrum leaves the real axis) and any inductance there;
//! - the arcs: maxima of −Z″ against log f, each with its apex frequency and its diameter (the span of Z′ between
//!   the minima of −Z″ on either side);
//! - a low-frequency tail: −Z″ still rising at the lowest frequencies, with its slope d ln(−Z″)/d ln ω giving the
//!   exponent of a CPE or the 45° of a Warburg.
//!
//! [`initial_guess`] then gives each part of the circuit the feature it models. Top-level parallel groups and
//! Zarc/K/HN elements take the arcs in order of decreasing frequency, left to right as written (the canonical
//! order); a resistor in series takes R∞; an inductor takes the high-frequency inductance; capacitive and diffusion
//! elements in series take the tail. Inside an arc, the resistor takes the diameter and a capacitor or CPE takes
//! the time constant of the apex, via τ = (R·Q)^(1/n), so Q = τⁿ/R. When the circuit has more arcs than the
//! spectrum shows, the missing ones are placed between the detected ones.
//!
//! Where that reading is ambiguous, [`initial_guesses`] returns one start per reading, and the fit keeps the best:
//! a distribution peak below the onset of a rising tail is the tail (when the circuit has a tail element) or an arc,
//! and an arc hidden as a shoulder of a larger one can lie on either side of it.

use crate::circuit::{Circuit, Node};
use crate::elements::ElementKind;
use crate::spectrum::Spectrum;
use std::f64::consts::{PI, TAU};

pub(crate) mod nnls;
mod slots;
#[cfg(test)]
mod tests;

/// One arc read off the spectrum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arc {
    /// Frequency of the maximum of −Z″, Hz.
    pub apex_hz: f64,
    /// Diameter on the real axis, Ω.
    pub resistance: f64,
    /// Depression exponent estimated from the apex height: −Z″_max = (R/2)·tan(nπ/4).
    pub n: f64,
}

/// The low-frequency tail.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tail {
    /// Lowest frequency, Hz.
    pub freq_hz: f64,
    /// −Z″ at the lowest frequency, Ω.
    pub neg_imag: f64,
    /// Exponent n from the slope of ln(−Z″) against ln ω (0.5 for a Warburg, 1 for a capacitor).
    pub n: f64,
    /// Z′ at the lowest frequency minus Z′ at the end of the last arc, Ω.
    pub real_span: f64,
}

/// Features of a spectrum, as read by [`analyze`].
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// High-frequency intercept, Ω.
    pub r_inf: f64,
    /// Inductance seen at the highest frequency, H (0 when there is none).
    pub inductance: f64,
    /// Arcs in order of decreasing apex frequency.
    pub arcs: Vec<Arc>,
    /// Low-frequency tail, if −Z″ still rises at the lowest frequencies.
    pub tail: Option<Tail>,
    /// Z′ at the end of the arcs minus R∞, Ω (at least a small positive value).
    pub r_arcs: f64,
    /// Highest and lowest frequency, Hz.
    pub f_range: (f64, f64),
    /// With a tail: the frequency below which −Z″ rises without a break down to the lowest frequency, Hz. No arc
    /// closes below it in the measured data, so distribution peaks there may be the tail rather than arcs.
    pub tail_onset_hz: Option<f64>,
}

/// Time constants per decade of the relaxation-time basis.
const TAU_PER_DECADE: f64 = 4.0;

/// Reads R∞, the arcs and the low-frequency tail off a spectrum.
///
/// The spectrum is expanded, by non-negative least squares with modulus weighting, on a basis of R∞, Voigt
/// elements Rₖ/(1 + jωτₖ) with τ log-spaced 4 per decade one decade beyond the measured range on each side, a
/// series capacitance and a series inductance: a coarse distribution of relaxation times. Its peaks are the arcs
/// (R = the sum of the Rₖ around the peak, τ their weighted geometric mean); this resolves arcs that overlap into
/// shoulders, which peaks of −Z″ do not. Peaks with τ beyond the lowest measured frequency, and the capacitance,
/// make up the low-frequency tail.
#[must_use]
pub fn analyze(spectrum: &Spectrum) -> Features {
    let s = spectrum.sorted_by_frequency();
    let f = s.freq_hz();
    let z = s.z();
    let n = z.len();
    let (fhi, flo) = (f[0], f[n - 1]);
    let scale = z.iter().map(|z| z.norm()).fold(0.0, f64::max).max(f64::MIN_POSITIVE);

    // τ grid: one decade beyond the data on each side.
    let t_lo = 1.0 / (TAU * fhi) / 10.0;
    let t_hi = 1.0 / (TAU * flo) * 10.0;
    let nt = (((t_hi / t_lo).log10() * TAU_PER_DECADE).ceil() as usize).clamp(4, 200);
    let taus: Vec<f64> = (0..nt)
        .map(|k| t_lo * (t_hi / t_lo).powf(k as f64 / (nt - 1) as f64))
        .collect();
    // Columns: R∞, Voigt k, 1/C, L, and the data b as a last column, so that one matrix product gives both AᵀA
    // and Aᵀb. Rows: weighted real parts, then weighted imaginary parts.
    let ncol = nt + 3;
    let rows = 2 * n;
    let omega: Vec<f64> = f.iter().map(|f| TAU * f).collect();
    let wts: Vec<f64> = z.iter().map(|z| 1.0 / z.norm().max(1e-300)).collect();
    let mut a = nalgebra::DMatrix::<f64>::zeros(rows, ncol + 1);
    {
        // Filled column by column (the matrix is column-major), one division per point and τ.
        let cols = a.as_mut_slice();
        // Real rows, then imaginary rows, of column c.
        fn column(cols: &mut [f64], c: usize, n: usize) -> (&mut [f64], &mut [f64]) {
            cols[c * 2 * n..(c + 1) * 2 * n].split_at_mut(n)
        }
        column(cols, 0, n).0.copy_from_slice(&wts);
        for (k, &t) in taus.iter().enumerate() {
            let (re, im) = column(cols, 1 + k, n);
            for i in 0..n {
                let wt = omega[i] * t;
                let v = wts[i] / (1.0 + wt * wt);
                re[i] = v;
                im[i] = -v * wt;
            }
        }
        let (_, im) = column(cols, nt + 1, n);
        for i in 0..n {
            im[i] = -wts[i] / omega[i]; // 1/(jωC) = −j·(1/C)/ω
        }
        let (_, im) = column(cols, nt + 2, n);
        for i in 0..n {
            im[i] = wts[i] * omega[i]; // jωL
        }
        let (re, im) = column(cols, ncol, n);
        for i in 0..n {
            re[i] = z[i].re * wts[i];
            im[i] = z[i].im * wts[i];
        }
    }
    // Columns are scaled to unit norm so that the solver sees a well-conditioned problem.
    let norms: Vec<f64> = a
        .as_slice()
        .chunks_exact(rows)
        .take(ncol)
        .map(|c| c.iter().map(|v| v * v).sum::<f64>().sqrt().max(1e-300))
        .collect();
    for (col, nrm) in a.as_mut_slice().chunks_exact_mut(rows).zip(&norms) {
        let inv = 1.0 / nrm;
        for v in col {
            *v *= inv;
        }
    }
    // Aᵀ as a strided view of A's storage (no transposed copy) times A goes through nalgebra's blocked matrix
    // product, several times faster than `tr_mul`'s column dot products on this 2N × (nt + 4) matrix.
    let at = nalgebra::DMatrixView::from_slice_with_strides(a.as_slice(), ncol + 1, rows, rows, 1);
    let gram = at * &a;
    let g = gram.view((0, 0), (ncol, ncol)).into_owned();
    let h = gram.view((0, ncol), (ncol, 1)).column(0).into_owned();
    let x = nnls::nnls_normal(&g, &h);
    let coef: Vec<f64> = (0..ncol).map(|c| x[c] / norms[c]).collect();
    let r_inf = coef[0];
    let rk: Vec<f64> = coef[1..=nt].to_vec();
    let inv_c = coef[nt + 1];
    let inductance = coef[nt + 2];

    // Peaks of the (lightly smoothed) distribution, each owning the τ range up to the minima on either side.
    let sm: Vec<f64> = (0..nt)
        .map(|k| 0.25 * rk[k.saturating_sub(1)] + 0.5 * rk[k] + 0.25 * rk[(k + 1).min(nt - 1)])
        .collect();
    let total: f64 = rk.iter().sum();
    let mut peaks: Vec<usize> = (0..nt)
        .filter(|&k| {
            let l = if k > 0 { sm[k - 1] } else { 0.0 };
            let r = if k + 1 < nt { sm[k + 1] } else { 0.0 };
            sm[k] > 0.0 && sm[k] >= l && sm[k] > r
        })
        .collect();
    // Merge peaks whose separating minimum is not clearly lower than the smaller peak.
    let mut merged = true;
    while merged && peaks.len() > 1 {
        merged = false;
        for j in 0..peaks.len() - 1 {
            let (p, q) = (peaks[j], peaks[j + 1]);
            let valley = sm[p..=q].iter().copied().fold(f64::INFINITY, f64::min);
            if valley > 0.7 * sm[p].min(sm[q]) {
                let keep = if sm[p] >= sm[q] { p } else { q };
                peaks[j] = keep;
                peaks.remove(j + 1);
                merged = true;
                break;
            }
        }
    }
    let mut edges = vec![0usize];
    for w in peaks.windows(2) {
        let m = (w[0]..=w[1]).min_by(|&x, &y| sm[x].total_cmp(&sm[y])).unwrap_or(w[0]);
        edges.push(m);
    }
    edges.push(nt);
    let tau_max_data = 1.0 / (TAU * flo);
    let mut arcs = Vec::new();
    let mut tail_r = 0.0;
    for j in 0..peaks.len() {
        let range = edges[j]..edges[j + 1].max(edges[j] + 1).min(nt);
        let r: f64 = rk[range.clone()].iter().sum();
        if r <= 0.01 * total {
            continue;
        }
        let mean_ln: f64 = range.clone().map(|k| rk[k] * taus[k].ln()).sum::<f64>() / r;
        let var: f64 = range
            .clone()
            .map(|k| rk[k] * (taus[k].ln() - mean_ln).powi(2))
            .sum::<f64>()
            / r;
        let tau = mean_ln.exp();
        if tau > 3.0 * tau_max_data {
            tail_r += r; // relaxation below the measured range: part of the tail
            continue;
        }
        // Width of a Zarc's distribution in ln τ: variance π²(1/n² − 1)/3.
        let n_est = (1.0 / (1.0 + 3.0 * var / (PI * PI)).sqrt()).clamp(0.6, 1.0);
        arcs.push(Arc {
            apex_hz: 1.0 / (TAU * tau),
            resistance: r.max(1e-12 * scale),
            n: n_est,
        });
    }
    // The arcs above are in increasing τ, that is decreasing frequency, as wanted.

    // Tail: slope of −Z″ at the low-frequency end, when a capacitance or slow relaxations were found.
    let g: Vec<f64> = z.iter().map(|z| -z.im).collect();
    let tail_seen = inv_c > 0.0 && inv_c / (TAU * flo) > 0.02 * scale || tail_r > 0.02 * total.max(1e-300);
    let tail = if tail_seen && n >= 4 && g[n - 1] > 0.0 {
        let k = n - 4;
        let slope = if g[k] > 0.0 && g[n - 1] > g[k] {
            (g[n - 1] / g[k]).ln() / (f[k] / f[n - 1]).ln()
        } else {
            0.5
        };
        Some(Tail {
            freq_hz: flo,
            neg_imag: g[n - 1],
            n: slope.clamp(0.3, 1.0),
            real_span: tail_r,
        })
    } else {
        None
    };
    let tail_onset_hz = tail.and_then(|_| tail_onset(f, &g));
    let r_arcs: f64 = arcs.iter().map(|a| a.resistance).sum();
    Features {
        r_inf,
        inductance,
        arcs,
        tail,
        r_arcs: r_arcs.max(1e-3 * scale),
        f_range: (fhi, flo),
        tail_onset_hz,
    }
}

/// Frequency where −Z″ (`g`, at frequencies `f` in decreasing order) starts rising monotonically towards the
/// lowest frequency, when it does so over at least three intervals; `None` otherwise.
fn tail_onset(f: &[f64], g: &[f64]) -> Option<f64> {
    let n = g.len();
    let mut i = n - 1;
    // Strictly rising only: a noisy flat end stops the walk early, which errs towards fewer tail peaks.
    while i > 0 && g[i - 1] < g[i] {
        i -= 1;
    }
    (n - 1 - i >= 3).then_some(f[i])
}

/// Start values for every parameter of `circuit`, from the features of `spectrum` (see the module docs): the
/// first of [`initial_guesses`].
///
/// Always returns finite values inside the default bounds.
#[must_use]
pub fn initial_guess(circuit: &Circuit, spectrum: &Spectrum) -> Vec<f64> {
    initial_guesses(circuit, spectrum).swap_remove(0)
}

/// Candidate start vectors for `circuit`, most plausible first; never empty, each inside the default bounds.
///
/// One reading of the spectrum is not always enough to tell which part of the circuit models which feature, so
/// the readings that differ only in such choices each give a candidate (at most [`MAX_CANDIDATES`]):
/// - when the circuit has a capacitive or diffusion element in series (a tail) and the spectrum rises into a tail,
///   distribution peaks below the tail onset ([`Features::tail_onset_hz`]) are read as the tail first, and as arcs
///   second: a CPE tail spreads over the longest time constants and looks like an arc to the distribution;
/// - when the circuit has more arcs than the spectrum shows, the first missing arc is placed in each gap (in log
///   frequency) between the detected arcs and the ends of the arc region, widest gap first: an arc hidden as a
///   shoulder of a larger one can sit on either side of it.
///
/// A fit runs from each and keeps the lowest objective.
#[must_use]
pub fn initial_guesses(circuit: &Circuit, spectrum: &Spectrum) -> Vec<Vec<f64>> {
    let measured = analyze(spectrum);
    let items: Vec<&Node> = match circuit.root() {
        Node::Series(children) => children.iter().collect(),
        other => vec![other],
    };
    // Peaks above the measured window may be arcs whose apex was not reached (a bulk arc), or the high-frequency
    // resistance smeared to short time constants by an inductive end. With an inductor in the circuit the second
    // is read first: an inductive end hides the top of the spectrum, so no arc can be located above it.
    let folded = fold_above_window(&measured);
    let inductive = items
        .iter()
        .any(|n| matches!(n, Node::Element(e) if e.kind() == ElementKind::L));
    let features: Vec<&Features> = match (&folded, inductive) {
        (Some(f), true) => vec![f, &measured],
        (Some(f), false) => vec![&measured, f],
        (None, _) => vec![&measured],
    };
    let slot_shapes: Vec<String> = items.iter().filter(|n| is_arc(n)).map(|n| shape(n)).collect();
    // A tail can be modelled by an element in series or by a diffusion element inside an arc (a Randles
    // circuit's Warburg): either way a distribution peak below the tail onset may be that element.
    let has_tail = items.iter().any(|n| !is_arc(n) && has_tail_element(n)) || items.iter().any(|n| has_diffusion(n));
    let mut out: Vec<Vec<f64>> = Vec::new();
    let mut push = |v: Vec<f64>| {
        if !out.contains(&v) {
            out.push(v);
        }
    };
    for feat in features {
        let readings = slots::arc_candidates(feat, slot_shapes.len(), has_tail);
        // The most plausible assignment of each reading first (arcs left to right in decreasing frequency, as
        // written), then the other assignments to slots of different shapes: the written order of a series says
        // nothing about which process a `p(R,CPE)` or a `p(C,R-Wo)` models.
        for arcs in &readings {
            push(values_for(circuit, &items, feat, arcs));
        }
        for arcs in &readings {
            for assigned in slots::assignments(arcs, &slot_shapes).into_iter().skip(1) {
                push(values_for(circuit, &items, feat, &assigned));
            }
        }
    }
    if out.is_empty() {
        out.push(values_for(circuit, &items, &measured, &[]));
    }
    out.truncate(MAX_CANDIDATES);
    out
}

/// The features with the peaks whose apex lies above three times the highest measured frequency read as part of
/// the high-frequency resistance R∞ instead of as arcs; `None` when there are no such peaks.
fn fold_above_window(feat: &Features) -> Option<Features> {
    let top = 3.0 * feat.f_range.0;
    let (above, arcs): (Vec<Arc>, Vec<Arc>) = feat.arcs.iter().partition(|a| a.apex_hz > top);
    if above.is_empty() {
        return None;
    }
    let moved: f64 = above.iter().map(|a| a.resistance).sum();
    Some(Features {
        r_inf: feat.r_inf + moved,
        arcs,
        r_arcs: (feat.r_arcs - moved).max(1e-3 * feat.r_arcs),
        ..feat.clone()
    })
}

/// The shape of a circuit part, without labels: element symbols, `s(...)` for series and `p(...)` for parallel
/// with the branches sorted, so that two arcs of the same shape compare equal.
fn shape(n: &Node) -> String {
    match n {
        Node::Element(e) => format!("{:?}", e.kind()),
        Node::Series(cs) => format!("s({})", cs.iter().map(shape).collect::<Vec<_>>().join(",")),
        Node::Parallel(cs) => {
            let mut v: Vec<String> = cs.iter().map(shape).collect();
            v.sort();
            format!("p({})", v.join(","))
        }
    }
}

/// Whether a part holds a diffusion element anywhere (W, Wo, Ws, G, Gs, TLMQ).
fn has_diffusion(n: &Node) -> bool {
    match n {
        Node::Element(e) => matches!(
            e.kind(),
            ElementKind::W
                | ElementKind::Wo
                | ElementKind::Ws
                | ElementKind::Wsp
                | ElementKind::Wop
                | ElementKind::G
                | ElementKind::Gs
                | ElementKind::Tlmq
        ),
        Node::Series(cs) | Node::Parallel(cs) => cs.iter().any(has_diffusion),
    }
}

/// Largest start value of an arc's exponent n (see [`Guesser::arc`]).
const MAX_START_N: f64 = 0.95;

/// Most start vectors [`initial_guesses`] returns.
pub const MAX_CANDIDATES: usize = 12;

/// Whether a top-level item is an arc: a parallel group or an arc-like element.
fn is_arc(n: &Node) -> bool {
    match n {
        Node::Parallel(_) => true,
        Node::Element(e) => matches!(e.kind(), ElementKind::Zarc | ElementKind::K | ElementKind::Hn),
        Node::Series(_) => false,
    }
}

/// Whether a series item holds an element that models a low-frequency tail.
fn has_tail_element(n: &Node) -> bool {
    match n {
        Node::Element(e) => matches!(
            e.kind(),
            ElementKind::C
                | ElementKind::Cpe
                | ElementKind::W
                | ElementKind::Wo
                | ElementKind::Ws
                | ElementKind::Wsp
                | ElementKind::Wop
                | ElementKind::G
                | ElementKind::Gs
                | ElementKind::Tlmq
        ),
        Node::Series(cs) => cs.iter().any(has_tail_element),
        Node::Parallel(_) => false,
    }
}

/// Start values with the arc slots filled from `arcs`, in order.
fn values_for(circuit: &Circuit, items: &[&Node], feat: &Features, arcs: &[Arc]) -> Vec<f64> {
    let n_series_r = items
        .iter()
        .filter(|n| matches!(n, Node::Element(e) if e.kind() == ElementKind::R))
        .count()
        .max(1);
    let mut g = Guesser {
        feat,
        values: Vec::with_capacity(circuit.n_params()),
    };
    let mut next_arc = 0;
    for item in items {
        if is_arc(item) {
            let arc = arcs.get(next_arc).copied().unwrap_or(Arc {
                apex_hz: (feat.f_range.0 * feat.f_range.1).sqrt(),
                resistance: feat.r_arcs,
                n: 0.85,
            });
            next_arc += 1;
            g.arc(item, arc);
        } else {
            g.series_item(item, n_series_r);
        }
    }
    let mut values = g.values;
    // Clamp into the default bounds (strictly inside), whatever the heuristics produced.
    for (v, p) in values.iter_mut().zip(circuit.params()) {
        let (lo, hi) = p.default_bounds();
        if !v.is_finite() {
            *v = if hi.is_finite() { 0.5 * (lo + hi) } else { 1.0 };
        }
        if hi.is_finite() {
            *v = v.clamp(lo + 1e-3 * (hi - lo), hi - 1e-3 * (hi - lo));
        } else if *v <= lo {
            *v = lo + 1e-12_f64.max(lo.abs() * 1e-3);
        }
    }
    values
}

struct Guesser<'a> {
    feat: &'a Features,
    values: Vec<f64>,
}

impl Guesser<'_> {
    fn tail_values(&self) -> (f64, f64, f64) {
        // (−Z″, ω, n) at the lowest frequency, or a weak capacitive tail when the spectrum shows none.
        match self.feat.tail {
            Some(t) => (t.neg_imag, TAU * t.freq_hz, t.n),
            None => {
                let w = TAU * self.feat.f_range.1;
                (0.1 * self.feat.r_arcs.max(self.feat.r_inf), w, 0.8)
            }
        }
    }

    /// Values for an element in series at the top level (not part of an arc).
    fn series_item(&mut self, node: &Node, n_series_r: usize) {
        match node {
            Node::Element(e) => self.series_element(e.kind(), n_series_r),
            Node::Series(cs) | Node::Parallel(cs) => cs.iter().for_each(|c| self.series_item(c, n_series_r)),
        }
    }

    fn series_element(&mut self, kind: ElementKind, n_series_r: usize) {
        let f = self.feat;
        let (gt, wt, nt) = self.tail_values();
        let w_hi = TAU * f.f_range.0;
        let v: Vec<f64> = match kind {
            ElementKind::R => vec![(f.r_inf / n_series_r as f64).max(1e-6 * f.r_arcs)],
            ElementKind::L => vec![f.inductance.max(1e-3 * f.r_arcs / w_hi)],
            ElementKind::La => vec![f.inductance.max(1e-3 * f.r_arcs / w_hi), 0.95],
            ElementKind::C => vec![1.0 / (wt * gt)],
            ElementKind::Cpe => {
                let n = nt.clamp(0.4, 1.0);
                vec![1.0 / (gt * wt.powf(n) * (n * PI / 2.0).sin()), n]
            }
            ElementKind::W => vec![gt * wt.sqrt()],
            ElementKind::Wo | ElementKind::Ws | ElementKind::Tlmq | ElementKind::G | ElementKind::Gs => {
                self.diffusion(kind, gt, wt)
            }
            ElementKind::Wsp | ElementKind::Wop => self.anomalous_diffusion(kind),
            // Arc-like elements that were not given an arc slot.
            ElementKind::Zarc => vec![f.r_arcs, 1.0 / wt, 0.85],
            ElementKind::K => vec![f.r_arcs, 1.0 / wt],
            ElementKind::Hn => vec![f.r_arcs, 1.0 / wt, 0.85, 0.9],
        };
        self.values.extend(v);
    }

    /// A diffusion element seen as the low-frequency tail: −Z″ = gt at ω = wt.
    fn diffusion(&self, kind: ElementKind, gt: f64, wt: f64) -> Vec<f64> {
        let f = self.feat;
        // Warburg coefficient of the 45° region, and a time constant putting the transition near the lowest
        // frequency, where the tail bends over.
        let a_w = gt * wt.sqrt();
        let tau = 3.0 / wt;
        let r = (a_w * (2.0 * tau).sqrt()).max(1e-6 * f.r_arcs);
        match kind {
            ElementKind::Wo | ElementKind::Ws => vec![r, tau],
            ElementKind::G => vec![r, tau],
            ElementKind::Gs => vec![r, tau, 1.0],
            _ => vec![r.max(f.r_arcs), 1.0 / (r.max(f.r_arcs) * wt), 0.85],
        }
    }

    /// A free-exponent finite Warburg in series. With a low-frequency tail it is the tail, as [`Self::diffusion`],
    /// its exponent from the tail's slope (−Z″ ∝ ω^−p where ωτ ≫ 1). Without one, a transmissive element closes
    /// on the real axis like an arc, and takes the arcs: R their total diameter, τ from the apex of the largest
    /// (−Z″ peaks near ωτ ≈ 2.5 for p = ½), p from its depression (an arc of exponent n spreads like p ≈ n/2).
    fn anomalous_diffusion(&self, kind: ElementKind) -> Vec<f64> {
        let f = self.feat;
        let largest = f
            .arcs
            .iter()
            .copied()
            .max_by(|a, b| a.resistance.total_cmp(&b.resistance));
        match (f.tail, largest) {
            (None, Some(arc)) if kind == ElementKind::Wsp => {
                let p = (arc.n / 2.0).clamp(0.2, 0.8);
                vec![f.r_arcs, 2.5 / (TAU * arc.apex_hz), p]
            }
            _ => {
                let (gt, wt, nt) = self.tail_values();
                let mut v = self.diffusion(ElementKind::Ws, gt, wt);
                v.push(nt.clamp(0.2, 0.9));
                v
            }
        }
    }

    /// Values for an arc: a parallel group or an arc-like element, given its feature.
    fn arc(&mut self, node: &Node, arc: Arc) {
        let tau = 1.0 / (TAU * arc.apex_hz);
        // Not closer to the bound n = 1 than 0.95: the logistic transform of a two-sided bound saturates there, and
        // a start in saturation barely moves (the gradient in the internal coordinate scales with the distance to
        // the bound), which lets the other parameters wander off instead.
        let n = arc.n.clamp(0.6, MAX_START_N);
        match node {
            Node::Element(e) => {
                let v = match e.kind() {
                    ElementKind::Zarc => vec![arc.resistance, tau, n],
                    ElementKind::K => vec![arc.resistance, tau],
                    ElementKind::Hn => vec![arc.resistance, tau, n, 0.95],
                    _ => vec![],
                };
                self.values.extend(v);
            }
            Node::Parallel(children) => {
                for c in children {
                    self.arc_branch(c, arc, tau, n);
                }
            }
            Node::Series(_) => self.series_item(node, 1),
        }
    }

    /// One branch of a parallel arc: resistive branches take the diameter, capacitive ones the apex.
    fn arc_branch(&mut self, node: &Node, arc: Arc, tau: f64, n: f64) {
        let r = arc.resistance;
        match node {
            Node::Element(e) => {
                let v = match e.kind() {
                    ElementKind::R => vec![r],
                    ElementKind::C => vec![tau / r],
                    ElementKind::Cpe => vec![tau.powf(n) / r, n],
                    // A Warburg in parallel with R: |Z_W| = R at the apex, A_W·√(2/ω) = R.
                    ElementKind::W => vec![r * (TAU * arc.apex_hz / 2.0).sqrt()],
                    ElementKind::L => vec![r / (TAU * arc.apex_hz)],
                    ElementKind::La => vec![r / (TAU * arc.apex_hz), 0.95],
                    ElementKind::Zarc => vec![r, tau, n],
                    ElementKind::K => vec![r, tau],
                    ElementKind::Hn => vec![r, tau, n, 0.95],
                    ElementKind::Wo | ElementKind::Ws | ElementKind::G | ElementKind::Gs => {
                        let mut v = vec![r, tau];
                        if e.kind() == ElementKind::Gs {
                            v.push(1.0);
                        }
                        v
                    }
                    ElementKind::Wsp | ElementKind::Wop => vec![r, tau, 0.5],
                    ElementKind::Tlmq => vec![r, tau.powf(n) / r, n],
                };
                self.values.extend(v);
            }
            // A resistive branch with a diffusion tail (Randles): R takes the diameter, the rest the tail.
            Node::Series(cs) => {
                let mut first_r = true;
                for c in cs {
                    match c {
                        Node::Element(e) if e.kind() == ElementKind::R && first_r => {
                            self.values.push(r);
                            first_r = false;
                        }
                        other => self.series_item(other, 1),
                    }
                }
            }
            Node::Parallel(cs) => cs.iter().for_each(|c| self.arc_branch(c, arc, tau, n)),
        }
    }
}
