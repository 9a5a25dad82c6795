//! The column engine: maps header names and units to frequency and impedance, then parses rows.
//!
//! Most text formats are "some preamble, a header line, rows of numbers". The readers find the header and the
//! row range; this module classifies each column by name and unit (`freq/Hz`, `Z' (kΩ)`, `-Im(Z)/Ohm`,
//! `Phase(Z)/deg`, `Zs''[ohm]`, ...), picks Cartesian or polar impedance and turns the rows into sweeps.

use super::text::{number, Delim, Text};
use super::{Metadata, ReadError, Sweep};
use crate::Spectrum;
use num_complex::Complex64;

/// What a column holds, with the factor that converts its unit to Hz, Ω or rad.
#[derive(Copy, Clone, Debug, PartialEq)]
enum Role {
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

/// Splits `Name (unit)`, `Name/unit`, `Name [unit]` into a normalised quantity and the unit text.
fn split_unit(name: &str) -> (String, &str) {
    let t = name.trim();
    let t = t
        .strip_prefix("Data:")
        .or_else(|| t.strip_prefix("data:"))
        .unwrap_or(t)
        .trim();
    let (q, unit) = if let Some((q, u)) = t.rsplit_once('/') {
        (q, u)
    } else if let Some(stripped) = t.strip_suffix(']') {
        stripped.rsplit_once('[').unwrap_or((stripped, ""))
    } else if let Some(stripped) = t.strip_suffix(')') {
        match stripped.rsplit_once('(') {
            // `Re(Z)`, `Theta (Z)`, `Z'(a)`: the parentheses are part of the name, not a unit.
            Some((q, u)) if unit_kind(u.trim()).is_some() => (q, u),
            _ => (t, ""),
        }
    } else if let Some((q, u)) = t.rsplit_once('_').filter(|(_, u)| unit_kind(u).is_some()) {
        // eisfit's own canonical names: `frequency_hz`, `z_real_ohm`, `z_imag_ohm`.
        (q, u)
    } else {
        (t, "")
    };
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
    (norm, unit.trim())
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum Unit {
    Hz(f64),
    Ohm(f64),
    Deg,
    Rad,
}

/// Recognised units, case-sensitive where SI prefixes need it (`mHz` vs `MHz`).
fn unit_kind(u: &str) -> Option<Unit> {
    let u = u.trim_matches(|c: char| c.is_whitespace() || c == '"');
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

fn classify(name: &str) -> Option<Role> {
    let (q, unit) = split_unit(name);
    let unit = unit_kind(unit);
    let ohm = match unit {
        Some(Unit::Ohm(f)) => f,
        _ => 1.0,
    };
    let (negated, q) = match q.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, q.as_str()),
    };
    let sign = if negated { -1.0 } else { 1.0 };
    let role = match q {
        "freq" | "frequency" | "f" | "fre" | "frequenz" => Role::Freq(match unit {
            Some(Unit::Hz(f)) => f,
            _ => 1.0,
        }),
        "re(z)" | "real(z)" | "rez" | "z'" | "z'(a)" | "zre" | "zreal" | "realz" | "zr" | "zs'" | "z're" | "real"
        | "re" | "z'real" => Role::Re(ohm),
        "im(z)" | "imag(z)" | "imz" | "z''" | "z''(b)" | "zim" | "zimag" | "zimg" | "imagz" | "zi" | "zs''"
        | "z''im" | "imag" | "im" | "z'imag" => Role::Im(sign * ohm),
        "|z|" | "modz" | "zmod" | "z" | "mod(z)" | "absz" | "|zs|" | "zs" | "impedance" | "zabs" => Role::Modulus(ohm),
        "phase(z)" | "phase" | "zphz" | "theta(z)" | "theta" | "phi" | "phasez" | "zphase" | "phi(z)" => Role::Phase(
            sign * if matches!(unit, Some(Unit::Rad)) {
                1.0
            } else {
                1.0f64.to_radians()
            },
        ),
        "cyclenumber" | "cycle" | "loop" | "loopindex" | "loopnumber" | "sweep" | "sweepindex" | "zcycle" => {
            Role::Sweep
        }
        // Per-point standard deviations: eisfit's own `sigma_real_ohm`/`sigma_imag_ohm` and the usual spellings
        // of an error column next to Z′ and Z″.
        "sigmareal" | "sigmare" | "sigmazreal" | "sigma(z')" | "sigmaz'" | "σ(z')" | "σre" | "std(z')" | "err(z')"
        | "error(z')" | "z'err" | "z'error" | "zreerr" | "zrealerr" | "zrealstd" | "dz'" | "δz'" => Role::SigmaRe(ohm),
        "sigmaimag" | "sigmaim" | "sigmazimag" | "sigma(z'')" | "sigmaz''" | "σ(z'')" | "σim" | "std(z'')"
        | "err(z'')" | "error(z'')" | "z''err" | "z''error" | "zimerr" | "zimagerr" | "zimagstd" | "dz''" | "δz''" => {
            Role::SigmaIm(ohm)
        }
        _ => return None,
    };
    // A leading minus only makes sense on the imaginary part and the phase.
    if negated && !matches!(role, Role::Im(_) | Role::Phase(_)) {
        return None;
    }
    Some(role)
}

/// How the impedance is stored in the row.
#[derive(Copy, Clone, Debug, PartialEq)]
pub(crate) enum ZColumns {
    /// Re and Im columns with their factors (the Im factor is negative for −Z″ columns).
    Cartesian { re: (usize, f64), im: (usize, f64) },
    /// |Z| and phase columns; the phase factor converts to radians with the true sign.
    Polar { modulus: (usize, f64), phase: (usize, f64) },
}

/// Which columns hold frequency, impedance and (optionally) a sweep counter.
#[derive(Copy, Clone, Debug, PartialEq)]
pub(crate) struct ColumnMap {
    pub freq: (usize, f64),
    pub z: ZColumns,
    pub sweep: Option<usize>,
    /// Standard-deviation columns of Z′ and Z″ with their factors, when the file has both.
    pub sigma: Option<((usize, f64), (usize, f64))>,
}

impl ColumnMap {
    /// Positional map `f, Z', Z''` with the given Im factor (−1 when the file stores −Z″).
    pub(crate) fn positional(freq: usize, re: usize, im: usize, im_factor: f64) -> Self {
        ColumnMap {
            freq: (freq, 1.0),
            z: ZColumns::Cartesian {
                re: (re, 1.0),
                im: (im, im_factor),
            },
            sweep: None,
            sigma: None,
        }
    }

