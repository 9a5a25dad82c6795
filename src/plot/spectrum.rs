//! Nyquist, Bode, residual and report plots of one or more spectra.

use std::path::Path;

use num_complex::Complex64;
use plotters::style::RGBColor;

use super::axis::{engineering_prefix, equal_aspect, fit_box, labels_fit, nice_step, padded_bounds, Axis, Scale};
use super::draw::{
    fitted_linear, legend, legend_height, line, marker, render, title, AxisText, Canvas, Glyph, LegendEntry, Marker,
    Panel, Rect, MARGINS, PALETTE,
};
use super::{check_len, check_values, clamp_size, write_svg, PlotError};
use crate::spectrum::Spectrum;

/// A model curve: the impedance of a (fitted) circuit on a frequency grid.
#[derive(Clone, Debug)]
struct Model {
    freq_hz: Vec<f64>,
    z: Vec<Complex64>,
    label: String,
}

/// Relative residuals (fractions) of the real and imaginary parts.
#[derive(Clone, Debug)]
struct Residuals {
    freq_hz: Vec<f64>,
    real: Vec<f64>,
    imag: Vec<f64>,
}

#[derive(Clone, Debug)]
struct Series<'a> {
    spectrum: &'a Spectrum,
    label: String,
    model: Option<Model>,
    residuals: Option<Residuals>,
}

/// Plots of one or more impedance spectra, each with an optional model curve and residuals.
///
/// The builder starts with one spectrum; [`with_spectrum`](Self::with_spectrum) overlays more (a temperature
/// series, say). [`with_label`](Self::with_label), [`with_model`](Self::with_model) and
/// [`with_residuals`](Self::with_residuals) apply to the spectrum added last. With a single spectrum the data are
/// blue and the model vermillion; with several, each spectrum and its model share a colour and a marker shape.
///
/// # Examples
/// Two spectra overlaid, each with its model curve:
/// ```
/// use eisfit::plot::SpectrumPlot;
/// use eisfit::simulate::{log_frequencies, simulate};
/// use eisfit::Circuit;
///
/// let c: Circuit = "R0-p(R1,C1)".parse()?;
/// let f = log_frequencies(1e5, 1.0, 8)?;
/// let cold = simulate(&c, &[20.0, 300.0, 1e-6], &f, None)?;
/// let warm = simulate(&c, &[15.0, 120.0, 1e-6], &f, None)?;
/// let svg = SpectrumPlot::new(&cold)
///     .with_label("0 °C")
///     .with_model(cold.freq_hz(), cold.z(), "fit 0 °C")?
///     .with_spectrum(&warm, "25 °C")
///     .with_model(warm.freq_hz(), warm.z(), "fit 25 °C")?
///     .render_nyquist()?;
/// assert!(svg.contains("25 °C") && svg.contains("Z′ / Ω"));
/// # Ok::<(), eisfit::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SpectrumPlot<'a> {
    series: Vec<Series<'a>>,
    title: Option<String>,
    size: Option<(u32, u32)>,
}

impl<'a> SpectrumPlot<'a> {
    /// A plot of `spectrum`, labelled "data" in the legend.
    #[must_use]
    pub fn new(spectrum: &'a Spectrum) -> Self {
        SpectrumPlot {
            series: vec![Series {
                spectrum,
                label: "data".to_owned(),
                model: None,
                residuals: None,
            }],
            title: None,
            size: None,
        }
    }

    /// Overlays another spectrum with its legend label. Later `with_model`/`with_residuals` calls apply to it.
    #[must_use]
    pub fn with_spectrum(mut self, spectrum: &'a Spectrum, label: impl Into<String>) -> Self {
        self.series.push(Series {
            spectrum,
            label: label.into(),
            model: None,
            residuals: None,
        });
        self
    }

