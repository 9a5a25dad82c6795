//! Byte decoding, line splitting and number parsing shared by the text readers.

use super::notes::{Notes, ReadNote};
use super::ReadError;
use std::borrow::Cow;

/// Decodes raw bytes into text: UTF-8 (with or without BOM), UTF-16LE/BE (BOM, or a NUL pattern typical of
/// UTF-16 without one), and latin-1/Windows-1252 for everything that is not valid UTF-8. Stray U+FEFF characters
/// (PalmSens writes one at the end of the file) are removed.
///
/// A file that is not valid UTF-8 as a whole but has lines with valid multi-byte UTF-8 (a UTF-8 export with
/// one latin-1 comment pasted in) is decoded line by line, so that a `kΩ` in its header does not become `kÎ©`;
/// that gives a [`ReadNote::MixedEncoding`].
pub(crate) fn decode(bytes: &[u8]) -> (Cow<'_, str>, Option<ReadNote>) {
    let mut note = None;
    let text: Cow<'_, str> = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        encoding_rs::UTF_16LE.decode_without_bom_handling(rest).0
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        encoding_rs::UTF_16BE.decode_without_bom_handling(rest).0
    } else if looks_like_utf16(bytes, 1) {
        encoding_rs::UTF_16LE.decode_without_bom_handling(bytes).0
    } else if looks_like_utf16(bytes, 0) {
        encoding_rs::UTF_16BE.decode_without_bom_handling(bytes).0
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => match decode_mixed(bytes) {
                Some((text, n)) => {
                    note = Some(n);
                    Cow::Owned(text)
                }
                // Windows-1252 is a superset of latin-1 for the printable range, which is what EC-Lab and Gamry
                // write.
                None => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
            },
        }
    };
    let text = if text.contains('\u{FEFF}') {
        Cow::Owned(text.replace('\u{FEFF}', ""))
    } else {
        text
    };
    (text, note)
}

/// Line-by-line decoding when some line holds valid multi-byte UTF-8 and another is not UTF-8.
fn decode_mixed(bytes: &[u8]) -> Option<(String, ReadNote)> {
    let utf8_line = bytes
        .split(|b| *b == b'\n')
        .any(|l| !l.is_ascii() && std::str::from_utf8(l).is_ok());
    if !utf8_line {
        return None;
    }
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    let (mut first_line, mut lines) = (0, 0);
    for (i, l) in bytes.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match std::str::from_utf8(l) {
            Ok(s) => out.push_str(s),
            Err(_) => {
                if lines == 0 {
                    first_line = i + 1;
                }
                lines += 1;
                out.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(l).0);
            }
        }
    }
    Some((out, ReadNote::MixedEncoding { first_line, lines }))
}

/// UTF-16 text without a BOM has a NUL in every other byte (`zero_at` = 1 for little endian, 0 for big endian).
fn looks_like_utf16(bytes: &[u8], zero_at: usize) -> bool {
    let head = &bytes[..bytes.len().min(64)];
    if head.len() < 8 {
        return false;
    }
    head.chunks_exact(2)
        .all(|pair| pair.get(zero_at) == Some(&0) && pair.get(1 - zero_at).is_some_and(|b| *b != 0))
}

/// True when the text looks like binary data: NUL bytes or many control characters near the start.
///
/// Looks at the first 4 KiB (cut back to a character boundary). Works on bytes, so that it costs little next to
/// the parsing: a character is a byte that is not a UTF-8 continuation byte, and a control character is an ASCII
/// control other than tab, line feed, carriage return and form feed, or a C1 control (U+0080 to U+009F, encoded
/// as 0xC2 0x80..=0x9F).
pub(crate) fn looks_binary(text: &str) -> bool {
    let mut end = text.len().min(4096);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text.as_bytes()[..end];
    if head.contains(&0) {
        return true;
    }
    let total = count_bytes(head, |b| b & 0xC0 != 0x80);
    // Each allowed control is also below 0x20, so it is subtracted.
    let allowed = count_bytes(head, |b| matches!(b, b'\t' | b'\n' | b'\r' | 0x0C));
    let mut control = count_bytes(head, |b| b < 0x20) - allowed + count_bytes(head, |b| b == 0x7F);
    if head.contains(&0xC2) {
        let c1 = head
            .windows(2)
            .filter(|w| w[0] == 0xC2 && (0x80..0xA0).contains(&w[1]))
            .count();
        control += u32::try_from(c1).unwrap_or(u32::MAX);
    }
    total > 0 && u64::from(control) * 20 > u64::from(total)
}

