//! What a fit says about itself, as data: why the optimiser stopped ([`Termination`]) and the diagnostics worth
//! reading ([`FitWarning`], each with a stable [`code`](FitWarning::code)).
//!
//! Both print as the sentences of the table output and the CLI's JSON `"termination"` and `"warnings"` strings;
//! programs match on the variants (or, from JSON, on the codes), never on the text.

use levenberg_marquardt::TerminationReason;
use std::fmt;

/// Which tolerance a stopping test refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tolerance {
    /// The relative reduction of χ².
    Ftol,
    /// The relative size of the step.
    Xtol,
    /// The cosine between the residual vector and the Jacobian's columns.
    Gtol,
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tolerance::Ftol => "ftol",
            Tolerance::Xtol => "xtol",
            Tolerance::Gtol => "gtol",
        })
    }
}

/// Why the optimiser stopped at the reported point.
///
/// The first seven variants are convergence ([`Termination::is_converged`]); the others are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Termination {
    /// The relative reduction of χ² (`ftol`) or the step (`xtol`) fell below its tolerance, at a point whose
    /// gradient was checked to vanish.
    Converged {
        /// The χ² test fired.
        ftol: bool,
        /// The step test fired.
        xtol: bool,
    },
    /// The residual vector is orthogonal to every column of the Jacobian: a stationary point.
    Orthogonal,
    /// The residuals are exactly zero.
    ResidualsZero,
    /// No further improvement is possible in f64 arithmetic before the tolerances were met.
    MachinePrecision(Tolerance),
    /// A stationary point where a whole chunk of the solver's evaluations lowered χ² by less than 1e-6 relative: a
    /// flat valley along which the solver crawls (parameters the data barely determine).
    Stalled,
    /// A stationary point of the parameters not on a bound, with one or more parameters on a bound: the
    /// objective still decreases towards the bound, so the constrained minimum is there.
    AtBound,
    /// The evaluation budget ran out first.
    MaxEvaluations,
    /// The optimiser stopped at a point where the gradient does not vanish and could not be moved on.
    NotStationary,
    /// The model, its Jacobian or χ² was not finite at the end (the named quantity).
    NonFinite(&'static str),
    /// The optimiser failed for another reason (its own description).
    Failed(&'static str),
}

impl Termination {
    /// Whether this is a convergence criterion (the report's `converged` also requires finite χ² and
    /// parameters).
    #[must_use]
    pub fn is_converged(self) -> bool {
        matches!(
            self,
            Termination::Converged { .. }
                | Termination::Orthogonal
                | Termination::ResidualsZero
                | Termination::MachinePrecision(_)
                | Termination::AtBound
                | Termination::Stalled
        )
    }

    /// The solver's reason in these terms.
    pub(crate) fn from_solver(t: &TerminationReason) -> Termination {
        match t {
            TerminationReason::Converged { ftol, xtol } => Termination::Converged {
                ftol: *ftol,
                xtol: *xtol,
            },
            TerminationReason::Orthogonal => Termination::Orthogonal,
            TerminationReason::ResidualsZero => Termination::ResidualsZero,
            TerminationReason::LostPatience => Termination::MaxEvaluations,
            TerminationReason::NoImprovementPossible(what) => Termination::MachinePrecision(match *what {
                "ftol" => Tolerance::Ftol,
                "xtol" => Tolerance::Xtol,
                _ => Tolerance::Gtol,
            }),
            TerminationReason::Numerical(what) => Termination::NonFinite(what),
            TerminationReason::User(_) => Termination::NonFinite("the model"),
            TerminationReason::NoParameters => Termination::Failed("no free parameters"),
            TerminationReason::NoResiduals => Termination::Failed("no residuals"),
            TerminationReason::WrongDimensions(what) => Termination::Failed(what),
        }
    }
}

impl fmt::Display for Termination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Termination::Converged { ftol: true, xtol: true } => f.write_str("converged (ftol and xtol)"),
            Termination::Converged {
                ftol: true,
                xtol: false,
            } => f.write_str("converged (ftol)"),
            Termination::Converged { .. } => f.write_str("converged (xtol)"),
            Termination::Orthogonal => f.write_str("converged (gtol: gradient orthogonal to residuals)"),
            Termination::ResidualsZero => f.write_str("converged (residuals are zero)"),
            Termination::MachinePrecision(t) => write!(f, "converged to machine precision ({t})"),
            Termination::AtBound => f.write_str("converged onto a bound"),
            Termination::Stalled => {
                f.write_str("converged (stalled: chi2 fell by less than 1e-6 over 30 evaluations per parameter)")
            }
            Termination::MaxEvaluations => f.write_str("stopped: maximum number of evaluations reached"),
            Termination::NotStationary => f.write_str("stopped: the gradient does not vanish at the last point"),
            Termination::NonFinite(what) => write!(f, "failed: non-finite values in {what}"),
            Termination::Failed(what) => write!(f, "failed: {what}"),
        }
    }
}

