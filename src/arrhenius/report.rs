//! The result of an Arrhenius fit and its predictions.

use std::fmt;

use serde::Serialize;

use super::{delinearise, ArrheniusError, ArrheniusLaw, ArrheniusWarning, Quantity, TemperatureUnit};

/// A value predicted by an [`ArrheniusFit`] at one temperature, with its standard error (delta method).
#[derive(Copy, Clone, Debug, PartialEq, Serialize)]
pub struct Prediction {
    /// Temperature in K.
    pub temperature_k: f64,
    /// Predicted resistance or conductivity, in the units of the fitted values.
    pub value: f64,
    /// Standard error of `value`.
    pub stderr: f64,
    /// The 95 % interval of `value` (t-based with the fit's ν = n − 2, on the logarithm and mapped back).
    pub ci95: [f64; 2],
}

/// The result of [`fit_arrhenius`](super::fit_arrhenius): activation energy, prefactor, their standard errors and the line's statistics.
///
/// Serialises with the keys of the `eisfit arrhenius` JSON output (`activation_energy_ev`, `prefactor`, …) plus the
/// line's own statistics. The prefactor κ is in units of the value per K for the T-prefactor law with a resistance,
/// value·K for a conductivity, and the value's unit for the plain law.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArrheniusFit {
    pub(super) law: ArrheniusLaw,
    pub(super) quantity: Quantity,
    /// The unit of the temperatures the fit was given, and that [`ArrheniusFit::predict`] takes.
    #[serde(skip)]
    pub(super) temperature_unit: TemperatureUnit,
    pub(super) activation_energy_ev: f64,
    pub(super) activation_energy_ev_stderr: f64,
    pub(super) activation_energy_kj_per_mol: f64,
    pub(super) activation_energy_kj_per_mol_stderr: f64,
    pub(super) prefactor: f64,
    pub(super) prefactor_stderr: f64,
    pub(super) r_squared: f64,
    pub(super) n_points: usize,
    pub(super) weighted: bool,
    pub(super) slope_k: f64,
    pub(super) intercept: f64,
    pub(super) slope_stderr_k: f64,
    pub(super) intercept_stderr: f64,
    pub(super) slope_intercept_covariance: f64,
    pub(super) chi2: f64,
    pub(super) reduced_chi2: f64,
    pub(super) activation_energy_ev_ci95: [f64; 2],
    pub(super) prefactor_ci95: [f64; 2],
    pub(super) dof: usize,
    pub(super) t_quantile_975: f64,
    pub(super) warnings: Vec<ArrheniusWarning>,
}

impl ArrheniusFit {
    /// Activation energy E_A in eV.
    #[must_use]
    pub fn activation_energy_ev(&self) -> f64 {
        self.activation_energy_ev
    }

    /// Standard error of E_A in eV.
    #[must_use]
    pub fn activation_energy_ev_stderr(&self) -> f64 {
        self.activation_energy_ev_stderr
    }

    /// The 95 % confidence interval of E_A in eV: E_A ± t₀.₉₇₅(ν)·SE with ν = n − 2 degrees of freedom.
    ///
    /// # Examples
    /// ```
    /// use eisfit::arrhenius::{fit_arrhenius, ArrheniusOptions};
    ///
    /// let fit = fit_arrhenius(&[0.0, 20.0, 40.0, 60.0], &[31.0, 12.4, 5.6, 2.75], None, &ArrheniusOptions::default())?;
    /// let [lo, hi] = fit.activation_energy_ev_ci95();
    /// // Two degrees of freedom: t = 4.303, far wider than ±1.96 SE.
    /// assert!((hi - lo) / (2.0 * fit.activation_energy_ev_stderr()) > 4.3);
    /// assert_eq!(fit.degrees_of_freedom(), 2);
    /// # Ok::<(), eisfit::arrhenius::ArrheniusError>(())
    /// ```
    #[must_use]
    pub fn activation_energy_ev_ci95(&self) -> [f64; 2] {
        self.activation_energy_ev_ci95
    }

