//! Global fits of a series: every spectrum in one least-squares problem.
//!
//! Each circuit parameter is, over the series, either
//! - **local**: free in every spectrum (the default);
//! - **shared**: one value common to all spectra ([`GlobalOptions::with_shared`]);
//! - **Arrhenius-tied**: p(T) = T·κ·exp(E_A/(k_B·T)) (or κ·exp(E_A/(k_B·T)) with the plain law) across the
//!   temperatures, so that E_A and κ are fitted directly from the spectra ([`GlobalOptions::with_arrhenius`]);
//! - **fixed**, with [`FitOptions::with_fixed`](crate::FitOptions::with_fixed).
//!
//! Fitting a line through resistances fitted one spectrum at a time spends the shared information (CPE exponents
//! that do not change with temperature, the Arrhenius law itself) once per spectrum; the global fit uses it once,
//! and its standard errors of E_A are correspondingly smaller when the model holds.
//!
//! # Algorithm
//! Levenberg–Marquardt on the block-arrow normal equations (per-spectrum blocks plus the global columns), with the
//! local blocks eliminated by a Schur complement, so that the cost of a step grows linearly with the number of
//! spectra. Bounds of local and shared parameters use the same smooth transforms as [`fit`](crate::fit()); an
//! Arrhenius-tied parameter is positive by construction and is fitted as ln p(T_ref) and E_A, with T_ref =
//! 1/mean(1/T), which makes the two nearly uncorrelated. Start values come from per-spectrum fits: local values
//! as fitted, shared values as the median over the spectra, Arrhenius parameters from a weighted Arrhenius fit of
//! the per-spectrum values.
//!
//! # Statistics
//! Covariance s²·(JᵀJ)⁻¹ at the optimum with s² = χ²/(2N − P) (N points in all, P unknowns), as for a single
//! fit; the global block comes from the Schur complement. κ's error is from the delta method.
//!
//! # Examples
//! ```
//! use eisfit::fit::global::{fit_global, GlobalOptions};
//! use eisfit::simulate::{log_frequencies, simulate, Noise};
//! use eisfit::{Circuit, FitOptions};
//!
//! let circuit: Circuit = "R0-p(R1,CPE1)".parse()?;
//! let f = log_frequencies(1e6, 1.0, 8)?;
//! let kb = eisfit::consts::BOLTZMANN_EV_PER_K;
//! let temps = [0.0, 20.0, 40.0, 60.0];
//! let spectra = temps
//!     .iter()
//!     .enumerate()
//!     .map(|(i, &tc)| {
//!         let t = tc + 273.15;
//!         let r1 = 1e-3 * t * (0.3 / (kb * t)).exp(); // R1 = T·κ·exp(E_A/k_BT), E_A = 0.3 eV
//!         simulate(&circuit, &[2.0, r1, 1e-6, 0.9], &f, Some(Noise::new(0.003, i as u64)?))
//!     })
//!     .collect::<Result<Vec<_>, _>>()?;
//! let options = GlobalOptions::default().with_shared("CPE1.Q").with_shared("CPE1.n").with_arrhenius("R1");
//! let g = fit_global(&circuit, &spectra, &temps, &FitOptions::default(), &options)?;
//! assert!(g.converged);
//! let ea = g.parameter("R1.E_A").unwrap();
//! assert!((ea.value - 0.3).abs() < 4.0 * ea.stderr.unwrap());
//! # Ok::<(), eisfit::Error>(())
//! ```

mod model;
mod report;
mod solve;
#[cfg(test)]
mod tests;

use self::model::{Model, Role};
use super::options::{nudge_inside, prepare, resolve};
use super::transform::Transform;
use super::{fit_series, FitError, FitOptions, FitReport};
use crate::arrhenius::{fit_arrhenius, ArrheniusError, ArrheniusLaw, ArrheniusOptions};
use crate::circuit::{Circuit, CircuitError};
use crate::consts::ZERO_CELSIUS_K;
use crate::spectrum::Spectrum;
use nalgebra::DVector;

pub use self::report::{GlobalFit, GlobalParameter, GlobalSpectrum, GlobalTermination};

