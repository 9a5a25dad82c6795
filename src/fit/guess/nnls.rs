//! Non-negative least squares, min ‖Ax − b‖ subject to x ≥ 0, by the Lawson–Hanson active-set method on the
//! normal equations.
//!
//! The start-value analysis solves one small problem per fit (about 2N ≈ 120 rows, 30–45 columns). Working on
//! the Gram matrix AᵀA, formed once, makes each active-set step a Cholesky solve of at most 45 unknowns, which is
//! an order of magnitude faster than re-triangularising A at every step. Squaring the condition number is
//! harmless here: the columns are normalised, a tiny ridge keeps the passive set positive definite, and the
//! result is only a start value that Levenberg–Marquardt refines.

use nalgebra::{DMatrix, DVector};

/// Solves min ‖Ax − b‖, x ≥ 0, given G = AᵀA and h = Aᵀb. Returns x (length of h).
///
/// The Cholesky factor of the passive set's Gram matrix is grown by one row when a variable enters (O(m²)) and
/// rebuilt only when variables leave, which is rarer; all buffers are allocated once.
pub(crate) fn nnls_normal(g: &DMatrix<f64>, h: &DVector<f64>) -> DVector<f64> {
    let k = h.len();
    let mut x = DVector::<f64>::zeros(k);
    let scale = g
        .diagonal()
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    let ridge = 1e-12 * scale;
    let tol = 1e-10 * h.amax().max(f64::MIN_POSITIVE);
    let mut passive = vec![false; k];
    let mut chol = PassiveCholesky::new(k);
    let mut w = vec![0.0; k];
    let mut z = vec![0.0; k];
    for _ in 0..3 * k + 10 {
        // Gradient of −½‖Ax − b‖²: w = h − Gx, summed over the passive set only (x is zero elsewhere, and the
        // passive set is a few of the 30–45 variables); the most promising inactive variable enters.
        w.copy_from_slice(h.as_slice());
        for &p in &chol.set {
            let xp = x[p];
            // Column p of the column-major G.
            for (wi, gi) in w.iter_mut().zip(&g.as_slice()[p * k..(p + 1) * k]) {
                *wi -= xp * gi;
            }
        }
        let Some(j) = (0..k)
            .filter(|&j| !passive[j] && w[j] > tol)
            .max_by(|&a, &b| w[a].total_cmp(&w[b]))
        else {
            break;
        };
        passive[j] = true;
        if !chol.push(g, j, ridge) {
            return x;
        }
        // Inner loop: solve on the passive set; step back towards feasibility while a variable goes negative.
        for _ in 0..3 * k + 10 {
            let m = chol.set.len();
            chol.solve(h, &mut z[..m]);
            if z[..m].iter().all(|&v| v > 0.0) {
                x.fill(0.0);
                for (p, &i) in chol.set.iter().enumerate() {
                    x[i] = z[p];
                }
                break;
            }
            let mut alpha = 1.0f64;
            for (p, &i) in chol.set.iter().enumerate() {
                if z[p] <= 0.0 {
                    let d = x[i] - z[p];
                    if d > 0.0 {
                        alpha = alpha.min(x[i] / d);
                    }
                }
            }
            for (p, &i) in chol.set.iter().enumerate() {
                x[i] += alpha * (z[p] - x[i]);
                if x[i] <= 1e-15 * scale {
                    x[i] = 0.0;
                    passive[i] = false;
                }
            }
            if !chol.keep(&passive, g, ridge) {
                return x;
            }
            if chol.set.is_empty() {
                break;
            }
        }
    }
    x
}

/// The passive set, in the order its variables entered, and the Cholesky factor L (lower triangular, row-major
/// with row stride k) of its Gram matrix plus the ridge: L·Lᵀ = G_PP + ridge·I. `u` holds Lᵀ row-major, so that
/// both triangular solves run along contiguous rows.
struct PassiveCholesky {
    k: usize,
    set: Vec<usize>,
    l: Vec<f64>,
    u: Vec<f64>,
}

impl PassiveCholesky {
    fn new(k: usize) -> Self {
        PassiveCholesky {
            k,
            set: Vec::with_capacity(k),
            l: vec![0.0; k * k],
            u: vec![0.0; k * k],
        }
    }

    /// Appends variable `j` and the new last row of L; `false` (with `j` not added) when G_PP + ridge·I is no
    /// longer positive definite.
    fn push(&mut self, g: &DMatrix<f64>, j: usize, ridge: f64) -> bool {
        let (k, m) = (self.k, self.set.len());
        let g = g.as_slice();
        let (done, row) = self.l.split_at_mut(m * k);
        let row = &mut row[..=m];
        for c in 0..m {
            let lc = &done[c * k..c * k + c + 1];
            let s = g[self.set[c] * k + j] - dot(&row[..c], &lc[..c]);
            row[c] = s / lc[c];
        }
        let d = g[j * k + j] + ridge - dot(&row[..m], &row[..m]);
        if !(d > 0.0 && d.is_finite()) {
            return false;
        }
        row[m] = d.sqrt();
        for (c, &v) in row.iter().enumerate() {
            self.u[c * k + m] = v;
        }
        self.set.push(j);
        true
    }

