//! The block-arrow Levenberg–Marquardt solver of a global fit.
//!
//! The unknowns are one block of local parameters per spectrum, x_k, and one block of global parameters, x_G
//! (shared values, and ln p_ref and E_A of each Arrhenius-tied parameter). Spectrum k's residuals depend on x_k
//! and x_G only, so JᵀJ has the block-arrow form
//!
//! ```text
//! | A_1        B_1 |      A_k = J_kᵀJ_k (local-local), B_k = J_kᵀJ_kG (local-global)
//! |     ⋱      ⋮   |      C = Σ J_kGᵀJ_kG (global-global)
//! |        A_K B_K |
//! | B_1ᵀ … B_Kᵀ C  |
//! ```
//!
//! and the damped normal equations are solved by eliminating the local blocks (Schur complement):
//! S = C + λD_G − Σ B_kᵀ(A_k + λD_k)⁻¹B_k, S·δ_G = −g_G + Σ B_kᵀ(A_k + λD_k)⁻¹g_k, then
//! δ_k = −(A_k + λD_k)⁻¹(g_k + B_k·δ_G). The cost is linear in the number of spectra; only S (global × global)
//! is factorised once per step. The covariance of the global parameters at the optimum is s²·S⁻¹ with λ = 0.

use super::model::{Model, SpectrumBlock};
use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;

/// Relative reduction of χ² below which an accepted step close to Gauss–Newton's ends the iteration (χ² is then
/// known to ten digits, far beyond its statistical meaning).
const FTOL: f64 = 1e-10;
/// Relative step below which an accepted step ends the iteration.
const XTOL: f64 = 1e-10;
/// Damping above which the solver gives up: no step, however short, reduces χ².
const LAMBDA_MAX: f64 = 1e16;

/// Why the iteration stopped.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Stop {
    /// χ² stopped decreasing.
    Ftol,
    /// The step became negligible.
    Xtol,
    /// No step reduced χ² any more (the optimum within rounding).
    NoReduction,
    /// The iteration budget ran out.
    MaxIterations,
    /// The model or its Jacobian is not finite at the start.
    NonFinite,
}

/// The state of the iteration: parameters, the blocks at them, the cost ½‖r‖².
pub(super) struct State {
    pub(super) local: Vec<DVector<f64>>,
    pub(super) global: DVector<f64>,
    pub(super) blocks: Vec<SpectrumBlock>,
    pub(super) cost: f64,
}

/// The solution of the damped block-arrow normal equations.
struct Step {
    local: Vec<DVector<f64>>,
    global: DVector<f64>,
}

/// Solves the damped normal equations; `None` when a block or the Schur complement is not positive definite.
fn solve(blocks: &[SpectrumBlock], d_loc: &[DVector<f64>], d_glob: &DVector<f64>, lambda: f64) -> Option<Step> {
    let ng = d_glob.len();
    // Per spectrum: (A_k + λD_k)⁻¹B_k and (A_k + λD_k)⁻¹g_k.
    let per: Vec<Option<(DMatrix<f64>, DVector<f64>)>> = blocks
        .par_iter()
        .zip(d_loc)
        .map(|(b, d)| {
            let mut a = b.a.clone();
            for i in 0..a.nrows() {
                a[(i, i)] += lambda * d[i];
            }
            let chol = a.cholesky()?;
            Some((chol.solve(&b.b), chol.solve(&b.g_loc)))
        })
        .collect();
    let mut s = DMatrix::<f64>::zeros(ng, ng);
    let mut rhs = DVector::<f64>::zeros(ng);
    for (b, p) in blocks.iter().zip(&per) {
        let (ainv_b, ainv_g) = p.as_ref()?;
        s += &b.c;
        s -= b.b.tr_mul(ainv_b);
        rhs -= &b.g_glob;
        rhs += b.b.tr_mul(ainv_g);
    }
    for i in 0..ng {
        s[(i, i)] += lambda * d_glob[i];
    }
    let global = if ng == 0 {
        DVector::zeros(0)
    } else {
        s.cholesky()?.solve(&rhs)
    };
    let local = per
        .into_iter()
        .flatten()
        .map(|(ainv_b, ainv_g)| -(ainv_g + ainv_b * &global))
        .collect();
    Some(Step { local, global })
}

