//! Smooth reparametrisation that turns bounded parameters into unbounded ones for Levenberg–Marquardt.
//!
//! | bounds | internal x | p(x) | dp/dx |
//! |---|---|---|---|
//! | (−∞, ∞) | x = p | p | 1 |
//! | (lo, ∞) | x = ln(p − lo) | lo + eˣ | p − lo |
//! | (−∞, hi) | x = ln(hi − p) | hi − eˣ | −(hi − p) |
//! | (lo, hi) | x = ln((p − lo)/(hi − p)) | lo + (hi − lo)/(1 + e⁻ˣ) | (p − lo)(hi − p)/(hi − lo) |
//!
//! The log transform makes steps multiplicative, which suits parameters that span decades (Q from 1e-10 to 1);
//! the scaled logistic keeps exponents such as the CPE's n inside (0, 1).

/// The transform of one free parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Transform {
    Identity,
    Lower(f64),
    Upper(f64),
    Logistic(f64, f64),
}

impl Transform {
    /// The transform for open bounds `(lo, hi)`.
    pub(crate) fn for_bounds(lo: f64, hi: f64) -> Transform {
        match (lo.is_finite(), hi.is_finite()) {
            (false, false) => Transform::Identity,
            (true, false) => Transform::Lower(lo),
            (false, true) => Transform::Upper(hi),
            (true, true) => Transform::Logistic(lo, hi),
        }
    }

    /// Internal value for an external value strictly inside the bounds.
    pub(crate) fn to_internal(self, p: f64) -> f64 {
        match self {
            Transform::Identity => p,
            Transform::Lower(lo) => (p - lo).ln(),
            Transform::Upper(hi) => (hi - p).ln(),
            Transform::Logistic(lo, hi) => ((p - lo) / (hi - p)).ln(),
        }
    }

    /// External value for an internal value.
    pub(crate) fn to_external(self, x: f64) -> f64 {
        match self {
            Transform::Identity => x,
            Transform::Lower(lo) => lo + x.exp(),
            Transform::Upper(hi) => hi - x.exp(),
            Transform::Logistic(lo, hi) => {
                // Two branches keep e^{±x} from overflowing.
                if x >= 0.0 {
                    lo + (hi - lo) / (1.0 + (-x).exp())
                } else {
                    let e = x.exp();
                    lo + (hi - lo) * e / (1.0 + e)
                }
            }
        }
    }

    /// dp/dx at internal value `x`.
    pub(crate) fn derivative(self, x: f64) -> f64 {
        match self {
            Transform::Identity => 1.0,
            Transform::Lower(_) => x.exp(),
            Transform::Upper(_) => -x.exp(),
            Transform::Logistic(lo, hi) => {
                let e = (-x.abs()).exp();
                (hi - lo) * e / ((1.0 + e) * (1.0 + e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn round_trips_and_derivatives() {
        let cases = [
            (Transform::Identity, -3.5),
            (Transform::Lower(0.0), 2e-7),
            (Transform::Lower(-1.0), 4.0),
            (Transform::Upper(1.0), -20.0),
            (Transform::Logistic(0.0, 1.0), 0.87),
            (Transform::Logistic(-2.0, 5.0), 4.9),
        ];
        for (t, p) in cases {
            let x = t.to_internal(p);
            assert_relative_eq!(t.to_external(x), p, max_relative = 1e-12);
            let h = 1e-6 * x.abs().max(1e-3);
            let fd = (t.to_external(x + h) - t.to_external(x - h)) / (2.0 * h);
            assert_relative_eq!(t.derivative(x), fd, max_relative = 1e-6);
        }
        let t = Transform::Logistic(0.0, 1.0);
        assert!(t.to_external(800.0) <= 1.0 && t.to_external(-800.0) >= 0.0);
        assert!(t.derivative(800.0).is_finite());
    }
}
