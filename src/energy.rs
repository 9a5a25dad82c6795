//! Energy density of a cell stack with an alkali-metal anode (sodium by default, or lithium): volumetric (Wh/l) and gravimetric (Wh/kg), with
//! first-order uncertainties.
//!
//! The stack is one anode, one separator and one porous cathode whose pores are filled with liquid electrolyte;
//! current collectors and housing are not counted. In the charged state the anode is the metal reservoir present
//! in the discharged cell plus the metal plated by the areal capacity C ([`AnodeMetal`]: sodium or lithium).
//!
//! # Formula
//! With the voltage U (V), the areal capacity C (mAh/cm²), thicknesses d (cm), densities ρ (g/cm³) and the cathode
//! porosity p:
//!
//! * plated metal: d_plated = C / (q·ρ_anode) with q_Na = 1166 mAh/g ([`SODIUM_SPECIFIC_CAPACITY_MAH_PER_G`]) or
//!   q_Li = F/M_Li = 3862 mAh/g ([`LITHIUM_SPECIFIC_CAPACITY_MAH_PER_G`]), so d_anode = d_reservoir + d_plated
//!   (2.14 mAh/cm² plate 18.96 µm of sodium at 0.968 g/cm³; 1 mAh/cm² plates 4.85 µm of lithium at 0.534 g/cm³);
//! * volumetric (eq. 1): E_V = U·C / (d_anode + d_separator + d_cathode), in mWh/cm³ = Wh/l;
//! * gravimetric (eq. 5): E_m = U·C / (ρ_anode·d_anode + ρ_sep·d_sep + d_cathode·(ρ_solid·(1 − p) + ρ_liquid·p)),
//!   in mWh/g = Wh/kg.
//!
//! The anode is one metal, so its density ρ_anode (default the metal's: 0.968 g/cm³ for sodium, 0.534 for lithium)
//! is used for both the reservoir and the plated layer; the plated mass is then C/q whatever the density. Default
//! densities are the study's: sodium 0.968,
//! separator 3.3, solid cathode 3.05 and liquid electrolyte 1.38 g/cm³ ([`DEFAULT_DENSITIES_G_PER_CM3`]).
//!
//! # Uncertainties
//! Every input is a [`Measured`] value with a standard uncertainty (zero by default). The inputs are taken as
//! independent and propagated to first order with analytic partial derivatives:
//! σ_E² = Σᵢ (∂E/∂xᵢ · σᵢ)².
//!
//! # Examples
//! The study's cell 1 at its measured capacity:
//! ```
//! use eisfit::energy::{CellStack, Measured};
//!
//! let cell = CellStack::new(3.4, 2.14)
//!     .with_anode_reservoir_um(36.0)
//!     .with_separator_um(Measured::new(50.0, 4.0))
//!     .with_cathode_um(200.0)
//!     .with_cathode_porosity(0.63);
//! let e = cell.energy_density()?;
//! assert!((e.volumetric_wh_per_l - 238.6).abs() < 0.05); // the study: 239 Wh/l
//! assert!((e.gravimetric_wh_per_kg - 117.8).abs() < 0.05); // the study: 118 Wh/kg
//! assert!((e.anode_charged_um - 54.96).abs() < 0.01);
//! assert!(e.volumetric_wh_per_l_stderr > 0.0);
//! # Ok::<(), eisfit::energy::EnergyError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// Specific capacity of sodium metal in mAh/g, as used by the study (F/M_Na = 1165.8 mAh/g).
pub const SODIUM_SPECIFIC_CAPACITY_MAH_PER_G: f64 = 1166.0;
/// Density of sodium metal in g/cm³ (CRC Handbook of Chemistry and Physics, 97th ed., at 20 °C).
pub const SODIUM_DENSITY_G_PER_CM3: f64 = 0.968;
/// Specific capacity of lithium metal in mAh/g: F/M_Li with the Faraday constant 96485.33212 C/mol (CODATA 2018)
/// and the conventional atomic weight 6.94 g/mol (IUPAC 2013), 1 mAh = 3.6 C: 3861.9 mAh/g (the usual "3860").
pub const LITHIUM_SPECIFIC_CAPACITY_MAH_PER_G: f64 = 96_485.332_12 / (6.94 * 3.6);
/// Density of lithium metal in g/cm³ (CRC Handbook of Chemistry and Physics, 97th ed., at 20 °C).
pub const LITHIUM_DENSITY_G_PER_CM3: f64 = 0.534;

