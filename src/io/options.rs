//! Read options: forced format, columns given by position, size limit.

use super::error::ParseNameError;
use super::table::{ColumnMap, ZColumns};
use super::Format;
use serde::{Serialize, Serializer};
use std::str::FromStr;

/// Default size limit of [`ReadOptions`]: 256 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 256 << 20;

/// How a file is read: the format (detected when `None`), the columns by position (for headerless or
/// misleading tables), and the largest file accepted.
///
/// # Examples
/// ```
/// use eisfit::io::{read_bytes_with, Columns, ReadOptions};
///
/// // A headerless |Z|, phase export: positions given explicitly.
/// let text = "1000;10.5;-3.0\n100;12.0;-20.0\n10;30.0;-45.0\n";
/// let columns: Columns = "freq,mod,phase_deg".parse()?;
/// let options = ReadOptions::default().with_columns(columns);
/// let file = read_bytes_with(text.as_bytes(), "rlc.csv", &options)?;
/// let z = file.sweeps()[0].spectrum().z()[2];
/// assert!((z.norm() - 30.0).abs() < 1e-9 && (z.arg().to_degrees() + 45.0).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct ReadOptions {
    format: Option<Format>,
    columns: Option<Columns>,
    max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: None,
            columns: None,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

impl ReadOptions {
    /// Reads as `format` instead of detecting it (`None`: detect).
    #[must_use]
    pub fn with_format(mut self, format: Option<Format>) -> Self {
        self.format = format;
        self
    }
    /// Reads the data rows by position with these columns, ignoring any header (text tables only).
    #[must_use]
    pub fn with_columns(mut self, columns: Columns) -> Self {
        self.columns = Some(columns);
        self
    }
    /// Refuses files larger than `bytes` ([`DEFAULT_MAX_BYTES`] by default).
    #[must_use]
    pub fn with_max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }
    /// The forced format, if any.
    #[must_use]
    pub fn format(&self) -> Option<Format> {
        self.format
    }
    /// The columns given by position, if any.
    #[must_use]
    pub fn columns(&self) -> Option<Columns> {
        self.columns
    }
    /// The size limit in bytes.
    #[must_use]
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }
}

/// What one column holds, in a [`Columns`] list.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Column {
    /// Ignored (`skip` or `_`).
    Skip,
    /// Frequency in Hz (`freq`).
    Freq,
    /// Angular frequency in rad/s (`omega`).
    Omega,
    /// Z′ in Ω (`re`).
    Re,
    /// Z″ in Ω, true sign (`im`).
    Im,
    /// −Z″ in Ω (`-im`).
    NegIm,
    /// |Z| in Ω (`mod`).
    Mod,
    /// Phase in degrees, true sign (`phase_deg` or `phase`).
    PhaseDeg,
    /// −phase in degrees (`-phase_deg` or `-phase`).
    NegPhaseDeg,
    /// Phase in radians, true sign (`phase_rad`).
    PhaseRad,
    /// −phase in radians (`-phase_rad`).
    NegPhaseRad,
    /// Cycle, loop or sweep counter (`sweep`).
    Sweep,
}

impl Column {
    const NAMES: [(&'static str, Column); 14] = [
        ("skip", Column::Skip),
        ("_", Column::Skip),
        ("freq", Column::Freq),
        ("omega", Column::Omega),
        ("re", Column::Re),
        ("im", Column::Im),
        ("-im", Column::NegIm),
        ("mod", Column::Mod),
        ("phase_deg", Column::PhaseDeg),
        ("phase", Column::PhaseDeg),
        ("-phase_deg", Column::NegPhaseDeg),
        ("-phase", Column::NegPhaseDeg),
        ("phase_rad", Column::PhaseRad),
        ("sweep", Column::Sweep),
    ];

    fn name(self) -> &'static str {
        match self {
            Column::NegPhaseRad => "-phase_rad",
            c => Column::NAMES.iter().find(|(_, k)| *k == c).map_or("skip", |(n, _)| *n),
        }
    }

    fn parse(s: &str) -> Option<Column> {
        let s = s.trim().to_ascii_lowercase();
        if s == "-phase_rad" {
            return Some(Column::NegPhaseRad);
        }
        Column::NAMES.iter().find(|(n, _)| *n == s).map(|(_, c)| *c)
    }
}

/// Most columns a [`Columns`] list can name; later columns of the file are ignored.
pub const MAX_COLUMNS: usize = 32;

/// The columns of a table by position, as `--columns freq,re,-im` or `freq,mod,phase_deg` gives them.
///
/// Names: `freq` (Hz), `omega` (rad/s), `re`, `im`, `-im` (a column holding −Z″), `mod`, `phase_deg` (or
/// `phase`), `-phase_deg`, `phase_rad`, `-phase_rad`, `sweep` (a cycle counter), `skip` or `_` (ignored).
/// Impedances are in Ω. One frequency column and either `re` and `im` or `mod` and a phase are required (with
/// both, `re` and `im` are used).
///
/// # Examples
/// ```
/// use eisfit::io::Columns;
/// let c: Columns = "skip,skip,freq,re,-im".parse()?;
/// assert_eq!(c.to_string(), "skip,skip,freq,re,-im");
/// assert!("freq,re".parse::<Columns>().is_err());
/// # Ok::<(), eisfit::io::ParseNameError>(())
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    list: [Column; MAX_COLUMNS],
    len: usize,
}

