//! Issue 24: no silent misread. Each case of the issue is rebuilt here from a made-up spectrum, R0 = 10 Ω +
//! (R1 = 100 Ω ‖ C1 = 10 µF), whose values are computed in the test; the reader must either give those values
//! (and say what it decided, as a typed note) or refuse with an error that names the place.

use approx::assert_relative_eq;
use eisfit::io::{
    read_bytes, read_bytes_with, read_from_with, read_with, Columns, DataFile, FileKind, NumberProblem, ReadError,
    ReadNote, ReadOptions, UnitProblem,
};
use eisfit::num_complex::Complex64;
use std::f64::consts::TAU;
use std::fmt::Write as _;

fn z_ref(f: f64) -> Complex64 {
    Complex64::new(10.0, 0.0) + Complex64::new(100.0, 0.0) / Complex64::new(1.0, TAU * f * 100.0 * 1e-5)
}

/// `n` log-spaced frequencies from `hi` down to `lo`.
fn grid(n: usize, hi: f64, lo: f64) -> Vec<f64> {
    (0..n).map(|k| hi * (lo / hi).powf(k as f64 / (n - 1) as f64)).collect()
}

/// Every point of every sweep equals the reference.
fn matches_reference(file: &DataFile) {
    for sweep in file.sweeps() {
        let s = sweep.spectrum();
        for (&f, z) in s.freq_hz().iter().zip(s.z()) {
            let r = z_ref(f);
            assert_relative_eq!(z.re, r.re, max_relative = 1e-9);
            assert_relative_eq!(z.im, r.im, max_relative = 1e-9, epsilon = 1e-12);
        }
    }
}

fn table(header: &str, sep: &str, f: &[f64], cell: impl Fn(f64) -> Vec<String>) -> String {
    let mut s = format!("{header}\n");
    for &x in f {
        let mut row = vec![format!("{x:?}")];
        row.extend(cell(x));
        writeln!(s, "{}", row.join(sep)).unwrap();
    }
    s
}

// ---- 1. units -------------------------------------------------------------------------------------------------

#[test]
fn an_unknown_or_areal_unit_is_an_error_naming_column_and_unit() {
    let f = grid(11, 1e5, 1.0);
    let cases = [
        ("Re(Z)/kOhm.cm2", UnitProblem::Areal),
        ("Re(Z) (Ω·cm²)", UnitProblem::Areal),
        ("Re(Z)/V", UnitProblem::Unknown),
        ("Re(Z)/Hz", UnitProblem::WrongQuantity),
    ];
    for (column, problem) in cases {
        let text = table(&format!("freq/Hz\t{column}\t-Im(Z)/Ohm"), "\t", &f, |x| {
            vec![z_ref(x).re.to_string(), (-z_ref(x).im).to_string()]
        });
        let e = read_bytes(text.as_bytes(), "unit.txt", None).unwrap_err();
        match &e {
            ReadError::Unit {
                line,
                column: c,
                problem: p,
                ..
            } => {
                assert_eq!(*line, 1, "{e}");
                assert_eq!(c, column);
                assert_eq!(*p, problem, "{e}");
            }
            other => panic!("{column}: expected a unit error, got {other}"),
        }
        assert!(
            e.to_string().contains("unit.txt:1") && e.to_string().contains(column),
            "{e}"
        );
    }
}

#[test]
fn recognised_units_convert() {
    let f = grid(11, 1e5, 1.0);
    // Angular frequency and kΩ, written with `/`.
    let text = table("freq/rad.s-1\tRe(Z)/kOhm\t-Im(Z)/kOhm", "\t", &[], |_| vec![]);
    let mut text = text;
    for &x in &f {
        let z = z_ref(x);
        writeln!(text, "{:?}\t{:?}\t{:?}", TAU * x, z.re / 1e3, -z.im / 1e3).unwrap();
    }
    let file = read_bytes(text.as_bytes(), "omega.txt", None).unwrap();
    let s = file.sweeps()[0].spectrum();
    assert_eq!(s.len(), f.len());
    for ((&got, &want), z) in s.freq_hz().iter().zip(&f).zip(s.z()) {
        assert_relative_eq!(got, want, max_relative = 1e-12);
        assert_relative_eq!(z.re, z_ref(want).re, max_relative = 1e-9);
    }
}

