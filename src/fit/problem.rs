//! The least-squares problem handed to Levenberg–Marquardt: stacked, weighted real and imaginary residuals over
//! the free parameters, in their transformed (unbounded) coordinates.

use super::qr::Compressor;
use super::transform::Transform;
use crate::circuit::{Circuit, Evaluator};
use levenberg_marquardt::{LeastSquaresProblem, LevenbergMarquardt, MinimizationReport};
use nalgebra::{Const, DMatrix, DVector, Dyn, Owned, SMatrix, SVector};
use num_complex::Complex64;
use std::cell::{Cell, RefCell};

/// The largest change of a log- or logit-transformed coordinate in one step: ln 100, so one iteration changes a
/// positive parameter by at most a factor of 100 (and a two-sided one by as much in odds).
///
/// MINPACK's trust region is an ellipsoid scaled by the Jacobian's column norms, so a parameter the data barely
/// constrain at the start may take an enormous step. On the bench's 4-arc cathode spectrum from impedance.py's
/// start values, the first steps sent a CPE to Q ≈ 8, n ≈ 0.004 (a resistor in disguise), and the fit needed
/// 89 iterations to crawl back; with this cap it needs 16 and ends at the same minimum.
pub(crate) const MAX_STEP: f64 = std::f64::consts::LN_10 * 2.0;

/// Relative increase of ‖r‖² over the anchor's beyond which a trial point is certainly rejected by the solver
/// (see [`Problem::evaluate`]).
const SURE_REJECTION: f64 = 1e-10;

/// The residual entry that stands for "reject this point": a step that leaves the model's domain (a non-finite
/// impedance) or moves further than [`MAX_STEP`] gets residuals of this size, a norm far above any real one but
/// finite, so the solver rejects the step and shrinks its trust region instead of stopping on a NaN.
///
/// These made-up residuals, and the `[0, …, 0, ‖r‖]` of a sure rejection, are sound because levenberg-marquardt
/// 0.15.0 reads only the norm of a rejected trial's residuals (Cargo.toml pins that exact version); the test
/// `problem::contract` runs spectra through this problem and a plain stacked one and finds the same iterates.
pub(crate) const REJECTED_RESIDUAL: f64 = 1e100;

/// Buffers for evaluating one (circuit, spectrum, free-parameter set): the compiled evaluator, the model and its
/// Jacobian, the weighted residual and the compression workspace. Building one compiles the circuit and allocates;
/// a fit keeps them (see `Context::workspace`) for its next local run and for its statistics.
#[derive(Debug)]
pub(crate) struct Workspace {
    pub(crate) ev: Evaluator,
    full: Vec<f64>,
    pub(crate) z: Vec<Complex64>,
    pub(crate) jac: Vec<Complex64>,
    /// The parameters `z` and `jac` were last computed at (empty before the first evaluation).
    model_at: Vec<f64>,
    /// The weighted residual (overwritten by Qᵀr when Householder compression is used).
    r: Vec<f64>,
    pub(crate) qr: Compressor,
    /// R of the last compression (n × n, column-major).
    pub(crate) rmat: Vec<f64>,
    /// r̃ = [c; ρ] of the last compression.
    rt: Vec<f64>,
    /// Whether `rmat` belongs to the current parameters.
    fresh: bool,
}

impl Workspace {
    /// Buffers for `circuit` at the frequencies `freq_hz` with `nx` free parameters.
    pub(crate) fn new(circuit: &Circuit, freq_hz: &[f64], nx: usize) -> Self {
        let nf = freq_hz.len();
        let np = circuit.n_params();
        Workspace {
            ev: Evaluator::new(circuit, freq_hz),
            full: vec![0.0; np],
            z: vec![Complex64::new(0.0, 0.0); nf],
            jac: vec![Complex64::new(0.0, 0.0); nf * np],
            model_at: Vec::with_capacity(np),
            r: vec![0.0; 2 * nf],
            qr: Compressor::new(2 * nf, nx),
            rmat: vec![0.0; nx * nx],
            rt: vec![0.0; nx + 1],
            fresh: false,
        }
    }

    /// The number of free parameters the buffers are sized for.
    pub(crate) fn nx(&self) -> usize {
        self.rt.len() - 1
    }

