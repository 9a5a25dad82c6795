//! Drawing on an SVG canvas: framed panels with inward ticks, markers, lines, text and legends.
//!
//! Plotters supplies the SVG backend and the primitive shapes; the layout (ticks, labels, equal scales, legend
//! placement) is ours, so that every panel looks the same and the layout logic stays testable.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{labels_fit, text_width, Axis};
use super::PlotError;

/// The canvas every plot draws on.
pub(crate) type Canvas<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Font stack written into the SVG; the viewer resolves it, so no font files are needed here.
const FONT: &str = "Helvetica, Arial, sans-serif";
/// Font sizes in px.
pub(crate) const TICK_FONT: f64 = super::axis::TICK_FONT_PX;
pub(crate) const LABEL_FONT: f64 = 15.0;
pub(crate) const LEGEND_FONT: f64 = 13.0;
pub(crate) const TITLE_FONT: f64 = 17.0;
/// Length of major and minor ticks in px (drawn inwards).
const MAJOR_TICK: f64 = 6.0;
const MINOR_TICK: f64 = 3.0;

/// Near-black for text and frames, a light grey for zero lines and legend borders.
pub(crate) const INK: RGBColor = RGBColor(0, 0, 0);
pub(crate) const GREY: RGBColor = RGBColor(150, 150, 150);

/// The Okabe–Ito colour-blind-safe palette, yellow left out (too faint on white).
pub(crate) const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(230, 159, 0),   // orange
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
];

/// Marker shapes, cycled per series so that the series stay distinguishable in greyscale.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

impl Marker {
    pub fn nth(i: usize) -> Marker {
        [Marker::Circle, Marker::Square, Marker::Triangle, Marker::Diamond][i % 4]
    }
}

/// A rectangle in pixels.
#[derive(Copy, Clone, Debug, PartialEq)]
pub(crate) struct Rect {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.left + self.width
    }
    pub fn bottom(&self) -> f64 {
        self.top + self.height
    }
    /// The rectangle shrunk by the given margins (left, top, right, bottom), never below 10 px a side.
    pub fn inset(&self, l: f64, t: f64, r: f64, b: f64) -> Rect {
        Rect {
            left: self.left + l,
            top: self.top + t,
            width: (self.width - l - r).max(10.0),
            height: (self.height - t - b).max(10.0),
        }
    }
    fn contains(&self, (x, y): (i32, i32)) -> bool {
        let (x, y) = (f64::from(x), f64::from(y));
        x >= self.left && x <= self.right() && y >= self.top && y <= self.bottom()
    }
}

/// Margins around the plotting area of a panel: room for tick labels and axis titles.
pub(crate) const MARGINS: (f64, f64, f64, f64) = (82.0, 14.0, 18.0, 54.0);

fn px(v: f64) -> i32 {
    // `as` saturates and maps NaN to 0, so no input can panic here.
    v.round() as i32
}

fn draw_err<E: std::error::Error + Send + Sync>(e: plotters::drawing::DrawingAreaErrorKind<E>) -> PlotError {
    PlotError::Render(e.to_string())
}

/// Draws `s` at `at` with the given anchor, size (px), colour and optional 270° rotation.
pub(crate) fn text(
    canvas: &Canvas<'_>,
    s: &str,
    at: (f64, f64),
    size_px: f64,
    anchor: (HPos, VPos),
    rotate: bool,
) -> Result<(), PlotError> {
    // why: plotters' SVG backend writes font-size = size / 1.24, so scale up to get `size_px` in the file.
    let mut style = FontDesc::new(FontFamily::Name(FONT), size_px * 1.24, FontStyle::Normal)
        .color(&INK)
        .pos(Pos::new(anchor.0, anchor.1));
    if rotate {
        style = style.transform(FontTransform::Rotate270);
    }
    canvas
        .draw(&Text::new(s, (px(at.0), px(at.1)), style))
        .map_err(draw_err)
}

/// A polyline through pixel points.
pub(crate) fn line(canvas: &Canvas<'_>, pts: Vec<(i32, i32)>, color: RGBColor, width: u32) -> Result<(), PlotError> {
    if pts.len() < 2 {
        return Ok(());
    }
    canvas
        .draw(&PathElement::new(pts, color.stroke_width(width)))
        .map_err(draw_err)
}

