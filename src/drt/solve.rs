//! Tikhonov-regularised least squares for the DRT: λ by (modified) generalised cross-validation on the
//! unconstrained problem, then the non-negative solution at that λ.
//!
//! The problem is min ‖Aγ + Ee − b‖² + λ‖Dγ‖², with A the weighted kernel (real and imaginary rows), E the
//! unpenalised columns (R∞ and the inductance), b the weighted data and D the second difference with γ = 0 beyond
//! the grid (a symmetric, invertible tridiagonal matrix). Projecting out E and substituting y = Dγ gives the
//! standard form min ‖Cy − b̃‖² + λ‖y‖² with C = (I − QQᵀ)AD⁻¹; one symmetric eigen-decomposition
//! CᵀC = V·diag(μ)·Vᵀ then gives the residual and the trace of the influence matrix for every λ in O(M), so the
//! whole λ curve costs one decomposition.

use crate::fit::guess::nnls::nnls_normal;
use nalgebra::{DMatrix, DVector, SymmetricEigen};

/// The chosen λ, its criterion, and the solution.
pub(crate) struct Solution {
    /// λ relative to the problem's scale, see [`Problem::lambda_scale`].
    pub lambda_rel: f64,
    /// γ at the nodes (non-negative).
    pub gamma: Vec<f64>,
    /// Coefficients of the unpenalised columns (non-negative).
    pub extra: Vec<f64>,
    /// Approximate posterior standard deviation of γ at each node (unconstrained Gaussian at the chosen λ).
    pub gamma_sd: Vec<f64>,
    /// Effective number of parameters, trace of the influence matrix (unpenalised columns included).
    pub effective_params: f64,
    /// Weighted residuals b − Aγ − Ee of the non-negative solution.
    pub residual: DVector<f64>,
}

/// A weighted, discretised DRT problem.
pub(crate) struct Problem {
    /// rows × M, column-major (nalgebra).
    pub a: DMatrix<f64>,
    /// Weight c_k ≥ 0 of each row of D in the penalty Σ c_k·(Dγ)_k² (all 1 for plain Tikhonov).
    pub penalty_weights: Vec<f64>,
    /// rows × p.
    pub e: DMatrix<f64>,
    pub b: DVector<f64>,
}

/// Products of the problem that do not depend on the penalty weights, computed once for both passes.
pub(crate) struct Prepared {
    /// Number of independent unpenalised columns.
    n_free: usize,
    /// G₀ = BᵀB and B·b̃ for B = (I − QQᵀ)·A·D⁻¹ (before the penalty weights).
    g0: DMatrix<f64>,
    g0b: DVector<f64>,
    /// ‖(I − QQᵀ)b‖².
    bb: f64,
    /// The blocks of the normal equations of the full problem.
    ata: DMatrix<f64>,
    ate: DMatrix<f64>,
    ete: DMatrix<f64>,
    atb: DVector<f64>,
    etb: DVector<f64>,
}

/// How λ is chosen.
#[derive(Copy, Clone, Debug)]
pub(crate) enum LambdaChoice {
    /// Minimise ‖r‖²/(m − ρ·tr H)² (ρ = 1: GCV).
    Gcv { rho: f64 },
    /// This λ, relative to the problem's scale.
    Fixed(f64),
}

impl Problem {
    /// λ is reported relative to trace(CᵀC)/M, the mean squared column norm of the standard-form matrix, so that
    /// its value does not depend on the magnitude of Z or the grid.
    fn lambda_scale(mu: &[f64]) -> f64 {
        (mu.iter().sum::<f64>() / mu.len() as f64).max(f64::MIN_POSITIVE)
    }

