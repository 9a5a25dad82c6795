//! [`Combination`]: a named linear combination of fitted parameters, with its standard error from the fit's
//! covariance.

use super::AnalysisError;
use crate::circuit::Circuit;
use crate::fit::FitReport;
use serde::Serialize;
use std::str::FromStr;

/// A named linear combination of fitted parameters, `separator=R0+R1` or `interface=0.5*R2`.
///
/// Grammar: `NAME=TERM(±TERM)*`, TERM = `[FACTOR*]PARAM` or `PARAM[/DIVISOR]`; parameters by their names or
/// impedance.py aliases. White space is ignored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Combination {
    name: String,
    terms: Vec<(f64, String)>,
}

impl Combination {
    /// The name of the quantity.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The (factor, parameter name) terms.
    #[must_use]
    pub fn terms(&self) -> &[(f64, String)] {
        &self.terms
    }

    /// Value and standard error of the combination for a fit of `circuit`; the error is `None` when the fit
    /// gave no covariance.
    ///
    /// # Errors
    /// [`AnalysisError::UnknownParameter`].
    pub fn evaluate(&self, circuit: &Circuit, report: &FitReport) -> Result<(f64, Option<f64>), AnalysisError> {
        let mut idx = Vec::with_capacity(self.terms.len());
        for (a, p) in &self.terms {
            let i = circuit
                .param_index(p)
                .map_err(|source| AnalysisError::UnknownParameter {
                    combination: self.name.clone(),
                    source,
                })?;
            idx.push((*a, i));
        }
        let value = idx.iter().map(|(a, i)| a * report.parameters[*i].value).sum();
        let stderr = report.covariance.as_ref().map(|cov| {
            let var: f64 = idx
                .iter()
                .flat_map(|(a, i)| idx.iter().map(move |(b, j)| a * b * cov[(*i, *j)]))
                .sum();
            var.max(0.0).sqrt()
        });
        Ok((value, stderr))
    }
}

impl FromStr for Combination {
    type Err = AnalysisError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| AnalysisError::InvalidCombination {
            text: s.to_string(),
            reason: reason.to_string(),
        };
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let (name, expr) = compact
            .split_once('=')
            .ok_or_else(|| bad("expected NAME=EXPR, e.g. separator=R0+R1"))?;
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
            return Err(bad("the name must be letters, digits, '_' or '-'"));
        }
        // Split into signed terms at '+' and '-' that are not part of a number's exponent.
        let mut terms = Vec::new();
        let mut sign = 1.0;
        let mut current = String::new();
        let chars: Vec<char> = expr.chars().collect();
        for (k, &c) in chars.iter().enumerate() {
            let exponent = k > 0
                && matches!(chars[k - 1], 'e' | 'E')
                && current
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '*'));
            if (c == '+' || c == '-') && !exponent {
                if !current.is_empty() {
                    terms.push(parse_term(sign, &current).map_err(|r| bad(&r))?);
                    current.clear();
                } else if k > 0 {
                    return Err(bad("two operators in a row"));
                }
                sign = if c == '-' { -1.0 } else { 1.0 };
            } else {
                current.push(c);
            }
        }
        if current.is_empty() {
            return Err(bad("expected a parameter after the last operator"));
        }
        terms.push(parse_term(sign, &current).map_err(|r| bad(&r))?);
        Ok(Combination {
            name: name.to_string(),
            terms,
        })
    }
}

fn parse_term(sign: f64, t: &str) -> Result<(f64, String), String> {
    let num = |x: &str| -> Result<f64, String> {
        x.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("'{x}' is not a finite number"))
    };
    let (factor, param) = if let Some((a, b)) = t.split_once('*') {
        // Either FACTOR*PARAM or PARAM*FACTOR.
        match (num(a), num(b)) {
            (Ok(f), _) => (f, b),
            (_, Ok(f)) => (f, a),
            _ => return Err(format!("'{t}': expected FACTOR*PARAM")),
        }
    } else if let Some((a, b)) = t.split_once('/') {
        let d = num(b)?;
        if d.abs() < f64::MIN_POSITIVE {
            return Err(format!("'{t}': division by zero"));
        }
        (1.0 / d, a)
    } else {
        (1.0, t)
    };
    if param.is_empty() || param.parse::<f64>().is_ok() {
        return Err(format!("'{t}': expected a parameter name such as R1 or CPE1.Q"));
    }
    Ok((sign * factor, param.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fit::FitOptions;

    #[test]
    fn combinations_parse_with_factors_and_signs() {
        let c: Combination = "interface = 0.5*R2".parse().unwrap();
        assert_eq!(c.name(), "interface");
        assert_eq!(c.terms(), &[(0.5, "R2".to_string())]);
        let c: Combination = "x=R0+R1-2e-1*CPE1.Q+R2/2".parse().unwrap();
        let factors: Vec<f64> = c.terms().iter().map(|t| t.0).collect();
        approx::assert_relative_eq!(factors.as_slice(), [1.0, 1.0, -0.2, 0.5].as_slice());
        for bad in [
            "R0+R1", "=R0", "x=", "x=R0+", "x=R0++R1", "x=2*3", "x=R0/0", "x=3", "x.y=R0",
        ] {
            assert!(bad.parse::<Combination>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn combination_error_uses_the_covariance() {
        let circuit: Circuit = "R0-p(R1,C1)".parse().unwrap();
        let f = crate::simulate::log_frequencies(1e6, 1.0, 10).unwrap();
        let s = crate::simulate::simulate(
            &circuit,
            &[10.0, 50.0, 1e-6],
            &f,
            Some(crate::simulate::Noise::new(0.01, 3).unwrap()),
        )
        .unwrap();
        let r = crate::fit(&circuit, &s, &FitOptions::default()).unwrap();
        let cov = r.covariance.clone().unwrap();
        let sum: Combination = "s=R0+R1".parse().unwrap();
        let (v, e) = sum.evaluate(&circuit, &r).unwrap();
        approx::assert_relative_eq!(v, r.parameters[0].value + r.parameters[1].value);
        let want = (cov[(0, 0)] + cov[(1, 1)] + 2.0 * cov[(0, 1)]).sqrt();
        approx::assert_relative_eq!(e.unwrap(), want, max_relative = 1e-12);
        let bad: Combination = "s=R9".parse().unwrap();
        assert!(matches!(
            bad.evaluate(&circuit, &r),
            Err(AnalysisError::UnknownParameter { .. })
        ));
    }
}