/// One marker centred on `c`: filled, or open with a white interior.
pub(crate) fn marker(
    canvas: &Canvas<'_>,
    c: (i32, i32),
    shape: Marker,
    color: RGBColor,
    filled: bool,
) -> Result<(), PlotError> {
    let style = if filled { color.filled() } else { color.stroke_width(1) };
    let (x, y) = c;
    let r = match shape {
        Marker::Circle => return canvas.draw(&Circle::new(c, 4, style)).map_err(draw_err),
        Marker::Square => {
            return canvas
                .draw(&Rectangle::new([(x - 3, y - 3), (x + 3, y + 3)], style))
                .map_err(draw_err)
        }
        Marker::Triangle => vec![(x, y - 5), (x + 4, y + 3), (x - 4, y + 3)],
        Marker::Diamond => vec![(x, y - 5), (x + 4, y), (x, y + 5), (x - 4, y)],
    };
    if filled {
        canvas.draw(&Polygon::new(r, style)).map_err(draw_err)
    } else {
        let mut closed = r.clone();
        closed.push(r[0]);
        canvas.draw(&PathElement::new(closed, style)).map_err(draw_err)
    }
}

/// A framed panel: its plotting area in pixels and its two axes.
#[derive(Clone, Debug)]
pub(crate) struct Panel {
    pub plot: Rect,
    pub x: Axis,
    pub y: Axis,
}

/// Titles and label switches for one panel's axes.
pub(crate) struct AxisText<'s> {
    pub x_title: &'s str,
    pub y_title: &'s str,
    /// Whether the bottom axis carries tick labels and its title (off for the upper panel of a stacked pair).
    pub x_labels: bool,
    /// Whether the top edge mirrors the bottom ticks (off when the top carries its own scale).
    pub top_ticks: bool,
}

impl Panel {
    /// Pixel position of a data point (may lie outside the plotting area for out-of-range values).
    pub fn to_px(&self, x: f64, y: f64) -> (i32, i32) {
        let fx = self.x.fraction(x);
        let fy = self.y.fraction(y);
        (
            px(self.plot.left + fx * self.plot.width),
            px(self.plot.bottom() - fy * self.plot.height),
        )
    }

    /// Whether the pixel point lies inside the plotting area (used to skip, e.g., zero-|Z| points on log axes).
    pub fn inside(&self, p: (i32, i32)) -> bool {
        self.plot.inset(-1.0, -1.0, -1.0, -1.0).contains(p)
    }

    /// The frame, inward ticks on all four sides, tick labels on the left and bottom, and the axis titles.
    pub fn draw_axes(&self, canvas: &Canvas<'_>, t: &AxisText<'_>) -> Result<(), PlotError> {
        let p = self.plot;
        let (l, r, top, b) = (p.left, p.right(), p.top, p.bottom());
        canvas
            .draw(&Rectangle::new([(px(l), px(top)), (px(r), px(b))], INK.stroke_width(1)))
            .map_err(draw_err)?;
        let x_ticks = self.x.ticks(p.width, true);
        for tick in &x_ticks {
            let f = self.x.fraction(tick.value);
            if !(-1e-9..=1.0 + 1e-9).contains(&f) {
                continue;
            }
            let xp = l + f * p.width;
            let len = if tick.major { MAJOR_TICK } else { MINOR_TICK };
            line(canvas, vec![(px(xp), px(b)), (px(xp), px(b - len))], INK, 1)?;
            if t.top_ticks {
                line(canvas, vec![(px(xp), px(top)), (px(xp), px(top + len))], INK, 1)?;
            }
            if let (true, Some(label)) = (t.x_labels, &tick.label) {
                text(
                    canvas,
                    label,
                    (xp, b + 6.0),
                    TICK_FONT,
                    (HPos::Center, VPos::Top),
                    false,
                )?;
            }
        }
        let y_ticks = self.y.ticks(p.height, false);
        let mut widest: f64 = 0.0;
        for tick in &y_ticks {
            let f = self.y.fraction(tick.value);
            if !(-1e-9..=1.0 + 1e-9).contains(&f) {
                continue;
            }
            let yp = b - f * p.height;
            let len = if tick.major { MAJOR_TICK } else { MINOR_TICK };
            line(canvas, vec![(px(l), px(yp)), (px(l + len), px(yp))], INK, 1)?;
            line(canvas, vec![(px(r), px(yp)), (px(r - len), px(yp))], INK, 1)?;
            // Labels at the very top or bottom would touch a panel stacked above or below.
            let clear = yp > top + 0.5 * TICK_FONT && yp < b - 0.5 * TICK_FONT;
            if let (true, Some(label)) = (clear, &tick.label) {
                widest = widest.max(text_width(label, TICK_FONT));
                text(
                    canvas,
                    label,
                    (l - 6.0, yp),
                    TICK_FONT,
                    (HPos::Right, VPos::Center),
                    false,
                )?;
            }
        }
        if t.x_labels {
            let y = b + 10.0 + 1.3 * TICK_FONT;
            text(
                canvas,
                t.x_title,
                (l + 0.5 * p.width, y),
                LABEL_FONT,
                (HPos::Center, VPos::Top),
                false,
            )?;
        }
        let x = (l - 14.0 - widest - 0.5 * LABEL_FONT).max(p.left - MARGINS.0 + 0.8 * LABEL_FONT);
        text(
            canvas,
            t.y_title,
            (x, top + 0.5 * p.height),
            LABEL_FONT,
            (HPos::Center, VPos::Center),
            true,
        )
    }

