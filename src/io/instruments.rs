//! Text exports that are "a preamble, a column line, rows": CH Instruments, Princeton Applied Research
//! (Parstat, PowerSuite, VersaStudio `.par`), Novocontrol WinDETA and RelaxIS.

use super::table::{self, ColumnMap, RowSpec};
use super::text::{key_value, leading_number, number, Delim, Text};
use super::{Format, Metadata, ReadError, Sweep};

/// Finds the column line in `from..to` and the data delimiter (judged from the first row after it).
fn locate(text: &Text<'_>, from: usize, to: usize, format: Format) -> Result<(usize, ColumnMap, Delim), ReadError> {
    let (header, map, header_delim) = table::find_header(text, from, to)?
        .ok_or_else(|| text.mismatch(format, "no column line with frequency and impedance columns"))?;
    let row = text
        .find(header + 1, |l| !l.trim().is_empty())
        .map_or("", |i| text.line(i));
    Ok((header, map, Delim::guess_numeric(row).unwrap_or(header_delim)))
}

fn finish(text: &Text<'_>, rows: table::Rows, meta: Metadata) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let sweeps = table::into_sweeps(text.name, rows, &meta, &text.notes)?;
    Ok((meta, sweeps))
}

/// CH Instruments "A.C. Impedance": date line, `key = value` parameters, `Freq/Hz, Z'/ohm, Z"/ohm, ...`.
pub(crate) fn read_chi(text: &Text<'_>) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let mut meta = Metadata::default();
    let (header, map, delim) = locate(text, 0, 200, Format::ChInstruments)?;
    meta.set_date(text.line(0));
    for line in text.lines.iter().take(header) {
        if let Some((_, v)) = key_value(line, ':').filter(|(k, _)| *k == "Instrument Model") {
            meta.set_instrument(&format!("CH Instruments {v}"));
        } else if let Some((k, v)) = key_value(line, '=') {
            if k == "Init E (V)" {
                meta.set_dc_potential_v(number(v, false));
            }
            meta.insert(k, v);
        }
    }
    let rows = table::parse_rows(text, header + 1, text.lines.len(), &map, RowSpec::new(delim))?;
    finish(text, rows, meta)
}

/// Parstat cycling logs (EIS rows are those with frequency > 0) and PowerSuite exports (`Frequency Zre Zimg`).
pub(crate) fn read_princeton(text: &Text<'_>, format: Format) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let mut meta = Metadata::default();
    meta.set_instrument("Princeton Applied Research");
    let (header, map, delim) = locate(text, 0, 50, format)?;
    let mut spec = RowSpec::new(delim);
    // Parstat interleaves DC rows (frequency 0) with the EIS rows.
    spec.drop_zero_freq = format == Format::Parstat;
    let rows = table::parse_rows(text, header + 1, text.lines.len(), &map, spec)?;
    finish(text, rows, meta)
}

