//! Compression of a tall least-squares problem to n + 1 rows.
//!
//! For a weighted Jacobian `J` (m × n, m > n) and residual `r` (m), any factorisation `JᵀJ = RᵀR` with R upper
//! triangular gives, with `c = R⁻ᵀJᵀr` and `ρ² = ‖r‖² − ‖c‖²`, `‖r + J·p‖² = ‖c + R·p‖² + ρ²` for every step `p`.
//! The (n + 1)-row problem `J̃ = [R; 0]`, `r̃ = [c; ρ]` therefore has the same objective, gradient `J̃ᵀr̃ = Jᵀr`,
//! Gauss–Newton matrix `J̃ᵀJ̃ = JᵀJ` and column norms as the original one, and Levenberg–Marquardt takes the same
//! steps on it. This is the storage-saving idea behind MINPACK's `lmstr`. Two ways to get R:
//!
//! - [`Compressor::compress_normal`]: the Cholesky factor of the column-scaled Gram matrix. It costs half the
//!   floating-point work of Householder QR and streams each column pair once, but squares the condition number,
//!   so it declines (returns `false`) when a pivot shows a column within 10⁻⁴ of the span of the others;
//! - [`Compressor::compress`]: Householder QR (then `c = Qₙᵀr` and `ρ = ‖r⊥‖`), accurate however ill-conditioned
//!   `J` is; the fallback, and the factor the statistics are computed from.

/// Smallest squared Cholesky pivot of the column-scaled Gram matrix (1 on its diagonal) that
/// [`Compressor::compress_normal`] accepts. A pivot is the squared sine of the angle between a column and the
/// span of the columns before it; 10⁻⁸ keeps the condition number of the scaled Jacobian below about 10⁴ per
/// column, so that the rounding of forming JᵀJ (about √m·ε relative to the pivot) changes no step by more than
/// about 10⁻⁶ relative.
const MIN_PIVOT: f64 = 1e-8;

/// Workspace for compressing one problem of fixed shape.
#[derive(Debug, Clone)]
pub(crate) struct Compressor {
    m: usize,
    n: usize,
    /// Householder vectors below the diagonal, R on and above it (column-major, m × n).
    a: Vec<f64>,
    /// Column scales of [`Compressor::compress_normal`].
    scale: Vec<f64>,
}

impl Compressor {
    /// A workspace for m × n problems.
    pub(crate) fn new(m: usize, n: usize) -> Self {
        Compressor {
            m,
            n,
            a: vec![0.0; m * n],
            scale: vec![0.0; n],
        }
    }

    /// The column-major m × n matrix to be factorised; fill it, then call [`Compressor::compress`].
    pub(crate) fn matrix_mut(&mut self) -> &mut [f64] {
        &mut self.a
    }

    /// Factorises the matrix in place and applies Qᵀ to `r` (length m, overwritten). Writes R (n × n,
    /// column-major, zero below the diagonal) to `r_out` and `[Qₙᵀr; ‖r⊥‖]` (length n + 1) to `rt_out`.
    pub(crate) fn compress(&mut self, r: &mut [f64], r_out: &mut [f64], rt_out: &mut [f64]) {
        let n = self.n;
        debug_assert!(r.len() == self.m && rt_out.len() == n + 1);
        self.factor(Some(&mut *r), r_out);
        rt_out[..n].copy_from_slice(&r[..n]);
        rt_out[n] = norm2(&r[n..]);
    }