#[test]
fn a_latin1_comment_in_a_utf8_file_does_not_change_the_header() {
    let f = grid(11, 1e5, 1.0);
    let body = table("freq/Hz\tRe(Z)/kΩ\t-Im(Z)/kΩ", "\t", &f, |x| {
        vec![(z_ref(x).re / 1e3).to_string(), (-z_ref(x).im / 1e3).to_string()]
    });
    let mut bytes = b"# operator: Jos\xE9\n".to_vec();
    bytes.extend_from_slice(body.as_bytes());
    let file = read_bytes(&bytes, "mixed.txt", None).unwrap();
    matches_reference(&file);
    assert!(file.notes().contains(&ReadNote::MixedEncoding {
        first_line: 1,
        lines: 1
    }));

    // A latin-1 byte on the header line itself: the whole file is Windows-1252, `kΩ` becomes `kÎ©`, which is
    // refused instead of being read as Ω.
    let header = "freq/Hz\tRe(Z)/kΩ\t-Im(Z)/kΩ \u{0}";
    let mut bytes = header.replace('\u{0}', "").into_bytes();
    bytes.push(0xB5);
    bytes.extend_from_slice(body.split_once('\n').unwrap().1.as_bytes());
    let e = read_bytes(&bytes, "latin1.txt", None).unwrap_err();
    assert!(matches!(e, ReadError::Unit { .. }), "{e}");
}

// ---- 2. digit grouping ----------------------------------------------------------------------------------------

#[test]
fn thousands_separators_are_recognised_per_column() {
    let f = [100_000.0, 10_000.0, 1_000.0, 100.0, 10.0, 1.0];
    let group = |x: f64| {
        let s = format!("{x:.0}");
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    // Re Z in mΩ so that it needs grouping too; the exact values are what the cells say.
    let mut text = String::from("freq/Hz\tRe(Z)/mOhm\t-Im(Z)/Ohm\n");
    for &x in &f {
        let z = z_ref(x);
        writeln!(text, "{}\t{}\t{:.6}", group(x), group((z.re * 1e3).round()), -z.im).unwrap();
    }
    let file = read_bytes(text.as_bytes(), "grouped.txt", None).unwrap();
    let s = file.sweeps()[0].spectrum();
    assert_eq!(file.sweeps().len(), 1);
    assert_eq!(s.freq_hz(), &f);
    for (&x, z) in f.iter().zip(s.z()) {
        assert_relative_eq!(z.re, (z_ref(x).re * 1e3).round() / 1e3, max_relative = 1e-12);
    }
    assert!(file.notes().contains(&ReadNote::DigitGrouping { column: 1 }));
    assert!(file.notes().contains(&ReadNote::DigitGrouping { column: 2 }));
    assert!(!file.notes().contains(&ReadNote::DigitGrouping { column: 3 }));
}

#[test]
fn decimal_commas_still_read_and_ambiguity_is_refused() {
    let text = "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\n1000\t10,5\t0,25\n100\t12,25\t3,5\n10\t60,125\t40,5\n";
    let file = read_bytes(text.as_bytes(), "comma.txt", None).unwrap();
    assert_relative_eq!(file.sweeps()[0].spectrum().z()[2].re, 60.125);
    assert!(file.notes().is_empty(), "{:?}", file.notes());

    // Only `d,ddd` cells everywhere: 1,500 may be 1500 or 1.5.
    let text = "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\n1,000\t1,000\t2,000\n1,100\t1,500\t3,000\n1,200\t2,000\t4,000\n";
    let e = read_bytes(text.as_bytes(), "ambiguous.txt", None).unwrap_err();
    match &e {
        ReadError::NumberFormat {
            line, column, problem, ..
        } => {
            assert_eq!((*line, *column), (2, 1), "{e}");
            assert_eq!(*problem, NumberProblem::AmbiguousComma);
        }
        other => panic!("expected a number-format error, got {other}"),
    }
    // Decimal commas and decimal points in one column.
    let text = "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\n1000\t10,5\t1\n100\t12.25\t2\n10\t60,125\t3\n";
    let e = read_bytes(text.as_bytes(), "mixed.txt", None).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::NumberFormat {
                line: 3,
                column: 2,
                problem: NumberProblem::MixedSeparators,
                ..
            }
        ),
        "{e}"
    );
}

