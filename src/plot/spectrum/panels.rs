//! The panels of [`SpectrumPlot`]: Nyquist, |Z|, phase and residuals, and the layout helpers they share.

use num_complex::Complex64;
use plotters::style::RGBColor;

use super::{Residuals, SpectrumPlot};
use crate::plot::axis::{engineering_prefix, equal_aspect, fit_box, labels_fit, nice_step, padded_bounds, Axis, Scale};
use crate::plot::draw::{
    fitted_linear, legend, legend_height, line, marker, title, AxisText, Canvas, Glyph, LegendEntry, Marker, Panel,
    Rect, MARGINS, PALETTE,
};
use crate::plot::PlotError;

/// The colour of points left out of the fit: a light grey that reads as "not part of it" next to the palette.
const EXCLUDED: RGBColor = RGBColor(170, 170, 170);

impl SpectrumPlot<'_> {
    pub(super) fn has_residuals(&self) -> bool {
        self.series.iter().any(|s| s.residuals.is_some())
    }

    /// Draws the title, if any, and returns the height it takes.
    pub(super) fn draw_title(&self, c: &Canvas<'_>, width: u32) -> Result<f64, PlotError> {
        match &self.title {
            Some(t) => title(c, t, f64::from(width)).map(|()| TITLE_SPACE),
            None => Ok(0.0),
        }
    }

    /// Colours of data and model of series `i`.
    pub(super) fn colours(&self, i: usize) -> (RGBColor, RGBColor) {
        let data = PALETTE[i % PALETTE.len()];
        let model = if self.series.len() == 1 { PALETTE[1] } else { data };
        (data, model)
    }

    /// Legend entries: data and model separately for a single spectrum; one entry per spectrum (its marker on
    /// its line) for several, which keeps the legend short.
    pub(super) fn entries(&self) -> Vec<LegendEntry> {
        let mut out = Vec::new();
        let single = self.series.len() == 1;
        for (i, s) in self.series.iter().enumerate() {
            let (dc, mc) = self.colours(i);
            let shape = Marker::nth(i);
            let glyph = if s.model.is_some() && !single {
                Glyph::MarkerLine {
                    shape,
                    color: dc,
                    filled: false,
                }
            } else {
                Glyph::Marker {
                    shape,
                    color: dc,
                    filled: false,
                }
            };
            out.push(LegendEntry {
                label: s.label.clone(),
                glyph,
            });
            if let (true, Some(m)) = (single, &s.model) {
                out.push(LegendEntry {
                    label: m.label.clone(),
                    glyph: Glyph::Line { color: mc },
                });
            }
        }
        if self.series.iter().any(|s| s.fitted.is_some()) {
            out.push(LegendEntry {
                label: "not fitted".to_owned(),
                glyph: Glyph::Marker {
                    shape: Marker::Circle,
                    color: EXCLUDED,
                    filled: false,
                },
            });
        }
        out
    }

    /// Draws data markers and model lines given a mapping from (f, Z) to plot coordinates; returns the marker
    /// positions for legend placement.
    pub(super) fn draw_series(
        &self,
        c: &Canvas<'_>,
        panel: &Panel,
        map: impl Fn(f64, Complex64) -> (f64, f64),
    ) -> Result<Vec<(i32, i32)>, PlotError> {
        let mut pts = Vec::new();
        for (i, s) in self.series.iter().enumerate() {
            let (_, mc) = self.colours(i);
            if let Some(m) = &s.model {
                let gaps = s.gaps();
                let in_gap = |f: f64| gaps.iter().any(|&(lo, hi)| f > lo && f < hi);
                // The curve in pieces: none across a run of points left out between fitted ones.
                let mut piece: Vec<(i32, i32)> = Vec::new();
                for (&f, &z) in m.freq_hz.iter().zip(&m.z) {
                    if in_gap(f) {
                        if piece.len() > 1 {
                            pts.extend(piece.iter().step_by(4));
                            line(c, std::mem::take(&mut piece), mc, 2)?;
                        }
                        piece.clear();
                        continue;
                    }
                    let (x, y) = map(f, z);
                    piece.push(panel.to_px(x, y));
                }
                if piece.len() > 1 {
                    pts.extend(piece.iter().step_by(4));
                    line(c, piece, mc, 2)?;
                }
            }
        }
        for (i, s) in self.series.iter().enumerate() {
            let (dc, _) = self.colours(i);
            for (k, (&f, &z)) in s.spectrum.freq_hz().iter().zip(s.spectrum.z()).enumerate() {
                let (x, y) = map(f, z);
                let p = panel.to_px(x, y);
                if panel.inside(p) {
                    let fitted = s.fitted.as_ref().is_none_or(|m| m.get(k).copied().unwrap_or(true));
                    if fitted {
                        marker(c, p, Marker::nth(i), dc, false)?;
                    } else {
                        marker(c, p, Marker::Circle, EXCLUDED, false)?;
                    }
                    pts.push(p);
                }
            }
        }
        Ok(pts)
    }

    /// All (f, Z) pairs of data and models.
    pub(super) fn all_points(&self) -> impl Iterator<Item = (f64, Complex64)> + '_ {
        self.series.iter().flat_map(|s| {
            let data = s.spectrum.freq_hz().iter().copied().zip(s.spectrum.z().iter().copied());
            let model = s
                .model
                .iter()
                .flat_map(|m| m.freq_hz.iter().copied().zip(m.z.iter().copied()));
            data.chain(model)
        })
    }

    /// The engineering scale and prefix of the Nyquist axes and the padded data bounds (x, y) in scaled units,
    /// with headroom above the data for the legend in a frame about `width_px` wide.
    pub(super) fn nyquist_bounds(&self, width_px: f64) -> Result<NyquistBounds, PlotError> {
        let max_abs = self
            .all_points()
            .map(|(_, z)| z.re.abs().max(z.im.abs()))
            .fold(0.0, f64::max);
        let (scale, prefix) = engineering_prefix(max_abs);
        let overflow = || PlotError::RangeOverflow { what: "impedance" };
        let xs = padded_bounds(self.all_points().map(|(_, z)| z.re / scale), 0.0).ok_or_else(overflow)?;
        let ys = padded_bounds(self.all_points().map(|(_, z)| -z.im / scale).chain([0.0]), 0.0).ok_or_else(overflow)?;
        // Pad both axes by the same length, a fraction of the larger span, so that equal scales stay equal.
        let pad = 0.05 * (xs.1 - xs.0).max(ys.1 - ys.0);
        let x = (xs.0 - pad, xs.1 + pad);
        // why: Nyquist data are usually flat and wide, so a legend in any corner would cover them; the headroom is
        // the legend's height at the scale the x range sets.
        let headroom = (legend_height(self.entries().len()) + 12.0) * (x.1 - x.0) / width_px.max(1.0);
        Ok(NyquistBounds {
            scale,
            prefix,
            x,
            y: (ys.0 - pad, ys.1 + pad + headroom),
        })
    }

    pub(super) fn nyquist(&self, c: &Canvas<'_>, outer: Rect) -> Result<(), PlotError> {
        let cell = inset(outer);
        let b = self.nyquist_bounds(cell.width)?;
        // Shrink the frame towards the data's own aspect ratio (within limits), centred in its cell.
        let (w, h) = fit_box(b.aspect(), cell.width, cell.height, MIN_ASPECT);
        let plot = Rect {
            left: cell.left + 0.5 * (cell.width - w),
            top: cell.top + 0.5 * (cell.height - h),
            width: w,
            height: h,
        };
        let (xr, yr) = equal_aspect(b.x, b.y, plot.width, plot.height);
        let per_px = (xr.1 - xr.0) / plot.width;
        let step = equal_step(xr, yr, per_px, plot);
        let axis = |(lo, hi): (f64, f64)| Axis {
            lo,
            hi,
            scale: Scale::Linear,
            step,
        };
        let panel = Panel {
            plot,
            x: axis(xr),
            y: axis(yr),
        };
        let scale = b.scale;
        let pts = self.draw_series(c, &panel, |_, z| (z.re / scale, -z.im / scale))?;
        let (xt, yt) = (format!("Z′ / {}Ω", b.prefix), format!("−Z″ / {}Ω", b.prefix));
        panel.draw_axes(
            c,
            &AxisText {
                x_title: &xt,
                y_title: &yt,
                x_labels: true,
                top_ticks: true,
            },
        )?;
        legend(c, &panel, &self.entries(), &pts)
    }

    /// The default image size of a stand-alone Nyquist plot: 680 px wide (or the width set), as tall as the data's
    /// aspect needs.
    pub(super) fn nyquist_size(&self) -> Result<(u32, u32), PlotError> {
        let (l, t, r, bm) = MARGINS;
        let width = self.width.unwrap_or(680);
        let w = f64::from(width) - l - r;
        let b = self.nyquist_bounds(w)?;
        let (_, h) = fit_box(b.aspect(), w, w, MIN_ASPECT);
        let title = if self.title.is_some() { TITLE_SPACE } else { 0.0 };
        Ok((width, (h + t + bm + title).round() as u32))
    }

    pub(super) fn freq_axis(&self) -> Axis {
        Axis::log(self.all_points().map(|(f, _)| f))
    }

    /// |Z| against f, log–log. Under three decades of |Z| the axis is scaled to mΩ, kΩ, … like the Nyquist plot,
    /// because its labels are then plain numbers.
    pub(super) fn magnitude(
        &self,
        c: &Canvas<'_>,
        plot: Rect,
        x_labels: bool,
        with_legend: bool,
    ) -> Result<(), PlotError> {
        let mut y = Axis::log(self.all_points().map(|(_, z)| z.norm()));
        let (mut scale, mut prefix) = (1.0, "");
        if (y.hi / y.lo).log10() < 3.0 {
            (scale, prefix) = engineering_prefix(self.all_points().map(|(_, z)| z.norm()).fold(0.0, f64::max));
            y = Axis::log(self.all_points().map(|(_, z)| z.norm() / scale));
        }
        let panel = Panel {
            plot,
            x: self.freq_axis(),
            y,
        };
        let pts = self.draw_series(c, &panel, |f, z| (f, z.norm() / scale))?;
        let y_title = format!("|Z| / {prefix}Ω");
        panel.draw_axes(
            c,
            &AxisText {
                x_title: "f / Hz",
                y_title: &y_title,
                x_labels,
                top_ticks: true,
            },
        )?;
        if with_legend {
            legend(c, &panel, &self.entries(), &pts)?;
        }
        Ok(())
    }

    pub(super) fn phase(&self, c: &Canvas<'_>, plot: Rect) -> Result<(), PlotError> {
        let neg_phase = |z: Complex64| -z.arg().to_degrees();
        let bounds = padded_bounds(self.all_points().map(|(_, z)| neg_phase(z)).chain([0.0]), 0.06)
            .ok_or(PlotError::RangeOverflow { what: "phase" })?;
        let panel = Panel {
            plot,
            x: self.freq_axis(),
            y: fitted_linear(bounds, plot.height, false),
        };
        self.draw_series(c, &panel, |f, z| (f, neg_phase(z)))?;
        panel.draw_axes(
            c,
            &AxisText {
                x_title: "f / Hz",
                y_title: "−φ / °",
                x_labels: true,
                top_ticks: true,
            },
        )
    }

    pub(super) fn residuals(&self, c: &Canvas<'_>, outer: Rect) -> Result<(), PlotError> {
        let plot = inset(outer);
        let with_res: Vec<(usize, &Residuals)> = self
            .series
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.residuals.as_ref().map(|r| (i, r)))
            .collect();
        let percent = |v: f64| 100.0 * v;
        let max = with_res
            .iter()
            .flat_map(|(_, r)| r.real.iter().chain(&r.imag))
            .map(|v| percent(*v).abs())
            .fold(0.0, f64::max);
        let bounds = padded_bounds([-max, max], 0.1).ok_or(PlotError::RangeOverflow { what: "residual" })?;
        let panel = Panel {
            plot,
            x: Axis::log(with_res.iter().flat_map(|(_, r)| r.freq_hz.iter().copied())),
            y: fitted_linear(bounds, plot.height, false),
        };
        panel.hline(c, 0.0)?;
        let mut pts = Vec::new();
        let mut entries = Vec::new();
        let single = with_res.len() == 1;
        for &(i, r) in &with_res {
            let (re_c, im_c) = if single {
                (PALETTE[0], PALETTE[1])
            } else {
                let col = PALETTE[i % PALETTE.len()];
                (col, col)
            };
            let shape = Marker::nth(i);
            let suffix = if single {
                String::new()
            } else {
                format!(" {}", self.series[i].label)
            };
            for (values, colour, filled, name) in [(&r.real, re_c, true, "Z′"), (&r.imag, im_c, false, "Z″")] {
                let path: Vec<(i32, i32)> = r
                    .freq_hz
                    .iter()
                    .zip(values)
                    .map(|(&f, &v)| panel.to_px(f, percent(v)))
                    .collect();
                line(c, path.clone(), colour, 1)?;
                for p in path {
                    marker(c, p, shape, colour, filled)?;
                    pts.push(p);
                }
                entries.push(LegendEntry {
                    label: format!("{name}{suffix}"),
                    glyph: Glyph::Marker {
                        shape,
                        color: colour,
                        filled,
                    },
                });
            }
        }
        panel.draw_axes(
            c,
            &AxisText {
                x_title: "f / Hz",
                y_title: "Residual / %",
                x_labels: true,
                top_ticks: true,
            },
        )?;
        legend(c, &panel, &entries, &pts)
    }
}