    /// The weight-independent products (see [`Prepared`]).
    pub fn prepare(&self) -> Prepared {
        let (rows, m) = self.a.shape();
        let p = self.e.ncols();
        // Orthonormal basis of E's columns (modified Gram–Schmidt), dropping a column that is dependent.
        let mut q: Vec<DVector<f64>> = Vec::new();
        for j in 0..p {
            let mut v = self.e.column(j).into_owned();
            for qi in &q {
                let d = qi.dot(&v);
                v.axpy(-d, qi, 1.0);
            }
            let nv = v.norm();
            if nv > 1e-12 * self.e.column(j).norm() && nv > 0.0 {
                q.push(v / nv);
            }
        }
        let project = |v: &mut DVector<f64>| {
            for qi in &q {
                let d = qi.dot(v);
                v.axpy(-d, qi, 1.0);
            }
        };
        // B = P·A·D⁻¹, row by row: each row of A·D⁻¹ solves D·cᵀ = aᵀ (D symmetric).
        let mut ap = self.a.clone();
        for j in 0..m {
            let mut col = ap.column(j).into_owned();
            project(&mut col);
            ap.set_column(j, &col);
        }
        let mut bp = self.b.clone();
        project(&mut bp);
        let mut c = DMatrix::<f64>::zeros(rows, m);
        let mut buf = vec![0.0; m];
        for r in 0..rows {
            for j in 0..m {
                buf[j] = ap[(r, j)];
            }
            solve_second_difference(&mut buf);
            for j in 0..m {
                c[(r, j)] = buf[j];
            }
        }
        Prepared {
            n_free: q.len(),
            g0: c.tr_mul(&c),
            g0b: c.tr_mul(&bp),
            bb: bp.norm_squared(),
            ata: self.a.tr_mul(&self.a),
            ate: self.a.tr_mul(&self.e),
            ete: self.e.tr_mul(&self.e),
            atb: self.a.tr_mul(&self.b),
            etb: self.e.tr_mul(&self.b),
        }
    }