/// The metal of the anode: the reservoir and what plates on charge.
///
/// # Examples
/// ```
/// use eisfit::energy::AnodeMetal;
/// let li: AnodeMetal = "lithium".parse()?;
/// // 1 mAh/cm² plates 4.85 µm of lithium (Albertus et al., Nature Energy 3, 16 (2018)).
/// let um = 1.0 / (li.specific_capacity_mah_per_g() * li.density_g_per_cm3()) * 1e4;
/// assert!((um - 4.85).abs() < 0.005);
/// # Ok::<(), eisfit::energy::EnergyError>(())
/// ```
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum AnodeMetal {
    /// Sodium (the default).
    #[default]
    Sodium,
    /// Lithium.
    Lithium,
}

impl AnodeMetal {
    /// Charge per mass of the metal, mAh/g.
    #[must_use]
    pub fn specific_capacity_mah_per_g(self) -> f64 {
        match self {
            AnodeMetal::Sodium => SODIUM_SPECIFIC_CAPACITY_MAH_PER_G,
            AnodeMetal::Lithium => LITHIUM_SPECIFIC_CAPACITY_MAH_PER_G,
        }
    }

    /// Density of the metal, g/cm³: the default anode density.
    #[must_use]
    pub fn density_g_per_cm3(self) -> f64 {
        match self {
            AnodeMetal::Sodium => SODIUM_DENSITY_G_PER_CM3,
            AnodeMetal::Lithium => LITHIUM_DENSITY_G_PER_CM3,
        }
    }

    /// The lowercase name: `sodium`, `lithium`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            AnodeMetal::Sodium => "sodium",
            AnodeMetal::Lithium => "lithium",
        }
    }
}

impl FromStr for AnodeMetal {
    type Err = EnergyError;

    /// `sodium` or `na`, `lithium` or `li` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sodium" | "na" => Ok(AnodeMetal::Sodium),
            "lithium" | "li" => Ok(AnodeMetal::Lithium),
            _ => Err(EnergyError::UnknownMetal { text: s.to_owned() }),
        }
    }
}
/// The study's densities in g/cm³: anode (sodium), separator, solid cathode, liquid electrolyte.
pub const DEFAULT_DENSITIES_G_PER_CM3: [f64; 4] = [SODIUM_DENSITY_G_PER_CM3, 3.3, 3.05, 1.38];

/// µm → cm.
const UM_TO_CM: f64 = 1e-4;

/// Why an energy density could not be computed, naming the offending input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EnergyError {
    /// An input value or its uncertainty is NaN or infinite.
    #[error("{input}: not finite ({value})")]
    NonFinite {
        /// Name of the input, e.g. `"separator thickness (µm)"`.
        input: &'static str,
        /// The value found.
        value: f64,
    },
    /// An input value lies outside its physical range.
    #[error("{input}: must be {expected}, got {value}")]
    OutOfRange {
        /// Name of the input.
        input: &'static str,
        /// The value found.
        value: f64,
        /// The allowed range, e.g. `"> 0"`, `">= 0"`, `"in [0, 1)"`.
        expected: &'static str,
    },
    /// A standard uncertainty is negative.
    #[error("{input}: standard uncertainty must be >= 0, got {stderr}")]
    NegativeStderr {
        /// Name of the input.
        input: &'static str,
        /// The uncertainty found.
        stderr: f64,
    },
    /// An anode metal that is not sodium or lithium.
    #[error("unknown anode metal {text:?}; expected sodium or lithium")]
    UnknownMetal {
        /// The text given.
        text: String,
    },
    /// A `value` or `value:stderr` string could not be parsed.
    #[error("cannot parse {text:?} as VALUE or VALUE:STDERR ({reason})")]
    Parse {
        /// The text given.
        text: String,
        /// What was wrong with it.
        reason: &'static str,
    },
}