impl serde::Serialize for Termination {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A diagnostic of a fit: something a user should read before believing the numbers.
///
/// Parameters are named by their index in the circuit's parameter list and by name.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FitWarning {
    /// No start converged; the reported point is the best one reached.
    NotConverged {
        /// Why the winning start stopped.
        termination: Termination,
    },
    /// The Jacobian is too singular for a covariance: some parameters are not determined by the data.
    Undetermined,
    /// A free parameter ended on one of its bounds.
    AtBound {
        /// Index in the circuit's parameters.
        index: usize,
        /// Parameter name.
        name: String,
        /// Its value.
        value: f64,
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
    /// A standard error larger than the value itself.
    LargeError {
        /// Index in the circuit's parameters.
        index: usize,
        /// Parameter name.
        name: String,
        /// Standard error relative to |value|, in percent.
        percent: f64,
    },
    /// Two parameters whose estimates are correlated beyond |r| = 0.99.
    StrongCorrelation {
        /// Index of the first parameter.
        first: usize,
        /// Index of the second parameter.
        second: usize,
        /// Name of the first parameter.
        first_name: String,
        /// Name of the second parameter.
        second_name: String,
        /// The correlation coefficient.
        r: f64,
    },
    /// The residuals are far above the noise the data show: the model does not describe the data.
    Misfit {
        /// RMS relative residual over the noise floor.
        ratio: f64,
    },
    /// The residuals run in long stretches of one sign: a systematic deviation, not noise.
    StructuredResiduals {
        /// The runs test's z (negative: fewer runs than noise gives).
        z: f64,
    },
    /// Points with Z″ > 0, which no element of the circuit can produce.
    InductivePoints {
        /// How many.
        points: usize,
    },
    /// Z″ > 0 at every point off the real axis: the file probably stores −Z″ as Z″.
    PositiveImaginary {
        /// How many points.
        points: usize,
    },
    /// The file announces more points than it holds: the spectrum fitted is incomplete.
    TruncatedFile {
        /// Points the file's header announces.
        declared: usize,
        /// Points it holds.
        read: usize,
    },
    /// The file's table ended at a line that still looks like data: the rows after it were not fitted.
    TableEndedEarly {
        /// 1-based line where reading stopped.
        line: usize,
    },
    /// The robust (sandwich) and the model standard errors of a parameter differ by more than a factor
    /// [`WEIGHTS_MISMATCH_RATIO`]: the weights do not match the noise, and the model errors are not to be trusted.
    WeightsMismatch {
        /// The largest ratio, either way, over the free parameters.
        ratio: f64,
    },
    /// The file holds more sweeps than were fitted.
    SweepsNotFitted {
        /// Sweeps in the file.
        in_file: usize,
        /// The sweep that was fitted (0-based).
        fitted: usize,
    },
}

/// Ratio between a parameter's robust and model standard errors beyond which [`FitWarning::WeightsMismatch`] is
/// given (either way).
pub const WEIGHTS_MISMATCH_RATIO: f64 = 2.0;

impl FitWarning {
    /// The warnings a file's reader notes and the sweep selection give every fit of that file: a truncated
    /// file, a table that ended early, sweeps that were not fitted (`fitted` is the one sweep fitted, `None`
    /// when every sweep was).
    ///
    /// # Examples
    /// ```
    /// use eisfit::fit::FitWarning;
    /// use eisfit::io::ReadNote;
    /// let notes = [ReadNote::Truncated { declared: 79, read: 40 }];
    /// let w = FitWarning::from_file(&notes, 3, Some(0));
    /// assert_eq!(w.len(), 2);
    /// assert_eq!(w[0].code(), "truncated_file");
    /// assert_eq!(w[1].code(), "sweeps_not_fitted");
    /// ```
    #[must_use]
    pub fn from_file(notes: &[crate::io::ReadNote], sweeps_in_file: usize, fitted: Option<usize>) -> Vec<Self> {
        use crate::io::ReadNote;
        let mut out: Vec<Self> = notes
            .iter()
            .filter_map(|n| match *n {
                ReadNote::Truncated { declared, read } => Some(FitWarning::TruncatedFile { declared, read }),
                ReadNote::TableEndedEarly { line, .. } => Some(FitWarning::TableEndedEarly { line }),
                _ => None,
            })
            .collect();
        if let Some(fitted) = fitted {
            if sweeps_in_file > 1 {
                out.push(FitWarning::SweepsNotFitted {
                    in_file: sweeps_in_file,
                    fitted,
                });
            }
        }
        out
    }

