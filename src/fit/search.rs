//! The global phase of a fit: which starts run, with how many evaluations each, and which result wins.
//!
//! 1. The first reading of the spectrum runs with at most [`FIRST_EVALUATIONS`] per parameter; the other
//!    readings (see [`guess::initial_guesses`](super::guess::initial_guesses)) with a short budget. The best leads.
//! 2. The lead is judged ([`doubt`]): not converged, a parameter on a bound, parameters the data do not
//!    determine, a standard error above the value, two parameters of different elements correlated beyond
//!    |r| = 0.99, a misfit or structured residuals. Any of these is the usual sign of a wrong basin.
//! 3. With doubt (or when the caller asks for it), starts are **screened**, each running a few iterations
//!    ([`SCREEN_EVALUATIONS`] per parameter): the lead continued when it ran out of evaluations, each parallel
//!    resistor opened or shorted ([`OPEN_AND_SHORT`]), and random starts drawn around the lead. Only the most
//!    promising are **polished**. The whole search has a ceiling in evaluations ([`SEARCH_EVALUATIONS`] per
//!    parameter), so a fit's cost is bounded whatever the spectrum.
//! 4. The lowest converged objective wins; ties go to the earliest start.

use super::local::{Context, LocalFit};
use super::report::Stats;
use super::verdict::FitWarning;
use crate::circuit::Node;
use crate::elements::ElementKind;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

/// Residual evaluations per free parameter (plus one) for the first reading of the spectrum.
const FIRST_EVALUATIONS: usize = 300;

/// Residual evaluations per free parameter (plus one) for an alternative reading of the spectrum.
const ALTERNATIVE_EVALUATIONS: usize = 20;

/// Residual evaluations per free parameter (plus one) a random start gets to show its basin.
const SCREEN_EVALUATIONS: usize = 8;

/// How many screened starts are polished with the full budget.
const POLISHED: usize = 3;

/// Ceiling of the evaluations of a whole search, per free parameter (plus one), beyond the first start.
const SEARCH_EVALUATIONS: usize = 500;

/// Relative difference of objectives below which two runs found the same minimum.
const SAME_MINIMUM: f64 = 1e-6;

/// What the search found.
pub(super) struct Outcome {
    /// The winning run.
    pub(super) best: LocalFit,
    /// Its statistics, when the search computed them at the winning point to judge it.
    pub(super) stats: Option<Stats>,
    /// Starts run.
    pub(super) n_starts: usize,
    /// Converged starts at the best objective.
    pub(super) n_at_best: usize,
}

/// How the search is configured by the options.
pub(super) struct Plan {
    /// Random starts to screen when in doubt (or always, when `forced`).
    pub(super) random_starts: usize,
    /// Whether the random starts run whatever the lead looks like.
    pub(super) forced: bool,
    /// Seed of the random starts.
    pub(super) seed: u64,
    /// Residual evaluations of one local run.
    pub(super) budget: usize,
}

/// The statistics' signs of a wrong basin, or of no basin at all.
pub(super) fn doubt(fit: &LocalFit, stats: &Stats, ctx: &Context) -> bool {
    if !fit.converged() || stats.covariance.is_none() {
        return true;
    }
    let element_of = |i: usize| ctx.circuit.params()[i].element();
    // A misfit or structured residuals: a wrong basin, or a circuit that cannot do better (then the search
    // finds nothing, within its budget). Points the circuit cannot produce are not a matter of starts.
    let (_, signs) = ctx.adequacy(stats);
    let inadequate = signs
        .iter()
        .any(|w| matches!(w, FitWarning::Misfit { .. } | FitWarning::StructuredResiduals { .. }));
    inadequate
        || stats.warnings.iter().any(|w| match w {
            FitWarning::AtBound { .. } | FitWarning::LargeError { .. } | FitWarning::Undetermined => true,
            FitWarning::StrongCorrelation { first, second, .. } => element_of(*first) != element_of(*second),
            _ => false,
        })
}

