//! Axis ranges, tick positions and tick labels: pure functions, no drawing.
//!
//! Linear axes get "nice" steps (1, 2 or 5 × 10ⁿ); logarithmic axes span whole decades and are labelled 10ⁿ.
//! Everything here is total: any finite input gives a finite, non-degenerate axis and a bounded number of ticks.

/// Whether an axis maps values linearly or by their decadic logarithm.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Scale {
    Linear,
    Log,
}

/// One tick: its value, whether it is a major (long, possibly labelled) tick, and its label.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Tick {
    pub value: f64,
    pub major: bool,
    pub label: Option<String>,
}

/// An axis: a finite range `lo < hi` (positive for a log axis) and, for a linear axis, the tick step.
#[derive(Copy, Clone, Debug, PartialEq)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub scale: Scale,
    /// Major tick step of a linear axis (ignored for a log axis).
    pub step: f64,
}

/// Upper bound on the ticks an axis may produce, whatever its range: a guard against pathological input.
const MAX_TICKS: usize = 200;

impl Axis {
    /// A linear axis over `[lo, hi]` with at most about `max_labels` labelled ticks.
    ///
    /// The caller guarantees `lo < hi`, both finite, with a finite span (see [`padded_bounds`]).
    pub fn linear(lo: f64, hi: f64, max_labels: usize) -> Axis {
        Axis {
            lo,
            hi,
            scale: Scale::Linear,
            step: nice_step(hi - lo, max_labels),
        }
    }

    /// A logarithmic axis over the positive finite `values` (1…10 if there are none), padded by 4 % of its
    /// span in decades on each side (at least a twentieth of a decade).
    pub fn log(values: impl IntoIterator<Item = f64>) -> Axis {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.into_iter().filter(|v| v.is_finite() && *v > 0.0) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if lo > hi {
            (lo, hi) = (1.0, 10.0);
        }
        let (mut l0, mut l1) = (lo.log10(), hi.log10());
        if l1 - l0 < 0.2 {
            // Nearly constant values: show about a fifth of a decade around them.
            let mid = 0.5 * (l0 + l1);
            (l0, l1) = (mid - 0.1, mid + 0.1);
        }
        let pad = (0.04 * (l1 - l0)).max(0.05);
        // why: clamp the exponents so that 10^l stays a normal, finite f64.
        let (l0, l1) = ((l0 - pad).clamp(-300.0, 306.0), (l1 + pad).clamp(-299.0, 307.0));
        Axis {
            lo: 10f64.powf(l0),
            hi: 10f64.powf(l1.max(l0 + 0.1)),
            scale: Scale::Log,
            step: 1.0,
        }
    }

    /// Position of `v` along the axis: 0 at `lo`, 1 at `hi` (outside [0, 1] for values out of range).
    pub fn fraction(&self, v: f64) -> f64 {
        match self.scale {
            Scale::Linear => (v - self.lo) / (self.hi - self.lo),
            Scale::Log => (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10()),
        }
    }

    /// Major and minor ticks inside the range, the majors labelled, for an axis `len_px` long.
    ///
    /// A linear axis uses its step. A log axis spanning several decades labels powers of ten (every second or
    /// third one if they would crowd); over one to three decades it labels 1, 2, 5 × 10ⁿ if they fit; below a decade
    /// it places linear ticks.
    pub fn ticks(&self, len_px: f64, horizontal: bool) -> Vec<Tick> {
        let inside = |t: &Tick| (-1e-9..=1.0 + 1e-9).contains(&self.fraction(t.value));
        let ticks = match self.scale {
            Scale::Linear => linear_ticks(self.lo, self.hi, self.step),
            Scale::Log => {
                let decades = (self.hi / self.lo).log10();
                let mut choice = Vec::new();
                if decades < 1.0 {
                    for n in (2..=8).rev() {
                        choice = linear_ticks(self.lo, self.hi, nice_step(self.hi - self.lo, n));
                        choice.retain(|t| t.value > 0.0);
                        if labels_fit(&choice, self, len_px, horizontal) {
                            break;
                        }
                    }
                } else {
                    let schemes: &[&[u32]] = if decades < 3.0 {
                        &[&[1, 2, 5], &[1, 3], &[1]]
                    } else {
                        &[&[1]]
                    };
                    let mut fits = false;
                    for scheme in schemes {
                        choice = log_ticks(self.lo, self.hi, scheme, 1);
                        choice.retain(inside);
                        fits = labels_fit(&choice, self, len_px, horizontal);
                        if fits {
                            break;
                        }
                    }
                    // Still crowded: label every second, third, … decade.
                    let mut every = 2;
                    while !fits && every <= MAX_TICKS as i32 {
                        choice = log_ticks(self.lo, self.hi, &[1], every);
                        choice.retain(inside);
                        fits = labels_fit(&choice, self, len_px, horizontal);
                        every += 1;
                    }
                }
                choice
            }
        };
        ticks.into_iter().filter(inside).collect()
    }
}

