//! Gamry Framework `.DTA`: a TAG/TYPE/VALUE header, then tables; the spectrum is the `ZCURVE` table.
//!
//! Table rows start with a TAB; the table ends at the first line that is not a row of the table (aborted runs
//! are followed by `EXPERIMENTABORTED` and another table). A row that lost its leading TAB, and rows after blank
//! lines, are still rows when they have the table's shape (each gives a note); a table that ends at a line that
//! still looks like data gives [`ReadNote::TableEndedEarly`]. Decimal commas are accepted. When the table has drift-corrected
//! columns (`ZrealDrCor`, `ZimagDrCor`), they are offered as a second sweep.

use super::notes::ReadNote;
use super::table::{self, ColumnMap, RowSpec};
use super::text::{number, Delim, Text};
use super::{Format, Metadata, ReadError, Sweep};

pub(crate) fn read(text: &Text<'_>) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let mut meta = Metadata::default();
    let Some(table_line) = text.find(0, |l| l.split('\t').next() == Some("ZCURVE")) else {
        return Err(text.mismatch(Format::GamryDta, "no `ZCURVE TABLE` line"));
    };
    read_tags(text, table_line, &mut meta);
    let header_line = table_line + 1;
    let mut names = Vec::new();
    Delim::Tab.split(text.line(header_line), &mut names);
    let map = ColumnMap::from_header(&names).map_err(|e| {
        e.at(text, header_line, || {
            text.syntax(
                header_line,
                "the ZCURVE column line (Pt, Time, Freq, Zreal, Zimag, ...)",
                text.line(header_line),
            )
        })
    })?;
    // Skip the units row (`#  s  Hz  ohm ...`): rows until the first whose frequency cell is a number.
    let mut fields = Vec::new();
    let mut start = header_line + 1;
    while start < header_line + 3 && start < text.lines.len() {
        Delim::Tab.split(text.line(start), &mut fields);
        if fields.get(map.freq.0).and_then(|c| number(c, true)).is_some() {
            break;
        }
        start += 1;
    }
    let table = TableRows::collect(text, start, &map);
    if let Some(next) = text.lines.get(table.end) {
        if next.starts_with("EXPERIMENTABORTED") {
            meta.insert("aborted", "true");
        }
    }
    let lines = table.lines();
    let mut spec = RowSpec::new(Delim::Tab);
    spec.skip_blank = false;
    let rows = table::parse_lines(text, &lines, start, &map, spec)?;
    let mut sweeps = table::into_sweeps(text.name, rows, &meta, &text.notes)?;

    let col = |name: &str| names.iter().position(|n| *n == name);
    if let (Some(re), Some(im)) = (col("ZrealDrCor"), col("ZimagDrCor")) {
        let drift_map = ColumnMap::positional(map.freq.0, re, im, 1.0);
        let rows = table::parse_lines(text, &lines, start, &drift_map, spec)?;
        let mut drift_meta = meta.clone();
        drift_meta.insert("drift_corrected", "true");
        let extra = table::into_sweeps(text.name, rows, &drift_meta, &text.notes)?;
        let n = sweeps.len();
        sweeps.extend(extra.into_iter().enumerate().map(|(i, s)| {
            let m = s.metadata().clone().with_sweep_index(n + i);
            Sweep::new(n + i, s.into_spectrum(), m)
        }));
    }
    Ok((meta, sweeps))
}

/// Header tags: `NAME <TAB> TYPE <TAB> VALUE <TAB> label`.
fn read_tags(text: &Text<'_>, end: usize, meta: &mut Metadata) {
    let (mut date, mut time) = (None, None);
    for line in text.lines.iter().take(end) {
        let mut it = line.split('\t');
        let (Some(tag), Some(kind)) = (it.next(), it.next()) else {
            continue;
        };
        let value = it.next().unwrap_or("").trim();
        let num = number(value, true);
        match (tag, kind) {
            ("TAG", v) => meta.insert("technique", v),
            ("TITLE", _) => meta.insert("title", value),
            ("DATE", _) => date = Some(value),
            ("TIME", _) => time = Some(value),
            ("PSTAT", _) => meta.set_instrument(value),
            ("AREA", _) => meta.set_area_cm2(num),
            ("VDC", _) => meta.set_dc_potential_v(num),
            ("IDC", _) => meta.set_dc_current_a(num),
            ("DRIFTCOR", _) => meta.insert("drift_correction", value),
            _ => {}
        }
    }
    match (date, time) {
        (Some(d), Some(t)) => meta.set_date(&format!("{d} {t}")),
        (Some(d), None) => meta.set_date(d),
        _ => {}
    }
}

/// The rows of a ZCURVE table: lines that start with a TAB, plus rows that lost their leading TAB and rows after
/// blank lines, when they have the shape of the table's rows (same number of fields, numeric frequency).
struct TableRows {
    /// (0-based line, text), with a TAB put back in front of rows that lost it.
    rows: Vec<(usize, String)>,
    /// 0-based index of the first line after the table.
    end: usize,
}

impl TableRows {
    fn collect(text: &Text<'_>, start: usize, map: &ColumnMap) -> Self {
        let mut rows: Vec<(usize, String)> = Vec::new();
        let mut width = None;
        // A data row: `n_fields` fields with a number where the frequency is.
        // A data row: as many fields as the table's rows, with a number where the frequency is.
        let is_row = |line: &str, width: Option<usize>| -> Option<usize> {
            let mut fields = Vec::new();
            Delim::Tab.split(line, &mut fields);
            let ok = width.is_none_or(|w| fields.len() == w)
                && fields.get(map.freq.0).and_then(|c| number(c, true)).is_some();
            ok.then_some(fields.len())
        };
        let mut i = start;
        while i < text.lines.len() {
            let line = text.line(i);
            if line.starts_with('\t') {
                // A row of another shape inside the table is kept: the row parser reports it.
                if width.is_none() {
                    width = is_row(line, None);
                }
                rows.push((i, line.to_owned()));
                i += 1;
                continue;
            }
            if line.trim().is_empty() {
                // Blank lines: the table goes on only if a row of the same shape follows.
                let next = text.find(i, |l| !l.trim().is_empty());
                if let Some(j) = next.filter(|&j| {
                    let l = text.line(j);
                    l.starts_with('\t') && is_row(l, width).is_some()
                }) {
                    text.notes.push(ReadNote::BlankLinesInTable { line: text.line_no(i) });
                    i = j;
                    continue;
                }
                break;
            }
            let patched = format!("\t{line}");
            if !rows.is_empty() && is_row(&patched, width).is_some() {
                text.notes
                    .push(ReadNote::RowWithoutLeadingTab { line: text.line_no(i) });
                rows.push((i, patched));
                i += 1;
                continue;
            }
            if looks_like_data(line) {
                text.notes.push(ReadNote::TableEndedEarly {
                    line: text.line_no(i),
                    rows: rows.len(),
                });
            }
            break;
        }
        TableRows { rows, end: i }
    }

    fn lines(&self) -> Vec<(usize, &str)> {
        self.rows.iter().map(|(i, l)| (*i, l.as_str())).collect()
    }
}

/// Two or more fields, all numbers: a line that would be data in another shape.
fn looks_like_data(line: &str) -> bool {
    let mut fields = Vec::new();
    Delim::Tab.split(line.trim(), &mut fields);
    if fields.len() < 2 {
        Delim::Whitespace.split(line, &mut fields);
    }
    fields.len() >= 2 && fields.iter().all(|f| number(f, true).is_some())
}
