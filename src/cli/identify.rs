//! `eisfit identify FILE...`: rank candidate circuits for every selected sweep of every file.

use super::spectra::{read_all, short_name, Input};
use super::{OutputFormat, EXIT_OK, EXIT_USAGE};
use anyhow::Context;
use eisfit::identify::{identify, Candidate, IdentifyOptions, Ranking};
use eisfit::io::SweepSelection;
use eisfit::{FitOptions, ParameterEstimate, Weighting};
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `eisfit identify`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Exit codes: 0 success, 2 bad input.\n\nExamples:\n  \
    eisfit identify cell.mpt                                   the built-in library, best 5 shown\n  \
    eisfit identify cell.mpt --candidates 'R0-p(R1,CPE1),R0-p(R1,CPE1)-W1'\n  \
    eisfit identify *.csv --output json --top 3 > ranking.json")]
pub struct IdentifyArgs {
    /// Files to analyse (any supported potentiostat format).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Candidate circuits, CIRCUIT,... (split at commas outside parentheses), or a file with one per line
    /// (# starts a comment) [default: the built-in library].
    #[arg(long)]
    candidates: Option<String>,
    /// How many candidates to show per spectrum [default: 5 in a table, all in JSON and CSV].
    #[arg(long)]
    top: Option<usize>,
    /// Lowest frequency to use, in Hz.
    #[arg(long)]
    fmin: Option<f64>,
    /// Highest frequency to use, in Hz.
    #[arg(long)]
    fmax: Option<f64>,
    /// Residual weighting of the fits: modulus, unit, proportional or sigma.
    #[arg(long, default_value = "modulus")]
    weight: Weighting,
    /// Which sweep: a 0-based index or `all`.
    #[arg(long, default_value = "0")]
    sweep: SweepSelection,
    /// Reader: `auto` (detect) or a format name.
    #[arg(long, default_value = "auto")]
    format: String,
    /// Output: table for people, json (an array, one object per spectrum) or csv (one row per candidate).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    output: OutputFormat,
}

/// Splits `a,b` at commas outside parentheses: `R0-p(R1,C1),R0` is two circuits.
fn split_circuits(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut cur) = (0i32, String::new());
    for ch in s.chars() {
        match ch {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ => {}
        }
        if (ch == ',' || ch == '\n') && depth <= 0 {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(ch);
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|c| c.split('#').next().unwrap_or("").trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

/// The candidates of `--candidates`: a file when one of that name exists, else a list.
pub fn candidates(arg: &str) -> anyhow::Result<Vec<String>> {
    let path = Path::new(arg);
    let list = if path.is_file() {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("--candidates: reading {}", path.display()))?;
        text.lines()
            .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    } else {
        split_circuits(arg)
    };
    anyhow::ensure!(!list.is_empty(), "--candidates: no circuit in '{arg}'");
    Ok(list)
}

#[derive(Serialize)]
struct RankedOutput<'a> {
    circuit: &'a str,
    bic: f64,
    aic: f64,
    weight: f64,
    chi2: f64,
    converged: bool,
    parameters: &'a [ParameterEstimate],
    warnings: &'a [String],
    rejection: Option<String>,
    rejection_code: Option<&'static str>,
}

#[derive(Serialize)]
struct SpectrumOutput<'a> {
    file: String,
    sweep: usize,
    ranking: Vec<RankedOutput<'a>>,
    drt_peaks: Option<usize>,
    kk_valid: Option<bool>,
    pruned: Vec<&'a str>,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct FailedOutput<'a> {
    file: String,
    sweep: usize,
    error: &'a str,
}

fn code(c: &Candidate) -> Option<&'static str> {
    use eisfit::identify::Rejection as R;
    c.rejection.as_ref().map(|r| match r {
        R::FitFailed { .. } => "fit_failed",
        R::NotConverged => "not_converged",
        R::AtBound { .. } => "at_bound",
        R::ImplausibleExponent { .. } => "implausible_exponent",
        R::Undetermined { .. } => "undetermined",
        R::ArcOutsideWindow { .. } => "arc_outside_window",
        _ => "rejected",
    })
}