/// Why a global fit could not be set up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GlobalError {
    /// No spectra.
    #[error("a global fit needs at least one spectrum")]
    Empty,
    /// The temperatures or start reports do not have one entry per spectrum.
    #[error("{spectra} spectra but {found} {what}")]
    LengthMismatch {
        /// `"temperatures"` or `"start reports"`.
        what: &'static str,
        /// Number of spectra.
        spectra: usize,
        /// Number of entries found.
        found: usize,
    },
    /// A name in `shared` or `arrhenius` is not a parameter of the circuit.
    #[error(transparent)]
    Circuit(#[from] CircuitError),
    /// The options of the per-spectrum fits are invalid (bounds, fixed values).
    #[error(transparent)]
    Fit(#[from] FitError),
    /// A parameter was given two roles (shared and Arrhenius, or fixed and either).
    #[error("{name} is given two roles ({first} and {second}); choose one")]
    TwoRoles {
        /// The parameter.
        name: String,
        /// Its first role.
        first: &'static str,
        /// Its second role.
        second: &'static str,
    },
    /// A temperature that is not finite and above absolute zero.
    #[error("spectrum {index}: temperature {value} °C is not finite and above absolute zero")]
    InvalidTemperature {
        /// Index of the spectrum.
        index: usize,
        /// The temperature in °C.
        value: f64,
    },
    /// Tying a parameter by the Arrhenius law needs at least 3 spectra at 2 or more temperatures.
    #[error("Arrhenius-tied {name}: {reason}")]
    Arrhenius {
        /// The parameter.
        name: String,
        /// Why its start values could not be found.
        reason: ArrheniusError,
    },
    /// A per-spectrum fit that gives the start values failed.
    #[error("spectrum {index}: the start fit failed: {source}")]
    StartFit {
        /// Index of the spectrum.
        index: usize,
        /// The fit's error.
        source: FitError,
    },
    /// σ weighting was asked for a spectrum without σ.
    #[error("spectrum {index}: sigma weighting needs standard errors in the data")]
    NoWeights {
        /// Index of the spectrum.
        index: usize,
    },
    /// The model is not finite at the start values.
    #[error("the model is not finite at the start values")]
    NonFiniteStart,
}

/// Options of [`fit_global`]: which parameters are shared, which are tied by the Arrhenius law, and the law.
///
/// # Examples
/// ```
/// use eisfit::fit::global::GlobalOptions;
/// use eisfit::ArrheniusLaw;
///
/// let o = GlobalOptions::default()
///     .with_shared("CPE1.n")
///     .with_arrhenius("R1")
///     .with_law(ArrheniusLaw::Plain);
/// assert_eq!(o.arrhenius(), ["R1"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalOptions {
    shared: Vec<String>,
    arrhenius: Vec<String>,
    law: ArrheniusLaw,
    max_iterations: usize,
}

impl Default for GlobalOptions {
    fn default() -> Self {
        GlobalOptions {
            shared: Vec::new(),
            arrhenius: Vec::new(),
            law: ArrheniusLaw::TPrefactor,
            max_iterations: 500,
        }
    }
}

impl GlobalOptions {
    /// Makes the parameter `name` one value common to all spectra.
    #[must_use]
    pub fn with_shared(mut self, name: impl Into<String>) -> Self {
        self.shared.push(name.into());
        self
    }

    /// Ties the parameter `name` across temperatures by the Arrhenius law (see [`with_law`](Self::with_law)).
    #[must_use]
    pub fn with_arrhenius(mut self, name: impl Into<String>) -> Self {
        self.arrhenius.push(name.into());
        self
    }

    /// The Arrhenius law of tied parameters (default [`ArrheniusLaw::TPrefactor`], p = T·κ·exp(E_A/k_BT)).
    #[must_use]
    pub fn with_law(mut self, law: ArrheniusLaw) -> Self {
        self.law = law;
        self
    }

    /// The iteration budget (default 500).
    #[must_use]
    pub fn with_max_iterations(mut self, n: usize) -> Self {
        self.max_iterations = n;
        self
    }