/// VersaStudio `.par`: INI/XML-like sections; each `<SegmentN>` has `Definition=` column names and CSV rows.
pub(crate) fn read_versastudio(text: &Text<'_>) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let mut meta = Metadata::default();
    let (mut date, mut time) = ("", "");
    let mut section = "";
    for line in &text.lines {
        if line.starts_with('<') && !line.starts_with("</") {
            section = line.trim();
        }
        let Some((k, v)) = key_value(line, '=') else {
            continue;
        };
        match (section, k) {
            ("<Instrument>", "Type") => meta.set_instrument(&format!("AMETEK {v}")),
            ("<Instrument>", "SN") => meta.insert("serial_number", v),
            ("<Application>", "Version") => meta.insert("software", &format!("VersaStudio {v}")),
            (_, "DateAcquired") => date = v,
            (_, "TimeAcquired") => time = v,
            (_, "Working Electrode Area (cm2)") => meta.set_area_cm2(number(v, false)),
            _ => {}
        }
    }
    meta.set_date(&format!("{date} {time}"));
    let mut rows: Option<table::Rows> = None;
    // The column line of the first segment without impedance columns, for the error when no segment has them.
    let mut skipped: Option<usize> = None;
    let mut i = 0;
    while let Some(seg) = text.find(i, |l| l.starts_with("<Segment") && !l.starts_with("</")) {
        let end = text
            .find(seg, |l| l.starts_with("</Segment"))
            .unwrap_or(text.lines.len());
        let Some(def) = text.find(seg, |l| l.starts_with("Definition=")).filter(|&d| d < end) else {
            return Err(text.syntax(seg, "a `Definition=` line in the segment", text.line(seg)));
        };
        let mut names = Vec::new();
        Delim::Comma.split(text.line(def).trim_start_matches("Definition="), &mut names);
        // A segment of another technique (open-circuit potential, a DC step) has no impedance columns: skip it.
        let map = match ColumnMap::from_header(&names) {
            Ok(map) => map,
            Err(e @ table::HeaderError::Unit { .. }) => {
                return Err(e.at(text, def, || text.mismatch(Format::VersaStudio, "")))
            }
            Err(table::HeaderError::Unmapped(_)) => {
                skipped.get_or_insert(def);
                i = end + 1;
                continue;
            }
        };
        let seg_rows = table::parse_rows(text, def + 1, end, &map, RowSpec::new(Delim::Comma))?;
        // Each segment is its own group of sweeps.
        rows = Some(match rows {
            None => seg_rows,
            Some(mut acc) => {
                let next = acc.group.last().map_or(0, |g| g + 1);
                acc.freq.extend(seg_rows.freq);
                acc.z.extend(seg_rows.z);
                acc.group.extend(seg_rows.group.iter().map(|g| g + next));
                acc.sigma.extend(seg_rows.sigma);
                acc
            }
        });
        i = end + 1;
    }
    let rows = match (rows, skipped) {
        (Some(rows), _) => rows,
        (None, Some(def)) => {
            return Err(text.syntax(
                def,
                "a segment with Frequency(Hz), Z Real and Z Imag columns (no segment of this file has them)",
                text.line(def),
            ))
        }
        (None, None) => return Err(text.mismatch(Format::VersaStudio, "no `<Segment1>` data section")),
    };
    finish(text, rows, meta)
}

/// Novocontrol WinDETA ASCII: optionally a sample-name line and a `Fixed value(s)` line, then a padded header
/// (`Freq.[Hz]  Zs'[ohm]  Zs''[ohm]`) and rows.
pub(crate) fn read_novocontrol(text: &Text<'_>) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let mut meta = Metadata::default();
    meta.set_instrument("Novocontrol");
    let (header, map, delim) = locate(text, 0, 20, Format::Novocontrol)?;
    for line in text.lines.iter().take(header) {
        if let Some((_, fixed)) = line.split_once("Fixed value(s)") {
            for item in fixed.trim_start_matches([' ', ':']).split([',', ';']) {
                if let Some((k, v)) = key_value(item, '=') {
                    let k = k.split_whitespace().collect::<Vec<_>>().join(" ");
                    meta.insert(&k, v);
                    if k.to_lowercase().starts_with("temp") {
                        let t = leading_number(v);
                        let kelvin = k.contains("[K]");
                        meta.set_temperature_c(t.map(|t| if kelvin { t - 273.15 } else { t }));
                    }
                }
            }
        } else if !line.trim().is_empty() {
            meta.insert("sample", line);
        }
    }
    let rows = table::parse_rows(text, header + 1, text.lines.len(), &map, RowSpec::new(delim))?;
    finish(text, rows, meta)
}

/// RelaxIS "Spectrum export": title, `Date:`, the column line, a spectrum-parameter line, then rows.
pub(crate) fn read_relaxis(text: &Text<'_>) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let mut meta = Metadata::default();
    meta.insert("software", text.line(0));
    let (header, map, _) = locate(text, 0, 10, Format::Relaxis)?;
    for line in text.lines.iter().take(header) {
        if let Some(d) = line.strip_prefix("Date:") {
            meta.set_date(d);
        }
    }
    // Parameter lines (`DC=..., TM=..., J=...`) sit between the column line and the numbers.
    let mut start = header + 1;
    while start < text.lines.len() && Delim::guess_numeric(text.line(start)).is_none() {
        for (i, part) in text.line(start).split('\t').enumerate() {
            if i == 0 {
                for kv in part.split(',') {
                    if let Some((k, v)) = key_value(kv, '=') {
                        if k == "DC" {
                            meta.set_dc_potential_v(number(v, false));
                        }
                        meta.insert(k, v);
                    }
                }
            } else if let Some((k, v)) = key_value(part, ':') {
                meta.insert(k, v);
            } else if !part.trim().is_empty() {
                meta.insert("spectrum", part);
            }
        }
        start += 1;
    }
    let row = text.line(start);
    let delim = Delim::guess_numeric(row).unwrap_or(Delim::Tab);
    let rows = table::parse_rows(text, start, text.lines.len(), &map, RowSpec::new(delim))?;
    finish(text, rows, meta)
}
