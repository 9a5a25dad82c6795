//! Ivium `.idf`: a binary preamble, CRLF `key=value` lines and data blocks. The spectrum is the block after the
//! `primary_data` line: a column count, a row count, then rows of Z′, Z″ (true sign) and f — frequency last.

use super::table::{self, ColumnMap, RowSpec};
use super::text::{key_value, leading_number, Delim, Text};
use super::{Format, Metadata, ReadError, Sweep};

pub(crate) fn read(text: &Text<'_>) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let mut meta = Metadata::default();
    meta.set_instrument("Ivium");
    let Some(block) = text.find(0, |l| l.trim() == "primary_data") else {
        return Err(text.mismatch(Format::IviumIdf, "no `primary_data` block"));
    };
    for line in text.lines.iter().take(block) {
        let Some((k, v)) = key_value(line, '=') else {
            continue;
        };
        match k {
            "starttime" => meta.set_date(v),
            "serialnumber" if !v.is_empty() => meta.set_instrument(&format!("Ivium {v}")),
            "software" => meta.insert("software", v),
            "Data Options.Area" => meta.set_area_cm2(leading_number(v)),
            _ => {}
        }
    }
    let count = |i: usize, what: &str| -> Result<usize, ReadError> {
        text.line(i)
            .trim()
            .parse::<usize>()
            .map_err(|_| text.syntax(i, what.to_owned(), text.line(i)))
    };
    let cols = count(block + 1, "the number of columns (3)")?;
    if cols < 3 {
        return Err(text.syntax(block + 1, "at least 3 columns (Z', Z'', f)", text.line(block + 1)));
    }
    let n = count(block + 2, "the number of rows")?;
    let start = block + 3;
    let end = start.saturating_add(n);
    if end > text.lines.len() {
        return Err(ReadError::Truncated {
            file: text.name.to_owned(),
            detail: format!(
                "`primary_data` announces {n} rows at line {}, the file ends before",
                start + 1
            ),
        });
    }
    let map = ColumnMap::positional(2, 0, 1, 1.0);
    let mut spec = RowSpec::new(Delim::Whitespace);
    spec.skip_blank = false;
    let rows = table::parse_rows(text, start, end, &map, spec)?;
    let sweeps = table::into_sweeps(text.name, rows, &meta, &text.notes)?;
    Ok((meta, sweeps))
}
