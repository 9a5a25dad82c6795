//! Decimal commas and digit grouping, decided per column.
//!
//! With a delimiter other than the comma, `1,5` is a decimal comma. But `1,000` may be one thousand written with
//! digit grouping or 1.000 with a decimal comma. Each mapped column is looked at as a whole: a cell such as `0,5`,
//! `1,25` or `1,0E+03` is a decimal comma; `1,000.5`, `1,000,000` or a decimal point elsewhere in the column means
//! digit grouping. A column with only `d,ddd` cells takes the style of the other columns, or digit grouping when
//! its cells without a comma are all below 1000 (as grouping writes them); otherwise the file is refused.

use super::table::{ColumnMap, RowSpec};
use super::text::{unquote, Text};
use super::ReadError;

/// How the numbers of one column are written.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum NumStyle {
    /// Decimal point, no grouping (a comma is an error).
    Plain,
    /// Decimal comma.
    DecimalComma,
    /// Decimal point with `,` digit grouping.
    Grouped,
}

/// The style of each mapped column (others are `DecimalComma`, which was the only style before).
#[derive(Clone, Debug)]
pub(crate) struct Styles {
    cols: Vec<(usize, NumStyle)>,
    default: NumStyle,
}

impl Styles {
    pub(crate) fn plain() -> Self {
        Styles {
            cols: Vec::new(),
            default: NumStyle::Plain,
        }
    }
    pub(crate) fn get(&self, col: usize) -> NumStyle {
        self.cols
            .iter()
            .find(|(c, _)| *c == col)
            .map_or(self.default, |(_, s)| *s)
    }
    /// Columns read with digit grouping.
    pub(crate) fn grouped(&self) -> impl Iterator<Item = usize> + '_ {
        self.cols
            .iter()
            .filter(|(_, s)| *s == NumStyle::Grouped)
            .map(|(c, _)| *c)
    }
}

/// Parses a finite number in the given style. NaN and infinities are refused.
pub(crate) fn parse(field: &str, style: NumStyle) -> Option<f64> {
    let t = unquote(field);
    let v: f64 = match style {
        NumStyle::Plain => t.parse().ok()?,
        NumStyle::DecimalComma if t.contains(',') => t.replace(',', ".").parse().ok()?,
        NumStyle::DecimalComma => t.parse().ok()?,
        NumStyle::Grouped if t.contains(',') => {
            if !is_grouped(t.split(['.', 'e', 'E']).next().unwrap_or("")) {
                return None;
            }
            t.replace(',', "").parse().ok()?
        }
        NumStyle::Grouped => t.parse().ok()?,
    };
    v.is_finite().then_some(v)
}

/// `d,ddd`, `dd,ddd,ddd`, ... with an optional sign and a first group that is not 0.
fn is_grouped(int: &str) -> bool {
    let t = int.trim_start_matches(['-', '+']);
    let mut groups = t.split(',');
    let first = groups.next().unwrap_or("");
    let first_ok = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit()) && first != "0";
    let mut n = 0;
    let rest_ok = groups.all(|g| {
        n += 1;
        g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit())
    });
    first_ok && rest_ok && n >= 1
}

/// What the cells of one column say about its style.
#[derive(Copy, Clone, Debug, Default)]
struct Evidence {
    /// Cells only a decimal comma explains (`0,5`, `1,25`, `1,0E+03`).
    decimal_comma: usize,
    /// Cells only grouping explains (`1,000.5`, `1,000,000`).
    grouping: usize,
    /// Cells with a decimal point and no comma.
    point: usize,
    /// `d,ddd` cells: either.
    ambiguous: usize,
    /// Cells without comma or point whose integer part has four or more digits (grouping would write a comma).
    big_plain: usize,
    /// Cells without comma or point below 1000.
    small_plain: usize,
    /// 0-based line of the first ambiguous cell.
    first_ambiguous: Option<usize>,
    /// 0-based line of the first cell with a decimal point or grouping.
    first_point: Option<usize>,
}

impl Evidence {
    fn observe(&mut self, line: usize, cell: &str) {
        let t = unquote(cell);
        let t = t.trim_start_matches(['-', '+']);
        // Only cells that could be a number say anything about how numbers are written.
        if t.is_empty()
            || !t
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b',' | b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return;
        }
        let comma = t.contains(',');
        let point = t.contains('.');
        match (comma, point) {
            (false, true) => {
                self.point += 1;
                self.first_point.get_or_insert(line);
            }
            (false, false) => {
                let digits = t.bytes().take_while(u8::is_ascii_digit).count();
                if digits >= 4 {
                    self.big_plain += 1;
                } else if digits > 0 {
                    self.small_plain += 1;
                }
            }
            (true, true) => {
                if t.find(',') < t.find('.') && is_grouped(t.split('.').next().unwrap_or("")) {
                    self.grouping += 1;
                    self.first_point.get_or_insert(line);
                } else {
                    self.decimal_comma += 1;
                }
            }
            (true, false) => {
                let int = t.split(['e', 'E']).next().unwrap_or("");
                if int.len() != t.len() || !is_grouped(int) {
                    self.decimal_comma += 1;
                } else if int.matches(',').count() >= 2 {
                    self.grouping += 1;
                    self.first_point.get_or_insert(line);
                } else {
                    self.ambiguous += 1;
                    self.first_ambiguous.get_or_insert(line);
                }
            }
        }
    }
}

