//! Human-readable formatting: engineering notation with SI prefixes, units, and the fit table.

use eisfit::fit::ArcEstimate;
use eisfit::FitReport;
use std::fmt::Write as _;
use std::io::IsTerminal;

/// Whether to colour stdout: only on a terminal, and never when `NO_COLOR` is set to a non-empty value
/// (no-color.org: an empty `NO_COLOR` does not count).
pub fn use_colour() -> bool {
    colour_allowed(std::env::var_os("NO_COLOR").as_deref()) && std::io::stdout().is_terminal()
}

fn colour_allowed(no_color: Option<&std::ffi::OsStr>) -> bool {
    no_color.is_none_or(|v| v.is_empty())
}

/// Pretty unit: `Ohm` → `Ω`, `S s^n` → `S·sⁿ`.
pub fn pretty_unit(unit: &str) -> String {
    unit.replace("Ohm", "Ω")
        .replace("S s^n", "S·sⁿ")
        .replace(" s^-1/2", "·s^-½")
        .replace(" s^alpha", "·s^α")
}

/// Units that take an SI prefix in front: the base units and the areal and specific units built on them.
const PREFIXABLE: [&str; 10] = ["Ω", "F", "H", "s", "S", "Ω·cm²", "Ω·cm", "S/cm", "F/cm²", "Hz"];

/// SI prefixes from tera to atto, with their scale.
const PREFIXES: [(f64, &str); 11] = [
    (1e12, "T"),
    (1e9, "G"),
    (1e6, "M"),
    (1e3, "k"),
    (1.0, ""),
    (1e-3, "m"),
    (1e-6, "µ"),
    (1e-9, "n"),
    (1e-12, "p"),
    (1e-15, "f"),
    (1e-18, "a"),
];

/// The SI prefix for `a` (≥ 1e-18): the largest scale not above it, allowing for rounding to four digits.
fn prefix_for(a: f64) -> (f64, &'static str) {
    PREFIXES
        .iter()
        .copied()
        .find(|(s, _)| a >= *s * 0.9995)
        .unwrap_or((1e-18, "a"))
}

/// `value ± stderr` with the uncertainty to two significant figures and the value to the same decimal place, both
/// with one SI prefix (`2.86 ± 0.24 µS/cm`, `59.059 ± 0.077 kΩ·cm²`), or with one power of ten for units that take
/// no prefix (`(1.437 ± 0.012)e-6 S·sⁿ`). Without a usable uncertainty, the value alone as [`eng`] writes it.
pub fn eng_pm(value: f64, stderr: Option<f64>, unit: &str) -> String {
    eng_pm_like(value, stderr, unit, value)
}

/// The prefix a column of values takes: that of its largest magnitude, so that the rows of a table line up, unless
/// the column spans more than three decades (then each row takes its own: `None`).
pub fn column_reference(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (lo, hi) = values
        .into_iter()
        .map(f64::abs)
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (hi > 0.0 && hi / lo <= 1e3).then_some(hi)
}

/// As [`eng_pm`], with the prefix (or power of ten) of `reference` instead of the value's own: for a column of a
/// table, with the reference from [`column_reference`].
pub fn eng_pm_like(value: f64, stderr: Option<f64>, unit: &str, reference: f64) -> String {
    let u = pretty_unit(unit);
    let Some(e) = stderr.filter(|e| e.is_finite() && *e > 0.0 && value.is_finite() && value.abs() >= 1e-18) else {
        return match stderr {
            Some(e) => format!("{} ± {}", eng(value, unit), eng(e, unit)),
            None => eng(value, unit),
        };
    };
    // The scale comes from the reference (the value itself, or its column), or from the error when the error is the
    // larger (an undetermined value).
    let a = if reference.is_finite() && reference.abs() > 0.0 {
        reference.abs().max(e)
    } else {
        value.abs().max(e)
    };
    let (scale, label) = if PREFIXABLE.contains(&u.as_str()) {
        let (scale, p) = prefix_for(a);
        (scale, format!(" {p}{u}"))
    } else if (1e-2..1e4).contains(&a) {
        (1.0, if u.is_empty() { String::new() } else { format!(" {u}") })
    } else {
        let exp = a.log10().floor() as i32;
        (10f64.powi(exp), format!("e{exp} {u}").trim_end().to_string())
    };
    let decimals = (1 - (e / scale).log10().floor() as i32).clamp(0, 9) as usize;
    let body = format!("{:.decimals$} ± {:.decimals$}", value / scale, e / scale);
    if label.starts_with('e') {
        format!("({body}){label}")
    } else {
        format!("{body}{label}")
    }
}

/// A relative standard error in percent, to two significant figures (`0.23 %`, `15 %`), or `undetermined` when
/// it exceeds 100 %: the data do not determine the value (the fit's `large_error` warning says the same).
pub fn rel_percent(percent: f64) -> String {
    if !percent.is_finite() || percent > 100.0 {
        return "undetermined".to_string();
    }
    if percent < 1e-9 {
        return "0 %".to_string();
    }
    let decimals = (1 - percent.log10().floor() as i32).clamp(0, 9) as usize;
    format!("{percent:.decimals$} %")
}

