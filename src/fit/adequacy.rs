//! Whether a fitted model describes its data: the adequacy verdict of every report.
//!
//! A fit can converge, to the best minimum there is, and still not describe the data: the circuit lacks a
//! process, the file stores −Z″, an inductive end is fitted without an inductor. [`Adequacy`] gathers the signs,
//! each also a [`FitWarning`]:
//! - **misfit**: the RMS of the relative residuals against the noise the data show, when a noise floor is known
//!   (σ from the file, or a Kramers–Kronig fit of the same spectrum); the fit is inadequate beyond
//!   [`MISFIT_LIMIT`] times the floor;
//! - **structured residuals**: too few runs of one sign in the residuals ordered by frequency (Wald–Wolfowitz
//!   runs test, z < −[`RUNS_Z_LIMIT`]), the mark of a systematic deviation rather than noise;
//! - **points the circuit cannot produce**: Z″ > 0 without an inductive element, or Z″ > 0 everywhere (a file
//!   that stores −Z″).

use super::verdict::FitWarning;
use crate::circuit::Circuit;
use crate::elements::ElementKind;
use crate::spectrum::Spectrum;
use crate::validation::roughness_variance_ordered;
use num_complex::Complex64;
use serde::Serialize;

/// The misfit ratio (RMS relative residual over the noise floor) above which a fit does not describe its data: an
/// order of magnitude above what the data show by themselves. Published circuits of real spectra leave 1–10 times
/// the floor (a causal, linear model with one relaxation per fifth of a decade describes instrument artefacts
/// that an equivalent circuit does not); a missing process, a sign error or an unmodelled inductance, 10–1000.
pub const MISFIT_LIMIT: f64 = 10.0;

/// The runs test's |z| beyond which the residuals are structured: z = −4 happens by chance about once in 30,000
/// fits of a model that describes its data.
pub const RUNS_Z_LIMIT: f64 = 4.0;

/// The misfit above which long runs in the residuals count as structure: half an order of magnitude above the
/// floor (below it, published circuits of real spectra often leave long runs of small residuals).
const STRUCTURED_MISFIT: f64 = 5.0;

/// The misfit against the white-noise level above which the floor is checked against a Kramers–Kronig fit.
pub(super) const KK_CHECK_ABOVE: f64 = 3.0;

/// Z″ above this fraction of |Z| counts as inductive (below it, noise around zero).
const INDUCTIVE_FRACTION: f64 = 1e-3;

/// How well a fit describes its data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adequacy {
    /// No sign of inadequacy was found.
    pub adequate: bool,
    /// RMS of the relative residuals over the noise floor, when a floor is known (≈ 1 for a model that describes
    /// its data down to the noise; above [`MISFIT_LIMIT`] it does not).
    pub misfit: Option<f64>,
    /// The noise floor: the RMS relative deviation the data show by themselves.
    pub noise_floor: Option<f64>,
    /// The runs test's z of the residual signs (real and imaginary parts together), ordered by frequency.
    pub runs_z: f64,
}

/// The RMS relative residual of a fit: √(pseudo-χ²/2N).
pub(super) fn rms_relative(pseudo_chi2: f64, n_points: usize) -> f64 {
    (pseudo_chi2 / (2 * n_points.max(1)) as f64).sqrt()
}

/// Judges a fit of `circuit` to `data` whose relative residuals (real, imaginary per point, in frequency order)
/// are `residuals`, against `noise_floor` (an RMS relative deviation) when known. Returns the verdict and its
/// warnings.
pub(super) fn judge(
    circuit: &Circuit,
    data: &Spectrum,
    residuals: &[(f64, f64)],
    rms: f64,
    noise_floor: Option<f64>,
) -> (Adequacy, Vec<FitWarning>) {
    let mut warnings = Vec::new();
    let misfit = noise_floor
        .filter(|f| *f > 0.0 && f.is_finite())
        .map(|f| rms / f)
        .filter(|m| m.is_finite());
    if let Some(m) = misfit.filter(|m| *m > MISFIT_LIMIT) {
        warnings.push(FitWarning::Misfit { ratio: m });
    }
    let runs_z = runs_z(residuals);
    // A fit at the floor of the data has random residuals whatever their runs (weights that do not match the
    // noise make long runs in the part they under-weight); the runs count only above the floor.
    if runs_z < -RUNS_Z_LIMIT && misfit.is_none_or(|m| m > STRUCTURED_MISFIT) {
        warnings.push(FitWarning::StructuredResiduals { z: runs_z });
    }
    let z = data.z();
    let inductive = z.iter().filter(|z| z.im > INDUCTIVE_FRACTION * z.norm()).count();
    let can_be_inductive = circuit
        .elements()
        .iter()
        .any(|e| matches!(e.kind(), ElementKind::L | ElementKind::La));
    let capacitive = z.iter().filter(|z| z.im < -INDUCTIVE_FRACTION * z.norm()).count();
    if inductive > 0 && capacitive == 0 && !can_be_inductive {
        warnings.push(FitWarning::PositiveImaginary { points: inductive });
    } else if inductive > 0 && !can_be_inductive {
        warnings.push(FitWarning::InductivePoints { points: inductive });
    }
    let adequacy = Adequacy {
        adequate: warnings.is_empty(),
        misfit,
        noise_floor,
        runs_z,
    };
    (adequacy, warnings)
}