    /// Compresses through the normal equations without touching the matrix: R from the Cholesky factorisation of
    /// the column-scaled JᵀJ, `c = R⁻ᵀJᵀr`, `ρ = √(‖r‖² − ‖c‖²)`, written like [`Compressor::compress`] writes
    /// them (`r` is left as it is). Returns `false`, having written nothing usable, when a column is zero, an
    /// entry of the matrix or of `r` is not finite, a sum overflows, or a pivot falls below [`MIN_PIVOT`]; the
    /// caller then uses [`Compressor::compress`] on the same matrix.
    pub(crate) fn compress_normal(&mut self, r: &[f64], r_out: &mut [f64], rt_out: &mut [f64]) -> bool {
        let (m, n) = (self.m, self.n);
        debug_assert!(r.len() == m && r_out.len() == n * n && rt_out.len() == n + 1);
        let a = &self.a;
        let col = |j: usize| &a[j * m..(j + 1) * m];
        // Column scales d_j = 1/‖a_j‖; the scaled Gram matrix then has a unit diagonal.
        let d = &mut self.scale;
        for (j, dj) in d.iter_mut().enumerate() {
            let ss = dot(col(j), col(j));
            if !(ss > 0.0 && ss.is_finite()) {
                return false;
            }
            *dj = 1.0 / ss.sqrt();
        }
        // Upper triangle of the scaled Gram matrix into r_out, then Cholesky in place: R̂ᵀR̂ = D·JᵀJ·D.
        for j in 0..n {
            for i in 0..j {
                r_out[j * n + i] = dot(col(i), col(j)) * d[i] * d[j];
            }
            r_out[j * n + j] = 1.0;
            for i in j + 1..n {
                r_out[j * n + i] = 0.0;
            }
        }
        for j in 0..n {
            for i in 0..j {
                let mut s = r_out[j * n + i];
                for k in 0..i {
                    s -= r_out[i * n + k] * r_out[j * n + k];
                }
                r_out[j * n + i] = s / r_out[i * n + i];
            }
            let mut p = r_out[j * n + j];
            for k in 0..j {
                p -= r_out[j * n + k] * r_out[j * n + k];
            }
            if !(p >= MIN_PIVOT && p.is_finite()) {
                return false;
            }
            r_out[j * n + j] = p.sqrt();
        }
        // R̂ᵀc = D·Jᵀr by forward substitution; then R = R̂·D⁻¹.
        let mut cc = 0.0;
        for j in 0..n {
            let mut s = dot(col(j), r) * d[j];
            for k in 0..j {
                s -= r_out[j * n + k] * rt_out[k];
            }
            let c = s / r_out[j * n + j];
            rt_out[j] = c;
            cc += c * c;
        }
        let rr = dot(r, r);
        if !(rr.is_finite() && cc.is_finite()) {
            return false;
        }
        rt_out[n] = (rr - cc).max(0.0).sqrt();
        for j in 0..n {
            for i in 0..=j {
                r_out[j * n + i] /= d[j];
            }
        }
        true
    }

    /// Factorises the matrix in place and writes R (n × n, column-major, zero below the diagonal) to `r_out`.
    pub(crate) fn r_factor(&mut self, r_out: &mut [f64]) {
        self.factor(None, r_out);
    }

    /// Householder QR in place, applying each reflection to `r` too when given.
    fn factor(&mut self, mut r: Option<&mut [f64]>, r_out: &mut [f64]) {
        let (m, n) = (self.m, self.n);
        debug_assert!(m > n && r_out.len() == n * n);
        for k in 0..n {
            let (done, rest) = self.a.split_at_mut((k + 1) * m);
            let v = &mut done[k * m + k..];
            let norm = norm2(v);
            let x0 = v[0];
            if norm > 0.0 && norm.is_finite() {
                // H = I − τ·u·uᵀ with u = [1; v₁…/(x₀ − β)], β = −sign(x₀)·‖v‖ maps v to β·e₁.
                let beta = if x0 >= 0.0 { -norm } else { norm };
                let tau = (beta - x0) / beta;
                let scale = 1.0 / (x0 - beta);
                for vi in v[1..].iter_mut() {
                    *vi *= scale;
                }
                v[0] = beta;
                for j in 0..n - k - 1 {
                    let col = &mut rest[j * m + k..j * m + m];
                    reflect(v, tau, col);
                }
                if let Some(r) = r.as_deref_mut() {
                    reflect(v, tau, &mut r[k..]);
                }
            } else {
                // A zero (or non-finite) column: nothing to eliminate; its entries below the diagonal are
                // dropped, which keeps R finite.
                for vi in v[1..].iter_mut() {
                    *vi = 0.0;
                }
                if !x0.is_finite() {
                    v[0] = 0.0;
                }
            }
        }
        for j in 0..n {
            for i in 0..n {
                r_out[j * n + i] = if i <= j { self.a[j * m + i] } else { 0.0 };
            }
        }
    }
}

/// Applies H = I − τ·u·uᵀ to `x`, where u = [1; v[1..]] (v[0] holds R's diagonal, not u₀).
#[inline]
fn reflect(v: &[f64], tau: f64, x: &mut [f64]) {
    let s = tau * (x[0] + dot(&v[1..], &x[1..]));
    x[0] -= s;
    for (vi, xi) in v[1..].iter().zip(x[1..].iter_mut()) {
        *xi -= s * vi;
    }
}

/// Σ aᵢbᵢ with four independent partial sums, so the additions pipeline (and vectorise) instead of waiting on
/// each other.
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    (acc[0] + acc[2]) + (acc[1] + acc[3]) + tail
}

