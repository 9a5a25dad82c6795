//! Headerless and positional reading: `--columns` lists picked by the first byte, plus the size limit.
#![no_main]
use eisfit::io::{read_bytes_with, Columns, ReadOptions};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const LISTS: [&str; 8] = [
    "freq,re,im",
    "freq,re,-im",
    "freq,mod,phase_deg",
    "omega,mod,-phase_rad",
    "skip,sweep,freq,re,-im,mod,phase",
    "re,im,freq",
    "freq,mod,phase_rad,sweep",
    "_,_,_,freq,im,re",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let mut options = ReadOptions::default().with_max_bytes(u64::from(pick) * 64 + 16);
    if pick & 0x80 == 0 {
        let columns: Columns = LISTS[usize::from(pick) % LISTS.len()].parse().expect("valid list");
        options = options.with_columns(columns);
    }
    common::check(read_bytes_with(bytes, "fuzz.txt", &options));
});
