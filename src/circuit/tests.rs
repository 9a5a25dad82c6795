//! Circuit tests: both notations, their errors, round trips, and the evaluator's values and Jacobian.

use super::*;
use crate::elements::FreqPoint;
use num_complex::Complex64;
use proptest::prelude::*;

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

#[test]
fn parses_impedance_py_notation() {
    let circ: Circuit = "R0-p(R1,CPE1)-p(R2-Wo1,C2)".parse().unwrap();
    assert_eq!(circ.to_string(), "R0-p(R1,CPE1)-p(R2-Wo1,C2)");
    assert_eq!(
        circ.param_names(),
        ["R0", "R1", "CPE1.Q", "CPE1.n", "R2", "Wo1.R", "Wo1.tau", "C2"]
    );
    assert_eq!(circ.to_cdc(), "R(RQ)([RWo]C)");
    // White space is ignored, labels may use underscores and letters after the index start.
    let spaced: Circuit = " R_s - p( R_ct , CPE_dl ) ".parse().unwrap();
    assert_eq!(spaced.to_string(), "R_s-p(R_ct,CPE_dl)");
    assert_eq!(spaced.elements()[2].kind(), ElementKind::Cpe);
    // Longest prefix wins: Wo1 is a finite-space Warburg, not W with index "o1".
    let w: Circuit = "Wo1-Ws2-W3-Gs4-G5-La6-L7-Zarc8-HN9-TLMQ10-K11".parse().unwrap();
    let kinds: Vec<ElementKind> = w.elements().iter().map(Element::kind).collect();
    use ElementKind::*;
    assert_eq!(kinds, [Wo, Ws, W, Gs, G, La, L, Zarc, Hn, Tlmq, K]);
}

#[test]
fn parses_cdc() {
    let circ: Circuit = "R(RQ)(RQ)".parse().unwrap();
    assert_eq!(circ.to_string(), "R0-p(R1,CPE0)-p(R2,CPE1)");
    let randles: Circuit = "R(C[RW])".parse().unwrap();
    assert_eq!(randles.to_string(), "R0-p(C0,R1-W0)");
    assert_eq!(randles.to_cdc(), "R(C[RW])");
    let single: Circuit = "(RC)".parse().unwrap();
    assert!(matches!(single.root(), Node::Parallel(v) if v.len() == 2));
}

#[test]
fn parameter_lookup_accepts_aliases() {
    let circ: Circuit = "R0-p(R1,CPE1)".parse().unwrap();
    assert_eq!(circ.param_index("CPE1.n").unwrap(), 3);
    assert_eq!(circ.param_index("CPE1_0").unwrap(), 2);
    assert_eq!(circ.param_index("R1").unwrap(), 1);
    assert_eq!(circ.param_index("R1_0").unwrap(), 1);
    assert_eq!(circ.param_index("R1.R").unwrap(), 1);
    let err = circ.param_index("CPE2.n").unwrap_err();
    assert!(err.to_string().contains("CPE1.Q"), "{err}");
}

fn parse_err(s: &str) -> ParseError {
    match s.parse::<Circuit>() {
        Err(CircuitError::Parse(e)) => e,
        other => panic!("expected a parse error for {s:?}, got {other:?}"),
    }
}

