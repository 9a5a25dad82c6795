//! Every reader against the project's own fixtures (`tests/fixtures/io`, written by `make_fixtures.py`): all hold
//! the same made-up spectrum, R0 = 10 Ω + (R1 = 100 Ω ‖ C1 = 1 µF) at 100 kHz … 10 Hz, in each instrument's
//! layout, with the quirks (encodings, line endings, decimal commas, column orders, sentinels, loops).

use approx::assert_relative_eq;
use eisfit::io::{read, read_from, DataFile, Format, ReadError, SweepSelection};
use eisfit::num_complex::Complex64;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/io/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn reference(f: f64) -> Complex64 {
    let w = std::f64::consts::TAU * f;
    Complex64::new(10.0, 0.0) + Complex64::new(100.0, 0.0) / Complex64::new(1.0, w * 100.0 * 1e-6)
}

/// Reads a fixture and checks format, sweep count and every point against the reference (6 significant digits).
fn check(name: &str, format: Format, n_sweeps: usize) -> DataFile {
    let file = read(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(file.format(), format, "{name}");
    assert_eq!(file.sweeps().len(), n_sweeps, "{name}: sweeps");
    for sweep in file.sweeps() {
        let s = sweep.spectrum();
        assert_eq!(s.len(), 5, "{name}: points");
        for (&f, z) in s.freq_hz().iter().zip(s.z()) {
            let r = reference(f);
            assert_relative_eq!(z.re, r.re, max_relative = 2e-5);
            assert_relative_eq!(z.im, r.im, max_relative = 2e-5);
            assert!(z.im < 0.0, "{name}: capacitive points must have Im Z < 0 (true sign)");
        }
    }
    file
}

fn descending(file: &DataFile) -> bool {
    let f = file.sweeps()[0].spectrum().freq_hz();
    f.first() > f.last()
}

#[test]
fn biologic() {
    let f = check("biologic_loops.mpt", Format::BiologicMpt, 2);
    assert_eq!(f.metadata().instrument(), Some("SP-200 (SN 1)"));
    assert_relative_eq!(f.metadata().area_cm2().unwrap(), 0.785);
    assert_eq!(f.sweeps()[1].metadata().sweep_index(), Some(1));
    check("biologic_export_comma.txt", Format::BiologicText, 1);
    check("biologic_polar.csv", Format::BiologicCsv, 2);
    check("biologic.mpr", Format::BiologicMpr, 2);
    // A damaged .mpr (row layout no longer matches the module length) is refused with export advice.
    let mut mpr = std::fs::read(fixture("biologic.mpr")).unwrap();
    mpr.truncate(mpr.len() - 3);
    let e = read_from(mpr.as_slice(), "cut.mpr", None).unwrap_err();
    assert!(matches!(e, ReadError::Binary { .. }), "{e}");
    assert!(
        e.to_string().contains("Export as Text") && e.to_string().contains("cut.mpr"),
        "{e}"
    );
}

#[test]
fn gamry() {
    let f = check("gamry_aborted.DTA", Format::GamryDta, 1);
    assert_eq!(f.metadata().extra().get("aborted").map(String::as_str), Some("true"));
    assert_relative_eq!(f.metadata().dc_potential_v().unwrap(), 0.1);
    assert_eq!(f.metadata().date(), Some("1/2/2024 10:00:00"));
    // A galvanostatic run states its DC current.
    let dta = std::fs::read(fixture("gamry_aborted.DTA")).unwrap(); // Windows-1252, not UTF-8
    let at = dta.windows(9).position(|w| w == b"VDC\tPOTEN").unwrap();
    let galv = [&dta[..at], b"IDC\tQUANT\t2.50000E-004\tDC &Current (A)\r\n", &dta[at..]].concat();
    let g = read_from(galv.as_slice(), "galv.DTA", None).unwrap();
    assert_relative_eq!(g.metadata().dc_current_a().unwrap(), 2.5e-4);
    // Drift-corrected columns (values scaled by 1.01 in the fixture) become sweep 1.
    let f = read(fixture("gamry_drift_comma.dta")).unwrap();
    assert_eq!(f.sweeps().len(), 2);
    assert_relative_eq!(f.metadata().area_cm2().unwrap(), 0.5);
    let (raw, drift) = (f.sweeps()[0].spectrum(), f.sweeps()[1].spectrum());
    assert_relative_eq!(drift.z()[2].re, raw.z()[2].re * 1.01, max_relative = 1e-5);
    assert_relative_eq!(raw.z()[2].re, reference(1e3).re, max_relative = 1e-5);
}

#[test]
fn zplot_and_autolab() {
    let f = check("zplot2.z", Format::Zplot, 1);
    assert_relative_eq!(f.metadata().area_cm2().unwrap(), 2.0);
    let f = check("zplotw_truncated.z", Format::Zplot, 1);
    assert_eq!(f.metadata().extra().get("truncated").map(String::as_str), Some("true"));
    assert_relative_eq!(f.metadata().temperature_c().unwrap(), 25.0);
    assert_eq!(f.metadata().extra()["comment"], "free comment, 25 C");
    check("autolab_z60w.txt", Format::AutolabZ60w, 1);
    check("autolab.dfr", Format::AutolabDfr, 1);
    check("nova_semicolon.txt", Format::AutolabNova, 1);
    check("nova_comma.csv", Format::AutolabNova, 1);
}

#[test]
fn other_instruments() {
    let f = check("chi.txt", Format::ChInstruments, 1);
    assert_eq!(f.metadata().instrument(), Some("CH Instruments CHI760E"));
    assert_relative_eq!(f.metadata().dc_potential_v().unwrap(), 0.2);
    check("parstat.txt", Format::Parstat, 1);
    let f = check("versastudio.par", Format::VersaStudio, 1);
    assert_eq!(f.metadata().instrument(), Some("AMETEK VersaSTAT3"));
    let f = check("powersuite.txt", Format::PowerSuite, 1);
    assert!(!descending(&f));
    let f = check("novocontrol_full.txt", Format::Novocontrol, 1);
    assert_relative_eq!(f.metadata().temperature_c().unwrap(), 140.0);
    check("novocontrol_bare.txt", Format::Novocontrol, 1);
    let f = check("relaxis.txt", Format::Relaxis, 1);
    assert!(!descending(&f));
    let f = check("ivium.idf", Format::IviumIdf, 1);
    // A long settings block (here 20 kB of extra keys) before the data still reads as Ivium.
    let idf = std::fs::read(fixture("ivium.idf")).unwrap();
    let at = idf.windows(5).position(|w| w == b"Peaks").unwrap();
    let mut long = idf[..at].to_vec();
    for k in 0..1000 {
        long.extend_from_slice(format!("Setting{k}=x\r\n").as_bytes());
    }
    long.extend_from_slice(&idf[at..]);
    let g = read_from(long.as_slice(), "long.idf", None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(g.format(), Format::IviumIdf);
    assert_eq!(g.sweeps()[0].spectrum(), f.sweeps()[0].spectrum());
    assert_relative_eq!(f.metadata().area_cm2().unwrap(), 0.5);
    let f = check("palmsens.pssession", Format::PalmsensSession, 1);
    assert_eq!(f.metadata().instrument(), Some("PalmSens EmStat4"));
    // The .ism starts mid-sweep (100 Hz, 10 Hz, then 10 Hz → 100 kHz): only the min..max run is kept.
    let f = check("zahner.ism", Format::ZahnerIsm, 1);
    assert!(!descending(&f));
    assert_eq!(f.metadata().date(), Some("240102"));
}

#[test]
fn generic_variants() {
    check("headerless.csv", Format::Generic, 1);
    // |Z| in kΩ, phase in rad, f in MHz, whitespace-separated, `#` and `%` comments, an extra column.
    check("polar_whitespace.txt", Format::Generic, 1);
    // UTF-16BE with BOM, CRLF, tab, decimal comma, mΩ and kHz, Z'' before Z', a text column.
    check("generic_utf16be.txt", Format::Generic, 1);
}

#[test]
fn generic_units_row_and_aliases() {
    let text = "Frequency,Real(Z),Imag(Z)\nHz,Ohm,Ohm\n1000,10,-1\n100,12,-3\n10,15,-2\n";
    let f = read_from(text.as_bytes(), "units.csv", None).unwrap();
    assert_eq!(f.sweeps()[0].spectrum().len(), 3);
    assert_relative_eq!(f.sweeps()[0].spectrum().z()[1].im, -3.0);
    // A non-numeric line with digits after the header is an error at that line, not skipped.
    let e = read_from("f,Z',Z''\nrun 2\n1,2,-3\n2,2,-3\n3,2,-3\n".as_bytes(), "x.csv", None).unwrap_err();
    assert_eq!(e.line(), Some(2), "{e}");
}

#[test]
fn detection_ignores_the_extension() {
    for (name, format) in [
        ("gamry_aborted.DTA", Format::GamryDta),
        ("zahner.ism", Format::ZahnerIsm),
        ("relaxis.txt", Format::Relaxis),
        ("biologic.mpr", Format::BiologicMpr),
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let f = read_from(bytes.as_slice(), "misnamed.csv", None).unwrap();
        assert_eq!(f.format(), format, "{name}");
    }
}

#[test]
fn explicit_format_overrides_detection() {
    let bytes = std::fs::read(fixture("nova_comma.csv")).unwrap();
    let f = read_from(bytes.as_slice(), "x.csv", Some(Format::Generic)).unwrap();
    assert_eq!(f.format(), Format::Generic);
    let e = read_from(bytes.as_slice(), "x.csv", Some(Format::GamryDta)).unwrap_err();
    assert!(matches!(e, ReadError::FormatMismatch { .. }), "{e}");
    assert!(e.to_string().contains("ZCURVE"), "{e}");
}

fn err(text: &str) -> ReadError {
    read_from(text.as_bytes(), "bad.txt", None).expect_err("must fail")
}

#[test]
fn errors_name_file_line_and_expectation() {
    assert!(matches!(err(""), ReadError::Empty { .. }));
    assert!(matches!(err("  \n\r\n"), ReadError::Empty { .. }));

    let e = err("freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\n");
    assert!(matches!(e, ReadError::NoData { line: 2, .. }), "{e}");

    let e = err("f,Z',Z''\n1,2,-3\n2,NaN,-3\n3,1,1\n");
    assert_eq!((e.file(), e.line()), ("bad.txt", Some(3)));
    assert!(
        e.to_string().contains("finite number") && e.to_string().contains("NaN"),
        "{e}"
    );

    let e = err("f;Z';Z''\n1;2;-3\n2;abc;-3\n3;1;1\n");
    assert!(matches!(e, ReadError::Syntax { line: 3, .. }), "{e}");
    assert!(e.to_string().starts_with("bad.txt:3:"), "{e}");

    let e = err("f\tZ'\tZ''\n1\t2\t-3\n2\t2\n3\t1\t1\n");
    assert!(
        matches!(
            e,
            ReadError::Ragged {
                line: 3,
                expected: 3,
                found: 2,
                ..
            }
        ),
        "{e}"
    );

    let e = err("time;voltage;current\n1;2;3\n");
    let ReadError::UnknownFormat { line, unmapped, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!(*line, 1);
    assert_eq!(unmapped, &["time", "voltage", "current"]);
    assert!(e.to_string().contains("time;voltage;current"), "{e}");

    let garbage: Vec<u8> = (0u8..=255).cycle().take(3000).collect();
    let e = read_from(garbage.as_slice(), "g.bin", None).unwrap_err();
    assert!(matches!(e, ReadError::Binary { .. }), "{e}");

    // Two points only: a spectrum needs three.
    let e = err("f,Z',Z''\n1,2,-3\n2,2,-3\n");
    assert!(matches!(e, ReadError::Spectrum { .. }), "{e}");

    // A zero or negative frequency names its line and column.
    for bad in ["0", "-10"] {
        let e = err(&format!("Z',Z'',f\n2,-3,100\n2,-3,{bad}\n1,1,1\n"));
        assert!(matches!(e, ReadError::Syntax { line: 3, .. }), "{e}");
        assert!(e.to_string().contains("frequency > 0 Hz in column 3"), "{e}");
    }
}

#[test]
fn truncated_files_are_errors() {
    let dfr = std::fs::read_to_string(fixture("autolab.dfr")).unwrap();
    let cut: String = dfr.lines().take(20).collect::<Vec<_>>().join("\n");
    let e = read_from(cut.as_bytes(), "cut.dfr", None).unwrap_err();
    assert!(matches!(e, ReadError::Truncated { .. }), "{e}");

    let ism = std::fs::read(fixture("zahner.ism")).unwrap();
    let e = read_from(&ism[..100], "cut.ism", Some(Format::ZahnerIsm)).unwrap_err();
    assert!(matches!(e, ReadError::Truncated { .. }), "{e}");
    assert!(read_from(&ism[..100], "cut.ism", None).is_err());

    let idf = std::fs::read(fixture("ivium.idf")).unwrap();
    let e = read_from(&idf[..idf.len() - 80], "cut.idf", None).unwrap_err();
    assert!(matches!(e, ReadError::Truncated { .. }), "{e}");
}

#[test]
fn sweep_selection_and_names() {
    let f = read(fixture("biologic_loops.mpt")).unwrap();
    assert_eq!(f.select(SweepSelection::All).unwrap().len(), 2);
    assert_eq!(f.select("1".parse().unwrap()).unwrap()[0].index(), 1);
    assert!(matches!(
        f.select(SweepSelection::Index(2)),
        Err(ReadError::NoSuchSweep { available: 2, .. })
    ));
    assert_eq!("ALL".parse::<SweepSelection>().unwrap(), SweepSelection::All);
    assert!("first".parse::<SweepSelection>().is_err());
    for format in Format::ALL {
        assert_eq!(format.name().parse::<Format>().unwrap(), format);
        assert_eq!(format.to_string(), format.name());
    }
    assert_eq!(Format::from_choice("auto").unwrap(), None);
    let e = "gamry".parse::<Format>().unwrap_err().to_string();
    assert!(e.contains("gamry-dta"), "{e}");
}

#[test]
fn writers() {
    let f = read(fixture("biologic_loops.mpt")).unwrap();
    let sweeps = f.select(SweepSelection::All).unwrap();
    let mut out = Vec::new();
    eisfit::io::write_csv(&mut out, &sweeps, true).unwrap();
    let csv = String::from_utf8(out).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("sweep,frequency_hz,z_real_ohm,z_imag_ohm"));
    let first: Vec<f64> = lines.next().unwrap().split(',').map(|v| v.parse().unwrap()).collect();
    assert_relative_eq!(first[1], 1e5);
    assert!(first[3] < 0.0);
    assert_eq!(csv.lines().count(), 11);

    // The canonical CSV reads back (generic reader, `sweep` column) to the same sweeps.
    let back = read_from(csv.as_bytes(), "back.csv", None).unwrap();
    assert_eq!(back.format(), Format::Generic);
    assert_eq!(back.sweeps().len(), 2);
    for (a, b) in back.sweeps().iter().zip(f.sweeps()) {
        assert_eq!(a.spectrum(), b.spectrum());
    }

    let json = eisfit::io::to_json(&f, &sweeps[1..]);
    assert_eq!(json["format"], "biologic-mpt");
    assert_eq!(json["sweeps"][0]["index"], 1);
    assert_eq!(json["sweeps"][0]["n_points"], 5);
    assert_eq!(json["sweeps"][0]["metadata"]["sweep_index"], 1);
    let im = json["sweeps"][0]["z_imag_ohm"][0].as_f64().unwrap();
    assert_relative_eq!(im, reference(1e5).im, max_relative = 2e-5);
}

#[test]
fn standard_deviation_columns_are_read_and_written() {
    // Error columns under several spellings, in other units and orders, next to Z′ and −Z″.
    let cases = [
        "frequency_hz,z_real_ohm,z_imag_ohm,sigma_real_ohm,sigma_imag_ohm\n\
         1000,10.5,-2.0,0.1,0.02\n100,12.0,-5.0,0.12,0.05\n10,20.0,-3.0,0.2,0.03\n",
        "Freq (Hz);Z' (kOhm);-Z'' (kOhm);Std(Z') (kOhm);Std(Z'') (kOhm)\n\
         1000;0,0105;0,0020;0,0001;0,00002\n100;0,012;0,005;0,00012;0,00005\n10;0,02;0,003;0,0002;0,00003\n",
        "sigma(Z'')\tFrequency\tsigma(Z')\tRe(Z)\tIm(Z)\n\
         0.02\t1000\t0.1\t10.5\t-2.0\n0.05\t100\t0.12\t12.0\t-5.0\n0.03\t10\t0.2\t20.0\t-3.0\n",
    ];
    for text in cases {
        let f = read_from(text.as_bytes(), "errors.csv", None).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let s = f.sweeps()[0].spectrum();
        let sig = s.sigma().unwrap_or_else(|| panic!("no σ read from\n{text}"));
        assert_relative_eq!(s.z()[1].im, -5.0, max_relative = 1e-12);
        assert_relative_eq!(sig[0].re, 0.1, max_relative = 1e-12);
        assert_relative_eq!(sig[1].im, 0.05, max_relative = 1e-12);
        assert_relative_eq!(sig[2].re, 0.2, max_relative = 1e-12);

        // The canonical CSV carries them too, and reads back to the same spectrum.
        let sweeps = f.select(SweepSelection::All).unwrap();
        let mut out = Vec::new();
        eisfit::io::write_csv(&mut out, &sweeps, false).unwrap();
        let csv = String::from_utf8(out).unwrap();
        assert!(csv.starts_with("frequency_hz,z_real_ohm,z_imag_ohm,sigma_real_ohm,sigma_imag_ohm\n"));
        let back = read_from(csv.as_bytes(), "back.csv", None).unwrap();
        assert_eq!(back.sweeps()[0].spectrum(), s);
        let json = eisfit::io::to_json(&f, &sweeps);
        assert_relative_eq!(
            json["sweeps"][0]["sigma_imag_ohm"][1].as_f64().unwrap(),
            0.05,
            max_relative = 1e-12
        );
    }
    // Only one of the two columns: no σ, and the file still reads.
    let one = "f,Z',Z'',sigma(Z')\n1000,10.5,-2.0,0.1\n100,12,-5,0.1\n10,20,-3,0.1\n";
    assert!(read_from(one.as_bytes(), "one.csv", None).unwrap().sweeps()[0]
        .spectrum()
        .sigma()
        .is_none());
    // A non-positive σ is an error naming the file.
    let zero = "f,Z',Z'',sigma(Z'),sigma(Z'')\n1000,10.5,-2.0,0.1,0\n100,12,-5,0.1,0.1\n10,20,-3,0.1,0.1\n";
    let e = read_from(zero.as_bytes(), "zero.csv", None).unwrap_err().to_string();
    assert!(e.contains("zero.csv") && e.contains("sigma"), "{e}");
}

#[test]
fn versastudio_skips_segments_of_other_techniques() {
    let par = std::fs::read_to_string(fixture("versastudio.par")).unwrap();
    // An open-circuit segment before the impedance one, as a multi-action experiment writes it.
    let ocp = "<Segment1>\nType=1\nDefinition=Segment #, Point #, E(V), I(A), Elapsed Time(s)\n\
               0,0,0.12,0,0.0\n0,1,0.12,0,1.0\n</Segment1>\n\n";
    let multi = par.replacen("<Segment1>", &format!("{ocp}<Segment2>"), 1).replacen(
        "</Segment1>\n\n<Graph",
        "</Segment2>\n\n<Graph",
        1,
    );
    let f = read_from(multi.as_bytes(), "multi.par", None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.format(), Format::VersaStudio);
    assert_eq!(f.sweeps().len(), 1);
    let s = f.sweeps()[0].spectrum();
    assert_eq!(s.len(), 5);
    assert_relative_eq!(s.z()[2].re, reference(1e3).re, max_relative = 2e-5);
    // With only the open-circuit segment, the error names the line of its column definition.
    let only_ocp = par.replacen(
        &par[par.find("<Segment1>").unwrap()..par.find("</Segment1>").unwrap() + "</Segment1>".len()],
        ocp.trim_end(),
        1,
    );
    let e = read_from(only_ocp.as_bytes(), "ocp.par", Some(Format::VersaStudio)).unwrap_err();
    assert!(e.to_string().contains("Frequency(Hz)") && e.line().is_some(), "{e}");
}
