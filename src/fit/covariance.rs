//! The covariance of the estimates at a fit's final point: the model covariance s²·(JᵀWJ)⁻¹ and the robust
//! (sandwich) one, and the intervals built from them (see [`Covariance`](super::Covariance)).

use super::options::Covariance;
use super::problem::Workspace;
use super::report::StatsInput;
use super::transform::Transform;
use nalgebra::DMatrix;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The covariance over the free parameters (in their order), or `None` when the Jacobian is too singular.
pub(crate) struct Estimate {
    /// The covariance `StatsInput::covariance` asks for.
    pub free: Option<DMatrix<f64>>,
    /// The largest ratio, either way, between a parameter's robust and model standard errors (≥ 1).
    pub se_ratio: Option<f64>,
}

/// Both covariances at `inp.params` with reduced χ² `s2` and `dof` degrees of freedom; the one asked for is kept.
#[allow(clippy::needless_range_loop)] // i indexes parallel arrays
pub(crate) fn estimate(inp: &StatsInput, ws: &mut Workspace, s2: f64, dof: usize) -> Estimate {
    let n = inp.data.len();
    let k = inp.free.len();
    let n_res = 2 * n;
    let mut cov_free: Option<DMatrix<f64>> = None;
    let mut se_ratio: Option<f64> = None;
    if k > 0 && dof > 0 {
        ws.model_at(inp.params);
        let (z, jac) = (&ws.z, &ws.jac);
        // Weighted Jacobian over the free parameters, columns scaled to unit norm for a well-conditioned SVD.
        // A = QR, so A and the k × k factor R share singular values and right singular vectors; the SVD of R is
        // much cheaper than that of the 2N × k matrix.
        let qr = &mut ws.qr;
        let a = qr.matrix_mut();
        for (c, &p) in inp.free.iter().enumerate() {
            let (re, im) = a[c * n_res..(c + 1) * n_res].split_at_mut(n);
            for i in 0..n {
                re[i] = inp.w[i].re * jac[p * n + i].re;
                im[i] = inp.w[i].im * jac[p * n + i].im;
            }
        }
        let scale: Vec<f64> = a
            .chunks_exact(n_res)
            .map(|col| col.iter().map(|v| v * v).sum::<f64>().sqrt())
            .collect();
        if scale.iter().all(|s| *s > 0.0 && s.is_finite()) {
            for (col, s) in a.chunks_exact_mut(n_res).zip(&scale) {
                let inv = 1.0 / s;
                for v in col {
                    *v *= inv;
                }
            }
            // The scaled, weighted Jacobian and the weighted residuals, kept for the sandwich before the QR
            // factorisation overwrites the matrix.
            let rows: Vec<f64> = qr.matrix_mut().to_vec();
            let rw: Vec<f64> = (0..n_res)
                .map(|row| {
                    let (i, part) = (row % n, row / n);
                    let d = z[i] - inp.data[i];
                    if part == 0 {
                        inp.w[i].re * d.re
                    } else {
                        inp.w[i].im * d.im
                    }
                })
                .collect();
            let rmat = &mut ws.rmat;
            qr.r_factor(rmat);
            let svd = DMatrix::from_column_slice(k, k, rmat).svd(false, true);
            let sv = &svd.singular_values;
            let smax = sv.max();
            let smin = sv.min();
            if smin > SINGULAR_RCOND * smax {
                if let Some(vt) = &svd.v_t {
                    // (AᵀA)⁻¹ = V Σ⁻² Vᵀ in the scaled coordinates.
                    let mut bread = DMatrix::<f64>::zeros(k, k);
                    for r in 0..k {
                        for q in 0..k {
                            let mut acc = 0.0;
                            for m in 0..k {
                                acc += vt[(m, r)] * vt[(m, q)] / (sv[m] * sv[m]);
                            }
                            bread[(r, q)] = acc;
                        }
                    }
                    let sandwich = sandwich_hc3(&rows, &rw, &bread, n_res, k);
                    // Undo the column scaling.
                    let unscale = |m: &DMatrix<f64>, factor: f64| {
                        DMatrix::from_fn(k, k, |r, q| m[(r, q)] * factor / (scale[r] * scale[q]))
                    };
                    let model = unscale(&bread, s2);
                    let robust = unscale(&sandwich, 1.0);
                    se_ratio = (0..k)
                        .map(|c| {
                            let ratio = (robust[(c, c)] / model[(c, c)]).sqrt();
                            ratio.max(1.0 / ratio)
                        })
                        .filter(|r| r.is_finite())
                        .reduce(f64::max);
                    cov_free = Some(match inp.covariance {
                        Covariance::Model => model,
                        Covariance::Robust => robust,
                    });
                }
            }
        }
    }
    Estimate {
        free: cov_free,
        se_ratio,
    }
}

/// Ratio of smallest to largest singular value of the column-scaled Jacobian below which the covariance is not
/// reported: the parameters are then not separately determined by the data.
const SINGULAR_RCOND: f64 = 1e-12;

