//! Potentiostat file readers: BioLogic, Gamry, ZPlot, Autolab, CH Instruments, Princeton/AMETEK, Novocontrol,
//! RelaxIS, Ivium, PalmSens, Zahner and generic delimited text.
//!
//! [`read`] opens a file, [`read_from`] reads any [`std::io::Read`] (tests use in-memory strings). The format is
//! detected from the content (magic lines, header keywords), never from the extension; passing a [`Format`]
//! overrides detection. Bytes may be UTF-8 (with or without BOM), UTF-16 with BOM, or latin-1.
//!
//! The result is a [`DataFile`]: the format, one or more [`Sweep`]s (each a validated [`Spectrum`] whose
//! imaginary part has its **true sign**, whatever the file stored) and [`Metadata`]. Repeated sweeps (EC-Lab
//! loops, cycle columns, frequency restarts) become separate sweeps; Gamry drift-corrected data is a second sweep.
//!
//! Errors ([`ReadError`]) name the file and, for text, the 1-based line and what was expected there. No input,
//! however broken, makes a reader panic.
//!
//! # Examples
//! ```
//! use eisfit::io::{read_from, Format};
//!
//! let text = "# my cell\nfreq (kHz);Zreal (Ω);-Zimag (Ω)\n10;1,5;0,25\n1;2,5;1,5\n0,1;4;1\n";
//! let file = read_from(text.as_bytes(), "cell.csv", None)?;
//! assert_eq!(file.format(), Format::Generic);
//! let s = file.sweeps()[0].spectrum();
//! assert_eq!(s.len(), 3);
//! assert!((s.freq_hz()[0] - 10_000.0).abs() < 1e-9);
//! assert!((s.z()[0].im + 0.25).abs() < 1e-12); // −Z″ column: stored with its true sign
//! # Ok::<(), eisfit::io::ReadError>(())
//! ```

mod autolab;
mod biologic;
mod error;
mod format;
mod gamry;
mod generic;
mod grouping;
mod headerless;
mod instruments;
mod ivium;
mod mpr;
mod notes;
mod options;
mod palmsens;
mod source;
mod sweeps;
mod table;
mod text;
mod units;
mod write;
mod zahner;
mod zplot;

pub use error::{FileKind, ParseNameError, ReadError};
pub use format::Format;
pub use grouping::NumberProblem;
pub use notes::ReadNote;
pub use options::{Column, Columns, ReadOptions, DEFAULT_MAX_BYTES, MAX_COLUMNS};
pub use units::UnitProblem;
pub use write::{spectrum_fields, to_json, write_csv};

use crate::Spectrum;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;
use text::Text;

/// What a file says about the measurement. Every field is optional: readers fill what the format gives.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    instrument: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature_c: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    area_cm2: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dc_potential_v: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dc_current_a: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sweep_index: Option<usize>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extra: BTreeMap<String, String>,
}

impl Metadata {
    /// Instrument model (and serial number where given).
    #[must_use]
    pub fn instrument(&self) -> Option<&str> {
        self.instrument.as_deref()
    }
    /// Date (and time) of the measurement, as written in the file.
    #[must_use]
    pub fn date(&self) -> Option<&str> {
        self.date.as_deref()
    }
    /// Sample temperature in °C.
    #[must_use]
    pub fn temperature_c(&self) -> Option<f64> {
        self.temperature_c
    }
    /// Electrode area in cm².
    #[must_use]
    pub fn area_cm2(&self) -> Option<f64> {
        self.area_cm2
    }
    /// DC potential in V.
    #[must_use]
    pub fn dc_potential_v(&self) -> Option<f64> {
        self.dc_potential_v
    }
    /// DC current in A.
    #[must_use]
    pub fn dc_current_a(&self) -> Option<f64> {
        self.dc_current_a
    }
    /// 0-based index of the sweep within its file.
    #[must_use]
    pub fn sweep_index(&self) -> Option<usize> {
        self.sweep_index
    }
    /// Other key/value pairs the file gives (technique, software, sample name, ...).
    #[must_use]
    pub fn extra(&self) -> &BTreeMap<String, String> {
        &self.extra
    }

    pub(crate) fn set_instrument(&mut self, v: &str) {
        if !v.trim().is_empty() {
            self.instrument = Some(v.trim().to_owned());
        }
    }
    pub(crate) fn set_date(&mut self, v: &str) {
        if !v.trim().is_empty() {
            self.date = Some(v.trim().to_owned());
        }
    }
    pub(crate) fn set_temperature_c(&mut self, v: Option<f64>) {
        self.temperature_c = v.or(self.temperature_c);
    }
    pub(crate) fn set_area_cm2(&mut self, v: Option<f64>) {
        self.area_cm2 = v.or(self.area_cm2);
    }
    pub(crate) fn set_dc_potential_v(&mut self, v: Option<f64>) {
        self.dc_potential_v = v.or(self.dc_potential_v);
    }
    pub(crate) fn set_dc_current_a(&mut self, v: Option<f64>) {
        self.dc_current_a = v.or(self.dc_current_a);
    }
    pub(crate) fn insert(&mut self, key: &str, value: &str) {
        let (k, v) = (key.trim(), value.trim());
        if !k.is_empty() && !v.is_empty() {
            self.extra.insert(k.to_owned(), text::shorten(v));
        }
    }
    #[must_use]
    pub(crate) fn with_sweep_index(mut self, i: usize) -> Self {
        self.sweep_index = Some(i);
        self
    }
}

