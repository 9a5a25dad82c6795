//! The compiled evaluator: Z(ω) and the analytic Jacobian ∂Z/∂p of a circuit over a fixed frequency grid.
//!
//! The tree is flattened once into a post-order list of nodes. A forward pass computes every node's impedance over
//! the whole grid (series: Σ Zᵢ; parallel: 1/Σ Yᵢ with Yᵢ = 1/Zᵢ, which it keeps), each element writing its
//! gradient straight into its Jacobian columns. A backward pass then computes, for each node, the chain factor
//! ∂Z_root/∂Z_node: unchanged through a series node, and multiplied by (Z_parent·Y_child)² through a parallel one,
//! since ∂(1/Σ Yᵢ)/∂Zᵢ = Z²/Zᵢ². The Jacobian column of parameter p of element e is then chain(e)·∂Z_e/∂p.
//!
//! Divisions are the expensive operations here, so there are as few as possible: one per child of a parallel
//! node and one per parallel node at each frequency, none in the backward pass. Which nodes share a chain factor
//! is known when the circuit is compiled: every node reached from the root through series nodes only has the
//! factor 1 (its Jacobian columns are left as the elements wrote them), and a series child shares its parent's.
//! Everything depending only on frequency (ω, ln ω, √ω and reciprocals) is computed at construction, and no
//! evaluation allocates.
//!
//! A resistor in parallel with a capacitor or a CPE, the most common group of an equivalent circuit, is compiled
//! into one node that computes its impedance and the derivatives of that impedance in a single pass, with one
//! division per frequency (see `Evaluator::pair`). Parameters outside the range of its formulas fall back to
//! the general evaluation.

use super::{Circuit, Node};
use crate::elements::{ElementKind, EvalFn, FreqPoint};
use num_complex::Complex64;

const ZERO: Complex64 = Complex64::new(0.0, 0.0);

/// `chain_of` entry of a node whose chain factor is 1 at every frequency.
const UNIT: usize = usize::MAX;

/// The Jacobian columns of two elements whose parameters start at offsets `a` and `b` (a ≠ b): one column from
/// `a`, the rest of `jac` from `b` on (the caller splits it by columns).
fn two_columns(jac: &mut [Complex64], nf: usize, a: usize, b: usize) -> (&mut [Complex64], &mut [Complex64]) {
    if a < b {
        let (lo, hi) = jac.split_at_mut(b * nf);
        (&mut lo[a * nf..(a + 1) * nf], hi)
    } else {
        let (lo, hi) = jac.split_at_mut(a * nf);
        (&mut hi[..nf], &mut lo[b * nf..])
    }
}

/// 1/z with one division and no branch; z = 0 gives NaN, which [`Evaluator::pair`] treats as a value it cannot
/// compute.
#[inline(always)]
fn inverse(z: Complex64) -> Complex64 {
    let s = 1.0 / z.norm_sqr();
    Complex64::new(z.re * s, -z.im * s)
}

/// 1/z with one division; a short circuit (z = 0) gives an infinite admittance, which shorts its parallel group.
#[inline(always)]
fn admittance(z: Complex64) -> Complex64 {
    let ns = z.norm_sqr();
    if ns > 0.0 {
        let s = 1.0 / ns;
        Complex64::new(z.re * s, -z.im * s)
    } else {
        Complex64::new(f64::INFINITY, 0.0)
    }
}

#[derive(Debug, Clone, Copy)]
enum Op {
    /// Element index into `elems`.
    Element(usize),
    /// Children are `children[start..end]`.
    Series(usize, usize),
    /// Children are `children[start..end]`.
    Parallel(usize, usize),
    /// A resistor in parallel with a capacitor or a CPE (the two children, both elements, are
    /// `children[start..end]`): evaluated in one pass (see [`Evaluator::pair`]), which writes the children's
    /// Jacobian columns as derivatives of this node's impedance, so they share this node's chain factor.
    Pair(usize, usize),
}