    /// The 95 % confidence interval of κ (that of ln κ mapped back, so asymmetric and positive).
    #[must_use]
    pub fn prefactor_ci95(&self) -> [f64; 2] {
        self.prefactor_ci95
    }

    /// Residual degrees of freedom of the line, ν = n − 2.
    #[must_use]
    pub fn degrees_of_freedom(&self) -> usize {
        self.dof
    }

    /// The t quantile t₀.₉₇₅(ν) that makes the 95 % intervals (2.776 for six temperatures).
    #[must_use]
    pub fn t_quantile_975(&self) -> f64 {
        self.t_quantile_975
    }

    /// What the fit noticed about its input or result (see [`ArrheniusWarning`]); empty when all looks right.
    #[must_use]
    pub fn warnings(&self) -> &[ArrheniusWarning] {
        &self.warnings
    }

    /// Activation energy E_A in kJ/mol.
    #[must_use]
    pub fn activation_energy_kj_per_mol(&self) -> f64 {
        self.activation_energy_kj_per_mol
    }

    /// Standard error of E_A in kJ/mol.
    #[must_use]
    pub fn activation_energy_kj_per_mol_stderr(&self) -> f64 {
        self.activation_energy_kj_per_mol_stderr
    }

    /// The prefactor κ = exp(intercept); its unit depends on the law (see [`ArrheniusFit`]).
    #[must_use]
    pub fn prefactor(&self) -> f64 {
        self.prefactor
    }

    /// Standard error of κ (delta method: κ·σ_intercept).
    #[must_use]
    pub fn prefactor_stderr(&self) -> f64 {
        self.prefactor_stderr
    }

    /// Coefficient of determination of the (weighted) linear fit.
    #[must_use]
    pub fn r_squared(&self) -> f64 {
        self.r_squared
    }

    /// Number of points fitted.
    #[must_use]
    pub fn n_points(&self) -> usize {
        self.n_points
    }

    /// Whether the fit was weighted by standard errors of the values.
    #[must_use]
    pub fn weighted(&self) -> bool {
        self.weighted
    }

    /// The law that was fitted.
    #[must_use]
    pub fn law(&self) -> ArrheniusLaw {
        self.law
    }

    /// The kind of quantity that was fitted.
    #[must_use]
    pub fn quantity(&self) -> Quantity {
        self.quantity
    }

    /// Slope of the line against 1/T, in K.
    #[must_use]
    pub fn slope_k(&self) -> f64 {
        self.slope_k
    }

    /// Intercept of the line (ln κ).
    #[must_use]
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Standard errors of slope (K) and intercept.
    #[must_use]
    pub fn line_stderrs(&self) -> (f64, f64) {
        (self.slope_stderr_k, self.intercept_stderr)
    }

    /// Covariance of slope and intercept (K), negative when the temperatures are all on one side of 1/T = 0.
    #[must_use]
    pub fn slope_intercept_covariance(&self) -> f64 {
        self.slope_intercept_covariance
    }

    /// Weighted sum of squared residuals of the linearised values.
    #[must_use]
    pub fn chi2(&self) -> f64 {
        self.chi2
    }

    /// χ²/(n − 2), the factor that scales the reported covariance.
    #[must_use]
    pub fn reduced_chi2(&self) -> f64 {
        self.reduced_chi2
    }

    /// The value predicted at `temperature_k` (K), with its standard error from the full covariance of slope and
    /// intercept (delta method on the logarithm).
    ///
    /// The temperature is in the unit the fit was given its temperatures in ([`ArrheniusFit::temperature_unit`],
    /// degrees Celsius by default), as for [`fit_arrhenius`](super::fit_arrhenius); [`ArrheniusFit::predict_kelvin`]
    /// takes kelvin whatever that unit.
    ///
    /// # Errors
    /// [`ArrheniusError::InvalidPredictionTemperature`] unless the temperature is finite and above absolute zero.
    ///
    /// # Examples
    /// ```
    /// use eisfit::arrhenius::{fit_arrhenius, ArrheniusOptions};
    ///
    /// let t_c = [0.0, 20.0, 40.0, 60.0];
    /// let r = [31.0, 12.4, 5.6, 2.75];
    /// let fit = fit_arrhenius(&t_c, &r, None, &ArrheniusOptions::default())?;
    /// let p = fit.predict(25.0)?; // °C, like the temperatures fitted
    /// assert!(p.value < 12.4 && p.value > 5.6);
    /// assert!((fit.predict_kelvin(298.15)?.value - p.value).abs() < 1e-12 * p.value);
    /// // The error band is narrowest inside the data and widens when extrapolating.
    /// let far = fit.predict(-40.0)?;
    /// assert!(far.stderr / far.value > p.stderr / p.value);
    /// assert!(fit.predict(-273.15).is_err());
    /// # Ok::<(), eisfit::arrhenius::ArrheniusError>(())
    /// ```
    pub fn predict(&self, temperature: f64) -> Result<Prediction, ArrheniusError> {
        self.predict_kelvin(self.temperature_unit.to_kelvin(temperature))
    }