/// One frequency sweep of a file: a validated spectrum and its metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    index: usize,
    spectrum: Spectrum,
    metadata: Metadata,
}

impl Sweep {
    pub(crate) fn new(index: usize, spectrum: Spectrum, metadata: Metadata) -> Self {
        Sweep {
            index,
            spectrum,
            metadata,
        }
    }
    /// 0-based position of the sweep in its file.
    #[must_use]
    pub fn index(&self) -> usize {
        self.index
    }
    /// The spectrum (true sign of the imaginary part, file order of the points).
    #[must_use]
    pub fn spectrum(&self) -> &Spectrum {
        &self.spectrum
    }
    /// The file's metadata plus what is specific to this sweep.
    #[must_use]
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }
    /// Takes the spectrum out.
    #[must_use]
    pub fn into_spectrum(self) -> Spectrum {
        self.spectrum
    }
}

/// Everything read from one file: its format, sweeps and file-level metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    name: String,
    format: Format,
    sweeps: Vec<Sweep>,
    metadata: Metadata,
    notes: Vec<ReadNote>,
}

impl DataFile {
    /// The file name as given to the reader.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The format that was read (detected or forced).
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }
    /// The sweeps, at least one.
    #[must_use]
    pub fn sweeps(&self) -> &[Sweep] {
        &self.sweeps
    }
    /// File-level metadata (each sweep carries a copy with its own index).
    #[must_use]
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }
    /// What the reader decided or noticed (sweeps split, sorted or merged, a table that ended early, a truncated
    /// file, columns recognised by their values, ...), in the order it happened. Callers should show these; see
    /// [`ReadNote::is_warning`].
    #[must_use]
    pub fn notes(&self) -> &[ReadNote] {
        &self.notes
    }
    /// Total number of points over all sweeps.
    #[must_use]
    pub fn n_points(&self) -> usize {
        self.sweeps.iter().map(|s| s.spectrum.len()).sum()
    }
    /// The sweeps a selection picks.
    ///
    /// # Errors
    /// [`ReadError::NoSuchSweep`] for an index past the last sweep.
    pub fn select(&self, selection: SweepSelection) -> Result<Vec<&Sweep>, ReadError> {
        match selection {
            SweepSelection::All => Ok(self.sweeps.iter().collect()),
            SweepSelection::Index(i) => self.sweeps.get(i).map(|s| vec![s]).ok_or(ReadError::NoSuchSweep {
                file: self.name.clone(),
                requested: i,
                available: self.sweeps.len(),
            }),
        }
    }
}

/// Which sweeps of a file to use: `--sweep N` (0-based) or `--sweep all`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SweepSelection {
    /// One sweep by 0-based index.
    Index(usize),
    /// Every sweep.
    #[default]
    All,
}

impl FromStr for SweepSelection {
    type Err = ParseNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("all") {
            Ok(SweepSelection::All)
        } else {
            t.parse().map(SweepSelection::Index).map_err(|_| ParseNameError {
                what: "sweep selection",
                input: s.to_owned(),
                expected: "a 0-based sweep index such as 0, or `all`".into(),
            })
        }
    }
}

/// Reads a file, detecting its format from the content.
///
/// # Errors
/// [`ReadError`] naming the file (and line) when it cannot be opened, is not a recognised format or holds
/// invalid data.
pub fn read(path: impl AsRef<Path>) -> Result<DataFile, ReadError> {
    read_with(path, &ReadOptions::default())
}

/// Reads a file; `format` overrides detection when given.
///
/// # Errors
/// As [`read`].
pub fn read_as(path: impl AsRef<Path>, format: Option<Format>) -> Result<DataFile, ReadError> {
    read_with(path, &ReadOptions::default().with_format(format))
}

/// Reads a file with the given options (format, columns, size limit).
///
/// Only regular files are read (a directory, a device such as `/dev/zero` or a FIFO is refused), up to the size
/// limit; a file of blank lines is refused as empty without being held in memory.
///
/// # Errors
/// As [`read`], plus [`ReadError::NotAFile`] and [`ReadError::TooLarge`].
pub fn read_with(path: impl AsRef<Path>, options: &ReadOptions) -> Result<DataFile, ReadError> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let bytes = source::read_file(path, &name, options.max_bytes())?;
    read_bytes_with(&bytes, &name, options)
}

