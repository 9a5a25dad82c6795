//! Acceptance tests: every file of the shared real-data corpus (`../shared/data/real`, read in place, never
//! copied) reads with the point counts and spot values its MANIFEST gives. Skipped when the corpus is absent.

use approx::assert_relative_eq;
use eisfit::io::{read, DataFile, Format};
use std::path::PathBuf;

fn real(rel: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/real"));
    if !dir.is_dir() {
        println!("skipping: ../shared not found");
        return None;
    }
    Some(dir.join(rel))
}

/// Reads a real file, checks its format and its sweep sizes.
fn check(rel: &str, format: Format, sizes: &[usize]) -> Option<DataFile> {
    let path = real(rel)?;
    let file = read(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(file.format(), format, "{rel}");
    let got: Vec<usize> = file.sweeps().iter().map(|s| s.spectrum().len()).collect();
    assert_eq!(got, sizes, "{rel}: sweep sizes");
    Some(file)
}

/// Asserts the point at frequency `f` (relative match) has impedance `re + j im`.
fn point(file: &DataFile, sweep: usize, f: f64, re: f64, im: f64) {
    let s = file.sweeps()[sweep].spectrum();
    let i = s
        .freq_hz()
        .iter()
        .position(|&x| ((x - f) / f).abs() < 1e-6)
        .unwrap_or_else(|| panic!("{}: no point at {f} Hz", file.name()));
    assert_relative_eq!(s.z()[i].re, re, max_relative = 1e-6);
    assert_relative_eq!(s.z()[i].im, im, max_relative = 1e-6);
}

fn range(file: &DataFile, sweep: usize, lo: f64, hi: f64) {
    let (a, b) = file.sweeps()[sweep].spectrum().frequency_range();
    assert_relative_eq!(a, lo, max_relative = 2e-3);
    assert_relative_eq!(b, hi, max_relative = 2e-3);
}

fn descending(file: &DataFile) -> bool {
    let f = file.sweeps()[0].spectrum().freq_hz();
    f.first() > f.last()
}

#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn biologic_mpt_files() {
    let Some(f) = check("biologic_mpt/exampleDataBioLogic.mpt", Format::BiologicMpt, &[43]) else {
        return;
    };
    point(&f, 0, 1000.3201, 65.470886, -0.38998979);
    range(&f, 0, 0.0169, 1000.0);
    assert_eq!(f.metadata().instrument(), Some("SP-150 (SN 10791079)"));
    assert_relative_eq!(f.metadata().area_cm2().unwrap_or(0.0), 0.001);
    let Some(f) = check(
        "biologic_mpt/PEIS_LPSCl_IonBlocking_-25C.txt",
        Format::BiologicMpt,
        &[79],
    ) else {
        return;
    };
    point(&f, 0, 7.0000185e6, 359.24146, -290.92038);
    point(&f, 0, 0.10002181, 1799427.6, -8093785.5);
    assert_eq!(f.metadata().date(), Some("05/15/2025 01:18:45.867"));
    let Some(f) = check("biologic_mpt/PyEIS_ex1.mpt", Format::BiologicMpt, &[59, 59]) else {
        return;
    };
    range(&f, 1, 0.01, 2.0e5);
    assert!(descending(&f));
}

#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn biologic_text_and_csv() {
    let Some(f) = check(
        "biologic_text_export/AutoEIS_test_data.txt",
        Format::BiologicText,
        &[67],
    ) else {
        return;
    };
    range(&f, 0, 0.001, 2.0e5);
    point(&f, 0, 2.0001948e5, 130.4171, -34.680012);
    let Some(f) = check("biologic_csv/Sample2_PEIS_AtRest.csv", Format::BiologicCsv, &[89; 10]) else {
        return;
    };
    range(&f, 9, 0.009997, 7.0e6);
    // Polar → Cartesian: |Z| = 50.752583, phase −20.75998° at 7 MHz.
    let z = f.sweeps()[0].spectrum().z()[0];
    assert_relative_eq!(z.norm(), 50.752583, max_relative = 1e-9);
    assert_relative_eq!(z.arg().to_degrees(), -20.75998, max_relative = 1e-9);
}

