//! Generic delimited text (and Autolab NOVA exports): columns found by name and unit, or three headerless
//! columns f, Z', Z''.

use super::headerless;
use super::options::Columns;
use super::table::{self, ColumnMap, HeaderError, RowSpec};
use super::text::{Delim, Text};
use super::{Format, Metadata, ReadError, Sweep};

/// Lines starting with these are comments in generic files.
pub(crate) fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with('%') || t.starts_with("//")
}

/// Strips a comment marker so a commented header (`# f, Z', Z''`) can still be recognised.
fn uncomment(line: &str) -> &str {
    line.trim_start().trim_start_matches(['#', '%', '/']).trim_start()
}

pub(crate) fn read(text: &Text<'_>, format: Format) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let mut meta = Metadata::default();
    let mut fields = Vec::new();
    let first_numeric = text.find(0, |l| !is_comment(l) && Delim::guess_numeric(l).is_some());
    let search_end = first_numeric.unwrap_or(text.lines.len()).min(400);
    // The header: the last mappable line before the first numeric row (comments allowed). A line that maps
    // frequency and impedance but has a unit that cannot be used is the header, and an error.
    let mut header = None;
    for i in (0..search_end).rev() {
        let line = uncomment(text.line(i));
        let delim = table::header_delim(text, i);
        table::split_header(line, delim, &mut fields);
        match ColumnMap::from_header(&fields) {
            Ok(m) => {
                header = Some((i, m, delim));
                break;
            }
            Err(e @ HeaderError::Unit { .. }) => return Err(e.at(text, i, || unknown(text, i, &[]))),
            Err(HeaderError::Unmapped(_)) => {}
        }
    }
    for i in 0..search_end {
        let line = text.line(i);
        if is_comment(line) {
            if let Some((k, v)) = uncomment(line).split_once([':', '=']) {
                meta.insert(k, v);
            }
        }
    }
    let (start, map, delim) = match header {
        Some((i, map, _)) => {
            // The data rows decide the delimiter: a header may be tab-separated over comma-separated rows.
            let data = first_numeric.unwrap_or(i + 1);
            let row = text.line(data);
            // A units row under the header (`Hz;Ohm;Ohm`, no digits at all) is skipped; anything else between
            // header and numbers is reported by the row parser.
            let units_only = (i + 1..data).all(|j| {
                let l = text.line(j);
                is_comment(l) || !l.chars().any(|c| c.is_ascii_digit())
            });
            let start = if units_only { data } else { i + 1 };
            (
                start,
                map,
                Delim::guess_numeric(row).unwrap_or_else(|| Delim::guess(row)),
            )
        }
        None => match first_numeric {
            // Headerless only when nothing but comments precedes the numbers; otherwise that line is an unknown
            // header.
            Some(i) if (0..i).all(|j| text.line(j).trim().is_empty() || is_comment(text.line(j))) => {
                let line = text.line(i);
                let delim = Delim::guess_numeric(line).unwrap_or(Delim::Whitespace);
                Delim::split(delim, line, &mut fields);
                if fields.len() < 3 {
                    return Err(unknown(text, i, &fields));
                }
                // Headerless: f, Z', Z'' (true sign), the layout numpy.savetxt users write, unless the values
                // say otherwise.
                let columns = headerless::recognise(text, i, delim)?;
                let map = columns.map().unwrap_or_else(|| ColumnMap::positional(0, 1, 2, 1.0));
                (i, map, delim)
            }
            None => {
                // No numbers anywhere: quote the first line with text, not the last, which is no header.
                let i = text.find(0, |l| !l.trim().is_empty()).unwrap_or(0);
                return Err(ReadError::NoTable {
                    file: text.name.to_owned(),
                    lines: text.lines.len(),
                    line: text.line_no(i),
                    first: super::text::shorten(text.line(i)),
                });
            }
            _ => {
                let before = first_numeric.unwrap_or(text.lines.len());
                let i = (0..before)
                    .rev()
                    .find(|&j| !text.line(j).trim().is_empty() && !is_comment(text.line(j)))
                    .unwrap_or(0);
                let line = text.line(i);
                table::split_header(uncomment(line), table::header_delim(text, i), &mut fields);
                return Err(unknown(text, i, &fields));
            }
        },
    };
    if format == Format::AutolabNova {
        meta.set_instrument("Metrohm Autolab (NOVA)");
    }
    let mut spec = RowSpec::new(delim);
    spec.skip_comments = true;
    let rows = table::parse_rows(text, start, text.lines.len(), &map, spec)?;
    let sweeps = table::into_sweeps(text.name, rows, &meta, &text.notes)?;
    Ok((meta, sweeps))
}

/// Reads the rows from the first numeric line on with columns given by position (any header is ignored).
pub(crate) fn read_columns(text: &Text<'_>, columns: Columns) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let meta = Metadata::default();
    let Some(map) = columns.map() else {
        return Err(ReadError::Columns {
            file: text.name.to_owned(),
            detail: format!("`{columns}` does not name frequency and impedance"),
        });
    };
    let Some(first) = text.find(0, |l| !is_comment(l) && Delim::guess_numeric(l).is_some()) else {
        return Err(ReadError::NoData {
            file: text.name.to_owned(),
            line: 1,
            detail: "no row of numbers to read with --columns".into(),
        });
    };
    let delim = Delim::guess_numeric(text.line(first)).unwrap_or(Delim::Whitespace);
    let mut spec = RowSpec::new(delim);
    spec.skip_comments = true;
    let rows = table::parse_rows(text, first, text.lines.len(), &map, spec)?;
    let sweeps = table::into_sweeps(text.name, rows, &meta, &text.notes)?;
    Ok((meta, sweeps))
}

fn unknown(text: &Text<'_>, i: usize, fields: &[&str]) -> ReadError {
    let mut unmapped: Vec<String> = Vec::new();
    if let Err(HeaderError::Unmapped(names)) = ColumnMap::from_header(fields) {
        unmapped = names;
    }
    ReadError::UnknownFormat {
        file: text.name.to_owned(),
        line: text.line_no(i),
        header: super::text::shorten(text.line(i)),
        unmapped,
    }
}