    /// True for warnings about the file the spectrum came from rather than about the fit itself.
    #[must_use]
    pub fn is_about_file(&self) -> bool {
        matches!(
            self,
            FitWarning::TruncatedFile { .. } | FitWarning::TableEndedEarly { .. } | FitWarning::SweepsNotFitted { .. }
        )
    }
}

impl FitWarning {
    /// A short, stable identifier of the kind of warning (`at_bound`, `strong_correlation`, ...), the same
    /// across versions; the CLI's JSON gives it next to the text.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            FitWarning::NotConverged { .. } => "not_converged",
            FitWarning::Undetermined => "undetermined",
            FitWarning::AtBound { .. } => "at_bound",
            FitWarning::LargeError { .. } => "large_error",
            FitWarning::StrongCorrelation { .. } => "strong_correlation",
            FitWarning::Misfit { .. } => "misfit",
            FitWarning::StructuredResiduals { .. } => "structured_residuals",
            FitWarning::InductivePoints { .. } => "inductive_points",
            FitWarning::PositiveImaginary { .. } => "positive_imaginary",
            FitWarning::TruncatedFile { .. } => "truncated_file",
            FitWarning::TableEndedEarly { .. } => "table_ended_early",
            FitWarning::SweepsNotFitted { .. } => "sweeps_not_fitted",
            FitWarning::WeightsMismatch { .. } => "weights_mismatch",
        }
    }

    /// The indices of the parameters the warning is about (empty when it is about the whole fit).
    #[must_use]
    pub fn parameters(&self) -> Vec<usize> {
        match self {
            FitWarning::AtBound { index, .. } | FitWarning::LargeError { index, .. } => vec![*index],
            FitWarning::StrongCorrelation { first, second, .. } => vec![*first, *second],
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for FitWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FitWarning::NotConverged { termination } => write!(f, "the fit did not converge: {termination}"),
            FitWarning::Undetermined => f.write_str(
                "the Jacobian is too singular to give standard errors: some parameters are not determined by the \
                 data (fix or remove them)",
            ),
            FitWarning::AtBound {
                name,
                value,
                lower,
                upper,
                ..
            } => write!(f, "{name} = {value:.6e} is at a bound ({lower}, {upper})"),
            FitWarning::LargeError { name, percent, .. } => {
                let pct = if *percent < 1e6 {
                    format!("{percent:.0}")
                } else {
                    format!("{percent:.1e}")
                };
                write!(
                    f,
                    "{name}: standard error is {pct} % of the value; the data do not determine it"
                )
            }
            FitWarning::StrongCorrelation {
                first_name,
                second_name,
                r,
                ..
            } => write!(f, "{first_name} and {second_name} are strongly correlated (r = {r:.4})"),
            FitWarning::Misfit { ratio } => write!(
                f,
                "the residuals are {ratio:.1} times the noise the data show: the circuit does not describe the data"
            ),
            FitWarning::StructuredResiduals { z } => write!(
                f,
                "the residuals run in long stretches of one sign (runs test z = {z:.1}): a systematic deviation, not \
                 noise"
            ),
            FitWarning::InductivePoints { points } => write!(
                f,
                "{points} points have Z'' > 0, which no element of the circuit produces; add L0 or use \
                 --drop-inductive"
            ),
            FitWarning::PositiveImaginary { points } => {
                write!(f, "Z'' > 0 at all {points} points: does the file store -Z'' as Z''?")
            }
            FitWarning::TruncatedFile { declared, read } => write!(
                f,
                "the file announces {declared} points but holds {read}: the spectrum fitted is incomplete"
            ),
            FitWarning::TableEndedEarly { line } => write!(
                f,
                "the file's table ends at line {line}, which still looks like data: the rows after it were not fitted"
            ),
            FitWarning::WeightsMismatch { ratio } => write!(
                f,
                "robust and model standard errors differ by a factor {ratio:.1}: the weights do not match the noise; \
                 use --covariance robust (or weights that match the noise)"
            ),
            FitWarning::SweepsNotFitted { in_file, fitted } => write!(
                f,
                "the file has {in_file} sweeps; fitted sweep {fitted} only (use --sweep all, or --sweep N)"
            ),
        }
    }
}

