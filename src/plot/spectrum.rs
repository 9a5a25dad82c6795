//! Nyquist, Bode, residual and report plots of one or more spectra.

use std::path::Path;

use num_complex::Complex64;

use super::axis::fit_box;
use super::draw::{render, Rect, MARGINS};
use super::{check_len, check_values, clamp_size, write_svg, PlotError};
use crate::spectrum::Spectrum;

mod panels;

use panels::{full, inset, split, stacked, REPORT_ROW, TITLE_SPACE};

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
    /// Per point: whether it was fitted (`None`: all were). Points left out are drawn hollow and grey.
    fitted: Option<Vec<bool>>,
}

impl Series<'_> {
    /// Open frequency intervals (Hz) the model is not drawn over: from the fitted point below to the fitted point
    /// above each run of points left out between fitted ones.
    fn gaps(&self) -> Vec<(f64, f64)> {
        let Some(fitted) = &self.fitted else {
            return Vec::new();
        };
        let mut by_f: Vec<(f64, bool)> = self
            .spectrum
            .freq_hz()
            .iter()
            .copied()
            .zip(fitted.iter().copied())
            .collect();
        by_f.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut gaps = Vec::new();
        let mut below: Option<f64> = None;
        let mut excluded_since = false;
        for (f, used) in by_f {
            if used {
                if let (Some(lo), true) = (below, excluded_since) {
                    gaps.push((lo, f));
                }
                below = Some(f);
                excluded_since = false;
            } else {
                excluded_since = true;
            }
        }
        gaps
    }
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
    /// A width with automatic height, from [`with_width`](Self::with_width).
    width: Option<u32>,
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
                fitted: None,
            }],
            title: None,
            size: None,
            width: None,
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
            fitted: None,
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

    /// The size of the whole image in px (each side clamped to 200…8000). By default the Nyquist plot is 680 px
    /// and the report 1120 px wide, each as tall as the shape of the Nyquist data needs; the Bode plot is 640 × 640
    /// and the residual plot 640 × 340. Fonts keep their size, so a smaller image has relatively larger text.
    #[must_use]
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.size = Some(clamp_size(width, height));
        self
    }

    /// The width of the image in px (clamped to 200…8000), its height following as by default: the shape of the
    /// Nyquist data for the Nyquist plot and the report, square for the Bode plot, 17:32 for the residuals. Fonts
    /// keep their size in px, so a narrower image reads larger once scaled to the width of a page: about 440 px
    /// for a plot one journal column wide (8.5 cm), 900 px for a report two columns wide, keeps 13 px tick labels
    /// at 7 pt or more.
    #[must_use]
    pub fn with_width(mut self, width: u32) -> Self {
        self.width = Some(width.clamp(200, 8000));
        self.size = None;
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

    /// Marks which points of the spectrum added last were fitted (`true`) and which were left out of the fit
    /// (`false`: outside `--fmin`/`--fmax`, excluded, inductive), as [`FitOptions::fitted_points`] gives them.
    /// Points left out are drawn as small grey hollow markers, with their own legend entry, so that they do not
    /// pass for fitted data.
    ///
    /// [`FitOptions::fitted_points`]: crate::FitOptions::fitted_points
    ///
    /// # Errors
    /// [`PlotError::LengthMismatch`] unless there is one flag per point of the spectrum.
    pub fn with_fitted_points(mut self, fitted: &[bool]) -> Result<Self, PlotError> {
        if let Some(s) = self.series.last_mut() {
            check_len("fitted points", s.spectrum.len(), fitted.len())?;
            s.fitted = (!fitted.iter().all(|&f| f)).then(|| fitted.to_vec());
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
        let (w, h) = self.size.unwrap_or_else(|| self.width.map_or((640, 640), |w| (w, w)));
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
        let (w, h) = self.size.unwrap_or_else(|| {
            self.width
                .map_or((640, 340), |w| (w, (f64::from(w) * 0.53).round() as u32))
        });
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
            let row = self.report_row(w);
            let (upper, lower) = split(area, (area.height - row).max(0.4 * area.height) / area.height);
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

    /// The default report size: 1120 px wide (or the width set); the Nyquist row as tall as the data's aspect
    /// needs, the lower row [`REPORT_ROW`] tall, or as tall as its panels are wide when they are narrower.
    fn report_size(&self) -> Result<(u32, u32), PlotError> {
        let (l, t, r, bm) = MARGINS;
        let width = self.width.unwrap_or(1120);
        let w = f64::from(width) - l - r;
        let b = self.nyquist_bounds(w)?;
        let (_, h) = fit_box(b.aspect(), w, 0.5 * w, 0.35);
        let title = if self.title.is_some() { TITLE_SPACE } else { 0.0 };
        Ok((width, (h + t + bm + self.report_row(width) + title).round() as u32))
    }

    /// Height of the report's lower row for an image `width` px wide: [`REPORT_ROW`], less for narrow images so
    /// that its panels stay about square.
    fn report_row(&self, width: u32) -> f64 {
        let n = if self.has_residuals() { 3.0 } else { 2.0 };
        REPORT_ROW.min(f64::from(width) / n + 40.0)
    }

    /// Writes one SVG with all panels: the Nyquist plot across the top; Bode |Z|, −φ and, when there are any,
    /// the residuals side by side below it. This is the plot `eisfit fit --plot` writes.
    ///
    /// # Errors
    /// As [`render_report`](Self::render_report), and [`PlotError::Io`].
    pub fn write_report(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        write_svg(path.as_ref(), &self.render_report()?)
    }
}