/// How many bytes satisfy `pred`. Counts in `u8` lanes over blocks of 255 bytes, which the compiler vectorises.
fn count_bytes(bytes: &[u8], pred: impl Fn(u8) -> bool) -> u32 {
    bytes
        .chunks(255)
        .map(|block| u32::from(block.iter().fold(0u8, |n, &b| n.wrapping_add(u8::from(pred(b))))))
        .sum()
}

/// Longest run of blank lines kept as is; longer runs keep this many lines (the rest are counted, not stored).
const MAX_BLANK_RUN: usize = 64;

/// A decoded file split into lines, with the file name for error messages and the notes of the readers.
///
/// Lines are split at `\n` (or at `\r` when the file has no `\n` at all) and lose every trailing `\r`, so LF, CRLF
/// and PowerSuite's CR CR LF all give the same lines. `line(i)` is 0-based; error messages use [`Text::line_no`],
/// which counts the lines of a run of more than 64 blank lines that are not stored (so memory does not grow with
/// blank lines).
pub(crate) struct Text<'a> {
    pub name: &'a str,
    pub lines: Vec<&'a str>,
    /// (first stored index after a shortened blank run, lines dropped up to there), increasing.
    skipped: Vec<(usize, usize)>,
    pub notes: Notes,
}

impl<'a> Text<'a> {
    pub(crate) fn new(name: &'a str, text: &'a str) -> Self {
        let sep = if text.contains('\n') { '\n' } else { '\r' };
        let mut lines: Vec<&str> = Vec::new();
        let mut skipped = Vec::new();
        let (mut blank_run, mut dropped) = (0usize, 0usize);
        let mut start = 0usize;
        loop {
            if blank_run >= MAX_BLANK_RUN {
                // Deep in a run of blank lines: jump over every whole line of ASCII white space at once, counting
                // them, instead of one iteration per line.
                let rest = text.get(start..).unwrap_or("").as_bytes();
                let ws = rest.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(rest.len());
                if let Some(last) = rest.get(..ws).and_then(|r| r.iter().rposition(|&b| b == sep as u8)) {
                    let n = rest
                        .get(..=last)
                        .unwrap_or_default()
                        .iter()
                        .filter(|&&b| b == sep as u8)
                        .count();
                    blank_run += n;
                    dropped += n;
                    start += last + 1;
                }
            }
            let rest = text.get(start..).unwrap_or("");
            let end = rest.find(sep);
            let l = rest.get(..end.unwrap_or(rest.len())).unwrap_or("");
            match end {
                Some(e) => start += e + 1,
                None => start = text.len() + 1,
            }
            let l = l.trim_end_matches('\r');
            if l.trim().is_empty() {
                blank_run += 1;
                if blank_run > MAX_BLANK_RUN {
                    dropped += 1;
                    if end.is_none() {
                        break;
                    }
                    continue;
                }
            } else {
                if blank_run > MAX_BLANK_RUN {
                    skipped.push((lines.len(), dropped));
                }
                blank_run = 0;
            }
            lines.push(l);
            if end.is_none() {
                break;
            }
        }
        // A final newline does not start another line.
        if lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        Text {
            name,
            lines,
            skipped,
            notes: Notes::default(),
        }
    }

    /// The 1-based line number in the file of the stored line at 0-based index `i`.
    pub(crate) fn line_no(&self, i: usize) -> usize {
        let before = self.skipped.partition_point(|(at, _)| *at <= i);
        let dropped = before
            .checked_sub(1)
            .and_then(|k| self.skipped.get(k))
            .map_or(0, |(_, d)| *d);
        i + 1 + dropped
    }

    /// The line at 0-based index `i`, or `""` past the end.
    pub(crate) fn line(&self, i: usize) -> &'a str {
        self.lines.get(i).copied().unwrap_or("")
    }

    /// Index of the first line (from `from`) for which `pred` holds.
    pub(crate) fn find(&self, from: usize, pred: impl Fn(&str) -> bool) -> Option<usize> {
        (from..self.lines.len()).find(|&i| pred(self.line(i)))
    }

    /// A syntax error at 0-based line index `i`.
    pub(crate) fn syntax(&self, i: usize, expected: impl Into<String>, found: impl Into<String>) -> ReadError {
        ReadError::Syntax {
            file: self.name.to_owned(),
            line: self.line_no(i),
            expected: expected.into(),
            found: shorten(&found.into()),
        }
    }

    /// An error saying the file is not of the format it was read as.
    pub(crate) fn mismatch(&self, format: super::Format, detail: impl Into<String>) -> ReadError {
        ReadError::FormatMismatch {
            file: self.name.to_owned(),
            format,
            detail: detail.into(),
        }
    }
}

