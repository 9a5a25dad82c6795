//! Layout tests (issue 22, item 3): the legend keeps off the data, curves stay inside their frames, points left
//! out of a fit look different and carry no model, and a width keeps the text size.

use super::{dense_grid, fit_plot, ArrheniusPlot, SpectrumPlot};
use crate::arrhenius::{fit_arrhenius, ArrheniusOptions, TemperatureUnit};
use crate::simulate::{log_frequencies, simulate, Noise};
use crate::{fit, Circuit, FitOptions};

/// The value of attribute `name` in the element text `el`.
fn attr(el: &str, name: &str) -> Option<f64> {
    let start = el.find(&format!(" {name}=\""))? + name.len() + 3;
    el[start..].split('"').next()?.parse().ok()
}

/// Every element `<tag ...>` of the document.
fn elements<'a>(svg: &'a str, tag: &str) -> Vec<&'a str> {
    svg.match_indices(&format!("<{tag} "))
        .map(|(i, _)| &svg[i..i + svg[i..].find('>').unwrap_or(0)])
        .collect()
}

/// A rectangle (x, y, width, height) in px.
type Box4 = (f64, f64, f64, f64);

fn rect(el: &str) -> Box4 {
    let g = |n| attr(el, n).unwrap_or(f64::NAN);
    (g("x"), g("y"), g("width"), g("height"))
}

fn inside((x, y, w, h): Box4, (px, py): (f64, f64), slack: f64) -> bool {
    px >= x - slack && px <= x + w + slack && py >= y - slack && py <= y + h + slack
}

/// The frames (`fill="none"` black rectangles) and the legend boxes (white, not the background) of a document.
fn frames_and_legends(svg: &str) -> (Vec<Box4>, Vec<Box4>) {
    let rects = elements(svg, "rect");
    let frames = rects
        .iter()
        .filter(|e| e.contains("fill=\"none\" stroke=\"#000000\""))
        .map(|e| rect(e))
        .collect();
    let legends = rects
        .iter()
        .filter(|e| e.contains("fill=\"#FFFFFF\"") && !e.contains("x=\"0\" y=\"0\""))
        .map(|e| rect(e))
        .collect();
    (frames, legends)
}

/// Centres of the data markers (circles) of a colour.
fn markers(svg: &str, colour: &str) -> Vec<(f64, f64)> {
    elements(svg, "circle")
        .into_iter()
        .filter(|e| e.contains(colour))
        .map(|e| (attr(e, "cx").unwrap_or(f64::NAN), attr(e, "cy").unwrap_or(f64::NAN)))
        .collect()
}

/// The vertices of every polyline drawn `stroke-width` wide.
fn polylines(svg: &str, stroke_width: u32) -> Vec<Vec<(f64, f64)>> {
    elements(svg, "polyline")
        .into_iter()
        .filter(|e| e.contains(&format!("stroke-width=\"{stroke_width}\"")))
        .map(|e| {
            let start = e.find("points=\"").map_or(e.len(), |i| i + 8);
            e[start..]
                .split('"')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|p| p.split_once(','))
                .filter_map(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?)))
                .collect()
        })
        .collect()
}

#[test]
fn points_left_out_of_a_fit_are_grey_and_have_no_model() {
    let c: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)".parse().unwrap();
    let params = [10.0, 100.0, 1e-7, 0.9, 200.0, 1e-4, 0.8];
    let f = log_frequencies(1e6, 0.01, 8).unwrap();
    let s = simulate(&c, &params, &f, Some(Noise::new(0.005, 3).unwrap())).unwrap();
    let options = FitOptions::default().with_fmin(0.1).with_excluded_range(4e3, 6e3);
    let report = fit(&c, &s, &options).unwrap();
    let used = options.fitted_points(&s);
    let left_out = used.iter().filter(|u| !**u).count();
    assert!(left_out >= 8, "{left_out}");
    let svg = fit_plot(&s, &c, &report).unwrap().render_nyquist().unwrap();
    // One grey hollow circle per point left out, and one in the legend.
    assert_eq!(markers(&svg, "stroke=\"#AAAAAA\"").len(), left_out + 1);
    assert!(svg.contains("not fitted"));
    // The model runs over the fitted frequencies only: as many vertices as the grid from 0.1 Hz up.
    let fitted: Vec<f64> = s
        .freq_hz()
        .iter()
        .zip(&used)
        .filter(|(_, u)| **u)
        .map(|(f, _)| *f)
        .collect();
    let (lo, hi) = fitted
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(a, b), &f| (a.min(f), b.max(f)));
    // The model runs over the fitted frequencies only, with a gap over the excluded band: the grid from the lowest
    // fitted frequency up, less its frequencies strictly between the fitted points around 4–6 kHz.
    let below = fitted.iter().copied().filter(|&f| f < 4e3).fold(0.0f64, f64::max);
    let above = fitted
        .iter()
        .copied()
        .filter(|&f| f > 6e3)
        .fold(f64::INFINITY, f64::min);
    let grid = dense_grid(lo, hi);
    let drawn = grid.iter().filter(|&&f| !(f > below && f < above)).count();
    let model: Vec<Vec<(f64, f64)>> = polylines(&svg, 2).into_iter().filter(|l| l.len() > 2).collect();
    assert_eq!(model.len(), 2, "{:?}", model.iter().map(Vec::len).collect::<Vec<_>>());
    assert_eq!(model.iter().map(Vec::len).sum::<usize>(), drawn);
    assert!(lo >= 0.1 && grid.len() < dense_grid(0.01, hi).len());
    // Without a selection nothing is grey.
    let all = fit(&c, &s, &FitOptions::default()).unwrap();
    let svg = fit_plot(&s, &c, &all).unwrap().render_nyquist().unwrap();
    assert!(markers(&svg, "stroke=\"#AAAAAA\"").is_empty() && !svg.contains("not fitted"));
}