    /// Computes Z and ∂Z/∂p at `params` into `z` and `jac`, unless they already hold exactly that point: the
    /// statistics of a fit are taken at its final point, which the solver has usually just evaluated.
    pub(crate) fn model_at(&mut self, params: &[f64]) {
        let held = self.model_at.len() == params.len()
            && self
                .model_at
                .iter()
                .zip(params)
                .all(|(a, b)| a.to_bits() == b.to_bits());
        if !held {
            self.ev.impedance_and_jacobian(params, &mut self.z, &mut self.jac);
            self.model_at.clear();
            self.model_at.extend_from_slice(params);
        }
    }
}

/// Residuals r = [w′ᵢ(Ẑ′ᵢ − Z′ᵢ), w″ᵢ(Ẑ″ᵢ − Z″ᵢ), …] as a function of the internal free parameters x, handed to
/// the solver in compressed form (see [`super::qr`]): n + 1 residuals `[c; ρ]` and the Jacobian `[R; 0]`,
/// which give the solver the same objective, gradient and Gauss–Newton matrix as the 2N stacked rows at a
/// fraction of its per-iteration cost. Every evaluation therefore computes the analytic Jacobian too.
#[derive(Debug)]
pub(crate) struct Problem<'a> {
    data: &'a [Complex64],
    /// Weights of the real and imaginary parts, as the real and imaginary parts of one complex number.
    w: &'a [Complex64],
    /// Indices of the free parameters in the full parameter vector.
    free: &'a [usize],
    transforms: &'a [Transform],
    x: DVector<f64>,
    scratch: RefCell<Workspace>,
    /// x at the last Jacobian evaluation, i.e. the solver's current accepted point; empty before the first.
    anchor: RefCell<Vec<f64>>,
    /// ‖r‖² at the anchor (infinite before the first Jacobian): a trial point whose ‖r‖² exceeds it by more
    /// than [`SURE_REJECTION`] is one the solver rejects, so its residual is not compressed.
    anchor_ss: Cell<f64>,
    /// Jacobian evaluations, one per LM iteration.
    pub(crate) n_jacobians: Cell<usize>,
    /// Residual evaluations (a trial step rejected by [`MAX_STEP`] is not evaluated and not counted).
    pub(crate) n_residuals: Cell<usize>,
}

