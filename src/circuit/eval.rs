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

use super::{Circuit, Node};
use crate::elements::{ElementKind, EvalFn, FreqPoint};
use num_complex::Complex64;

const ZERO: Complex64 = Complex64::new(0.0, 0.0);

/// `chain_of` entry of a node whose chain factor is 1 at every frequency.
const UNIT: usize = usize::MAX;

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
        ev.compile(circuit.root(), &mut offset);
        let n_ops = ev.ops.len();
        // Parents come after their children in post-order: walking backwards reaches every parent first.
        ev.chain_of = vec![UNIT; n_ops];
        for k in (0..n_ops).rev() {
            match ev.ops[k] {
                Op::Element(_) => {}
                Op::Series(s, e) => {
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
    fn compile(&mut self, node: &Node, offset: &mut usize) -> usize {
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
                });
                *offset += n;
                self.ops.push(Op::Element(self.elems.len() - 1));
                idx
            }
            Node::Series(cs) | Node::Parallel(cs) => {
                let kids: Vec<usize> = cs.iter().map(|c| self.compile(c, offset)).collect();
                let start = self.children.len();
                self.children.extend(kids);
                let end = self.children.len();
                self.ops.push(match node {
                    Node::Series(_) => Op::Series(start, end),
                    _ => Op::Parallel(start, end),
                });
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
            let (done, rest) = self.node_z.split_at_mut(k * nf);
            let out = &mut rest[..nf];
            match self.ops[k] {
                Op::Element(e) => {
                    let el = self.elems[e];
                    let p = &params[el.offset..el.offset + el.n_params];
                    let g: &mut [Complex64] = if jac.is_empty() {
                        &mut []
                    } else {
                        &mut jac[el.offset * nf..(el.offset + el.n_params) * nf]
                    };
                    (el.eval)(p, &self.freqs, out, g);
                }
                Op::Series(s, e) => {
                    out.fill(ZERO);
                    for &c in &self.children[s..e] {
                        for (o, zc) in out.iter_mut().zip(&done[c * nf..(c + 1) * nf]) {
                            *o += zc;
                        }
                    }
                }
                Op::Parallel(s, e) => {
                    out.fill(ZERO);
                    for &c in &self.children[s..e] {
                        let ys = &mut self.node_y[c * nf..(c + 1) * nf];
                        // 1/R is one division for all frequencies and jωC none; anything else, or a value
                        // outside the normal range, goes through `admittance`.
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
