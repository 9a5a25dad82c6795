//! [`GlobalFit`]: the result of a global fit, and how it is built from the solver's state.

use super::model::{Model, Role};
use super::solve::{covariance, State, Stop};
use crate::arrhenius::ArrheniusLaw;
use crate::circuit::Circuit;
use crate::consts::BOLTZMANN_EV_PER_K;
use nalgebra::DMatrix;
use serde::Serialize;

/// A parameter of a global fit: its value, standard error and unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlobalParameter {
    /// `CPE1.n` (shared), `R1.E_A` and `R1.kappa` (Arrhenius-tied), or a circuit parameter of one spectrum.
    pub name: String,
    /// The value.
    pub value: f64,
    /// Its standard error, `None` when the covariance is singular (or the parameter is fixed).
    pub stderr: Option<f64>,
    /// Its unit (`eV` for activation energies, `Ohm/K` for κ of a resistance with the T-prefactor law).
    pub unit: String,
}

/// Why a global fit stopped.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum GlobalTermination {
    /// χ² stopped decreasing (relative change below 1e-10).
    Ftol,
    /// The step became negligible.
    Xtol,
    /// No step reduced χ² any more: the optimum within rounding.
    NoFurtherReduction,
    /// The iteration budget ran out before convergence.
    MaxIterations,
}

impl GlobalTermination {
    /// Whether this is convergence.
    #[must_use]
    pub fn converged(self) -> bool {
        !matches!(self, Self::MaxIterations)
    }
}

/// One spectrum of a global fit: every circuit parameter at its temperature (local, shared or from the Arrhenius
/// law), with standard errors from the global covariance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlobalSpectrum {
    /// Temperature in °C.
    pub temperature_c: f64,
    /// Points fitted.
    pub n_points: usize,
    /// This spectrum's share of χ².
    pub chi2: f64,
    /// The circuit's parameters, in the circuit's order.
    pub parameters: Vec<GlobalParameter>,
}

/// The result of [`fit_global`](super::fit_global).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlobalFit {
    /// The global parameters: each shared parameter, and `NAME.E_A` (eV) and `NAME.kappa` of each
    /// Arrhenius-tied one, in the circuit's order.
    pub parameters: Vec<GlobalParameter>,
    /// Correlation matrix of [`parameters`](Self::parameters), `None` when the covariance is singular.
    pub correlation: Option<Vec<Vec<f64>>>,
    /// Weighted sum of squared residuals over all spectra.
    pub chi2: f64,
    /// χ² per degree of freedom.
    pub reduced_chi2: f64,
    /// Points (frequencies) fitted, over all spectra.
    pub n_points: usize,
    /// Unknowns fitted: the local parameters of every spectrum plus the global ones (2 per Arrhenius tie).
    pub n_parameters: usize,
    /// Degrees of freedom, 2·n_points − n_parameters.
    pub dof: usize,
    /// Whether the fit converged.
    pub converged: bool,
    /// Why it stopped.
    pub termination: GlobalTermination,
    /// Iterations of Levenberg–Marquardt.
    pub n_iterations: usize,
    /// The spectra, in input order.
    pub spectra: Vec<GlobalSpectrum>,
}

