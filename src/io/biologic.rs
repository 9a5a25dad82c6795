//! BioLogic EC-Lab: `.mpt` (with its metadata block), "Export as text" (column line only), CSV re-exports in polar
//! form with zero-frequency loop sentinels, and the binary `.mpr` (recognised only).

use super::table::{self, RowSpec};
use super::text::{key_value, leading_number, Delim, Text};
use super::{Format, Metadata, ReadError, Sweep};

pub(crate) fn read(text: &Text<'_>, format: Format) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let mut meta = Metadata::default();
    // EC-Lab's "Nb header lines" counts every line up to and including the column line.
    let declared = text
        .lines
        .iter()
        .take(5)
        .find_map(|l| key_value(l, ':').filter(|(k, _)| k.starts_with("Nb header lines")))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    if format == Format::BiologicMpt && declared.is_none() {
        return Err(text.mismatch(format, "line 2 should read `Nb header lines : N`"));
    }
    let search_from = declared.map_or(0, |n| n.saturating_sub(1));
    let search_to = declared.map_or(20, |n| n.saturating_add(2));
    let found = match table::find_header(text, search_from, search_to)? {
        Some(found) => Some(found),
        None => table::find_header(text, 0, search_to.max(80))?,
    };
    let Some((header, map, delim)) = found else {
        let line = declared.map_or(0, |n| n.saturating_sub(1));
        return Err(text.syntax(
            line,
            "the EC-Lab column line (freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm or |Z|/Ohm, Phase(Z)/deg)",
            text.line(line),
        ));
    };
    if format == Format::BiologicMpt {
        read_preamble(text, header, &mut meta);
    }
    meta.insert("software", "EC-Lab");
    let mut spec = RowSpec::new(delim);
    // CSV re-exports end each loop with a freq = 0, |Z| = 0 row: a sweep boundary, not a point.
    spec.zero_freq_splits = format == Format::BiologicCsv || delim == Delim::Comma;
    let rows = table::parse_rows(text, header + 1, text.lines.len(), &map, spec)?;
    let sweeps = table::into_sweeps(text.name, rows, &meta, &text.notes)?;
    Ok((meta, sweeps))
}

fn read_preamble(text: &Text<'_>, header: usize, meta: &mut Metadata) {
    if let Some(technique) = text.lines.get(3).filter(|l| !l.trim().is_empty()) {
        meta.insert("technique", technique);
    }
    for line in text.lines.iter().take(header) {
        if line.contains("(software)") {
            meta.insert("software", line.replace("(software)", "").trim());
            continue;
        }
        let Some((k, v)) = key_value(line, ':') else {
            continue;
        };
        match k {
            "Acquisition started on" => meta.set_date(v),
            "Device" => meta.set_instrument(v),
            "Electrode surface area" => meta.set_area_cm2(area_cm2(v)),
            "Run on channel" | "User" | "Electrode material" | "Electrolyte" | "Comments" | "Initial state" => {
                meta.insert(k, v);
            }
            _ => {}
        }
    }
}

/// An EC-Lab area such as `0.001 cm²` in cm² (mm² converted).
fn area_cm2(v: &str) -> Option<f64> {
    let a = leading_number(v)?;
    Some(if v.contains("mm") { a / 100.0 } else { a })
}