/// A number for CSV: the shortest text that reads back to the same f64, in scientific notation when very large or
/// small (`7.349897487234278e-43`, not 43 zeros), `NaN` and `inf` as Rust writes them.
pub fn csv_number(v: f64) -> String {
    format!("{v:?}")
}

/// `value` in engineering notation with an SI prefix for the base units Ω, F, H, s, S and Hz and the areal or
/// specific units built on them (`2.200 µF`, `2.857 µS/cm`), and in scientific notation for other compound or
/// empty units.
pub fn eng(value: f64, unit: &str) -> String {
    let u = pretty_unit(unit);
    if !value.is_finite() {
        return format!("{value} {u}").trim_end().to_string();
    }
    if !PREFIXABLE.contains(&u.as_str()) {
        return if u.is_empty() {
            let a = value.abs();
            if (1e-3..1e4).contains(&a) || a < f64::MIN_POSITIVE {
                format!("{value:.4}")
            } else {
                format!("{value:.4e}")
            }
        } else {
            // A compound unit (Ω·s^-½, S·sⁿ) takes no prefix: four significant digits in plain notation where
            // that stays short, scientific notation beyond.
            let a = value.abs();
            if (1e-2..1e4).contains(&a) {
                let decimals = (3 - a.log10().floor() as i32).clamp(0, 5) as usize;
                format!("{value:.decimals$} {u}")
            } else {
                format!("{value:.4e} {u}")
            }
        };
    }
    let a = value.abs();
    if a < 1e-18 {
        return format!("{value:.4e} {u}");
    }
    let (scale, p) = prefix_for(a);
    let v = value / scale;
    let digits = if v.abs() >= 99.995 {
        1
    } else if v.abs() >= 9.9995 {
        2
    } else {
        3
    };
    format!("{v:.digits$} {p}{u}")
}