/// The flattest frame of a Nyquist plot in its own cell: height ≥ 0.35 × width (the ranges widen beyond).
pub(super) const MIN_ASPECT: f64 = 0.35;

/// Height of the report's lower row (Bode and residual panels), in px.
pub(super) const REPORT_ROW: f64 = 330.0;

/// Height reserved for a title, in px.
pub(super) const TITLE_SPACE: f64 = 32.0;

/// Bounds of a Nyquist plot in scaled units, with the scale (Ω per unit) and its prefix.
pub(super) struct NyquistBounds {
    scale: f64,
    prefix: &'static str,
    x: (f64, f64),
    y: (f64, f64),
}

impl NyquistBounds {
    /// The y span over the x span.
    pub(super) fn aspect(&self) -> f64 {
        (self.y.1 - self.y.0) / (self.x.1 - self.x.0)
    }
}

/// The drawing area below a title of height `top`.
pub(super) fn full(w: u32, h: u32, top: f64) -> Rect {
    Rect {
        left: 0.0,
        top,
        width: f64::from(w),
        height: f64::from(h) - top,
    }
}

/// The plotting area inside a panel's margins.
pub(super) fn inset(outer: Rect) -> Rect {
    let (l, t, r, b) = MARGINS;
    outer.inset(l, t, r, b)
}