    /// Drops the variables no longer passive and refactorises what is left; `false` if that fails.
    fn keep(&mut self, passive: &[bool], g: &DMatrix<f64>, ridge: f64) -> bool {
        if self.set.iter().all(|&i| passive[i]) {
            return true;
        }
        let kept: Vec<usize> = self.set.iter().copied().filter(|&i| passive[i]).collect();
        self.set.clear();
        kept.into_iter().all(|i| self.push(g, i, ridge))
    }

    /// Solves (G_PP + ridge·I)·z = h_P into `z` (length of the set).
    fn solve(&self, h: &DVector<f64>, z: &mut [f64]) {
        let k = self.k;
        let m = self.set.len();
        for r in 0..m {
            let lr = &self.l[r * k..r * k + r + 1];
            z[r] = (h[self.set[r]] - dot(&lr[..r], &z[..r])) / lr[r];
        }
        for r in (0..m).rev() {
            let ur = &self.u[r * k..r * k + m];
            z[r] = (z[r] - dot(&ur[r + 1..], &z[r + 1..m])) / ur[r];
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn solve(a: &DMatrix<f64>, b: &DVector<f64>) -> DVector<f64> {
        nnls_normal(&(a.transpose() * a), &(a.transpose() * b))
    }

    #[test]
    fn unconstrained_solution_when_it_is_positive() {
        let a = DMatrix::from_row_slice(4, 2, &[1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 1.0]);
        let x_true = DVector::from_vec(vec![2.0, 3.0]);
        let x = solve(&a, &(&a * &x_true));
        assert_relative_eq!(x, x_true, epsilon = 1e-9);
    }

    #[test]
    fn clamps_a_negative_component_to_zero() {
        // Least squares alone gives x = (1, −1); with x ≥ 0 the optimum is (0.5, 0)… checked by KKT below.
        let a = DMatrix::from_row_slice(3, 2, &[1.0, 1.0, 1.0, 0.0, 0.0, 1.0]);
        let b = DVector::from_vec(vec![0.0, 1.0, -1.0]);
        let x = solve(&a, &b);
        assert!(x.iter().all(|&v| v >= 0.0));
        // KKT: gradient Aᵀ(b − Ax) is ≤ 0 where x = 0 and ≈ 0 where x > 0.
        let grad = a.transpose() * (&b - &a * &x);
        for i in 0..2 {
            if x[i] > 0.0 {
                assert!(grad[i].abs() < 1e-9);
            } else {
                assert!(grad[i] <= 1e-9);
            }
        }
        assert_relative_eq!(x[0], 0.5, epsilon = 1e-9);
    }

    /// The exact NNLS optimum by enumeration: the best of the unconstrained least-squares solutions on every
    /// subset of the columns that are non-negative.
    fn brute_force(a: &DMatrix<f64>, b: &DVector<f64>) -> f64 {
        let k = a.ncols();
        let mut best = b.norm_squared();
        for mask in 1u32..(1 << k) {
            let cols: Vec<usize> = (0..k).filter(|&c| mask & (1 << c) != 0).collect();
            let sub = DMatrix::from_fn(a.nrows(), cols.len(), |r, c| a[(r, cols[c])]);
            let Some(z) = (sub.transpose() * &sub)
                .cholesky()
                .map(|ch| ch.solve(&(sub.transpose() * b)))
            else {
                continue;
            };
            if z.iter().all(|&v| v >= 0.0) {
                best = best.min((b - &sub * z).norm_squared());
            }
        }
        best
    }

    proptest::proptest! {
        #[test]
        fn reaches_the_exact_optimum_of_small_problems(
            k in 1usize..7,
            rows in 8usize..16,
            vals in proptest::collection::vec(-1.0f64..1.0, 16 * 7 + 16),
        ) {
            // Random columns and a right-hand side that makes some constraints active and others not.
            let a = DMatrix::from_fn(rows, k, |r, c| vals[c * 16 + r]);
            let b = DVector::from_fn(rows, |r, _| vals[7 * 16 + r]);
            let x = solve(&a, &b);
            proptest::prop_assert!(x.iter().all(|&v| v >= 0.0));
            let got = (&b - &a * &x).norm_squared();
            let want = brute_force(&a, &b);
            proptest::prop_assert!(got <= want * (1.0 + 1e-8) + 1e-12, "{got} vs the optimum {want}");
        }
    }
}