/// The fit table for one spectrum, with the effective capacitance and apex frequency of each of its `arcs`.
pub fn fit_table(label: &str, r: &FitReport, arcs: &[ArcEstimate], colour: bool) -> String {
    let (warn_on, warn_off) = if colour { ("\x1b[33m", "\x1b[0m") } else { ("", "") };
    let (bad_on, bad_off) = if colour { ("\x1b[1;31m", "\x1b[0m") } else { ("", "") };
    let mut s = String::new();
    let status = if r.converged {
        "converged".to_string()
    } else {
        format!("{bad_on}NOT CONVERGED{bad_off}")
    };
    let _ = writeln!(s, "{label}   {}   {status}", r.circuit);
    let _ = writeln!(
        s,
        "  {} points, {} free parameters, {} iterations, {} start(s), {} weighting; {}",
        r.n_points, r.n_free, r.n_iterations, r.n_starts, r.weighting, r.termination
    );
    let rows: Vec<[String; 4]> = r
        .parameters
        .iter()
        .map(|p| {
            let err = if p.fixed {
                "(fixed)".to_string()
            } else {
                match p.stderr {
                    Some(e) => format!("± {}", eng(e, &p.unit)),
                    None => "± n/a".to_string(),
                }
            };
            let rel = match (p.fixed, p.rel_err_percent, p.stderr) {
                (false, Some(r), _) => rel_percent(r),
                // A free parameter without a standard error: the Jacobian was singular.
                (false, None, None) => "undetermined".to_string(),
                _ => String::new(),
            };
            let mut name = p.name.clone();
            if p.at_bound {
                name.push_str(" *");
            }
            [name, eng(p.value, &p.unit), err, rel]
        })
        .collect();
    let w: Vec<usize> = (0..4)
        .map(|k| rows.iter().map(|r| r[k].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let line = format!(
            "  {:<w0$}  {:>w1$}  {:<w2$}  {:>w3$}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3]
        );
        let _ = writeln!(s, "{}", line.trim_end());
    }
    let _ = writeln!(
        s,
        "  χ² = {:.4e}   reduced χ² = {:.4e}   pseudo-χ² = {:.4e}   RMSE = {}   AIC = {:.2}   BIC = {:.2}",
        r.chi2,
        r.reduced_chi2,
        r.pseudo_chi2,
        eng(r.rmse, "Ohm"),
        r.aic,
        r.bic
    );
    for a in arcs {
        // A Zarc is its own arc: `Zarc1`, not `Zarc1.R‖Zarc1`.
        let name = if a.resistor.starts_with(&format!("{}.", a.capacitor)) {
            a.capacitor.clone()
        } else {
            format!("{}‖{}", a.resistor, a.capacitor)
        };
        let _ = writeln!(
            s,
            "  {name}: C_eff = {}, apex at {}",
            eng_pm(a.c_eff_f, a.c_eff_stderr_f, "F"),
            eng_pm(a.apex_frequency_hz, a.apex_frequency_stderr_hz, "Hz")
        );
    }
    if r.parameters.iter().any(|p| p.at_bound) {
        let _ = writeln!(s, "  * at a bound");
    }
    if let Some(kk) = &r.kk {
        let verdict = if kk.valid { "valid" } else { "NOT valid" };
        let _ = writeln!(
            s,
            "  Kramers–Kronig: {verdict} ({} RC elements, μ = {:.3}, pseudo-χ² = {:.3e}, largest residual {:.2} % of |Z|)",
            kk.n_rc,
            kk.mu,
            kk.pseudo_chi2,
            100.0 * kk.max_abs_residual
        );
    }
    for wmsg in &r.warnings {
        let _ = writeln!(s, "  {warn_on}warning: {wmsg}{warn_off}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_counts_only_when_not_empty() {
        assert!(colour_allowed(None));
        assert!(colour_allowed(Some(std::ffi::OsStr::new(""))));
        assert!(!colour_allowed(Some(std::ffi::OsStr::new("1"))));
    }

    #[test]
    fn engineering_notation() {
        assert_eq!(eng(2.2e-6, "F"), "2.200 µF");
        assert_eq!(eng(15.02, "Ohm"), "15.02 Ω");
        assert_eq!(eng(150_000.0, "Ohm"), "150.0 kΩ");
        assert_eq!(eng(0.85, ""), "0.8500");
        assert_eq!(eng(1.437e-6, "S s^n"), "1.4370e-6 S·sⁿ");
        assert_eq!(
            eng(40.086, "Ohm s^-1/2"),
            format!("40.09 {}", pretty_unit("Ohm s^-1/2"))
        );
        assert_eq!(
            eng(0.18026, "Ohm s^-1/2"),
            format!("0.1803 {}", pretty_unit("Ohm s^-1/2"))
        );
        assert_eq!(eng(-3.3e-3, "Ohm"), "-3.300 mΩ");
        assert_eq!(eng(0.9999996, "Ohm"), "1.000 Ω");
        assert_eq!(eng(2.857e-6, "S/cm"), "2.857 µS/cm");
        assert_eq!(eng(59_058.847_6, "Ω·cm²"), "59.06 kΩ·cm²");
    }

    /// The issue's own numbers: σ = 2.857e-6 ± 2.4e-7 S/cm printed as `0.0002 ± 0.0000 mS/cm`, and an areal
    /// resistance of 59058.8476 ± 76.8519 Ω·cm².
    #[test]
    fn value_and_error_share_a_prefix_and_two_significant_figures() {
        assert_eq!(eng_pm(2.857e-6, Some(2.4e-7), "S/cm"), "2.86 ± 0.24 µS/cm");
        assert_eq!(eng_pm(59_058.847_6, Some(76.8519), "Ω·cm²"), "59.059 ± 0.077 kΩ·cm²");
        assert_eq!(eng_pm(1.437e-6, Some(1.2e-8), "S s^n"), "(1.437 ± 0.012)e-6 S·sⁿ");
        assert_eq!(eng_pm(0.85, Some(0.012), ""), "0.850 ± 0.012");
        // An error larger than the value: the prefix follows the error, the value keeps its sign.
        assert_eq!(eng_pm(-3.0, Some(4.2e3), "Ohm"), "-0.0 ± 4.2 kΩ");
        assert_eq!(eng_pm(5.0, None, "Ohm"), "5.000 Ω");
        assert_eq!(eng_pm(5.0, Some(f64::NAN), "Ohm"), "5.000 Ω ± NaN Ω");
        // A column takes the prefix of its largest value while it spans three decades or less.
        let column = [3.609e-4, 2.1889e-3];
        let r = column_reference(column).unwrap();
        assert_eq!(eng_pm_like(3.609e-4, Some(1.6e-6), "S/cm", r), "0.3609 ± 0.0016 mS/cm");
        assert!(column_reference([1e-6, 1e-2]).is_none());
    }

    #[test]
    fn relative_errors_keep_two_significant_figures_and_say_undetermined() {
        assert_eq!(rel_percent(0.2345), "0.23 %");
        assert_eq!(rel_percent(1.517), "1.5 %");
        assert_eq!(rel_percent(15.17), "15 %");
        assert_eq!(rel_percent(1_517_184_778.26), "undetermined");
        assert_eq!(rel_percent(f64::INFINITY), "undetermined");
        assert_eq!(csv_number(7.349_897_487_234_278e-43), "7.349897487234278e-43");
        assert_eq!(csv_number(10.5), "10.5");
        assert_eq!(
            csv_number(7.349_897_487_234_278e-43).parse::<f64>().unwrap().to_bits(),
            7.349_897_487_234_278e-43f64.to_bits()
        );
    }
}