    pub fn solve(&self, pre: &Prepared, choice: LambdaChoice) -> Option<Solution> {
        let (rows, m) = self.a.shape();
        let p = self.e.ncols();
        // With the penalty weights W: C = B·W⁻¹, so CᵀC = W⁻¹G₀W⁻¹ and Cᵀb̃ = W⁻¹B·b̃.
        let inv_w: Vec<f64> = self.penalty_weights.iter().map(|&c| 1.0 / c.sqrt()).collect();
        let mut ctc = pre.g0.clone();
        for i in 0..m {
            for j in 0..m {
                ctc[(i, j)] *= inv_w[i] * inv_w[j];
            }
        }
        let ctb = DVector::from_iterator(m, pre.g0b.iter().zip(&inv_w).map(|(v, w)| v * w));
        let eig = SymmetricEigen::new(ctc);
        let mu: Vec<f64> = eig.eigenvalues.iter().map(|&v| v.max(0.0)).collect();
        let beta = eig.eigenvectors.tr_mul(&ctb);
        let bb = pre.bb;
        let scale = Self::lambda_scale(&mu);
        let dof_data = (rows - pre.n_free) as f64;
        let curve = |lam: f64| -> (f64, f64) {
            let (mut fit, mut tr) = (0.0, 0.0);
            for (&mi, &bi) in mu.iter().zip(beta.iter()) {
                let s = mi + lam;
                fit += bi * bi * (mi + 2.0 * lam) / (s * s);
                tr += mi / s;
            }
            ((bb - fit).max(0.0), tr)
        };
        let lambda_rel = match choice {
            LambdaChoice::Fixed(l) => l,
            LambdaChoice::Gcv { rho } => {
                // A log grid over 14 decades, then a golden-section refinement around the best point.
                let score = |lr: f64| {
                    let (rss, tr) = curve(lr * scale);
                    let den = dof_data - rho * tr;
                    if den <= 0.0 {
                        f64::INFINITY
                    } else {
                        rss / (den * den)
                    }
                };
                let grid: Vec<f64> = (0..=84).map(|k| 10f64.powf(-12.0 + k as f64 / 6.0)).collect();
                let best = (0..grid.len())
                    .min_by(|&i, &j| score(grid[i]).total_cmp(&score(grid[j])))
                    .unwrap_or(0);
                let lo = grid[best.saturating_sub(1)].ln();
                let hi = grid[(best + 1).min(grid.len() - 1)].ln();
                golden_min(|x| score(x.exp()), lo, hi, 30).exp()
            }
        };
        let lam = lambda_rel * scale;
        let (_, tr) = curve(lam);
        // Non-negative solution of the full problem at this λ, on the normal equations.
        let n = m + p;
        let mut g = DMatrix::<f64>::zeros(n, n);
        g.view_mut((0, 0), (m, m)).copy_from(&pre.ata);
        g.view_mut((0, m), (m, p)).copy_from(&pre.ate);
        g.view_mut((m, 0), (p, m)).copy_from(&pre.ate.transpose());
        g.view_mut((m, m), (p, p)).copy_from(&pre.ete);
        // + λ·DᵀCD with D the [1, −2, 1] second difference and C the penalty weights (pentadiagonal).
        let cw = &self.penalty_weights;
        for (k, &ck) in cw.iter().enumerate() {
            let taps = [(k.wrapping_sub(1), 1.0), (k, -2.0), (k + 1, 1.0)];
            for &(i, di) in &taps {
                if i >= m {
                    continue;
                }
                for &(j, dj) in &taps {
                    if j < m {
                        g[(i, j)] += lam * ck * di * dj;
                    }
                }
            }
        }
        let mut h = DVector::<f64>::zeros(n);
        h.rows_mut(0, m).copy_from(&pre.atb);
        h.rows_mut(m, p).copy_from(&pre.etb);
        // Unit diagonal for the NNLS tolerances.
        let s: Vec<f64> = (0..n)
            .map(|i| {
                let d = g[(i, i)];
                if d > 0.0 {
                    1.0 / d.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        for i in 0..n {
            for j in 0..n {
                g[(i, j)] *= s[i] * s[j];
            }
            h[i] *= s[i];
        }
        let x = nnls_normal(&g, &h);
        let sol: Vec<f64> = (0..n).map(|i| x[i] * s[i]).collect();
        if sol.iter().any(|v| !v.is_finite()) {
            return None;
        }
        // Residual of the non-negative solution, for the noise level of the band.
        let mut r = self.b.clone();
        for (j, &x) in sol[..m].iter().enumerate() {
            r.axpy(-x, &self.a.column(j), 1.0);
        }
        for (j, &x) in sol[m..].iter().enumerate() {
            r.axpy(-x, &self.e.column(j), 1.0);
        }
        let s2 = r.norm_squared() / (dof_data - tr).max(1.0);
        // Cov(γ) ≈ s²·D⁻¹·V·diag(1/(μ + λ))·Vᵀ·D⁻¹: the diagonal from W = D⁻¹V.
        let mut var = vec![0.0; m];
        let mut col = vec![0.0; m];
        for (k, &mk) in mu.iter().enumerate() {
            for j in 0..m {
                col[j] = eig.eigenvectors[(j, k)] * inv_w[j];
            }
            solve_second_difference(&mut col);
            let f = 1.0 / (mk + lam);
            for j in 0..m {
                var[j] += col[j] * col[j] * f;
            }
        }
        Some(Solution {
            lambda_rel,
            gamma: sol[..m].to_vec(),
            extra: sol[m..].to_vec(),
            gamma_sd: var.iter().map(|v| (s2 * v).sqrt()).collect(),
            effective_params: tr + pre.n_free as f64,
            residual: r,
        })
    }
}

/// Solves D·x = v in place for the m×m tridiagonal D = [1, −2, 1] (Thomas algorithm; D is negative definite, so
/// no pivoting is needed).
fn solve_second_difference(v: &mut [f64]) {
    let m = v.len();
    let mut c = vec![0.0; m];
    // Forward sweep with diagonal −2 and off-diagonals 1.
    let mut denom = -2.0;
    c[0] = 1.0 / denom;
    v[0] /= denom;
    for i in 1..m {
        denom = -2.0 - c[i - 1];
        c[i] = 1.0 / denom;
        v[i] = (v[i] - v[i - 1]) / denom;
    }
    for i in (0..m - 1).rev() {
        v[i] -= c[i] * v[i + 1];
    }
}

/// Minimises f on [lo, hi] by golden-section search.
fn golden_min(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64, iters: usize) -> f64 {
    let g = 0.5 * (5f64.sqrt() - 1.0);
    let mut x1 = hi - g * (hi - lo);
    let mut x2 = lo + g * (hi - lo);
    let (mut f1, mut f2) = (f(x1), f(x2));
    for _ in 0..iters {
        if f1 <= f2 {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - g * (hi - lo);
            f1 = f(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + g * (hi - lo);
            f2 = f(x2);
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_difference_solve_inverts_the_operator() {
        let x = [0.3, -1.0, 2.0, 0.5, 4.0];
        let m = x.len();
        let mut v: Vec<f64> = (0..m)
            .map(|i| {
                let l = if i > 0 { x[i - 1] } else { 0.0 };
                let r = if i + 1 < m { x[i + 1] } else { 0.0 };
                l - 2.0 * x[i] + r
            })
            .collect();
        solve_second_difference(&mut v);
        for (a, b) in v.iter().zip(x) {
            assert!((a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn golden_section_finds_a_parabola_minimum() {
        let x = golden_min(|x| (x - 1.3) * (x - 1.3), -2.0, 4.0, 60);
        assert!((x - 1.3).abs() < 1e-6);
    }
}
