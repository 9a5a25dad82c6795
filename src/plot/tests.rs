//! Rendering tests: valid SVG, labels, one marker per point, errors instead of panics.

use num_complex::Complex64;

use super::{ArrheniusPlot, PlotError, SpectrumPlot};
use crate::arrhenius::{fit_arrhenius, ArrheniusLaw, ArrheniusOptions, TemperatureUnit};
use crate::simulate::{log_frequencies, simulate, Noise};
use crate::{Circuit, Spectrum};

const CIRCUIT: &str = "R0-p(R1,CPE1)-p(R2,CPE2)";
const PARAMS: [f64; 7] = [5.471, 8.206, 1.437e-6, 0.85, 5.968, 1.502e-5, 0.9];

fn circuit() -> Circuit {
    CIRCUIT.parse().unwrap()
}

fn measured() -> Spectrum {
    let f = log_frequencies(1e6, 1.0, 10).unwrap();
    simulate(&circuit(), &PARAMS, &f, Some(Noise::new(0.005, 1).unwrap())).unwrap()
}

fn model() -> (Vec<f64>, Vec<Complex64>) {
    let f = log_frequencies(1e6, 1.0, 40).unwrap();
    let z = circuit().impedance(&PARAMS, &f).unwrap();
    (f, z)
}

/// The measured spectrum with its model and relative residuals.
fn full_plot(s: &Spectrum) -> SpectrumPlot<'_> {
    let (f, z) = model();
    let clean = circuit().impedance(&PARAMS, s.freq_hz()).unwrap();
    let (re, im): (Vec<f64>, Vec<f64>) = s
        .z()
        .iter()
        .zip(&clean)
        .map(|(d, m)| ((d.re - m.re) / m.norm(), (d.im - m.im) / m.norm()))
        .unzip();
    SpectrumPlot::new(s)
        .with_title("test")
        .with_model(&f, &z, "fit")
        .unwrap()
        .with_residuals(s.freq_hz(), &re, &im)
        .unwrap()
}

fn count(svg: &str, needle: &str) -> usize {
    svg.matches(needle).count()
}

fn assert_valid(svg: &str) {
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(!svg.contains("NaN") && !svg.contains("\"inf") && !svg.contains("\"-inf"));
}

#[test]
fn nyquist_has_labels_legend_and_one_circle_per_point() {
    let s = measured();
    let svg = full_plot(&s).render_nyquist().unwrap();
    assert_valid(&svg);
    for text in ["Z′ / Ω", "−Z″ / Ω", "data", "fit", "test"] {
        assert!(svg.contains(text), "missing {text}");
    }
    // One circle per data point plus the legend's sample marker.
    assert_eq!(count(&svg, "<circle"), s.len() + 1);
    assert!(svg.contains("<polyline"));
}

#[test]
fn bode_residuals_and_report_have_their_panels() {
    let s = measured();
    let n = s.len();
    let plot = full_plot(&s);
    let bode = plot.render_bode().unwrap();
    assert_valid(&bode);
    for text in ["|Z| / Ω", "−φ / °", "f / Hz", "10⁶"] {
        assert!(bode.contains(text), "missing {text}");
    }
    assert_eq!(count(&bode, "<circle"), 2 * n + 1);

    let res = plot.render_residuals().unwrap();
    assert_valid(&res);
    assert!(res.contains("Residual / %") && res.contains("Z′") && res.contains("Z″"));
    assert_eq!(count(&res, "<circle"), 2 * n + 2);

    let report = plot.render_report().unwrap();
    assert_valid(&report);
    for text in ["Z′ / Ω", "|Z| / Ω", "−φ / °", "Residual / %"] {
        assert!(report.contains(text), "missing {text}");
    }
    // Nyquist, |Z|, phase, real and imaginary residuals, and two legends (Nyquist: 1 marker, residuals: 2).
    assert_eq!(count(&report, "<circle"), 5 * n + 3);

    let no_res = SpectrumPlot::new(&s);
    assert!(matches!(no_res.render_residuals(), Err(PlotError::NoResiduals)));
    assert!(no_res.render_report().is_ok());
}

#[test]
fn writes_files_and_reports_unwritable_paths() {
    let s = measured();
    let plot = full_plot(&s);
    let dir = tempfile::tempdir().unwrap();
    for (name, result) in [
        ("n.svg", plot.write_nyquist(dir.path().join("n.svg"))),
        ("b.svg", plot.write_bode(dir.path().join("b.svg"))),
        ("r.svg", plot.write_residuals(dir.path().join("r.svg"))),
        ("all.svg", plot.write_report(dir.path().join("all.svg"))),
    ] {
        result.unwrap();
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(text.starts_with("<svg"));
    }
    let bad = dir.path().join("no/such/dir/plot.svg");
    let err = plot.write_nyquist(&bad).unwrap_err();
    assert!(matches!(err, PlotError::Io { ref path, .. } if path == &bad));
    assert!(err.to_string().contains("plot.svg"));
}