#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn lpscl_three_way_agreement() {
    let (Some(mpt), Some(relaxis)) = (
        real("biologic_mpt/PEIS_LPSCl_IonBlocking_-25C.txt"),
        real("relaxis/PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt"),
    ) else {
        return;
    };
    let a = read(mpt).unwrap().sweeps()[0].spectrum().sorted_by_frequency();
    let rx = read(relaxis).unwrap();
    assert_eq!(rx.format(), Format::Relaxis);
    let r = &rx.sweeps()[0];
    assert!(
        r.spectrum().freq_hz()[0] < r.spectrum().freq_hz()[1],
        "RelaxIS is ascending"
    );
    let b = r.spectrum().sorted_by_frequency();
    assert_eq!(a.len(), 79);
    assert_eq!(b.len(), 79);
    for i in 0..79 {
        assert_relative_eq!(a.freq_hz()[i], b.freq_hz()[i], max_relative = 1e-6);
        assert_relative_eq!(a.z()[i].re, b.z()[i].re, max_relative = 1e-6);
        assert_relative_eq!(a.z()[i].im, b.z()[i].im, max_relative = 1e-6);
    }
    assert_relative_eq!(rx.metadata().dc_potential_v().unwrap_or(0.0), -0.080042);
    // The binary .mpr of the same measurement gives the same points (stored as f32, hence 1e-6).
    let Some(mpr) = real("biologic_mpr_binary/PEIS_LPSCl_IonBlocking_-25C.mpr") else {
        return;
    };
    let m = read(mpr).unwrap();
    assert_eq!(m.format(), Format::BiologicMpr);
    assert_eq!(m.sweeps().len(), 1);
    let c = m.sweeps()[0].spectrum().sorted_by_frequency();
    assert_eq!(c.len(), 79);
    for i in 0..79 {
        assert_relative_eq!(a.freq_hz()[i], c.freq_hz()[i], max_relative = 1e-6);
        assert_relative_eq!(a.z()[i].re, c.z()[i].re, max_relative = 1e-6);
        assert_relative_eq!(a.z()[i].im, c.z()[i].im, max_relative = 1e-6);
    }
}

#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn gamry_files() {
    for name in ["exampleDataGamry.DTA", "exampleDataGamryABORT.DTA"] {
        let Some(f) = check(&format!("gamry_dta/{name}"), Format::GamryDta, &[72]) else {
            return;
        };
        let s = f.sweeps()[0].spectrum();
        assert_relative_eq!(s.freq_hz()[0], 200015.6);
        assert_relative_eq!(s.z()[0].re, 825.8584);
        assert_relative_eq!(s.z()[0].im, -1367.239);
        range(&f, 0, 0.01589, 2.0e5);
    }
    let Some(f) = check("gamry_dta/EISGALV_EISTest3.DTA", Format::GamryDta, &[71]) else {
        return;
    };
    range(&f, 0, 0.1002, 1.0e6);
    assert!(f.sweeps()[0].spectrum().z()[0].im > 0.0, "inductive at high f");
    assert_eq!(f.metadata().date(), Some("10/25/2024 21:09:58.727375"));
    let Some(f) = check(
        "gamry_dta/pyimpspec_drift-corrected-data.dta",
        Format::GamryDta,
        &[55, 55],
    ) else {
        return;
    };
    point(&f, 0, 100078.1, 691.6887, -148.9397);
    assert_eq!(
        f.sweeps()[1]
            .metadata()
            .extra()
            .get("drift_corrected")
            .map(String::as_str),
        Some("true")
    );
    assert_relative_eq!(f.metadata().area_cm2().unwrap_or(0.0), 0.02);
}

#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn zplot_and_z60w() {
    let Some(f) = check("zplot_z/Circuit1_EIS_1.z", Format::Zplot, &[48]) else {
        return;
    };
    range(&f, 0, 1.0, 5.0e4);
    point(&f, 0, 3.971641e4, 29.046, 0.34713);
    check("zplot_z/Circuit2_EIS_1.z", Format::Zplot, &[56]);
    let Some(f) = check("zplot_z/exampleDataZPlot_noComments.z", Format::Zplot, &[31]) else {
        return;
    };
    point(&f, 0, 3.0e5, 642.62, -85.821);
    assert_eq!(f.metadata().extra().get("truncated").map(String::as_str), Some("true"));
    // The MANIFEST: an SOFC/SOEC-type cell at 800 °C, stated in the free comment line.
    approx::assert_relative_eq!(f.metadata().temperature_c().unwrap(), 800.0);
    assert!(f.metadata().extra()["comment"].contains("sccm CO2"));
    let Some(f) = check("autolab/exampleDataAutolab.txt", Format::AutolabZ60w, &[41]) else {
        return;
    };
    range(&f, 0, 0.1, 1.0e4);
    point(&f, 0, 1.0e4, 0.013785863964281, 0.007191946305823);
}

#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn synthetic_pyimpspec_layouts() {
    for (rel, format) in [
        ("autolab/pyimpspec_data.dfr", Format::AutolabDfr),
        ("ivium/pyimpspec_data.idf", Format::IviumIdf),
    ] {
        let Some(f) = check(rel, format, &[29]) else {
            return;
        };
        range(&f, 0, 1.0, 1.0e4);
        // Boukamp TC-1 at 1 kHz; the .idf stores 6 significant digits.
        let tol = if format == Format::IviumIdf { 1e-5 } else { 1e-9 };
        let s = f.sweeps()[0].spectrum();
        let i = s.freq_hz().iter().position(|&x| (x - 1000.0).abs() < 0.01).unwrap();
        assert_relative_eq!(s.z()[i].re, 221.69082501913698, max_relative = tol);
        assert_relative_eq!(s.z()[i].im, -120.3991245934603, max_relative = tol);
    }
}

