//! Gamry Framework `.DTA`: a TAG/TYPE/VALUE header, then tables; the spectrum is the `ZCURVE` table.
//!
//! Table rows start with a TAB; the table ends at the first line that does not (aborted runs are followed by
//! `EXPERIMENTABORTED` and another table). Decimal commas are accepted. When the table has drift-corrected
//! columns (`ZrealDrCor`, `ZimagDrCor`), they are offered as a second sweep.

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
    let map = ColumnMap::from_header(&names).map_err(|_| {
        text.syntax(
            header_line,
            "the ZCURVE column line (Pt, Time, Freq, Zreal, Zimag, ...)",
            text.line(header_line),
        )
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
    let end = text.find(start, |l| !l.starts_with('\t')).unwrap_or(text.lines.len());
    if let Some(next) = text.lines.get(end) {
        if next.starts_with("EXPERIMENTABORTED") {
            meta.insert("aborted", "true");
        }
    }
    let mut spec = RowSpec::new(Delim::Tab);
    spec.skip_blank = false;
    let rows = table::parse_rows(text, start, end, &map, spec)?;
    let mut sweeps = table::into_sweeps(text.name, rows, &meta)?;

    let col = |name: &str| names.iter().position(|n| *n == name);
    if let (Some(re), Some(im)) = (col("ZrealDrCor"), col("ZimagDrCor")) {
        let drift_map = ColumnMap::positional(map.freq.0, re, im, 1.0);
        let rows = table::parse_rows(text, start, end, &drift_map, spec)?;
        let mut drift_meta = meta.clone();
        drift_meta.insert("drift_corrected", "true");
        let extra = table::into_sweeps(text.name, rows, &drift_meta)?;
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