// ---- 3. sweeps ------------------------------------------------------------------------------------------------

fn csv(points: &[f64]) -> String {
    table("freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm", ",", points, |x| {
        vec![format!("{:?}", z_ref(x).re), format!("{:?}", z_ref(x).im)]
    })
}

#[test]
fn shuffled_rows_are_one_sorted_sweep() {
    let f = grid(41, 1e5, 0.1);
    // A fixed permutation (multiplication by 17 modulo 41 visits every index once).
    let shuffled: Vec<f64> = (0..41).map(|k| f[(k * 17) % 41]).collect();
    let file = read_bytes(csv(&shuffled).as_bytes(), "shuffled.csv", None).unwrap();
    assert_eq!(file.sweeps().len(), 1);
    let s = file.sweeps()[0].spectrum();
    assert_eq!(s.freq_hz(), f.as_slice(), "sorted by decreasing frequency");
    matches_reference(&file);
    assert!(
        matches!(file.notes(), [ReadNote::Sorted { sweep: 0, runs }] if *runs > 1),
        "{:?}",
        file.notes()
    );
}

#[test]
fn a_stitched_measurement_is_one_sweep() {
    // 100 kHz → 10 Hz in 21 points, then 100 Hz → 10 mHz in 30 points: the ranges overlap, 100 Hz and 10 Hz twice.
    let mut f = grid(21, 1e5, 10.0);
    f.extend(grid(31, 100.0, 0.01).into_iter().take(30));
    let file = read_bytes(csv(&f).as_bytes(), "stitched.csv", None).unwrap();
    assert_eq!(file.sweeps().len(), 1, "{:?}", file.notes());
    assert_eq!(file.n_points(), 51);
    matches_reference(&file);
    assert_eq!(file.notes(), &[ReadNote::Stitched { sweep: 0, runs: 2 }]);
}

#[test]
fn repeated_sweeps_stay_apart_and_say_so() {
    let one = grid(15, 1e5, 1.0);
    let mut f = one.clone();
    // The second sweep's measured frequencies differ by 0.01 %: still the same points.
    f.extend(one.iter().map(|x| x * 1.0001));
    let file = read_bytes(csv(&f).as_bytes(), "repeated.csv", None).unwrap();
    assert_eq!(file.sweeps().len(), 2);
    assert_eq!(
        file.notes(),
        &[ReadNote::SplitAtRestarts {
            first_sweep: 0,
            sweeps: 2
        }]
    );
    let msg = file.notes()[0].to_string();
    assert!(msg.contains("--sweep"), "{msg}");
    matches_reference(&file);
}

// ---- 4. Gamry tables ------------------------------------------------------------------------------------------

fn gamry_fixture() -> String {
    let path = format!("{}/tests/fixtures/io/gamry_aborted.DTA", env!("CARGO_MANIFEST_DIR"));
    String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()
}

/// The 0-based line indices of the ZCURVE rows.
fn zcurve_rows(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("ZCURVE")).unwrap() + 3;
    (start..lines.len())
        .take_while(|&i| lines[i].starts_with('\t'))
        .collect()
}

fn edit(text: &str, at: usize, f: impl FnOnce(&str) -> Option<String>) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    match f(&lines[at]) {
        Some(l) => lines[at] = l,
        None => {
            lines.insert(at, String::new());
        }
    }
    lines.join("\n") + "\n"
}

#[test]
fn a_gamry_row_without_its_tab_or_after_a_blank_line_does_not_end_the_table() {
    let text = gamry_fixture();
    let rows = zcurve_rows(&text);
    let n = rows.len();
    let full = read_bytes(text.as_bytes(), "g.DTA", None).unwrap();
    assert_eq!(full.n_points(), n);

    let no_tab = edit(&text, rows[2], |l| Some(l.trim_start_matches('\t').to_owned()));
    let file = read_bytes(no_tab.as_bytes(), "g.DTA", None).unwrap();
    assert_eq!(file.sweeps()[0].spectrum(), full.sweeps()[0].spectrum());
    assert_eq!(file.notes(), &[ReadNote::RowWithoutLeadingTab { line: rows[2] + 1 }]);

    let blank = edit(&text, rows[2], |_| None);
    let file = read_bytes(blank.as_bytes(), "g.DTA", None).unwrap();
    assert_eq!(file.sweeps()[0].spectrum(), full.sweeps()[0].spectrum());
    assert_eq!(file.notes(), &[ReadNote::BlankLinesInTable { line: rows[2] + 1 }]);
}

