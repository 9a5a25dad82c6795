//! Monte Carlo of the temperature-series route on replicate series of `nzsp.rs`: how far the activation energies
//! fall from the truth on average (bias, in units of the reported standard error) and how often their 95 %
//! intervals cover it. Shared by `examples/series_monte_carlo.rs` and `tests/series_monte_carlo.rs`.
#![allow(dead_code)] // each user needs a different subset

use super::nzsp;
use eisfit::analysis::{analyze_temperature_series, Combination, SeriesPoint, TemperatureSeriesOptions};
use eisfit::{Circuit, FitOptions};
use rayon::prelude::*;

/// A route: the circuit fitted and the lower frequency limit.
#[derive(Clone, Debug)]
pub struct Route {
    /// The circuit of every fit.
    pub circuit: String,
    /// `--fmin`, if any.
    pub fmin: Option<f64>,
    /// Fit the series globally (`--global`): the CPEs shared, R0, R1 and R2 tied by the Arrhenius law; the
    /// activation energies are then R1.E_A (separator, as R0 has the same law) and R2.E_A (interface).
    pub global: bool,
}

/// One replicate's activation energies: (E_A, standard error, half-width of the 95 % interval) per quantity, in
/// the order separator, interface; `None` when the route produced no Arrhenius fit.
pub type Replicate = Option<[(f64, f64, f64); 2]>;

/// Runs the series route on replicate `r` (its seeds are `first_seed + 6·r + k`, clear of the shipped 100–105
/// for `first_seed ≥ 1000`).
pub fn replicate(route: &Route, first_seed: u64, r: u64) -> Replicate {
    let circuit: Circuit = route.circuit.parse().ok()?;
    let points: Vec<SeriesPoint> = nzsp::series(first_seed + 6 * r)
        .into_iter()
        .map(|(t, s)| SeriesPoint::new(format!("{t} C"), t, s))
        .collect();
    let mut fit_options = FitOptions::default();
    if let Some(f) = route.fmin {
        fit_options = fit_options.with_fmin(f);
    }
    let options = TemperatureSeriesOptions::default()
        .with_combination("separator=R0+R1".parse::<Combination>().ok()?)
        .with_combination("interface=0.5*R2".parse::<Combination>().ok()?)
        .with_area_cm2(nzsp::AREA_CM2)
        .with_thickness_um(nzsp::THICKNESS_UM);
    if route.global {
        return global_replicate(&circuit, &points, &fit_options);
    }
    let report = analyze_temperature_series(&circuit, &points, &fit_options, &options).ok()?;
    let get = |name: &str| {
        report.arrhenius.iter().find(|a| a.quantity == name).map(|a| {
            let ci = a.fit.activation_energy_ev_ci95();
            (
                a.activation_energy_ev,
                a.activation_energy_ev_stderr,
                0.5 * (ci[1] - ci[0]),
            )
        })
    };
    Some([get("separator")?, get("interface")?])
}

/// The statistics of one quantity over the replicates.
#[derive(Clone, Debug)]
pub struct Summary {
    /// Replicates with a result.
    pub n: usize,
    /// Mean E_A minus the truth, eV.
    pub bias: f64,
    /// Mean reported standard error, eV.
    pub mean_stderr: f64,
    /// Standard deviation of E_A over the replicates, eV.
    pub sd: f64,
    /// Fraction of the t-based 95 % intervals that cover the truth.
    pub coverage_t: f64,
    /// Fraction of the ±1.96·SE intervals that cover the truth.
    pub coverage_z: f64,
}

impl Summary {
    /// Bias in units of the mean reported standard error.
    pub fn bias_in_se(&self) -> f64 {
        self.bias / self.mean_stderr
    }
}

/// Runs `n` replicates in parallel and summarises (separator, interface); also returns how many failed.
pub fn run(route: &Route, first_seed: u64, n: u64) -> ([Summary; 2], usize) {
    let results: Vec<Replicate> = (0..n)
        .into_par_iter()
        .map(|r| replicate(route, first_seed, r))
        .collect();
    let ok: Vec<[(f64, f64, f64); 2]> = results.iter().flatten().copied().collect();
    let failed = results.len() - ok.len();
    let truth = [nzsp::EA_SEPARATOR_EV, nzsp::EA_INTERFACE_EV];
    let summary = |q: usize| {
        let m = ok.len().max(1) as f64;
        let mean = ok.iter().map(|r| r[q].0).sum::<f64>() / m;
        let var = ok.iter().map(|r| (r[q].0 - mean).powi(2)).sum::<f64>() / (m - 1.0).max(1.0);
        let covered = |half: &dyn Fn(&(f64, f64, f64)) -> f64| {
            ok.iter().filter(|r| (r[q].0 - truth[q]).abs() <= half(&r[q])).count() as f64 / m
        };
        Summary {
            n: ok.len(),
            bias: mean - truth[q],
            mean_stderr: ok.iter().map(|r| r[q].1).sum::<f64>() / m,
            sd: var.sqrt(),
            coverage_t: covered(&|x| x.2),
            coverage_z: covered(&|x| 1.96 * x.1),
        }
    };
    ([summary(0), summary(1)], failed)
}

/// The global route of one replicate: E_A ± SE of R1 and R2, with ±1.96 SE intervals (the global fit has hundreds
/// of degrees of freedom).
fn global_replicate(circuit: &Circuit, points: &[SeriesPoint], fit_options: &FitOptions) -> Replicate {
    use eisfit::fit::global::{fit_global, GlobalOptions};
    let spectra: Vec<_> = points.iter().map(|p| p.spectrum().clone()).collect();
    let temps: Vec<f64> = points.iter().map(SeriesPoint::temperature_c).collect();
    let options = ["CPE1.Q", "CPE1.n", "CPE2.Q", "CPE2.n", "CPE3.Q", "CPE3.n"]
        .iter()
        .fold(GlobalOptions::default(), |o, n| o.with_shared(*n))
        .with_arrhenius("R0")
        .with_arrhenius("R1")
        .with_arrhenius("R2");
    let g = fit_global(circuit, &spectra, &temps, fit_options, &options).ok()?;
    if !g.converged {
        return None;
    }
    let get = |name: &str| {
        let p = g.parameter(name)?;
        let se = p.stderr?;
        Some((p.value, se, 1.96 * se))
    };
    Some([get("R1.E_A")?, get("R2.E_A")?])
}