#[test]
fn errors_name_the_column_and_the_expectation() {
    let e = parse_err("R0-p(R1,C1");
    assert_eq!(e.column(), 5, "points at the unclosed '('");
    assert!(matches!(e.kind(), ParseErrorKind::Unclosed { bracket: '(' }));
    let e = parse_err("R0-X1");
    assert_eq!(e.column(), 4);
    assert!(e.to_string().contains("unknown element 'X1'"), "{e}");
    let e = parse_err("R0-R0");
    assert!(matches!(e.kind(), ParseErrorKind::DuplicateLabel { .. }));
    let e = parse_err("R0-p()");
    assert!(matches!(e.kind(), ParseErrorKind::EmptyGroup));
    let e = parse_err("R0--R1");
    assert_eq!(e.column(), 4);
    assert!(e.to_string().contains("expected an element label"), "{e}");
    let e = parse_err("R-C1");
    assert!(matches!(e.kind(), ParseErrorKind::MissingIndex { .. }), "{e}");
    let e = parse_err("R0)");
    assert_eq!(e.column(), 3);
    let e = parse_err("R(RQ");
    assert!(matches!(e.kind(), ParseErrorKind::Unclosed { bracket: '(' }));
    assert_eq!(e.column(), 2);
    let e = parse_err("R(RX)");
    assert_eq!(e.column(), 4);
    let e = parse_err("R[]");
    assert!(matches!(e.kind(), ParseErrorKind::EmptyGroup));
    let e = parse_err("R]");
    assert_eq!(e.column(), 2);
    let e = parse_err("   ");
    assert!(matches!(e.kind(), ParseErrorKind::Empty));
    let deep = "(".repeat(500) + "R" + &")".repeat(500);
    assert!(matches!(parse_err(&deep).kind(), ParseErrorKind::TooDeep));
    let e = parse_err("R0-µ1");
    assert_eq!(e.column(), 4, "columns count characters, not bytes");
}

/// Z of a circuit computed directly from the tree (no compilation), for cross-checking the evaluator.
fn reference_z(node: &Node, circ: &Circuit, params: &[f64], f: &FreqPoint) -> Complex64 {
    match node {
        Node::Element(e) => {
            let (start, n) = param_range(circ, e.label());
            e.kind().impedance(&params[start..start + n], f)
        }
        Node::Series(cs) => cs.iter().map(|n| reference_z(n, circ, params, f)).sum(),
        Node::Parallel(cs) => cs
            .iter()
            .map(|n| reference_z(n, circ, params, f).inv())
            .sum::<Complex64>()
            .inv(),
    }
}

fn param_range(circ: &Circuit, label: &str) -> (usize, usize) {
    let ei = circ.elements().iter().position(|e| e.label() == label).unwrap();
    let start = circ.params().iter().position(|p| p.element() == ei).unwrap();
    (start, circ.elements()[ei].kind().n_params())
}

#[test]
fn series_and_parallel_identities() {
    let freq = [1e5, 300.0, 2.0, 0.05];
    // R-C series vs closed form; R‖C vs closed form; p(R1,R2) = R1R2/(R1+R2).
    let rc: Circuit = "R0-C0".parse().unwrap();
    let par: Circuit = "p(R0,C0)".parse().unwrap();
    let rr: Circuit = "p(R0,R1)".parse().unwrap();
    let z_rc = rc.impedance(&[5.0, 1e-3], &freq).unwrap();
    let z_par = par.impedance(&[5.0, 1e-3], &freq).unwrap();
    let z_rr = rr.impedance(&[3.0, 6.0], &freq).unwrap();
    for (i, &fr) in freq.iter().enumerate() {
        let w = std::f64::consts::TAU * fr;
        let zc = c(0.0, -1.0 / (w * 1e-3));
        assert!((z_rc[i] - (zc + 5.0)).norm() < 1e-12 * z_rc[i].norm());
        let want = (c(0.2, 0.0) + zc.inv()).inv();
        assert!((z_par[i] - want).norm() < 1e-12 * want.norm());
        assert!((z_rr[i].re - 2.0).abs() < 1e-12 && z_rr[i].im.abs() < 1e-12);
    }
    // A Zarc equals R‖CPE with τ = (RQ)^(1/n).
    let zarc: Circuit = "Zarc0".parse().unwrap();
    let rq: Circuit = "p(R0,CPE0)".parse().unwrap();
    let (r, q, n): (f64, f64, f64) = (20.0, 3e-5, 0.8);
    let tau = (r * q).powf(1.0 / n);
    let a = zarc.impedance(&[r, tau, n], &freq).unwrap();
    let b = rq.impedance(&[r, q, n], &freq).unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).norm() < 1e-10 * y.norm());
    }
    // A shorted branch shorts its group, whichever way the evaluator forms the branch's admittance (directly for
    // R and C, by division otherwise), and its derivative passes through; an enormous capacitance is a short too.
    let mut ev = Evaluator::new(&par, &freq);
    let mut z = vec![c(0.0, 0.0); freq.len()];
    let mut jac = vec![c(0.0, 0.0); 2 * freq.len()];
    for p in [[0.0, 1e-3], [5.0, 1e300], [5.0, f64::INFINITY]] {
        ev.impedance_and_jacobian(&p, &mut z, &mut jac);
        assert!(z.iter().all(|z| z.norm() < 1e-200), "{p:?}: {z:?}");
        assert!(jac.iter().all(|j| !j.re.is_nan() && !j.im.is_nan()), "{p:?}: {jac:?}");
    }
    let shorted: Circuit = "p(R0,CPE0)".parse().unwrap();
    let z = shorted.impedance(&[0.0, 1e-5, 0.9], &freq).unwrap();
    assert!(z.iter().all(|z| z.norm() < 1e-200));
    // Wrong lengths are errors, not panics.
    assert!(matches!(
        rc.impedance(&[1.0], &freq),
        Err(CircuitError::WrongLength { .. })
    ));
}