/// Cuts long strings (binary lines, huge rows) for error messages.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 120;
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() && c != '\t' { '\u{FFFD}' } else { c })
        .take(MAX + 1)
        .collect();
    if clean.chars().count() > MAX {
        let cut: String = clean.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        clean
    }
}

/// Most fields [`Delim::split`] returns: no spectrum table has this many columns.
pub(crate) const MAX_FIELDS: usize = 4096;

/// How the fields of a row are separated.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Delim {
    Tab,
    Semicolon,
    Comma,
    /// One or more spaces or tabs.
    Whitespace,
}

impl Delim {
    /// Splits a line into trimmed fields. For `Tab`, `Semicolon` and `Comma` empty fields are kept (so column
    /// positions hold), but empty fields at the end of the line are dropped. At most [`MAX_FIELDS`] fields are
    /// kept, so that a huge garbage line does not cost memory in proportion to its length.
    pub(crate) fn split<'l>(self, line: &'l str, out: &mut Vec<&'l str>) {
        out.clear();
        let byte = match self {
            Delim::Whitespace => {
                out.extend(line.split_whitespace().take(MAX_FIELDS).map(unquote));
                return;
            }
            Delim::Tab => b'\t',
            Delim::Semicolon => b';',
            Delim::Comma => b',',
        };
        // The delimiter is ASCII, so every cut falls on a character boundary. A byte scan is faster than
        // `str::split` on the short fields of a data row.
        let mut start = 0;
        for (i, &b) in line.as_bytes().iter().enumerate() {
            if b == byte {
                out.push(unquote(line.get(start..i).unwrap_or("")));
                start = i + 1;
                if out.len() == MAX_FIELDS {
                    return;
                }
            }
        }
        out.push(unquote(line.get(start..).unwrap_or("")));
        while out.last().is_some_and(|f| f.is_empty()) {
            out.pop();
        }
    }

    /// The delimiter that splits a data row into at least two numbers, if any does (tab, semicolon, comma, then
    /// whitespace; with any delimiter but the comma, a `,` is read as the decimal separator).
    pub(crate) fn guess_numeric(line: &str) -> Option<Delim> {
        let mut fields = Vec::new();
        [Delim::Tab, Delim::Semicolon, Delim::Comma, Delim::Whitespace]
            .into_iter()
            .find(|&d| {
                d.split(line, &mut fields);
                fields.len() >= 2 && all_numeric(&fields, d != Delim::Comma)
            })
    }

    /// The delimiter a line most likely uses: tab, then semicolon, then comma, then whitespace.
    pub(crate) fn guess(line: &str) -> Delim {
        if line.contains('\t') {
            Delim::Tab
        } else if line.contains(';') {
            Delim::Semicolon
        } else if line.contains(',') {
            Delim::Comma
        } else {
            Delim::Whitespace
        }
    }
}

/// Trims whitespace and one pair of surrounding double quotes.
pub(crate) fn unquote(field: &str) -> &str {
    let t = trim(field);
    t.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .map_or(t, str::trim)
}