#[test]
fn invalid_model_and_residual_arrays_are_errors() {
    let s = measured();
    let z = vec![Complex64::new(1.0, -1.0); 3];
    let nan = |e: Result<SpectrumPlot<'_>, PlotError>| e.unwrap_err();
    assert!(matches!(
        nan(SpectrumPlot::new(&s).with_model(&[1.0, 2.0, 3.0], &[Complex64::new(f64::NAN, 0.0); 3], "m")),
        PlotError::NonFinite { index: 0, .. }
    ));
    assert!(matches!(
        nan(SpectrumPlot::new(&s).with_model(&[1.0, 2.0], &z, "m")),
        PlotError::LengthMismatch {
            expected: 2,
            found: 3,
            ..
        }
    ));
    assert!(matches!(
        nan(SpectrumPlot::new(&s).with_model(&[1.0, -2.0, 3.0], &z, "m")),
        PlotError::NonPositive { index: 1, .. }
    ));
    assert!(matches!(
        nan(SpectrumPlot::new(&s).with_model(&[], &[], "m")),
        PlotError::Empty { .. }
    ));
    assert!(matches!(
        nan(SpectrumPlot::new(&s).with_residuals(&[1.0, 2.0], &[0.0, f64::INFINITY], &[0.0, 0.0])),
        PlotError::NonFinite { index: 1, .. }
    ));
    assert!(matches!(
        nan(SpectrumPlot::new(&s).with_residuals(&[1.0, 2.0], &[0.0], &[0.0, 0.0])),
        PlotError::LengthMismatch { .. }
    ));
}

fn render_all(plot: &SpectrumPlot<'_>) {
    for svg in [plot.render_nyquist(), plot.render_bode(), plot.render_report()] {
        assert_valid(&svg.unwrap());
    }
}

#[test]
fn degenerate_spectra_do_not_panic() {
    let f = vec![1e3, 1e2, 1e1];
    for z in [
        Complex64::new(10.0, -2.0), // all points equal
        Complex64::new(0.0, 0.0),   // zero impedance: no |Z| on a log axis
        Complex64::new(5.0, 0.0),   // purely real
        Complex64::new(1e-300, -1e-300),
        Complex64::new(1e300, -1e300),
    ] {
        let s = Spectrum::new(f.clone(), vec![z; 3]).unwrap();
        render_all(&SpectrumPlot::new(&s));
        let res = SpectrumPlot::new(&s).with_residuals(&f, &[0.0; 3], &[0.0; 3]).unwrap();
        assert_valid(&res.render_residuals().unwrap());
    }
    // Values at the ends of the f64 range: an SVG or an error, not a panic.
    let s = Spectrum::new(
        f.clone(),
        vec![
            Complex64::new(-1.7e308, 0.0),
            Complex64::new(1.7e308, -1.7e308),
            Complex64::new(0.0, 0.0),
        ],
    )
    .unwrap();
    let plot = SpectrumPlot::new(&s);
    for svg in [plot.render_nyquist(), plot.render_bode(), plot.render_report()] {
        match svg {
            Ok(svg) => assert_valid(&svg),
            Err(e) => assert!(matches!(e, PlotError::RangeOverflow { .. })),
        }
    }
    // Frequencies across the whole f64 range.
    let s = Spectrum::new(vec![1e-300, 1.0, 1e300], vec![Complex64::new(1.0, -1.0); 3]).unwrap();
    render_all(&SpectrumPlot::new(&s));
    // A tiny image still renders.
    render_all(&SpectrumPlot::new(&s).with_size(1, 1));
}

#[test]
fn large_values_get_engineering_prefixes_and_inductive_points_plot_below_zero() {
    let c: Circuit = "p(R1,CPE1)".parse().unwrap();
    let f = log_frequencies(1e7, 1.0, 5).unwrap();
    let s = simulate(&c, &[2.3e6, 5e-12, 0.92], &f, None).unwrap();
    let svg = SpectrumPlot::new(&s).render_nyquist().unwrap();
    assert!(svg.contains("Z′ / MΩ") && svg.contains("−Z″ / MΩ"));

    let c: Circuit = "L0-R0-p(R1,C1)".parse().unwrap();
    let f = log_frequencies(1e6, 1.0, 5).unwrap();
    let s = simulate(&c, &[1e-9, 0.01, 0.02, 0.1], &f, None).unwrap();
    assert!(s.z().iter().any(|z| z.im > 0.0));
    let svg = SpectrumPlot::new(&s).render_nyquist().unwrap();
    assert!(svg.contains("Z′ / mΩ"));
    // Negative −Z″ tick labels use the typographic minus.
    assert!(svg.contains(">\n\u{2212}"));
}

