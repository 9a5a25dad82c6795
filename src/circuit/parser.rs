//! Recursive-descent parsers for impedance.py notation and Boukamp's CDC.
//!
//! Both work on the string's characters and report positions as 1-based columns (characters, not bytes), so an
//! error can point at the exact spot. Recursion depth is bounded, so no string can overflow the stack.

use super::{Element, Node};
use crate::elements::ElementKind;
use std::fmt;

/// Deepest nesting of groups accepted; deeper strings are rejected instead of risking the stack.
const MAX_DEPTH: usize = 64;

/// What went wrong while parsing a circuit string.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The string is empty or only white space.
    Empty,
    /// Something else than what the grammar allows at this position.
    Unexpected {
        /// What was found (a character, or "end of input").
        found: String,
        /// What the grammar allows here.
        expected: String,
    },
    /// An element label whose type prefix is not a known element.
    UnknownElement {
        /// The label or symbol as written.
        name: String,
    },
    /// An impedance.py label without its index (`R` instead of `R0`).
    MissingIndex {
        /// The label as written.
        name: String,
    },
    /// An opening bracket that is never closed.
    Unclosed {
        /// The bracket.
        bracket: char,
    },
    /// A group with no elements, `p()`, `()` or `[]`.
    EmptyGroup,
    /// Two elements with the same label.
    DuplicateLabel {
        /// The repeated label.
        label: String,
    },
    /// Nesting deeper than the parser accepts.
    TooDeep,
    /// A parallel group with a single branch, `p(R1)` or CDC `(R)`: nothing is in parallel with it.
    SingleBranch,
    /// Syntax of another tool's notation (`+`, `||`, `P(`, pyimpspec's `{R=5}`); the error's hint says what to
    /// write instead.
    OtherNotation {
        /// What was found, e.g. `'+'` or `'{'`.
        found: String,
    },
}

/// A parse error: its kind, the 1-based column where it was detected, and the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    kind: ParseErrorKind,
    column: usize,
    input: String,
}

impl ParseError {
    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// 1-based column (in characters) where the error was detected.
    #[must_use]
    pub fn column(&self) -> usize {
        self.column
    }