/// Reads from any reader (a file, a byte slice, a network stream). `name` is used in errors and output;
/// `format` overrides detection when given. At most [`DEFAULT_MAX_BYTES`] are read.
///
/// # Errors
/// As [`read`].
pub fn read_from(reader: impl std::io::Read, name: &str, format: Option<Format>) -> Result<DataFile, ReadError> {
    read_from_with(reader, name, &ReadOptions::default().with_format(format))
}

/// Reads from any reader with the given options; more bytes than the size limit is an error.
///
/// # Errors
/// As [`read_with`].
pub fn read_from_with(reader: impl std::io::Read, name: &str, options: &ReadOptions) -> Result<DataFile, ReadError> {
    let bytes = source::read_stream(reader, name, options.max_bytes())?;
    read_bytes_with(&bytes, name, options)
}

/// Reads a file already in memory.
///
/// # Errors
/// As [`read`].
pub fn read_bytes(bytes: &[u8], name: &str, format: Option<Format>) -> Result<DataFile, ReadError> {
    read_bytes_with(bytes, name, &ReadOptions::default().with_format(format))
}

/// Reads a file already in memory with the given options (the size limit applies to `bytes`).
///
/// # Errors
/// As [`read_with`].
pub fn read_bytes_with(bytes: &[u8], name: &str, options: &ReadOptions) -> Result<DataFile, ReadError> {
    let empty = || ReadError::Empty { file: name.to_owned() };
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > options.max_bytes() {
        return Err(ReadError::TooLarge {
            file: name.to_owned(),
            size,
            limit: options.max_bytes(),
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(empty());
    }
    let forced = options.format();
    if let (Some(f), Some(_)) = (forced, options.columns()) {
        if !matches!(f, Format::Generic | Format::AutolabNova) {
            return Err(ReadError::FormatMismatch {
                file: name.to_owned(),
                format: f,
                detail: "--columns reads a delimited table by position (format `generic`); drop --format or \
                         --columns"
                    .into(),
            });
        }
    }
    let format = forced.or_else(|| format::detect_binary(bytes));
    let binary_notes = notes::Notes::default();
    let (metadata, sweeps, format, notes) = match format {
        Some(Format::BiologicMpr) => {
            let (m, s) = mpr::read(name, bytes, &binary_notes)?;
            (m, s, Format::BiologicMpr, binary_notes.take())
        }
        Some(Format::ZahnerIsm) => {
            let (m, s) = zahner::read_ism(name, bytes, &binary_notes)?;
            (m, s, Format::ZahnerIsm, binary_notes.take())
        }
        _ => {
            let (decoded, encoding_note) = text::decode(bytes);
            let text = Text::new(name, &decoded);
            if let Some(n) = encoding_note {
                text.notes.push(n);
            }
            if text.lines.iter().all(|l| l.trim().is_empty()) {
                return Err(empty());
            }
            if let Some(columns) = options.columns() {
                let (m, s) = generic::read_columns(&text, columns)?;
                (m, s, Format::Generic, text.notes.take())
            } else {
                let format = format.or_else(|| format::detect_text(&text));
                if format != Some(Format::IviumIdf) && text::looks_binary(&decoded) {
                    return Err(ReadError::Binary {
                        file: name.to_owned(),
                        detail: "binary data, not a text export of a known instrument; \
                                 export the spectrum as text (see docs/formats.md)"
                            .into(),
                    });
                }
                let format = format.unwrap_or(Format::Generic);
                let (m, s) = read_text(&text, format)?;
                (m, s, format, text.notes.take())
            }
        }
    };
    if sweeps.is_empty() {
        return Err(ReadError::NoData {
            file: name.to_owned(),
            line: 1,
            detail: "no impedance sweep found".into(),
        });
    }
    Ok(DataFile {
        name: name.to_owned(),
        format,
        sweeps,
        metadata,
        notes,
    })
}

/// Dispatches a decoded text to its reader.
fn read_text(text: &Text<'_>, format: Format) -> Result<(Metadata, Vec<Sweep>), ReadError> {
    match format {
        Format::BiologicMpt | Format::BiologicText | Format::BiologicCsv => biologic::read(text, format),
        Format::GamryDta => gamry::read(text),
        Format::Zplot | Format::AutolabZ60w => zplot::read(text, format),
        Format::AutolabDfr => autolab::read_dfr(text),
        Format::AutolabNova | Format::Generic => generic::read(text, format),
        Format::ChInstruments => instruments::read_chi(text),
        Format::Parstat | Format::PowerSuite => instruments::read_princeton(text, format),
        Format::VersaStudio => instruments::read_versastudio(text),
        Format::Novocontrol => instruments::read_novocontrol(text),
        Format::Relaxis => instruments::read_relaxis(text),
        Format::IviumIdf => ivium::read(text),
        Format::PalmsensSession => palmsens::read(text),
        Format::BiologicMpr | Format::ZahnerIsm => Err(text.mismatch(format, "binary format read as text")),
    }
}