    /// A thin grey horizontal line at y = `y`, if it is inside the range.
    pub fn hline(&self, canvas: &Canvas<'_>, y: f64) -> Result<(), PlotError> {
        let f = self.y.fraction(y);
        if !(0.0..=1.0).contains(&f) {
            return Ok(());
        }
        let (a, b) = (self.to_px(self.x.lo, y), self.to_px(self.x.hi, y));
        line(canvas, vec![a, b], GREY, 1)
    }
}

/// How many labels fit along `len_px` when each needs about `per_label_px`.
pub(crate) fn max_labels(len_px: f64, per_label_px: f64) -> usize {
    ((len_px / per_label_px).floor() as usize).clamp(2, 12)
}

/// A linear axis over `bounds` with as many labels as fit along `len_px` without overlapping.
pub(crate) fn fitted_linear(bounds: (f64, f64), len_px: f64, horizontal: bool) -> Axis {
    let mut n = max_labels(len_px, if horizontal { 60.0 } else { 32.0 });
    loop {
        let axis = Axis::linear(bounds.0, bounds.1, n);
        if n <= 2 || labels_fit(&axis.ticks(len_px, horizontal), &axis, len_px, horizontal) {
            return axis;
        }
        n -= 1;
    }
}

/// What a legend entry shows next to its text.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Glyph {
    Marker {
        shape: Marker,
        color: RGBColor,
        filled: bool,
    },
    Line {
        color: RGBColor,
    },
    MarkerLine {
        shape: Marker,
        color: RGBColor,
        filled: bool,
    },
}

/// A legend entry.
#[derive(Clone, Debug)]
pub(crate) struct LegendEntry {
    pub label: String,
    pub glyph: Glyph,
}

/// Height of one legend row, in px.
const LEGEND_ROW: f64 = LEGEND_FONT * 1.45;

/// Height of a legend with `n` entries, in px, plus its distance from the frame.
pub(crate) fn legend_height(n: usize) -> f64 {
    LEGEND_ROW * n as f64 + 8.0 + 8.0
}

