//! The model of a global fit: how each circuit parameter of each spectrum follows from the local and global
//! unknowns, and each spectrum's residuals, Jacobian and normal-equation blocks.

use super::super::transform::Transform;
use crate::arrhenius::ArrheniusLaw;
use crate::circuit::{Circuit, Evaluator};
use crate::consts::BOLTZMANN_EV_PER_K;
use nalgebra::{DMatrix, DVector};
use num_complex::Complex64;
use std::sync::Mutex;

/// One spectrum as the model takes it: frequencies (Hz), data, weights, temperature (K).
pub(super) type SpectrumInput = (Vec<f64>, Vec<Complex64>, Vec<Complex64>, f64);

/// How one circuit parameter is determined.
#[derive(Copy, Clone, Debug, PartialEq)]
pub(super) enum Role {
    /// Held at this value in every spectrum.
    Fixed(f64),
    /// Free in each spectrum: local unknown `slot`, through `transform`.
    Local { slot: usize, transform: Transform },
    /// One value for all spectra: global unknown `slot`, through `transform`.
    Shared { slot: usize, transform: Transform },
    /// p(T) = p_ref·f(T)·exp(E_A/k_B·(1/T − 1/T_ref)): global unknowns `slot` = ln p_ref and `slot + 1` = E_A (eV).
    Arrhenius { slot: usize },
}

/// One spectrum's data and evaluation buffers.
struct SpectrumData {
    data: Vec<Complex64>,
    weights: Vec<Complex64>,
    temperature_k: f64,
    buffers: Mutex<Buffers>,
}

struct Buffers {
    ev: Evaluator,
    z: Vec<Complex64>,
    jac: Vec<Complex64>,
}

/// The normal-equation blocks of one spectrum (see the solver's module docs) and its χ².
#[derive(Clone, Debug)]
pub(super) struct SpectrumBlock {
    pub(super) a: DMatrix<f64>,
    pub(super) b: DMatrix<f64>,
    pub(super) c: DMatrix<f64>,
    pub(super) g_loc: DVector<f64>,
    pub(super) g_glob: DVector<f64>,
    pub(super) chi2: f64,
}

/// The whole global problem.
pub(super) struct Model {
    pub(super) roles: Vec<Role>,
    pub(super) n_local: usize,
    pub(super) n_global: usize,
    pub(super) law: ArrheniusLaw,
    pub(super) t_ref_k: f64,
    spectra: Vec<SpectrumData>,
}

impl Model {
    /// A model of `circuit` over spectra given as (frequencies, data, weights, temperature in K).
    pub(super) fn new(circuit: &Circuit, roles: Vec<Role>, law: ArrheniusLaw, spectra: Vec<SpectrumInput>) -> Model {
        let count = |f: fn(&Role) -> usize| roles.iter().map(f).sum::<usize>();
        let n_local = count(|r| usize::from(matches!(r, Role::Local { .. })));
        let n_global = count(|r| match r {
            Role::Shared { .. } => 1,
            Role::Arrhenius { .. } => 2,
            _ => 0,
        });
        // The reference temperature 1/mean(1/T) makes ln p_ref and E_A nearly uncorrelated.
        let t_ref_k = spectra.len() as f64 / spectra.iter().map(|s| 1.0 / s.3).sum::<f64>();
        let spectra = spectra
            .into_iter()
            .map(|(f, data, weights, t)| {
                let np = circuit.n_params();
                SpectrumData {
                    buffers: Mutex::new(Buffers {
                        ev: Evaluator::new(circuit, &f),
                        z: vec![Complex64::new(0.0, 0.0); f.len()],
                        jac: vec![Complex64::new(0.0, 0.0); f.len() * np],
                    }),
                    data,
                    weights,
                    temperature_k: t,
                }
            })
            .collect();
        Model {
            roles,
            n_local,
            n_global,
            law,
            t_ref_k,
            spectra,
        }
    }

    pub(super) fn n_spectra(&self) -> usize {
        self.spectra.len()
    }

    /// Number of data points (frequencies) of spectrum `k`.
    pub(super) fn n_points(&self, k: usize) -> usize {
        self.spectra[k].data.len()
    }

    /// (1/T_k − 1/T_ref)/k_B, in 1/eV: ∂ ln p/∂E_A of an Arrhenius-tied parameter.
    pub(super) fn arrhenius_lever(&self, k: usize) -> f64 {
        (1.0 / self.spectra[k].temperature_k - 1.0 / self.t_ref_k) / BOLTZMANN_EV_PER_K
    }