/// Evaluates every spectrum's block at `local`, `global`; `None` if any is not finite.
pub(super) fn evaluate(model: &Model, local: &[DVector<f64>], global: &DVector<f64>) -> Option<Vec<SpectrumBlock>> {
    (0..model.n_spectra())
        .into_par_iter()
        .map(|k| model.block(k, &local[k], global))
        .collect()
}

/// ½‖r‖² at `local`, `global` (residuals only); infinity if not finite.
fn cost(model: &Model, local: &[DVector<f64>], global: &DVector<f64>) -> f64 {
    let c: f64 = (0..model.n_spectra())
        .into_par_iter()
        .map(|k| model.chi2(k, &local[k], global))
        .sum();
    if c.is_finite() {
        0.5 * c
    } else {
        f64::INFINITY
    }
}

/// Marquardt's scaling: the largest diagonal of JᵀJ seen so far, per parameter, floored at `floor` so that a
/// column that is (nearly) zero at the start, such as a resistance a start fit drove to 1e-300 in log coordinates,
/// is still damped instead of taking an unbounded step.
fn update_scale(d: &mut DVector<f64>, diag: impl Iterator<Item = f64>, floor: f64) {
    for (di, v) in d.iter_mut().zip(diag) {
        *di = di.max(v).max(floor);
    }
}