#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn chi_princeton_novocontrol() {
    if let Some(f) = check("chi/exampleDataCHInstruments.txt", Format::ChInstruments, &[73]) {
        range(&f, 0, 0.1, 9.961e4);
        point(&f, 0, 9.961e4, 98.91, -2.748);
    }
    if let Some(f) = check("princeton_ametek/exampleDataParstat.txt", Format::Parstat, &[31]) {
        range(&f, 0, 10.0, 1.0e4);
    }
    if let Some(f) = check(
        "princeton_ametek/exampleDataVersaStudio.par",
        Format::VersaStudio,
        &[61],
    ) {
        range(&f, 0, 0.02154, 1.0e5);
        point(&f, 0, 1.0e5, 55.31571, 4.575431);
    }
    if let Some(f) = check("princeton_ametek/exampleDataPowersuite.txt", Format::PowerSuite, &[30]) {
        range(&f, 0, 0.1, 2.0e6);
        assert!(!descending(&f));
        point(&f, 0, 2.0e6, -470.54113, -1397.7358);
    }
    for (t, n) in [
        (140, 42),
        (150, 42),
        (160, 42),
        (170, 41),
        (180, 41),
        (190, 41),
        (200, 40),
    ] {
        let Some(f) = check(&format!("novocontrol/s04147-{t}deg.txt"), Format::Novocontrol, &[n]) else {
            return;
        };
        assert_relative_eq!(f.sweeps()[0].spectrum().freq_hz()[0], 1.0e6);
    }
    if let Some(f) = real("novocontrol/s04147-140deg.txt").and_then(|p| read(p).ok()) {
        point(&f, 0, 1.0e6, 2.21423e4, -5.43115e4);
    }
}

#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn palmsens_generic_zahner() {
    if let Some(f) = check(
        "palmsens/Demo_CV_DPV_EIS_IS-C_electrode.pssession",
        Format::PalmsensSession,
        &[71],
    ) {
        range(&f, 0, 0.1, 1.0e6);
        point(&f, 0, 1.0e6, 112.354, -29.8389);
    }
    if let Some(f) = check("generic_csv/exampleData.csv", Format::Generic, &[66]) {
        range(&f, 0, 0.003162, 1.0e4);
        assert!(!descending(&f));
        point(&f, 0, 3.1623e-3, 4.949_989_776_405_06e-2, -2.043_869_854_441_892_5e-2);
    }
    if let Some(f) = check("zahner_ism_binary/li-ion-battery.ism", Format::ZahnerIsm, &[128]) {
        range(&f, 0, 0.0005, 5000.0);
        assert!(!descending(&f));
    }
}

/// Real exports (read in place from ../shared) with their header lines removed in memory must read as the same
/// points as the complete files: columns recognised by their values, never by position alone.
#[test]
#[cfg_attr(
    not(eisfit_shared_data),
    ignore = "needs ../shared (third-party data next to the checkout, not in a fresh clone)"
)]
fn real_files_without_their_header_read_the_same() {
    let cases: &[(&str, usize, usize)] = &[
        // (file, header lines to drop, sweeps)
        ("biologic_mpt/exampleDataBioLogic.mpt", 61, 1),
        ("biologic_mpt/PyEIS_ex1.mpt", 61, 2),
        ("biologic_text_export/AutoEIS_test_data.txt", 1, 1),
        ("relaxis/PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt", 4, 1),
        ("novocontrol/s04147-140deg.txt", 3, 1),
        ("princeton_ametek/exampleDataPowersuite.txt", 1, 1),
    ];
    for &(rel, skip, sweeps) in cases {
        let Some(path) = real(rel) else {
            return;
        };
        let whole = read(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let body: Vec<&[u8]> = bytes.split(|b| *b == b'\n').skip(skip).collect();
        let headerless = body.join(&b'\n');
        let file = eisfit::io::read_bytes(&headerless, rel, None).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(file.sweeps().len(), sweeps, "{rel}");
        for (a, b) in file.sweeps().iter().zip(whole.sweeps()) {
            assert_eq!(a.spectrum().freq_hz(), b.spectrum().freq_hz(), "{rel}");
            for (za, zb) in a.spectrum().z().iter().zip(b.spectrum().z()) {
                assert_relative_eq!(za.re, zb.re, max_relative = 1e-12);
                assert_relative_eq!(za.im, zb.im, max_relative = 1e-12);
            }
        }
    }
}