#[test]
fn a_table_that_ends_at_a_line_that_looks_like_data_warns() {
    let text = gamry_fixture();
    let rows = zcurve_rows(&text);
    // The fourth row cut to five fields and without its TAB: reading stops there, with a warning.
    let cut = edit(&text, rows[3], |l| {
        Some(
            l.trim_start_matches('\t')
                .split('\t')
                .take(5)
                .collect::<Vec<_>>()
                .join("\t"),
        )
    });
    let file = read_bytes(cut.as_bytes(), "g.DTA", None).unwrap();
    assert_eq!(file.sweeps()[0].spectrum().len(), 3);
    let warning = ReadNote::TableEndedEarly {
        line: rows[3] + 1,
        rows: 3,
    };
    assert!(warning.is_warning());
    assert_eq!(file.notes(), &[warning]);
}

#[test]
fn a_truncated_zplot_file_gives_a_typed_warning() {
    let path = format!("{}/tests/fixtures/io/zplotw_truncated.z", env!("CARGO_MANIFEST_DIR"));
    let file = eisfit::io::read(path).unwrap();
    let read = file.n_points();
    assert!(read < 9);
    assert_eq!(file.notes(), &[ReadNote::Truncated { declared: 9, read }]);
}

// ---- 5. headerless files --------------------------------------------------------------------------------------

#[test]
fn a_headerless_minus_z_column_is_recognised_and_said() {
    let f = grid(41, 1e5, 0.1);
    let text = table("", ",", &f, |x| {
        vec![format!("{:?}", z_ref(x).re), format!("{:?}", -z_ref(x).im)]
    });
    let file = read_bytes(text.trim_start().as_bytes(), "neg.csv", None).unwrap();
    matches_reference(&file);
    assert!(
        file.notes().contains(&ReadNote::ImaginarySignFlipped { column: 3 }),
        "{:?}",
        file.notes()
    );
    assert!(file
        .notes()
        .iter()
        .any(|n| matches!(n, ReadNote::ColumnsByShape { columns } if columns.to_string() == "freq,re,-im")));
}

#[test]
fn a_headerless_polar_rlc_export_is_read_as_polar() {
    let f = grid(41, 1e5, 0.1);
    let mut text = String::new();
    for &x in &f {
        let z = z_ref(x);
        write!(text, "{x:?};{:?};{:?}\r\n", z.norm(), z.arg().to_degrees()).unwrap();
    }
    let file = read_bytes(text.as_bytes(), "rlc.csv", None).unwrap();
    matches_reference(&file);
    assert!(file
        .notes()
        .iter()
        .any(|n| matches!(n, ReadNote::ColumnsByShape { columns } if columns.to_string() == "freq,mod,phase_deg")));
    // The same file with --columns: no guess, no note.
    let options = ReadOptions::default().with_columns("freq,mod,phase_deg".parse().unwrap());
    let file = read_bytes_with(text.as_bytes(), "rlc.csv", &options).unwrap();
    matches_reference(&file);
    assert!(file.notes().is_empty());
}

#[test]
fn a_headerless_seven_column_cycling_export_is_read_by_shape() {
    let f = grid(41, 1e5, 0.1);
    let mut text = String::new();
    let mut t = 100.0;
    for cycle in 1..=3 {
        for &x in &f {
            t += 1.0 / x + 0.5;
            let z = z_ref(x);
            writeln!(
                text,
                "{t:.4}\t{cycle}\t{x:?}\t{:?}\t{:?}\t{:?}\t{:?}",
                z.re,
                -z.im,
                z.norm(),
                z.arg().to_degrees()
            )
            .unwrap();
        }
    }
    let file = read_bytes(text.as_bytes(), "cycles.txt", None).unwrap();
    assert_eq!(file.sweeps().len(), 3);
    assert!(file.sweeps().iter().all(|s| s.spectrum().len() == 41));
    matches_reference(&file);
    assert!(file
        .notes()
        .iter()
        .any(|n| matches!(n, ReadNote::ColumnsByShape { columns }
        if columns.to_string() == "skip,sweep,freq,re,-im,skip,skip")));
}