#[test]
fn serde_uses_the_string_notation() {
    let circ: Circuit = "R0-p(R1,CPE1)".parse().unwrap();
    let json = serde_json::to_string(&circ).unwrap();
    assert_eq!(json, "\"R0-p(R1,CPE1)\"");
    let back: Circuit = serde_json::from_str(&json).unwrap();
    assert_eq!(back, circ);
    assert!(serde_json::from_str::<Circuit>("\"R0-p(\"").is_err());
}

// ------------------------------------------------------------------------------------------------------------
// Property tests
// ------------------------------------------------------------------------------------------------------------

/// A random tree shape: leaves are element kinds; groups alternate so the tree is already normalised.
///
/// A leaf is an element, or one time in four a resistor in parallel with a capacitor or a CPE (in either order),
/// which the evaluator compiles into its fused pair.
fn arb_tree() -> impl Strategy<Value = Node> {
    let element = (0..ElementKind::ALL.len()).prop_map(|k| Node::Element(Element::new(ElementKind::ALL[k], "")));
    let pair = (prop::bool::ANY, prop::bool::ANY).prop_map(|(cpe, swap)| {
        let r = Node::Element(Element::new(ElementKind::R, ""));
        let o = Node::Element(Element::new(if cpe { ElementKind::Cpe } else { ElementKind::C }, ""));
        Node::Parallel(if swap { vec![o, r] } else { vec![r, o] })
    });
    let leaf = prop_oneof![3 => element, 1 => pair];
    leaf.prop_recursive(4, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Node::Series),
            prop::collection::vec(inner, 2..4).prop_map(Node::Parallel),
        ]
    })
}

/// Gives every element a unique label, `prefix` + running number.
fn relabel(node: Node, counter: &mut usize) -> Node {
    match node {
        Node::Element(e) => {
            *counter += 1;
            Node::Element(Element::new(e.kind(), format!("{}{}", e.kind().prefix(), counter)))
        }
        Node::Series(cs) => Node::Series(cs.into_iter().map(|n| relabel(n, counter)).collect()),
        Node::Parallel(cs) => Node::Parallel(cs.into_iter().map(|n| relabel(n, counter)).collect()),
    }
}

fn arb_circuit() -> impl Strategy<Value = Circuit> {
    arb_tree().prop_filter_map("valid circuit", |t| {
        let mut n = 0;
        Circuit::new(relabel(t, &mut n)).ok()
    })
}

/// Parameters inside each parameter's typical range: log-uniform scale factors around sensible values.
fn params_for(circ: &Circuit, u: &[f64]) -> Vec<f64> {
    circ.params()
        .iter()
        .zip(u.iter().cycle())
        .map(|(p, &x)| {
            let (_, hi) = p.default_bounds();
            if hi.is_finite() {
                0.3 + 0.69 * x // exponents in [0.3, 0.99]
            } else {
                let base = match p.symbol() {
                    "C" => 1e-6,
                    "L" => 1e-6,
                    "Q" => 1e-5,
                    "tau" => 1e-3,
                    _ => 10.0,
                };
                base * 10f64.powf(2.0 * x - 1.0)
            }
        })
        .collect()
}