#[test]
fn the_legend_takes_the_emptiest_corner_and_curves_stay_in_their_frames() {
    // Tall (a blocking tail), flat (a small arc on a large series resistance) and two-arc spectra.
    let cases: [(&str, &[f64]); 3] = [
        ("R0-p(R1,CPE1)-CPE2", &[10.0, 100.0, 1e-6, 0.9, 1e-4, 0.85]),
        ("R0-p(R1,C1)", &[1000.0, 300.0, 1e-6]),
        ("R0-p(R1,CPE1)-p(R2,CPE2)", &[10.0, 100.0, 1e-7, 0.9, 200.0, 1e-4, 0.8]),
    ];
    for (text, params) in cases {
        let c: Circuit = text.parse().unwrap();
        let f = log_frequencies(1e6, 0.01, 8).unwrap();
        let s = simulate(&c, params, &f, Some(Noise::new(0.005, 1).unwrap())).unwrap();
        let report = fit(&c, &s, &FitOptions::default().with_fmin(0.1)).unwrap();
        let plot = fit_plot(&s, &c, &report).unwrap();
        for svg in [plot.render_nyquist().unwrap(), plot.render_report().unwrap()] {
            let (frames, legends) = frames_and_legends(&svg);
            assert!(!frames.is_empty() && !legends.is_empty(), "{text}");
            let data: Vec<(f64, f64)> = markers(&svg, "stroke=\"#0072B2\"")
                .into_iter()
                .chain(markers(&svg, "stroke=\"#AAAAAA\""))
                .collect();
            for l in &legends {
                // A legend sample marker sits inside its own box; data markers do not.
                let covered = data.iter().filter(|p| inside(*l, **p, -1.0)).count();
                assert!(covered <= 2, "{text}: the legend {l:?} covers {covered} markers");
            }
            for line in polylines(&svg, 2) {
                for p in line {
                    assert!(
                        frames.iter().any(|fr| inside(*fr, p, 1.0)),
                        "{text}: {p:?} is off the axes"
                    );
                }
            }
        }
    }
}

#[test]
fn arrhenius_lines_stay_inside_and_the_legend_keeps_off_them() {
    let opts = ArrheniusOptions::default().with_temperature_unit(TemperatureUnit::Kelvin);
    let t: Vec<f64> = (0..6).map(|i| 263.15 + 10.0 * f64::from(i)).collect();
    let series = |ea: f64, k: f64| -> Vec<f64> {
        t.iter()
            .map(|t| t * k * (ea / (crate::consts::BOLTZMANN_EV_PER_K * t)).exp())
            .collect()
    };
    let (r1, r2) = (series(0.28, 1e-4), series(0.41, 1e-6));
    let f1 = fit_arrhenius(&t, &r1, None, &opts).unwrap();
    let f2 = fit_arrhenius(&t, &r2, None, &opts).unwrap();
    for (w, h) in [(640, 520), (440, 358)] {
        let svg = ArrheniusPlot::new()
            .with_size(w, h)
            .with_series("separator", &t, &r1, None, &f1)
            .unwrap()
            .with_series("interface", &t, &r2, None, &f2)
            .unwrap()
            .render()
            .unwrap();
        let (frames, legends) = frames_and_legends(&svg);
        let (frame, legend) = (frames[0], legends[0]);
        let lines: Vec<Vec<(f64, f64)>> = polylines(&svg, 2).into_iter().filter(|l| l.len() == 2).collect();
        for line in &lines {
            // The legend's own samples are short; the fitted lines cross the frame.
            if (line[1].0 - line[0].0).abs() < 40.0 {
                continue;
            }
            for &p in line {
                assert!(inside(frame, p, 1.0), "{w}: {p:?} outside {frame:?}");
                assert!(!inside(legend, p, 0.0), "{w}: the legend {legend:?} covers {p:?}");
            }
        }
    }
}

#[test]
fn a_width_keeps_the_text_size_and_the_height_follows() {
    let c: Circuit = "R0-p(R1,C1)".parse().unwrap();
    let s = simulate(&c, &[5.0, 50.0, 1e-6], &log_frequencies(1e5, 1.0, 8).unwrap(), None).unwrap();
    let narrow = SpectrumPlot::new(&s).with_width(440);
    let size = |svg: &str| {
        let el = elements(svg, "svg")[0];
        (attr(el, "width").unwrap_or(0.0), attr(el, "height").unwrap_or(0.0))
    };
    let (d, n) = (
        SpectrumPlot::new(&s).render_nyquist().unwrap(),
        narrow.render_nyquist().unwrap(),
    );
    let ((dw, dh), (nw, nh)) = (size(&d), size(&n));
    assert!((nw - 440.0).abs() < 0.5 && (dw - 680.0).abs() < 0.5);
    // The frame keeps the data's shape, so the height shrinks with the width.
    assert!(nh < dh, "{nh} vs {dh}");
    let font = |svg: &str| svg.contains("font-size=\"13.0");
    assert!(font(&d));
    assert_eq!(font(&d), font(&n));
    assert!((size(&narrow.render_report().unwrap()).0 - 440.0).abs() < 0.5);
}