#[derive(Debug, Clone, Copy)]
struct CompiledElement {
    eval: EvalFn,
    /// Resistors and capacitors in a parallel group give their admittance without a division per frequency.
    kind: ElementKind,
    /// Offset of the element's first parameter in the parameter slice.
    offset: usize,
    n_params: usize,
    /// Index of the element's node in `ops`.
    node: usize,
    /// Evaluated by its parent's [`Op::Pair`], not on its own.
    in_pair: bool,
}

/// A circuit compiled for one frequency grid, with its scratch buffers.
///
/// Build one per (circuit, spectrum) pair and reuse it: evaluation allocates nothing. An `Evaluator` is `Send`, so
/// parallel code builds one per thread.
///
/// # Examples
/// ```
/// use eisfit::{Circuit, Evaluator};
/// use eisfit::num_complex::Complex64;
///
/// let c: Circuit = "R0-p(R1,C1)".parse()?;
/// let freq = [1e5, 1e3, 1.0];
/// let mut ev = Evaluator::new(&c, &freq);
/// let mut z = vec![Complex64::new(0.0, 0.0); 3];
/// let mut jac = vec![Complex64::new(0.0, 0.0); 3 * c.n_params()];
/// ev.impedance_and_jacobian(&[10.0, 100.0, 1e-6], &mut z, &mut jac);
/// assert!((z[2].re - 110.0).abs() < 0.01); // at 1 Hz the capacitor is nearly open
/// assert!((jac[0].re - 1.0).abs() < 1e-12); // ∂Z/∂R0 = 1 at every frequency
/// # Ok::<(), eisfit::CircuitError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Evaluator {
    ops: Vec<Op>,
    children: Vec<usize>,
    elems: Vec<CompiledElement>,
    freqs: Vec<FreqPoint>,
    n_params: usize,
    /// Impedance of every node at every frequency, node-major: `node_z[k * n_freq + i]`.
    node_z: Vec<Complex64>,
    /// Admittance 1/Z of every child of a parallel node, node-major like `node_z` (unused for other nodes).
    node_y: Vec<Complex64>,
    /// ∂Z_root/∂Z_node, node-major like `node_z`, for the children of parallel nodes.
    chain: Vec<Complex64>,
    /// For every node, the node whose `chain` rows hold its chain factor, or [`UNIT`].
    chain_of: Vec<usize>,
}

impl Evaluator {
    /// Compiles `circuit` for the frequencies `freq_hz` (Hz).
    #[must_use]
    pub fn new(circuit: &Circuit, freq_hz: &[f64]) -> Evaluator {
        Self::build(circuit, freq_hz, true)
    }

    /// Compiles `circuit` for `freq_hz`; with `pairs`, each R‖C and R‖CPE group becomes an [`Op::Pair`].
    pub(crate) fn build(circuit: &Circuit, freq_hz: &[f64], pairs: bool) -> Evaluator {
        let mut ev = Evaluator {
            ops: Vec::new(),
            children: Vec::new(),
            elems: Vec::new(),
            freqs: freq_hz.iter().map(|&f| FreqPoint::from_hz(f)).collect(),
            n_params: circuit.n_params(),
            node_z: Vec::new(),
            node_y: Vec::new(),
            chain: Vec::new(),
            chain_of: Vec::new(),
        };
        let mut offset = 0;
        ev.compile(circuit.root(), &mut offset, pairs);
        let n_ops = ev.ops.len();
        // Parents come after their children in post-order: walking backwards reaches every parent first.
        ev.chain_of = vec![UNIT; n_ops];
        for k in (0..n_ops).rev() {
            match ev.ops[k] {
                Op::Element(_) => {}
                // A pair's children are differentiated with respect to the pair's impedance by the pair itself.
                Op::Series(s, e) | Op::Pair(s, e) => {
                    for j in s..e {
                        ev.chain_of[ev.children[j]] = ev.chain_of[k];
                    }
                }
                Op::Parallel(s, e) => {
                    for j in s..e {
                        let c = ev.children[j];
                        ev.chain_of[c] = c;
                    }
                }
            }
        }
        ev.node_z = vec![ZERO; n_ops * freq_hz.len()];
        ev.node_y = vec![ZERO; n_ops * freq_hz.len()];
        ev.chain = vec![ZERO; n_ops * freq_hz.len()];
        ev
    }

