//! `eisfit read FILE`: show what a reader found (format, sweeps, points, frequency range, metadata), or write the
//! spectra as canonical CSV or JSON.

use crate::cli::fitargs::InputArgs;
use crate::cli::{OutputFormat, EXIT_OK};
use anyhow::Context;
use eisfit::io::{self, Format, Sweep, SweepSelection};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `eisfit read`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    eisfit read cell.mpt                          what the file holds: format, sweeps, points, range, metadata\n  \
    eisfit read run.DTA --sweep 1 --output csv    the drift-corrected sweep of a Gamry file as canonical CSV\n  \
    eisfit read export.txt --format generic --output json > spectrum.json")]
pub struct ReadArgs {
    /// The file to read; its format is detected from the content, not the extension.
    pub file: PathBuf,
    /// Reader to use: `auto` (detect) or a format name such as `gamry-dta`, `biologic-mpt`.
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// Which sweep to show: a 0-based index or `all`.
    #[arg(long, default_value = "all")]
    pub sweep: SweepSelection,
    /// Output: `table` for people, `json` or `csv` (frequency_hz,z_real_ohm,z_imag_ohm; `sweep` first when
    /// several sweeps are written).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `eisfit read`; returns the exit code (0), errors bubble up (exit 2).
pub fn run(args: ReadArgs) -> anyhow::Result<u8> {
    let format = Format::from_choice(&args.format)?;
    let file = io::read_with(&args.file, &args.input.options(format))?;
    let sweeps = file.select(args.sweep)?;
    let mut out = super::stdout();
    match args.output {
        OutputFormat::Json => {
            serde_json::to_writer(&mut out, &io::to_json(&file, &sweeps))?;
            writeln!(out)?;
            note_to_stderr(&file);
        }
        OutputFormat::Csv => {
            io::write_csv(&mut out, &sweeps, sweeps.len() > 1)?;
            note_to_stderr(&file);
        }
        OutputFormat::Table => write_table(&mut out, &file, &sweeps)?,
    }
    out.flush().context("writing to stdout")?;
    Ok(EXIT_OK)
}

/// JSON and CSV go to programs: the reader's notes also go to stderr, one line each.
fn note_to_stderr(file: &io::DataFile) {
    for note in file.notes() {
        let level = if note.is_warning() { "warning" } else { "note" };
        eprintln!("{}: {level}: {note}", file.name());
    }
}

/// What a sweep is, for the table: the measured data, or a drift-corrected copy of them (Gamry's second table).
fn sweep_kind(s: &Sweep) -> &'static str {
    let drift = s.metadata().extra().get("drift_corrected").is_some_and(|v| v == "true");
    if drift {
        "drift-corrected"
    } else {
        "measured"
    }
}

fn write_table(out: &mut impl Write, file: &io::DataFile, sweeps: &[&Sweep]) -> std::io::Result<()> {
    writeln!(out, "file:    {}", file.name())?;
    writeln!(out, "format:  {}", file.format())?;
    writeln!(out, "sweeps:  {} (showing {})", file.sweeps().len(), sweeps.len())?;
    writeln!(
        out,
        "points:  {}",
        sweeps.iter().map(|s| s.spectrum().len()).sum::<usize>()
    )?;
    if sweeps.iter().any(|s| s.spectrum().sigma().is_some()) {
        writeln!(
            out,
            "sigma:   per-point standard deviations of Z' and Z'' (for --weight sigma)"
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:>5}  {:>6}  {:>12}  {:>12}  kind",
        "sweep", "points", "f_min_hz", "f_max_hz"
    )?;
    for s in sweeps {
        let (lo, hi) = s.spectrum().frequency_range();
        writeln!(
            out,
            "{:>5}  {:>6}  {:>12.5e}  {:>12.5e}  {}",
            s.index(),
            s.spectrum().len(),
            lo,
            hi,
            sweep_kind(s)
        )?;
    }
    if !file.notes().is_empty() {
        writeln!(out)?;
        writeln!(out, "notes:")?;
        for note in file.notes() {
            let level = if note.is_warning() { "warning" } else { "note" };
            writeln!(out, "  {level}: {note}")?;
        }
    }
    let m = file.metadata();
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            rows.push((k.to_owned(), v));
        }
    };
    add("instrument", m.instrument().map(str::to_owned));
    add("date", m.date().map(str::to_owned));
    add("temperature_c", m.temperature_c().map(|v| v.to_string()));
    add("area_cm2", m.area_cm2().map(|v| v.to_string()));
    add("dc_potential_v", m.dc_potential_v().map(|v| v.to_string()));
    add("dc_current_a", m.dc_current_a().map(|v| v.to_string()));
    for (k, v) in m.extra() {
        rows.push((k.clone(), v.clone()));
    }
    if !rows.is_empty() {
        writeln!(out)?;
        writeln!(out, "metadata:")?;
        for (k, v) in rows {
            writeln!(out, "  {k}: {v}")?;
        }
    }
    Ok(())
}
