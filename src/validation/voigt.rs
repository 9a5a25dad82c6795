//! The linear least-squares core of the Lin-KK test: a Voigt series with fixed time constants fitted to Z (or a
//! series of RC branches in parallel fitted to Y = 1/Z), weighted by 1/|X| of the data.
//!
//! The complex fit (the default and the only one the automatic search uses) solves the normal equations, whose
//! Gram matrix is assembled in O(N·M) instead of O(N·M²) from the identity
//! Re[K_j·conj(K_k)] = (τ_j·Re K_j + τ_k·Re K_k)/(τ_j + τ_k) for K(ω) = 1/(1 + jωτ), and then computes the
//! residuals explicitly. Squaring the condition number in the normal equations costs accuracy in the
//! coefficients but not in the residuals: the excess of the residual sum of squares is of order
//! (machine ε)²·cond(G), negligible here. The per-part fits (impedance.py's `fit_type = "real" | "imag"`) build
//! their Gram matrices directly; they are only used on request.

use num_complex::Complex64;

/// Which immittance the Voigt series is fitted to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Immittance {
    /// Z(ω) = R∞ + Σ R_k/(1 + jωτ_k) + 1/(jωC) + jωL: a Voigt series.
    Impedance,
    /// Y(ω) = G∞ + Σ G_k·jωτ_k/(1 + jωτ_k) + jωC + 1/(jωL): series-RC branches in parallel, the test of
    /// Schönleber and Ivers-Tiffée for spectra whose impedance form is ill-suited (negative resistances,
    /// a dominant parallel capacitance).
    Admittance,
}

/// Which parts of the data the linear fit uses (Schönleber et al., Electrochim. Acta 131 (2014) 20, Eqs. 12–14).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KkFitMode {
    /// Real and imaginary parts together (the default).
    #[default]
    Complex,
    /// The real part fixes R∞ and the RC elements; C and L then come from the imaginary residual.
    Real,
    /// The imaginary part fixes the RC elements, C and L; R∞ then comes from the real part, weighted by 1/|X|²
    /// (Boukamp, J. Electrochem. Soc. 142 (1995) 1885, Eq. 7).
    Imaginary,
}

/// The fixed structure of one linear fit.
#[derive(Clone, Debug)]
pub(crate) struct VoigtModel {
    pub immittance: Immittance,
    pub taus: Vec<f64>,
    pub capacitance: bool,
    pub inductance: bool,
}

/// One fitted Voigt model and its residuals relative to |X|.
#[derive(Clone, Debug)]
pub(crate) struct VoigtFit {
    /// R∞ (impedance) or G∞ (admittance).
    pub offset: f64,
    /// R_k (impedance) or G_k (admittance), one per time constant.
    pub coefficients: Vec<f64>,
    /// Coefficient of the capacitive column: 1/C for impedance, C for admittance (0 when absent).
    pub cap_coefficient: f64,
    /// Coefficient of the inductive column: L for impedance, 1/L for admittance (0 when absent).
    pub ind_coefficient: f64,
    /// (X − X̂)/|X| per point, in the order of the data.
    pub residuals: Vec<Complex64>,
    /// Σ |residual|².
    pub sum_sq: f64,
    /// Number of fitted coefficients.
    pub n_params: usize,
}

impl VoigtModel {
    fn n_params(&self) -> usize {
        1 + self.taus.len() + usize::from(self.capacitance) + usize::from(self.inductance)
    }

    /// The model's value at ω for the given coefficients.
    pub fn eval(&self, fit: &VoigtFit, omega: f64) -> Complex64 {
        let mut x = Complex64::new(fit.offset, 0.0);
        for (&t, &c) in self.taus.iter().zip(&fit.coefficients) {
            x += c * self.column(t, omega);
        }
        x + fit.cap_coefficient * self.cap_column(omega) + fit.ind_coefficient * self.ind_column(omega)
    }

    fn column(&self, tau: f64, omega: f64) -> Complex64 {
        let k = voigt_kernel(tau, omega);
        match self.immittance {
            Immittance::Impedance => k,
            Immittance::Admittance => Complex64::new(1.0, 0.0) - k,
        }
    }

    fn cap_column(&self, omega: f64) -> Complex64 {
        match self.immittance {
            Immittance::Impedance => Complex64::new(0.0, -1.0 / omega),
            Immittance::Admittance => Complex64::new(0.0, omega),
        }
    }