    /// Appends `node` in post-order and returns its index.
    fn compile(&mut self, node: &Node, offset: &mut usize, pairs: bool) -> usize {
        match node {
            Node::Element(e) => {
                let n = e.kind().n_params();
                let idx = self.ops.len();
                self.elems.push(CompiledElement {
                    eval: e.kind().eval_fn(),
                    kind: e.kind(),
                    offset: *offset,
                    n_params: n,
                    node: idx,
                    in_pair: false,
                });
                *offset += n;
                self.ops.push(Op::Element(self.elems.len() - 1));
                idx
            }
            Node::Series(cs) | Node::Parallel(cs) => {
                let kids: Vec<usize> = cs.iter().map(|c| self.compile(c, offset, pairs)).collect();
                let start = self.children.len();
                self.children.extend(kids);
                let end = self.children.len();
                let op = match node {
                    Node::Series(_) => Op::Series(start, end),
                    _ if pairs && self.pair_kinds(start, end).is_some() => {
                        for j in start..end {
                            if let Op::Element(e) = self.ops[self.children[j]] {
                                self.elems[e].in_pair = true;
                            }
                        }
                        Op::Pair(start, end)
                    }
                    _ => Op::Parallel(start, end),
                };
                self.ops.push(op);
                self.ops.len() - 1
            }
        }
    }

    /// Number of frequencies.
    #[must_use]
    pub fn n_freq(&self) -> usize {
        self.freqs.len()
    }

    /// Number of parameters the circuit takes.
    #[must_use]
    pub fn n_params(&self) -> usize {
        self.n_params
    }

    /// Forward pass over all frequencies: fills `node_z` (node-major, `node_z[k * nf + i]`) and, when `jac` is
    /// non-empty, each element's gradient into its parameter columns of `jac`.
    fn forward(&mut self, params: &[f64], jac: &mut [Complex64]) {
        let nf = self.freqs.len();
        for k in 0..self.ops.len() {
            match self.ops[k] {
                Op::Element(e) => {
                    if !self.elems[e].in_pair {
                        self.element(e, params, jac);
                    }
                }
                Op::Series(s, e) => {
                    let (done, rest) = self.node_z.split_at_mut(k * nf);
                    let out = &mut rest[..nf];
                    out.fill(ZERO);
                    for &c in &self.children[s..e] {
                        for (o, zc) in out.iter_mut().zip(&done[c * nf..(c + 1) * nf]) {
                            *o += zc;
                        }
                    }
                }
                Op::Parallel(s, e) => self.parallel(k, s, e, params),
                Op::Pair(s, e) => {
                    if !self.pair(k, s, e, params, jac) {
                        self.pair_generic(k, s, e, params, jac);
                    }
                }
            }
        }
    }

    /// Element `e` on its own: its impedance into its `node_z` row and, unless `jac` is empty, its gradient
    /// into its columns.
    fn element(&mut self, e: usize, params: &[f64], jac: &mut [Complex64]) {
        let nf = self.freqs.len();
        let el = self.elems[e];
        let p = &params[el.offset..el.offset + el.n_params];
        let g: &mut [Complex64] = if jac.is_empty() {
            &mut []
        } else {
            &mut jac[el.offset * nf..(el.offset + el.n_params) * nf]
        };
        (el.eval)(p, &self.freqs, &mut self.node_z[el.node * nf..(el.node + 1) * nf], g);
    }

