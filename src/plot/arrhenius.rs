//! Arrhenius plots: linearised values against 1000/T with error bars, fitted lines and activation energies.

use std::path::Path;

use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{format_linear, nice_step, padded_bounds, text_width};
use super::draw::{
    fitted_linear, legend, legend_height, line, marker, max_labels, render, text, title, AxisText, Canvas, Glyph,
    LegendEntry, Marker, Panel, Rect, INK, LABEL_FONT, MARGINS, PALETTE, TICK_FONT,
};
use super::{check_len, check_values, clamp_size, write_svg, PlotError};
use crate::arrhenius::{linearise, ArrheniusFit, ArrheniusLaw, Quantity};
use crate::consts::ZERO_CELSIUS_K;

/// One quantity of a temperature series, linearised, with its fitted line.
#[derive(Clone, Debug)]
struct Series {
    label: String,
    /// 1000/T in 1/K.
    x: Vec<f64>,
    /// The linearised values, e.g. ln(R/T).
    y: Vec<f64>,
    /// Standard errors of `y` (first order: σ_v / v).
    y_err: Option<Vec<f64>>,
    temperatures_k: Vec<f64>,
    slope_k: f64,
    intercept: f64,
    ea_ev: f64,
    ea_ev_err: f64,
    law: (ArrheniusLaw, Quantity),
}

/// An Arrhenius plot: one or more quantities (say "separator" and "interface"), each as points with error bars
/// and its fitted line, against 1000/T, with E_A ± its standard error in the legend and a °C scale on top.
///
/// The y axis is the fitted law's linear form: ln(R/T), ln(σT), ln R or ln σ (see [`crate::arrhenius`]).
///
/// # Examples
/// ```
/// use eisfit::arrhenius::{fit_arrhenius, ArrheniusOptions, TemperatureUnit};
/// use eisfit::plot::ArrheniusPlot;
///
/// let t_k: [f64; 6] = [263.15, 273.15, 283.15, 293.15, 303.15, 313.15];
/// let r: Vec<f64> = t_k.iter().map(|t| t * 2e-6 * (0.28 / (8.617333e-5 * t)).exp()).collect();
/// let err: Vec<f64> = r.iter().map(|r| 0.02 * r).collect();
/// let opts = ArrheniusOptions::default().with_temperature_unit(TemperatureUnit::Kelvin);
/// let fit = fit_arrhenius(&t_k, &r, Some(&err), &opts)?;
/// let svg = ArrheniusPlot::new()
///     .with_series("separator", &t_k, &r, Some(&err), &fit)?
///     .render()?;
/// assert!(svg.contains("separator") && svg.contains("1000/T / K⁻¹"));
/// # Ok::<(), eisfit::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct ArrheniusPlot {
    series: Vec<Series>,
    title: Option<String>,
    y_title: Option<String>,
    size: Option<(u32, u32)>,
}

impl ArrheniusPlot {
    /// An empty plot; add quantities with [`with_series`](Self::with_series).
    #[must_use]
    pub fn new() -> Self {
        ArrheniusPlot::default()
    }

    /// Adds a quantity: temperatures in **K**, the measured values (resistances or conductivities), their optional
    /// standard errors, and the fit made from them (its law and quantity decide the y axis).
    ///
    /// # Errors
    /// [`PlotError::Empty`], [`PlotError::LengthMismatch`], [`PlotError::NonFinite`], [`PlotError::NonPositive`]
    /// for a temperature, value or standard error ≤ 0, and [`PlotError::MixedLaws`] if `fit` used a different
    /// law or quantity than the series added before.
    pub fn with_series(
        mut self,
        label: impl Into<String>,
        temperatures_k: &[f64],
        values: &[f64],
        stderr: Option<&[f64]>,
        fit: &ArrheniusFit,
    ) -> Result<Self, PlotError> {
        let label = label.into();
        if temperatures_k.is_empty() {
            return Err(PlotError::Empty { what: "temperatures" });
        }
        check_len("values", temperatures_k.len(), values.len())?;
        check_values("temperatures", temperatures_k.iter().copied(), true)?;
        check_values("values", values.iter().copied(), true)?;
        if let Some(e) = stderr {
            check_len("standard errors", temperatures_k.len(), e.len())?;
            check_values("standard errors", e.iter().copied(), true)?;
        }
        let law = (fit.law(), fit.quantity());
        if self.series.first().is_some_and(|s| s.law != law) {
            return Err(PlotError::MixedLaws { label });
        }
        let y: Vec<f64> = temperatures_k
            .iter()
            .zip(values)
            .map(|(&t, &v)| linearise(law.0, law.1, t, v))
            .collect();
        check_values("values", y.iter().copied(), false)?;
        self.series.push(Series {
            label,
            x: temperatures_k.iter().map(|t| 1000.0 / t).collect(),
            y,
            y_err: stderr.map(|e| e.iter().zip(values).map(|(e, v)| e / v).collect()),
            temperatures_k: temperatures_k.to_vec(),
            slope_k: fit.slope_k(),
            intercept: fit.intercept(),
            ea_ev: fit.activation_energy_ev(),
            ea_ev_err: fit.activation_energy_ev_stderr(),
            law,
        });
        Ok(self)
    }