#[test]
fn overlays_label_each_spectrum() {
    let c = circuit();
    let f = log_frequencies(1e6, 1.0, 6).unwrap();
    let a = simulate(&c, &PARAMS, &f, None).unwrap();
    let mut p2 = PARAMS;
    p2[1] *= 2.0;
    let b = simulate(&c, &p2, &f, None).unwrap();
    let svg = SpectrumPlot::new(&a)
        .with_label("25 °C")
        .with_model(a.freq_hz(), a.z(), "fit")
        .unwrap()
        .with_spectrum(&b, "0 °C & dry")
        .render_nyquist()
        .unwrap();
    assert_valid(&svg);
    // Labels are escaped; the first series uses circles, the second squares.
    assert!(svg.contains("25 °C") && svg.contains("0 °C &amp; dry"));
    assert_eq!(count(&svg, "<circle"), a.len() + 1);
}

fn arrhenius_data(ea: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let t_k: Vec<f64> = (0..6).map(|i| 253.15 + 15.0 * f64::from(i)).collect();
    let r: Vec<f64> = t_k
        .iter()
        .enumerate()
        .map(|(i, t)| t * 1e-6 * (ea / (crate::consts::BOLTZMANN_EV_PER_K * t)).exp() * (1.0 + 0.01 * (i % 3) as f64))
        .collect();
    let e = r.iter().map(|r| 0.03 * r).collect();
    (t_k, r, e)
}

#[test]
fn arrhenius_plot_shows_points_lines_and_energies() {
    let opts = ArrheniusOptions::default().with_temperature_unit(TemperatureUnit::Kelvin);
    let (t, r1, e1) = arrhenius_data(0.3);
    let (_, r2, _) = arrhenius_data(0.6);
    let f1 = fit_arrhenius(&t, &r1, Some(&e1), &opts).unwrap();
    let f2 = fit_arrhenius(&t, &r2, None, &opts).unwrap();
    let plot = ArrheniusPlot::new()
        .with_title("cell")
        .with_series("separator", &t, &r1, Some(&e1), &f1)
        .unwrap()
        .with_series("interface", &t, &r2, None, &f2)
        .unwrap();
    let svg = plot.render().unwrap();
    assert_valid(&svg);
    for text in [
        "1000/T / K⁻¹",
        "ln(R/T)",
        "T / °C",
        "separator: Eₐ = 0.",
        "interface: Eₐ = 0.",
        " eV",
    ] {
        assert!(svg.contains(text), "missing {text}");
    }
    // Series 1: circles, one per point plus the legend's.
    assert_eq!(count(&svg, "<circle"), t.len() + 1);

    assert!(matches!(ArrheniusPlot::new().render(), Err(PlotError::NoSeries)));
    let plain = fit_arrhenius(&t, &r1, None, &opts.with_law(ArrheniusLaw::Plain)).unwrap();
    let mixed = plot.clone().with_series("plain", &t, &r1, None, &plain);
    assert!(matches!(mixed, Err(PlotError::MixedLaws { .. })));
    let bad = ArrheniusPlot::new().with_series("x", &t, &r1[..3], None, &f1);
    assert!(matches!(bad, Err(PlotError::LengthMismatch { .. })));
    let neg = ArrheniusPlot::new().with_series("x", &[-1.0, 2.0, 3.0], &[1.0; 3], None, &f1);
    assert!(matches!(neg, Err(PlotError::NonPositive { index: 0, .. })));
    let dir = tempfile::tempdir().unwrap();
    plot.write(dir.path().join("a.svg")).unwrap();
    assert!(matches!(
        plot.write(dir.path().join("x/a.svg")),
        Err(PlotError::Io { .. })
    ));
}

#[test]
fn energies_are_printed_to_the_precision_of_their_error() {
    assert_eq!(super::arrhenius::format_ev(0.28123, 0.0042), "0.2812 ± 0.0042 eV");
    assert_eq!(super::arrhenius::format_ev(0.5, 0.03), "0.500 ± 0.030 eV");
    assert_eq!(super::arrhenius::format_ev(0.5, f64::NAN), "0.500 ± NaN eV");
}