/// Whether the labelled ticks are far enough apart not to overlap along an axis `len_px` long.
pub(crate) fn labels_fit(ticks: &[Tick], axis: &Axis, len_px: f64, horizontal: bool) -> bool {
    let mut prev: Option<(f64, f64)> = None; // (position, half extent)
    for t in ticks {
        let Some(label) = &t.label else { continue };
        let pos = axis.fraction(t.value) * len_px;
        let half = if horizontal {
            0.5 * text_width(label, TICK_FONT_PX) + 6.0
        } else {
            0.5 * TICK_FONT_PX + 7.0
        };
        if let Some((p, h)) = prev {
            if (pos - p).abs() < h + half {
                return false;
            }
        }
        prev = Some((pos, half));
    }
    true
}

/// The tick-label font size the overlap check assumes, in px.
pub(crate) const TICK_FONT_PX: f64 = 13.0;

/// The smallest step of the form {1, 2, 5} × 10ⁿ that puts at most `max_labels` intervals into `span`.
pub(crate) fn nice_step(span: f64, max_labels: usize) -> f64 {
    let raw = span / max_labels.max(1) as f64;
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0] {
        // why: the tolerance keeps an exact 0.2 from being rounded up to 0.5 by 0.2 / 0.1 = 2.0000000000000004.
        if m * mag >= raw * (1.0 - 1e-9) {
            return m * mag;
        }
    }
    10.0 * mag
}

fn linear_ticks(lo: f64, hi: f64, step: f64) -> Vec<Tick> {
    let mut out = Vec::new();
    if !(step.is_finite() && step > 0.0) {
        return out;
    }
    // Minor ticks subdivide a 1- or 5-step into five, a 2-step into four.
    let mantissa = step / 10f64.powf(step.log10().floor());
    let minor_per_major = if (mantissa - 2.0).abs() < 0.5 { 4.0 } else { 5.0 };
    let minor = step / minor_per_major;
    let k0 = (lo / minor - 1e-9).ceil();
    let k1 = (hi / minor + 1e-9).floor();
    if !(k0.is_finite() && k1.is_finite()) || k1 - k0 > MAX_TICKS as f64 {
        return out;
    }
    let mut k = k0;
    while k <= k1 {
        let mut v = k * minor;
        if v.abs() < minor * 1e-6 {
            v = 0.0; // no "−0"
        }
        // why: k counts minor ticks, so every `minor_per_major`-th one is a major tick.
        let major = (k / minor_per_major - (k / minor_per_major).round()).abs() < 1e-6;
        out.push(Tick {
            value: v,
            major,
            label: major.then(|| format_linear(v, step)),
        });
        k += 1.0;
    }
    out
}

/// Log ticks: majors at `m`·10ⁿ for `m` in `labelled` (labels on every `every`-th decade), minors at the other
/// integers 2…9 when the range is at most eight decades.
fn log_ticks(lo: f64, hi: f64, labelled: &[u32], every: i32) -> Vec<Tick> {
    let d0 = lo.log10().floor() as i32;
    let d1 = hi.log10().ceil() as i32;
    let minors = d1 - d0 <= 8;
    let mut out = Vec::new();
    for d in d0..=d1 {
        let base = 10f64.powi(d);
        for m in 1..=9u32 {
            let value = base * f64::from(m);
            let major = labelled.contains(&m);
            if !major && !minors {
                continue;
            }
            let label = (major && d.rem_euclid(every) == 0).then(|| {
                if m == 1 && labelled.len() == 1 {
                    power_of_ten(d)
                } else {
                    format_linear(value, base)
                }
            });
            out.push(Tick { value, major, label });
        }
    }
    out
}