/// Euclidean norm, rescaled when the plain sum of squares would overflow or underflow.
fn norm2(x: &[f64]) -> f64 {
    let ss = dot(x, x);
    if ss.is_finite() && ss > 1e-290 {
        return ss.sqrt();
    }
    let big = x.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    if big > 0.0 && big.is_finite() {
        let s: f64 = x.iter().map(|v| (v / big) * (v / big)).sum();
        big * s.sqrt()
    } else {
        big
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    fn compress(m: usize, n: usize, a: &[f64], r: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let mut c = Compressor::new(m, n);
        c.matrix_mut().copy_from_slice(a);
        let mut r = r.to_vec();
        let mut rm = vec![0.0; n * n];
        let mut rt = vec![0.0; n + 1];
        c.compress(&mut r, &mut rm, &mut rt);
        (rm, rt)
    }

    /// The normal-equations compression, or `None` when it declines.
    fn compress_normal(m: usize, n: usize, a: &[f64], r: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
        let mut c = Compressor::new(m, n);
        c.matrix_mut().copy_from_slice(a);
        let mut rm = vec![0.0; n * n];
        let mut rt = vec![0.0; n + 1];
        c.compress_normal(r, &mut rm, &mut rt).then_some((rm, rt))
    }

    /// The compressed problem has the same objective at every step, hence the same gradient and JᵀJ.
    fn check(m: usize, n: usize, a: &[f64], r: &[f64], p: &[f64]) {
        let (rm, rt) = compress(m, n, a, r);
        check_compressed(m, n, a, r, p, &rm, &rt, 1e-11);
    }

    #[allow(clippy::too_many_arguments)]
    fn check_compressed(m: usize, n: usize, a: &[f64], r: &[f64], p: &[f64], rm: &[f64], rt: &[f64], tol: f64) {
        let full: f64 = (0..m)
            .map(|i| {
                let jp: f64 = (0..n).map(|j| a[j * m + i] * p[j]).sum();
                (r[i] + jp).powi(2)
            })
            .sum();
        let small: f64 = (0..n)
            .map(|i| {
                let jp: f64 = (0..n).map(|j| rm[j * n + i] * p[j]).sum();
                (rt[i] + jp).powi(2)
            })
            .sum::<f64>()
            + rt[n] * rt[n];
        assert_relative_eq!(full, small, max_relative = tol, epsilon = 1e-300);
        for j in 0..n {
            for k in 0..n {
                let ata: f64 = (0..m).map(|i| a[j * m + i] * a[k * m + i]).sum();
                let rtr: f64 = (0..n).map(|i| rm[j * n + i] * rm[k * n + i]).sum();
                let scale = (0..m).map(|i| a[j * m + i].powi(2)).sum::<f64>().sqrt()
                    * (0..m).map(|i| a[k * m + i].powi(2)).sum::<f64>().sqrt();
                assert!(
                    (ata - rtr).abs() <= tol * 0.1 * scale + 1e-300,
                    "JᵀJ[{j},{k}] {ata} vs {rtr}"
                );
            }
            let atr: f64 = (0..m).map(|i| a[j * m + i] * r[i]).sum();
            let rtrt: f64 = (0..n).map(|i| rm[j * n + i] * rt[i]).sum();
            let scale =
                (0..m).map(|i| a[j * m + i].powi(2)).sum::<f64>().sqrt() * r.iter().map(|v| v * v).sum::<f64>().sqrt();
            assert!(
                (atr - rtrt).abs() <= tol * 0.1 * scale + 1e-300,
                "Jᵀr[{j}] {atr} vs {rtrt}"
            );
        }
    }

    #[test]
    fn a_known_factorisation() {
        // J = [[3, 1], [4, 2], [0, 2]]: the first column has norm 5, so |R₀₀| = 5 and ‖r̃‖ = ‖r‖.
        let a = [3.0, 4.0, 0.0, 1.0, 2.0, 2.0];
        let r = [1.0, -2.0, 0.5];
        let (rm, rt) = compress(3, 2, &a, &r);
        assert_relative_eq!(rm[0].abs(), 5.0, max_relative = 1e-15);
        assert_relative_eq!(rm[1], 0.0);
        let n2: f64 = rt.iter().map(|v| v * v).sum();
        assert_relative_eq!(n2, 1.0 + 4.0 + 0.25, max_relative = 1e-14);
        check(3, 2, &a, &r, &[0.3, -1.2]);
    }

    #[test]
    fn the_r_factor_alone_is_the_one_compress_gives() {
        let a = [3.0, 4.0, 0.0, 1.0, 1.0, 2.0, 2.0, -1.0];
        let (rm, _) = compress(4, 2, &a, &[1.0, 2.0, 3.0, 4.0]);
        let mut c = Compressor::new(4, 2);
        c.matrix_mut().copy_from_slice(&a);
        let mut alone = vec![0.0; 4];
        c.r_factor(&mut alone);
        for (x, y) in rm.iter().zip(&alone) {
            assert_eq!(x.to_bits(), y.to_bits());
        }
    }

    #[test]
    fn zero_and_dependent_columns_stay_finite() {
        // Column 1 is zero and column 2 = 2 × column 0.
        let m = 6;
        let c0 = [1.0, -2.0, 0.5, 3.0, 0.0, 1.5];
        let mut a = vec![0.0; m * 3];
        a[..m].copy_from_slice(&c0);
        for i in 0..m {
            a[2 * m + i] = 2.0 * c0[i];
        }
        let r = [0.1, 0.2, -0.3, 0.4, 0.5, -0.6];
        let (rm, rt) = compress(m, 3, &a, &r);
        assert!(rm.iter().chain(&rt).all(|v| v.is_finite()));
        check(m, 3, &a, &r, &[1.0, 2.0, -0.5]);
    }

    #[test]
    fn huge_and_tiny_columns_do_not_overflow() {
        let m = 4;
        let a = [1e200, 2e200, -1e200, 3e200, 1e-200, -3e-200, 2e-200, 1e-200];
        let r = [1e100, 1e100, 1e100, 1e100];
        let (rm, rt) = compress(m, 2, &a, &r);
        assert!(rm.iter().chain(&rt).all(|v| v.is_finite()));
        assert_relative_eq!(rm[0].abs(), 1e200 * 15f64.sqrt(), max_relative = 1e-14);
        assert_relative_eq!(
            rt.iter().map(|v| (v / 1e100).powi(2)).sum::<f64>(),
            4.0,
            max_relative = 1e-12
        );
    }

    #[test]
    fn the_normal_equations_give_the_same_problem_and_decline_when_ill_conditioned() {
        let a = [3.0, 4.0, 0.0, 1.0, 1.0, 2.0, 2.0, -1.0];
        let r = [1.0, 2.0, 3.0, 4.0];
        let (rm, rt) = compress_normal(4, 2, &a, &r).expect("well conditioned");
        check_compressed(4, 2, &a, &r, &[0.7, -0.2], &rm, &rt, 1e-12);
        // Same R as Householder up to the signs of its rows, and the same ρ.
        let (hm, ht) = compress(4, 2, &a, &r);
        for j in 0..2 {
            for i in 0..=j {
                assert_relative_eq!(rm[j * 2 + i].abs(), hm[j * 2 + i].abs(), max_relative = 1e-13);
            }
        }
        assert_relative_eq!(rt[2], ht[2].abs(), max_relative = 1e-13);
        // A dependent column, a zero column, a nearly dependent one (within 1e-6) and an overflowing one.
        let dependent = [1.0, 2.0, 3.0, 2.0, 4.0, 6.0];
        assert!(compress_normal(3, 2, &dependent, &r[..3]).is_none());
        let zero = [1.0, 2.0, 3.0, 0.0, 0.0, 0.0];
        assert!(compress_normal(3, 2, &zero, &r[..3]).is_none());
        let close = [1.0, 2.0, 3.0, 1.0, 2.0, 3.0 + 1e-6];
        assert!(compress_normal(3, 2, &close, &r[..3]).is_none());
        let huge = [1e200, 2e200, -1e200, 1.0, 0.0, 1.0];
        assert!(compress_normal(3, 2, &huge, &r[..3]).is_none());
        let nan = [1.0, f64::NAN, 3.0, 1.0, 0.0, 1.0];
        assert!(compress_normal(3, 2, &nan, &r[..3]).is_none());
        let good = [1.0, 2.0, 3.0, 1.0, 0.0, 1.0];
        assert!(compress_normal(3, 2, &good, &[1.0, f64::INFINITY, 0.0]).is_none());
        assert!(compress_normal(3, 2, &good, &[1.0, f64::NAN, 0.0]).is_none());
        assert!(compress_normal(3, 2, &good, &[1.0, 2.0, 0.0]).is_some());
        // The fallback handles them all.
        check(3, 2, &close, &r[..3], &[1.0, -1.0]);
    }

    proptest! {
        #[test]
        fn same_objective_gradient_and_gauss_newton_matrix_both_ways(
            n in 1usize..8,
            extra in 1usize..20,
            seed in prop::collection::vec(-1.0f64..1.0, 27 * 8 + 27 + 8),
            scales in prop::collection::vec(-6.0f64..6.0, 8),
        ) {
            let m = n + extra;
            let mut a = vec![0.0; m * n];
            for j in 0..n {
                for i in 0..m {
                    a[j * m + i] = seed[j * 27 + i] * 10f64.powf(scales[j]);
                }
            }
            let r: Vec<f64> = (0..m).map(|i| seed[27 * 8 + i]).collect();
            let p: Vec<f64> = (0..n).map(|j| seed[27 * 8 + 27 + j] * 10f64.powf(-scales[j])).collect();
            check(m, n, &a, &r, &p);
            // The normal equations give the same problem whenever they accept it, to the accuracy the pivot
            // test allows (a condition number up to about 1e4 per column).
            if let Some((rm, rt)) = compress_normal(m, n, &a, &r) {
                check_compressed(m, n, &a, &r, &p, &rm, &rt, 1e-6);
            }
        }
    }
}