impl<'a> Problem<'a> {
    /// The problem at the start `full` (every parameter, external values; the free ones are overwritten from
    /// `x0`), evaluated with the buffers of `ws`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        mut ws: Workspace,
        data: &'a [Complex64],
        w: &'a [Complex64],
        full: &[f64],
        free: &'a [usize],
        transforms: &'a [Transform],
        x0: DVector<f64>,
    ) -> Self {
        let nx = free.len();
        debug_assert!(ws.full.len() == full.len() && ws.z.len() == data.len() && ws.rt.len() == nx + 1);
        ws.full.copy_from_slice(full);
        let mut p = Problem {
            data,
            w,
            free,
            transforms,
            x: x0.clone(),
            scratch: RefCell::new(ws),
            anchor: RefCell::new(Vec::with_capacity(nx)),
            anchor_ss: Cell::new(f64::INFINITY),
            n_jacobians: Cell::new(0),
            n_residuals: Cell::new(0),
        };
        p.store_params(x0.as_slice());
        p
    }

    /// The full external parameter vector at the current x, and the buffers back.
    pub(crate) fn finish(self) -> (Vec<f64>, Workspace) {
        let ws = self.scratch.into_inner();
        (ws.full.clone(), ws)
    }

    /// Evaluates the weighted residual and Jacobian at the current x and compresses them into `rt` and `rmat`.
    ///
    /// With `trial`, a point whose ‖r‖² is above the anchor's by more than [`SURE_REJECTION`] is not compressed:
    /// `rt` gets `[0, …, 0, ‖r‖]`, which has the right norm. The solver accepts a step only when the objective
    /// decreases (its ratio of actual to predicted reduction must reach 10⁻⁴, and the predicted reduction is never
    /// negative), so it only reads that norm and discards the vector; the margin is far above the rounding by
    /// which its norm of `rt` can differ from this one.
    fn evaluate(&self, s: &mut Workspace, trial: bool) {
        let Workspace {
            ev,
            full,
            z,
            jac,
            model_at,
            r,
            qr,
            rmat,
            rt,
            fresh,
        } = s;
        ev.impedance_and_jacobian(full, z, jac);
        model_at.clone_from(full);
        let n = self.data.len();
        // The rows are interleaved, real and imaginary part of each point side by side: the order of the rows
        // changes neither JᵀJ nor Jᵀr nor ‖r‖, and this order is the memory layout of the complex model and
        // Jacobian, so both loops below work on pairs of lanes without shuffling.
        for (i, rr) in r.chunks_exact_mut(2).enumerate() {
            let d = z[i] - self.data[i];
            rr[0] = self.w[i].re * d.re;
            rr[1] = self.w[i].im * d.im;
        }
        if trial {
            let ss = super::qr::dot(r, r);
            if ss.is_nan() || ss > self.anchor_ss.get() * (1.0 + SURE_REJECTION) {
                rt.fill(0.0);
                let last = rt.len() - 1;
                // A non-finite model gets a huge but finite norm, so the step is rejected like any other.
                rt[last] = if ss.is_finite() { ss.sqrt() } else { REJECTED_RESIDUAL };
                *fresh = false;
                return;
            }
        }
        let a = qr.matrix_mut();
        let rows = 2 * n;
        for (col, (&p, t)) in self.free.iter().zip(self.transforms).enumerate() {
            let dpdx = t.derivative(self.x[col]);
            let src = &jac[p * n..(p + 1) * n];
            // Column-major storage: column `col` is one contiguous slice.
            for ((aa, s), w) in a[col * rows..(col + 1) * rows].chunks_exact_mut(2).zip(src).zip(self.w) {
                aa[0] = w.re * dpdx * s.re;
                aa[1] = w.im * dpdx * s.im;
            }
        }
        // The normal equations when they are well enough conditioned (nearly always), Householder otherwise. The
        // normal equations also decline any non-finite entry (their sums are then not finite), so only then are
        // the values cleaned up.
        if !qr.compress_normal(r, rmat, rt) {
            // A trial point where the model is not finite (an element pushed outside its domain) gets a huge but
            // finite residual, so LM rejects the step and shrinks its trust region instead of stopping.
            for v in r.iter_mut() {
                if !v.is_finite() {
                    *v = REJECTED_RESIDUAL;
                }
            }
            // A derivative that overflows carries no usable direction.
            for v in qr.matrix_mut().iter_mut() {
                if !v.is_finite() {
                    *v = 0.0;
                }
            }
            qr.compress(r, rmat, rt);
        }
        *fresh = true;
    }

    /// One residual evaluation: the compressed residual r̃ at the current x.
    fn compressed_residuals(&self) -> std::cell::Ref<'_, [f64]> {
        if self.too_far() {
            let mut s = self.scratch.borrow_mut();
            s.rt.fill(REJECTED_RESIDUAL);
            s.fresh = false;
        } else {
            self.n_residuals.set(self.n_residuals.get() + 1);
            self.evaluate(&mut self.scratch.borrow_mut(), true);
        }
        std::cell::Ref::map(self.scratch.borrow(), |s| s.rt.as_slice())
    }

    /// One Jacobian evaluation: R (n × n, column-major) at the current x.
    fn compressed_jacobian(&self) -> std::cell::Ref<'_, [f64]> {
        self.n_jacobians.set(self.n_jacobians.get() + 1);
        // The solver asks for the Jacobian right after the residuals at the same point; R is cached from there.
        if !self.scratch.borrow().fresh {
            self.evaluate(&mut self.scratch.borrow_mut(), false);
        }
        self.anchor_ss.set(self.scratch.borrow().rt.iter().map(|v| v * v).sum());
        let mut a = self.anchor.borrow_mut();
        a.clear();
        a.extend(self.x.iter());
        std::cell::Ref::map(self.scratch.borrow(), |s| s.rmat.as_slice())
    }

    /// Whether the current (trial) x moves a log- or logit-transformed coordinate by more than [`MAX_STEP`] from
    /// the last accepted point. Such a step is rejected unevaluated, as the solver rejects a step that does not
    /// reduce the objective: it shrinks its trust region and tries a shorter one.
    fn too_far(&self) -> bool {
        let a = self.anchor.borrow();
        !a.is_empty()
            && a.iter()
                .zip(self.x.iter())
                .zip(self.transforms)
                .any(|((a, x), t)| !matches!(t, Transform::Identity) && (a - x).abs() > MAX_STEP)
    }

    fn store_params(&mut self, x: &[f64]) {
        self.x.copy_from_slice(x);
        let s = self.scratch.get_mut();
        for ((&i, t), &xi) in self.free.iter().zip(self.transforms).zip(x) {
            s.full[i] = t.to_external(xi);
        }
        s.fresh = false;
    }

    /// Minimises with `lm`, on statically sized matrices when there are at most 16 free parameters (the solver's
    /// bookkeeping is then free of heap allocation and its loops have fixed bounds), dynamically sized beyond.
    pub(crate) fn minimize(self, lm: &LevenbergMarquardt<f64>) -> (Self, MinimizationReport<f64>) {
        macro_rules! dispatch {
            ($($n:literal => $m:literal),*) => {
                match self.free.len() {
                    $($n => lm.minimize::<Const<$n>, Const<$m>, _>(self),)*
                    _ => lm.minimize::<Dyn, Dyn, _>(self),
                }
            };
        }
        dispatch!(1 => 2, 2 => 3, 3 => 4, 4 => 5, 5 => 6, 6 => 7, 7 => 8, 8 => 9, 9 => 10, 10 => 11, 11 => 12,
            12 => 13, 13 => 14, 14 => 15, 15 => 16, 16 => 17)
    }
}

