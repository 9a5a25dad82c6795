//! Peaks of a DRT: local maxima with enough prominence, their position refined by a parabola in ln τ, and the
//! resistance under each (the area between the minima that bound it).

use super::basis::Grid;

/// One process in the DRT.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct DrtPeak {
    /// Time constant of the maximum in s (refined by a parabola through the three highest nodes in ln τ).
    pub tau_s: f64,
    /// The characteristic frequency 1/(2πτ) in Hz.
    pub freq_hz: f64,
    /// γ at the maximum in Ω.
    pub gamma_ohm: f64,
    /// Area under γ between the minima on either side, in Ω: the resistance of this process.
    pub r_ohm: f64,
}

/// Local maxima of `gamma` whose prominence (height above the higher of the two minima separating it from taller
/// peaks or the ends) is at least `min_prominence` times the global maximum.
pub(crate) fn find_peaks(grid: &Grid, gamma: &[f64], min_prominence: f64) -> Vec<DrtPeak> {
    let n = gamma.len();
    let top = gamma.iter().fold(0.0f64, |m, &v| m.max(v));
    if n < 3 || top <= 0.0 {
        return Vec::new();
    }
    // Candidate maxima: strictly above the left neighbour and not below the right one (plateaus count once).
    let mut maxima: Vec<usize> = (0..n)
        .filter(|&i| {
            let l = if i > 0 { gamma[i - 1] } else { 0.0 };
            let r = if i + 1 < n { gamma[i + 1] } else { 0.0 };
            gamma[i] > l && gamma[i] >= r && gamma[i] > 0.0
        })
        .collect();
    maxima.retain(|&i| prominence(gamma, i) >= min_prominence * top);
    // Boundaries between consecutive kept peaks: the lowest node between them.
    let mut bounds = vec![0usize];
    for w in maxima.windows(2) {
        let (a, b) = (w[0], w[1]);
        let lowest = (a..=b).min_by(|&i, &j| gamma[i].total_cmp(&gamma[j])).unwrap_or(a);
        bounds.push(lowest);
    }
    bounds.push(n - 1);
    maxima
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let (u, height) = refine(grid, gamma, i);
            let (lo, hi) = (bounds[k], bounds[k + 1]);
            // Trapezoid over [lo, hi]; a shared boundary node is split half and half between its two peaks.
            let mut area = 0.0;
            for j in lo..hi {
                area += 0.5 * (gamma[j] + gamma[j + 1]) * grid.du;
            }
            let tau = u.exp();
            DrtPeak {
                tau_s: tau,
                freq_hz: 1.0 / (std::f64::consts::TAU * tau),
                gamma_ohm: height,
                r_ohm: area,
            }
        })
        .collect()
}

/// Height of peak `i` above the higher of the lowest points on its two sides, each side ending at a taller node
/// or at the end of the grid (where γ is taken as 0).
fn prominence(gamma: &[f64], i: usize) -> f64 {
    let h = gamma[i];
    let mut left_min = h;
    let mut j = i;
    loop {
        if j == 0 {
            left_min = left_min.min(0.0);
            break;
        }
        j -= 1;
        if gamma[j] > h {
            break;
        }
        left_min = left_min.min(gamma[j]);
    }
    let mut right_min = h;
    let mut j = i;
    loop {
        if j + 1 == gamma.len() {
            right_min = right_min.min(0.0);
            break;
        }
        j += 1;
        if gamma[j] > h {
            break;
        }
        right_min = right_min.min(gamma[j]);
    }
    h - left_min.max(right_min)
}

/// Vertex of the parabola through nodes i − 1, i, i + 1 (u and height); the node itself at the ends.
fn refine(grid: &Grid, gamma: &[f64], i: usize) -> (f64, f64) {
    if i == 0 || i + 1 >= gamma.len() {
        return (grid.u[i], gamma[i]);
    }
    let (a, b, c) = (gamma[i - 1], gamma[i], gamma[i + 1]);
    let den = a - 2.0 * b + c;
    if den >= 0.0 {
        return (grid.u[i], b);
    }
    let d = (0.5 * (a - c) / den).clamp(-0.5, 0.5);
    (grid.u[i] + d * grid.du, b - 0.25 * (a - c) * d)
}
