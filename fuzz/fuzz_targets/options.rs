//! The option parsers: `--columns`, `--sweep`, `--format`, `--weight` and `--combine`. No panic; what parses
//! prints back to something that parses to the same value.
#![no_main]
use eisfit::analysis::Combination;
use eisfit::io::{Columns, Format, SweepSelection};
use eisfit::Weighting;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = text.parse::<Columns>() {
        let again: Columns = c.to_string().parse().expect("a printed column list parses");
        assert_eq!(again, c);
    }
    let _ = text.parse::<SweepSelection>();
    if let Ok(Some(f)) = Format::from_choice(text) {
        assert_eq!(Format::from_choice(&f.to_string()).ok(), Some(Some(f)));
    }
    let _ = text.parse::<Weighting>();
    let _ = text.parse::<Combination>();
});