    /// Maps header names; on failure returns the names that could not be mapped (all of them if nothing was
    /// recognised) so the caller can report them.
    pub(crate) fn from_header(names: &[&str]) -> Result<Self, Vec<String>> {
        let (mut freq, mut re, mut im, mut modulus, mut phase, mut sweep) = (None, None, None, None, None, None);
        let (mut sigma_re, mut sigma_im) = (None, None);
        let mut unmapped = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match classify(name) {
                Some(Role::Freq(f)) => freq = freq.or(Some((i, f))),
                Some(Role::Re(f)) => re = re.or(Some((i, f))),
                Some(Role::Im(f)) => im = im.or(Some((i, f))),
                Some(Role::Modulus(f)) => modulus = modulus.or(Some((i, f))),
                Some(Role::Phase(f)) => phase = phase.or(Some((i, f))),
                Some(Role::Sweep) => sweep = sweep.or(Some(i)),
                Some(Role::SigmaRe(f)) => sigma_re = sigma_re.or(Some((i, f))),
                Some(Role::SigmaIm(f)) => sigma_im = sigma_im.or(Some((i, f))),
                None if !name.trim().is_empty() => unmapped.push(name.trim().to_owned()),
                None => {}
            }
        }
        let z = match (re, im, modulus, phase) {
            (Some(re), Some(im), _, _) => ZColumns::Cartesian { re, im },
            (_, _, Some(modulus), Some(phase)) => ZColumns::Polar { modulus, phase },
            _ => return Err(unmapped),
        };
        match freq {
            Some(freq) => Ok(ColumnMap {
                freq,
                z,
                sweep,
                sigma: sigma_re.zip(sigma_im),
            }),
            None => Err(unmapped),
        }
    }

    fn needed(&self) -> usize {
        let (a, b) = match self.z {
            ZColumns::Cartesian { re, im } => (re.0, im.0),
            ZColumns::Polar { modulus, phase } => (modulus.0, phase.0),
        };
        let (sr, si) = self.sigma.map_or((0, 0), |(r, i)| (r.0, i.0));
        self.freq.0.max(a).max(b).max(self.sweep.unwrap_or(0)).max(sr).max(si) + 1
    }
}

/// Options for [`parse_rows`].
#[derive(Copy, Clone, Debug)]
pub(crate) struct RowSpec {
    pub delim: Delim,
    pub decimal_comma: bool,
    /// Rows with frequency ≤ 0 are dropped (Parstat DC rows) instead of being an error.
    pub drop_zero_freq: bool,
    /// A row with frequency 0 ends the current sweep (BioLogic CSV loop sentinels); implies dropping it.
    pub zero_freq_splits: bool,
    /// Blank lines are skipped instead of ending the data.
    pub skip_blank: bool,
    /// Lines starting with `#`, `%` or `//` are skipped.
    pub skip_comments: bool,
}

