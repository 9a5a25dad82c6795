//! Column names and units: `freq/Hz`, `Z' (kΩ)`, `-Im(Z)/Ohm`, `Phase(Z)/deg`, `Zs''[ohm]`, `frequency_hz`, ...
//!
//! A column whose quantity is recognised but whose unit is not is an error, never a silent factor of 1: a
//! `Re(Z)/kOhm.cm2` column read as Ω would be off by a factor of 1000 and by the electrode area.

use std::f64::consts::TAU;

/// What a column holds, with the factor that converts its unit to Hz, Ω or rad.
#[derive(Copy, Clone, Debug, PartialEq)]
pub(crate) enum Role {
    Freq(f64),
    Re(f64),
    /// Imaginary part; the factor is negative when the column holds −Z″.
    Im(f64),
    Modulus(f64),
    /// Phase; the factor converts to radians and is negative when the column holds −φ.
    Phase(f64),
    /// Cycle, loop or sweep counter.
    Sweep,
    /// Standard deviation of the real part (factor to Ω).
    SigmaRe(f64),
    /// Standard deviation of the imaginary part (factor to Ω).
    SigmaIm(f64),
}

/// Why the unit of a recognised column was refused.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnitProblem {
    /// Not a unit eisfit knows.
    Unknown,
    /// An area-normalised impedance (Ω·cm²) or a resistivity (Ω·cm): the electrode area is needed to get Ω.
    Areal,
    /// A known unit of another quantity (`Re(Z)/Hz`, `freq/Ohm`).
    WrongQuantity,
}

impl std::fmt::Display for UnitProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const EXPECTED: &str = "expected Hz (mHz, kHz, MHz, GHz) or rad/s for a frequency, Ohm or Ω (mΩ, kΩ, MΩ) \
                                for an impedance, deg or rad for a phase";
        match self {
            UnitProblem::Unknown => write!(f, "unknown unit; {EXPECTED}"),
            UnitProblem::Areal => f.write_str(
                "an area-normalised impedance (Ω·cm²) or a resistivity, not an impedance in Ω; convert the \
                 column to Ω (divide by the electrode area), or read the numbers as Ω knowingly with --columns",
            ),
            UnitProblem::WrongQuantity => write!(f, "a unit of another quantity; {EXPECTED}"),
        }
    }
}

/// A recognised quantity with a unit that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BadUnit {
    pub unit: String,
    pub problem: UnitProblem,
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum Unit {
    Hz(f64),
    Ohm(f64),
    Deg,
    Rad,
}

/// Normalises a quantity name: no case, spaces or underscores; primes and minus signs in ASCII.
fn normalise(q: &str) -> String {
    let mut norm: String = q
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .map(|c| match c {
            '′' | '’' | '´' => '\''.to_string(),
            '″' | '"' => "''".to_string(),
            '−' | '–' => "-".to_string(),
            c => c.to_lowercase().to_string(),
        })
        .collect();
    while norm.ends_with('.') || norm.ends_with(':') {
        norm.pop();
    }
    norm
}