    /// Parallel node `k` with children `children[s..e]`, whose impedances are in `node_z`: Z = 1/Σ Yᵢ into its
    /// row, and each child's admittance into its `node_y` row.
    fn parallel(&mut self, k: usize, s: usize, e: usize, params: &[f64]) {
        let nf = self.freqs.len();
        let (done, rest) = self.node_z.split_at_mut(k * nf);
        let out = &mut rest[..nf];
        out.fill(ZERO);
        for &c in &self.children[s..e] {
            let ys = &mut self.node_y[c * nf..(c + 1) * nf];
            // 1/R is one division for all frequencies and jωC none; anything else, or a value outside the
            // normal range, goes through `admittance`.
            let direct = match self.ops[c] {
                Op::Element(k) => {
                    let el = &self.elems[k];
                    let v = params[el.offset];
                    match el.kind {
                        ElementKind::R if v > 0.0 && v.is_finite() => Some((1.0 / v, false)),
                        ElementKind::C if v > 0.0 && v < 1e100 => Some((v, true)),
                        _ => None,
                    }
                }
                _ => None,
            };
            match direct {
                Some((g, false)) => {
                    for (o, y) in out.iter_mut().zip(ys) {
                        *y = Complex64::new(g, 0.0);
                        *o += *y;
                    }
                }
                Some((cap, true)) => {
                    for ((o, y), f) in out.iter_mut().zip(ys).zip(&self.freqs) {
                        *y = Complex64::new(0.0, f.omega * cap);
                        *o += *y;
                    }
                }
                None => {
                    for ((o, zc), y) in out.iter_mut().zip(&done[c * nf..(c + 1) * nf]).zip(ys) {
                        *y = admittance(*zc);
                        *o += *y;
                    }
                }
            }
        }
        for o in out.iter_mut() {
            // An infinite admittance (a shorted child) shorts the whole group.
            *o = if o.re.is_infinite() { ZERO } else { admittance(*o) };
        }
    }

    /// The resistor and the capacitor or CPE of pair `k`, if `children[s..e]` is such a pair: (resistor,
    /// other) as element indices, and whether the other is a CPE.
    fn pair_kinds(&self, s: usize, e: usize) -> Option<(usize, usize, bool)> {
        let [a, b] = self.children.get(s..e)? else {
            return None;
        };
        let (Op::Element(a), Op::Element(b)) = (self.ops[*a], self.ops[*b]) else {
            return None;
        };
        let (r, o) = match (self.elems[a].kind, self.elems[b].kind) {
            (ElementKind::R, ElementKind::C | ElementKind::Cpe) => (a, b),
            (ElementKind::C | ElementKind::Cpe, ElementKind::R) => (b, a),
            _ => return None,
        };
        Some((r, o, self.elems[o].kind == ElementKind::Cpe))
    }