/// Z and the Jacobian of `circ` at `params`, with R‖C and R‖CPE pairs fused or evaluated as general parallel
/// nodes.
fn z_and_jacobian(circ: &Circuit, params: &[f64], freq: &[f64], pairs: bool) -> (Vec<Complex64>, Vec<Complex64>) {
    let mut ev = Evaluator::build(circ, freq, pairs);
    let mut z = vec![c(0.0, 0.0); freq.len()];
    let mut jac = vec![c(0.0, 0.0); freq.len() * circ.n_params()];
    ev.impedance_and_jacobian(params, &mut z, &mut jac);
    (z, jac)
}

/// The pair's value `a` against the general evaluation's `b`, on the scale `scale` of the quantity (|Z|, or |Z|/|p|
/// for ∂Z/∂p): equal to rounding wherever `b` is finite. Where it is not (a capacitance of 1e-200 F overflows
/// 1/C), the pair may still give a finite value.
fn same(a: Complex64, b: Complex64, scale: f64) -> bool {
    let scale = if scale.is_finite() { scale } else { 0.0 };
    !b.is_finite() || (a - b).norm() <= 1e-12 * (a.norm().max(b.norm()) + scale)
}

/// Other tools' notations get a hint naming what to write here, at the column of the mistake (issue 22, item 5).
#[test]
fn other_notations_get_targeted_hints() {
    let cases: [(&str, usize, &str); 9] = [
        ("R0-p(R1,Q1)", 9, "in this notation write CPE1"),
        ("R0-p(R1,cpe_dl)", 9, "write CPE_dl"),
        ("R{R=5}(RQ)", 2, "--init"),
        ("R{R=5}(RQ)", 2, "'R(RQ)'"),
        ("P(R1,C1)", 1, "lowercase p("),
        ("R0+R1", 3, "series is '-'"),
        ("R0-(R1||C1)", 7, "parallel is lowercase p("),
        ("p(R1)", 1, "needs no p("),
        ("R(R)", 2, "parallel in CDC"),
    ];
    for (text, column, hint) in cases {
        let e = parse_err(text);
        assert_eq!(e.column(), column, "{text}: {e}");
        assert!(e.hint().is_some_and(|h| h.contains(hint)), "{text}: {e}");
        assert!(e.to_string().contains(hint), "{text}: {e}");
    }
    assert!(matches!(parse_err("p(R1)").kind(), ParseErrorKind::SingleBranch));
    assert!(matches!(parse_err("p(R1-C1)").kind(), ParseErrorKind::SingleBranch));
    assert!(matches!(
        parse_err("R0+R1").kind(),
        ParseErrorKind::OtherNotation { .. }
    ));
    // A label that is nothing known keeps the list of known types and has no hint.
    let e = parse_err("R0-X1");
    assert!(e.hint().is_none() && e.to_string().contains("CPE"), "{e}");
}

