//! `eisfit arrhenius`: fit an Arrhenius law to a CSV table of values against temperature.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use eisfit::arrhenius::{fit_arrhenius, ArrheniusFit, ArrheniusLaw, ArrheniusOptions, Quantity, TemperatureUnit};
use eisfit::consts::ZERO_CELSIUS_K;
use serde::Serialize;

use super::{OutputFormat, EXIT_OK};

/// Temperature unit of the table's temperature column.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum UnitArg {
    /// Degrees Celsius.
    #[value(name = "C")]
    Celsius,
    /// Kelvin.
    #[value(name = "K")]
    Kelvin,
}

/// Kind of quantity in the value column.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    /// A resistance, falling with temperature.
    Resistance,
    /// A conductivity, rising with temperature.
    Conductivity,
}

/// Law to fit.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LawArg {
    /// R = T·κ·exp(E_A/k_B·T) (σ = (κ/T)·exp(−E_A/k_B·T)): ln(R/T) or ln(σT) vs 1/T.
    TPrefactor,
    /// R = κ·exp(E_A/k_B·T) (σ = κ·exp(−E_A/k_B·T)): ln R or ln σ vs 1/T.
    Plain,
}

/// Printed after the options by `eisfit arrhenius --help`.
const AFTER_HELP: &str = "\
The table is comma-separated with a header row; lines starting with '#' are ignored.

Examples:
  eisfit arrhenius series.csv --temperature-column temperature_c --value-column r_ohm
  eisfit arrhenius sigma.csv --temperature-column T_K --temperature-unit K \\
      --value-column sigma_s_cm --error-column sigma_err --kind conductivity --output json
  eisfit arrhenius series.csv --temperature-column t --value-column r --law plain \\
      --at-temperature-c 25 --at-temperature-c -20";

/// Arguments of `eisfit arrhenius`.
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct ArrheniusArgs {
    /// CSV table with a header row, one row per temperature.
    pub table: PathBuf,
    /// Name of the temperature column (required).
    #[arg(long, value_name = "NAME")]
    pub temperature_column: String,
    /// Name of the column with the resistances or conductivities (required).
    #[arg(long, value_name = "NAME")]
    pub value_column: String,
    /// Unit of the temperature column [default: C]. Without it, a °C column whose every value lies in 150–450
    /// (temperatures that look like kelvin) is refused; give C to confirm °C or K for kelvin.
    #[arg(long, value_enum, ignore_case = true)]
    pub temperature_unit: Option<UnitArg>,
    /// Column with the values' standard errors; switches on weighted least squares [default: unweighted].
    #[arg(long, value_name = "NAME")]
    pub error_column: Option<String>,
    /// Whether the values are resistances or conductivities.
    #[arg(long, value_enum, default_value = "resistance")]
    pub kind: KindArg,
    /// Law to fit.
    #[arg(long, value_enum, default_value = "t-prefactor")]
    pub law: LawArg,
    /// Predict the value at this temperature in °C (repeatable) [default: none].
    #[arg(long = "at-temperature-c", value_name = "T", allow_negative_numbers = true)]
    pub at_temperature_c: Vec<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub output: OutputFormat,
}

/// One prediction in the JSON output.
#[derive(Serialize)]
struct PredictionOut {
    temperature_c: f64,
    value: f64,
    stderr: f64,
    ci95: [f64; 2],
}

/// The JSON document: the fit's keys plus the predictions.
#[derive(Serialize)]
struct JsonOut<'a> {
    #[serde(flatten)]
    fit: &'a ArrheniusFit,
    predictions: &'a [PredictionOut],
}

/// The columns read from the table, with the file line of each row for error messages.
struct Table {
    temperatures: Vec<f64>,
    values: Vec<f64>,
    errors: Option<Vec<f64>>,
    lines: Vec<u64>,
}

fn column(path: &Path, headers: &csv::StringRecord, name: &str) -> anyhow::Result<usize> {
    headers.iter().position(|h| h == name).ok_or_else(|| {
        let available: Vec<&str> = headers.iter().collect();
        anyhow!(
            "{}, line 1: no column named {name:?} (columns: {})",
            path.display(),
            available.join(", ")
        )
    })
}

fn read_table(path: &Path, args: &ArrheniusArgs) -> anyhow::Result<Table> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header row", path.display()))?
        .clone();
    let t_col = column(path, &headers, &args.temperature_column)?;
    let v_col = column(path, &headers, &args.value_column)?;
    let e_col = args
        .error_column
        .as_deref()
        .map(|name| column(path, &headers, name))
        .transpose()?;
    let mut table = Table {
        temperatures: Vec::new(),
        values: Vec::new(),
        errors: e_col.map(|_| Vec::new()),
        lines: Vec::new(),
    };
    for record in reader.records() {
        let record = record.with_context(|| format!("{}: malformed CSV", path.display()))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |col: usize| -> anyhow::Result<f64> {
            let name = &headers[col];
            let text = record
                .get(col)
                .ok_or_else(|| anyhow!("{}, line {line}, column {name:?}: missing field", path.display()))?;
            text.parse::<f64>().map_err(|_| {
                anyhow!(
                    "{}, line {line}, column {name:?}: cannot parse {text:?} as a number",
                    path.display()
                )
            })
        };
        table.temperatures.push(field(t_col)?);
        table.values.push(field(v_col)?);
        if let (Some(col), Some(errors)) = (e_col, table.errors.as_mut()) {
            errors.push(field(col)?);
        }
        table.lines.push(line);
    }
    Ok(table)
}