impl Columns {
    /// The columns in file order.
    #[must_use]
    pub fn list(&self) -> &[Column] {
        self.list.get(..self.len).unwrap_or(&[])
    }

    pub(crate) fn from_list(cols: &[Column]) -> Option<Columns> {
        let mut list = [Column::Skip; MAX_COLUMNS];
        if cols.len() > MAX_COLUMNS {
            return None;
        }
        list.get_mut(..cols.len())?.copy_from_slice(cols);
        let c = Columns { list, len: cols.len() };
        c.map().map(|_| c)
    }

    /// The column map these positions give, `None` without frequency and impedance (or with a role twice).
    pub(crate) fn map(&self) -> Option<ColumnMap> {
        let find = |pred: &dyn Fn(Column) -> bool| -> Result<Option<usize>, ()> {
            let mut it = self.list().iter().enumerate().filter(|(_, c)| pred(**c));
            let first = it.next().map(|(i, _)| i);
            if it.next().is_some() {
                Err(())
            } else {
                Ok(first)
            }
        };
        let freq = find(&|c| matches!(c, Column::Freq | Column::Omega)).ok()??;
        let freq_factor = if self.list().get(freq) == Some(&Column::Omega) {
            1.0 / std::f64::consts::TAU
        } else {
            1.0
        };
        let re = find(&|c| c == Column::Re).ok()?;
        let im = find(&|c| matches!(c, Column::Im | Column::NegIm)).ok()?;
        let modulus = find(&|c| c == Column::Mod).ok()?;
        let phase = find(&|c| {
            matches!(
                c,
                Column::PhaseDeg | Column::NegPhaseDeg | Column::PhaseRad | Column::NegPhaseRad
            )
        })
        .ok()?;
        let sweep = find(&|c| c == Column::Sweep).ok()?;
        let z = match (re, im, modulus, phase) {
            (Some(re), Some(im), _, _) => {
                let sign = if self.list().get(im) == Some(&Column::NegIm) {
                    -1.0
                } else {
                    1.0
                };
                ZColumns::Cartesian {
                    re: (re, 1.0),
                    im: (im, sign),
                }
            }
            (None, None, Some(m), Some(p)) => {
                let factor = match self.list().get(p) {
                    Some(Column::PhaseDeg) => 1.0f64.to_radians(),
                    Some(Column::NegPhaseDeg) => -(1.0f64.to_radians()),
                    Some(Column::PhaseRad) => 1.0,
                    _ => -1.0,
                };
                ZColumns::Polar {
                    modulus: (m, 1.0),
                    phase: (p, factor),
                }
            }
            _ => return None,
        };
        Some(ColumnMap {
            freq: (freq, freq_factor),
            z,
            sweep,
            sigma: None,
        })
    }
}

impl std::fmt::Display for Columns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, c) in self.list().iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(c.name())?;
        }
        Ok(())
    }
}

impl Serialize for Columns {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl FromStr for Columns {
    type Err = ParseNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |expected: String| ParseNameError {
            what: "column list",
            input: s.to_owned(),
            expected,
        };
        let mut cols = Vec::new();
        for item in s.split(',') {
            let c = Column::parse(item).ok_or_else(|| {
                err(format!(
                    "comma-separated names among freq, omega, re, im, -im, mod, phase_deg, -phase_deg, phase_rad, \
                     -phase_rad, sweep, skip (`{}` is not one)",
                    item.trim()
                ))
            })?;
            cols.push(c);
        }
        if cols.len() > MAX_COLUMNS {
            return Err(err(format!("at most {MAX_COLUMNS} columns")));
        }
        Columns::from_list(&cols).ok_or_else(|| {
            err(
                "one freq (or omega) column and either re and im (or -im) or mod and one phase column, \
                 each once, such as freq,re,-im or freq,mod,phase_deg"
                    .into(),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_column_lists() {
        for s in [
            "freq,re,im",
            "skip,_,freq,re,-im,mod,sweep",
            "omega,mod,-phase_rad",
            "freq,mod,phase",
        ] {
            let c: Columns = s.parse().expect(s);
            let again: Columns = c.to_string().parse().expect(s);
            assert_eq!(c, again, "{s}");
        }
        let c: Columns = "skip,freq,mod,phase_deg".parse().unwrap();
        let map = c.map().unwrap();
        assert_eq!(map.freq, (1, 1.0));
        assert!(matches!(
            map.z,
            ZColumns::Polar {
                modulus: (2, _),
                phase: (3, _)
            }
        ));
        for bad in ["", "freq", "freq,re", "freq,freq,re,im", "f,re,im", "freq,re,-im,im"] {
            assert!(bad.parse::<Columns>().is_err(), "{bad}");
        }
        let long = vec!["skip"; MAX_COLUMNS + 1].join(",");
        assert!(long.parse::<Columns>().is_err());
    }
}