/// Runs Levenberg–Marquardt from `local`, `global`; returns the final state, why it stopped and the number of
/// iterations.
pub(super) fn minimise(
    model: &Model,
    local: Vec<DVector<f64>>,
    global: DVector<f64>,
    max_iterations: usize,
) -> (Option<State>, Stop, usize) {
    let Some(blocks) = evaluate(model, &local, &global) else {
        return (None, Stop::NonFinite, 0);
    };
    let cost0 = 0.5 * blocks.iter().map(|b| b.chi2).sum::<f64>();
    let mut st = State {
        local,
        global,
        blocks,
        cost: cost0,
    };
    let mut d_loc: Vec<DVector<f64>> = st.blocks.iter().map(|b| DVector::zeros(b.a.nrows())).collect();
    let mut d_glob = DVector::zeros(st.global.len());
    let mut lambda = 1e-3;
    let mut nu = 2.0;
    for it in 1..=max_iterations {
        let c_diag: DVector<f64> = st
            .blocks
            .iter()
            .fold(DVector::zeros(st.global.len()), |acc, b| acc + b.c.diagonal());
        // why: the unknowns are O(1) in their transformed coordinates (logarithms, logits), so a relative floor
        // keeps every step bounded without damping the well-determined directions.
        let largest = st
            .blocks
            .iter()
            .flat_map(|b| b.a.diagonal().iter().copied().collect::<Vec<_>>())
            .chain(c_diag.iter().copied())
            .fold(0.0_f64, f64::max);
        let floor = (1e-10 * largest).max(1e-300);
        for (d, b) in d_loc.iter_mut().zip(&st.blocks) {
            update_scale(d, b.a.diagonal().iter().copied(), floor);
        }
        update_scale(&mut d_glob, c_diag.iter().copied(), floor);
        loop {
            if lambda > LAMBDA_MAX {
                return (Some(st), Stop::NoReduction, it);
            }
            let Some(step) = solve(&st.blocks, &d_loc, &d_glob, lambda) else {
                lambda *= nu;
                nu *= 2.0;
                continue;
            };
            // Predicted reduction of ½‖r‖² by the linear model: ½(λ·δᵀDδ − gᵀδ), never negative.
            let mut pred = 0.0;
            let mut step_norm2 = 0.0;
            let mut x_norm2 = 0.0;
            for (((dk, b), d), x) in step.local.iter().zip(&st.blocks).zip(&d_loc).zip(&st.local) {
                pred += lambda * dk.component_mul(dk).dot(d) - b.g_loc.dot(dk);
                step_norm2 += dk.norm_squared();
                x_norm2 += x.norm_squared();
            }
            let g_glob = st
                .blocks
                .iter()
                .fold(DVector::zeros(st.global.len()), |acc, b| acc + &b.g_glob);
            pred += lambda * step.global.component_mul(&step.global).dot(&d_glob) - g_glob.dot(&step.global);
            pred *= 0.5;
            step_norm2 += step.global.norm_squared();
            x_norm2 += st.global.norm_squared();
            let new_local: Vec<DVector<f64>> = st.local.iter().zip(&step.local).map(|(x, d)| x + d).collect();
            let new_global = &st.global + &step.global;
            let new_cost = cost(model, &new_local, &new_global);
            let rho = (st.cost - new_cost) / pred;
            if new_cost.is_finite() && pred > 0.0 && rho > 1e-4 {
                let Some(blocks) = evaluate(model, &new_local, &new_global) else {
                    lambda *= nu;
                    nu *= 2.0;
                    continue;
                };
                let reduction = st.cost - new_cost;
                // why: a heavily damped step is short and gains little by construction; only a step close to
                // Gauss–Newton's that gains nothing (or barely moves) means the optimum is reached.
                let near_gauss_newton = lambda <= 1.0;
                st = State {
                    local: new_local,
                    global: new_global,
                    blocks,
                    cost: new_cost,
                };
                lambda *= (1.0 - (2.0 * rho - 1.0).powi(3)).max(1.0 / 3.0);
                nu = 2.0;
                if near_gauss_newton && reduction <= FTOL * st.cost {
                    return (Some(st), Stop::Ftol, it);
                }
                if near_gauss_newton && step_norm2.sqrt() <= XTOL * (x_norm2.sqrt() + XTOL) {
                    return (Some(st), Stop::Xtol, it);
                }
                break;
            }
            // why: a rejected step whose size is already at rounding level means the optimum is reached.
            if step_norm2.sqrt() <= 1e-3 * XTOL * (x_norm2.sqrt() + XTOL) {
                return (Some(st), Stop::NoReduction, it);
            }
            lambda *= nu;
            nu *= 2.0;
        }
    }
    (Some(st), Stop::MaxIterations, max_iterations)
}

/// The covariance of the undamped problem, scaled by `s2`: the global block s²·S⁻¹ and, per spectrum, the local
/// block s²·(A_k⁻¹ + W_k S⁻¹ W_kᵀ) with W_k = A_k⁻¹B_k. `None` when a block or S is singular.
pub(super) struct Covariance {
    pub(super) global: DMatrix<f64>,
    pub(super) local: Vec<DMatrix<f64>>,
}

pub(super) fn covariance(blocks: &[SpectrumBlock], ng: usize, s2: f64) -> Option<Covariance> {
    let per: Vec<(DMatrix<f64>, DMatrix<f64>)> = blocks
        .iter()
        .map(|b| {
            let chol = b.a.clone().cholesky()?;
            Some((chol.inverse(), chol.solve(&b.b)))
        })
        .collect::<Option<_>>()?;
    let mut s = DMatrix::<f64>::zeros(ng, ng);
    for (b, (_, w)) in blocks.iter().zip(&per) {
        s += &b.c;
        s -= b.b.tr_mul(w);
    }
    let s_inv = if ng == 0 {
        DMatrix::zeros(0, 0)
    } else {
        s.cholesky()?.inverse()
    };
    let local = per
        .into_iter()
        .map(|(a_inv, w)| (a_inv + &w * &s_inv * w.transpose()) * s2)
        .collect();
    Some(Covariance {
        global: s_inv * s2,
        local,
    })
}
