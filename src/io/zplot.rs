//! Scribner ZPlot/ZView `.z` (`ZPLOT2 ASCII` keyword blocks, and the older quoted `ZPlotW` CSV) and the
//! Autolab/Solartron `Z60W` text, which shares the ZPlotW layout.
//!
//! Columns are `Freq(Hz) Ampl Bias Time(Sec) Z'(a) Z''(b) GD Err Range` with Z″ stored in its true sign. The
//! declared point count is kept as metadata only: truncated files hold fewer rows than they announce.

use super::table::{self, ColumnMap, RowSpec};
use super::text::{key_value, leading_number, unquote, Delim, Text};
use super::{Format, Metadata, ReadError, Sweep};

pub(crate) fn read(text: &Text<'_>, format: Format) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let mut meta = Metadata::default();
    let mut fields = Vec::new();
    let is_zplot2 = text.lines.first().is_some_and(|l| l.trim_start().starts_with("ZPLOT2"));
    let (start, map, declared) = if is_zplot2 {
        let Some(end) = text.find(0, |l| l.trim() == "End Comments") else {
            return Err(text.mismatch(format, "no `End Comments` line before the data"));
        };
        let mut declared = None;
        for line in text.lines.iter().take(end) {
            let Some((k, v)) = key_value(line, ':') else {
                continue;
            };
            match k {
                "Date" => meta.set_date(v),
                "Time" => meta.insert("time", v),
                "Surface Area" => meta.set_area_cm2(leading_number(v)),
                "Potential-DC" => meta.set_dc_potential_v(leading_number(v)),
                "Measured Data, ZPlot" => meta.insert("software", &format!("ZPlot {v}")),
                "Experiment Type" => meta.insert("technique", v),
                "Data Points" => declared = v.parse::<usize>().ok(),
                _ => {}
            }
        }
        let map = table::find_header(text, end.saturating_sub(3), end)?
            .map(|(_, m, _)| m)
            .unwrap_or_else(|| ColumnMap::positional(0, 4, 5, 1.0));
        (end + 1, map, declared)
    } else {
        // Quoted header lines, a free comment, the sweep configuration, the count, then the quoted column line.
        let Some(header) = (0..text.lines.len().min(60)).find(|&i| {
            let line = text.line(i);
            line.trim_start().starts_with('"') && {
                table::split_header(unquote(line), Delim::Whitespace, &mut fields);
                ColumnMap::from_header(&fields).is_ok()
            }
        }) else {
            return Err(text.mismatch(format, "no quoted column line with Freq(Hz), Z'(a), Z''(b)"));
        };
        table::split_header(unquote(text.line(header)), Delim::Whitespace, &mut fields);
        let map = ColumnMap::from_header(&fields)
            .map_err(|e| e.at(text, header, || text.mismatch(format, "unreadable column line")))?;
        let declared = header
            .checked_sub(1)
            .and_then(|i| text.line(i).trim().parse::<usize>().ok());
        for line in text.lines.iter().take(header) {
            let l = unquote(line);
            if let Some(rest) = l.strip_prefix("Date:") {
                let (d, t) = rest.split_once("Time:").unwrap_or((rest, ""));
                meta.set_date(&format!("{} {}", d.trim(), t.trim()));
            } else if l.contains("Data File: Version") {
                meta.insert("software", l);
            } else if let Some(v) = l.strip_prefix("Open Circuit Potential (V):") {
                if let Ok(v) = v.trim().parse::<f64>() {
                    meta.insert("open_circuit_potential_v", &v.to_string());
                }
            } else if !line.trim_start().starts_with('"')
                && !l.trim().is_empty()
                && !l.split(',').all(|x| x.trim().parse::<f64>().is_ok())
            {
                // The free comment line ZPlot writes under the date, often with the conditions of the run (not the
                // sweep configuration `0,3,0,1,300000,0.005` nor the point count).
                meta.insert("comment", l.trim());
                if let Some(t) = temperature_in(l) {
                    meta.set_temperature_c(Some(t));
                }
            }
        }
        if format == Format::AutolabZ60w {
            meta.set_instrument("Solartron/Autolab FRA (Z60W)");
        }
        (header + 1, map, declared)
    };
    let row = text.find(start, |l| !l.trim().is_empty()).map_or("", |i| text.line(i));
    let delim = Delim::guess_numeric(row).unwrap_or(Delim::Tab);
    let rows = table::parse_rows(text, start, text.lines.len(), &map, RowSpec::new(delim))?;
    if let Some(n) = declared {
        meta.insert("declared_points", &n.to_string());
        if rows.freq.len() < n {
            meta.insert("truncated", "true");
            text.notes.push(super::notes::ReadNote::Truncated {
                declared: n,
                read: rows.freq.len(),
            });
        }
    }
    let sweeps = table::into_sweeps(text.name, rows, &meta, &text.notes)?;
    Ok((meta, sweeps))
}

/// A temperature stated in a comment as its own comma-separated item: `800 C`, `25°C`, `-10 degC` or `1073 K`
/// (`1.7 sccm CO` and `CO2` are not temperatures).
fn temperature_in(comment: &str) -> Option<f64> {
    comment.split(',').find_map(|item| {
        let item = item.trim();
        let (num, kelvin) = if let Some(n) = ["°C", "degC", "C"].iter().find_map(|u| item.strip_suffix(u)) {
            (n, false)
        } else {
            (item.strip_suffix('K')?, true)
        };
        let t: f64 = num.trim().parse().ok()?;
        Some(if kelvin { t - crate::consts::ZERO_CELSIUS_K } else { t })
    })
}

#[cfg(test)]
mod tests {
    use super::temperature_in;

    #[test]
    fn temperatures_in_comments() {
        let t = |c: &str| temperature_in(c).unwrap_or(f64::NAN);
        approx::assert_relative_eq!(t("1.7 sccm CO, 1.50 sccm CO2, 800 C"), 800.0);
        approx::assert_relative_eq!(t("cell 3, 25°C"), 25.0);
        approx::assert_relative_eq!(t("-10 degC"), -10.0);
        approx::assert_relative_eq!(t("anneal, 1073.15 K"), 800.0, epsilon = 1e-9);
        assert!(temperature_in("1.7 sccm CO, 1.50 sccm CO2").is_none());
        assert!(temperature_in("free comment").is_none());
        assert!(temperature_in("ABC").is_none());
    }
}