fn ranked(c: &Candidate) -> RankedOutput<'_> {
    RankedOutput {
        circuit: &c.circuit,
        bic: c.bic,
        aic: c.aic,
        weight: c.weight,
        chi2: c.chi2,
        converged: c.converged,
        parameters: c.report.as_ref().map_or(&[], |r| r.parameters.as_slice()),
        warnings: &c.warnings,
        rejection: c.rejection.as_ref().map(ToString::to_string),
        rejection_code: code(c),
    }
}

/// The circuit `eisfit fit --circuit auto` fits: for one spectrum its best-ranked candidate of the built-in
/// library; for several, the candidate with the largest Schwarz weight summed over them (so that the whole batch
/// is fitted with one circuit, as a series analysis needs). Says on stderr which it chose and why.
pub fn choose_for_fit(files: &[PathBuf], fit: &super::fitargs::FitArgs) -> anyhow::Result<String> {
    let inputs = read_all(files, &fit.format, fit.sweep, fit.fmin, fit.fmax)?;
    let options = IdentifyOptions::default()
        .with_fit_options(FitOptions::default().with_weighting(fit.weight).with_seed(fit.seed));
    let rankings: Vec<(String, Ranking)> = inputs
        .par_iter()
        .filter_map(|inp| {
            let s = inp.spectrum.as_ref().ok()?;
            identify(s, &options).ok().map(|r| (short_name(&inp.file), r))
        })
        .collect();
    let mut support: Vec<(String, f64)> = Vec::new();
    for (_, r) in &rankings {
        for c in r.candidates.iter().filter(|c| c.rejection.is_none()) {
            match support.iter_mut().find(|(k, _)| *k == c.circuit) {
                Some((_, w)) => *w += c.weight,
                None => support.push((c.circuit.clone(), c.weight)),
            }
        }
    }
    // Ties (equal summed weight) go to the first seen, which follows the input order: deterministic.
    let Some((chosen, weight)) = support
        .iter()
        .fold(None::<&(String, f64)>, |best, x| match best {
            Some(b) if b.1 >= x.1 => Some(b),
            _ => Some(x),
        })
        .cloned()
    else {
        anyhow::bail!(
            "--circuit auto: no candidate of the built-in library was accepted for any input; run `eisfit identify` \
             to see why each was rejected, and give --circuit explicitly"
        );
    };
    eprintln!(
        "--circuit auto: chose {chosen} (Schwarz weight {:.3}{}, ranked by BIC over {} candidates)",
        weight / rankings.len().max(1) as f64,
        if rankings.len() > 1 {
            " averaged over the spectra"
        } else {
            ""
        },
        rankings.first().map_or(0, |(_, r)| r.candidates.len())
    );
    for (name, r) in &rankings {
        if let Some(best) = r.best().filter(|b| b.circuit != chosen) {
            eprintln!("--circuit auto: {name} on its own ranks {} first", best.circuit);
        }
    }
    Ok(chosen)
}