    fn ind_column(&self, omega: f64) -> Complex64 {
        match self.immittance {
            Immittance::Impedance => Complex64::new(0.0, omega),
            Immittance::Admittance => Complex64::new(0.0, -1.0 / omega),
        }
    }

    /// All columns at ω, in parameter order: offset, RC terms, capacitance, inductance.
    fn columns(&self, omega: f64, out: &mut Vec<Complex64>) {
        out.clear();
        out.push(Complex64::new(1.0, 0.0));
        out.extend(self.taus.iter().map(|&t| self.column(t, omega)));
        if self.capacitance {
            out.push(self.cap_column(omega));
        }
        if self.inductance {
            out.push(self.ind_column(omega));
        }
    }

    /// Fits the model to `x` (Z or Y, matching `immittance`) at angular frequencies `omega`.
    ///
    /// Returns `None` when the normal equations are singular beyond repair (only for degenerate input, such as
    /// more parameters than values).
    pub fn fit(&self, omega: &[f64], x: &[Complex64], mode: KkFitMode) -> Option<VoigtFit> {
        let p = match mode {
            KkFitMode::Complex => self.solve_complex(omega, x)?,
            KkFitMode::Real => self.solve_real(omega, x)?,
            KkFitMode::Imaginary => self.solve_imag(omega, x)?,
        };
        Some(self.finish(omega, x, &p))
    }

    fn finish(&self, omega: &[f64], x: &[Complex64], p: &[f64]) -> VoigtFit {
        let m = self.taus.len();
        let mut fit = VoigtFit {
            offset: p[0],
            coefficients: p[1..=m].to_vec(),
            cap_coefficient: 0.0,
            ind_coefficient: 0.0,
            residuals: Vec::with_capacity(x.len()),
            sum_sq: 0.0,
            n_params: self.n_params(),
        };
        let mut next = m + 1;
        if self.capacitance {
            fit.cap_coefficient = p[next];
            next += 1;
        }
        if self.inductance {
            fit.ind_coefficient = p[next];
        }
        let mut sum_sq = 0.0;
        for (&w, &xi) in omega.iter().zip(x) {
            let r = (xi - self.eval(&fit, w)) / xi.norm();
            sum_sq += r.norm_sqr();
            fit.residuals.push(r);
        }
        fit.sum_sq = sum_sq;
        fit
    }

    /// Complex fit: Gram matrix from O(N·M) sums (see the module docs), then a Cholesky solve.
    fn solve_complex(&self, omega: &[f64], x: &[Complex64]) -> Option<Vec<f64>> {
        let m = self.taus.len();
        let n = self.n_params();
        // Per-τ sums over the data: S_j = Σ w²·Re K_j, T_j = Σ w²·ω·Im K_j, U_j = Σ w²·Im K_j/ω,
        // H_j = Σ w²·Re(conj(K_j)·X).
        let (mut s, mut t, mut u, mut h) = (vec![0.0; m], vec![0.0; m], vec![0.0; m], vec![0.0; m]);
        let (mut s0, mut s_w2, mut s_iw2, mut hx_re, mut hx_im_w, mut hx_im_iw) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for (&w, &xi) in omega.iter().zip(x) {
            let w2 = 1.0 / xi.norm_sqr();
            s0 += w2;
            s_w2 += w2 * w * w;
            s_iw2 += w2 / (w * w);
            hx_re += w2 * xi.re;
            hx_im_w += w2 * w * xi.im;
            hx_im_iw += w2 * xi.im / w;
            for (j, &tau) in self.taus.iter().enumerate() {
                let k = voigt_kernel(tau, w);
                s[j] += w2 * k.re;
                t[j] += w2 * w * k.im;
                u[j] += w2 * k.im / w;
                h[j] += w2 * (k.re * xi.re + k.im * xi.im);
            }
        }
        let mut g = vec![0.0; n * n];
        let mut rhs = vec![0.0; n];
        let set = |g: &mut Vec<f64>, a: usize, b: usize, v: f64| {
            g[a * n + b] = v;
            g[b * n + a] = v;
        };
        let admittance = self.immittance == Immittance::Admittance;
        set(&mut g, 0, 0, s0);
        rhs[0] = hx_re;
        for j in 0..m {
            let (tj, sj) = (self.taus[j], s[j]);
            for (k, (&tk, &sk)) in self.taus.iter().zip(&s).enumerate().skip(j) {
                let kk = (tj * sj + tk * sk) / (tj + tk);
                let v = if admittance { s0 - sj - sk + kk } else { kk };
                set(&mut g, 1 + j, 1 + k, v);
            }
            set(&mut g, 0, 1 + j, if admittance { s0 - sj } else { sj });
            rhs[1 + j] = if admittance { hx_re - h[j] } else { h[j] };
        }
        // Capacitive and inductive columns: −j/ω and jω for Z, jω and −j/ω for Y.
        let mut extra: Vec<(bool, usize)> = Vec::new(); // (column is jω, index)
        let mut next = m + 1;
        if self.capacitance {
            extra.push((admittance, next));
            next += 1;
        }
        if self.inductance {
            extra.push((!admittance, next));
        }
        for &(is_jw, idx) in &extra {
            // Re[conj(K_j)·jω] = ω·Im K_j and Re[conj(K_j)·(−j/ω)] = −Im K_j/ω; the admittance columns 1 − K_j
            // change the sign (the constant 1 contributes nothing to an imaginary column).
            let sign = if admittance { -1.0 } else { 1.0 };
            for j in 0..m {
                let v = if is_jw { t[j] } else { -u[j] };
                set(&mut g, 1 + j, idx, sign * v);
            }
            set(&mut g, 0, idx, 0.0);
            set(&mut g, idx, idx, if is_jw { s_w2 } else { s_iw2 });
            rhs[idx] = if is_jw { hx_im_w } else { -hx_im_iw };
        }
        if let [(_, a), (_, b)] = extra[..] {
            // Re[conj(jω)·(−j/ω)] = −1 for every point.
            set(&mut g, a, b, -s0);
        }
        solve_spd(&mut g, &mut rhs, n).then_some(rhs)
    }

