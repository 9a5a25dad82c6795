//! The [`Format`] enum and detection of the format from a file's content.

use super::error::ParseNameError;
use super::text::Text;
use std::fmt;
use std::str::FromStr;

/// A file format eisfit can read (or at least recognise). Each has a stable kebab-case name, used by
/// `eisfit read --format NAME` and in JSON output.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(into = "&'static str")]
#[non_exhaustive]
pub enum Format {
    /// BioLogic EC-Lab `.mpt` (`EC-Lab ASCII FILE` with a metadata block).
    BiologicMpt,
    /// BioLogic EC-Lab "Export as text": the `.mpt` column line and data, no metadata.
    BiologicText,
    /// BioLogic data as CSV in polar form (`|Z|`, phase), loops separated by zero-frequency rows.
    BiologicCsv,
    /// BioLogic EC-Lab binary `.mpr` (impedance columns of the `VMP data` module).
    BiologicMpr,
    /// Gamry Framework `.DTA` (`ZCURVE` table).
    GamryDta,
    /// Scribner ZPlot/ZView `.z`: `ZPLOT2 ASCII` and the older quoted `ZPlotW` CSV.
    Zplot,
    /// Autolab/Solartron `Z60W Data File` text (ZPlotW-like layout).
    AutolabZ60w,
    /// Eco Chemie / Autolab FRA `.dfr` (positional: f, Z', −Z'').
    AutolabDfr,
    /// Metrohm Autolab NOVA ASCII/CSV export (`Frequency (Hz);Z' (Ω);-Z'' (Ω);...`).
    AutolabNova,
    /// CH Instruments "A.C. Impedance" text.
    ChInstruments,
    /// Princeton Applied Research Parstat text (EIS rows among DC rows).
    Parstat,
    /// AMETEK VersaStudio `.par`.
    VersaStudio,
    /// Princeton Applied Research PowerSuite text export.
    PowerSuite,
    /// Novocontrol WinDETA ASCII export.
    Novocontrol,
    /// RelaxIS spectrum export.
    Relaxis,
    /// Ivium `.idf` (mixed binary and text).
    IviumIdf,
    /// PalmSens PSTrace `.pssession` (UTF-16 JSON).
    PalmsensSession,
    /// Zahner Thales `.ism` (binary).
    ZahnerIsm,
    /// Any delimited text with a recognisable header, or three headerless columns f, Z', Z''.
    Generic,
}

impl Format {
    /// Every format, in the order of this enum.
    pub const ALL: [Format; 19] = [
        Format::BiologicMpt,
        Format::BiologicText,
        Format::BiologicCsv,
        Format::BiologicMpr,
        Format::GamryDta,
        Format::Zplot,
        Format::AutolabZ60w,
        Format::AutolabDfr,
        Format::AutolabNova,
        Format::ChInstruments,
        Format::Parstat,
        Format::VersaStudio,
        Format::PowerSuite,
        Format::Novocontrol,
        Format::Relaxis,
        Format::IviumIdf,
        Format::PalmsensSession,
        Format::ZahnerIsm,
        Format::Generic,
    ];

    /// The stable kebab-case name, e.g. `gamry-dta`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::BiologicMpt => "biologic-mpt",
            Format::BiologicText => "biologic-text",
            Format::BiologicCsv => "biologic-csv",
            Format::BiologicMpr => "biologic-mpr",
            Format::GamryDta => "gamry-dta",
            Format::Zplot => "zplot",
            Format::AutolabZ60w => "autolab-z60w",
            Format::AutolabDfr => "autolab-dfr",
            Format::AutolabNova => "autolab-nova",
            Format::ChInstruments => "chi",
            Format::Parstat => "parstat",
            Format::VersaStudio => "versastudio-par",
            Format::PowerSuite => "powersuite",
            Format::Novocontrol => "novocontrol",
            Format::Relaxis => "relaxis",
            Format::IviumIdf => "ivium-idf",
            Format::PalmsensSession => "palmsens-pssession",
            Format::ZahnerIsm => "zahner-ism",
            Format::Generic => "generic",
        }
    }

    /// Parses a `--format` value: `auto` gives `None` (detect from content), a format name gives that format.
    ///
    /// # Errors
    /// [`ParseNameError`] listing the valid names.
    pub fn from_choice(s: &str) -> Result<Option<Format>, ParseNameError> {
        if s.trim().eq_ignore_ascii_case("auto") {
            Ok(None)
        } else {
            s.parse().map(Some)
        }
    }
}

