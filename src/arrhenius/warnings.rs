//! [`ArrheniusWarning`]: what an Arrhenius fit noticed about its input or result that the user should check.

use std::fmt;

use serde::Serialize;

use super::{ArrheniusOptions, Quantity, TemperatureUnit};

/// Temperatures (°C) that all lie in this range look like kelvin: −123 °C … 177 °C written in K.
const KELVIN_LOOKALIKE_C: (f64, f64) = (150.0, 450.0);

/// Something about an Arrhenius fit's input or result that deserves a look. The fit was made; these do not make it
/// fail, but each names a common mistake that gives a plausible-looking, wrong activation energy.
///
/// Serialises as an object with a `code` (`"temperatures-look-like-kelvin"`, …), the fields below, and `message`
/// is its [`Display`](fmt::Display) text in the CLI's output.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ArrheniusWarning {
    /// Every temperature, read as °C, lies between 150 and 450: the usual range of temperatures in kelvin
    /// (−123…177 °C). Read as °C they give an activation energy several times too large with an excellent R².
    TemperaturesLookLikeKelvin {
        /// The lowest temperature as given.
        min: f64,
        /// The highest temperature as given.
        max: f64,
    },
    /// A resistance whose fitted activation energy is negative: it rises with temperature, as a conductivity
    /// does. Were conductivities (or conductances) given as resistances?
    NegativeActivationEnergy {
        /// The fitted E_A in eV.
        activation_energy_ev: f64,
    },
    /// Several points share a temperature; they are fitted as separate points (each with its own weight), which
    /// is right for repeated measurements.
    RepeatedTemperature {
        /// The temperature in K.
        temperature_k: f64,
        /// How many points have it.
        count: usize,
    },
}

impl fmt::Display for ArrheniusWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TemperaturesLookLikeKelvin { min, max } => write!(
                f,
                "the temperatures ({min}…{max}) were read as °C but look like kelvin; if they are, the activation \
                 energy is wrong (give the temperature unit K)"
            ),
            Self::NegativeActivationEnergy { activation_energy_ev } => write!(
                f,
                "negative activation energy ({activation_energy_ev:.4} eV) for a resistance: the values rise with \
                 temperature; were conductivities given as resistances?"
            ),
            Self::RepeatedTemperature { temperature_k, count } => {
                write!(f, "{count} points at {temperature_k} K, fitted as separate points")
            }
        }
    }
}

/// The warnings about the input alone: the temperatures as given and their kelvin values.
pub(super) fn input_warnings(temperatures: &[f64], t_k: &[f64], options: &ArrheniusOptions) -> Vec<ArrheniusWarning> {
    let mut out = Vec::new();
    if let Some(w) = kelvin_lookalike(temperatures, options.temperature_unit()) {
        out.push(w);
    }
    let mut sorted = t_k.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut i = 0;
    while i < sorted.len() {
        // why: °C → K conversion rounds, so "equal" means equal to a few ulps, not bit-identical.
        let j = i + sorted[i..]
            .iter()
            .take_while(|&&t| (t - sorted[i]).abs() <= 1e-12 * t.abs())
            .count();
        if j - i > 1 {
            out.push(ArrheniusWarning::RepeatedTemperature {
                temperature_k: sorted[i],
                count: j - i,
            });
        }
        i = j;
    }
    out
}

/// [`ArrheniusWarning::TemperaturesLookLikeKelvin`] when `unit` is °C and every temperature lies in 150…450: the
/// check [`fit_arrhenius`](super::fit_arrhenius) makes, for callers that want to refuse such input before fitting
/// (the CLI does, unless the unit was given explicitly).
///
/// # Examples
/// ```
/// use eisfit::arrhenius::{kelvin_lookalike, TemperatureUnit};
///
/// assert!(kelvin_lookalike(&[263.15, 283.15, 303.15], TemperatureUnit::Celsius).is_some());
/// assert!(kelvin_lookalike(&[263.15, 283.15, 303.15], TemperatureUnit::Kelvin).is_none());
/// assert!(kelvin_lookalike(&[140.0, 170.0, 200.0], TemperatureUnit::Celsius).is_none());
/// ```
#[must_use]
pub fn kelvin_lookalike(temperatures: &[f64], unit: TemperatureUnit) -> Option<ArrheniusWarning> {
    let (lo, hi) = KELVIN_LOOKALIKE_C;
    let min = temperatures.iter().copied().fold(f64::INFINITY, f64::min);
    let max = temperatures.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (unit == TemperatureUnit::Celsius && !temperatures.is_empty() && min >= lo && max <= hi)
        .then_some(ArrheniusWarning::TemperaturesLookLikeKelvin { min, max })
}

/// The warnings about the result.
pub(super) fn result_warnings(activation_energy_ev: f64, quantity: Quantity) -> Option<ArrheniusWarning> {
    (quantity == Quantity::Resistance && activation_energy_ev < 0.0)
        .then_some(ArrheniusWarning::NegativeActivationEnergy { activation_energy_ev })
}