    /// impedance.py's `fit_type = "real"`: offset and RC terms from the real part, then C and L from the
    /// imaginary part of what remains.
    fn solve_real(&self, omega: &[f64], x: &[Complex64]) -> Option<Vec<f64>> {
        let m = self.taus.len();
        let mut cols = Vec::new();
        let mut first = DenseLsq::new(m + 1);
        for (&w, &xi) in omega.iter().zip(x) {
            self.columns(w, &mut cols);
            let row: Vec<f64> = cols[..=m].iter().map(|c| c.re).collect();
            first.add_row(&row, xi.re, 1.0 / xi.norm());
        }
        let mut p = first.solve()?;
        let n_extra = usize::from(self.capacitance) + usize::from(self.inductance);
        p.resize(self.n_params(), 0.0);
        if n_extra > 0 {
            let mut second = DenseLsq::new(n_extra);
            for (&w, &xi) in omega.iter().zip(x) {
                self.columns(w, &mut cols);
                let fitted: f64 = cols[..=m].iter().zip(&p).map(|(c, v)| c.im * v).sum();
                let row: Vec<f64> = cols[m + 1..].iter().map(|c| c.im).collect();
                second.add_row(&row, xi.im - fitted, 1.0 / xi.norm());
            }
            let q = second.solve()?;
            p[m + 1..].copy_from_slice(&q);
        }
        Some(p)
    }

    /// impedance.py's `fit_type = "imag"`: RC terms, C and L from the imaginary part, then the offset as the
    /// 1/|X|²-weighted mean of what remains of the real part.
    fn solve_imag(&self, omega: &[f64], x: &[Complex64]) -> Option<Vec<f64>> {
        let n = self.n_params();
        let mut cols = Vec::new();
        let mut lsq = DenseLsq::new(n - 1);
        for (&w, &xi) in omega.iter().zip(x) {
            self.columns(w, &mut cols);
            let row: Vec<f64> = cols[1..].iter().map(|c| c.im).collect();
            lsq.add_row(&row, xi.im, 1.0 / xi.norm());
        }
        let q = lsq.solve()?;
        let (mut num, mut den) = (0.0, 0.0);
        for (&w, &xi) in omega.iter().zip(x) {
            self.columns(w, &mut cols);
            let fitted: f64 = cols[1..].iter().zip(&q).map(|(c, v)| c.re * v).sum();
            let w2 = 1.0 / xi.norm_sqr();
            num += w2 * (xi.re - fitted);
            den += w2;
        }
        let mut p = vec![num / den];
        p.extend(q);
        Some(p)
    }
}

