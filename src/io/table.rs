//! The column engine: maps header names and units to frequency and impedance, then parses rows.
//!
//! Most text formats are "some preamble, a header line, rows of numbers". The readers find the header and the
//! row range; this module classifies each column by name and unit (`freq/Hz`, `Z' (kΩ)`, `-Im(Z)/Ohm`,
//! `Phase(Z)/deg`, `Zs''[ohm]`, ...), picks Cartesian or polar impedance and turns the rows into sweeps.

use super::grouping;
use super::notes::ReadNote;
use super::text::{Delim, Text};
use super::units::{classify, Role, UnitProblem};
use super::ReadError;
use num_complex::Complex64;

pub(crate) use super::sweeps::into_sweeps;

/// Why a header line does not give a column map.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum HeaderError {
    /// No frequency and impedance columns; the names that could not be mapped.
    Unmapped(Vec<String>),
    /// The line is a header (it maps frequency and impedance), but a column's unit cannot be used.
    Unit {
        column: String,
        unit: String,
        problem: UnitProblem,
    },
}

impl HeaderError {
    /// The error to report when line `i` of `text` was the header; `otherwise` for an unmapped line.
    pub(crate) fn at(self, text: &Text<'_>, i: usize, otherwise: impl FnOnce() -> ReadError) -> ReadError {
        match self {
            HeaderError::Unit { column, unit, problem } => ReadError::Unit {
                file: text.name.to_owned(),
                line: text.line_no(i),
                column,
                unit,
                problem,
            },
            HeaderError::Unmapped(_) => otherwise(),
        }
    }
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

    /// Maps header names. A line that maps frequency and impedance but has a recognised column with an unusable
    /// unit gives [`HeaderError::Unit`]; otherwise the names that could not be mapped (all of them if nothing
    /// was recognised) so the caller can report them.
    pub(crate) fn from_header(names: &[&str]) -> Result<Self, HeaderError> {
        let (mut freq, mut re, mut im, mut modulus, mut phase, mut sweep) = (None, None, None, None, None, None);
        let (mut sigma_re, mut sigma_im) = (None, None);
        let mut unmapped = Vec::new();
        let mut bad_unit = None;
        // The names shown in an error: the first few are enough.
        let unmapped_push = |unmapped: &mut Vec<String>, name: &str| {
            if unmapped.len() <= 20 {
                unmapped.push(super::text::shorten(name));
            }
        };
        for (i, name) in names.iter().enumerate() {
            let role = match classify(name) {
                Ok(role) => role,
                Err(bad) => {
                    bad_unit.get_or_insert((name.trim().to_owned(), bad));
                    unmapped_push(&mut unmapped, name.trim());
                    // Placeholder so that the line is still recognised as a header: the unit is the problem.
                    Some(Role::Sweep)
                }
            };
            match role {
                Some(Role::Freq(f)) => freq = freq.or(Some((i, f))),
                Some(Role::Re(f)) => re = re.or(Some((i, f))),
                Some(Role::Im(f)) => im = im.or(Some((i, f))),
                Some(Role::Modulus(f)) => modulus = modulus.or(Some((i, f))),
                Some(Role::Phase(f)) => phase = phase.or(Some((i, f))),
                Some(Role::Sweep) => sweep = sweep.or(Some(i)),
                Some(Role::SigmaRe(f)) => sigma_re = sigma_re.or(Some((i, f))),
                Some(Role::SigmaIm(f)) => sigma_im = sigma_im.or(Some((i, f))),
                None if !name.trim().is_empty() => unmapped_push(&mut unmapped, name.trim()),
                None => {}
            }
        }
        if let Some((column, bad)) = bad_unit {
            // A header if the bad column stood for what its name says: some frequency or impedance column is
            // named, and the line has at least two recognised quantities.
            let known = [
                freq.is_some(),
                re.is_some(),
                im.is_some(),
                modulus.is_some(),
                phase.is_some(),
            ]
            .iter()
            .filter(|k| **k)
            .count();
            if known >= 1 && names.len() >= 2 {
                return Err(HeaderError::Unit {
                    column,
                    unit: bad.unit,
                    problem: bad.problem,
                });
            }
            return Err(HeaderError::Unmapped(unmapped));
        }
        let z = match (re, im, modulus, phase) {
            (Some(re), Some(im), _, _) => ZColumns::Cartesian { re, im },
            (_, _, Some(modulus), Some(phase)) => ZColumns::Polar { modulus, phase },
            _ => return Err(HeaderError::Unmapped(unmapped)),
        };
        match freq {
            Some(freq) => Ok(ColumnMap {
                freq,
                z,
                sweep,
                sigma: sigma_re.zip(sigma_im),
            }),
            None => Err(HeaderError::Unmapped(unmapped)),
        }
    }

