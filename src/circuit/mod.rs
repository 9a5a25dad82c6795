//! Equivalent circuits: a tree of elements in series and parallel, its parameters, and its two notations.
//!
//! A [`Circuit`] is parsed once from a string, in either of two notations:
//!
//! - **impedance.py style**, `R0-p(R1,CPE1)-p(R2-Wo1,C2)`: `-` joins in series, `p(a,b,...)` in parallel, and
//!   every element carries a label made of its type prefix and an index (`R0`, `CPE1`, `Wo1`, `R_ct`).
//! - **Boukamp's circuit description code (CDC)**, `R(RQ)(RQ)` or `R(C[RW])`: `(..)` is parallel, `[..]` is
//!   series, the top level is series, and elements are written by their CDC symbol (`Q` for the CPE). Labels are
//!   given automatically, per element type and in order of appearance from 0: `R(RQ)(RQ)` has `R0`, `R1`, `CPE0`,
//!   `R2`, `CPE1`.
//!
//! [`Circuit::from_str`](std::str::FromStr) detects the notation: a string with a digit, `-`, `,`, `_` or `p(` is
//! impedance.py style, anything else CDC. [`Display`](std::fmt::Display) prints impedance.py style and
//! [`Circuit::to_cdc`] prints CDC; both re-parse to the same tree.
//!
//! Parameters live outside the tree, in one `&[f64]` ordered as the elements appear in the string, each element's
//! parameters in the order of [`ElementKind::params`]. Their names follow the CLI contract: an element with one
//! parameter is named by its label (`R0`), one with several as `label.symbol` (`CPE1.Q`, `CPE1.n`). impedance.py's
//! positional names (`CPE1_0`, `CPE1_1`) are accepted wherever a name is looked up.
//!
//! # Examples
//! ```
//! use eisfit::Circuit;
//!
//! let c: Circuit = "R0-p(R1,CPE1)-p(R2,CPE2)".parse()?;
//! assert_eq!(c.n_params(), 7);
//! assert_eq!(c.param_names()[2], "CPE1.Q");
//! assert_eq!(c.param_index("CPE1_1")?, 3); // impedance.py's positional alias of CPE1.n
//! assert_eq!(c.to_cdc(), "R(RQ)(RQ)");
//!
//! let boukamp: Circuit = "R(RQ)(RQ)".parse()?;
//! assert_eq!(boukamp.to_string(), "R0-p(R1,CPE0)-p(R2,CPE1)");
//! # Ok::<(), eisfit::CircuitError>(())
//! ```

mod eval;
mod parser;

pub use eval::Evaluator;
pub use parser::{ParseError, ParseErrorKind};

use crate::elements::ElementKind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Errors from building a circuit or looking up its parameters.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CircuitError {
    /// The circuit string could not be parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// Two elements share a label.
    #[error("duplicate element label '{0}'")]
    DuplicateLabel(String),
    /// A series or parallel group has no elements.
    #[error("empty {0} group")]
    EmptyGroup(&'static str),
    /// A parameter name is not in the circuit.
    #[error("unknown parameter '{name}'; this circuit has: {}", known.join(", "))]
    UnknownParameter {
        /// The name asked for.
        name: String,
        /// The circuit's parameter names.
        known: Vec<String>,
    },
    /// A parameter vector or frequency list has the wrong length.
    #[error("expected {expected} values, got {got}")]
    WrongLength {
        /// Expected length.
        expected: usize,
        /// Length given.
        got: usize,
    },
}

/// One element in a circuit: its kind and its label (`CPE1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Element {
    kind: ElementKind,
    label: String,
}

impl Element {
    /// An element with the given kind and label. Labels are checked for uniqueness by [`Circuit::new`].
    #[must_use]
    pub fn new(kind: ElementKind, label: impl Into<String>) -> Self {
        Element {
            kind,
            label: label.into(),
        }
    }

    /// The element's kind.
    #[must_use]
    pub fn kind(&self) -> ElementKind {
        self.kind
    }

    /// The element's label, e.g. `CPE1`.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }
}

/// A node of the circuit tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Node {
    /// A single element.
    Element(Element),
    /// Children in series: Z = Σ Zᵢ.
    Series(Vec<Node>),
    /// Children in parallel: 1/Z = Σ 1/Zᵢ.
    Parallel(Vec<Node>),
}