/// `str::trim`, with a fast path for the usual field that starts and ends with a visible ASCII character.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Parses a finite number; with `decimal_comma`, a `,` is the decimal separator. NaN and infinities are refused.
pub(crate) fn number(field: &str, decimal_comma: bool) -> Option<f64> {
    let t = unquote(field);
    let v: f64 = if decimal_comma && t.contains(',') {
        t.replace(',', ".").parse().ok()?
    } else {
        t.parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// True when every field parses as a number (and there is at least one).
pub(crate) fn all_numeric(fields: &[&str], decimal_comma: bool) -> bool {
    !fields.is_empty() && fields.iter().all(|f| number(f, decimal_comma).is_some())
}

/// Splits `key<sep>value` and trims both sides.
pub(crate) fn key_value(line: &str, sep: char) -> Option<(&str, &str)> {
    let (k, v) = line.split_once(sep)?;
    Some((k.trim(), v.trim()))
}

/// The first number in a string such as `0.001 cm²` or `1.00000E+000`.
pub(crate) fn leading_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(t.len());
    number(t.get(..end)?, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_encoding() {
        assert_eq!(decode(b"\xEF\xBB\xBFab").0, "ab");
        assert_eq!(decode(b"\xB5F").0, "\u{b5}F");
        assert_eq!(decode(b"\xFF\xFEa\0b\0\xFF\xFE").0, "ab");
        assert_eq!(decode(b"\xFE\xFF\0a\0b").0, "ab");
        assert_eq!(decode("µ".as_bytes()).0, "µ");
        assert!(decode("µ".as_bytes()).1.is_none());
        // UTF-8 header, one latin-1 comment line: each line in its own encoding.
        let (text, note) = decode(b"# caf\xE9\nZ' (k\xCE\xA9)\n");
        assert_eq!(text, "# caf\u{e9}\nZ' (k\u{3a9})\n");
        assert_eq!(
            note,
            Some(ReadNote::MixedEncoding {
                first_line: 1,
                lines: 1
            })
        );
    }

    #[test]
    fn splits_lines_of_any_ending() {
        let t = Text::new("x", "a\r\r\nb\r\nc");
        assert_eq!(t.lines, ["a", "b", "c"]);
        let t = Text::new("x", "a\rb\r");
        assert_eq!(t.lines, ["a", "b"]);
    }

    #[test]
    fn long_blank_runs_are_counted_not_stored() {
        let text = format!("a\n{}b\n\nc\n", "\n".repeat(1000));
        let t = Text::new("x", &text);
        assert_eq!(t.lines.len(), 1 + MAX_BLANK_RUN + 3);
        let b = t.lines.iter().position(|l| *l == "b").unwrap();
        assert_eq!(t.line_no(b), 1002);
        assert_eq!(t.line_no(b + 2), 1004);
        assert_eq!(t.line_no(0), 1);
        assert_eq!(t.line_no(5), 6);
        // Runs with spaces and CRs, at the end, and in a file of CR line endings.
        let text = format!("a\r\n{}b\r\n{}", " \t\r\n".repeat(500), "\r\n".repeat(300));
        let t = Text::new("x", &text);
        let b = t.lines.iter().position(|l| *l == "b").unwrap();
        assert_eq!(t.line_no(b), 502);
        assert!(t.lines.len() <= 2 * MAX_BLANK_RUN + 2);
        let text = format!("a\r{}b\r", "\r".repeat(700));
        let t = Text::new("x", &text);
        let b = t.lines.iter().position(|l| *l == "b").unwrap();
        assert_eq!(t.line_no(b), 702);
    }

    #[test]
    fn numbers() {
        assert_eq!(number(" 1,5 ", true), Some(1.5));
        assert_eq!(number("1,5", false), None);
        assert_eq!(number("NaN", false), None);
        assert_eq!(number("\"2E+003\"", false), Some(2000.0));
        assert_eq!(leading_number("0.001 cm²"), Some(0.001));
        let mut v = Vec::new();
        Delim::Tab.split("\t1\t2\t\t", &mut v);
        assert_eq!(v, ["", "1", "2"]);
    }

    #[test]
    fn splits_fields_at_every_delimiter() {
        let mut v = Vec::new();
        Delim::Comma.split(" 1.5 ,\"2\",, 3 ,,", &mut v);
        assert_eq!(v, ["1.5", "2", "", "3"]);
        Delim::Semicolon.split("µ;1,5;x", &mut v);
        assert_eq!(v, ["µ", "1,5", "x"]);
        Delim::Whitespace.split("  1\t 2   3 ", &mut v);
        assert_eq!(v, ["1", "2", "3"]);
        Delim::Tab.split("", &mut v);
        assert!(v.is_empty());
    }

    #[test]
    fn tells_binary_from_text() {
        assert!(!looks_binary("freq,re,im\n1,2,3\r\n\u{0C}µΩ°\t"));
        assert!(looks_binary("ab\0cd"));
        // One control character in 20 is binary, one in 21 is not.
        let few = format!("{}\u{1}", "a".repeat(20));
        let many = format!("{}\u{1}", "a".repeat(18));
        assert!(!looks_binary(&few));
        assert!(looks_binary(&many));
        // C1 controls (two bytes in UTF-8) count as control characters, other non-ASCII letters as letters.
        assert!(looks_binary(&"\u{85}\u{90}a".repeat(50)));
        assert!(!looks_binary(&"Ωµ°ä".repeat(50)));
        // Only the first 4 KiB count, and the cut at a multi-byte character does not panic.
        let late = format!("{}{}", "ä".repeat(3000), "\u{1}".repeat(3000));
        assert!(!looks_binary(&late));
        assert!(!looks_binary(""));
    }
}