/// Decides the style of every mapped column of `lines` (read with a delimiter that is not the comma).
///
/// # Errors
/// [`ReadError::NumberFormat`] for a column that mixes decimal commas with decimal points or grouping, or whose
/// `d,ddd` cells cannot be told apart.
pub(crate) fn column_styles(
    text: &Text<'_>,
    lines: &[(usize, &str)],
    map: &ColumnMap,
    spec: RowSpec,
) -> Result<Styles, ReadError> {
    let out = Styles {
        cols: Vec::new(),
        default: NumStyle::DecimalComma,
    };
    if !lines.iter().any(|(_, l)| l.contains(',')) {
        return Ok(out);
    }
    let cols = map.numeric_columns();
    let mut evidence = vec![Evidence::default(); cols.len()];
    let mut fields = Vec::new();
    for &(i, line) in lines {
        if line.trim().is_empty() || (spec.skip_comments && super::generic::is_comment(line)) {
            continue;
        }
        spec.delim.split(line, &mut fields);
        for (k, &c) in cols.iter().enumerate() {
            if let (Some(cell), Some(ev)) = (fields.get(c), evidence.get_mut(k)) {
                ev.observe(i, cell);
            }
        }
    }
    let mut out = out;
    // First what each column says by itself, then the file's evidence for the columns that say nothing.
    let own: Vec<Option<NumStyle>> = evidence
        .iter()
        .map(|ev| {
            if ev.decimal_comma > 0 {
                Some(NumStyle::DecimalComma)
            } else if ev.grouping > 0
                || (ev.ambiguous > 0 && (ev.point > 0 || (ev.small_plain > 0 && ev.big_plain == 0)))
            {
                // A decimal point elsewhere in the column, or `1,000` next to `100` and never `1000`: grouping.
                Some(NumStyle::Grouped)
            } else if ev.ambiguous > 0 {
                None
            } else {
                Some(NumStyle::DecimalComma)
            }
        })
        .collect();
    let file_decimal = evidence.iter().any(|e| e.decimal_comma > 0);
    let file_grouping = evidence.iter().any(|e| e.grouping > 0 || e.point > 0)
        || evidence
            .iter()
            .zip(&own)
            .any(|(e, s)| e.ambiguous > 0 && *s == Some(NumStyle::Grouped));
    for ((&col, ev), own) in cols.iter().zip(&evidence).zip(own) {
        let err = |line: usize, problem: NumberProblem| {
            let mut fields = Vec::new();
            spec.delim.split(text.line(line), &mut fields);
            ReadError::NumberFormat {
                file: text.name.to_owned(),
                line: text.line_no(line),
                column: col + 1,
                found: super::text::shorten(fields.get(col).copied().unwrap_or("")),
                problem,
            }
        };
        if ev.decimal_comma > 0 && (ev.grouping > 0 || ev.point > 0) {
            return Err(err(ev.first_point.unwrap_or(0), NumberProblem::MixedSeparators));
        }
        let style = match (own, file_decimal, file_grouping) {
            (Some(s), _, _) => s,
            (None, true, false) => NumStyle::DecimalComma,
            (None, false, true) => NumStyle::Grouped,
            (None, _, _) => return Err(err(ev.first_ambiguous.unwrap_or(0), NumberProblem::AmbiguousComma)),
        };
        out.cols.push((col, style));
    }
    Ok(out)
}

/// Why the numbers of a column cannot be read.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NumberProblem {
    /// `1,000` could be one thousand with digit grouping or 1.000 with a decimal comma, and nothing in the file
    /// tells which.
    AmbiguousComma,
    /// The column mixes a decimal comma with a decimal point or digit grouping.
    MixedSeparators,
}

impl std::fmt::Display for NumberProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NumberProblem::AmbiguousComma => {
                "a comma that is either digit grouping (1,000 = 1000) or a decimal comma (1,000 = 1); \
                 re-export without digit grouping"
            }
            NumberProblem::MixedSeparators => "decimal commas mixed with decimal points or digit grouping",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_style() {
        assert_eq!(parse("1,5", NumStyle::DecimalComma), Some(1.5));
        assert_eq!(parse("1,5", NumStyle::Plain), None);
        assert_eq!(parse("1,000", NumStyle::Grouped), Some(1000.0));
        assert_eq!(parse("-12,345,678.25", NumStyle::Grouped), Some(-12_345_678.25));
        assert_eq!(parse("1,5", NumStyle::Grouped), None);
        assert_eq!(parse("10,00", NumStyle::Grouped), None);
        assert_eq!(parse("NaN", NumStyle::DecimalComma), None);
    }

    #[test]
    fn tells_grouping_from_decimal_commas() {
        assert!(is_grouped("1,000"));
        assert!(is_grouped("-100,000,000"));
        assert!(!is_grouped("0,123"));
        assert!(!is_grouped("1,23"));
        assert!(!is_grouped("1000"));
        assert!(!is_grouped("1,0000"));
    }
}