/// The RMS of the white noise in relative residuals `(real, imag)` ordered by frequency, from their second
/// differences: for white noise of variance σ² in each part, dᵢ = rᵢ₋₁ − 2rᵢ + rᵢ₊₁ has variance 6σ², while a
/// deviation that varies smoothly with frequency contributes little. `None` below four points.
pub(super) fn white_noise_rms(residuals: &[(f64, f64)]) -> Option<f64> {
    if residuals.len() < 4 {
        return None;
    }
    let r: Vec<Complex64> = residuals.iter().map(|&(re, im)| Complex64::new(re, im)).collect();
    // The estimator the Kramers–Kronig test's verdict uses, on the fit's residuals.
    let var = roughness_variance_ordered(&r);
    (var.is_finite() && var > 0.0).then(|| var.sqrt())
}

/// Wald–Wolfowitz runs test on the signs of the residuals, real parts then imaginary parts, each in frequency
/// order: z = (runs − E)/√Var; 0 when there are too few signs of either kind to say.
fn runs_z(residuals: &[(f64, f64)]) -> f64 {
    let mut total_runs = 0.0;
    let (mut mean, mut var) = (0.0, 0.0);
    for part in [0, 1] {
        let signs: Vec<bool> = residuals
            .iter()
            .map(|r| if part == 0 { r.0 } else { r.1 })
            .filter(|v| *v != 0.0 && v.is_finite())
            .map(|v| v > 0.0)
            .collect();
        let n = signs.len() as f64;
        let pos = signs.iter().filter(|s| **s).count() as f64;
        let neg = n - pos;
        if pos < 2.0 || neg < 2.0 {
            continue;
        }
        total_runs += 1.0 + signs.windows(2).filter(|w| w[0] != w[1]).count() as f64;
        mean += 1.0 + 2.0 * pos * neg / n;
        var += 2.0 * pos * neg * (2.0 * pos * neg - n) / (n * n * (n - 1.0));
    }
    if var > 0.0 {
        (total_runs - mean) / var.sqrt()
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn random_signs_pass_and_a_smooth_deviation_fails_the_runs_test() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        let random: Vec<(f64, f64)> = (0..60)
            .map(|_| (rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0)))
            .collect();
        assert!(runs_z(&random).abs() < 3.0, "{}", runs_z(&random));
        // A systematic wave through the residuals: few, long runs.
        let wave: Vec<(f64, f64)> = (0..60)
            .map(|i| {
                let x = i as f64 / 60.0 * 6.0;
                (x.sin(), x.cos())
            })
            .collect();
        assert!(runs_z(&wave) < -RUNS_Z_LIMIT, "{}", runs_z(&wave));
        assert!(runs_z(&[]).abs() < 1e-12);
    }

    #[test]
    fn the_white_noise_level_is_that_of_the_noise_not_of_a_smooth_deviation() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let normal = rand_distr::Normal::new(0.0, 0.01).unwrap();
        let noise: Vec<(f64, f64)> = (0..400).map(|_| (rng.sample(normal), rng.sample(normal))).collect();
        let sigma = white_noise_rms(&noise).unwrap();
        assert!((sigma / 0.01 - 1.0).abs() < 0.1, "{sigma}");
        // The same noise on a smooth deviation ten times larger: the level hardly moves.
        let wavy: Vec<(f64, f64)> = noise
            .iter()
            .enumerate()
            .map(|(i, (a, b))| {
                let x = i as f64 / 400.0 * 6.0;
                (a + 0.1 * x.sin(), b + 0.1 * x.cos())
            })
            .collect();
        let sigma = white_noise_rms(&wavy).unwrap();
        assert!((sigma / 0.01 - 1.0).abs() < 0.1, "{sigma}");
        assert_eq!(white_noise_rms(&noise[..3]), None);
    }
}