impl RowSpec {
    pub(crate) fn new(delim: Delim) -> Self {
        RowSpec {
            delim,
            decimal_comma: delim != Delim::Comma,
            drop_zero_freq: false,
            zero_freq_splits: false,
            skip_blank: true,
            skip_comments: false,
        }
    }
}

/// Parsed rows: frequency, impedance and the group each row belongs to.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    pub freq: Vec<f64>,
    pub z: Vec<Complex64>,
    pub group: Vec<i64>,
    /// Per-point standard deviations of Z′ and Z″, for every row or for none.
    pub sigma: Vec<Complex64>,
}

impl Rows {
    /// Empty rows with room for `n` points (without σ).
    pub(crate) fn with_capacity(n: usize) -> Self {
        Rows {
            freq: Vec::with_capacity(n),
            z: Vec::with_capacity(n),
            group: Vec::with_capacity(n),
            sigma: Vec::new(),
        }
    }

    /// Appends one point to group `group`.
    pub(crate) fn push(&mut self, freq: f64, z: Complex64, group: i64) {
        self.freq.push(freq);
        self.z.push(z);
        self.group.push(group);
    }
}

/// Parses lines `start..end` as data rows with the given map. A non-numeric cell, a row with too few fields or
/// too many fields (compared with the first row) is an error naming the line.
pub(crate) fn parse_rows(
    text: &Text<'_>,
    start: usize,
    end: usize,
    map: &ColumnMap,
    spec: RowSpec,
) -> Result<Rows, ReadError> {
    let mut rows = Rows::with_capacity(end.min(text.lines.len()).saturating_sub(start));
    let mut fields: Vec<&str> = Vec::new();
    let mut width: Option<usize> = None;
    let mut group = 0i64;
    let mut last_counter: Option<f64> = None;
    let needed = map.needed();
    for i in start..end.min(text.lines.len()) {
        let line = text.line(i);
        if line.trim().is_empty() {
            if spec.skip_blank {
                continue;
            }
            break;
        }
        if spec.skip_comments && super::generic::is_comment(line) {
            continue;
        }
        spec.delim.split(line, &mut fields);
        let w = *width.get_or_insert(fields.len());
        if fields.len() < needed || fields.len() > w {
            return Err(ReadError::Ragged {
                file: text.name.to_owned(),
                line: i + 1,
                expected: if fields.len() < needed { needed.max(w) } else { w },
                found: fields.len(),
            });
        }
        let get = |(col, factor): (usize, f64), what: &str| -> Result<f64, ReadError> {
            let cell = fields.get(col).copied().unwrap_or("");
            number(cell, spec.decimal_comma)
                .map(|v| v * factor)
                .ok_or_else(|| text.syntax(i, format!("a finite number ({what}) in column {}", col + 1), cell))
        };
        let f = get(map.freq, "frequency")?;
        if f <= 0.0 && (spec.drop_zero_freq || spec.zero_freq_splits) {
            if spec.zero_freq_splits {
                group += 1;
            }
            continue;
        }
        if f <= 0.0 {
            let cell = fields.get(map.freq.0).copied().unwrap_or("");
            return Err(text.syntax(i, format!("a frequency > 0 Hz in column {}", map.freq.0 + 1), cell));
        }
        let z = match map.z {
            ZColumns::Cartesian { re, im } => Complex64::new(get(re, "Re Z")?, get(im, "Im Z")?),
            ZColumns::Polar { modulus, phase } => Complex64::from_polar(get(modulus, "|Z|")?, get(phase, "phase")?),
        };
        if let Some(col) = map.sweep {
            let c = get((col, 1.0), "cycle")?;
            if last_counter.is_some_and(|l| (l - c).abs() > 0.0) {
                group += 1;
            }
            last_counter = Some(c);
        }
        if let Some((sr, si)) = map.sigma {
            rows.sigma
                .push(Complex64::new(get(sr, "σ of Re Z")?.abs(), get(si, "σ of Im Z")?.abs()));
        }
        rows.push(f, z, group);
    }
    if rows.freq.is_empty() {
        return Err(ReadError::NoData {
            file: text.name.to_owned(),
            line: start + 1,
            detail: "no data rows after the header".into(),
        });
    }
    Ok(rows)
}