/// Runs the starts `firsts` (never empty) and, when warranted, a screened random search around the best.
pub(super) fn run(ctx: &Context, firsts: &[Vec<f64>], plan: &Plan) -> Outcome {
    let k = ctx.free.len();
    // `multistart 0`: one start, the most plausible reading, and nothing else.
    let firsts = if plan.forced && plan.random_starts == 0 {
        &firsts[..1]
    } else {
        firsts
    };
    // The first reading gets enough for any well-posed fit; one that needs more is crawling along a valley or
    // sits in the wrong basin, and the search below continues it with the others.
    let first_budget = plan.budget.min(FIRST_EVALUATIONS * (k + 1));
    let mut runs: Vec<LocalFit> = vec![ctx.local(&firsts[0], first_budget)];
    let search_wanted = k > 0 && plan.random_starts > 0;
    // Judging a run needs its statistics (an SVD): only when alternatives or the search depend on it.
    let judge = firsts.len() > 1 || (search_wanted && !plan.forced);
    // The statistics computed to judge a run, with its index: reported as they are when that run wins.
    let mut judged: Option<(usize, Stats)> = (judge && runs[0].converged()).then(|| (0, ctx.stats(&runs[0].params)));
    let first_sound = judged.as_ref().is_some_and(|(_, s)| !doubt(&runs[0], s, ctx));
    if firsts.len() > 1 {
        // From a start in the right basin LM converges in a few tens of evaluations; when the first reading
        // converged cleanly, an alternative that needs many more than it did is rarely the better minimum.
        let short = plan.budget.min(ALTERNATIVE_EVALUATIONS * (k + 1));
        let budget = if first_sound {
            short.min((2 * runs[0].n_evaluations).max(2 * (k + 1)))
        } else {
            short
        };
        let alts: Vec<LocalFit> = firsts[1..].par_iter().map(|s| ctx.local(s, budget)).collect();
        runs.extend(alts);
    }
    let lead = best_index(&runs);
    let in_doubt = if lead == 0 {
        !first_sound
    } else {
        let stats = ctx.stats(&runs[lead].params);
        let d = doubt(&runs[lead], &stats, ctx);
        judged = Some((lead, stats));
        d
    };
    if search_wanted && (plan.forced || in_doubt) {
        // The lead goes on first when it ran out of evaluations, then the moves away from it.
        let mut starts = Vec::new();
        if !runs[lead].converged() {
            starts.push(runs[lead].params.clone());
        }
        starts.extend(structured_starts(&runs[lead].params, ctx));
        starts.extend(random_starts(&runs[lead].params, ctx, plan.random_starts, plan.seed));
        runs.extend(screen_and_polish(ctx, &starts, plan.budget));
    }
    let n_starts = runs.len();
    let best_idx = best_index(&runs);
    let best_obj = runs[best_idx].objective;
    let n_at_best = runs
        .iter()
        .filter(|r| r.converged() && same_minimum(r.objective, best_obj))
        .count();
    let stats = judged.and_then(|(i, s)| (i == best_idx).then_some(s));
    let best = runs.swap_remove(best_idx);
    Outcome {
        best,
        stats,
        n_starts,
        n_at_best,
    }
}

/// Screens `starts` with a few evaluations each, then polishes the most promising with `budget` each, within
/// the search's ceiling. Returns every run (screened ones that were not polished as they stopped).
fn screen_and_polish(ctx: &Context, starts: &[Vec<f64>], budget: usize) -> Vec<LocalFit> {
    let k = ctx.free.len();
    let screen = budget.min(SCREEN_EVALUATIONS * (k + 1));
    let mut screened: Vec<LocalFit> = starts.par_iter().map(|s| ctx.local(s, screen)).collect();
    let spent: usize = screened.iter().map(|r| r.n_evaluations).sum();
    let ceiling = SEARCH_EVALUATIONS * (k + 1);
    let polish_budget = budget.min(ceiling.saturating_sub(spent) / POLISHED).max(screen);
    // The most promising: the lowest objectives among those that did not finish converged already.
    let mut order: Vec<usize> = (0..screened.len()).collect();
    order.sort_by(|&a, &b| screened[a].objective.total_cmp(&screened[b].objective));
    let chosen: Vec<usize> = order
        .into_iter()
        .filter(|&i| !screened[i].converged() && screened[i].objective.is_finite())
        .take(POLISHED)
        .collect();
    let polished: Vec<(usize, LocalFit)> = chosen
        .par_iter()
        .map(|&i| (i, ctx.local(&screened[i].params, polish_budget)))
        .collect();
    for (i, mut p) in polished {
        p.n_iterations += screened[i].n_iterations;
        p.n_evaluations += screened[i].n_evaluations;
        screened[i] = p;
    }
    screened
}