/// A value with its standard uncertainty (one standard deviation, same unit; 0 for an exact value).
///
/// Parses from `"50"` or `"50:4"` (also `"50±4"`); `From<f64>` gives an exact value. The values are checked where
/// they are used, by [`CellStack::energy_density`].
///
/// # Examples
/// ```
/// use eisfit::energy::Measured;
///
/// let d: Measured = "50:4".parse()?;
/// assert!((d.value - 50.0).abs() < 1e-12 && (d.stderr - 4.0).abs() < 1e-12);
/// assert!(Measured::from(3.4).stderr.abs() < f64::MIN_POSITIVE);
/// assert!("50:".parse::<Measured>().is_err());
/// # Ok::<(), eisfit::energy::EnergyError>(())
/// ```
#[derive(Copy, Clone, Debug, Default, PartialEq, Serialize)]
pub struct Measured {
    /// The value.
    pub value: f64,
    /// Its standard uncertainty (≥ 0).
    pub stderr: f64,
}

impl Measured {
    /// A value with a standard uncertainty.
    #[must_use]
    pub const fn new(value: f64, stderr: f64) -> Self {
        Measured { value, stderr }
    }

    /// A value without uncertainty.
    #[must_use]
    pub const fn exact(value: f64) -> Self {
        Measured { value, stderr: 0.0 }
    }
}

impl From<f64> for Measured {
    fn from(value: f64) -> Self {
        Measured::exact(value)
    }
}

impl FromStr for Measured {
    type Err = EnergyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| EnergyError::Parse {
            text: s.to_owned(),
            reason,
        };
        let mut parts = s.split([':', '±']);
        let num = |p: Option<&str>| -> Result<f64, EnergyError> {
            let p = p
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .ok_or_else(|| err("empty number"))?;
            let v: f64 = p.parse().map_err(|_| err("not a number"))?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(err("not finite"))
            }
        };
        let value = num(parts.next())?;
        let stderr = match parts.next() {
            None => 0.0,
            some => num(some)?,
        };
        if parts.next().is_some() {
            return Err(err("more than one separator"));
        }
        if stderr < 0.0 {
            return Err(err("negative uncertainty"));
        }
        Ok(Measured { value, stderr })
    }
}

impl fmt::Display for Measured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.stderr > 0.0 {
            write!(f, "{} ± {}", self.value, self.stderr)
        } else {
            write!(f, "{}", self.value)
        }
    }
}

/// Indices into the input vector x of [`stack_energy`].
const U: usize = 0;
const C: usize = 1;
const D_RES: usize = 2;
const D_SEP: usize = 3;
const D_CAT: usize = 4;
const P: usize = 5;
const RHO_A: usize = 6;
const RHO_S: usize = 7;
const RHO_C: usize = 8;
const RHO_L: usize = 9;
const N_INPUTS: usize = 10;

/// A cell stack: voltage, areal capacity, layer thicknesses, cathode porosity and densities.
///
/// Built with [`CellStack::new`] and `with_*` setters (thicknesses default to 0, porosity to 0, densities to the
/// study's); [`CellStack::energy_density`] checks every input. See the [module docs](self) for the formulas.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct CellStack {
    x: [Measured; N_INPUTS],
    metal: AnodeMetal,
}

/// Input names for error messages, in the order of the indices above.
const NAMES: [&str; N_INPUTS] = [
    "voltage (V)",
    "areal capacity (mAh/cm²)",
    "anode reservoir thickness (µm)",
    "separator thickness (µm)",
    "cathode thickness (µm)",
    "cathode porosity",
    "anode density (g/cm³)",
    "separator density (g/cm³)",
    "solid cathode density (g/cm³)",
    "electrolyte density (g/cm³)",
];