#[test]
fn pairs_match_the_general_parallel_evaluation() {
    let freq = [1e6, 3e4, 700.0, 11.0, 0.3, 0.01];
    let circuits = [
        "p(R1,C1)",
        "p(C1,R1)",
        "p(R1,CPE1)",
        "p(CPE1,R1)",
        "R0-p(R1,CPE1)-p(R2,CPE2)",
        "R0-p(R1,C1)-W1",
        "L0-p(CPE1,R1)-p(C2,R2)-CPE3",
        "p(R0-p(R1,CPE1),C2)",
        "p(R1,p(R2,CPE2)-W1,C3)",
        "p(R1,C1,CPE1)",
    ];
    for text in circuits {
        let circ: Circuit = text.parse().unwrap();
        let mut sets: Vec<Vec<f64>> = [0.1, 0.5, 0.9]
            .iter()
            .map(|&u| params_for(&circ, &[u, 1.0 - u, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6]))
            .collect();
        // Values outside the range the fused formulas assume, or where they overflow: the pair falls back to the
        // general evaluation.
        let base = sets[1].clone();
        for i in 0..circ.n_params() {
            for bad in [0.0, -2.0, 1e-200, 1e300, f64::INFINITY, f64::NAN] {
                let mut v = base.clone();
                v[i] = bad;
                sets.push(v);
            }
        }
        for params in &sets {
            let (z1, j1) = z_and_jacobian(&circ, params, &freq, true);
            let (z2, j2) = z_and_jacobian(&circ, params, &freq, false);
            for (a, b) in z1.iter().zip(&z2) {
                assert!(same(*a, *b, 0.0), "{text} {params:?}: Z {a} vs {b}");
            }
            for (k, (a, b)) in j1.iter().zip(&j2).enumerate() {
                let (p, i) = (k / freq.len(), k % freq.len());
                let v = params[p].abs();
                let scale = z2[i].norm() / if v > 0.0 && v.is_finite() { v } else { 1.0 };
                let name = circ.params()[p].name();
                assert!(same(*a, *b, scale), "{text} {params:?}: ∂Z/∂{name} {a} vs {b}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn impedance_py_notation_round_trips(circ in arb_circuit()) {
        let printed = circ.to_string();
        let back: Circuit = printed.parse().unwrap();
        prop_assert_eq!(&back, &circ);
        prop_assert_eq!(back.to_string(), printed);
    }

    #[test]
    fn cdc_round_trips(circ in arb_circuit()) {
        let cdc = circ.to_cdc();
        let back = Circuit::parse_cdc(&cdc).unwrap();
        prop_assert_eq!(back.to_cdc(), cdc);
        prop_assert_eq!(back.n_params(), circ.n_params());
        // Same tree shape and kinds, labels aside.
        let kinds = |c: &Circuit| c.elements().iter().map(Element::kind).collect::<Vec<_>>();
        prop_assert_eq!(kinds(&back), kinds(&circ));
    }

    #[test]
    fn no_string_panics_the_parser(s in "[RCLQWopsGKZarcHNTM0-9_(),\\[\\]\\- ]{0,40}") {
        let _ = s.parse::<Circuit>();
    }

    #[test]
    fn evaluator_matches_the_tree(circ in arb_circuit(), u in prop::collection::vec(0.0f64..1.0, 8)) {
        let params = params_for(&circ, &u);
        let freq = [3e5, 2e3, 17.0, 0.2];
        let z = circ.impedance(&params, &freq).unwrap();
        for (i, &f) in freq.iter().enumerate() {
            let want = reference_z(circ.root(), &circ, &params, &FreqPoint::from_hz(f));
            prop_assert!((z[i] - want).norm() <= 1e-10 * want.norm(), "{} vs {}", z[i], want);
        }
    }

    #[test]
    fn jacobian_matches_central_differences(circ in arb_circuit(), u in prop::collection::vec(0.0f64..1.0, 8)) {
        let params = params_for(&circ, &u);
        let freq = [3e5, 2e3, 17.0, 0.2];
        let np = circ.n_params();
        let mut ev = Evaluator::new(&circ, &freq);
        let mut z = vec![c(0.0, 0.0); freq.len()];
        let mut jac = vec![c(0.0, 0.0); freq.len() * np];
        ev.impedance_and_jacobian(&params, &mut z, &mut jac);
        let mut zp = z.clone();
        let mut zm = z.clone();
        for k in 0..np {
            let h = params[k] * 1e-6;
            let mut p = params.clone();
            p[k] += h;
            ev.impedance(&p, &mut zp);
            p[k] -= 2.0 * h;
            ev.impedance(&p, &mut zm);
            for i in 0..freq.len() {
                let fd = (zp[i] - zm[i]) / (2.0 * h);
                let a = jac[k * freq.len() + i];
                // Tolerance on the scale of |Z|/|p|: the size of a derivative that matters to the fit.
                let tol = 1e-5 * (fd.norm() + z[i].norm() / params[k]);
                prop_assert!((a - fd).norm() <= tol, "param {} at f={}: analytic {} vs FD {}", circ.params()[k].name(), freq[i], a, fd);
            }
        }
    }
}