    /// A title above the plot.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Replaces the default y-axis title (such as "ln(R/T)"), for example to add units: "ln(R/T / Ω K⁻¹)".
    #[must_use]
    pub fn with_y_title(mut self, y_title: impl Into<String>) -> Self {
        self.y_title = Some(y_title.into());
        self
    }

    /// The image size in px (each side clamped to 200…8000); the default is 640 × 520.
    #[must_use]
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.size = Some(clamp_size(width, height));
        self
    }

    /// The plot as an SVG document.
    ///
    /// # Errors
    /// [`PlotError::NoSeries`] without series, [`PlotError::RangeOverflow`], [`PlotError::Render`].
    pub fn render(&self) -> Result<String, PlotError> {
        let Some(first) = self.series.first() else {
            return Err(PlotError::NoSeries);
        };
        let (w, h) = self.size.unwrap_or((640, 520));
        let y_title = self
            .y_title
            .clone()
            .unwrap_or_else(|| default_y_title(first.law).to_owned());
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
            .inset(l, t + 44.0, r, b);
            self.draw(c, plot, &y_title)
        })
    }

    /// Writes the plot to `path` as SVG.
    ///
    /// # Errors
    /// As [`render`](Self::render), and [`PlotError::Io`] if the file cannot be written.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        write_svg(path.as_ref(), &self.render()?)
    }

    fn draw(&self, c: &Canvas<'_>, plot: Rect, y_title: &str) -> Result<(), PlotError> {
        let xs = padded_bounds(self.series.iter().flat_map(|s| s.x.iter().copied()), 0.06)
            .ok_or(PlotError::RangeOverflow { what: "1000/T" })?;
        // The data with their error bars and the ends of the fitted lines: nothing is drawn off the axes.
        let ys = padded_bounds(
            self.series.iter().flat_map(|s| {
                let err = |i: usize| s.y_err.as_ref().map_or(0.0, |e| e[i]);
                let line = s.x.iter().map(|&x| s.intercept + s.slope_k * x / 1000.0);
                (0..s.y.len())
                    .flat_map(move |i| [s.y[i] - err(i), s.y[i] + err(i)])
                    .chain(line)
            }),
            0.08,
        )
        .ok_or(PlotError::RangeOverflow { what: "Arrhenius" })?;
        // why: the legend spans most of the width, so no corner is free of data in general; room above the data,
        // the legend's height, keeps it off the points and lines.
        let head = ((legend_height(self.series.len()) + 12.0) / plot.height).min(0.5);
        let ys = (ys.0, ys.1 + (ys.1 - ys.0) * head / (1.0 - head));
        let panel = Panel {
            plot,
            x: fitted_linear(xs, plot.width, true),
            y: fitted_linear(ys, plot.height, false),
        };
        let mut pts = Vec::new();
        let mut entries = Vec::new();
        for (i, s) in self.series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let shape = Marker::nth(i);
            // The fitted line over the series' own temperature range: y = a + b/T = a + b·x/1000.
            let (x0, x1) =
                s.x.iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
            let at = |x: f64| panel.to_px(x, s.intercept + s.slope_k * x / 1000.0);
            line(c, vec![at(x0), at(x1)], colour, 2)?;
            // Points along the line, so that the legend avoids it as it avoids the markers.
            pts.extend((0..=20).map(|k| at(x0 + (x1 - x0) * f64::from(k) / 20.0)));
            for (k, (&x, &y)) in s.x.iter().zip(&s.y).enumerate() {
                let p = panel.to_px(x, y);
                if let Some(e) = &s.y_err {
                    let (lo, hi) = (panel.to_px(x, y - e[k]), panel.to_px(x, y + e[k]));
                    line(c, vec![lo, hi], colour, 1)?;
                    line(c, vec![(lo.0 - 3, lo.1), (lo.0 + 3, lo.1)], colour, 1)?;
                    line(c, vec![(hi.0 - 3, hi.1), (hi.0 + 3, hi.1)], colour, 1)?;
                }
                marker(c, p, shape, colour, true)?;
                pts.push(p);
            }
            entries.push(LegendEntry {
                label: format!("{}: Eₐ = {}", s.label, format_ev(s.ea_ev, s.ea_ev_err)),
                glyph: Glyph::MarkerLine {
                    shape,
                    color: colour,
                    filled: true,
                },
            });
        }
        panel.draw_axes(
            c,
            &AxisText {
                x_title: "1000/T / K⁻¹",
                y_title,
                x_labels: true,
                top_ticks: false,
            },
        )?;
        self.celsius_axis(c, &panel)?;
        legend(c, &panel, &entries, &pts)
    }

    /// Ticks in °C along the top edge, at round temperatures inside the data's range.
    fn celsius_axis(&self, c: &Canvas<'_>, panel: &Panel) -> Result<(), PlotError> {
        let temps = self.series.iter().flat_map(|s| s.temperatures_k.iter().copied());
        let (t_lo, t_hi) = temps.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| (a.min(t), b.max(t)));
        // The full visible range in °C: the axis ends, where they are positive x (finite temperatures).
        let t_at = |x: f64| if x > 0.0 { 1000.0 / x } else { f64::INFINITY };
        let (c_lo, c_hi) = (
            t_at(panel.x.hi).min(t_lo) - ZERO_CELSIUS_K,
            t_at(panel.x.lo).max(t_hi).min(1e6) - ZERO_CELSIUS_K,
        );
        let plot = panel.plot;
        let mut n = max_labels(plot.width, 60.0);
        let ticks = loop {
            let step = nice_step((t_hi - t_lo).max(1e-9), n);
            let k0 = (c_lo / step).ceil();
            let k1 = (c_hi / step).floor();
            let mut ticks = Vec::new();
            if k1 - k0 < 100.0 {
                let mut k = k0;
                while k <= k1 {
                    let t_c = k * step;
                    let f = panel.x.fraction(1000.0 / (t_c + ZERO_CELSIUS_K));
                    if (0.0..=1.0).contains(&f) && t_c + ZERO_CELSIUS_K > 0.0 {
                        ticks.push((plot.left + f * plot.width, format_linear(t_c, step)));
                    }
                    k += 1.0;
                }
            }
            // Labels get closer together towards high temperatures (left); check every neighbouring pair.
            ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
            let fits = ticks.windows(2).all(|w| {
                w[1].0 - w[0].0 > 0.5 * (text_width(&w[0].1, TICK_FONT) + text_width(&w[1].1, TICK_FONT)) + 10.0
            });
            if fits || n <= 2 {
                break ticks;
            }
            n -= 1;
        };
        let top = plot.top;
        for (x, label) in &ticks {
            line(
                c,
                vec![(x.round() as i32, top as i32), (x.round() as i32, (top + 6.0) as i32)],
                INK,
                1,
            )?;
            text(
                c,
                label,
                (*x, top - 5.0),
                TICK_FONT,
                (HPos::Center, VPos::Bottom),
                false,
            )?;
        }
        text(
            c,
            "T / °C",
            (plot.left + 0.5 * plot.width, top - 10.0 - 1.3 * TICK_FONT),
            LABEL_FONT,
            (HPos::Center, VPos::Bottom),
            false,
        )
    }
}

fn default_y_title(law: (ArrheniusLaw, Quantity)) -> &'static str {
    match law {
        (ArrheniusLaw::TPrefactor, Quantity::Resistance) => "ln(R/T)",
        (ArrheniusLaw::TPrefactor, Quantity::Conductivity) => "ln(σT)",
        (ArrheniusLaw::Plain, Quantity::Resistance) => "ln R",
        (ArrheniusLaw::Plain, Quantity::Conductivity) => "ln σ",
    }
}

/// "0.281 ± 0.004 eV", with the decimals set by the standard error (two significant digits of it, at most six).
pub(crate) fn format_ev(ea: f64, err: f64) -> String {
    let decimals = if err.is_finite() && err > 0.0 {
        ((1.0 - err.log10().floor()).max(0.0) as usize).clamp(2, 6)
    } else {
        3
    };
    format!("{ea:.decimals$} ± {err:.decimals$} eV").replace('-', "\u{2212}")
}