/// Runs `eisfit arrhenius`; returns the exit code.
///
/// # Errors
/// An unreadable table, a missing column, an unparsable number or data the fit rejects (exit code 2).
pub fn run(args: ArrheniusArgs) -> anyhow::Result<u8> {
    let path = args.table.as_path();
    let table = read_table(path, &args)?;
    let unit = match args.temperature_unit {
        None | Some(UnitArg::Celsius) => TemperatureUnit::Celsius,
        Some(UnitArg::Kelvin) => TemperatureUnit::Kelvin,
    };
    if args.temperature_unit.is_none() {
        if let Some(w) = eisfit::arrhenius::kelvin_lookalike(&table.temperatures, unit) {
            bail!(
                "{}: {w}.\nPass --temperature-unit K if they are kelvin, or --temperature-unit C to confirm °C.",
                path.display()
            );
        }
    }
    let options = ArrheniusOptions::default()
        .with_temperature_unit(unit)
        .with_quantity(match args.kind {
            KindArg::Resistance => Quantity::Resistance,
            KindArg::Conductivity => Quantity::Conductivity,
        })
        .with_law(match args.law {
            LawArg::TPrefactor => ArrheniusLaw::TPrefactor,
            LawArg::Plain => ArrheniusLaw::Plain,
        });
    let fit =
        fit_arrhenius(&table.temperatures, &table.values, table.errors.as_deref(), &options).map_err(|e| {
            match e.index().and_then(|i| table.lines.get(i)) {
                Some(line) => anyhow!("{}, line {line}: {e}", path.display()),
                None => anyhow!("{}: {e}", path.display()),
            }
        })?;
    for w in fit.warnings() {
        eprintln!("warning: {}: {w}", path.display());
    }
    let mut predictions = Vec::with_capacity(args.at_temperature_c.len());
    for &t_c in &args.at_temperature_c {
        let p = fit
            .predict_kelvin(t_c + ZERO_CELSIUS_K)
            .with_context(|| format!("--at-temperature-c {t_c}"))?;
        predictions.push(PredictionOut {
            temperature_c: t_c,
            value: p.value,
            stderr: p.stderr,
            ci95: p.ci95,
        });
    }

    let mut out = super::stdout();
    match args.output {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(
                &mut out,
                &JsonOut {
                    fit: &fit,
                    predictions: &predictions,
                },
            )?;
            writeln!(out)?;
        }
        OutputFormat::Csv => {
            let mut header = vec![
                "activation_energy_ev".to_owned(),
                "activation_energy_ev_stderr".into(),
                "activation_energy_kj_per_mol".into(),
                "activation_energy_kj_per_mol_stderr".into(),
                "activation_energy_ev_ci95_low".into(),
                "activation_energy_ev_ci95_high".into(),
                "prefactor".into(),
                "prefactor_stderr".into(),
                "r_squared".into(),
                "n_points".into(),
            ];
            let mut row = vec![
                super::format::csv_number(fit.activation_energy_ev()),
                super::format::csv_number(fit.activation_energy_ev_stderr()),
                super::format::csv_number(fit.activation_energy_kj_per_mol()),
                super::format::csv_number(fit.activation_energy_kj_per_mol_stderr()),
                super::format::csv_number(fit.activation_energy_ev_ci95()[0]),
                super::format::csv_number(fit.activation_energy_ev_ci95()[1]),
                super::format::csv_number(fit.prefactor()),
                super::format::csv_number(fit.prefactor_stderr()),
                super::format::csv_number(fit.r_squared()),
                fit.n_points().to_string(),
            ];
            for p in &predictions {
                header.push(format!("value_at_{}c", p.temperature_c));
                header.push(format!("value_at_{}c_stderr", p.temperature_c));
                row.push(super::format::csv_number(p.value));
                row.push(super::format::csv_number(p.stderr));
            }
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(&header)?;
            w.write_record(&row)?;
            w.flush()?;
        }
        OutputFormat::Table => {
            writeln!(out, "{}: {} points", path.display(), fit.n_points())?;
            writeln!(out, "{fit}")?;
            if !predictions.is_empty() {
                writeln!(
                    out,
                    "\n  {:>10}  {:>14}  {:>12}  {:>27}",
                    "T (°C)", "value", "stderr", "95 % CI"
                )?;
                for p in &predictions {
                    writeln!(
                        out,
                        "  {:>10.2}  {:>14.6e}  {:>12.3e}  [{:.6e}, {:.6e}]",
                        p.temperature_c, p.value, p.stderr, p.ci95[0], p.ci95[1]
                    )?;
                }
            }
        }
    }
    out.flush()?;
    Ok(EXIT_OK)
}