    /// What to write instead, when the mistake is recognised: another tool's notation (`+`, `||`, `P(`,
    /// pyimpspec's `{R=5}`), a CDC symbol among impedance.py labels (`Q1`), a parallel group of one branch.
    #[must_use]
    pub fn hint(&self) -> Option<String> {
        match &self.kind {
            ParseErrorKind::UnknownElement { name } => label_hint(name),
            ParseErrorKind::SingleBranch => Some(
                if self.input.chars().nth(self.column - 1) == Some('p') {
                    "p(…) joins branches separated by ','; a single element or series needs no p(…)"
                } else {
                    "(…) is parallel in CDC: write a single element without brackets, a series as [..]"
                }
                .to_string(),
            ),
            ParseErrorKind::OtherNotation { found } => Some(notation_hint(found, &self.input)),
            _ => None,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = ElementKind::ALL.iter().map(|k| k.prefix()).collect();
        let cdc: Vec<&str> = ElementKind::ALL.iter().map(|k| k.cdc_symbol()).collect();
        write!(f, "invalid circuit '{}' at column {}: ", self.input, self.column)?;
        let hint = self.hint();
        match &self.kind {
            ParseErrorKind::Empty => write!(f, "the circuit is empty"),
            ParseErrorKind::Unexpected { found, expected } => write!(f, "expected {expected}, found {found}"),
            ParseErrorKind::UnknownElement { name } if hint.is_some() => write!(f, "unknown element '{name}'"),
            ParseErrorKind::UnknownElement { name } => write!(
                f,
                "unknown element '{name}'; known types are {} (CDC symbols {})",
                known.join(", "),
                cdc.join(", ")
            ),
            ParseErrorKind::MissingIndex { name } => {
                write!(f, "element '{name}' needs an index, e.g. '{name}0' or '{name}_ct'")
            }
            ParseErrorKind::Unclosed { bracket } => write!(f, "'{bracket}' is never closed"),
            ParseErrorKind::EmptyGroup => write!(f, "empty group"),
            ParseErrorKind::DuplicateLabel { label } => write!(f, "duplicate element label '{label}'"),
            ParseErrorKind::TooDeep => write!(f, "groups nested deeper than {MAX_DEPTH} levels"),
            ParseErrorKind::SingleBranch => write!(f, "a parallel group needs two or more branches"),
            ParseErrorKind::OtherNotation { found } => write!(f, "{found} is not part of this notation"),
        }?;
        match &hint {
            Some(h) => write!(f, "; {h}"),
            None => Ok(()),
        }
    }
}

/// Rejects, at its column, syntax from other tools' notations that neither of ours has; [`ParseError::hint`] says
/// what to write instead.
fn reject_other_notations(c: &Cursor) -> Result<(), ParseError> {
    for (i, &ch) in c.chars.iter().enumerate() {
        let next = c.chars[i + 1..].iter().copied().find(|ch| !ch.is_whitespace());
        let found = match ch {
            '{' | '}' | '+' => format!("'{ch}'"),
            '|' if next == Some('|') => "'||'".to_string(),
            '|' => "'|'".to_string(),
            'P' if next == Some('(') => "'P('".to_string(),
            _ => continue,
        };
        return Err(c.err_at(i, ParseErrorKind::OtherNotation { found }));
    }
    Ok(())
}

/// What to write instead of another notation's `found` in `input`.
fn notation_hint(found: &str, input: &str) -> String {
    match found {
        "'{'" | "'}'" => {
            // pyimpspec's values inside the circuit: show the circuit without them.
            let mut bare = String::new();
            let mut depth = 0usize;
            for ch in input.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    _ if depth == 0 => bare.push(ch),
                    _ => {}
                }
            }
            format!(
                "values are not written in the circuit (pyimpspec's R{{R=5}}): write the circuit alone ('{}') and \
                 give initial values in --init (e.g. --init R0=5; init= in Python)",
                bare.trim()
            )
        }
        "'+'" => "series is '-' in this notation (R0-p(R1,C1)), or elements side by side in CDC (R(RC))".to_string(),
        "'P('" => "parallel is lowercase p(…): p(R1,C1)".to_string(),
        _ => {
            "parallel is lowercase p(…) with ',' between the branches (R0-p(R1,C1)), or (…) in CDC (R(RC))".to_string()
        }
    }
}

/// A hint for an impedance.py label that is not an element: a CDC symbol used as a prefix (`Q1` for `CPE1`), or a
/// prefix in the wrong case (`cpe1`).
fn label_hint(label: &str) -> Option<String> {
    let head_len = label
        .find(|c: char| c.is_ascii_digit() || c == '_')
        .unwrap_or(label.len());
    let (head, rest) = label.split_at(head_len);
    let rest = if rest.is_empty() { "1" } else { rest };
    if let Some(kind) = ElementKind::ALL
        .iter()
        .find(|k| k.cdc_symbol() == head && k.prefix() != head)
    {
        return Some(format!(
            "{head} is CDC notation; in this notation write {}{rest}",
            kind.prefix()
        ));
    }
    ElementKind::ALL
        .iter()
        .find(|k| k.prefix().eq_ignore_ascii_case(head))
        .map(|k| format!("element types are case-sensitive: write {}{rest}", k.prefix()))
}

struct Cursor<'a> {
    chars: Vec<char>,
    pos: usize,
    input: &'a str,
    labels: Vec<String>,
    counters: Vec<usize>,
}