/// A warning as the CLI's JSON gives it next to the text: its stable code, its sentence and the names of the
/// parameters it is about.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Diagnostic {
    /// [`FitWarning::code`].
    pub code: &'static str,
    /// The warning's sentence.
    pub message: String,
    /// Names of the parameters it is about.
    pub parameters: Vec<String>,
}

impl serde::Serialize for FitWarning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_solver_reason_maps_to_the_same_verdict_on_convergence() {
        let converged = [
            TerminationReason::Converged {
                ftol: true,
                xtol: false,
            },
            TerminationReason::Orthogonal,
            TerminationReason::ResidualsZero,
            TerminationReason::NoImprovementPossible("xtol"),
        ];
        for t in &converged {
            assert!(Termination::from_solver(t).is_converged(), "{t:?}");
        }
        let failed = [
            TerminationReason::LostPatience,
            TerminationReason::Numerical("jacobian"),
            TerminationReason::User("residuals"),
            TerminationReason::NoParameters,
        ];
        for t in &failed {
            assert!(!Termination::from_solver(t).is_converged(), "{t:?}");
        }
    }

    #[test]
    fn codes_are_distinct_and_texts_name_the_parameters() {
        let w = [
            FitWarning::NotConverged {
                termination: Termination::MaxEvaluations,
            },
            FitWarning::Undetermined,
            FitWarning::AtBound {
                index: 3,
                name: "CPE1.n".into(),
                value: 1.0,
                lower: 0.0,
                upper: 1.0,
            },
            FitWarning::LargeError {
                index: 0,
                name: "R0".into(),
                percent: 1.5e9,
            },
            FitWarning::StrongCorrelation {
                first: 1,
                second: 4,
                first_name: "R1".into(),
                second_name: "R2".into(),
                r: -0.995,
            },
        ];
        let codes: std::collections::HashSet<_> = w.iter().map(FitWarning::code).collect();
        assert_eq!(codes.len(), w.len());
        assert!(w[2].to_string().starts_with("CPE1.n = 1.000000e0 is at a bound"));
        assert!(w[3].to_string().contains("1.5e9 %"), "{}", w[3]);
        assert_eq!(w[4].parameters(), vec![1, 4]);
        assert!(w[0].to_string().contains("maximum number of evaluations"));
    }
}