    /// The unit of the temperatures the fit was given, which [`ArrheniusFit::predict`] takes too.
    #[must_use]
    pub fn temperature_unit(&self) -> TemperatureUnit {
        self.temperature_unit
    }

    /// [`ArrheniusFit::predict`] at a temperature in kelvin.
    ///
    /// # Errors
    /// [`ArrheniusError::InvalidPredictionTemperature`] unless `temperature_k` is finite and positive.
    pub fn predict_kelvin(&self, temperature_k: f64) -> Result<Prediction, ArrheniusError> {
        if !(temperature_k.is_finite() && temperature_k > 0.0) {
            return Err(ArrheniusError::InvalidPredictionTemperature { temperature_k });
        }
        let x = 1.0 / temperature_k;
        let y = self.intercept + self.slope_k * x;
        let var_y = self.intercept_stderr.powi(2)
            + x * x * self.slope_stderr_k.powi(2)
            + 2.0 * x * self.slope_intercept_covariance;
        let value = delinearise(self.law, self.quantity, temperature_k, y);
        let se_y = var_y.max(0.0).sqrt();
        let half = self.t_quantile_975 * se_y;
        Ok(Prediction {
            temperature_k,
            value,
            // why: the ±ln T term is exact, so d value/d y = value; max(0) guards rounding below zero.
            stderr: value * se_y,
            ci95: [
                delinearise(self.law, self.quantity, temperature_k, y - half),
                delinearise(self.law, self.quantity, temperature_k, y + half),
            ],
        })
    }
}

impl fmt::Display for ArrheniusFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let law = match (self.law, self.quantity) {
            (ArrheniusLaw::TPrefactor, Quantity::Resistance) => "R = T·κ·exp(E_A/k_B·T), ln(R/T) vs 1/T",
            (ArrheniusLaw::TPrefactor, Quantity::Conductivity) => "σ = (κ/T)·exp(−E_A/k_B·T), ln(σT) vs 1/T",
            (ArrheniusLaw::Plain, Quantity::Resistance) => "R = κ·exp(E_A/k_B·T), ln R vs 1/T",
            (ArrheniusLaw::Plain, Quantity::Conductivity) => "σ = κ·exp(−E_A/k_B·T), ln σ vs 1/T",
        };
        writeln!(f, "Arrhenius fit: {law}")?;
        writeln!(
            f,
            "  E_A = {:.4} ± {:.4} eV  ({:.2} ± {:.2} kJ/mol)   95 % CI [{:.4}, {:.4}] eV (t, ν = {})",
            self.activation_energy_ev,
            self.activation_energy_ev_stderr,
            self.activation_energy_kj_per_mol,
            self.activation_energy_kj_per_mol_stderr,
            self.activation_energy_ev_ci95[0],
            self.activation_energy_ev_ci95[1],
            self.dof
        )?;
        writeln!(f, "  κ   = {:.6e} ± {:.3e}", self.prefactor, self.prefactor_stderr)?;
        write!(
            f,
            "  R² = {:.6}, n = {}, {}, reduced χ² = {:.3e}",
            self.r_squared,
            self.n_points,
            if self.weighted { "weighted" } else { "unweighted" },
            self.reduced_chi2
        )
    }
}
