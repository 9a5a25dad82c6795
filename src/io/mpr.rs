//! BioLogic EC-Lab binary `.mpr` (`BIO-LOGIC MODULAR FILE`).
//!
//! The file is a 52-byte banner followed by modules. Each module starts with `MODULE`, a 10-byte short name
//! (`VMP Set`, `VMP data`, `VMP LOG`, ...), a 25-byte long name, then (newer EC-Lab) `0xFFFFFFFF`, the data length,
//! two u32 (version fields) and an 8-byte date, or (older) the length, one u32 and the date. All little-endian.
//!
//! The `VMP data` module holds the point count (u32), the column count (u16), the column ids (u16 each), zero
//! padding to a version-dependent offset, then fixed-size rows. Each column id has a fixed binary type; only ids
//! whose type is known are accepted, and the row size they imply must account for the module length exactly, so a
//! misread layout is an error (with the export-as-text advice), never wrong numbers.

use super::table::{into_sweeps, Rows};
use super::{Metadata, ReadError, Sweep};
use num_complex::Complex64;

const BANNER: usize = 0x34;

/// Binary type of a data column.
#[derive(Copy, Clone)]
enum Kind {
    F32,
    F64,
    U16,
}

impl Kind {
    fn size(self) -> usize {
        match self {
            Kind::F32 => 4,
            Kind::F64 => 8,
            Kind::U16 => 2,
        }
    }
}

/// Column ids with the binary type EC-Lab writes for them. Flag ids (1, 2, 3, 21, 31, 65) share one leading byte.
fn kind(id: u16) -> Option<Kind> {
    Some(match id {
        4 | 7 | 11 | 13 | 24 => Kind::F64, // time/s, dQ/mA.h, <I>/mA (old), (Q-Qo)/mA.h, cycle number
        6 | 8 | 19 | 32..=38 | 70 | 76 | 77 | 169 | 172 => Kind::F32, // Ewe, I, control, freq, |Ewe|, |I|, phase, |Z|, Re, -Im, P, <I>, <Ewe>, Cs, Cp
        39 | 131 => Kind::U16,                                        // I Range, Ns
        _ => return None,
    })
}

const FLAG_IDS: [u16; 6] = [1, 2, 3, 21, 31, 65];

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

/// A module: its short name, its date and its data bytes.
struct Module<'a> {
    name: String,
    date: String,
    data: &'a [u8],
}

fn modules(bytes: &[u8]) -> Option<Vec<Module<'_>>> {
    let mut out = Vec::new();
    let mut at = BANNER;
    while at < bytes.len() {
        if bytes.get(at..at + 6)? != b"MODULE" {
            return None;
        }
        let name = String::from_utf8_lossy(bytes.get(at + 6..at + 16)?).trim().to_owned();
        let after_names = at + 6 + 10 + 25;
        let (len, header) = if u32_at(bytes, after_names)? == u32::MAX {
            (u32_at(bytes, after_names + 4)?, after_names + 16)
        } else {
            (u32_at(bytes, after_names)?, after_names + 8)
        };
        let date = String::from_utf8_lossy(bytes.get(header..header + 8)?).into_owned();
        let start = header + 8;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        out.push(Module {
            name,
            date,
            data: bytes.get(start..end)?,
        });
        at = end;
    }
    Some(out)
}

pub(crate) fn read(name: &str, bytes: &[u8], notes: &super::notes::Notes) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    let fail = |why: &str| ReadError::Binary {
        file: name.to_owned(),
        detail: format!(
            "BioLogic EC-Lab binary .mpr file that eisfit cannot decode ({why}); export it as text in EC-Lab \
             (File > Export as Text, .mpt with all columns) and read the .mpt"
        ),
    };
    if !bytes.starts_with(b"BIO-LOGIC MODULAR FILE") {
        return Err(fail("no `BIO-LOGIC MODULAR FILE` banner"));
    }
    let modules = modules(bytes).ok_or_else(|| fail("the module chain is broken or truncated"))?;
    let data = modules
        .iter()
        .find(|m| m.name == "VMP data")
        .ok_or_else(|| fail("no `VMP data` module"))?;
    let d = data.data;
    let n = u32_at(d, 0)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| fail("no point count"))?;
    let n_cols = usize::from(u16_at(d, 4).ok_or_else(|| fail("no column count"))?);
    let ids: Vec<u16> = (0..n_cols).filter_map(|i| u16_at(d, 6 + 2 * i)).collect();
    if ids.len() != n_cols {
        return Err(fail("the column list is truncated"));
    }
    // Byte offset of every non-flag column within a row.
    let mut offsets = Vec::with_capacity(n_cols);
    let mut row = usize::from(ids.iter().any(|id| FLAG_IDS.contains(id)));
    for &id in &ids {
        if FLAG_IDS.contains(&id) {
            continue;
        }
        let k = kind(id).ok_or_else(|| fail(&format!("unsupported data column id {id}")))?;
        offsets.push((id, row, k));
        row += k.size();
    }
    let body = n.checked_mul(row).ok_or_else(|| fail("implausible point count"))?;
    // The rows start at a version-dependent offset; the right one makes the rows fill the module exactly.
    let start = [0x3EF, 0x196, 0x195]
        .into_iter()
        .find(|&off| d.len().checked_sub(off) == Some(body))
        .ok_or_else(|| fail("the row layout does not match the module length"))?;
    let col = |id: u16| offsets.iter().find(|c| c.0 == id).copied();
    let (Some(f), Some(re), Some(im)) = (col(32), col(37), col(38)) else {
        return Err(fail(
            "no freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm columns (not an impedance run?)",
        ));
    };
    let value = |r: usize, (_, off, k): (u16, usize, Kind)| -> f64 {
        let at = start + r * row + off;
        let b = d.get(at..at + k.size()).unwrap_or(&[]);
        match k {
            Kind::F32 => b.try_into().map_or(f64::NAN, |a| f64::from(f32::from_le_bytes(a))),
            Kind::F64 => b.try_into().map_or(f64::NAN, f64::from_le_bytes),
            Kind::U16 => b.try_into().map_or(f64::NAN, |a| f64::from(u16::from_le_bytes(a))),
        }
    };
    let cycle = col(24);
    let mut rows = Rows::default();
    for r in 0..n {
        // The file stores −Im(Z); cycle numbers are small whole numbers stored as f64.
        let group = cycle.map_or(0, |c| value(r, c) as i64);
        rows.push(value(r, f), Complex64::new(value(r, re), -value(r, im)), group);
    }
    let mut meta = Metadata::default();
    meta.insert("software", "EC-Lab");
    meta.set_date(&data.date);
    let sweeps = into_sweeps(name, rows, &meta, notes)?;
    Ok((meta, sweeps))
}