    /// Pair `k` (R‖C or R‖CPE) in one pass: Y = 1/R + Y₂ with Y₂ = jωC or Q(jω)ⁿ, Z = 1/Y, and the derivatives
    /// of Z itself, ∂Z/∂R = (Z/R)², ∂Z/∂C = −jω·Z², ∂Z/∂Q = −Z²·Y₂/Q and ∂Z/∂n = −Z²·Y₂·ln(jω). One division per
    /// frequency instead of three, and no chain factor of its own. Returns `false` when a parameter is outside
    /// the range where these formulas hold (R, C or Q not positive and finite, n not finite) or a value came out
    /// non-finite; [`Evaluator::pair_generic`] then evaluates the pair as any parallel node, overwriting what
    /// this wrote.
    fn pair(&mut self, k: usize, s: usize, e: usize, params: &[f64], jac: &mut [Complex64]) -> bool {
        let Some((r, o, cpe)) = self.pair_kinds(s, e) else {
            return false;
        };
        let nf = self.freqs.len();
        let (ro, oo) = (self.elems[r].offset, self.elems[o].offset);
        let rv = params[ro];
        let v = params[oo];
        let n = if cpe { params[oo + 1] } else { 1.0 };
        if !(rv > 0.0 && rv.is_finite() && v > 0.0 && v < 1e100 && n.is_finite()) {
            return false;
        }
        let g = 1.0 / rv;
        let out = &mut self.node_z[k * nf..(k + 1) * nf];
        let freqs = &self.freqs;
        // Whether every value is finite; Y₂ overflows, for example, for an exponent far outside [0, 1].
        let mut finite = true;
        if cpe {
            // Y₂ = e^{ln Q + n·ln ω}·e^{jnπ/2}: through the logarithm, so that Q·ωⁿ cannot overflow on its own.
            let rot = crate::elements::phase(n * std::f64::consts::FRAC_PI_2);
            let (ln_q, inv_q) = (v.ln(), 1.0 / v);
            // |Y₂| first, in a loop of its own: a call to `exp` inside the arithmetic below would make that loop
            // save and restore its registers around every call.
            for (zo, f) in out.iter_mut().zip(freqs) {
                *zo = Complex64::new((ln_q + n * f.ln_omega).exp(), 0.0);
            }
            if jac.is_empty() {
                for zo in out.iter_mut() {
                    let y2 = rot * zo.re;
                    *zo = inverse(Complex64::new(g, 0.0) + y2);
                    finite &= (zo.re + zo.im).is_finite();
                }
            } else {
                let (jr, jo) = two_columns(jac, nf, ro, oo);
                let (jq, jn) = jo.split_at_mut(nf);
                for (i, (zo, f)) in out.iter_mut().zip(freqs).enumerate() {
                    let y2 = rot * zo.re;
                    let z = inverse(Complex64::new(g, 0.0) + y2);
                    let z2 = z * z;
                    let m = -z2 * y2;
                    // (Z/R)² rather than Z²/R², which overflows for a tiny R.
                    let zg = z * g;
                    *zo = z;
                    jr[i] = zg * zg;
                    jq[i] = m * inv_q;
                    jn[i] = m * f.ln_jomega();
                    // The derivatives are finite products of these (∂Z/∂Q = −Z²·ωⁿ·e^{jnπ/2} however small Q is);
                    // one sum checks all four parts at once (a sum that overflows only sends this pair to the
                    // general evaluation).
                    finite &= (z.re + z.im + y2.re + y2.im).is_finite();
                }
            }
        } else if jac.is_empty() {
            for (zo, f) in out.iter_mut().zip(freqs) {
                *zo = inverse(Complex64::new(g, f.omega * v));
                finite &= (zo.re + zo.im).is_finite();
            }
        } else {
            let (jr, jc) = two_columns(jac, nf, ro, oo);
            for (i, (zo, f)) in out.iter_mut().zip(freqs).enumerate() {
                let z = inverse(Complex64::new(g, f.omega * v));
                let z2 = z * z;
                let zg = z * g;
                *zo = z;
                jr[i] = zg * zg;
                jc[i] = Complex64::new(z2.im * f.omega, -z2.re * f.omega);
                finite &= (z.re + z.im).is_finite();
            }
        }
        finite
    }

    /// Pair `k` evaluated like any parallel node, then its children's columns multiplied by their factor
    /// ∂Z_pair/∂Z_child = (Z_pair·Y_child)² (1 for a shorted child), so that they are derivatives of the pair's
    /// impedance as [`Evaluator::pair`] writes them.
    fn pair_generic(&mut self, k: usize, s: usize, e: usize, params: &[f64], jac: &mut [Complex64]) {
        let nf = self.freqs.len();
        for j in s..e {
            if let Op::Element(el) = self.ops[self.children[j]] {
                self.element(el, params, jac);
            }
        }
        self.parallel(k, s, e, params);
        if jac.is_empty() {
            return;
        }
        let zk = &self.node_z[k * nf..(k + 1) * nf];
        for &c in &self.children[s..e] {
            let Op::Element(el) = self.ops[c] else {
                continue;
            };
            let el = self.elems[el];
            let yc = &self.node_y[c * nf..(c + 1) * nf];
            for col in jac[el.offset * nf..(el.offset + el.n_params) * nf].chunks_exact_mut(nf) {
                for ((j, y), z) in col.iter_mut().zip(yc).zip(zk) {
                    if !y.re.is_infinite() {
                        let r = z * y;
                        *j *= r * r;
                    }
                }
            }
        }
    }

