//! The DRT plot: γ against τ on a logarithmic axis, with its approximate credible band and the peaks marked.

use std::path::Path;

use super::axis::{padded_bounds, Axis};
use super::draw::{
    legend, line, marker, render, title, AxisText, Glyph, LegendEntry, Marker, Panel, Rect, GREY, MARGINS, PALETTE,
};
use super::{check_values, clamp_size, write_svg, PlotError};
use crate::drt::Drt;

/// A plot of a distribution of relaxation times: γ (Ω) against τ (s), the approximate 95 % band as two thin
/// lines, and a marker at each peak with its τ and resistance in the legend.
///
/// # Examples
/// ```
/// use eisfit::drt::{drt, DrtOptions};
/// use eisfit::plot::DrtPlot;
/// use eisfit::simulate::{log_frequencies, simulate};
/// use eisfit::Circuit;
///
/// let c: Circuit = "R0-Zarc1".parse()?;
/// let z = simulate(&c, &[10.0, 50.0, 1e-2, 0.8], &log_frequencies(1e5, 1e-2, 10)?, None)?;
/// let d = drt(&z, &DrtOptions::default())?;
/// let svg = DrtPlot::new(&d).with_title("ZARC").render()?;
/// assert!(svg.contains("γ / Ω") && svg.contains("τ / s"));
/// # Ok::<(), eisfit::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct DrtPlot<'a> {
    drt: &'a Drt,
    title: Option<String>,
    size: Option<(u32, u32)>,
}

impl<'a> DrtPlot<'a> {
    /// A plot of `drt`.
    #[must_use]
    pub fn new(drt: &'a Drt) -> Self {
        DrtPlot {
            drt,
            title: None,
            size: None,
        }
    }

    /// A title above the plot.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The image size in px (each side clamped to 200…8000); the default is 640 × 440.
    #[must_use]
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.size = Some(clamp_size(width, height));
        self
    }

    /// The plot as an SVG document.
    ///
    /// # Errors
    /// [`PlotError::NonFinite`] or [`PlotError::NonPositive`] for bad τ or γ values, [`PlotError::RangeOverflow`],
    /// [`PlotError::Render`].
    pub fn render(&self) -> Result<String, PlotError> {
        let d = self.drt;
        check_values("tau", d.tau_s.iter().copied(), true)?;
        check_values("gamma", d.gamma_ohm.iter().copied(), false)?;
        check_values("gamma band", d.gamma_upper_ohm.iter().copied(), false)?;
        let (w, h) = self.size.unwrap_or((640, 440));
        render((w, h), |c| {
            let top = match &self.title {
                Some(t) => title(c, t, f64::from(w)).map(|()| 32.0)?,
                None => 0.0,
            };
            let (l, t, r, b) = MARGINS;
            let plot = Rect {
                left: 0.0,
                top,
                width: f64::from(w),
                height: f64::from(h) - top,
            }
            .inset(l, t, r, b);
            self.draw(c, plot)
        })
    }

    /// Writes the plot to `path` as SVG.
    ///
    /// # Errors
    /// As [`render`](Self::render), and [`PlotError::Io`] if the file cannot be written.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        write_svg(path.as_ref(), &self.render()?)
    }

    fn draw(&self, c: &super::draw::Canvas<'_>, plot: Rect) -> Result<(), PlotError> {
        let d = self.drt;
        let hi = d
            .gamma_upper_ohm
            .iter()
            .chain(&d.gamma_ohm)
            .fold(0.0f64, |m, &v| m.max(v));
        let (_, y_hi) =
            padded_bounds([0.0, hi.max(f64::MIN_POSITIVE)], 0.06).ok_or(PlotError::RangeOverflow { what: "gamma" })?;
        let panel = Panel {
            plot,
            x: Axis::log(d.tau_s.iter().copied()),
            y: super::draw::fitted_linear((0.0, y_hi), plot.height, false),
        };
        let to = |ys: &[f64]| -> Vec<(i32, i32)> { d.tau_s.iter().zip(ys).map(|(&t, &g)| panel.to_px(t, g)).collect() };
        line(c, to(&d.gamma_lower_ohm), GREY, 1)?;
        line(c, to(&d.gamma_upper_ohm), GREY, 1)?;
        let curve = to(&d.gamma_ohm);
        line(c, curve.clone(), PALETTE[0], 2)?;
        let mut entries = vec![
            LegendEntry {
                label: "γ".into(),
                glyph: Glyph::Line { color: PALETTE[0] },
            },
            LegendEntry {
                label: "≈95 % band".into(),
                glyph: Glyph::Line { color: GREY },
            },
        ];
        let mut pts = curve;
        for (k, p) in d.peaks.iter().enumerate() {
            let colour = PALETTE[(k + 1) % PALETTE.len()];
            let shape = Marker::nth(k + 1);
            let at = panel.to_px(p.tau_s, p.gamma_ohm);
            marker(c, at, shape, colour, true)?;
            pts.push(at);
            entries.push(LegendEntry {
                label: format!("τ = {:.3e} s, R = {:.4} Ω", p.tau_s, p.r_ohm),
                glyph: Glyph::Marker {
                    shape,
                    color: colour,
                    filled: true,
                },
            });
        }
        panel.draw_axes(
            c,
            &AxisText {
                x_title: "τ / s",
                y_title: "γ / Ω",
                x_labels: true,
                top_ticks: true,
            },
        )?;
        legend(c, &panel, &entries, &pts)
    }
}