impl Node {
    /// Normalises a tree: series inside series are flattened and single-child groups are replaced by their child.
    fn normalize(self) -> Result<Node, CircuitError> {
        match self {
            Node::Element(e) => Ok(Node::Element(e)),
            Node::Series(children) => {
                let mut flat = Vec::with_capacity(children.len());
                for c in children {
                    match c.normalize()? {
                        Node::Series(inner) => flat.extend(inner),
                        other => flat.push(other),
                    }
                }
                match flat.len() {
                    0 => Err(CircuitError::EmptyGroup("series")),
                    1 => Ok(flat.remove(0)),
                    _ => Ok(Node::Series(flat)),
                }
            }
            Node::Parallel(children) => {
                let mut out = Vec::with_capacity(children.len());
                for c in children {
                    out.push(c.normalize()?);
                }
                match out.len() {
                    0 => Err(CircuitError::EmptyGroup("parallel")),
                    1 => Ok(out.remove(0)),
                    _ => Ok(Node::Parallel(out)),
                }
            }
        }
    }

    fn collect_elements<'a>(&'a self, out: &mut Vec<&'a Element>) {
        match self {
            Node::Element(e) => out.push(e),
            Node::Series(c) | Node::Parallel(c) => c.iter().for_each(|n| n.collect_elements(out)),
        }
    }
}

/// Metadata of one circuit parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    name: String,
    element: usize,
    index_in_element: usize,
    kind: ElementKind,
}

impl Parameter {
    /// The parameter's name (`R0`, `CPE1.n`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Index of the element it belongs to, in [`Circuit::elements`].
    #[must_use]
    pub fn element(&self) -> usize {
        self.element
    }

    /// Position among its element's parameters (0 for `CPE1.Q`, 1 for `CPE1.n`).
    #[must_use]
    pub fn index_in_element(&self) -> usize {
        self.index_in_element
    }

    /// Kind of the element it belongs to.
    #[must_use]
    pub fn kind(&self) -> ElementKind {
        self.kind
    }

    /// The element-level symbol (`Q`, `n`, `tau`).
    #[must_use]
    pub fn symbol(&self) -> &'static str {
        self.kind.params()[self.index_in_element].symbol()
    }

    /// SI unit as ASCII (`Ohm`, `F`, `S s^n`); empty when dimensionless.
    #[must_use]
    pub fn unit(&self) -> &'static str {
        self.kind.params()[self.index_in_element].unit()
    }

    /// Default bounds of the parameter, `(lower, upper)`.
    #[must_use]
    pub fn default_bounds(&self) -> (f64, f64) {
        self.kind.params()[self.index_in_element].default_bounds()
    }
}

/// An equivalent circuit: a validated tree of elements plus its parameter list.
///
/// See the [module documentation](self) for the notations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Circuit {
    root: Node,
    elements: Vec<Element>,
    params: Vec<Parameter>,
}

impl Circuit {
    /// Builds a circuit from a tree, normalising it (nested series are flattened, single-child groups collapsed).
    ///
    /// # Errors
    /// [`CircuitError::EmptyGroup`] and [`CircuitError::DuplicateLabel`].
    pub fn new(root: Node) -> Result<Circuit, CircuitError> {
        let root = root.normalize()?;
        let mut refs = Vec::new();
        root.collect_elements(&mut refs);
        let elements: Vec<Element> = refs.into_iter().cloned().collect();
        let mut seen = std::collections::HashSet::new();
        for e in &elements {
            if !seen.insert(e.label.as_str()) {
                return Err(CircuitError::DuplicateLabel(e.label.clone()));
            }
        }
        let mut params = Vec::new();
        for (ei, e) in elements.iter().enumerate() {
            let n = e.kind.n_params();
            for (k, spec) in e.kind.params().iter().enumerate() {
                let name = if n == 1 {
                    e.label.clone()
                } else {
                    format!("{}.{}", e.label, spec.symbol())
                };
                params.push(Parameter {
                    name,
                    element: ei,
                    index_in_element: k,
                    kind: e.kind,
                });
            }
        }
        Ok(Circuit { root, elements, params })
    }

    /// Parses impedance.py notation, `R0-p(R1,CPE1)`.
    ///
    /// # Errors
    /// A [`ParseError`] with the column and what was expected, or a validation error.
    pub fn parse_impedance_py(s: &str) -> Result<Circuit, CircuitError> {
        Circuit::new(parser::parse_impedance_py(s)?)
    }

    /// Parses Boukamp's circuit description code, `R(RQ)(RQ)`.
    ///
    /// # Errors
    /// A [`ParseError`] with the column and what was expected, or a validation error.
    pub fn parse_cdc(s: &str) -> Result<Circuit, CircuitError> {
        Circuit::new(parser::parse_cdc(s)?)
    }

    /// The (normalised) tree.
    #[must_use]
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// Elements in order of appearance (the order of their parameters).
    #[must_use]
    pub fn elements(&self) -> &[Element] {
        &self.elements
    }