impl From<Format> for &'static str {
    fn from(f: Format) -> Self {
        f.name()
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ParseNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(t))
            .ok_or_else(|| ParseNameError {
                what: "format",
                input: s.to_owned(),
                expected: std::iter::once("auto")
                    .chain(Format::ALL.iter().map(|f| f.name()))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// Recognises a binary format by its bytes.
pub(crate) fn detect_binary(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"BIO-LOGIC MODULAR FILE") {
        return Some(Format::BiologicMpr);
    }
    // Ivium's `.idf` starts with a NUL and keeps its data under a `primary_data` key, which a long settings block
    // can push far into the file: search all of it (only files that start with a NUL get this far).
    if bytes.first() == Some(&0) && contains(bytes, b"primary_data") {
        return Some(Format::IviumIdf);
    }
    if super::zahner::looks_like_ism(bytes) {
        return Some(Format::ZahnerIsm);
    }
    None
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Recognises a text format from its first lines (and a few keywords further in).
pub(crate) fn detect_text(text: &Text<'_>) -> Option<Format> {
    let first = text
        .lines
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let head: Vec<&str> = text.lines.iter().take(12).map(|l| l.trim()).collect();
    let any = |pred: &dyn Fn(&str) -> bool| head.iter().any(|l| pred(l));
    if first.starts_with("EC-Lab ASCII FILE") {
        return Some(Format::BiologicMpt);
    }
    if first.starts_with("ZPLOT2 ASCII") || first.starts_with("\"ZPlotW") || first.starts_with("ZPlotW") {
        return Some(Format::Zplot);
    }
    if first.starts_with("\"Z60W") || first.starts_with("Z60W") {
        return Some(Format::AutolabZ60w);
    }
    if first == "EXPLAIN" || (first.starts_with("EXPLAIN") && any(&|l| l.starts_with("TAG"))) {
        return Some(Format::GamryDta);
    }
    if first.starts_with("RelaxIS") {
        return Some(Format::Relaxis);
    }
    if first.starts_with('{')
        && text
            .lines
            .iter()
            .take(50)
            .any(|l| l.to_lowercase().contains("\"measurements\""))
    {
        return Some(Format::PalmsensSession);
    }
    if first.starts_with("VERSION") && text.lines.get(1).is_some_and(|l| l.trim().parse::<usize>().is_ok()) {
        return Some(Format::AutolabDfr);
    }
    if any(&|l| l == "A.C. Impedance") {
        return Some(Format::ChInstruments);
    }
    if first.starts_with("<Application>") || text.lines.iter().take(2000).any(|l| l.starts_with("<Segment1>")) {
        return Some(Format::VersaStudio);
    }
    if any(&|l| l.starts_with("Fixed value(s)")) || any(&|l| l.contains("Zs'[") || l.contains("Freq.[Hz]")) {
        return Some(Format::Novocontrol);
    }
    if any(&|l| l.contains("freq/Hz") && (l.contains("Re(Z)/Ohm") || l.contains("|Z|/Ohm"))) {
        let csv = any(&|l| l.starts_with("time/s,") || (l.contains("freq/Hz,") && !l.contains('\t')));
        return Some(if csv { Format::BiologicCsv } else { Format::BiologicText });
    }
    if any(&|l| l.contains("Frequency (Hz)") && l.contains("Zre (ohms)")) {
        return Some(Format::Parstat);
    }
    if any(&|l| l.starts_with("Frequency") && l.contains("Zre") && l.contains("Zimg")) {
        return Some(Format::PowerSuite);
    }
    if any(&|l| l.contains("-Z'' (Ω)") || l.contains("-Phase (°)") || (l.contains("Index") && l.contains("-Z''"))) {
        return Some(Format::AutolabNova);
    }
    None
}