impl<'a> Cursor<'a> {
    fn new(input: &'a str) -> Self {
        Cursor {
            chars: input.chars().collect(),
            pos: 0,
            input,
            labels: Vec::new(),
            counters: vec![0; ElementKind::ALL.len()],
        }
    }

    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).copied()
    }

    fn err_at(&self, column0: usize, kind: ParseErrorKind) -> ParseError {
        ParseError {
            kind,
            column: column0 + 1,
            input: self.input.to_string(),
        }
    }

    fn unexpected(&mut self, expected: &str) -> ParseError {
        let found = match self.peek() {
            Some(c) => format!("'{c}'"),
            None => "end of input".to_string(),
        };
        self.err_at(
            self.pos,
            ParseErrorKind::Unexpected {
                found,
                expected: expected.to_string(),
            },
        )
    }

    fn expect_end(&mut self, expected: &str) -> Result<(), ParseError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.unexpected(expected)),
        }
    }

    fn register(&mut self, label: String, column0: usize) -> Result<(), ParseError> {
        if self.labels.contains(&label) {
            return Err(self.err_at(column0, ParseErrorKind::DuplicateLabel { label }));
        }
        self.labels.push(label);
        Ok(())
    }

    fn check_depth(&self, depth: usize) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            Err(self.err_at(self.pos, ParseErrorKind::TooDeep))
        } else {
            Ok(())
        }
    }
}