    /// Parameter metadata, in storage order.
    #[must_use]
    pub fn params(&self) -> &[Parameter] {
        &self.params
    }

    /// Number of parameters.
    #[must_use]
    pub fn n_params(&self) -> usize {
        self.params.len()
    }

    /// Parameter names, in storage order.
    #[must_use]
    pub fn param_names(&self) -> Vec<String> {
        self.params.iter().map(|p| p.name.clone()).collect()
    }

    /// Index of a parameter by name: `R0`, `CPE1.n`, or impedance.py's positional `CPE1_1` (and `R0_0`).
    ///
    /// # Errors
    /// [`CircuitError::UnknownParameter`], listing the valid names.
    pub fn param_index(&self, name: &str) -> Result<usize, CircuitError> {
        let name = name.trim();
        if let Some(i) = self.params.iter().position(|p| p.name == name) {
            return Ok(i);
        }
        // `label.symbol` for single-parameter elements (`R0.R`), and positional `label_k`.
        for (i, p) in self.params.iter().enumerate() {
            let label = &self.elements[p.element].label;
            if name == format!("{label}.{}", p.symbol()) || name == format!("{label}_{}", p.index_in_element) {
                return Ok(i);
            }
        }
        Err(CircuitError::UnknownParameter {
            name: name.to_string(),
            known: self.param_names(),
        })
    }

    /// Default bounds of every parameter, in storage order.
    #[must_use]
    pub fn default_bounds(&self) -> Vec<(f64, f64)> {
        self.params.iter().map(Parameter::default_bounds).collect()
    }

    /// Computes Z at each frequency (Hz). Convenient but allocating; for repeated evaluation use [`Evaluator`].
    ///
    /// # Errors
    /// [`CircuitError::WrongLength`] when `params.len() != self.n_params()`.
    pub fn impedance(&self, params: &[f64], freq_hz: &[f64]) -> Result<Vec<num_complex::Complex64>, CircuitError> {
        if params.len() != self.n_params() {
            return Err(CircuitError::WrongLength {
                expected: self.n_params(),
                got: params.len(),
            });
        }
        let mut ev = Evaluator::new(self, freq_hz);
        let mut z = vec![num_complex::Complex64::new(0.0, 0.0); freq_hz.len()];
        ev.impedance(params, &mut z);
        Ok(z)
    }

    /// The circuit in Boukamp's CDC, e.g. `R(RQ)(RQ)`. Labels are not part of CDC and are lost.
    #[must_use]
    pub fn to_cdc(&self) -> String {
        let mut s = String::new();
        write_cdc(&self.root, false, &mut s);
        s
    }
}

/// Writes CDC for `node`; `in_parallel` says whether the enclosing group is parallel.
fn write_cdc(node: &Node, in_parallel: bool, out: &mut String) {
    match node {
        Node::Element(e) => out.push_str(e.kind.cdc_symbol()),
        Node::Series(children) => {
            if in_parallel {
                out.push('[');
            }
            children.iter().for_each(|c| write_cdc(c, false, out));
            if in_parallel {
                out.push(']');
            }
        }
        Node::Parallel(children) => {
            out.push('(');
            children.iter().for_each(|c| write_cdc(c, true, out));
            out.push(')');
        }
    }
}

fn write_impedance_py(node: &Node, out: &mut String) {
    match node {
        Node::Element(e) => out.push_str(&e.label),
        Node::Series(children) => {
            for (i, c) in children.iter().enumerate() {
                if i > 0 {
                    out.push('-');
                }
                write_impedance_py(c, out);
            }
        }
        Node::Parallel(children) => {
            out.push_str("p(");
            for (i, c) in children.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_impedance_py(c, out);
            }
            out.push(')');
        }
    }
}

impl fmt::Display for Circuit {
    /// impedance.py notation, e.g. `R0-p(R1,CPE1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_impedance_py(&self.root, &mut s);
        f.write_str(&s)
    }
}

impl std::str::FromStr for Circuit {
    type Err = CircuitError;

    /// Parses either notation (see the [module documentation](self) for how it is detected).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let impy = s.chars().any(|c| c.is_ascii_digit() || matches!(c, '-' | ',' | '_')) || s.contains("p(");
        if impy {
            Circuit::parse_impedance_py(s)
        } else {
            Circuit::parse_cdc(s)
        }
    }
}

impl TryFrom<String> for Circuit {
    type Error = CircuitError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Circuit> for String {
    fn from(c: Circuit) -> String {
        c.to_string()
    }
}

#[cfg(test)]
mod tests;
