//! Each reader forced with `--format`: the first byte picks the format, the rest is the file.
#![no_main]
use eisfit::io::{read_bytes, Format};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let format = Format::ALL[usize::from(pick) % Format::ALL.len()];
    common::check(read_bytes(bytes, "fuzz.txt", Some(format)));
});