/// Draws the legend in the corner of the plotting area that hides the fewest of `points` (pixels); among those,
/// the one farthest from any point (the emptiest), and on a further tie the upper right, then upper left.
pub(crate) fn legend(
    canvas: &Canvas<'_>,
    panel: &Panel,
    entries: &[LegendEntry],
    points: &[(i32, i32)],
) -> Result<(), PlotError> {
    if entries.is_empty() {
        return Ok(());
    }
    let row = LEGEND_ROW;
    let glyph_w = 26.0;
    let text_w = entries.iter().map(|e| legend_text_width(&e.label)).fold(0.0, f64::max);
    let w = (8.0 + glyph_w + 6.0 + text_w + 8.0)
        .min(panel.plot.width - 12.0)
        .max(10.0);
    let h = (LEGEND_ROW * entries.len() as f64 + 8.0)
        .min(panel.plot.height - 12.0)
        .max(10.0);
    let p = panel.plot;
    let corners = [
        (p.right() - 8.0 - w, p.top + 8.0),
        (p.left + 8.0, p.top + 8.0),
        (p.right() - 8.0 - w, p.bottom() - 8.0 - h),
        (p.left + 8.0, p.bottom() - 8.0 - h),
    ];
    let hidden = |&(x, y): &(f64, f64)| {
        let r = Rect {
            left: x,
            top: y,
            width: w,
            height: h,
        };
        points.iter().filter(|q| r.contains(**q)).count()
    };
    // Among the corners that hide the fewest points, the one farthest from any point: the emptiest.
    let clearance = |&(x, y): &(f64, f64)| {
        points
            .iter()
            .map(|&(qx, qy)| {
                let dx = (x - f64::from(qx)).max(f64::from(qx) - (x + w)).max(0.0);
                let dy = (y - f64::from(qy)).max(f64::from(qy) - (y + h)).max(0.0);
                dx.hypot(dy)
            })
            .fold(f64::INFINITY, f64::min)
    };
    let (bx, by) = corners
        .iter()
        .copied()
        .min_by(|a, b| {
            hidden(a)
                .cmp(&hidden(b))
                .then(clearance(b).min(1e9).total_cmp(&clearance(a).min(1e9)))
        })
        .unwrap_or(corners[0]);
    canvas
        .draw(&Rectangle::new(
            [(px(bx), px(by)), (px(bx + w), px(by + h))],
            WHITE.filled(),
        ))
        .map_err(draw_err)?;
    canvas
        .draw(&Rectangle::new(
            [(px(bx), px(by)), (px(bx + w), px(by + h))],
            GREY.stroke_width(1),
        ))
        .map_err(draw_err)?;
    for (i, e) in entries.iter().enumerate() {
        let cy = by + 4.0 + row * (i as f64 + 0.5);
        let (gx0, gx1) = (bx + 8.0, bx + 8.0 + glyph_w);
        let mid = (px(0.5 * (gx0 + gx1)), px(cy));
        match e.glyph {
            Glyph::Marker { shape, color, filled } => marker(canvas, mid, shape, color, filled)?,
            Glyph::Line { color } => line(canvas, vec![(px(gx0), px(cy)), (px(gx1), px(cy))], color, 2)?,
            Glyph::MarkerLine { shape, color, filled } => {
                line(canvas, vec![(px(gx0), px(cy)), (px(gx1), px(cy))], color, 2)?;
                marker(canvas, mid, shape, color, filled)?;
            }
        }
        text(
            canvas,
            &e.label,
            (gx1 + 6.0, cy),
            LEGEND_FONT,
            (HPos::Left, VPos::Center),
            false,
        )?;
    }
    Ok(())
}

/// The width of a legend label: the wider of the Helvetica estimate and DejaVu Sans, the `sans-serif` most Linux
/// viewers fall back to (its digits, `±` and capitals are wider), so the box holds its text in either font.
fn legend_text_width(label: &str) -> f64 {
    let dejavu: f64 = label
        .chars()
        .map(|c| match c {
            '.' | ',' | ':' | ';' | ' ' | '·' | '\'' => 0.32,
            'i' | 'l' | 'j' | '|' => 0.28,
            '(' | ')' | '[' | ']' | '/' | '′' | '″' => 0.4,
            '±' | '×' | '=' | '+' | '−' | '<' | '>' => 0.84,
            'm' | 'M' | 'W' | '—' => 0.98,
            'w' | 'Ω' => 0.82,
            '⁰'..='⁹' | '¹' | '²' | '³' | '⁻' => 0.4,
            c if c.is_ascii_digit() => 0.64,
            c if c.is_uppercase() => 0.74,
            _ => 0.62,
        })
        .sum::<f64>()
        * LEGEND_FONT;
    text_width(label, LEGEND_FONT).max(dejavu)
}

/// Renders a `width` × `height` SVG document: white background, then whatever `paint` draws.
pub(crate) fn render(
    (width, height): (u32, u32),
    paint: impl FnOnce(&Canvas<'_>) -> Result<(), PlotError>,
) -> Result<String, PlotError> {
    let mut buf = String::new();
    {
        let canvas = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        canvas.fill(&WHITE).map_err(draw_err)?;
        paint(&canvas)?;
        canvas.present().map_err(draw_err)?;
    }
    Ok(buf)
}

/// A title centred above the panels.
pub(crate) fn title(canvas: &Canvas<'_>, s: &str, width: f64) -> Result<(), PlotError> {
    text(
        canvas,
        s,
        (0.5 * width, 10.0),
        TITLE_FONT,
        (HPos::Center, VPos::Top),
        false,
    )
}