impl LeastSquaresProblem<f64, Dyn, Dyn> for Problem<'_> {
    type ResidualStorage = Owned<f64, Dyn>;
    type JacobianStorage = Owned<f64, Dyn, Dyn>;
    type ParameterStorage = Owned<f64, Dyn>;

    fn set_params(&mut self, x: &DVector<f64>) {
        self.store_params(x.as_slice());
    }

    fn params(&self) -> DVector<f64> {
        self.x.clone()
    }

    fn residuals(&self) -> Option<DVector<f64>> {
        Some(DVector::from_column_slice(&self.compressed_residuals()))
    }

    fn jacobian(&self) -> Option<DMatrix<f64>> {
        let nx = self.free.len();
        let rmat = self.compressed_jacobian();
        let mut j = DMatrix::zeros(nx + 1, nx);
        for col in 0..nx {
            j.view_mut((0, col), (nx, 1))
                .copy_from_slice(&rmat[col * nx..(col + 1) * nx]);
        }
        Some(j)
    }
}

/// The same problem on statically sized matrices: N free parameters, M = N + 1 compressed rows.
macro_rules! static_problem {
    ($($n:literal => $m:literal),*) => {$(
        impl LeastSquaresProblem<f64, Const<$m>, Const<$n>> for Problem<'_> {
            type ResidualStorage = Owned<f64, Const<$m>>;
            type JacobianStorage = Owned<f64, Const<$m>, Const<$n>>;
            type ParameterStorage = Owned<f64, Const<$n>>;

            fn set_params(&mut self, x: &SVector<f64, $n>) {
                self.store_params(x.as_slice());
            }

            fn params(&self) -> SVector<f64, $n> {
                SVector::from_column_slice(self.x.as_slice())
            }

            fn residuals(&self) -> Option<SVector<f64, $m>> {
                Some(SVector::from_column_slice(&self.compressed_residuals()))
            }

            fn jacobian(&self) -> Option<SMatrix<f64, $m, $n>> {
                let rmat = self.compressed_jacobian();
                let mut j = SMatrix::<f64, $m, $n>::zeros();
                for col in 0..$n {
                    j.fixed_view_mut::<$n, 1>(0, col).copy_from_slice(&rmat[col * $n..(col + 1) * $n]);
                }
                Some(j)
            }
        }
    )*};
}

static_problem!(1 => 2, 2 => 3, 3 => 4, 4 => 5, 5 => 6, 6 => 7, 7 => 8, 8 => 9, 9 => 10, 10 => 11, 11 => 12,
    12 => 13, 13 => 14, 14 => 15, 15 => 16, 16 => 17);

#[cfg(test)]
mod contract;