impl GlobalFit {
    /// The global parameter called `name` (`R1.E_A`, `CPE1.n`).
    #[must_use]
    pub fn parameter(&self, name: &str) -> Option<&GlobalParameter> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

pub(super) fn build(
    circuit: &Circuit,
    model: &Model,
    st: &State,
    stop: Stop,
    n_iterations: usize,
    temperatures_c: &[f64],
) -> GlobalFit {
    let names = circuit.param_names();
    let units: Vec<&str> = circuit.params().iter().map(|p| p.unit()).collect();
    let k_n = model.n_spectra();
    let n_points: usize = (0..k_n).map(|k| model.n_points(k)).sum();
    let n_parameters = k_n * model.n_local + model.n_global;
    let chi2: f64 = st.blocks.iter().map(|b| b.chi2).sum();
    let dof = (2 * n_points).saturating_sub(n_parameters);
    let reduced = if dof > 0 { chi2 / dof as f64 } else { f64::NAN };
    let cov = (dof > 0)
        .then(|| covariance(&st.blocks, model.n_global, reduced))
        .flatten();
    let g = &st.global;

    // The reported global parameters as functions of the unknowns: values and gradient rows.
    let mut params = Vec::new();
    let mut rows: Vec<Vec<(usize, f64)>> = Vec::new();
    let t_ref = model.t_ref_k;
    for (j, role) in model.roles.iter().enumerate() {
        match *role {
            Role::Shared { slot, transform } => {
                params.push((names[j].clone(), transform.to_external(g[slot]), units[j].to_owned()));
                rows.push(vec![(slot, transform.derivative(g[slot]))]);
            }
            Role::Arrhenius { slot } => {
                params.push((format!("{}.E_A", names[j]), g[slot + 1], "eV".to_owned()));
                rows.push(vec![(slot + 1, 1.0)]);
                // κ = p(T_ref)·exp(−E_A/k_B·T_ref), divided by T_ref for the T-prefactor law.
                let (shift, unit) = match model.law {
                    ArrheniusLaw::TPrefactor => (t_ref.ln(), format!("{}/K", units[j])),
                    ArrheniusLaw::Plain => (0.0, units[j].to_owned()),
                };
                let kappa = (g[slot] - shift - g[slot + 1] / (BOLTZMANN_EV_PER_K * t_ref)).exp();
                params.push((format!("{}.kappa", names[j]), kappa, unit));
                rows.push(vec![(slot, kappa), (slot + 1, -kappa / (BOLTZMANN_EV_PER_K * t_ref))]);
            }
            _ => {}
        }
    }
    let reported_cov = cov.as_ref().map(|c| {
        let m = rows.len();
        DMatrix::from_fn(m, m, |a, b| {
            rows[a]
                .iter()
                .flat_map(|&(i, da)| rows[b].iter().map(move |&(jj, db)| da * db * c.global[(i, jj)]))
                .sum::<f64>()
        })
    });
    let stderr = |i: usize| reported_cov.as_ref().map(|c| c[(i, i)].max(0.0).sqrt());
    let correlation = reported_cov.as_ref().map(|c| {
        let m = c.nrows();
        (0..m)
            .map(|a| (0..m).map(|b| c[(a, b)] / (c[(a, a)] * c[(b, b)]).sqrt()).collect())
            .collect()
    });
    let parameters = params
        .into_iter()
        .enumerate()
        .map(|(i, (name, value, unit))| GlobalParameter {
            name,
            value,
            stderr: stderr(i),
            unit,
        })
        .collect();

    let spectra = (0..k_n)
        .map(|k| {
            let p = model.params(k, &st.local[k], g);
            let lever = model.arrhenius_lever(k);
            let parameters = model
                .roles
                .iter()
                .enumerate()
                .map(|(j, role)| {
                    let se = cov.as_ref().and_then(|c| match *role {
                        Role::Fixed(_) => None,
                        Role::Local { slot, transform } => Some(
                            c.local[k][(slot, slot)].max(0.0).sqrt() * transform.derivative(st.local[k][slot]).abs(),
                        ),
                        Role::Shared { slot, transform } => {
                            Some(c.global[(slot, slot)].max(0.0).sqrt() * transform.derivative(g[slot]).abs())
                        }
                        Role::Arrhenius { slot } => {
                            let var = c.global[(slot, slot)]
                                + lever * lever * c.global[(slot + 1, slot + 1)]
                                + 2.0 * lever * c.global[(slot, slot + 1)];
                            Some(p[j] * var.max(0.0).sqrt())
                        }
                    });
                    GlobalParameter {
                        name: names[j].clone(),
                        value: p[j],
                        stderr: se,
                        unit: units[j].to_owned(),
                    }
                })
                .collect();
            GlobalSpectrum {
                temperature_c: temperatures_c[k],
                n_points: model.n_points(k),
                chi2: st.blocks[k].chi2,
                parameters,
            }
        })
        .collect();
    let termination = match stop {
        Stop::Ftol => GlobalTermination::Ftol,
        Stop::Xtol => GlobalTermination::Xtol,
        Stop::NoReduction => GlobalTermination::NoFurtherReduction,
        Stop::MaxIterations | Stop::NonFinite => GlobalTermination::MaxIterations,
    };
    GlobalFit {
        parameters,
        correlation,
        chi2,
        reduced_chi2: reduced,
        n_points,
        n_parameters,
        dof,
        converged: termination.converged(),
        termination,
        n_iterations,
        spectra,
    }
}