    /// ln f(T_k): the law's prefactor factor relative to T_ref (ln(T/T_ref) for the T-prefactor law, 0 for plain).
    fn ln_law_factor(&self, k: usize) -> f64 {
        match self.law {
            ArrheniusLaw::TPrefactor => (self.spectra[k].temperature_k / self.t_ref_k).ln(),
            ArrheniusLaw::Plain => 0.0,
        }
    }

    /// The circuit's parameters of spectrum `k`.
    pub(super) fn params(&self, k: usize, local: &DVector<f64>, global: &DVector<f64>) -> Vec<f64> {
        self.roles
            .iter()
            .map(|r| match *r {
                Role::Fixed(v) => v,
                Role::Local { slot, transform } => transform.to_external(local[slot]),
                Role::Shared { slot, transform } => transform.to_external(global[slot]),
                Role::Arrhenius { slot } => {
                    (global[slot] + self.ln_law_factor(k) + global[slot + 1] * self.arrhenius_lever(k)).exp()
                }
            })
            .collect()
    }

    /// Σ r² of spectrum `k` (weighted residuals), NaN or ∞ if the model is not finite.
    pub(super) fn chi2(&self, k: usize, local: &DVector<f64>, global: &DVector<f64>) -> f64 {
        let s = &self.spectra[k];
        let p = self.params(k, local, global);
        let mut guard = s.buffers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Buffers { ev, z, .. } = &mut *guard;
        ev.impedance(&p, z);
        z.iter()
            .zip(&s.data)
            .zip(&s.weights)
            .map(|((m, d), w)| (w.re * (m.re - d.re)).powi(2) + (w.im * (m.im - d.im)).powi(2))
            .sum()
    }

    /// The weighted residuals r (real and imaginary part of each point, interleaved) of spectrum `k` and its
    /// Jacobian with respect to the local and the global unknowns.
    pub(super) fn jacobian(
        &self,
        k: usize,
        local: &DVector<f64>,
        global: &DVector<f64>,
    ) -> (DVector<f64>, DMatrix<f64>, DMatrix<f64>) {
        let s = &self.spectra[k];
        let p = self.params(k, local, global);
        let n = s.data.len();
        let mut guard = s.buffers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Buffers { ev, z, jac } = &mut *guard;
        ev.impedance_and_jacobian(&p, z, jac);
        let mut r = DVector::zeros(2 * n);
        for i in 0..n {
            let (d, w) = (z[i] - s.data[i], s.weights[i]);
            r[2 * i] = w.re * d.re;
            r[2 * i + 1] = w.im * d.im;
        }
        let mut jl = DMatrix::zeros(2 * n, self.n_local);
        let mut jg = DMatrix::zeros(2 * n, self.n_global);
        let lever = self.arrhenius_lever(k);
        let put = |m: &mut DMatrix<f64>, col: usize, j: usize, factor: f64| {
            for i in 0..n {
                let (dz, w) = (jac[j * n + i], s.weights[i]);
                m[(2 * i, col)] = w.re * factor * dz.re;
                m[(2 * i + 1, col)] = w.im * factor * dz.im;
            }
        };
        for (j, role) in self.roles.iter().enumerate() {
            match *role {
                Role::Fixed(_) => {}
                Role::Local { slot, transform } => put(&mut jl, slot, j, transform.derivative(local[slot])),
                Role::Shared { slot, transform } => put(&mut jg, slot, j, transform.derivative(global[slot])),
                Role::Arrhenius { slot } => {
                    // ∂p/∂ln p_ref = p, ∂p/∂E_A = p·(1/T − 1/T_ref)/k_B.
                    put(&mut jg, slot, j, p[j]);
                    put(&mut jg, slot + 1, j, p[j] * lever);
                }
            }
        }
        (r, jl, jg)
    }

    /// The normal-equation blocks of spectrum `k`; `None` if anything is not finite.
    pub(super) fn block(&self, k: usize, local: &DVector<f64>, global: &DVector<f64>) -> Option<SpectrumBlock> {
        let (r, jl, jg) = self.jacobian(k, local, global);
        let b = SpectrumBlock {
            a: jl.tr_mul(&jl),
            b: jl.tr_mul(&jg),
            c: jg.tr_mul(&jg),
            g_loc: jl.tr_mul(&r),
            g_glob: jg.tr_mul(&r),
            chi2: r.norm_squared(),
        };
        let finite = |m: &DMatrix<f64>| m.iter().all(|v| v.is_finite());
        (b.chi2.is_finite() && finite(&b.a) && finite(&b.b) && finite(&b.c)).then_some(b)
    }
}