    /// The mapped columns (0-based), for the digit-grouping check.
    pub(crate) fn numeric_columns(&self) -> Vec<usize> {
        let (a, b) = match self.z {
            ZColumns::Cartesian { re, im } => (re.0, im.0),
            ZColumns::Polar { modulus, phase } => (modulus.0, phase.0),
        };
        let mut v = vec![self.freq.0, a, b];
        v.extend(self.sigma.iter().flat_map(|(r, i)| [r.0, i.0]));
        v
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
    let lines: Vec<(usize, &str)> = (start..end.min(text.lines.len())).map(|i| (i, text.line(i))).collect();
    parse_lines(text, &lines, start, map, spec)
}

/// Parses the given lines (0-based line index, content) as data rows; `start` is the line reported when there
/// are none. Columns are checked for digit grouping first (see [`grouping`]).
pub(crate) fn parse_lines(
    text: &Text<'_>,
    lines: &[(usize, &str)],
    start: usize,
    map: &ColumnMap,
    spec: RowSpec,
) -> Result<Rows, ReadError> {
    let mut rows = Rows::with_capacity(lines.len());
    let mut fields: Vec<&str> = Vec::new();
    let mut width: Option<usize> = None;
    let mut group = 0i64;
    let mut last_counter: Option<f64> = None;
    let needed = map.needed();
    let styles = if spec.decimal_comma {
        grouping::column_styles(text, lines, map, spec)?
    } else {
        grouping::Styles::plain()
    };
    for &(i, line) in lines {
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
                line: text.line_no(i),
                expected: if fields.len() < needed { needed.max(w) } else { w },
                found: fields.len(),
            });
        }
        let get = |(col, factor): (usize, f64), what: &str| -> Result<f64, ReadError> {
            let cell = fields.get(col).copied().unwrap_or("");
            grouping::parse(cell, styles.get(col))
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
        if !(z.re.is_finite() && z.im.is_finite()) {
            let col = match map.z {
                ZColumns::Cartesian { re, .. } => re.0,
                ZColumns::Polar { modulus, .. } => modulus.0,
            };
            let cell = fields.get(col).copied().unwrap_or("");
            return Err(text.syntax(
                i,
                format!("an impedance that stays finite in Ω (column {})", col + 1),
                cell,
            ));
        }
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
            line: text.line_no(start),
            detail: "no data rows after the header".into(),
        });
    }
    for col in styles.grouped() {
        text.notes.push(ReadNote::DigitGrouping { column: col + 1 });
    }
    Ok(rows)
}

/// Finds the header in lines `from..to`: the first line whose fields (split by the guessed delimiter) map to
/// frequency and impedance. Returns the line index, the map and the delimiter.
///
/// # Errors
/// [`ReadError::Unit`] when the first line that names frequency and impedance has a column with an unusable unit.
pub(crate) fn find_header(
    text: &Text<'_>,
    from: usize,
    to: usize,
) -> Result<Option<(usize, ColumnMap, Delim)>, ReadError> {
    let mut fields = Vec::new();
    for i in from..to.min(text.lines.len()) {
        let line = text.line(i);
        let delim = header_delim(text, i);
        split_header(line, delim, &mut fields);
        match ColumnMap::from_header(&fields) {
            Ok(m) => return Ok(Some((i, m, delim))),
            Err(HeaderError::Unit { column, unit, problem }) => {
                return Err(ReadError::Unit {
                    file: text.name.to_owned(),
                    line: text.line_no(i),
                    column,
                    unit,
                    problem,
                })
            }
            Err(HeaderError::Unmapped(_)) => {}
        }
    }
    Ok(None)
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