/// K(ω) = 1/(1 + jωτ).
#[inline]
pub(crate) fn voigt_kernel(tau: f64, omega: f64) -> Complex64 {
    let x = omega * tau;
    let d = 1.0 / (1.0 + x * x);
    Complex64::new(d, -x * d)
}

/// `m` time constants spaced evenly in log τ from `tau_min` to `tau_max` (both included); one element sits at
/// their geometric mean.
pub(crate) fn log_taus(tau_min: f64, tau_max: f64, m: usize) -> Vec<f64> {
    if m == 1 {
        return vec![(tau_min * tau_max).sqrt()];
    }
    let (a, b) = (tau_min.ln(), tau_max.ln());
    (0..m)
        .map(|k| (a + (b - a) * k as f64 / (m - 1) as f64).exp())
        .collect()
}

/// Schönleber's μ = 1 − Σ_{R_k<0}|R_k| / Σ_{R_k≥0} R_k; 1 when no coefficient is negative, −∞ when none is
/// positive.
pub(crate) fn mu(coefficients: &[f64]) -> f64 {
    let (mut pos, mut neg) = (0.0, 0.0);
    for &c in coefficients {
        if c >= 0.0 {
            pos += c;
        } else {
            neg -= c;
        }
    }
    if neg <= 0.0 {
        1.0
    } else if pos <= 0.0 {
        f64::NEG_INFINITY
    } else {
        1.0 - neg / pos
    }
}

/// Weighted linear least squares on normal equations, for the small per-part fits.
struct DenseLsq {
    n: usize,
    g: Vec<f64>,
    h: Vec<f64>,
}

impl DenseLsq {
    fn new(n: usize) -> Self {
        DenseLsq {
            n,
            g: vec![0.0; n * n],
            h: vec![0.0; n],
        }
    }

    fn add_row(&mut self, row: &[f64], y: f64, weight: f64) {
        let w2 = weight * weight;
        for a in 0..self.n {
            self.h[a] += w2 * row[a] * y;
            for b in 0..self.n {
                self.g[a * self.n + b] += w2 * row[a] * row[b];
            }
        }
    }

    fn solve(mut self) -> Option<Vec<f64>> {
        solve_spd(&mut self.g, &mut self.h, self.n).then_some(self.h)
    }
}

/// Solves G·x = h in place (x overwrites h) for a symmetric positive semi-definite G (row-major n×n), after
/// scaling G to unit diagonal. Columns that are zero (a column without data) get a zero coefficient; a relative
/// ridge of 1e-13 keeps near-dependent columns solvable. Returns false when the factorisation fails.
pub(crate) fn solve_spd(g: &mut [f64], h: &mut [f64], n: usize) -> bool {
    let usable: Vec<bool> = (0..n).map(|i| g[i * n + i] > 0.0 && g[i * n + i].is_finite()).collect();
    let scale: Vec<f64> = (0..n)
        .map(|i| if usable[i] { 1.0 / g[i * n + i].sqrt() } else { 0.0 })
        .collect();
    for i in 0..n {
        for j in 0..n {
            g[i * n + j] *= scale[i] * scale[j];
        }
        h[i] *= scale[i];
        // A zero column becomes the identity row: its coefficient solves to h = 0.
        if !usable[i] {
            g[i * n + i] = 1.0;
            h[i] = 0.0;
        } else {
            g[i * n + i] += 1e-13;
        }
    }
    // Cholesky G = LLᵀ, L stored in the lower triangle.
    for j in 0..n {
        let mut d = g[j * n + j];
        for k in 0..j {
            d -= g[j * n + k] * g[j * n + k];
        }
        if !(d > 0.0 && d.is_finite()) {
            return false;
        }
        let d = d.sqrt();
        g[j * n + j] = d;
        for i in j + 1..n {
            let mut v = g[i * n + j];
            for k in 0..j {
                v -= g[i * n + k] * g[j * n + k];
            }
            g[i * n + j] = v / d;
        }
    }
    for i in 0..n {
        let mut v = h[i];
        for k in 0..i {
            v -= g[i * n + k] * h[k];
        }
        h[i] = v / g[i * n + i];
    }
    for i in (0..n).rev() {
        let mut v = h[i];
        for k in i + 1..n {
            v -= g[k * n + i] * h[k];
        }
        h[i] = v / g[i * n + i];
    }
    for i in 0..n {
        h[i] *= scale[i];
    }
    true
}