/// Turns rows into sweeps: one per group (cycle column or sentinel), each further split where the frequency
/// sweep restarts. Every sweep gets a copy of `meta` with its index.
pub(crate) fn into_sweeps(name: &str, rows: Rows, meta: &Metadata) -> Result<Vec<Sweep>, ReadError> {
    let mut spectra = Vec::new();
    let mut start = 0usize;
    let n = rows.freq.len();
    for i in 1..=n {
        if i == n || rows.group.get(i) != rows.group.get(start) {
            let f = rows.freq.get(start..i).unwrap_or_default().to_vec();
            let z = rows.z.get(start..i).unwrap_or_default().to_vec();
            let err = |source| ReadError::Spectrum {
                file: name.to_owned(),
                sweep: spectra.len(),
                source,
            };
            let mut s = Spectrum::new(f, z).map_err(err)?;
            if rows.sigma.len() == n {
                s = s
                    .with_sigma(rows.sigma.get(start..i).unwrap_or_default().to_vec())
                    .map_err(err)?;
            }
            spectra.extend(s.split_sweeps());
            start = i;
        }
    }
    Ok(spectra
        .into_iter()
        .enumerate()
        .map(|(i, s)| Sweep::new(i, s, meta.clone().with_sweep_index(i)))
        .collect())
}

/// Finds the header in lines `from..to`: the first line whose fields (split by the guessed delimiter) map to
/// frequency and impedance. Returns the line index, the map and the delimiter.
pub(crate) fn find_header(text: &Text<'_>, from: usize, to: usize) -> Option<(usize, ColumnMap, Delim)> {
    let mut fields = Vec::new();
    (from..to.min(text.lines.len())).find_map(|i| {
        let line = text.line(i);
        let delim = header_delim(text, i);
        split_header(line, delim, &mut fields);
        ColumnMap::from_header(&fields).ok().map(|m| (i, m, delim))
    })
}

/// The delimiter of the header at line `i`, judged from the next non-blank line (the first data row) when the
/// header alone is ambiguous (NOVA writes `;`, some tools `,` with units containing spaces).
pub(crate) fn header_delim(text: &Text<'_>, i: usize) -> Delim {
    let header = text.line(i);
    let data = text.find(i + 1, |l| !l.trim().is_empty()).map(|j| text.line(j));
    let guess = Delim::guess(header);
    match (guess, data) {
        (Delim::Comma, Some(d)) if d.contains(';') => Delim::Semicolon,
        (Delim::Whitespace, Some(d)) if d.contains('\t') => Delim::Tab,
        _ => guess,
    }
}

/// Splits a header line. With whitespace delimiters a token that starts with `(` or `[` (a unit) is glued to the
/// token before it, so `Freq (Hz)` stays one column.
pub(crate) fn split_header<'l>(line: &'l str, delim: Delim, out: &mut Vec<&'l str>) {
    delim.split(line, out);
    if delim == Delim::Whitespace {
        let mut merged: Vec<&'l str> = Vec::with_capacity(out.len());
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let base = line.as_ptr() as usize;
        for tok in out.iter() {
            let s = tok.as_ptr() as usize - base;
            let e = s + tok.len();
            match spans.last_mut() {
                Some(last) if tok.starts_with('(') || tok.starts_with('[') => last.1 = e,
                _ => spans.push((s, e)),
            }
        }
        merged.extend(spans.iter().filter_map(|&(s, e)| line.get(s..e)));
        *out = merged;
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
            ("Re(Z)/Ohm", Role::Re(1.0)),
            ("Z' (kΩ)", Role::Re(1e3)),
            ("Z'(a)", Role::Re(1.0)),
            ("-Im(Z)/Ohm", Role::Im(-1.0)),
            ("-Z'' (Ω)", Role::Im(-1.0)),
            ("Z\"/ohm", Role::Im(1.0)),
            ("Zs''[ohm]", Role::Im(1.0)),
            ("Z Imag", Role::Im(1.0)),
            ("Data: Z''", Role::Im(1.0)),
            ("|Z|/Ohm", Role::Modulus(1.0)),
            ("Z (MΩ)", Role::Modulus(1e6)),
            ("phase (rad)", Role::Phase(1.0)),
            ("cycle number", Role::Sweep),
            ("frequency_hz", Role::Freq(1.0)),
            ("z_imag_ohm", Role::Im(1.0)),
            ("z_real_kohm", Role::Re(1e3)),
        ];
        for (name, role) in cases {
            assert_eq!(classify(name), Some(*role), "{name}");
        }
        for name in ["Re(Y)/Ohm-1", "Z2 Real", "E Real", "ZrealDrCor", "time/s", "-Re(Z)"] {
            assert_eq!(classify(name), None, "{name}");
        }
    }

    #[test]
    fn merges_whitespace_units() {
        let mut v = Vec::new();
        split_header("  Freq (Hz)    Ampl   Z'(a)", Delim::Whitespace, &mut v);
        assert_eq!(v, ["Freq (Hz)", "Ampl", "Z'(a)"]);
    }
}