impl CellStack {
    /// A stack at `voltage_v` (V) delivering `capacity_mah_cm2` (mAh/cm²), with no layers yet.
    #[must_use]
    pub fn new(voltage_v: impl Into<Measured>, capacity_mah_cm2: impl Into<Measured>) -> Self {
        let mut x = [Measured::exact(0.0); N_INPUTS];
        x[U] = voltage_v.into();
        x[C] = capacity_mah_cm2.into();
        for (k, rho) in DEFAULT_DENSITIES_G_PER_CM3.iter().enumerate() {
            x[RHO_A + k] = Measured::exact(*rho);
        }
        CellStack {
            x,
            metal: AnodeMetal::Sodium,
        }
    }

    /// The anode metal (default sodium); also sets the anode density to the metal's, so call
    /// [`with_rho_anode`](Self::with_rho_anode) after this one to override it.
    #[must_use]
    pub fn with_anode_metal(mut self, metal: AnodeMetal) -> Self {
        self.metal = metal;
        self.x[RHO_A] = Measured::exact(metal.density_g_per_cm3());
        self
    }

    fn with(mut self, i: usize, v: impl Into<Measured>) -> Self {
        self.x[i] = v.into();
        self
    }

    /// Metal present in the discharged state, µm (default 0: an anode-free cell).
    #[must_use]
    pub fn with_anode_reservoir_um(self, d: impl Into<Measured>) -> Self {
        self.with(D_RES, d)
    }

    /// Separator thickness, µm.
    #[must_use]
    pub fn with_separator_um(self, d: impl Into<Measured>) -> Self {
        self.with(D_SEP, d)
    }

    /// Cathode thickness, µm.
    #[must_use]
    pub fn with_cathode_um(self, d: impl Into<Measured>) -> Self {
        self.with(D_CAT, d)
    }

    /// Cathode porosity as a fraction in [0, 1); the pores are filled with electrolyte.
    #[must_use]
    pub fn with_cathode_porosity(self, p: impl Into<Measured>) -> Self {
        self.with(P, p)
    }

    /// Density of the metal anode (reservoir and plated layer), g/cm³ (default the metal's: 0.968 for sodium).
    #[must_use]
    pub fn with_rho_anode(self, rho: impl Into<Measured>) -> Self {
        self.with(RHO_A, rho)
    }

    /// Density of the separator, g/cm³ (default 3.3).
    #[must_use]
    pub fn with_rho_separator(self, rho: impl Into<Measured>) -> Self {
        self.with(RHO_S, rho)
    }

    /// Density of the cathode's solid phase, g/cm³ (default 3.05).
    #[must_use]
    pub fn with_rho_cathode_solid(self, rho: impl Into<Measured>) -> Self {
        self.with(RHO_C, rho)
    }

    /// Density of the liquid electrolyte filling the cathode pores, g/cm³ (default 1.38).
    #[must_use]
    pub fn with_rho_electrolyte(self, rho: impl Into<Measured>) -> Self {
        self.with(RHO_L, rho)
    }