/// The 97.5 % quantile of Student's t with `dof` degrees of freedom (NaN for none), remembered per thread for
/// the last `dof`: a batch of spectra of one length asks for the same one every time, and the inverse
/// incomplete beta function behind it costs as much as a few LM iterations.
pub(crate) fn t_quantile_975(dof: usize) -> f64 {
    thread_local!(static LAST: std::cell::Cell<(usize, f64)> = const { std::cell::Cell::new((0, f64::NAN)) });
    if dof == 0 {
        return f64::NAN;
    }
    LAST.with(|last| {
        let (d, t) = last.get();
        if d == dof {
            return t;
        }
        let t = StudentsT::new(0.0, 1.0, dof as f64)
            .map(|t| t.inverse_cdf(0.975))
            .unwrap_or(1.96);
        last.set((dof, t));
        t
    })
}

/// The sandwich covariance B·(Σᵢ r̃ᵢ²/(1 − hᵢ)² aᵢaᵢᵀ)·B in the scaled coordinates (HC3: each squared residual
/// inflated by its leverage hᵢ = aᵢᵀBaᵢ, which keeps the estimator from being too narrow on short spectra; J. G.
/// MacKinnon, H. White, J. Econometrics 29 (1985) 305). `rows` is the scaled weighted Jacobian, column-major with
/// `m` rows and `k` columns, `rw` the weighted residuals and `bread` = (AᵀA)⁻¹.
fn sandwich_hc3(rows: &[f64], rw: &[f64], bread: &DMatrix<f64>, m: usize, k: usize) -> DMatrix<f64> {
    let mut meat = DMatrix::<f64>::zeros(k, k);
    let mut a = vec![0.0; k];
    let mut ba = vec![0.0; k];
    for row in 0..m {
        for (c, v) in a.iter_mut().enumerate() {
            *v = rows[c * m + row];
        }
        for (r, v) in ba.iter_mut().enumerate() {
            *v = (0..k).map(|c| bread[(r, c)] * a[c]).sum();
        }
        let h: f64 = a.iter().zip(&ba).map(|(x, y)| x * y).sum();
        // A point that alone determines a parameter (h → 1) would get an infinite weight; cap its inflation.
        let inflate = 1.0 / (1.0 - h.min(0.9)).powi(2);
        let r2 = rw[row] * rw[row] * inflate;
        for c1 in 0..k {
            let v1 = a[c1] * r2;
            for c2 in 0..=c1 {
                meat[(c1, c2)] += v1 * a[c2];
            }
        }
    }
    for c1 in 0..k {
        for c2 in 0..c1 {
            meat[(c2, c1)] = meat[(c1, c2)];
        }
    }
    bread * meat * bread
}

/// The 95 % interval of a parameter with standard error `se`, computed where the fit works (the log or logit
/// coordinate of a bounded parameter, by the delta method) and mapped back: it never crosses a bound, and it is
/// asymmetric where the bound is near. Without bounds it is value ± t·se.
pub(crate) fn interval_within_bounds(value: f64, se: f64, t: f64, (lo, hi): (f64, f64)) -> [f64; 2] {
    let tr = Transform::for_bounds(lo, hi);
    let inside = value > lo && value < hi;
    if matches!(tr, Transform::Identity) || !inside {
        return [value - t * se, value + t * se];
    }
    let x = tr.to_internal(value);
    let se_x = se / tr.derivative(x).abs();
    if !se_x.is_finite() {
        return [value - t * se, value + t * se];
    }
    let (a, b) = (tr.to_external(x - t * se_x), tr.to_external(x + t * se_x));
    [a.min(b), a.max(b)]
}

#[cfg(test)]
mod tests {
    use super::{interval_within_bounds, t_quantile_975};
    use approx::assert_relative_eq;

    #[test]
    fn an_interval_in_the_fit_coordinates_stays_inside_the_bounds() {
        // Lower bound 0: log-normal around the value, as wide as value·exp(±t·se/value).
        let [lo, hi] = interval_within_bounds(5.0, 4.0, 2.0, (0.0, f64::INFINITY));
        assert_relative_eq!(lo, 5.0 * (-1.6f64).exp(), max_relative = 1e-12);
        assert_relative_eq!(hi, 5.0 * 1.6f64.exp(), max_relative = 1e-12);
        // Two-sided: inside (0, 1) however large the error.
        let [lo, hi] = interval_within_bounds(0.95, 0.5, 2.0, (0.0, 1.0));
        assert!(lo > 0.0 && hi < 1.0 && lo < 0.95 && hi > 0.95);
        // A small error gives value ± t·se to first order.
        let [lo, hi] = interval_within_bounds(100.0, 0.01, 2.0, (0.0, f64::INFINITY));
        assert_relative_eq!(lo, 99.98, max_relative = 1e-6);
        assert_relative_eq!(hi, 100.02, max_relative = 1e-6);
        // Unbounded: symmetric.
        let [lo, hi] = interval_within_bounds(1.0, 0.5, 2.0, (f64::NEG_INFINITY, f64::INFINITY));
        assert_relative_eq!(lo, 0.0, epsilon = 1e-15);
        assert_relative_eq!(hi, 2.0, max_relative = 1e-15);
    }

    #[test]
    fn the_remembered_t_quantile_is_the_right_one_whatever_the_order() {
        // Published two-sided 95 % values of Student's t.
        for (dof, t) in [
            (10, 2.228_138_851_986),
            (1, 12.706_204_736_17),
            (10, 2.228_138_851_986),
            (120, 1.979_930_405),
        ] {
            assert_relative_eq!(t_quantile_975(dof), t, max_relative = 1e-9);
        }
        assert!(t_quantile_975(0).is_nan());
        assert_relative_eq!(t_quantile_975(120), 1.979_930_405, max_relative = 1e-9);
    }
}