    /// Backward pass: chain factors ∂Z_root/∂Z_node for the children of parallel nodes, from `node_z` and
    /// `node_y`.
    fn backward(&mut self) {
        let nf = self.freqs.len();
        for k in (0..self.ops.len()).rev() {
            let Op::Parallel(s, e) = self.ops[k] else {
                continue;
            };
            let src = self.chain_of[k];
            let zk = &self.node_z[k * nf..(k + 1) * nf];
            for j in s..e {
                let c = self.children[j];
                // Children precede their parent in post-order, and a parent's factor lives in the rows of a node
                // at or after it, so the child's rows never overlap the parent's.
                let (lo, hi) = self.chain.split_at_mut(c * nf + nf);
                let child = &mut lo[c * nf..];
                let yc = &self.node_y[c * nf..(c + 1) * nf];
                for i in 0..nf {
                    // Y = ∞ (a shorted child): Z_parent ≈ Z_child and the derivative passes through unchanged.
                    child[i] = if yc[i].re.is_infinite() {
                        Complex64::new(1.0, 0.0)
                    } else {
                        let r = zk[i] * yc[i];
                        r * r
                    };
                }
                if src != UNIT {
                    let parent = &hi[(src - c - 1) * nf..(src - c) * nf];
                    for (ch, p) in child.iter_mut().zip(parent) {
                        *ch *= p;
                    }
                }
            }
        }
    }

    /// Computes Z at every frequency into `z`.
    ///
    /// # Panics
    /// If `params.len() != self.n_params()` or `z.len() != self.n_freq()`.
    pub fn impedance(&mut self, params: &[f64], z: &mut [Complex64]) {
        let nf = self.freqs.len();
        assert_eq!(params.len(), self.n_params, "parameter slice has the wrong length");
        assert_eq!(z.len(), nf, "output slice has the wrong length");
        self.forward(params, &mut []);
        z.copy_from_slice(&self.node_z[(self.ops.len() - 1) * nf..]);
    }

    /// Computes Z into `z` and the Jacobian into `jac`, parameter-major: `jac[p * n_freq + i]` = ∂Z(ωᵢ)/∂pₚ.
    ///
    /// # Panics
    /// If `params.len() != self.n_params()`, `z.len() != self.n_freq()` or
    /// `jac.len() != self.n_params() * self.n_freq()`.
    pub fn impedance_and_jacobian(&mut self, params: &[f64], z: &mut [Complex64], jac: &mut [Complex64]) {
        let nf = self.freqs.len();
        assert_eq!(params.len(), self.n_params, "parameter slice has the wrong length");
        assert_eq!(z.len(), nf, "output slice has the wrong length");
        assert_eq!(jac.len(), nf * self.n_params, "Jacobian slice has the wrong length");
        if self.n_params == 0 || nf == 0 {
            self.forward(params, &mut []);
        } else {
            self.forward(params, jac);
        }
        z.copy_from_slice(&self.node_z[(self.ops.len() - 1) * nf..]);
        self.backward();
        for el in &self.elems {
            let src = self.chain_of[el.node];
            if src == UNIT {
                continue;
            }
            let ch = &self.chain[src * nf..(src + 1) * nf];
            for p in el.offset..el.offset + el.n_params {
                for (j, c) in jac[p * nf..(p + 1) * nf].iter_mut().zip(ch) {
                    *j *= c;
                }
            }
        }
    }
}