    /// Computes the energy densities and their first-order standard uncertainties.
    ///
    /// # Errors
    /// [`EnergyError`] naming the first input that is not finite, a negative uncertainty, or a value out of range:
    /// voltage, capacity, cathode thickness and densities must be > 0, reservoir and separator thickness ≥ 0, and
    /// the porosity in [0, 1).
    pub fn energy_density(&self) -> Result<EnergyDensity, EnergyError> {
        for (i, m) in self.x.iter().enumerate() {
            let input = NAMES[i];
            for v in [m.value, m.stderr] {
                if !v.is_finite() {
                    return Err(EnergyError::NonFinite { input, value: v });
                }
            }
            if m.stderr < 0.0 {
                return Err(EnergyError::NegativeStderr {
                    input,
                    stderr: m.stderr,
                });
            }
            let (ok, expected) = match i {
                D_RES | D_SEP => (m.value >= 0.0, ">= 0"),
                P => ((0.0..1.0).contains(&m.value), "a fraction in [0, 1)"),
                _ => (m.value > 0.0, "> 0"),
            };
            if !ok {
                return Err(EnergyError::OutOfRange {
                    input,
                    value: m.value,
                    expected,
                });
            }
        }
        let v: [f64; N_INPUTS] = self.x.map(|m| m.value);
        let s: [f64; N_INPUTS] = self.x.map(|m| m.stderr);
        let q = self.metal.specific_capacity_mah_per_g();
        let out = stack_energy(&v, q);
        let (g_ev, g_em, g_an) = stack_gradients(&v, q);
        let propagate = |g: &[f64; N_INPUTS]| g.iter().zip(&s).map(|(g, s)| (g * s).powi(2)).sum::<f64>().sqrt();
        Ok(EnergyDensity {
            plated_sodium_um: (self.metal == AnodeMetal::Sodium).then_some(out.plated_um),
            anode_charged_um: out.anode_um,
            anode_charged_um_stderr: propagate(&g_an),
            stack_thickness_um: out.stack_um,
            areal_mass_mg_per_cm2: out.mass_g_cm2 * 1e3,
            areal_energy_mwh_per_cm2: v[U] * v[C],
            volumetric_wh_per_l: out.volumetric,
            volumetric_wh_per_l_stderr: propagate(&g_ev),
            gravimetric_wh_per_kg: out.gravimetric,
            gravimetric_wh_per_kg_stderr: propagate(&g_em),
            anode_metal: self.metal,
            plated_metal_um: out.plated_um,
        })
    }
}

/// Energy densities of a [`CellStack`] and the quantities behind them.
///
/// Serialises with the keys of the `eisfit energy` JSON output plus the intermediate quantities.
#[derive(Copy, Clone, Debug, PartialEq, Serialize)]
pub struct EnergyDensity {
    /// Thickness of the sodium plated by the areal capacity, µm; `None` (null) for another metal, whose layer is
    /// [`plated_metal_um`](Self::plated_metal_um).
    pub plated_sodium_um: Option<f64>,
    /// Charged anode (reservoir + plated sodium), µm.
    pub anode_charged_um: f64,
    /// Standard uncertainty of `anode_charged_um`, µm.
    pub anode_charged_um_stderr: f64,
    /// Charged stack: anode + separator + cathode, µm.
    pub stack_thickness_um: f64,
    /// Areal mass of the charged stack, mg/cm².
    pub areal_mass_mg_per_cm2: f64,
    /// Areal energy U·C, mWh/cm².
    pub areal_energy_mwh_per_cm2: f64,
    /// Volumetric energy density (eq. 1), Wh/l.
    pub volumetric_wh_per_l: f64,
    /// Standard uncertainty of the volumetric energy density, Wh/l.
    pub volumetric_wh_per_l_stderr: f64,
    /// Gravimetric energy density (eq. 5), Wh/kg.
    pub gravimetric_wh_per_kg: f64,
    /// Standard uncertainty of the gravimetric energy density, Wh/kg.
    pub gravimetric_wh_per_kg_stderr: f64,
    /// The anode metal (`"sodium"`, `"lithium"` in JSON).
    pub anode_metal: AnodeMetal,
    /// Thickness of the metal plated by the areal capacity, µm.
    pub plated_metal_um: f64,
}

impl fmt::Display for EnergyDensity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "charged anode    {:8.2} ± {:.2} µm  (plated {} {:.2} µm)",
            self.anode_charged_um,
            self.anode_charged_um_stderr,
            self.anode_metal.name(),
            self.plated_metal_um
        )?;
        writeln!(
            f,
            "stack            {:8.2} µm, {:.3} mg/cm², {:.3} mWh/cm²",
            self.stack_thickness_um, self.areal_mass_mg_per_cm2, self.areal_energy_mwh_per_cm2
        )?;
        writeln!(
            f,
            "volumetric       {:8.1} ± {:.1} Wh/l",
            self.volumetric_wh_per_l, self.volumetric_wh_per_l_stderr
        )?;
        write!(
            f,
            "gravimetric      {:8.1} ± {:.1} Wh/kg",
            self.gravimetric_wh_per_kg, self.gravimetric_wh_per_kg_stderr
        )
    }
}