    /// Sets the legend label of the spectrum added last.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        if let Some(s) = self.series.last_mut() {
            s.label = label.into();
        }
        self
    }

    /// A title above the plot.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The size of the whole image in px (each side clamped to 200…8000). The defaults are 680 px wide and as tall as the data need (Nyquist),
    /// 640 × 640 (Bode), 640 × 340 (residuals) and 1120 × 860 (report). Fonts keep their size, so a smaller image
    /// has relatively larger text.
    #[must_use]
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.size = Some(clamp_size(width, height));
        self
    }

    /// Adds a model curve to the spectrum added last, drawn as a line: `z[i]` (Ω, true sign) at `freq_hz[i]` (Hz).
    /// Evaluate the fitted circuit on a grid denser than the data for a smooth curve.
    ///
    /// `label` names the line in the legend when a single spectrum is plotted; with several spectra the legend
    /// has one entry per spectrum, showing its marker on its line.
    ///
    /// # Errors
    /// [`PlotError::Empty`], [`PlotError::LengthMismatch`], [`PlotError::NonFinite`] for a NaN or infinite
    /// frequency or impedance, [`PlotError::NonPositive`] for a frequency ≤ 0.
    pub fn with_model(mut self, freq_hz: &[f64], z: &[Complex64], label: impl Into<String>) -> Result<Self, PlotError> {
        const WHAT: &str = "model";
        if freq_hz.is_empty() {
            return Err(PlotError::Empty { what: WHAT });
        }
        check_len(WHAT, freq_hz.len(), z.len())?;
        check_values(WHAT, freq_hz.iter().copied(), true)?;
        check_values(WHAT, z.iter().map(|z| z.re), false)?;
        check_values(WHAT, z.iter().map(|z| z.im), false)?;
        if let Some(s) = self.series.last_mut() {
            s.model = Some(Model {
                freq_hz: freq_hz.to_vec(),
                z: z.to_vec(),
                label: label.into(),
            });
        }
        Ok(self)
    }

    /// Adds relative residuals of the spectrum added last, as fractions (0.01 is plotted as 1 %), for example
    /// (Z′ − Z′_model)/|Z_model| and (Z″ − Z″_model)/|Z_model|.
    ///
    /// # Errors
    /// [`PlotError::Empty`], [`PlotError::LengthMismatch`], [`PlotError::NonFinite`], and
    /// [`PlotError::NonPositive`] for a frequency ≤ 0.
    pub fn with_residuals(mut self, freq_hz: &[f64], real: &[f64], imag: &[f64]) -> Result<Self, PlotError> {
        if freq_hz.is_empty() {
            return Err(PlotError::Empty { what: "residuals" });
        }
        check_len("real residuals", freq_hz.len(), real.len())?;
        check_len("imaginary residuals", freq_hz.len(), imag.len())?;
        check_values("residual frequencies", freq_hz.iter().copied(), true)?;
        check_values("real residuals", real.iter().copied(), false)?;
        check_values("imaginary residuals", imag.iter().copied(), false)?;
        if let Some(s) = self.series.last_mut() {
            s.residuals = Some(Residuals {
                freq_hz: freq_hz.to_vec(),
                real: real.to_vec(),
                imag: imag.to_vec(),
            });
        }
        Ok(self)
    }

    /// The Nyquist plot as an SVG document.
    ///
    /// # Errors
    /// [`PlotError::RangeOverflow`] for impedances too large to compute a range with, [`PlotError::Render`].
    pub fn render_nyquist(&self) -> Result<String, PlotError> {
        let (w, h) = match self.size {
            Some(size) => size,
            None => self.nyquist_size()?,
        };
        render((w, h), |c| {
            let top = self.draw_title(c, w)?;
            self.nyquist(c, full(w, h, top))
        })
    }

    /// Writes the Nyquist plot (Z′ against −Z″, equal scales) to `path` as SVG.
    ///
    /// # Errors
    /// As [`render_nyquist`](Self::render_nyquist), and [`PlotError::Io`] if the file cannot be written.
    pub fn write_nyquist(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        write_svg(path.as_ref(), &self.render_nyquist()?)
    }

    /// The Bode plot as an SVG document.
    ///
    /// # Errors
    /// [`PlotError::Render`].
    pub fn render_bode(&self) -> Result<String, PlotError> {
        let (w, h) = self.size.unwrap_or((640, 640));
        render((w, h), |c| {
            let top = self.draw_title(c, w)?;
            let (upper, lower) = stacked(full(w, h, top));
            self.magnitude(c, upper, false, true)?;
            self.phase(c, lower)
        })
    }

    /// Writes the Bode plot to `path`: |Z| against f (log–log) above −φ against f, sharing the frequency axis.
    ///
    /// # Errors
    /// As [`render_bode`](Self::render_bode), and [`PlotError::Io`].
    pub fn write_bode(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        write_svg(path.as_ref(), &self.render_bode()?)
    }

    /// The residual plot as an SVG document.
    ///
    /// # Errors
    /// [`PlotError::NoResiduals`] if no spectrum has residuals, [`PlotError::Render`].
    pub fn render_residuals(&self) -> Result<String, PlotError> {
        if !self.has_residuals() {
            return Err(PlotError::NoResiduals);
        }
        let (w, h) = self.size.unwrap_or((640, 340));
        render((w, h), |c| {
            let top = self.draw_title(c, w)?;
            self.residuals(c, full(w, h, top))
        })
    }

    /// Writes the relative residuals (%) of the real and imaginary parts against frequency to `path`.
    ///
    /// # Errors
    /// As [`render_residuals`](Self::render_residuals), and [`PlotError::Io`].
    pub fn write_residuals(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        write_svg(path.as_ref(), &self.render_residuals()?)
    }

    /// The combined report as an SVG document.
    ///
    /// # Errors
    /// As [`render_nyquist`](Self::render_nyquist).
    pub fn render_report(&self) -> Result<String, PlotError> {
        let (w, h) = match self.size {
            Some(size) => size,
            None => self.report_size()?,
        };
        render((w, h), |c| {
            let top = self.draw_title(c, w)?;
            let area = full(w, h, top);
            let (upper, lower) = split(area, (area.height - REPORT_ROW).max(0.4 * area.height) / area.height);
            self.nyquist(c, upper)?;
            let n = if self.has_residuals() { 3.0 } else { 2.0 };
            let cell = |i: f64| Rect {
                left: lower.left + i * lower.width / n,
                width: lower.width / n,
                ..lower
            };
            self.magnitude(c, inset(cell(0.0)), true, false)?;
            self.phase(c, inset(cell(1.0)))?;
            if self.has_residuals() {
                self.residuals(c, cell(2.0))?;
            }
            Ok(())
        })
    }

    /// The default report size: 1120 px wide; the Nyquist row as tall as the data's aspect needs.
    fn report_size(&self) -> Result<(u32, u32), PlotError> {
        let (l, t, r, bm) = MARGINS;
        let w = 1120.0 - l - r;
        let b = self.nyquist_bounds(w)?;
        let (_, h) = fit_box((b.y.1 - b.y.0) / (b.x.1 - b.x.0), w, 0.5 * w, 0.35);
        let title = if self.title.is_some() { TITLE_SPACE } else { 0.0 };
        Ok((1120, (h + t + bm + REPORT_ROW + title).round() as u32))
    }

    /// Writes one SVG with all panels: the Nyquist plot across the top; Bode |Z|, −φ and, when there are any,
    /// the residuals side by side below it. This is the plot `eisfit fit --plot` writes.
    ///
    /// # Errors
    /// As [`render_report`](Self::render_report), and [`PlotError::Io`].
    pub fn write_report(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        write_svg(path.as_ref(), &self.render_report()?)
    }

    fn has_residuals(&self) -> bool {
        self.series.iter().any(|s| s.residuals.is_some())
    }

    /// Draws the title, if any, and returns the height it takes.
    fn draw_title(&self, c: &Canvas<'_>, width: u32) -> Result<f64, PlotError> {
        match &self.title {
            Some(t) => title(c, t, f64::from(width)).map(|()| TITLE_SPACE),
            None => Ok(0.0),
        }
    }

    /// Colours of data and model of series `i`.
    fn colours(&self, i: usize) -> (RGBColor, RGBColor) {
        let data = PALETTE[i % PALETTE.len()];
        let model = if self.series.len() == 1 { PALETTE[1] } else { data };
        (data, model)
    }

    /// Legend entries: data and model separately for a single spectrum; one entry per spectrum (its marker on
    /// its line) for several, which keeps the legend short.
    fn entries(&self) -> Vec<LegendEntry> {
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
        out
    }

    /// Draws data markers and model lines given a mapping from (f, Z) to plot coordinates; returns the marker
    /// positions for legend placement.
    fn draw_series(
        &self,
        c: &Canvas<'_>,
        panel: &Panel,
        map: impl Fn(f64, Complex64) -> (f64, f64),
    ) -> Result<Vec<(i32, i32)>, PlotError> {
        let mut pts = Vec::new();
        for (i, s) in self.series.iter().enumerate() {
            let (_, mc) = self.colours(i);
            if let Some(m) = &s.model {
                let path: Vec<(i32, i32)> = m
                    .freq_hz
                    .iter()
                    .zip(&m.z)
                    .map(|(&f, &z)| map(f, z))
                    .map(|(x, y)| panel.to_px(x, y))
                    .collect();
                pts.extend(path.iter().step_by(4));
                line(c, path, mc, 2)?;
            }
        }
        for (i, s) in self.series.iter().enumerate() {
            let (dc, _) = self.colours(i);
            for (&f, &z) in s.spectrum.freq_hz().iter().zip(s.spectrum.z()) {
                let (x, y) = map(f, z);
                let p = panel.to_px(x, y);
                if panel.inside(p) {
                    marker(c, p, Marker::nth(i), dc, false)?;
                    pts.push(p);
                }
            }
        }
        Ok(pts)
    }

    /// All (f, Z) pairs of data and models.
    fn all_points(&self) -> impl Iterator<Item = (f64, Complex64)> + '_ {
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
    fn nyquist_bounds(&self, width_px: f64) -> Result<NyquistBounds, PlotError> {
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

    fn nyquist(&self, c: &Canvas<'_>, outer: Rect) -> Result<(), PlotError> {
        let cell = inset(outer);
        let b = self.nyquist_bounds(cell.width)?;
        // Shrink the frame towards the data's own aspect ratio (within limits), centred in its cell.
        let (w, h) = fit_box((b.y.1 - b.y.0) / (b.x.1 - b.x.0), cell.width, cell.height, MIN_ASPECT);
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

    /// The default image size of a stand-alone Nyquist plot: 680 px wide, as tall as the data's aspect needs.
    fn nyquist_size(&self) -> Result<(u32, u32), PlotError> {
        let (l, t, r, bm) = MARGINS;
        let w = 680.0 - l - r;
        let b = self.nyquist_bounds(w)?;
        let (_, h) = fit_box((b.y.1 - b.y.0) / (b.x.1 - b.x.0), w, w, MIN_ASPECT);
        let title = if self.title.is_some() { TITLE_SPACE } else { 0.0 };
        Ok((680, (h + t + bm + title).round() as u32))
    }

    fn freq_axis(&self) -> Axis {
        Axis::log(self.all_points().map(|(f, _)| f))
    }

    /// |Z| against f, log–log. Under three decades of |Z| the axis is scaled to mΩ, kΩ, … like the Nyquist plot,
    /// because its labels are then plain numbers.
    fn magnitude(&self, c: &Canvas<'_>, plot: Rect, x_labels: bool, with_legend: bool) -> Result<(), PlotError> {
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

    fn phase(&self, c: &Canvas<'_>, plot: Rect) -> Result<(), PlotError> {
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

    fn residuals(&self, c: &Canvas<'_>, outer: Rect) -> Result<(), PlotError> {
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
const MIN_ASPECT: f64 = 0.35;

/// Height of the report's lower row (Bode and residual panels), in px.
const REPORT_ROW: f64 = 330.0;

/// Height reserved for a title, in px.
const TITLE_SPACE: f64 = 32.0;

/// Bounds of a Nyquist plot in scaled units, with the scale (Ω per unit) and its prefix.
struct NyquistBounds {
    scale: f64,
    prefix: &'static str,
    x: (f64, f64),
    y: (f64, f64),
}

/// The drawing area below a title of height `top`.
fn full(w: u32, h: u32, top: f64) -> Rect {
    Rect {
        left: 0.0,
        top,
        width: f64::from(w),
        height: f64::from(h) - top,
    }
}

/// The plotting area inside a panel's margins.
fn inset(outer: Rect) -> Rect {
    let (l, t, r, b) = MARGINS;
    outer.inset(l, t, r, b)
}

/// Splits a panel vertically: the upper `frac` and the rest.
fn split(outer: Rect, frac: f64) -> (Rect, Rect) {
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
fn stacked(outer: Rect) -> (Rect, Rect) {
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
fn equal_step(xr: (f64, f64), yr: (f64, f64), per_px: f64, plot: Rect) -> f64 {
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
