//! Physical constants (CODATA 2018 exact values, SI units).

/// Boltzmann constant k_B in eV/K (exact in the 2019 SI).
pub const BOLTZMANN_EV_PER_K: f64 = 8.617_333_262e-5;
/// Boltzmann constant k_B in J/K (exact in the 2019 SI).
pub const BOLTZMANN_J_PER_K: f64 = 1.380_649e-23;
/// Elementary charge e in C (exact in the 2019 SI).
pub const ELEMENTARY_CHARGE_C: f64 = 1.602_176_634e-19;
/// Avogadro constant N_A in 1/mol (exact in the 2019 SI).
pub const AVOGADRO_PER_MOL: f64 = 6.022_140_76e23;
/// Faraday constant F = e·N_A in C/mol.
pub const FARADAY_C_PER_MOL: f64 = ELEMENTARY_CHARGE_C * AVOGADRO_PER_MOL;
/// Molar gas constant R = k_B·N_A in J/(mol·K).
pub const GAS_CONSTANT_J_PER_MOL_K: f64 = BOLTZMANN_J_PER_K * AVOGADRO_PER_MOL;
/// 0 °C in kelvin.
pub const ZERO_CELSIUS_K: f64 = 273.15;
/// One electronvolt per particle expressed in kJ/mol (e·N_A/1000).
pub const EV_TO_KJ_PER_MOL: f64 = ELEMENTARY_CHARGE_C * AVOGADRO_PER_MOL / 1000.0;

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn derived_constants_match_codata() {
        assert_relative_eq!(FARADAY_C_PER_MOL, 96_485.332_12, max_relative = 1e-9);
        assert_relative_eq!(GAS_CONSTANT_J_PER_MOL_K, 8.314_462_618, max_relative = 1e-9);
        assert_relative_eq!(EV_TO_KJ_PER_MOL, 96.485_332_12, max_relative = 1e-9);
        assert_relative_eq!(
            BOLTZMANN_J_PER_K / ELEMENTARY_CHARGE_C,
            BOLTZMANN_EV_PER_K,
            max_relative = 1e-9
        );
    }
}