/// Values of one evaluation of the stack formulas.
struct StackValues {
    plated_um: f64,
    anode_um: f64,
    stack_um: f64,
    mass_g_cm2: f64,
    volumetric: f64,
    gravimetric: f64,
}

/// Eq. 1 and eq. 5 at the input vector `x` (thicknesses in µm, as given) for a metal of specific capacity `q`
/// (mAh/g).
fn stack_energy(x: &[f64; N_INPUTS], q: f64) -> StackValues {
    // d_plated [cm] = C [mAh/cm²] / (q [mAh/g] · ρ [g/cm³]).
    let plated_um = x[C] / (q * x[RHO_A]) / UM_TO_CM;
    let anode_um = x[D_RES] + plated_um;
    let stack_um = anode_um + x[D_SEP] + x[D_CAT];
    let cathode_density = x[RHO_C] * (1.0 - x[P]) + x[RHO_L] * x[P];
    let mass_g_cm2 = UM_TO_CM * (x[RHO_A] * anode_um + x[RHO_S] * x[D_SEP] + x[D_CAT] * cathode_density);
    let energy = x[U] * x[C];
    StackValues {
        plated_um,
        anode_um,
        stack_um,
        mass_g_cm2,
        volumetric: energy / (stack_um * UM_TO_CM),
        gravimetric: energy / mass_g_cm2,
    }
}

/// Analytic gradients of (E_V, E_m, d_anode) with respect to the inputs, in the inputs' units.
fn stack_gradients(x: &[f64; N_INPUTS], q: f64) -> ([f64; N_INPUTS], [f64; N_INPUTS], [f64; N_INPUTS]) {
    let sv = stack_energy(x, q);
    let energy = x[U] * x[C];
    let d = sv.stack_um * UM_TO_CM;
    let m = sv.mass_g_cm2;
    let plated_cm = sv.plated_um * UM_TO_CM;

    let mut an = [0.0; N_INPUTS];
    an[D_RES] = 1.0;
    an[C] = sv.plated_um / x[C];
    an[RHO_A] = -sv.plated_um / x[RHO_A];

    // E_V = U·C/D with D in cm: ∂E_V/∂D = −E_V/D; thicknesses enter in µm, hence the UM_TO_CM factor.
    let dev_dd = -sv.volumetric / d;
    let mut ev = [0.0; N_INPUTS];
    ev[U] = x[C] / d;
    ev[C] = x[U] / d + dev_dd * (plated_cm / x[C]);
    ev[D_RES] = dev_dd * UM_TO_CM;
    ev[D_SEP] = dev_dd * UM_TO_CM;
    ev[D_CAT] = dev_dd * UM_TO_CM;
    ev[RHO_A] = dev_dd * (-plated_cm / x[RHO_A]);

    // E_m = U·C/M, M = ρ_a·d_res + C/q + ρ_s·d_sep + d_cat·(ρ_c(1−p) + ρ_l·p): the plated mass C/q does not depend
    // on ρ_a.
    let dem_dm = -energy / (m * m);
    let cathode_density = x[RHO_C] * (1.0 - x[P]) + x[RHO_L] * x[P];
    let d_cat = x[D_CAT] * UM_TO_CM;
    let mut em = [0.0; N_INPUTS];
    em[U] = x[C] / m;
    em[C] = x[U] / m + dem_dm / q;
    em[D_RES] = dem_dm * x[RHO_A] * UM_TO_CM;
    em[D_SEP] = dem_dm * x[RHO_S] * UM_TO_CM;
    em[D_CAT] = dem_dm * cathode_density * UM_TO_CM;
    em[P] = dem_dm * d_cat * (x[RHO_L] - x[RHO_C]);
    em[RHO_A] = dem_dm * x[D_RES] * UM_TO_CM;
    em[RHO_S] = dem_dm * x[D_SEP] * UM_TO_CM;
    em[RHO_C] = dem_dm * d_cat * (1.0 - x[P]);
    em[RHO_L] = dem_dm * d_cat * x[P];
    (ev, em, an)
}

#[cfg(test)]
mod tests;
