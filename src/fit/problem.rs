//! The least-squares problem handed to Levenberg–Marquardt: stacked, weighted real and imaginary residuals over
//! the free parameters, in their transformed (unbounded) coordinates.

use super::transform::Transform;
use crate::circuit::Evaluator;
use levenberg_marquardt::LeastSquaresProblem;
use nalgebra::{DMatrix, DVector, Dyn, Owned};
use num_complex::Complex64;
use std::cell::{Cell, RefCell};

/// Scratch buffers for one evaluation.
#[derive(Debug)]
struct Scratch {
    ev: Evaluator,
    full: Vec<f64>,
    z: Vec<Complex64>,
    jac: Vec<Complex64>,
}

/// Residuals r = [w′ᵢ(Ẑ′ᵢ − Z′ᵢ) …, w″ᵢ(Ẑ″ᵢ − Z″ᵢ) …] as a function of the internal free parameters x.
#[derive(Debug)]
pub(crate) struct Problem<'a> {
    data: &'a [Complex64],
    w_re: &'a [f64],
    w_im: &'a [f64],
    /// Indices of the free parameters in the full parameter vector.
    free: &'a [usize],
    transforms: &'a [Transform],
    x: DVector<f64>,
    scratch: RefCell<Scratch>,
    /// Jacobian evaluations, one per LM iteration.
    pub(crate) n_jacobians: Cell<usize>,
    /// Residual evaluations.
    pub(crate) n_residuals: Cell<usize>,
}

impl<'a> Problem<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        ev: Evaluator,
        data: &'a [Complex64],
        w_re: &'a [f64],
        w_im: &'a [f64],
        full: Vec<f64>,
        free: &'a [usize],
        transforms: &'a [Transform],
        x0: DVector<f64>,
    ) -> Self {
        let nf = data.len();
        let np = full.len();
        let mut p = Problem {
            data,
            w_re,
            w_im,
            free,
            transforms,
            x: x0.clone(),
            scratch: RefCell::new(Scratch {
                ev,
                full,
                z: vec![Complex64::new(0.0, 0.0); nf],
                jac: vec![Complex64::new(0.0, 0.0); nf * np],
            }),
            n_jacobians: Cell::new(0),
            n_residuals: Cell::new(0),
        };
        p.set_params(&x0);
        p
    }

    /// The full external parameter vector at the current x.
    pub(crate) fn full_params(&self) -> Vec<f64> {
        self.scratch.borrow().full.clone()
    }
}

impl LeastSquaresProblem<f64, Dyn, Dyn> for Problem<'_> {
    type ResidualStorage = Owned<f64, Dyn>;
    type JacobianStorage = Owned<f64, Dyn, Dyn>;
    type ParameterStorage = Owned<f64, Dyn>;

    fn set_params(&mut self, x: &DVector<f64>) {
        self.x.copy_from(x);
        let s = self.scratch.get_mut();
        for ((&i, t), &xi) in self.free.iter().zip(self.transforms).zip(x.iter()) {
            s.full[i] = t.to_external(xi);
        }
    }

    fn params(&self) -> DVector<f64> {
        self.x.clone()
    }

    fn residuals(&self) -> Option<DVector<f64>> {
        self.n_residuals.set(self.n_residuals.get() + 1);
        let mut s = self.scratch.borrow_mut();
        let Scratch { ev, full, z, .. } = &mut *s;
        ev.impedance(full, z);
        let n = self.data.len();
        let mut r = DVector::zeros(2 * n);
        let (re, im) = r.as_mut_slice().split_at_mut(n);
        for i in 0..n {
            let d = z[i] - self.data[i];
            re[i] = self.w_re[i] * d.re;
            im[i] = self.w_im[i] * d.im;
        }
        // A trial point where the model is not finite (an element pushed outside its domain) gets a huge but
        // finite residual, so LM rejects the step and shrinks its trust region instead of stopping.
        for v in r.iter_mut() {
            if !v.is_finite() {
                *v = 1e100;
            }
        }
        Some(r)
    }

    fn jacobian(&self) -> Option<DMatrix<f64>> {
        self.n_jacobians.set(self.n_jacobians.get() + 1);
        let mut s = self.scratch.borrow_mut();
        let Scratch { ev, full, z, jac } = &mut *s;
        ev.impedance_and_jacobian(full, z, jac);
        let n = self.data.len();
        let mut j = DMatrix::zeros(2 * n, self.free.len());
        for (col, (&p, t)) in self.free.iter().zip(self.transforms).enumerate() {
            let dpdx = t.derivative(self.x[col]);
            let src = &jac[p * n..(p + 1) * n];
            // Column-major storage: column `col` is one contiguous slice, real rows then imaginary rows.
            let rows = 2 * n;
            let (re, im) = j.as_mut_slice()[col * rows..(col + 1) * rows].split_at_mut(n);
            for i in 0..n {
                re[i] = self.w_re[i] * src[i].re * dpdx;
                im[i] = self.w_im[i] * src[i].im * dpdx;
            }
        }
        // Only reached at accepted (finite) points; a derivative that still overflows carries no usable direction.
        for v in j.iter_mut() {
            if !v.is_finite() {
                *v = 0.0;
            }
        }
        Some(j)
    }
}