/// Runs `eisfit identify`; returns 0, or 2 when a spectrum could not be read or ranked.
pub fn run(args: IdentifyArgs) -> anyhow::Result<u8> {
    let mut options = IdentifyOptions::default().with_fit_options(FitOptions::default().with_weighting(args.weight));
    if let Some(c) = &args.candidates {
        options = options.with_candidates(candidates(c)?);
    }
    let inputs = read_all(&args.files, &args.format, args.sweep, args.fmin, args.fmax)?;
    let results: Vec<Result<Ranking, String>> = inputs
        .par_iter()
        .map(|inp: &Input| {
            let s = inp.spectrum.as_ref().map_err(Clone::clone)?;
            identify(s, &options).map_err(|e| format!("{} (sweep {}): {e}", inp.file.display(), inp.sweep))
        })
        .collect();
    let mut out = super::stdout();
    let top = |n: usize| args.top.unwrap_or(n).min(n);
    match args.output {
        OutputFormat::Json => {
            let mut docs: Vec<serde_json::Value> = Vec::with_capacity(results.len());
            for (inp, r) in inputs.iter().zip(&results) {
                let file = inp.file.display().to_string();
                let v = match r {
                    Ok(r) => serde_json::to_value(SpectrumOutput {
                        file,
                        sweep: inp.sweep,
                        ranking: r.candidates.iter().take(top(r.candidates.len())).map(ranked).collect(),
                        drt_peaks: r.drt_peaks,
                        kk_valid: r.kk_valid,
                        pruned: r.pruned.iter().map(|p| p.circuit.as_str()).collect(),
                        warnings: &r.warnings,
                    })?,
                    Err(e) => serde_json::to_value(FailedOutput {
                        file,
                        sweep: inp.sweep,
                        error: e,
                    })?,
                };
                docs.push(v);
            }
            serde_json::to_writer(&mut out, &docs)?;
            writeln!(out)?;
        }
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record([
                "file",
                "sweep",
                "rank",
                "circuit",
                "bic",
                "aic",
                "weight",
                "chi2",
                "converged",
                "rejection",
                "error",
            ])?;
            for (inp, r) in inputs.iter().zip(&results) {
                let file = inp.file.display().to_string();
                let sweep = inp.sweep.to_string();
                match r {
                    Ok(r) => {
                        for (k, c) in r.candidates.iter().take(top(r.candidates.len())).enumerate() {
                            w.write_record([
                                file.clone(),
                                sweep.clone(),
                                (k + 1).to_string(),
                                c.circuit.clone(),
                                c.bic.to_string(),
                                c.aic.to_string(),
                                c.weight.to_string(),
                                c.chi2.to_string(),
                                c.converged.to_string(),
                                c.rejection.as_ref().map(ToString::to_string).unwrap_or_default(),
                                String::new(),
                            ])?;
                        }
                    }
                    Err(e) => {
                        let blank = || String::new();
                        w.write_record([
                            file,
                            sweep,
                            blank(),
                            blank(),
                            blank(),
                            blank(),
                            blank(),
                            blank(),
                            blank(),
                            blank(),
                            e.clone(),
                        ])?;
                    }
                }
            }
            w.flush()?;
        }
        OutputFormat::Table => {
            for (inp, r) in inputs.iter().zip(&results) {
                let Ok(r) = r else { continue };
                writeln!(
                    out,
                    "{} (sweep {}): {} candidates fitted, {} pruned; DRT peaks {}; Kramers-Kronig {}",
                    short_name(&inp.file),
                    inp.sweep,
                    r.candidates.len(),
                    r.pruned.len(),
                    r.drt_peaks.map_or("-".to_string(), |n| n.to_string()),
                    match r.kk_valid {
                        Some(true) => "valid",
                        Some(false) => "INVALID",
                        None => "not run",
                    }
                )?;
                writeln!(
                    out,
                    "{:>4}  {:<44} {:>12} {:>8} {:>10}  verdict",
                    "rank", "circuit", "BIC", "weight", "chi2"
                )?;
                for (k, c) in r.candidates.iter().take(args.top.unwrap_or(5)).enumerate() {
                    writeln!(
                        out,
                        "{:>4}  {:<44} {:>12.2} {:>8.3} {:>10.3e}  {}",
                        k + 1,
                        c.circuit,
                        c.bic,
                        c.weight,
                        c.chi2,
                        c.rejection
                            .as_ref()
                            .map_or("accepted".to_string(), |r| format!("rejected: {r}"))
                    )?;
                }
                for w in &r.warnings {
                    writeln!(out, "warning: {w}")?;
                }
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    let failed: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    for e in &failed {
        eprintln!("error: {e}");
    }
    Ok(if failed.is_empty() { EXIT_OK } else { EXIT_USAGE })
}

#[cfg(test)]
mod tests {
    use super::split_circuits;

    #[test]
    fn commas_inside_parentheses_do_not_split() {
        assert_eq!(
            split_circuits("R0-p(R1,C1), R0-p(R1,CPE1)-W1 ,,"),
            vec!["R0-p(R1,C1)".to_string(), "R0-p(R1,CPE1)-W1".to_string()]
        );
        assert_eq!(split_circuits("R(RQ)"), vec!["R(RQ)".to_string()]);
    }
}