fn finish(node: Node) -> Node {
    match node {
        Node::Series(mut v) if v.len() == 1 => v.remove(0),
        Node::Parallel(mut v) if v.len() == 1 => v.remove(0),
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// impedance.py notation
//   series  := term ('-' term)*
//   term    := 'p' '(' series (',' series)* ')' | label
//   label   := prefix index, index := [0-9_][A-Za-z0-9_]*
// ---------------------------------------------------------------------------------------------------------------

/// Parses impedance.py notation into a tree.
pub(super) fn parse_impedance_py(input: &str) -> Result<Node, ParseError> {
    let mut c = Cursor::new(input);
    if c.peek().is_none() {
        return Err(c.err_at(0, ParseErrorKind::Empty));
    }
    reject_other_notations(&c)?;
    let node = impy_series(&mut c, 0)?;
    c.expect_end("'-' or end of circuit")?;
    Ok(node)
}

fn impy_series(c: &mut Cursor, depth: usize) -> Result<Node, ParseError> {
    c.check_depth(depth)?;
    let mut items = vec![impy_term(c, depth)?];
    while c.peek() == Some('-') {
        c.pos += 1;
        items.push(impy_term(c, depth)?);
    }
    Ok(finish(Node::Series(items)))
}

fn impy_term(c: &mut Cursor, depth: usize) -> Result<Node, ParseError> {
    let start = {
        c.skip_ws();
        c.pos
    };
    match c.peek() {
        Some('p') if c.chars.get(start + 1) == Some(&'(') => {
            c.pos += 2;
            if c.peek() == Some(')') {
                return Err(c.err_at(c.pos, ParseErrorKind::EmptyGroup));
            }
            let mut items = vec![impy_series(c, depth + 1)?];
            loop {
                match c.peek() {
                    Some(',') => {
                        c.pos += 1;
                        items.push(impy_series(c, depth + 1)?);
                    }
                    Some(')') if items.len() < 2 => return Err(c.err_at(start, ParseErrorKind::SingleBranch)),
                    Some(')') => {
                        c.pos += 1;
                        return Ok(finish(Node::Parallel(items)));
                    }
                    None => return Err(c.err_at(start + 1, ParseErrorKind::Unclosed { bracket: '(' })),
                    Some(_) => return Err(c.unexpected("',', '-' or ')'")),
                }
            }
        }
        Some(ch) if ch.is_ascii_alphabetic() => {
            let mut end = start;
            while c
                .chars
                .get(end)
                .is_some_and(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
            {
                end += 1;
            }
            let label: String = c.chars[start..end].iter().collect();
            c.pos = end;
            // The longest known prefix after which an index (starting with a digit or '_') follows.
            let mut best: Option<ElementKind> = None;
            let mut bare: Option<ElementKind> = None;
            for kind in ElementKind::ALL {
                if let Some(rest) = label.strip_prefix(kind.prefix()) {
                    let longer = |b: Option<ElementKind>| b.is_none_or(|b| b.prefix().len() < kind.prefix().len());
                    if rest.is_empty() {
                        if longer(bare) {
                            bare = Some(kind);
                        }
                    } else if rest.starts_with(|ch: char| ch.is_ascii_digit() || ch == '_') && longer(best) {
                        best = Some(kind);
                    }
                }
            }
            match (best, bare) {
                (Some(kind), _) => {
                    c.register(label.clone(), start)?;
                    Ok(Node::Element(Element::new(kind, label)))
                }
                (None, Some(_)) => Err(c.err_at(start, ParseErrorKind::MissingIndex { name: label })),
                (None, None) => Err(c.err_at(start, ParseErrorKind::UnknownElement { name: label })),
            }
        }
        _ => Err(c.unexpected("an element label (e.g. R0, CPE1) or 'p('")),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Boukamp's CDC
//   items   := item*          (series at top level and inside [..], parallel inside (..))
//   item    := symbol | '(' items ')' | '[' items ']'
//   symbol  := [A-Z][a-z]*
// ---------------------------------------------------------------------------------------------------------------

/// Parses Boukamp's CDC into a tree, labelling elements per kind from 0.
pub(super) fn parse_cdc(input: &str) -> Result<Node, ParseError> {
    let mut c = Cursor::new(input);
    if c.peek().is_none() {
        return Err(c.err_at(0, ParseErrorKind::Empty));
    }
    reject_other_notations(&c)?;
    let items = cdc_items(&mut c, None, 0)?;
    c.expect_end("an element symbol, '(' or '['")?;
    Ok(finish(Node::Series(items)))
}

fn cdc_items(c: &mut Cursor, close: Option<(char, usize)>, depth: usize) -> Result<Vec<Node>, ParseError> {
    c.check_depth(depth)?;
    let mut items = Vec::new();
    loop {
        let start = {
            c.skip_ws();
            c.pos
        };
        match c.peek() {
            None => {
                return match close {
                    Some((_, open_at)) => {
                        let bracket = c.chars.get(open_at).copied().unwrap_or('(');
                        Err(c.err_at(open_at, ParseErrorKind::Unclosed { bracket }))
                    }
                    None => Ok(items),
                };
            }
            Some(ch) if close.is_some_and(|(cl, _)| cl == ch) => {
                if items.is_empty() {
                    return Err(c.err_at(start, ParseErrorKind::EmptyGroup));
                }
                c.pos += 1;
                return Ok(items);
            }
            Some('(') => {
                c.pos += 1;
                let inner = cdc_items(c, Some((')', start)), depth + 1)?;
                if inner.len() < 2 {
                    return Err(c.err_at(start, ParseErrorKind::SingleBranch));
                }
                items.push(finish(Node::Parallel(inner)));
            }
            Some('[') => {
                c.pos += 1;
                let inner = cdc_items(c, Some((']', start)), depth + 1)?;
                items.push(finish(Node::Series(inner)));
            }
            Some(ch) if ch.is_ascii_uppercase() => {
                let mut end = start + 1;
                while c.chars.get(end).is_some_and(|ch| ch.is_ascii_lowercase()) {
                    end += 1;
                }
                let symbol: String = c.chars[start..end].iter().collect();
                c.pos = end;
                let Some(kind) = ElementKind::from_cdc_symbol(&symbol) else {
                    return Err(c.err_at(start, ParseErrorKind::UnknownElement { name: symbol }));
                };
                let slot = ElementKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
                let label = format!("{}{}", kind.prefix(), c.counters[slot]);
                c.counters[slot] += 1;
                c.register(label.clone(), start)?;
                items.push(Node::Element(Element::new(kind, label)));
            }
            Some(_) => {
                let expected = match close {
                    Some((cl, _)) => format!("an element symbol (R, C, L, Q, W, ...), '(', '[' or '{cl}'"),
                    None => "an element symbol (R, C, L, Q, W, ...), '(' or '['".to_string(),
                };
                return Err(c.unexpected(&expected));
            }
        }
    }
}