/// Recognised units, case-sensitive where SI prefixes need it (`mHz` vs `MHz`).
fn unit_kind(u: &str) -> Option<Unit> {
    let u = u.trim_matches(|c: char| c.is_whitespace() || c == '"');
    let compact: String = u
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '·' | '*' | '^' | '⋅'))
        .map(|c| match c {
            '⁻' | '−' => '-',
            '¹' => '1',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    if matches!(
        compact.as_str(),
        "rad/s" | "rads-1" | "radian/s" | "radians/s" | "rad/sec"
    ) {
        return Some(Unit::Hz(1.0 / TAU));
    }
    let (prefix, base) = match u.char_indices().nth(1) {
        Some((i, _))
            if !matches!(
                u.to_lowercase().as_str(),
                "hz" | "ohm" | "ohms" | "deg" | "rad" | "degree" | "degrees" | "radian" | "radians"
            ) =>
        {
            (u.get(..i).unwrap_or(""), u.get(i..).unwrap_or(""))
        }
        _ => ("", u),
    };
    let factor = match prefix {
        "" => 1.0,
        "m" => 1e-3,
        "u" | "µ" | "μ" => 1e-6,
        "k" | "K" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        _ => return None,
    };
    match base.to_lowercase().as_str() {
        "hz" => Some(Unit::Hz(factor)),
        "ohm" | "ohms" | "ω" | "Ω" => Some(Unit::Ohm(factor)),
        "deg" | "°" | "degree" | "degrees" if prefix.is_empty() => Some(Unit::Deg),
        "rad" | "radian" | "radians" if prefix.is_empty() => Some(Unit::Rad),
        _ => None,
    }
}

/// Why a unit text is not usable, for a unit [`unit_kind`] does not know.
fn unit_problem(u: &str) -> UnitProblem {
    let l = u.to_lowercase();
    let ohm = l.contains("ohm") || l.contains('ω');
    if ohm && (l.contains("cm") || l.contains("m2") || l.contains("m²") || l.contains("m^2") || l.contains("·m")) {
        UnitProblem::Areal
    } else {
        UnitProblem::Unknown
    }
}

/// The role of a bare quantity name (normalised), with the unit factors to apply.
fn quantity(q: &str, unit: Option<Unit>) -> Option<Result<Role, UnitProblem>> {
    let (negated, q) = match q.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, q),
    };
    let sign = if negated { -1.0 } else { 1.0 };
    let ohm = match unit {
        None => Ok(1.0),
        Some(Unit::Ohm(f)) => Ok(f),
        Some(_) => Err(UnitProblem::WrongQuantity),
    };
    let role = match q {
        "freq" | "frequency" | "f" | "fre" | "frequenz" => match unit {
            None => Ok(Role::Freq(1.0)),
            Some(Unit::Hz(f)) => Ok(Role::Freq(f)),
            Some(_) => Err(UnitProblem::WrongQuantity),
        },
        "omega" | "ω" | "angularfrequency" => match unit {
            None => Ok(Role::Freq(1.0 / TAU)),
            Some(Unit::Hz(f)) if (f * TAU - 1.0).abs() < 1e-12 => Ok(Role::Freq(f)),
            Some(_) => Err(UnitProblem::WrongQuantity),
        },
        "re(z)" | "real(z)" | "rez" | "z'" | "z'(a)" | "zre" | "zreal" | "realz" | "zr" | "zs'" | "z're" | "real"
        | "re" | "z'real" => ohm.map(Role::Re),
        "im(z)" | "imag(z)" | "imz" | "z''" | "z''(b)" | "zim" | "zimag" | "zimg" | "imagz" | "zi" | "zs''"
        | "z''im" | "imag" | "im" | "z'imag" => ohm.map(|f| Role::Im(sign * f)),
        "|z|" | "modz" | "zmod" | "z" | "mod(z)" | "absz" | "|zs|" | "zs" | "impedance" | "zabs" => {
            ohm.map(Role::Modulus)
        }
        "phase(z)" | "phase" | "zphz" | "theta(z)" | "theta" | "phi" | "phasez" | "zphase" | "phi(z)" => match unit {
            None | Some(Unit::Deg) => Ok(Role::Phase(sign * 1.0f64.to_radians())),
            Some(Unit::Rad) => Ok(Role::Phase(sign)),
            Some(_) => Err(UnitProblem::WrongQuantity),
        },
        "cyclenumber" | "cycle" | "loop" | "loopindex" | "loopnumber" | "sweep" | "sweepindex" | "zcycle" => {
            Ok(Role::Sweep)
        }
        // Per-point standard deviations: eisfit's own `sigma_real_ohm`/`sigma_imag_ohm` and the usual spellings
        // of an error column next to Z′ and Z″.
        "sigmareal" | "sigmare" | "sigmazreal" | "sigma(z')" | "sigmaz'" | "σ(z')" | "σre" | "std(z')" | "err(z')"
        | "error(z')" | "z'err" | "z'error" | "zreerr" | "zrealerr" | "zrealstd" | "dz'" | "δz'" => {
            ohm.map(Role::SigmaRe)
        }
        "sigmaimag" | "sigmaim" | "sigmazimag" | "sigma(z'')" | "sigmaz''" | "σ(z'')" | "σim" | "std(z'')"
        | "err(z'')" | "error(z'')" | "z''err" | "z''error" | "zimerr" | "zimagerr" | "zimagstd" | "dz''" | "δz''" => {
            ohm.map(Role::SigmaIm)
        }
        _ => return None,
    };
    // A leading minus only makes sense on the imaginary part and the phase.
    if negated && !matches!(role, Ok(Role::Im(_) | Role::Phase(_))) {
        return None;
    }
    Some(role)
}

/// Splits `Name/unit`, `Name [unit]`, `Name (unit)` or `name_unit` into the quantity and the unit text.
fn split(t: &str) -> Option<(&str, &str)> {
    if let Some(stripped) = t.strip_suffix(']') {
        return stripped.rsplit_once('[');
    }
    if let Some(stripped) = t.strip_suffix(')') {
        return stripped.rsplit_once('(');
    }
    if let Some((q, u)) = t.split_once('/') {
        return Some((q, u));
    }
    // eisfit's own canonical names: `frequency_hz`, `z_real_ohm`, `z_imag_ohm`.
    t.rsplit_once('_').filter(|(_, u)| unit_kind(u).is_some())
}