/// A tick label with as many decimals as the step needs, a typographic minus, and ×10ⁿ notation for very large
/// or very small steps.
pub(crate) fn format_linear(v: f64, step: f64) -> String {
    let step_exp = step.log10().floor();
    let scientific = step_exp >= 5.0 || step_exp <= -4.0;
    let decimals = (-step_exp).max(0.0) as usize;
    if v.abs() < step * 1e-6 {
        return if scientific {
            "0".to_owned()
        } else {
            format!("{:.decimals$}", 0.0)
        };
    }
    let s = if scientific {
        let e = v.abs().log10().floor();
        let mantissa = v / 10f64.powf(e);
        // Enough mantissa digits to tell neighbouring ticks apart.
        let digits = (e - step_exp).clamp(0.0, 15.0) as usize;
        let m = format!("{mantissa:.digits$}");
        let m = if m == "1" { String::new() } else { format!("{m}×") };
        if v < 0.0 && m.is_empty() {
            format!("-{}", power_of_ten(e as i32))
        } else {
            format!("{m}{}", power_of_ten(e as i32))
        }
    } else {
        format!("{v:.decimals$}")
    };
    s.replace('-', "\u{2212}")
}

/// "10ⁿ" with a superscript exponent.
pub(crate) fn power_of_ten(e: i32) -> String {
    let sup: String = e
        .to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect();
    format!("10{sup}")
}

/// Bounds of the finite `values`, widened to a non-degenerate range and padded by `pad` (a fraction of the span)
/// on each side. Returns `None` when there are no finite values or the span overflows.
pub(crate) fn padded_bounds(values: impl IntoIterator<Item = f64>, pad: f64) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return None;
    }
    let (lo, hi) = widen(lo, hi);
    let span = hi - lo;
    let (lo, hi) = (lo - pad * span, hi + pad * span);
    (lo.is_finite() && hi.is_finite() && (hi - lo).is_finite()).then_some((lo, hi))
}

/// Widens a degenerate range (all values equal, to within rounding) around its centre.
fn widen(lo: f64, hi: f64) -> (f64, f64) {
    let scale = lo.abs().max(hi.abs());
    if hi - lo > 1e-9 * scale {
        (lo, hi)
    } else if scale > 0.0 {
        let mid = 0.5 * (lo + hi);
        (mid - 0.1 * scale, mid + 0.1 * scale)
    } else {
        (-1.0, 1.0)
    }
}

/// Ranges for an equal-scale plot: the same data units per pixel on both axes.
///
/// `x` and `y` are the bounds the data need (non-degenerate); `width_px` × `height_px` is the plotting area. The
/// tighter axis is widened: y upwards from its lower bound (so that the real axis of a Nyquist plot stays near the
/// bottom), x symmetrically about its centre but not below min(x.0, 0), so that a Nyquist plot of positive Z′ shows
/// no negative resistances.
pub(crate) fn equal_aspect(x: (f64, f64), y: (f64, f64), width_px: f64, height_px: f64) -> ((f64, f64), (f64, f64)) {
    let per_px = ((x.1 - x.0) / width_px).max((y.1 - y.0) / height_px);
    let x_span = per_px * width_px;
    let y_span = per_px * height_px;
    let x_lo = (0.5 * (x.0 + x.1) - 0.5 * x_span).max(x.0.min(0.0));
    ((x_lo, x_lo + x_span), (y.0, y.0 + y_span))
}

