//! The solver contract: the shortcut [`Problem`] (compressed residuals, made-up residuals for trial points the
//! solver will reject, steps capped by [`MAX_STEP`]) must take levenberg-marquardt through the same iterates as
//! a plain problem that hands it the 2N stacked residuals and the full Jacobian at every point. If a new version
//! of the solver read more than the norm of a rejected trial's residuals, the iterates would part here.

use super::{Problem, Workspace, MAX_STEP, REJECTED_RESIDUAL};
use crate::circuit::{Circuit, Evaluator};
use crate::fit::guess;
use crate::fit::transform::Transform;
use crate::simulate::{log_frequencies, simulate, Noise};
use levenberg_marquardt::{LeastSquaresProblem, LevenbergMarquardt};
use nalgebra::{DMatrix, DVector, Dyn, Owned};
use num_complex::Complex64;
use std::cell::RefCell;

/// The same least-squares problem without shortcuts: 2N residuals and the 2N × k Jacobian at every point. Steps
/// beyond [`MAX_STEP`] and non-finite models are rejected with [`REJECTED_RESIDUAL`] entries, as the rules of the
/// problem (not shortcuts) require.
struct Stacked<'a> {
    ev: RefCell<Evaluator>,
    data: &'a [Complex64],
    w: &'a [Complex64],
    full: Vec<f64>,
    free: &'a [usize],
    transforms: &'a [Transform],
    x: DVector<f64>,
    anchor: RefCell<Option<DVector<f64>>>,
    /// (x, objective) at every Jacobian evaluation: the accepted iterates.
    iterates: RefCell<Vec<(Vec<f64>, f64)>>,
}

impl Stacked<'_> {
    fn model(&self) -> (Vec<Complex64>, Vec<Complex64>) {
        let n = self.data.len();
        let mut full = self.full.clone();
        for ((&i, t), &xi) in self.free.iter().zip(self.transforms).zip(self.x.iter()) {
            full[i] = t.to_external(xi);
        }
        let mut z = vec![Complex64::new(0.0, 0.0); n];
        let mut jac = vec![Complex64::new(0.0, 0.0); n * full.len()];
        self.ev.borrow_mut().impedance_and_jacobian(&full, &mut z, &mut jac);
        (z, jac)
    }

    fn stacked_residuals(&self) -> DVector<f64> {
        let (z, _) = self.model();
        DVector::from_iterator(
            2 * z.len(),
            z.iter()
                .zip(self.data)
                .zip(self.w)
                .flat_map(|((m, d), w)| [w.re * (m.re - d.re), w.im * (m.im - d.im)])
                .map(|v| if v.is_finite() { v } else { REJECTED_RESIDUAL }),
        )
    }
}

impl LeastSquaresProblem<f64, Dyn, Dyn> for Stacked<'_> {
    type ResidualStorage = Owned<f64, Dyn>;
    type JacobianStorage = Owned<f64, Dyn, Dyn>;
    type ParameterStorage = Owned<f64, Dyn>;

    fn set_params(&mut self, x: &DVector<f64>) {
        self.x.copy_from(x);
    }

    fn params(&self) -> DVector<f64> {
        self.x.clone()
    }

    fn residuals(&self) -> Option<DVector<f64>> {
        let too_far = self.anchor.borrow().as_ref().is_some_and(|a| {
            a.iter()
                .zip(self.x.iter())
                .zip(self.transforms)
                .any(|((a, x), t)| !matches!(t, Transform::Identity) && (a - x).abs() > MAX_STEP)
        });
        if too_far {
            return Some(DVector::from_element(2 * self.data.len(), REJECTED_RESIDUAL));
        }
        Some(self.stacked_residuals())
    }

    fn jacobian(&self) -> Option<DMatrix<f64>> {
        let n = self.data.len();
        let (_, jac) = self.model();
        let mut j = DMatrix::zeros(2 * n, self.free.len());
        for (col, (&p, t)) in self.free.iter().zip(self.transforms).enumerate() {
            let dpdx = t.derivative(self.x[col]);
            for i in 0..n {
                let d = jac[p * n + i];
                j[(2 * i, col)] = self.w[i].re * dpdx * d.re;
                j[(2 * i + 1, col)] = self.w[i].im * dpdx * d.im;
            }
        }
        *self.anchor.borrow_mut() = Some(self.x.clone());
        let r = self.stacked_residuals();
        self.iterates
            .borrow_mut()
            .push((self.x.iter().copied().collect(), r.norm_squared()));
        Some(j)
    }
}