    /// The shared parameters' names, as given.
    #[must_use]
    pub fn shared(&self) -> &[String] {
        &self.shared
    }

    /// The Arrhenius-tied parameters' names, as given.
    #[must_use]
    pub fn arrhenius(&self) -> &[String] {
        &self.arrhenius
    }
}

/// Fits `spectra`, measured at `temperatures_c` (°C), globally; start values from per-spectrum fits with
/// `fit_options` ([`fit_series`], in order of temperature).
///
/// `fit_options` also sets the weighting, the frequency window, fixed parameters and bounds of the global fit.
///
/// # Errors
/// [`GlobalError`] for an empty series, mismatched lengths, unknown names, a parameter with two roles, invalid
/// temperatures, Arrhenius ties with too few temperatures or non-positive start values, a failed start fit, or a
/// model that is not finite at the start. A fit that does not converge is reported in [`GlobalFit::converged`].
pub fn fit_global(
    circuit: &Circuit,
    spectra: &[Spectrum],
    temperatures_c: &[f64],
    fit_options: &FitOptions,
    options: &GlobalOptions,
) -> Result<GlobalFit, GlobalError> {
    check_temperatures(spectra.len(), temperatures_c)?;
    let mut order: Vec<usize> = (0..spectra.len()).collect();
    order.sort_by(|&a, &b| temperatures_c[a].total_cmp(&temperatures_c[b]));
    let sorted: Vec<Spectrum> = order.iter().map(|&i| spectra[i].clone()).collect();
    let fits = fit_series(circuit, &sorted, fit_options).fits;
    let mut starts: Vec<Option<FitReport>> = vec![None; spectra.len()];
    for (&i, f) in order.iter().zip(fits) {
        starts[i] = Some(f.map_err(|source| GlobalError::StartFit { index: i, source })?);
    }
    let starts: Vec<FitReport> = starts.into_iter().flatten().collect();
    fit_global_from(circuit, spectra, temperatures_c, &starts, fit_options, options)
}

fn check_temperatures(n: usize, temperatures_c: &[f64]) -> Result<(), GlobalError> {
    if n == 0 {
        return Err(GlobalError::Empty);
    }
    if temperatures_c.len() != n {
        return Err(GlobalError::LengthMismatch {
            what: "temperatures",
            spectra: n,
            found: temperatures_c.len(),
        });
    }
    for (index, &value) in temperatures_c.iter().enumerate() {
        if !(value.is_finite() && value > -ZERO_CELSIUS_K) {
            return Err(GlobalError::InvalidTemperature { index, value });
        }
    }
    Ok(())
}