#[test]
fn headerless_columns_that_cannot_be_told_apart_are_refused_naming_columns() {
    // Four columns, the last three unrelated: no |Z| = hypot(Z', Z'') triple.
    let f = grid(20, 1e5, 1.0);
    let text = table("", "\t", &f, |x| {
        vec![format!("{}", x.ln()), format!("{}", x.sqrt()), "7".into()]
    });
    let e = read_bytes(text.trim_start().as_bytes(), "four.txt", None).unwrap_err();
    assert!(matches!(e, ReadError::Columns { .. }), "{e}");
    assert!(
        e.to_string().contains("--columns") && e.to_string().contains("four.txt"),
        "{e}"
    );
}

#[test]
fn columns_override_the_header() {
    let f = grid(11, 1e5, 1.0);
    // A header that says Z'' where the file holds −Z'': --columns says what it is.
    let text = table("f\tZ'\tZ''", "\t", &f, |x| {
        vec![format!("{:?}", z_ref(x).re), format!("{:?}", -z_ref(x).im)]
    });
    let columns: Columns = "freq,re,-im".parse().unwrap();
    let file = read_bytes_with(text.as_bytes(), "c.txt", &ReadOptions::default().with_columns(columns)).unwrap();
    matches_reference(&file);
    // --columns with a format that is not a plain table is refused.
    let options = ReadOptions::default()
        .with_columns(columns)
        .with_format(Some(eisfit::Format::GamryDta));
    assert!(matches!(
        read_bytes_with(text.as_bytes(), "c.txt", &options),
        Err(ReadError::FormatMismatch { .. })
    ));
}

// ---- 7. resources ---------------------------------------------------------------------------------------------

#[test]
fn directories_devices_and_oversized_inputs_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let e = read_with(dir.path(), &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::NotAFile {
                kind: FileKind::Directory,
                ..
            }
        ),
        "{e}"
    );
    assert!(!e.to_string().contains("os error"), "{e}");
    #[cfg(unix)]
    if std::path::Path::new("/dev/zero").exists() {
        let e = read_with("/dev/zero", &ReadOptions::default()).unwrap_err();
        assert!(
            matches!(
                e,
                ReadError::NotAFile {
                    kind: FileKind::Device,
                    ..
                }
            ),
            "{e}"
        );
    }
    let text = csv(&grid(41, 1e5, 0.1));
    let path = dir.path().join("big.csv");
    std::fs::write(&path, &text).unwrap();
    let limit = ReadOptions::default().with_max_bytes(1000);
    let e = read_with(&path, &limit).unwrap_err();
    assert!(
        matches!(e, ReadError::TooLarge { size, limit: 1000, .. } if size == text.len() as u64),
        "{e}"
    );
    assert!(e.to_string().contains("--max-file-mb"), "{e}");
    assert!(matches!(
        read_from_with(text.as_bytes(), "stream", &limit),
        Err(ReadError::TooLarge { .. })
    ));
    assert!(read_with(&path, &ReadOptions::default()).is_ok());
}

#[test]
fn blank_lines_are_refused_or_counted_without_being_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.txt");
    std::fs::write(&path, "\r\n".repeat(200_000)).unwrap();
    let e = read_with(&path, &ReadOptions::default()).unwrap_err();
    assert!(matches!(e, ReadError::Empty { .. }), "{e}");
    // A bad cell after a long run of blank lines is reported at its real line.
    let mut text = String::from("freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n1000,1,-1\n");
    text.push_str(&"\n".repeat(10_000));
    text.push_str("100,x,-2\n10,3,-3\n");
    let e = read_bytes(text.as_bytes(), "gap.csv", None).unwrap_err();
    assert_eq!(e.line(), Some(10_003), "{e}");
}

#[test]
fn comment_lines_do_not_decide_the_number_style() {
    // A generic table with decimal points and a comment line whose cells have commas.
    let text = "f\tZ'\tZ''\n1000\t10.5\t-0.25\n# 1,000\tcells, commented\t1,5\n100\t12.25\t-3.5\n10\t60.125\t-40.5\n";
    let file = read_bytes(text.as_bytes(), "c.txt", None).unwrap();
    assert_eq!(file.n_points(), 3);
    assert_relative_eq!(file.sweeps()[0].spectrum().z()[2].re, 60.125);
    assert!(file.notes().is_empty(), "{:?}", file.notes());
}