/// The role of a column name, `None` when the name is not a known quantity, and an error when the quantity is
/// known but its unit is not usable.
pub(crate) fn classify(name: &str) -> Result<Option<Role>, BadUnit> {
    // No quantity and unit spelling is this long: a huge "name" (a binary or garbage line) is not looked at.
    const LONGEST: usize = 200;
    if name.len() > LONGEST {
        return Ok(None);
    }
    let t = name.trim();
    let t = t
        .strip_prefix("Data:")
        .or_else(|| t.strip_prefix("data:"))
        .unwrap_or(t)
        .trim();
    // `Re(Z)`, `Theta (Z)`, `Z'(a)`: parentheses that are part of the name, not a unit.
    if let Some(Ok(role)) = quantity(&normalise(t), None) {
        return Ok(Some(role));
    }
    let Some((q, u)) = split(t) else {
        return Ok(None);
    };
    let u = u.trim();
    let unit = unit_kind(u);
    match quantity(&normalise(q), unit) {
        None => Ok(None),
        Some(Ok(_)) if unit.is_none() && !u.is_empty() => Err(BadUnit {
            unit: u.to_owned(),
            problem: unit_problem(u),
        }),
        Some(Ok(role)) => Ok(Some(role)),
        Some(Err(problem)) => Err(BadUnit {
            unit: u.to_owned(),
            problem: if unit.is_none() { unit_problem(u) } else { problem },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_real_headers() {
        let cases: &[(&str, Role)] = &[
            ("freq/Hz", Role::Freq(1.0)),
            ("Frequency (kHz)", Role::Freq(1e3)),
            ("Frequency (mHz)", Role::Freq(1e-3)),
            ("Freq.[Hz]", Role::Freq(1.0)),
            ("Freq(Hz)", Role::Freq(1.0)),
            ("Re(Z)/Ohm", Role::Re(1.0)),
            ("Re(Z)/kOhm", Role::Re(1e3)),
            ("Z' (kΩ)", Role::Re(1e3)),
            ("Z'(a)", Role::Re(1.0)),
            ("-Im(Z)/Ohm", Role::Im(-1.0)),
            ("-Z'' (Ω)", Role::Im(-1.0)),
            ("Z\"/ohm", Role::Im(1.0)),
            ("Zs''[ohm]", Role::Im(1.0)),
            ("Z Imag", Role::Im(1.0)),
            ("Data: Z''", Role::Im(1.0)),
            ("Data: Theta (Z)", Role::Phase(1.0f64.to_radians())),
            ("|Z|/Ohm", Role::Modulus(1.0)),
            ("mod Z/Ohm", Role::Modulus(1.0)),
            ("Z (MΩ)", Role::Modulus(1e6)),
            ("phase (rad)", Role::Phase(1.0)),
            ("-Phase (°)", Role::Phase(-(1.0f64.to_radians()))),
            ("cycle number", Role::Sweep),
            ("loop_index", Role::Sweep),
            ("frequency_hz", Role::Freq(1.0)),
            ("z_imag_ohm", Role::Im(1.0)),
            ("z_real_kohm", Role::Re(1e3)),
            ("sigma_real_ohm", Role::SigmaRe(1.0)),
            ("freq/rad.s-1", Role::Freq(1.0 / TAU)),
            ("freq (rad/s)", Role::Freq(1.0 / TAU)),
            ("omega", Role::Freq(1.0 / TAU)),
        ];
        for (name, role) in cases {
            assert_eq!(classify(name), Ok(Some(*role)), "{name}");
        }
        for name in [
            "Re(Y)/Ohm-1",
            "Z2 Real",
            "E Real",
            "ZrealDrCor",
            "time/s",
            "-Re(Z)",
            "Phase(Y)/deg",
            "Time(Sec)",
            "<Ewe>/V",
        ] {
            assert_eq!(classify(name), Ok(None), "{name}");
        }
    }

    #[test]
    fn refuses_units_it_cannot_convert() {
        let cases = [
            ("Re(Z)/kOhm.cm2", UnitProblem::Areal),
            ("Z' (Ω·cm²)", UnitProblem::Areal),
            ("-Im(Z)/Ohm cm^2", UnitProblem::Areal),
            ("freq/s-1", UnitProblem::Unknown),
            ("Re(Z)/V", UnitProblem::Unknown),
            ("Z'' [kÎ©]", UnitProblem::Unknown),
            ("freq/Ohm", UnitProblem::WrongQuantity),
            ("Phase(Z)/Hz", UnitProblem::WrongQuantity),
        ];
        for (name, problem) in cases {
            let err = classify(name).expect_err(name);
            assert_eq!(err.problem, problem, "{name}");
            assert!(name.contains(&err.unit), "{name}: {}", err.unit);
        }
    }
}