/// As [`fit_global`], with the start values taken from per-spectrum reports `starts` (one per spectrum, of the
/// same circuit; converged or not), for callers that already have them.
///
/// # Errors
/// As [`fit_global`].
pub fn fit_global_from(
    circuit: &Circuit,
    spectra: &[Spectrum],
    temperatures_c: &[f64],
    starts: &[FitReport],
    fit_options: &FitOptions,
    options: &GlobalOptions,
) -> Result<GlobalFit, GlobalError> {
    check_temperatures(spectra.len(), temperatures_c)?;
    if starts.len() != spectra.len() {
        return Err(GlobalError::LengthMismatch {
            what: "start reports",
            spectra: spectra.len(),
            found: starts.len(),
        });
    }
    let setup = resolve(circuit, fit_options)?;
    let names = circuit.param_names();
    let np = circuit.n_params();
    let mut kind: Vec<&'static str> = setup
        .fixed
        .iter()
        .map(|f| if f.is_some() { "fixed" } else { "local" })
        .collect();
    for (list, role) in [(&options.shared, "shared"), (&options.arrhenius, "arrhenius")] {
        for name in list {
            let j = circuit.param_index(name)?;
            if kind[j] != "local" {
                return Err(GlobalError::TwoRoles {
                    name: names[j].clone(),
                    first: kind[j],
                    second: role,
                });
            }
            kind[j] = role;
        }
    }
    let t_k: Vec<f64> = temperatures_c.iter().map(|t| t + ZERO_CELSIUS_K).collect();
    let values: Vec<Vec<f64>> = starts.iter().map(FitReport::values).collect();
    let (mut n_local, mut n_global) = (0, 0);
    let mut roles = Vec::with_capacity(np);
    let mut global0 = Vec::new();
    for j in 0..np {
        let transform = Transform::for_bounds(setup.bounds[j].0, setup.bounds[j].1);
        let role = match (kind[j], setup.fixed[j]) {
            (_, Some(v)) => Role::Fixed(v),
            ("shared", _) => {
                let mut v: Vec<f64> = values.iter().map(|v| v[j]).collect();
                v.sort_by(f64::total_cmp);
                let median = v[v.len() / 2];
                global0.push(transform.to_internal(nudge_inside(median, setup.bounds[j])));
                n_global += 1;
                Role::Shared {
                    slot: n_global - 1,
                    transform,
                }
            }
            ("arrhenius", _) => {
                let (ln_ref, ea) = arrhenius_start(&names[j], j, temperatures_c, &t_k, starts, options.law)?;
                global0.push(ln_ref);
                global0.push(ea);
                n_global += 2;
                Role::Arrhenius { slot: n_global - 2 }
            }
            _ => {
                n_local += 1;
                Role::Local {
                    slot: n_local - 1,
                    transform,
                }
            }
        };
        roles.push(role);
    }
    let local0: Vec<DVector<f64>> = values
        .iter()
        .map(|v| {
            DVector::from_iterator(
                n_local,
                roles.iter().enumerate().filter_map(|(j, r)| match *r {
                    Role::Local { transform, .. } => Some(transform.to_internal(nudge_inside(v[j], setup.bounds[j]))),
                    _ => None,
                }),
            )
        })
        .collect();
    let mut data = Vec::with_capacity(spectra.len());
    for (index, (s, &t)) in spectra.iter().zip(&t_k).enumerate() {
        let s = prepare(s, fit_options)?;
        let w = fit_options
            .weighting()
            .weights(&s)
            .ok_or(GlobalError::NoWeights { index })?;
        data.push((s.freq_hz().to_vec(), s.z().to_vec(), w, t));
    }
    let model = Model::new(circuit, roles, options.law, data);
    // A start the transforms cannot represent (a parameter exactly on a bound) becomes NaN here.
    if local0.iter().any(|x| x.iter().any(|v| !v.is_finite())) || global0.iter().any(|v| !v.is_finite()) {
        return Err(GlobalError::NonFiniteStart);
    }
    let global0 = DVector::from_vec(global0);
    let (state, stop, iterations) = solve::minimise(&model, local0, global0, options.max_iterations);
    let state = state.ok_or(GlobalError::NonFiniteStart)?;
    Ok(report::build(circuit, &model, &state, stop, iterations, temperatures_c))
}

/// Start values (ln p(T_ref), E_A) of an Arrhenius-tied parameter from a weighted Arrhenius fit of the
/// per-spectrum values.
fn arrhenius_start(
    name: &str,
    j: usize,
    temperatures_c: &[f64],
    t_k: &[f64],
    starts: &[FitReport],
    law: ArrheniusLaw,
) -> Result<(f64, f64), GlobalError> {
    let err = |reason| GlobalError::Arrhenius {
        name: name.to_owned(),
        reason,
    };
    let v: Vec<f64> = starts.iter().map(|r| r.parameters[j].value).collect();
    let e: Option<Vec<f64>> = starts
        .iter()
        .map(|r| r.parameters[j].stderr.filter(|s| s.is_finite() && *s > 0.0))
        .collect();
    let fit = fit_arrhenius(
        temperatures_c,
        &v,
        e.as_deref(),
        &ArrheniusOptions::default().with_law(law),
    )
    .map_err(err)?;
    let t_ref = t_k.len() as f64 / t_k.iter().map(|t| 1.0 / t).sum::<f64>();
    let at_ref = fit.predict_kelvin(t_ref).map_err(err)?;
    Ok((at_ref.value.ln(), fit.activation_energy_ev()))
}
