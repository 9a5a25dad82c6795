//! Human-readable formatting: engineering notation with SI prefixes, units, and the fit table.

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

/// `value` in engineering notation with an SI prefix for the base units Ω, F, H and s (`2.200 µF`), and in
/// scientific notation for compound or empty units.
pub fn eng(value: f64, unit: &str) -> String {
    let u = pretty_unit(unit);
    if !value.is_finite() {
        return format!("{value} {u}").trim_end().to_string();
    }
    if !matches!(u.as_str(), "Ω" | "F" | "H" | "s") {
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
    let a = value.abs();
    if a < 1e-18 {
        return format!("{value:.4e} {u}");
    }
    let (scale, p) = PREFIXES
        .iter()
        .copied()
        .find(|(s, _)| a >= *s * 0.9995)
        .unwrap_or((1e-18, "a"));
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

/// The fit table for one spectrum.
pub fn fit_table(label: &str, r: &FitReport, colour: bool) -> String {
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
            let rel = match (p.fixed, p.rel_err_percent) {
                (false, Some(r)) => format!("{r:.2} %"),
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
        let _ = writeln!(
            s,
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
    }
}