/// Whether two objectives are the same minimum.
fn same_minimum(a: f64, b: f64) -> bool {
    (a - b).abs() <= SAME_MINIMUM * a.abs().max(b.abs()).max(f64::MIN_POSITIVE)
}

/// The winning run: the lowest converged objective (the earliest within 1e-9 of it, so that a good first start
/// keeps its iteration count in the report); with no converged run, the lowest objective.
fn best_index(runs: &[LocalFit]) -> usize {
    let score = |r: &LocalFit| if r.converged() { r.objective } else { f64::INFINITY };
    let min_score = runs.iter().map(score).fold(f64::INFINITY, f64::min);
    if min_score.is_finite() {
        runs.iter()
            .position(|r| score(r) <= min_score + 1e-9 * min_score.abs())
            .unwrap_or(0)
    } else {
        (0..runs.len())
            .min_by(|&a, &b| runs[a].objective.total_cmp(&runs[b].objective))
            .unwrap_or(0)
    }
}

/// Factors by which a structured start scales the resistance of one parallel group: opening the group (the arc is
/// then a capacitive element alone, a tail) or shorting it (the arc vanishes). Random starts two decades around
/// the lead rarely reach either.
const OPEN_AND_SHORT: [f64; 2] = [1e4, 1e-3];

/// Starts that change the role of one arc at a time: each free resistor directly in a parallel group opened or
/// shorted (see [`OPEN_AND_SHORT`]), the rest as in `centre`.
fn structured_starts(centre: &[f64], ctx: &Context) -> Vec<Vec<f64>> {
    let mut resistors = Vec::new();
    parallel_resistors(ctx.circuit.root(), &mut resistors);
    let mut out = Vec::new();
    for label in resistors {
        let Ok(i) = ctx.circuit.param_index(&label) else {
            continue;
        };
        if !ctx.free.contains(&i) {
            continue;
        }
        for f in OPEN_AND_SHORT {
            let mut s = centre.to_vec();
            let (lo, hi) = ctx.bounds[i];
            let v = centre[i] * f;
            if v > lo && v < hi && v.is_finite() {
                s[i] = v;
                out.push(s);
            }
        }
    }
    out
}

/// Labels of the resistors that are direct branches of a parallel group.
fn parallel_resistors(node: &Node, out: &mut Vec<String>) {
    match node {
        Node::Element(_) => {}
        Node::Series(cs) => cs.iter().for_each(|c| parallel_resistors(c, out)),
        Node::Parallel(cs) => {
            for c in cs {
                match c {
                    Node::Element(e) if e.kind() == ElementKind::R => out.push(e.label().to_string()),
                    other => parallel_resistors(other, out),
                }
            }
        }
    }
}

/// Random starts: each free parameter drawn log-uniformly within a window around `centre` (two decades each
/// way, clipped to the bounds) or uniformly for two-sided bounds.
fn random_starts(centre: &[f64], ctx: &Context, n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let mut s = centre.to_vec();
            for &i in &ctx.free {
                let (lo, hi) = ctx.bounds[i];
                let v = centre[i];
                s[i] = if lo.is_finite() && hi.is_finite() {
                    let a = lo + 0.02 * (hi - lo);
                    let b = hi - 0.02 * (hi - lo);
                    // Never an empty or non-finite range (bounds are validated, but the sampler must not panic).
                    if a < b && (b - a).is_finite() {
                        rng.random_range(a..b)
                    } else {
                        v
                    }
                } else if v > 0.0 && lo >= 0.0 {
                    let l = v.ln();
                    let span = 2.0 * std::f64::consts::LN_10;
                    (l + rng.random_range(-span..span)).exp()
                } else {
                    v + v.abs().max(1.0) * rng.random_range(-1.0..1.0)
                };
            }
            s
        })
        .collect()
}