/// Splits a panel vertically: the upper `frac` and the rest.
pub(super) fn split(outer: Rect, frac: f64) -> (Rect, Rect) {
    let h = outer.height * frac;
    (
        Rect { height: h, ..outer },
        Rect {
            top: outer.top + h,
            height: outer.height - h,
            ..outer
        },
    )
}

/// Plotting areas of two stacked panels sharing the x axis: no gap and no x labels between them.
pub(super) fn stacked(outer: Rect) -> (Rect, Rect) {
    let (l, t, r, b) = MARGINS;
    let inner = outer.inset(l, t, r, b);
    let h = 0.5 * inner.height;
    (
        Rect { height: h, ..inner },
        Rect {
            top: inner.top + h,
            height: inner.height - h,
            ..inner
        },
    )
}

/// The smallest nice step, common to both axes of an equal-scale plot, whose labels do not overlap on either.
pub(super) fn equal_step(xr: (f64, f64), yr: (f64, f64), per_px: f64, plot: Rect) -> f64 {
    // At least 50 px between ticks; then grow until the (wider) x labels fit too.
    let mut step = nice_step(50.0 * per_px, 1);
    for _ in 0..12 {
        let x = Axis {
            lo: xr.0,
            hi: xr.1,
            scale: Scale::Linear,
            step,
        };
        let y = Axis {
            lo: yr.0,
            hi: yr.1,
            ..x
        };
        if labels_fit(&x.ticks(plot.width, true), &x, plot.width, true)
            && labels_fit(&y.ticks(plot.height, false), &y, plot.height, false)
        {
            break;
        }
        step = nice_step(step * 1.01, 1);
    }
    step
}