/// The size of an equal-scale frame inside a `width` × `height` cell for data whose y span is `aspect` times
/// their x span: the frame shrinks towards the data's shape, but not below `min_aspect` × width in height (flat
/// data) or 0.6 × height in width (tall data), where the ranges are widened instead (see [`equal_aspect`]).
pub(crate) fn fit_box(aspect: f64, width: f64, height: f64, min_aspect: f64) -> (f64, f64) {
    if !(aspect.is_finite() && aspect > 0.0) {
        return (width, height);
    }
    if aspect * width <= height {
        (width, (aspect * width).max(min_aspect * width).min(height))
    } else {
        ((height / aspect).max(0.6 * height).min(width), height)
    }
}

/// An engineering prefix for values up to `max_abs`: the divisor and its symbol (µ, m, none, k, M, G, T).
pub(crate) fn engineering_prefix(max_abs: f64) -> (f64, &'static str) {
    const PREFIXES: [(f64, &str); 7] = [
        (1e-6, "µ"),
        (1e-3, "m"),
        (1.0, ""),
        (1e3, "k"),
        (1e6, "M"),
        (1e9, "G"),
        (1e12, "T"),
    ];
    if !(max_abs.is_finite() && max_abs > 0.0) {
        return (1.0, "");
    }
    // why: a small tolerance so 999.9999999 Ω (rounding of 1 kΩ) still counts as 1 kΩ.
    PREFIXES
        .iter()
        .rev()
        .find(|(f, _)| max_abs >= f * (1.0 - 1e-9))
        .copied()
        .unwrap_or(PREFIXES[0])
}

