//! The discretisation: γ piecewise linear in u = ln τ on an even grid, and the matrix that maps its node values to
//! impedances, A_m(ω) = ∫ φ_m(u)/(1 + jω·eᵘ) du for the hat function φ_m of node m.
//!
//! The integrals are taken by 4-point Gauss–Legendre quadrature on each grid interval: the kernel varies on the
//! scale of one unit of u, the intervals are a quarter of that or less, so the quadrature error is far below
//! any measurement noise.

use num_complex::Complex64;

/// Gauss–Legendre nodes on [0, 1] and their weights (4 points).
const GAUSS: [(f64, f64); 4] = [
    (0.069_431_844_202_973_71, 0.173_927_422_568_726_93),
    (0.330_009_478_207_571_87, 0.326_072_577_431_273_07),
    (0.669_990_521_792_428_1, 0.326_072_577_431_273_07),
    (0.930_568_155_797_026_3, 0.173_927_422_568_726_93),
];

/// An even grid in u = ln τ.
#[derive(Clone, Debug)]
pub(crate) struct Grid {
    pub u: Vec<f64>,
    pub du: f64,
    /// τ at the quadrature points of each interval, interval by interval (exp computed once per grid).
    quad_tau: Vec<f64>,
}

impl Grid {
    /// From τ_min to τ_max (s) with about `per_decade` nodes per decade, at least 3 nodes.
    pub fn new(tau_min: f64, tau_max: f64, per_decade: f64) -> Grid {
        let (a, b) = (tau_min.ln(), tau_max.ln());
        let n = (((b - a) / std::f64::consts::LN_10 * per_decade).round() as usize + 1).max(3);
        let du = (b - a) / (n - 1) as f64;
        let u: Vec<f64> = (0..n).map(|k| a + du * k as f64).collect();
        let quad_tau = u[..n - 1]
            .iter()
            .flat_map(|&uk| GAUSS.iter().map(move |&(t, _)| (uk + t * du).exp()))
            .collect();
        Grid { u, du, quad_tau }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.u.len()
    }

    /// ∫ γ du of the piecewise-linear γ with these node values (the end nodes carry half an interval).
    pub fn integral(&self, gamma: &[f64]) -> f64 {
        let n = gamma.len();
        let inner: f64 = gamma.iter().sum();
        self.du * (inner - 0.5 * (gamma[0] + gamma[n - 1]))
    }

    /// A_m(ω) for every node m, appended to `row` (cleared first).
    pub fn kernel_row(&self, omega: f64, row: &mut Vec<Complex64>) {
        let n = self.len();
        row.clear();
        row.resize(n, Complex64::new(0.0, 0.0));
        for k in 0..n - 1 {
            for (&(t, w), &tau) in GAUSS.iter().zip(&self.quad_tau[4 * k..4 * k + 4]) {
                let x = omega * tau;
                let d = 1.0 / (1.0 + x * x);
                let kern = Complex64::new(d, -x * d) * (w * self.du);
                // φ_k falls from 1 to 0 over the interval, φ_{k+1} rises from 0 to 1.
                row[k] += kern * (1.0 - t);
                row[k + 1] += kern * t;
            }
        }
    }
}