fn solver() -> LevenbergMarquardt<f64> {
    LevenbergMarquardt::new()
        .with_ftol(1e-12)
        .with_xtol(1e-10)
        .with_gtol(1e-12)
        .with_patience(60)
}

#[test]
fn the_shortcut_problem_takes_the_solver_through_the_plain_problems_iterates() {
    let cases: [(&str, &[f64], f64, f64, f64); 4] = [
        ("R0-p(R1,C1)", &[10.0, 100.0, 1e-6], 1e5, 0.1, 0.01),
        (
            "R0-p(R1,CPE1)-p(R2,CPE2)",
            &[5.0, 80.0, 2e-6, 0.85, 300.0, 5e-4, 0.8],
            1e6,
            0.01,
            0.005,
        ),
        (
            "L0-R0-p(R1,CPE1)-p(R2,CPE2)-W3",
            &[1.4e-7, 0.02, 0.0135, 0.119, 0.82, 0.018, 2.6, 0.79, 0.0078],
            2e4,
            0.02,
            0.01,
        ),
        (
            "R0-p(R1,CPE1)-Wo1",
            &[20.0, 150.0, 1e-5, 0.9, 40.0, 3.0],
            1e5,
            0.01,
            0.0,
        ),
    ];
    for (k, (text, truth, fmax, fmin, noise)) in cases.into_iter().enumerate() {
        let circuit: Circuit = text.parse().unwrap();
        let f = log_frequencies(fmax, fmin, 10).unwrap();
        let noise = (noise > 0.0).then(|| Noise::new(noise, k as u64).unwrap());
        let s = simulate(&circuit, truth, &f, noise).unwrap();
        let data = s.z();
        let w: Vec<Complex64> = data
            .iter()
            .map(|z| Complex64::new(1.0 / z.norm(), 1.0 / z.norm()))
            .collect();
        // From the automatic start, every parameter free, with the default bounds' transforms.
        let start = guess::initial_guess(&circuit, &s);
        let free: Vec<usize> = (0..circuit.n_params()).collect();
        let transforms: Vec<Transform> = circuit
            .params()
            .iter()
            .map(|p| {
                let (lo, hi) = p.default_bounds();
                Transform::for_bounds(lo, hi)
            })
            .collect();
        let x0 = DVector::from_iterator(
            free.len(),
            start.iter().zip(&transforms).map(|(&p, t)| t.to_internal(p)),
        );

        let shortcut = Problem::new(
            Workspace::new(&circuit, s.freq_hz(), free.len()),
            data,
            &w,
            &start,
            &free,
            &transforms,
            x0.clone(),
        );
        let (shortcut, a) = shortcut.minimize(&solver());
        let plain = Stacked {
            ev: RefCell::new(Evaluator::new(&circuit, s.freq_hz())),
            data,
            w: &w,
            full: start.clone(),
            free: &free,
            transforms: &transforms,
            x: x0,
            anchor: RefCell::new(None),
            iterates: RefCell::new(Vec::new()),
        };
        let (plain, b) = solver().minimize(plain);
        assert_eq!(
            shortcut.n_jacobians.get(),
            plain.iterates.borrow().len(),
            "case {k} ({text}): iterations differ: {:?} vs {:?}",
            a.termination,
            b.termination
        );
        assert_eq!(
            std::mem::discriminant(&a.termination),
            std::mem::discriminant(&b.termination),
            "case {k}"
        );
        // Relative residuals: an objective below 1e-20 is rounding (the noise-free case reaches about 1e-30).
        let same = |x: f64, y: f64| (x - y).abs() <= 1e-8 * x.abs().max(y.abs()) + 1e-20;
        assert!(
            same(a.objective_function, b.objective_function),
            "case {k} ({text}): objective {:e} vs {:e}",
            a.objective_function,
            b.objective_function
        );
        let xa = shortcut.x.clone();
        for (i, (p, q)) in xa.iter().zip(plain.x.iter()).enumerate() {
            assert!(
                (p - q).abs() <= 1e-6 * (1.0 + q.abs()),
                "case {k} ({text}): x[{i}] {p} vs {q}"
            );
        }
    }
}