/// Rough width in pixels of `text` in a sans-serif font of `size_px` (no font metrics are available for SVG).
pub(crate) fn text_width(text: &str, size_px: f64) -> f64 {
    text.chars()
        .map(|c| match c {
            '.' | ',' | ':' | ';' | 'i' | 'l' | 'j' | '|' | '\'' | ' ' | '(' | ')' | '/' | '′' | '″' => 0.32,
            'm' | 'w' | 'M' | 'W' | 'Ω' | '×' | '−' | '—' => 0.85,
            c if c.is_uppercase() => 0.68,
            '⁰'..='⁹' | '¹' | '²' | '³' | '⁻' => 0.38,
            _ => 0.56,
        })
        .sum::<f64>()
        * size_px
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn nice_steps() {
        assert_relative_eq!(nice_step(10.0, 5), 2.0);
        assert_relative_eq!(nice_step(1.0, 5), 0.2);
        assert_relative_eq!(nice_step(7.3, 4), 2.0);
        assert_relative_eq!(nice_step(300.0, 3), 100.0);
        assert_relative_eq!(nice_step(0.0, 3), 1.0);
        assert_relative_eq!(nice_step(f64::INFINITY, 3), 1.0);
    }

    #[test]
    fn linear_ticks_are_labelled_and_bounded() {
        let axis = Axis::linear(-0.05, 1.05, 6);
        let ticks = axis.ticks(300.0, true);
        let labels: Vec<&str> = ticks.iter().filter_map(|t| t.label.as_deref()).collect();
        assert_eq!(labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        assert!(ticks.iter().any(|t| !t.major));
        let neg = Axis::linear(-30.0, 10.0, 4).ticks(300.0, true);
        assert!(neg.iter().any(|t| t.label.as_deref() == Some("\u{2212}20")));
        // A span far below the magnitude still gives a handful of ticks.
        let narrow = Axis::linear(1e15, 1e15 + 4.0, 4).ticks(300.0, true);
        assert!(!narrow.is_empty() && narrow.len() <= MAX_TICKS + 1);
    }

    fn labels(axis: &Axis, len_px: f64) -> Vec<String> {
        axis.ticks(len_px, true).into_iter().filter_map(|t| t.label).collect()
    }

    #[test]
    fn log_axis_labels_adapt_to_the_span() {
        let a = Axis::log([1.0, 1e6]);
        assert!(a.lo < 1.0 && a.hi > 1e6);
        assert_eq!(labels(&a, 600.0), ["10⁰", "10¹", "10²", "10³", "10⁴", "10⁵", "10⁶"]);
        // Too little room: every second decade.
        assert_eq!(labels(&a, 150.0), ["10⁰", "10²", "10⁴", "10⁶"]);
        // Under three decades: 1-2-5 labels as plain numbers.
        let b = Axis::log([3.0, 60.0]);
        assert_eq!(labels(&b, 400.0), ["5", "10", "20", "50"]);
        // Under a decade: linear ticks.
        let c = Axis::log([5.0, 25.0]);
        assert_eq!(labels(&c, 400.0), ["5", "10", "15", "20", "25"]);
        let none = Axis::log([0.0, -1.0, f64::NAN]);
        assert!(none.lo < 1.0 && none.hi > 10.0);
        let wide = Axis::log([1e-300, 1e300]);
        let t = wide.ticks(300.0, false);
        assert!(t.iter().filter(|t| t.label.is_some()).count() <= 12);
        assert!(t.iter().all(|t| t.value.is_finite()));
        assert!(Axis::log([f64::MAX, f64::MAX]).hi.is_finite());
    }

    #[test]
    fn tick_label_formats() {
        assert_eq!(format_linear(0.30000000000000004, 0.1), "0.3");
        assert_eq!(format_linear(1500.0, 500.0), "1500");
        assert_eq!(format_linear(-1e-17, 0.5), "0.0");
        assert_eq!(format_linear(1e-17, 2.0), "0");
        assert_eq!(format_linear(2e6, 1e6), "2×10⁶");
        assert_eq!(format_linear(1e-5, 1e-5), "10⁻⁵");
        assert_eq!(power_of_ten(-12), "10⁻¹²");
    }

    #[test]
    fn equal_aspect_gives_equal_units_per_pixel() {
        for (x, y, w, h) in [
            ((0.0, 20.0), (0.0, 6.0), 400.0, 300.0),
            ((5.0, 15.0), (-1.0, 100.0), 600.0, 250.0),
            ((0.0, 1.0), (0.0, 1.0), 100.0, 700.0),
            ((-3.0, -1.0), (0.0, 1.0), 700.0, 100.0),
        ] {
            let ((x0, x1), (y0, y1)) = equal_aspect(x, y, w, h);
            assert_relative_eq!((x1 - x0) / w, (y1 - y0) / h, max_relative = 1e-12);
            // Both data ranges still fit.
            assert!(x0 <= x.0 && x1 >= x.1 && y0 <= y.0 && y1 >= y.1);
            assert!(x0 >= x.0.min(0.0));
        }
    }

    #[test]
    fn frames_shrink_towards_the_data_shape() {
        let (w, h) = fit_box(0.5, 400.0, 400.0, 0.45);
        assert_relative_eq!(w, 400.0);
        assert_relative_eq!(h, 200.0);
        // Very flat data: at most 0.45 × width tall.
        assert_relative_eq!(fit_box(0.01, 400.0, 400.0, 0.45).1, 180.0);
        // Tall data: narrower, but at least 0.6 × height.
        assert_relative_eq!(fit_box(2.0, 400.0, 400.0, 0.45).0, 240.0);
        assert_relative_eq!(fit_box(1.2, 400.0, 400.0, 0.45).0, 400.0 / 1.2);
        assert_eq!(fit_box(f64::NAN, 300.0, 200.0, 0.45), (300.0, 200.0));
    }

    #[test]
    fn bounds_and_prefixes() {
        assert_eq!(padded_bounds([], 0.05), None);
        let (lo, hi) = padded_bounds([2.0, 2.0, 2.0], 0.0).unwrap();
        assert!(lo < 2.0 && hi > 2.0);
        let (lo, hi) = padded_bounds([0.0, 0.0], 0.0).unwrap();
        assert!(lo < 0.0 && hi > 0.0);
        assert_eq!(padded_bounds([-1e308, 1e308], 0.05), None);
        assert_eq!(engineering_prefix(1500.0), (1e3, "k"));
        assert_eq!(engineering_prefix(2.5e6), (1e6, "M"));
        assert_eq!(engineering_prefix(0.02), (1e-3, "m"));
        assert_eq!(engineering_prefix(12.0), (1.0, ""));
        assert_eq!(engineering_prefix(0.0), (1.0, ""));
        assert_eq!(engineering_prefix(1e-9), (1e-6, "µ"));
    }
}
